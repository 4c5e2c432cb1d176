"""Idioms of real templates: tables of choices marked with an X, hints quoted under a
heading, ``_(REQUIRED)_`` notes where the value goes, ``key: value`` lines over ``---``
(front matter), quoted handles, and the labels templates use for tests and rollback.

Each honest shape is read; the same shape left unfilled still blocks.
"""

from __future__ import annotations

import pytest

from gatekeeper.core.body.contract import parse_contract
from tests.support.fixtures import run_evaluate
from tests.unit.core.body.test_false_passes import ESCALATION, OWN, RED_PATHS

REST = ("| Accountable owner | @dana |\n| Change origin | human |\n"
        "| Test evidence | pytest -q: 12 passed |\n")


def codes(body: str) -> list[tuple[str, str | None]]:
    return [(str(r.code), r.field) for r in run_evaluate(body, RED_PATHS).reasons]


def filled(body: str) -> dict[str, str]:
    return {name: f.value for name, f in parse_contract(body).fields.items()
            if f.status == "filled"}


def matrix(marks: tuple[str, str, str]) -> str:
    green, amber, red = marks
    return ("## Contract\n\n| | GREEN | AMBER | RED |\n|---|---|---|---|\n"
            f"| Risk level | {green} | {amber} | {red} |\n" + REST
            + ESCALATION.format(rollback="revert; tried on staging"))


# --- a table of choices ------------------------------------------------------------------

@pytest.mark.parametrize("mark", ["X", "x", "\u2705", "\u2714\ufe0f", "\u2713",
                                  ":white_check_mark:", "**X**", "[x]", "yes"])
def test_the_marked_column_of_a_table_of_choices_is_the_value(mark: str) -> None:
    body = matrix(("", "", mark))
    assert filled(body)["risk_level"] == "RED"
    assert parse_contract(body).fields["risk_level"].line == 5
    assert codes(body) == []


def test_a_table_of_choices_with_no_mark_leaves_the_field_empty() -> None:
    assert codes(matrix(("", "", ""))) == [("GK101", "risk_level")]


@pytest.mark.parametrize("marks", [("", "", ":x:"), ("", "", "\u274c"), ("", "", "no"),
                                   ("", "", "-")])
def test_a_cross_or_a_no_marks_nothing(marks: tuple[str, str, str]) -> None:
    assert codes(matrix(marks)) == [("GK101", "risk_level")]


def test_two_marked_choices_are_no_single_answer() -> None:
    assert codes(matrix(("X", "", "X"))) == [("GK103", "risk_level")]


def test_an_under_declared_mark_blocks_on_the_class() -> None:
    assert [code for code, _ in codes(matrix(("X", "", "")))] == ["GK201"]


def test_a_table_whose_header_names_no_choices_reads_the_next_cell() -> None:
    body = "## Contract\n\n| Field | Value |\n|---|---|\n| Risk level | RED |\n"
    assert filled(body)["risk_level"] == "RED"


# --- hints quoted under a heading --------------------------------------------------------

def test_a_quoted_hint_under_a_heading_leaves_the_value_after_it() -> None:
    body = ("## Contract\n\n### Risk level\n> GREEN, AMBER or RED\n\nRED\n\n"
            "### Accountable owner\n\n> @handle\n\n@dana\n")
    assert filled(body) == {"risk_level": "RED", "accountable_owner": "@dana"}


def test_a_value_in_the_quote_under_a_heading_is_never_the_value() -> None:
    body = OWN + ESCALATION.format(rollback="") + (
        "\n### Rollback plan\n> revert the PR, as in #812\n\n### Notes\nnone\n")
    assert "rollback_plan" not in filled(body)
    assert ("GK202", "rollback_plan") in codes(body)


def test_a_quote_between_a_label_and_the_next_label_leaves_it_empty() -> None:
    body = (OWN + "\n## Escalation\n- **Escalation reviewer:** @acme/security\n"
            "- **Approval reference:** SEC-2291\n\n**Rollback plan:**\n> revert\n\n"
            "**Release note:** none\n")
    assert codes(body) == [("GK202", "rollback_plan")]


# --- notes the template puts where the value goes ---------------------------------------

@pytest.mark.parametrize("note", ["(required)", "_(REQUIRED)_", "(REQUIRED for RED)",
                                  "**(required)**", "(optional)", "( Required )",
                                  "(if applicable)", "(mandatory for RED changes)"])
