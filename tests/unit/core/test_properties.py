"""Properties over generated input: any body gives a valid decision record; any policy text
gives a Policy or a GatekeeperError, never another exception."""

from __future__ import annotations

import os
import random
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatekeeper import resources
from gatekeeper.core.body.contract import parse_contract
from gatekeeper.core.model import ChangedPath, Decision, RiskClass
from gatekeeper.core.policy.load import Policy
from gatekeeper.core.reasons import Code
from gatekeeper.errors import GatekeeperError
from tests.support.fixtures import assert_valid_decision_record, load_policy_text, run_evaluate

DEFAULT_TEXT = resources.text("default_policy.yml")
DEFAULT = load_policy_text(DEFAULT_TEXT)
EXEMPTING = load_policy_text(
    "version: 1\nclasses:\n  RED:\n    paths: [auth/, '*.pem']\n    require: [ticket]\n"
    "  AMBER:\n    paths: ['*.lock', deploy/]\n    require: [rollback_plan]\n"
    "placeholders: [nope]\nfields:\n  ticket:\n    aliases: [jira]\n"
    "approval_reference_pattern: '^(APR|SEC)-[0-9]+$'\n"
    "authority:\n  require_escalation_approval: true\n"
    "exemptions:\n  - name: bots\n    authors: [bot]\n    paths: ['*.lock', docs/]\n"
)

# Raise GATEKEEPER_PROPERTY_EXAMPLES for a longer hunt; the suite's default stays quick.
SETTINGS = settings(max_examples=int(os.environ.get("GATEKEEPER_PROPERTY_EXAMPLES", "150")),
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text without surrogates (the CLI decodes strict UTF-8, so they cannot reach the core).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
LABELS = ["Risk level", "risk_level", "**Risk level:**", "Accountable owner", "Owner",
          "Change origin", "Test evidence", "Escalation reviewer", "Approval reference",
          "Rollback plan", "Jira", "Risk", "rollback"]
VALUES = ["GREEN", "AMBER", "RED", "red", "PURPLE", "@alice", "@acme/security", "alice",
          "human", "ai-assisted", "agent", "TBD", "N/A", "<...>", "...", "-", "APR-12",
          "apr-12", "SEC-1", "revert it", "<!-- hint -->", "", "nope", "`pytest -q`: ok"]

LINE = st.one_of(
    TEXT,
    st.builds(lambda bullet, label, value: f"{bullet}{label}: {value}",
              st.sampled_from(["", "- ", "* ", "1. ", "> ", "    ", "- **"]),
              st.sampled_from(LABELS), st.one_of(st.sampled_from(VALUES), TEXT)),
    st.builds(lambda level, label: f"{'#' * level} {label}", st.integers(1, 7),
              st.sampled_from([*LABELS, "Contract", "Escalation", "Summary"])),
    st.sampled_from(["```gatekeeper", "```", "~~~gatekeeper", "~~~", "````", "<!--", "-->",
                     "<!-- hint -->", "---", "===", "", "  - nested", "risk_level: RED",
                     "accountable_owner: '@a'", "rollback_plan: |", "  multi", "- [RED",
                     "key: [unclosed", "? complex", "&a x", "*a", "!!binary x", "\x00",
                     "\t- tabbed", "| a | b |", "<div>", "</div>", "\\", "`", "**"]),
)
BODY = st.builds(
    lambda lines, newline: newline.join(lines),
    st.lists(LINE, max_size=30),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
PATHS = st.lists(
    st.one_of(
        st.sampled_from(["src/app.py", "src/auth/login.py", "deploy/k8s.yaml", "poetry.lock",
                         "docs/a.md", "certs/x.pem", ".env", ".github/workflows/ci.yml",
                         "package.json", "a b/ç.txt"]),
        st.builds(lambda old, new: ChangedPath(new, old_path=old),
                  st.sampled_from(["src/auth/a.py", "src/a.py"]),
                  st.sampled_from(["src/b.py", "src/auth/b.py"])),
        TEXT.filter(bool),
    ),
    max_size=6,
)


def _check_decision(decision: Decision, body: str) -> None:
    record = decision.to_record()
    assert_valid_decision_record(record)
    assert decision.blocked == bool(decision.reasons)
    assert {r.code for r in decision.reasons} <= set(Code)
    lines = body.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for reason in decision.reasons:
        assert reason.line is None or 1 <= reason.line <= lines, (reason, lines)
    if not decision.blocked and not decision.exemptions:
        assert decision.declared_class is not None
        assert decision.declared_class.rank >= decision.computed_class.rank
    if decision.exemptions:
        assert decision.computed_class is not RiskClass.RED


@SETTINGS
@given(body=BODY, paths=PATHS, author=st.sampled_from([None, "bot", "alice"]),
       exempting=st.booleans())
def test_any_body_gives_a_valid_decision_record(body: str, paths: list[str | ChangedPath],
                                                author: str | None, exempting: bool) -> None:
    policy = EXEMPTING if exempting else DEFAULT
    decision = run_evaluate(body, paths, policy, author=author)
    _check_decision(decision, body)
    assert run_evaluate(body, paths, policy, author=author).id == decision.id


@SETTINGS
@given(body=st.text(max_size=300))
def test_any_text_gives_a_valid_decision_record(body: str) -> None:
    _check_decision(run_evaluate(body, ["src/auth/x.py"]), body)


@SETTINGS
@given(lines=st.lists(LINE.map(lambda s: s.replace("\r", "").replace("\n", "")), max_size=25))
def test_crlf_and_lf_bodies_parse_the_same(lines: list[str]) -> None:
    lf = "\n".join(lines)
    assert parse_contract(lf.replace("\n", "\r\n")) == parse_contract(lf)


# --- policies -----------------------------------------------------------------------------

def _parse_or_error(text: str) -> Policy | GatekeeperError:
    try:
        return load_policy_text(text)
    except GatekeeperError as error:
        assert error.file == "policy.yml"
        assert error.message
        return error


YAML_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), TEXT,
                        st.floats(allow_nan=True), st.sampled_from(
                            ["auth/", "!x", "**", "[", "(?i)x", "^[A-Z]+$", "RED", "GREEN", "a|b",
                             "(?x) a # c", "(?i)(?m)x", "(?i:x)y", "x)(y", "\\"]))
