"""The contract parser: where fields come from, their exact body lines, and placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.core.body.contract import parse_contract
from gatekeeper.core.body.reading import ReadProblem
from gatekeeper.core.fields import FIELDS
from gatekeeper.core.model import Contract
from gatekeeper.core.reasons import Code
from tests.support.fixtures import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples"


def summary(contract: Contract) -> dict[str, tuple[str, int, str, str]]:
    """name -> (value, line, status, source): everything a test wants to pin down."""
    return {n: (f.value, f.line, f.status, f.source) for n, f in contract.fields.items()}


TEMPLATE_FILLED = """\
## Summary
Fix the wording of the empty-state message.

## Contract
- **Risk level:** RED
- **Accountable owner:** @alice
- **Change origin:** ai-assisted
- **Test evidence:** `pytest tests/ui -q`: 48 passed

## Escalation
- **Escalation reviewer:** @acme/security
- **Approval reference:** APR-1234
- **Rollback plan:** revert the PR; checked on staging
"""

TEMPLATE_FILLED_FIELDS = {
    "risk_level": ("RED", 5, "filled", "prose"),
    "accountable_owner": ("@alice", 6, "filled", "prose"),
    "change_origin": ("ai-assisted", 7, "filled", "prose"),
    "test_evidence": ("pytest tests/ui -q: 48 passed", 8, "filled", "prose"),
    "escalation_reviewer": ("@acme/security", 11, "filled", "prose"),
    "approval_reference": ("APR-1234", 12, "filled", "prose"),
    "rollback_plan": ("revert the PR; checked on staging", 13, "filled", "prose"),
}


def test_template_fields_values_and_exact_lines() -> None:
    contract = parse_contract(TEMPLATE_FILLED)
    assert summary(contract) == TEMPLATE_FILLED_FIELDS
    assert contract.section_lines == {"contract": 4, "escalation": 10}
    assert contract.problems == ()


def test_headed_sections_take_the_paragraph_below() -> None:
    body = (
        "## Summary\n"             # 1
        "Rotate the signing key.\n"  # 2
        "\n"                       # 3
        "### Rollback plan\n"      # 4
        "Revert the PR; the old key stays valid for 24 hours.\n"  # 5
        "\n"                       # 6
        "### Risk level\n"         # 7
        "RED\n"                    # 8
        "\n"                       # 9
        "Accountable owner\n"      # 10 (setext heading)
        "-----------------\n"      # 11
        "@alice\n"                 # 12
    )
    assert summary(parse_contract(body)) == {
        "rollback_plan": ("Revert the PR; the old key stays valid for 24 hours.", 5,
                          "filled", "prose"),
        "risk_level": ("RED", 8, "filled", "prose"),
        "accountable_owner": ("@alice", 12, "filled", "prose"),
    }


def test_headed_section_left_as_a_hint_is_not_filled() -> None:
    body = "### Rollback plan\n<!-- how to undo this change -->\n\n### Risk level\nRED\n"
    contract = parse_contract(body)
    assert "rollback_plan" not in contract.filled()
    assert summary(contract)["risk_level"] == ("RED", 5, "filled", "prose")


@pytest.mark.parametrize(
    ("line", "expected_value"),
    [
        ("- **Risk level:** RED", "RED"),
        ("- **Risk level**: RED", "RED"),
        ("* Risk level: RED", "RED"),
        ("1. Risk level: RED", "RED"),
        ("Risk level: RED", "RED"),
        ("**Risk level:** RED", "RED"),
        ("RISK LEVEL : RED", "RED"),
        ("**risk_level**: RED", "RED"),
        ("Risk-Level: RED", "RED"),
        ("__Risk level__: RED", "RED"),
        ("Risk  level:   RED  ", "RED"),
        ("- **Risk:** RED", "RED"),  # built-in alias
        ("- **Risk class:** AMBER", "AMBER"),  # built-in alias
    ],
)
def test_label_spellings(line: str, expected_value: str) -> None:
    body = f"## Contract\n\n{line}\n"
    assert summary(parse_contract(body)) == {
        "risk_level": (expected_value, 3, "filled", "prose"),
    }


def test_plain_lines_in_one_paragraph_keep_their_own_lines() -> None:
    body = (
        "Some prose first.\n"          # 1
        "Risk level: AMBER\n"          # 2
        "Owner: @bob\n"                # 3
        "Change origin: human\n"       # 4
        "Test evidence: make test, 12 passed\n"  # 5
    )
    assert summary(parse_contract(body)) == {
        "risk_level": ("AMBER", 2, "filled", "prose"),
        "accountable_owner": ("@bob", 3, "filled", "prose"),
        "change_origin": ("human", 4, "filled", "prose"),
        "test_evidence": ("make test, 12 passed", 5, "filled", "prose"),
    }


def test_label_alone_takes_the_continuation_lines() -> None:
    body = "**Rollback plan:**\nrevert it\nand redeploy\n\n**Risk level:** RED\n"
    assert summary(parse_contract(body)) == {
        "rollback_plan": ("revert it and redeploy", 1, "filled", "prose"),
        "risk_level": ("RED", 5, "filled", "prose"),
    }


def test_nested_list_value_under_a_field() -> None:
    body = (
        "- **Rollback plan:**\n"           # 1
        "  - revert the PR\n"              # 2
        "  - run the down migration\n"     # 3
        "- **Risk level:** RED\n"          # 4
    )
    fields = summary(parse_contract(body))
    value, line, status, _ = fields["rollback_plan"]
    assert (line, status) == (2, "filled")
    assert value.startswith("revert the PR")
    assert fields["risk_level"] == ("RED", 4, "filled", "prose")


def test_nested_list_value_keeps_every_item() -> None:
    body = "- **Rollback plan:**\n  - revert the PR\n  - run the down migration\n"
    value = parse_contract(body).fields["rollback_plan"].value
    assert "revert the PR" in value
    assert "run the down migration" in value


def test_label_with_hint_and_no_value_does_not_borrow_the_next_item() -> None:
    body = (
        "- **Escalation reviewer:** <!-- @handle or @org/team -->\n"  # 1
        "- **Rollback plan:**\n"                                     # 2
        "  <!-- how to undo -->\n"                                   # 3
        "- **Risk level:** RED\n"                                    # 4
    )
    assert summary(parse_contract(body)) == {
        "escalation_reviewer": ("", 1, "empty", "prose"),
        "rollback_plan": ("", 2, "empty", "prose"),
        "risk_level": ("RED", 4, "filled", "prose"),
    }


def test_html_comment_hints_are_not_values() -> None:
    body = (
        "- **Risk level:** <!-- GREEN, AMBER or RED -->\n"   # 1
        "- **Accountable owner:** <!-- @handle of the person\n"  # 2
        "  answerable for this change -->\n"                 # 3
        "- **Change origin:** <!-- hint --> human\n"         # 4
        "<!--\n"                                             # 5
        "Test evidence: this is inside a comment block\n"    # 6
        "-->\n"                                              # 7
    )
    assert summary(parse_contract(body)) == {
        "risk_level": ("", 1, "empty", "prose"),
        "accountable_owner": ("", 2, "empty", "prose"),
        "change_origin": ("human", 4, "filled", "prose"),
    }


def test_fields_in_code_blocks_are_not_read() -> None:
    body = ("```\nRisk level: RED\n```\n\n    Owner: @indented-code\n\n"
            "~~~yaml\nrisk_level: RED\n~~~\n")
    assert parse_contract(body).fields == {}


# --- the fenced ```gatekeeper block -------------------------------------------------

FENCE_BODY = """\
## Contract
- **Risk level:** GREEN
- **Accountable owner:** @bob
- **Change origin:** human

