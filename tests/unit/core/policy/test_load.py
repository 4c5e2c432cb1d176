"""Policy loading: errors name the file and line; every setting takes effect."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable

import pytest

from gatekeeper import resources
from gatekeeper.core.model import ChangedPath, Decision, RiskClass
from gatekeeper.core.policy.load import DEFAULT_APPROVAL_PATTERN, Policy, parse_policy
from gatekeeper.errors import GatekeeperError

PolicyFactory = Callable[..., Policy]
Evaluator = Callable[..., Decision]

# Line-exact (the assertions name body lines), so written out rather than from the helper.
COMPLETE_GREEN = """\
## Contract
- **Risk level:** GREEN
- **Accountable owner:** @alice
- **Change origin:** human
- **Test evidence:** pytest -q: 12 passed
"""


def parse(text: str, file: str = "conf/gatekeeper.yml") -> Policy:
    return parse_policy(text, file=file, schema=resources.schema("policy"))


def error_of(text: str, file: str = "conf/gatekeeper.yml") -> GatekeeperError:
    with pytest.raises(GatekeeperError) as caught:
        parse(text, file)
    error = caught.value
    # One line, naming the file, as the command line prints it.
    assert "\n" not in str(error)
    assert error.file == file
    assert str(error).startswith(file)
    return error


def test_default_policy_is_valid_and_complete() -> None:
    policy = parse(resources.text("default_policy.yml"), file="embedded-default")
    assert set(policy.classes) == {RiskClass.RED, RiskClass.AMBER}
    assert policy.approval_reference_raw == DEFAULT_APPROVAL_PATTERN
    assert policy.exemptions == ()
    # Authority is on by default: a RED change needs an eligible approval on GitHub.
    assert policy.require_escalation_approval is True
    assert policy.escalation_reviewers == () and policy.approval_records is None
    assert "copilot/" in policy.provenance.agent_branch_prefixes
    assert policy.origin.source == "embedded-default"
    digest = hashlib.sha256(resources.text("default_policy.yml").encode()).hexdigest()
    assert policy.origin.sha == digest


def test_minimal_policy() -> None:
    policy = parse("version: 1\n")
    assert policy.classes == {}
    assert policy.placeholders == ()
    assert policy.approval_reference_raw == DEFAULT_APPROVAL_PATTERN


@pytest.mark.parametrize(
    ("text", "line", "message_parts"),
    [
        ("version: 1\nclasses: [\n", 3, ("invalid YAML",)),
        ("version: 1\nclasses:\n  RED:\n   paths: [a]\n  bad\n", 6, ("invalid YAML",)),
        ("version: 1\nclasses:\n\tRED: {}\n", 3, ("invalid YAML", "cannot start any token")),
        ("version: 1\n? [a]\n: b\n", 2, ("invalid YAML", "unhashable")),
        ("version: !!python/object:os.system 1\n", 1, ("invalid YAML", "constructor")),
    ],
)
def test_yaml_syntax_errors_name_file_and_line(text: str, line: int,
                                                message_parts: tuple[str, ...]) -> None:
    error = error_of(text)
    assert error.line == line
    assert str(error).startswith(f"conf/gatekeeper.yml:{line}: ")
    for part in message_parts:
        assert part in error.message


@pytest.mark.parametrize(
    ("text", "line", "message_parts"),
    [
        ("version: 1\nclasses:\n  RED:\n    paths: a/\n", 4,
         ("classes.RED.paths must be a list, not text",)),
        ("version: 1\nclasses:\n  RED:\n    paths: [1, 2]\n", 4,
         ("classes.RED.paths[0] must be text, not a whole number", "(and 1 more)")),
        ("version: 2\n", 1, ("version must be 1, not 2",)),
        ("version: '1'\n", 1, ("version must be 1, not '1'",)),
        ("- a\n", 1, ("the policy must be a mapping (key: value), not a list",)),
        ("version: 1\napproval_reference_pattern: 5\n", 2,
         ("approval_reference_pattern must be text, not a whole number",)),
        ("version: 1\nauthority:\n  require_escalation_approval: 'yes'\n", 3,
         ("authority.require_escalation_approval must be true or false",)),
        ("version: 1\nexemptions:\n  - name: x\n    authors: []\n    paths: [a]\n", 4,
         ("exemptions[0].authors must list at least one item",)),
        ("version: 1\nfields:\n  Bad-Name: {}\n", 3, ("fields", "Bad-Name")),
        ("version: 1\nclasses:\n  RED:\n    require: [Not A Field]\n", 4,
         ("classes.RED.require[0] 'Not A Field' does not have the required form",)),
        ("version: 1\nplaceholders: ['']\n", 2, ("placeholders[0] must not be empty",)),
        ("", 1, ("empty", "version: 1")),
        ("# just a comment\n", 1, ("empty",)),
    ],
)
def test_wrong_types_name_file_line_and_key(text: str, line: int,
                                            message_parts: tuple[str, ...]) -> None:
    error = error_of(text)
    assert error.line == line
    for part in message_parts:
        assert part in error.message


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("version: 1\n\nfoo: 2\n", "foo"),
        ("version: 1\nclasses:\n  RED:\n    paths: [a]\n    bogus: 1\n", "bogus"),
        ("version: 1\nclasses:\n  PURPLE:\n    paths: [a]\n", "PURPLE"),
        ("version: 1\nauthority:\n  require_escalation_approval: true\n  teams: x\n", "teams"),
    ],
)
def test_unknown_key_names_file_line_and_key(text: str, unknown: str) -> None:
    error = error_of(text)
    assert "unknown key" in error.message
    assert repr(unknown) in error.message
    assert isinstance(error.line, int) and error.line >= 1


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("version: 1\n\nfoo: 2\n", 3),
        ("version: 1\nclasses:\n  RED:\n    paths: [a]\n    bogus: 1\n", 5),
    ],
)
def test_unknown_key_points_at_the_key_line(text: str, line: int) -> None:
    assert error_of(text).line == line


def test_invalid_approval_regex_names_file_and_line() -> None:
    error = error_of("version: 1\n# refs\napproval_reference_pattern: '[unclosed'\n")
    assert error.line == 3
    assert "approval_reference_pattern" in error.message


def test_invalid_path_pattern_names_file_and_line() -> None:
    error = error_of("version: 1\nclasses:\n  RED:\n    paths:\n      - ok/\n      - '!'\n")
    assert error.line == 6  # the line of that pattern, not of the list
    assert "invalid path pattern" in error.message


def test_control_character_in_policy_is_one_line_with_a_line_number() -> None:
    error = error_of("version: 1\nplaceholders: [\x01]\n")
    assert error.line == 2


def _alias_bomb(levels: int = 9) -> str:
    lines = ["version: 1", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        refs = ",".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_a_clean_error_and_fast() -> None:
    started = time.perf_counter()
    error = error_of(_alias_bomb())
    elapsed = time.perf_counter() - started
    assert "too many values" in error.message
    assert error.line == 1
    assert elapsed < 1.0, f"alias bomb took {elapsed:.2f}s"


def test_small_aliases_are_fine() -> None:
    policy = parse("version: 1\nclasses:\n  RED:\n    paths: &p [vault/]\n"
                   "  AMBER:\n    paths: *p\n")
    assert policy.classes[RiskClass.RED].patterns == ("vault/",)
    assert policy.classes[RiskClass.AMBER].patterns == ("vault/",)


def test_approval_pattern_takes_effect(evaluate_body: Evaluator) -> None:
    policy = parse("version: 1\napproval_reference_pattern: '^CHG[0-9]{7}$'\n")
    body = COMPLETE_GREEN + "- **Approval reference:** APR-1234\n"
    reasons = [(r.code, r.field, r.line) for r in evaluate_body(body, [], policy).reasons]
    assert reasons == [("GK105", "approval_reference", 6)]
    good = COMPLETE_GREEN + "- **Approval reference:** CHG0001234\n"
    assert evaluate_body(good, [], policy).reasons == ()


def test_approval_pattern_with_inline_flags_still_matches_in_full(
        evaluate_body: Evaluator) -> None:
    policy = parse("version: 1\napproval_reference_pattern: '(?i)^apr-\\d+$'\n")
    for value, expected in (("apr-12", []), ("APR-12", []), ("xapr-12", ["GK105"]),
                            ("apr-12x later", ["GK105"]), ("SEC-1", ["GK105"]),
                                # in a sentence, the one token that matches is the reference
                                ("apr-12 later", []), ("apr-12 or apr-13", ["GK105"])):
        body = COMPLETE_GREEN + f"- **Approval reference:** {value}\n"
        decision = evaluate_body(body, [], policy)
        assert [r.code for r in decision.reasons] == expected, value


def test_approval_pattern_alternation_is_anchored_as_a_whole(evaluate_body: Evaluator) -> None:
    policy = parse("version: 1\napproval_reference_pattern: 'APR-[0-9]+|SEC-[0-9]+'\n")
    for value, expected in (("APR-1", []), ("SEC-2", []), ("APR-1 or SEC-2", ["GK105"]),
                            ("xSEC-2", ["GK105"]), ("APR-1x", ["GK105"])):
        body = COMPLETE_GREEN + f"- **Approval reference:** {value}\n"
        assert [r.code for r in evaluate_body(body, [], policy).reasons] == expected, value


@pytest.mark.parametrize("pattern", ["(?i)(?m)apr-\\d+", "(?x) APR - \\d+  # approval"])
def test_valid_python_approval_patterns_are_accepted(pattern: str) -> None:
    assert re.compile(pattern).fullmatch("APR-12")  # valid Python, and it matches
    policy = parse(f"version: 1\napproval_reference_pattern: '{pattern}'\n")
    assert policy.approval_reference_pattern.fullmatch("APR-12")


def test_field_aliases_take_effect(evaluate_body: Evaluator) -> None:
    policy = parse("version: 1\nfields:\n  risk_level:\n    aliases: [Danger]\n"
                   "  accountable_owner:\n    aliases: [DRI]\n")
    body = ("- **Danger:** GREEN\n- **DRI:** @alice\n- **Change origin:** human\n"
            "- **Test evidence:** pytest ok\n")
    assert evaluate_body(body, [], policy).outcome != "block"
    default = evaluate_body(body, [], parse("version: 1\n"))
    assert {(r.code, r.field) for r in default.reasons} == {
        ("GK101", "risk_level"), ("GK101", "accountable_owner")}


def test_extra_placeholders_take_effect(evaluate_body: Evaluator) -> None:
    body = COMPLETE_GREEN.replace("@alice", "@nobody")
    assert evaluate_body(body, [], parse("version: 1\n")).outcome != "block"
    policy = parse("version: 1\nplaceholders: ['@NOBODY', 'ask me']\n")
    decision = evaluate_body(body, [], policy)
    assert [(r.code, r.field, r.line) for r in decision.reasons] == [
        ("GK102", "accountable_owner", 3)]


def test_class_require_takes_effect_for_that_class_and_above(evaluate_body: Evaluator) -> None:
    policy = parse(
        "version: 1\n"
        "classes:\n"
        "  AMBER:\n    paths: [deps/]\n    require: [rollback_plan, ticket]\n"
        "  RED:\n    paths: [vault/]\n"
        "fields:\n  ticket:\n    aliases: [jira]\n    description: the JIRA key\n"
    )
    green = evaluate_body(COMPLETE_GREEN, ["src/app.py"], policy)
    assert green.outcome != "block"
    amber_body = COMPLETE_GREEN.replace("GREEN", "AMBER")
    amber = evaluate_body(amber_body, ["deps/a.txt"], policy)
    assert [(r.code, r.field, r.line) for r in amber.reasons] == [
        ("GK203", "rollback_plan", 1), ("GK203", "ticket", 1)]
    ticket = next(r for r in amber.reasons if r.field == "ticket")
    assert "AMBER" in ticket.message
    assert "the JIRA key" in ticket.fix
    filled = amber_body + "- **Rollback plan:** revert it\n- **Jira:** OPS-12\n"
    assert evaluate_body(filled, ["deps/a.txt"], policy).outcome != "block"
    # AMBER's requirements hold for RED too, beside RED's own escalation fields.
    red_body = COMPLETE_GREEN.replace("GREEN", "RED") + (
        "- **Escalation reviewer:** @sec\n- **Approval reference:** APR-1\n"
        "- **Rollback plan:** revert it\n")
    red = evaluate_body(red_body, ["vault/key.txt"], policy)
    assert [(r.code, r.field) for r in red.reasons] == [("GK203", "ticket")]


EXEMPT_POLICY = """\
version: 1
classes:
  RED:
    paths: [auth/]
  AMBER:
    paths: ["*.lock"]