YAML_VALUE = st.recursive(
    YAML_SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(TEXT, st.sampled_from(
            ["version", "classes", "RED", "AMBER", "GREEN", "paths", "require", "fields",
             "aliases", "description", "placeholders", "authority", "exemptions", "name",
             "authors", "changed_files", "allow_local_diff", "approval_reference_pattern",
             "require_escalation_approval"])), inner, max_size=4),
    ),
    max_leaves=20,
)


@SETTINGS
@given(document=YAML_VALUE, versioned=st.booleans())
def test_any_yaml_document_gives_a_policy_or_a_clean_error(document: Any,
                                                           versioned: bool) -> None:
    if versioned and isinstance(document, dict):
        document = {"version": 1, **document}
    _parse_or_error(yaml.safe_dump(document, allow_unicode=True))


@SETTINGS
@given(text=st.one_of(TEXT, st.text(st.characters(exclude_categories=("Cs",)), max_size=400)))
def test_any_text_as_policy_gives_a_policy_or_a_clean_error(text: str) -> None:
    _parse_or_error(text)


def _mutate(text: str, rng: random.Random, steps: int) -> str:
    lines = text.split("\n")
    for _ in range(steps):
        position = rng.randrange(len(lines))
        kind = rng.randrange(8)
        if kind == 0:
            del lines[position]
        elif kind == 1:
            lines.insert(position, lines[rng.randrange(len(lines))])
        elif kind == 2:
            lines[position] = " " * rng.randrange(6) + lines[position].lstrip()
        elif kind == 3:
            cut = rng.randrange(len(lines[position]) + 1)
            lines[position] = lines[position][:cut] + rng.choice(
                [":", "- ", "[", "]", "{", "}", "&a ", "*a", "!", "'", '"', "#", "\t", "?",
                 "|", ">", "%", "@", "`", "\\", "\x01", "é"]) + lines[position][cut:]
        elif kind == 4:
            lines[position] = lines[position].replace("paths", rng.choice(
                ["path", "Paths", "require", "exemptions"]))
        elif kind == 5:
            lines[position] = lines[position].replace("RED", rng.choice(
                ["GREEN", "red", "AMBER", "BLUE"]))
        elif kind == 6:
            lines[position] = lines[position].replace("1", rng.choice(["2", "'1'", "1.0", ""]))
        else:
            other = rng.randrange(len(lines))
            lines[position], lines[other] = lines[other], lines[position]
        if not lines:
            lines = [""]
    return "\n".join(lines)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 6))
def test_mutated_default_policy_gives_a_policy_or_a_clean_error(seed: int, steps: int) -> None:
    _parse_or_error(_mutate(DEFAULT_TEXT, random.Random(seed), steps))


@SETTINGS
@given(data=st.data())
def test_structurally_mutated_default_policy(data: st.DataObject) -> None:
    policy = yaml.safe_load(DEFAULT_TEXT)
    container: Any = policy
    path = data.draw(st.lists(st.sampled_from(
        ["classes", "RED", "AMBER", "paths", "require", "authority", "exemptions",
         "changed_files", "approval_reference_pattern", 0, 1]), max_size=4))
    for step in path:
        in_dict = isinstance(container, dict) and step in container
        in_list = (isinstance(container, list) and isinstance(step, int)
                   and step < len(container))
        if not (in_dict or in_list):
            break
        child = container[step]
        if not isinstance(child, (dict, list)):
            break
        container = child
    replacement = data.draw(YAML_VALUE)
    if isinstance(container, dict) and container:
        key = data.draw(st.sampled_from(sorted(container, key=str)))
        container[key] = replacement
    elif isinstance(container, list) and container:
        container[data.draw(st.integers(0, len(container) - 1))] = replacement
    result = _parse_or_error(yaml.safe_dump(policy, allow_unicode=True))
    if isinstance(result, Policy):
        # A policy that loads can be used.
        body = "- **Risk level:** RED\n- **Approval reference:** APR-1\n- **Jira:** x\n"
        decision = run_evaluate(body, ["src/auth/x.py", "a.lock"], result)
        assert_valid_decision_record(decision.to_record())
