"""core/body/shapes/choices.py: ticked choices or a list under an empty label."""

from __future__ import annotations

from gatekeeper.core.body.contract import parse_contract


def test_ticked_choices_are_the_value_of_an_enum() -> None:
    body = "Risk level:\n\n- [ ] GREEN\n- [x] AMBER\n- [ ] RED\n"
    assert parse_contract(body).filled() == {"risk_level": "AMBER"}


def test_a_plain_list_is_the_value_and_a_list_of_fields_is_read_as_fields() -> None:
    assert parse_contract("Rollback plan:\n\n- revert\n- redeploy\n").filled() == {
        "rollback_plan": "revert; redeploy"}
    body = "Rollback plan:\n\n- Risk level: RED\n"
    assert parse_contract(body).filled() == {"risk_level": "RED"}


def test_a_reviewer_checklist_after_an_empty_label_is_not_test_evidence() -> None:
    body = "Test evidence:\n\n- [x] I read the contributing guide\n"
    assert "test_evidence" not in parse_contract(body).filled()