exemptions:
  - name: lockfile updates
    authors: ["Dependabot[bot]", "renovate[bot]"]
    paths: ["*.lock", "auth/*.lock", "docs/"]
"""


def test_exemption_by_author_and_paths_is_reported(evaluate_body: Evaluator,
                                                   valid_record: Callable[..., None]) -> None:
    policy = parse(EXEMPT_POLICY)
    decision = evaluate_body("", ["poetry.lock", "docs/a.md"], policy, author="dependabot[bot]")
    assert decision.outcome != "block"
    assert decision.computed_class is RiskClass.AMBER
    record = decision.to_record()
    valid_record(record)
    assert record["exemptions"] == [{"name": "lockfile updates", "author": "dependabot[bot]",
                                     "paths": ["poetry.lock", "docs/a.md"]}]


@pytest.mark.parametrize(
    ("paths", "author"),
    [
        (["poetry.lock"], "mallory"),                      # another author
        (["poetry.lock"], None),                           # author unknown
        (["poetry.lock", "src/app.py"], "renovate[bot]"),  # a path outside the exemption
        (["auth/deps.lock"], "renovate[bot]"),             # RED is never exempt
        ([ChangedPath("poetry.lock", old_path="auth/x.lock")], "renovate[bot]"),  # rename
        ([], "renovate[bot]"),                             # no paths: nothing to exempt
    ],
)
def test_exemption_does_not_apply(paths: list[str | ChangedPath], author: str | None,
                                  evaluate_body: Evaluator) -> None:
    decision = evaluate_body("", paths, parse(EXEMPT_POLICY), author=author)
    assert decision.exemptions == ()
    assert decision.outcome == "block"
    assert "GK101" in {r.code for r in decision.reasons}
