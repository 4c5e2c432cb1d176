"""What GitHub shows decides what the author wrote: line breaks, strikethrough, lookalike
letters, math and decorated labels, read as a reviewer reads the rendered page.

Each false pass below is a body that let a RED change through with a rollback plan,
owner or reference nobody could act on; each false block is an honest body that the
reader refused. Both directions are tested on the same shapes.
"""

from __future__ import annotations

import pytest

from gatekeeper.core.body.contract import parse_contract
from tests.support.fixtures import run_evaluate
from tests.unit.core.body.test_false_passes import ESCALATION, OWN, RED_PATHS

CONTRACT = OWN


def body_with_rollback(rollback: str) -> str:
    return CONTRACT + ESCALATION.format(rollback=rollback)


def reasons(body: str) -> list[tuple[str, str | None]]:
    return [(str(r.code), r.field) for r in run_evaluate(body, RED_PATHS).reasons]


def value(body: str, name: str) -> str | None:
    found = parse_contract(body).fields.get(name)
    return found.value if found is not None and found.status == "filled" else None


# --- <br>: a line break on the page ends the value ----------------------------------------

@pytest.mark.parametrize("br", ["<br>", "<br/>", "<br />", "<BR>"])
def test_a_line_break_tag_ends_an_empty_value(br: str) -> None:
    body = body_with_rollback(f"TBD{br}**Release note:** none")
    assert reasons(body) == [("GK202", "rollback_plan")]


def test_fields_separated_by_line_break_tags_are_all_read() -> None:
    body = ("## Contract\n**Risk level:** GREEN<br>**Accountable owner:** @dana<br>"
            "**Change origin:** human<br>**Test evidence:** pytest -q: 12 passed\n")
    contract = parse_contract(body)
    assert {name: f.value for name, f in contract.fields.items()} == {
        "risk_level": "GREEN", "accountable_owner": "@dana", "change_origin": "human",
        "test_evidence": "pytest -q: 12 passed"}
    assert all(f.line == 2 for f in contract.fields.values())
    decision = run_evaluate(body, ["README.md"])
    assert decision.outcome != "block" and not decision.reasons


def test_a_line_break_inside_a_free_text_value_keeps_the_value() -> None:
    body = body_with_rollback("revert the PR<br>then rerun the migration down step")
    assert reasons(body) == []
    assert value(body, "rollback_plan") == "revert the PR"


# --- <details> whose summary is written in Markdown ---------------------------------------

QUOTED = ("Risk level: RED\nAccountable owner: @dana\nChange origin: human\n"
          "Test evidence: pytest -q: 12 passed\nEscalation reviewer: @acme/security\n"
          "Approval reference: SEC-2291\nRollback plan: revert the PR\n")


@pytest.mark.parametrize("summary", [
    "<summary>\n\nOriginal prompt\n\n</summary>",
    "<summary>\n\n### Original prompt\n\n</summary>",
    "<summary>\n\n**Original prompt**\n</summary>",
    "<summary>\n\nQuoted from\n#812\n\n</summary>",
])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_details_with_a_markdown_summary_that_marks_a_quote(summary: str, newline: str) -> None:
    body = f"Did the task.\n\n<details>\n{summary}\n\n{QUOTED}\n</details>\n"
    body = body.replace("\n", newline)
    assert parse_contract(body).fields == {}
    assert run_evaluate(body, RED_PATHS).outcome == "block"


def test_details_with_a_markdown_summary_of_its_own_is_read() -> None:
    body = (CONTRACT + "\n<details>\n<summary>\n\n### Escalation\n\n</summary>\n\n"
            "- **Escalation reviewer:** @acme/security\n- **Approval reference:** SEC-2291\n"
            "- **Rollback plan:** revert; tried on staging\n\n</details>\n")
    assert reasons(body) == []


def test_summary_words_are_never_a_field() -> None:
    body = (CONTRACT + "\n<details>\n<summary>\n\nRollback plan: revert the PR\n\n</summary>\n"
            "\nmore notes\n</details>\n")
    assert value(body, "rollback_plan") is None


@pytest.mark.parametrize("heading", ["## Original prompt", "### Quoted from #812",
                                     "## Prompt"])