```gatekeeper
# written by the release agent
risk_level: RED
accountable_owner: TBD
test_evidence: "pytest -q: 412 passed"
rollback_plan: |
  revert the PR
  then run the down step
escalation_reviewer:
```
"""


def test_fenced_block_fills_what_the_prose_left_and_conflicts_are_problems() -> None:
    contract = parse_contract(FENCE_BODY)
    # both fill risk_level with different values: a GK106 conflict naming both lines
    [conflict] = contract.problems
    assert isinstance(conflict, ReadProblem) and conflict.code is Code.GK106
    assert conflict.line == 8 and "line 2" in conflict.message and "line 8" in conflict.message
    assert summary(contract) == {
        "risk_level": ("GREEN", 2, "filled", "prose"),
        # a placeholder in the block does not erase a real prose value
        "accountable_owner": ("@bob", 3, "filled", "prose"),
        # fields only in the prose stay
        "change_origin": ("human", 4, "filled", "prose"),
        # fields only in the block are added
        "test_evidence": ("pytest -q: 412 passed", 10, "filled", "block"),
        "rollback_plan": ("revert the PR\nthen run the down step", 11, "filled", "block"),
        "escalation_reviewer": ("", 14, "empty", "block"),
    }


def test_fenced_block_alone_with_tilde_fence_and_info_words() -> None:
    body = "Intro.\n\n~~~ gatekeeper extra words\nrisk_level: AMBER\nowner: '@x'\n~~~\n"
    assert summary(parse_contract(body)) == {
        "risk_level": ("AMBER", 4, "filled", "block"),
        "accountable_owner": ("@x", 5, "filled", "block"),
    }


@pytest.mark.parametrize(
    ("block", "message_part", "line"),
    [
        ("risk_level: [RED\nowner: x\n", "not valid YAML", 5),
        ("risk_level: RED\nfoo: bar: baz\n", "not valid YAML", 5),
        ("- RED\n- GREEN\n", "must be a mapping", 3),
        ("risk_level:\n  - RED\n", "`risk_level` in the gatekeeper block must be a single", 4),
    ],
)
def test_malformed_block_is_a_problem_with_a_line(block: str, message_part: str,
                                                  line: int) -> None:
    body = f"Intro.\n\n```gatekeeper\n{block}```\n"
    contract = parse_contract(body)
    assert len(contract.problems) == 1
    assert message_part in contract.problems[0].message
    assert contract.problems[0].line == line


def test_second_block_is_a_problem_and_ignored() -> None:
    body = "```gatekeeper\nrisk_level: RED\n```\n\n```gatekeeper\nrisk_level: GREEN\n```\n"
    contract = parse_contract(body)
    assert summary(contract) == {"risk_level": ("RED", 2, "filled", "block")}
    assert [(p.line, "more than one" in p.message) for p in contract.problems] == [(5, True)]


# --- placeholders -------------------------------------------------------------------

PLACEHOLDERS = ["TBD", "tbd", "TODO", "TODO: add tests later", "N/A", "n/a", "none", "None.",
                "-", "--", "...", "…", "<...>", "<your handle>", "[fill me in]", "xxx", "XXXX",
                "`TBD`", "**TBD**", "?", "pending"]


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_placeholders_are_not_filled(value: str) -> None:
    body = f"- **Accountable owner:** {value}\n- **Approval reference:** {value}\n"
    contract = parse_contract(body)
    # `<your handle>` is an HTML tag to GitHub: it renders as nothing at all.
    expected = "empty" if value == "<your handle>" else "placeholder"
    for name, line in (("accountable_owner", 1), ("approval_reference", 2)):
        assert contract.fields[name].status == expected, (name, value)
        assert contract.fields[name].line == line
    assert contract.filled() == {}


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_placeholders_in_the_fenced_block_are_not_filled(value: str) -> None:
    quoted = "'" + value.replace("'", "''") + "'"
    body = f"```gatekeeper\napproval_reference: {quoted}\n```\n"
    field = parse_contract(body).fields["approval_reference"]
    assert (field.status, field.line) == ("placeholder", 2)


@pytest.mark.parametrize("value", ["@alice", "APR-1234", "revert the PR", "nonetheless fine",
                                   "todos were all fixed", "x", "<b>bold</b> rollback"])
def test_real_values_are_not_placeholders(value: str) -> None:
    field = parse_contract(f"- **Rollback plan:** {value}\n").fields["rollback_plan"]
    assert field.status == "filled"


@pytest.mark.parametrize("spec", FIELDS, ids=[s.name for s in FIELDS])
def test_the_templates_own_hint_text_is_a_placeholder(spec: object) -> None:
    from gatekeeper.core.fields import FieldSpec

    assert isinstance(spec, FieldSpec)
    body = f"- **{spec.label}:** {spec.hint}\n"
    field = parse_contract(body).fields[spec.name]
    assert (field.status, field.value, field.line) == ("placeholder", spec.hint, 1)


def test_policy_added_placeholders_and_aliases() -> None:
    body = "- **Owner:** Nobody\n- **Sign-off:** @carol\n- **Ticket:** JIRA-1\n"
    plain = parse_contract(body)
    assert plain.fields["accountable_owner"].status == "filled"
    assert "sign_off" not in plain.fields
    extended = parse_contract(
        body, placeholders=("nobody",), aliases={"sign_off": ("sign off",), "ticket": ()}
    )
    assert summary(extended) == {
        "accountable_owner": ("Nobody", 1, "placeholder", "prose"),
        "sign_off": ("@carol", 2, "filled", "prose"),
        "ticket": ("JIRA-1", 3, "filled", "prose"),
    }


# --- line endings, size, exact lines --------------------------------------------------

@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.md")), ids=lambda p: p.stem)
def test_crlf_bodies_give_the_same_fields_and_lines(example: Path) -> None:
    lf = example.read_text(encoding="utf-8")
    assert "\r" not in lf
    crlf = lf.replace("\n", "\r\n")
    assert parse_contract(crlf) == parse_contract(lf)
    assert parse_contract(lf).fields, "every example has contract fields"


def test_crlf_fence_and_headings_keep_lines() -> None:
    lf = FENCE_BODY + "\n### Rollback plan\nnot used: the block has one\n"
    assert parse_contract(lf.replace("\n", "\r\n")) == parse_contract(lf)
    assert parse_contract(TEMPLATE_FILLED.replace("\n", "\r\n")) == parse_contract(
        TEMPLATE_FILLED)


def test_a_body_of_exactly_65536_characters_parses() -> None:
    prose = "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n"
    head = TEMPLATE_FILLED + "\n## Notes\n\n"
    filler_lines = (65_536 - len(head)) // len(prose)
    body = head + prose * filler_lines
    body += "x" * (65_536 - len(body))
    assert len(body) == 65_536
    contract = parse_contract(body)
    assert summary(contract) == TEMPLATE_FILLED_FIELDS


def test_fields_after_long_prose_keep_exact_lines() -> None:
    prose = "".join(f"Line {n} of the design notes.\n\n" for n in range(1, 501))
    body = prose + "## Contract\n- **Risk level:** AMBER\n- **Owner:** @dana\n"
    start = prose.count("\n") + 1
    assert summary(parse_contract(body)) == {
        "risk_level": ("AMBER", start + 1, "filled", "prose"),
        "accountable_owner": ("@dana", start + 2, "filled", "prose"),
    }


def test_example_lines_are_exact() -> None:
    contract = parse_contract((EXAMPLES / "red-missing-escalation.md").read_text())
    assert {n: (f.line, f.status) for n, f in contract.fields.items()} == {
        "risk_level": (5, "filled"),
        "accountable_owner": (6, "filled"),
        "change_origin": (7, "filled"),
        "test_evidence": (8, "filled"),
        "escalation_reviewer": (12, "empty"),
        "approval_reference": (13, "placeholder"),
        "rollback_plan": (14, "empty"),
    }
    agent = parse_contract((EXAMPLES / "agent-fenced-block.md").read_text())
    assert {n: (f.line, f.source) for n, f in agent.fields.items()} == {
        "risk_level": (5, "block"),
        "accountable_owner": (6, "block"),
        "change_origin": (7, "block"),
        "test_evidence": (8, "block"),
        "escalation_reviewer": (9, "block"),
        "approval_reference": (10, "block"),
        "rollback_plan": (11, "block"),
    }


def test_code_span_across_a_line_break_keeps_later_lines() -> None:
    body = "**Test evidence:** `pytest\n-q` passed\n**Risk level:** RED\n"
    assert parse_contract(body).fields["risk_level"].line == 3


def test_inline_html_across_a_line_break_keeps_later_lines() -> None:
    body = "**Test evidence:** ran <span\nclass='x'>it</span>\n**Risk level:** RED\n"
    assert parse_contract(body).fields["risk_level"].line == 3


def test_yaml_error_in_an_unclosed_block_points_inside_the_body() -> None:
    body = 'x\n\n```gatekeeper\nrisk_level: "RED\n'
    (problem,) = parse_contract(body).problems
    assert problem.line is not None and 3 <= problem.line <= 4


def test_loose_list_item_paragraph_is_the_value() -> None:
    body = "- **Rollback plan:**\n\n  Revert the PR.\n\n- **Owner:** @x\n"
    assert summary(parse_contract(body))["rollback_plan"] == (
        "Revert the PR.", 3, "filled", "prose")


@pytest.mark.parametrize("body", [
    "### Rollback plan\n\n```sh\ngit revert HEAD\n```\n",
    "- **Rollback plan:**\n  ```\n  git revert HEAD\n  ```\n",
])
def test_fenced_code_under_a_label_is_the_value(body: str) -> None:
    field = parse_contract(body).fields.get("rollback_plan")
    assert field is not None and field.status == "filled"
    assert "git revert HEAD" in field.value
