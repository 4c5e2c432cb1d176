"""explain: the pattern that put each path in its class, the negations that took it out of
a higher one, and each pattern's own line in the policy file."""

from __future__ import annotations

from gatekeeper.core.model import RiskClass
from gatekeeper.core.policy.explain import PathExplanation, Rule, explain, pattern_lines
from tests.support.fixtures import load_policy_text

RED, AMBER, GREEN = RiskClass.RED, RiskClass.AMBER, RiskClass.GREEN
POLICY = """\
version: 1
classes:
  RED:
    paths:
      - auth/
      - "!auth/docs/"
      - "*.pem"
  AMBER:
    paths:
      - docs/
"""
LINES = {RED: [5, 6, 7], AMBER: [10]}


def test_each_pattern_has_its_own_line() -> None:
    policy = load_policy_text(POLICY)
    assert pattern_lines(POLICY, file="gk.yml", policy=policy) == LINES


def test_a_path_is_explained_by_the_pattern_of_its_class() -> None:
    policy = load_policy_text(POLICY)
    assert explain(["src/auth/login.py", "certs/site.pem", "docs/a.md"], policy, LINES) == [
        PathExplanation("src/auth/login.py", RED, Rule(RED, "auth/", 5)),
        PathExplanation("certs/site.pem", RED, Rule(RED, "*.pem", 7)),
        PathExplanation("docs/a.md", AMBER, Rule(AMBER, "docs/", 10)),
    ]


def test_a_path_no_pattern_matches_is_green_by_nothing() -> None:
    policy = load_policy_text(POLICY)
    assert explain(["README.md"], policy, LINES) == [PathExplanation("README.md", GREEN, None)]


NEGATED = """\
version: 1
classes:
  RED:
    paths: [".env*", "!.env.example"]
  AMBER:
    paths: ["*.example"]
"""


def test_a_negation_that_took_a_path_out_of_red_is_named() -> None:
    policy = load_policy_text(NEGATED)
    lines = pattern_lines(NEGATED, file="gk.yml", policy=policy)
    assert lines == {RED: [4, 4], AMBER: [6]}
    [found] = explain(["config/.env.example"], policy, lines)
    assert found.risk_class is AMBER
    assert found.decided_by == Rule(AMBER, "*.example", 6)
    assert found.excluded_by == (Rule(RED, "!.env.example", 4),)
    [red] = explain([".env"], policy, lines)
    assert (red.risk_class, red.decided_by, red.excluded_by) == (RED, Rule(RED, ".env*", 4), ())


def test_a_folders_pattern_keeps_what_is_under_it_whatever_negation_follows() -> None:
    # as git does: a path under a matched folder stays matched
    policy = load_policy_text(POLICY)
    [found] = explain(["auth/docs/a.md"], policy, LINES)
    assert (found.risk_class, found.decided_by, found.excluded_by) == (
        RED, Rule(RED, "auth/", 5), ())


def test_paths_are_normalised_and_unknown_lines_are_none() -> None:
    policy = load_policy_text(POLICY)
    [found] = explain(["./src/auth/x.py"], policy, {RED: [5]})
    assert found.path == "src/auth/x.py"
    assert found.decided_by == Rule(RED, "auth/", 5)
    [pem] = explain(["a.pem"], policy, {})
    assert pem.decided_by == Rule(RED, "*.pem", None)


def test_a_policy_without_amber_explains_red_alone() -> None:
    text = "version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
    policy = load_policy_text(text)
    lines = pattern_lines(text, file="gk.yml", policy=policy)
    assert explain(["auth/a", "b"], policy, lines) == [
        PathExplanation("auth/a", RED, Rule(RED, "auth/", lines[RED][0])),
        PathExplanation("b", GREEN, None),
    ]