def test_a_heading_that_marks_a_quote_keeps_its_section_out(heading: str) -> None:
    body = f"Did the task.\n\n{heading}\n\n{QUOTED}"
    assert parse_contract(body).fields == {}


def test_the_authors_section_after_a_quoted_heading_counts_again() -> None:
    body = ("## Original prompt\n\nRollback plan: revert everything\n\n"
            + body_with_rollback("revert; tried on staging"))
    assert reasons(body) == []
    assert value(body, "rollback_plan") == "revert; tried on staging"


# --- strikethrough with one tilde, as GitHub renders it -----------------------------------

def test_single_tilde_strikethrough_is_no_answer() -> None:
    assert reasons(body_with_rollback("~revert the PR~")) == [("GK202", "rollback_plan")]


def test_single_tilde_strike_leaves_the_corrected_value() -> None:
    body = CONTRACT.replace("RED", "~AMBER~ RED") + ESCALATION.format(rollback="revert")
    assert value(body, "risk_level") == "RED"
    assert reasons(body) == []


@pytest.mark.parametrize("text", ["revert ~/.config and ~/.cache", "takes ~5 min",
                                  "revert ~~~ not a strike ~~~"])
def test_tildes_that_strike_nothing_stay(text: str) -> None:
    assert value(body_with_rollback(text), "rollback_plan") == text


def test_mismatched_tilde_runs_strike_nothing() -> None:
    # GFM pairs a run only with a run of the same length.
    assert value(body_with_rollback("~revert the PR~~"), "rollback_plan") == "~revert the PR~~"


# --- lookalike letters ----------------------------------------------------------------------

@pytest.mark.parametrize("rollback", ["\u0422BD", "N/\u0410", "\u039d\u03bfne",
                                      "\u0422\u041eD\u041e", "t.b.\u0501."])
def test_lookalike_letters_do_not_hide_a_placeholder(rollback: str) -> None:
    assert reasons(body_with_rollback(rollback)) == [("GK202", "rollback_plan")]


def test_a_plan_in_another_script_is_an_answer() -> None:
    plan = "\u043e\u0442\u043a\u0430\u0442 \u0440\u0435\u043b\u0438\u0437\u0430"  # Russian
    assert reasons(body_with_rollback(plan)) == []


def test_a_lookalike_label_in_the_section_is_that_field() -> None:
    body = (CONTRACT + ESCALATION.replace("Rollback plan", "Rollb\u0430ck plan").format(
        rollback="TBD") + "\n## Notes\nRollback plan: revert the PR\n")
    assert reasons(body) == [("GK202", "rollback_plan")]


def test_a_near_miss_in_the_section_is_not_silenced_by_a_stray_line() -> None:
    body = (CONTRACT + ESCALATION.replace("Rollback plan", "Rollbak plan").format(
        rollback="TBD") + "\n## Notes\nRollback plan: revert the PR\n")
    found = reasons(body)
    assert ("GK107", "rollback_plan") in found
    assert run_evaluate(body, RED_PATHS).outcome == "block"


def test_a_near_miss_outside_the_section_is_silenced_by_the_field_in_it() -> None:
    body = body_with_rollback("revert; tried on staging") + "\n## Notes\nRollbak plan: n/a\n"
    assert reasons(body) == []


# --- math, which GitHub renders ------------------------------------------------------------

@pytest.mark.parametrize("rollback", [
    "$\\phantom{revert the PR}$", "$\\text{TBD}$", "$$\\phantom{x}$$",
    "$`\\phantom{revert}`$", "$\\color{white}{revert the PR}$",
])
def test_math_is_not_a_value(rollback: str) -> None:
    assert reasons(body_with_rollback(rollback)) == [("GK202", "rollback_plan")]


def test_a_math_block_under_a_label_is_not_its_value() -> None:
    body = (CONTRACT + ESCALATION.format(rollback="").rstrip("\n ")
            + "\n\n  ```math\n  \\text{revert the PR}\n  ```\n")
    assert reasons(body) == [("GK202", "rollback_plan")]


@pytest.mark.parametrize("rollback", ["revert; costs $5 and $10 of CI",
                                      "revert the PR, $\\le 5$ minutes"])
