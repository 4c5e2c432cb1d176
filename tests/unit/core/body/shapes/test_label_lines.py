"""core/body/shapes/label_lines.py: Label: value lines and the values after empty labels."""

from __future__ import annotations

from gatekeeper.core.body.contract import parse_contract


def filled(body: str) -> dict[str, str]:
    return parse_contract(body).filled()


def test_one_line_per_field_in_a_paragraph() -> None:
    assert filled("Risk level: RED\nOwner: @dana\n") == {"risk_level": "RED",
                                                         "accountable_owner": "@dana"}


def test_an_empty_label_takes_its_lines_up_to_the_next_label() -> None:
    body = "Test evidence:\nUnit tests: 31 passed\nRelease note: none\n"
    assert filled(body) == {"test_evidence": "Unit tests: 31 passed"}


def test_see_below_waits_for_the_block_below() -> None:
    assert filled("Rollback plan: see below\n\nrevert the PR\n") == {
        "rollback_plan": "revert the PR"}


def test_a_definition_line() -> None:
    assert filled("Risk level\n: AMBER\n") == {"risk_level": "AMBER"}


def test_a_near_miss_is_reported() -> None:
    problems = parse_contract("Risk levl: RED\n").problems
    assert "did you mean 'Risk level'" in problems[0].message
