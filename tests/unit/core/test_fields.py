"""The field registry: each field's kind, whether it is a claim, and its normalized value."""

from __future__ import annotations

from gatekeeper.core import fields


def test_each_field_has_its_kind() -> None:
    kinds = {spec.name: spec.kind for spec in fields.FIELDS}
    assert kinds == {"risk_level": "enum", "accountable_owner": "handle",
                     "change_origin": "enum", "test_evidence": "text",
                     "escalation_reviewer": "handle", "approval_reference": "reference",
                     "rollback_plan": "text"}


def test_every_kind_but_free_text_is_a_claim_and_handles_and_references_are_tokens() -> None:
    claims = {spec.name for spec in fields.FIELDS if spec.claim}
    assert claims == {"risk_level", "accountable_owner", "change_origin",
                      "escalation_reviewer", "approval_reference"}
    tokens = {spec.name for spec in fields.FIELDS if spec.token}
    assert tokens == {"accountable_owner", "escalation_reviewer", "approval_reference"}


def test_an_enum_value_is_normalized_to_its_choice_and_others_are_left_as_written() -> None:
    assert fields.normalized("risk_level", " red ") == "RED"
    assert fields.normalized("change_origin", "AI assisted") == "ai-assisted"
    assert fields.normalized("change_origin", "ai_Assisted") == "ai-assisted"
    assert fields.normalized("risk_level", "crimson") == "crimson"
    assert fields.normalized("test_evidence", " pytest -q ") == " pytest -q "
    assert fields.normalized("ticket", "ABC-1") == "ABC-1"


def test_enum_fields_have_choices_and_only_they() -> None:
    for spec in fields.FIELDS:
        assert bool(spec.choices) is (spec.kind == "enum"), spec.name