def test_dollars_and_math_beside_words_leave_the_words(rollback: str) -> None:
    assert reasons(body_with_rollback(rollback)) == []


# --- non-answers ----------------------------------------------------------------------------

@pytest.mark.parametrize("rollback", [
    "see ticket", "See JIRA", "see the linked issue", "to be written", "ask me", "etc.",
    "lorem ipsum dolor sit amet", "yes", "done", "ok", "folgt", "\u00e0 d\u00e9finir",
    "pendiente", "por definir", "siehe Ticket", ":shrug:", ":x: :x:", "\U0001f937",
])
def test_non_answers_are_placeholders(rollback: str) -> None:
    assert reasons(body_with_rollback(rollback)) == [("GK202", "rollback_plan")]


@pytest.mark.parametrize("evidence", ["will run tests after review", "will add tests later",
                                      "tests to be run on staging", "done", "yes",
                                      ":white_check_mark:", "\u2705"])
def test_evidence_that_has_not_happened_is_no_evidence(evidence: str) -> None:
    body = body_with_rollback("revert").replace("pytest -q: 12 passed", evidence)
    assert reasons(body) == [("GK102", "test_evidence")]


@pytest.mark.parametrize("rollback", ["will revert the PR if errors rise",
                                      "see the runbook step 4: revert and run down migration",
                                      "yes: revert the PR, the migration has a down step",
                                      "done on staging: revert took 2 minutes"])
def test_answers_that_start_like_non_answers_are_answers(rollback: str) -> None:
    assert reasons(body_with_rollback(rollback)) == []


# --- decorated labels ----------------------------------------------------------------------

DECORATED_HEADINGS = ("### {label}\n\n{value}\n")


@pytest.mark.parametrize("decorate", ["\U0001f3af {}", ":dart: {}", "{} (required)",
                                      "1. {}", "{} \U0001f6a8", "\u2705 {}:"])
def test_decorated_field_headings_are_read(decorate: str) -> None:
    values = [("Risk level", "GREEN"), ("Accountable owner", "@dana"),
              ("Change origin", "human"), ("Test evidence", "pytest -q: 12 passed")]
    body = "## Contract\n\n" + "".join(
        DECORATED_HEADINGS.format(label=decorate.format(label), value=v) for label, v in values)
    assert {n: f.value for n, f in parse_contract(body).fields.items()} == {
        "risk_level": "GREEN", "accountable_owner": "@dana", "change_origin": "human",
        "test_evidence": "pytest -q: 12 passed"}


@pytest.mark.parametrize("cell", ["\U0001f3af Risk level", ":dart: Risk level",
                                  "**\U0001f3af Risk level**", "Risk level (required)"])
def test_decorated_table_labels_are_read(cell: str) -> None:
    body = f"## Contract\n\n| Field | Value |\n|---|---|\n| {cell} | GREEN |\n"
    assert value(body, "risk_level") == "GREEN"


@pytest.mark.parametrize("keycap", ["1\ufe0f\u20e3", "#\ufe0f\u20e3", "1\u20e3"])
def test_keycap_numbered_labels_are_read(keycap: str) -> None:
    body = f"## Contract\n{keycap} **Risk level:** GREEN\n\n{keycap} Change origin: human\n"
    assert value(body, "risk_level") == "GREEN"
    assert value(body, "change_origin") == "human"


def test_a_definition_style_value_on_the_next_line_is_read() -> None:
    body = ("## Contract\nRisk level\n: GREEN\n\nAccountable owner\n: @dana\n\n"
            "Change origin\n: human\n\nTest evidence\n: pytest -q: 12 passed\n")
    assert {n: f.value for n, f in parse_contract(body).fields.items()} == {
        "risk_level": "GREEN", "accountable_owner": "@dana", "change_origin": "human",
        "test_evidence": "pytest -q: 12 passed"}


def test_a_definition_style_placeholder_is_still_a_placeholder() -> None:
    body = CONTRACT + "\n## Escalation\nEscalation reviewer\n: @acme/security\n\n" \
        "Approval reference\n: SEC-2291\n\nRollback plan\n: TBD\n"
    assert reasons(body) == [("GK202", "rollback_plan")]