def test_a_template_note_is_no_value(note: str) -> None:
    assert codes(OWN + ESCALATION.format(rollback=note)) == [("GK202", "rollback_plan")]


@pytest.mark.parametrize("note", ["_(REQUIRED)_", "(required)", "**(REQUIRED for RED)**"])
def test_a_note_between_the_heading_and_the_value_is_skipped(note: str) -> None:
    body = OWN + ESCALATION.format(rollback="") + (
        f"\n### Rollback plan\n\n{note}\n\nRevert; checked on staging.\n")
    assert filled(body)["rollback_plan"] == "Revert; checked on staging."
    assert codes(body) == []


def test_a_note_on_the_label_line_leaves_the_value_below_it() -> None:
    body = OWN + ESCALATION.format(rollback="_(required)_\n  revert; checked on staging")
    assert filled(body)["rollback_plan"] == "revert; checked on staging"


def test_a_note_alone_under_a_heading_is_a_placeholder() -> None:
    body = OWN + ESCALATION.format(rollback="") + (
        "\n### Rollback plan\n\n_(REQUIRED)_\n\n## Checklist\n- [x] done\n")
    assert parse_contract(body).fields["rollback_plan"].status == "placeholder"
    assert ("GK202", "rollback_plan") in codes(body)


@pytest.mark.parametrize("plan", ["(flip the feature flag off; checked on staging)",
                                  "(revert) and rerun the down migration",
                                  "required: a revert and a cache flush"])
def test_a_plan_in_parentheses_or_naming_requirements_is_an_answer(plan: str) -> None:
    assert codes(OWN + ESCALATION.format(rollback=plan)) == []


# --- key: value lines over --- (front matter) --------------------------------------------

FRONT = ("---\nrisk_level: RED\naccountable_owner: \"@dana\"\nchange_origin: human\n"
         "test_evidence: pytest -q: 12 passed\nescalation_reviewer: '@acme/security'\n"
         "approval_reference: {reference}\nrollback_plan: revert; tried on staging\n---\n")


def test_front_matter_lines_are_each_a_field_at_its_line() -> None:
    body = FRONT.format(reference="SEC-2291")
    contract = parse_contract(body)
    assert contract.fields["accountable_owner"].value == "@dana"
    assert contract.fields["escalation_reviewer"].value == "@acme/security"
    assert [f.line for f in contract.fields.values()] == [2, 3, 4, 5, 6, 7, 8]
    assert codes(body) == []


def test_a_placeholder_in_front_matter_still_blocks() -> None:
    assert codes(FRONT.format(reference="TBD")) == [("GK202", "approval_reference")]


@pytest.mark.parametrize("owner", ['"@dana"', "'@dana'", "\u201c@dana\u201d", "`@dana`"])
def test_a_quoted_handle_is_the_handle(owner: str) -> None:
    body = OWN.replace("@dana", owner) + ESCALATION.format(rollback="revert")
    assert parse_contract(body).fields["accountable_owner"].value == "@dana"
    assert codes(body) == []


@pytest.mark.parametrize("owner", ['"@"', '""', "'TBD'", '"@dana'])
def test_quotes_hide_no_placeholder(owner: str) -> None:
    body = OWN.replace("@dana", owner) + ESCALATION.format(rollback="revert")
    assert [field for _, field in codes(body)] == ["accountable_owner"]


# --- the labels templates use -------------------------------------------------------------

@pytest.mark.parametrize("heading", ["How Has This Been Tested?", "How was this tested?",
                                     "How was this PR tested?",
                                     "How were these changes tested?"])
def test_template_test_headings_are_the_test_evidence(heading: str) -> None:
    body = OWN.replace("- **Test evidence:** pytest -q: 12 passed\n", "") + (
        f"\n### {heading}\npytest -q: 12 passed\n")
    assert filled(body)["test_evidence"] == "pytest -q: 12 passed"


@pytest.mark.parametrize("label", ["Rollback notes", "Rollback strategy", "Revert plan"])
def test_template_rollback_labels_are_the_rollback_plan(label: str) -> None:
    body = OWN + ESCALATION.format(rollback="x").replace("Rollback plan", label).replace(
        "x\n", "revert; tried on staging\n")
    assert codes(body) == []
