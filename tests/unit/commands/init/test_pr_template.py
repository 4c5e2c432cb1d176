"""Adding the contract to a template a repository already has: which fields make a section
partial, and which are the author's choice to leave out."""

from __future__ import annotations

import dataclasses

import pytest

from gatekeeper.commands.init.pr_template import add_contract
from gatekeeper.core import fields

COMPLETE = (
    "## Contract\n"
    "- **Risk level:** <!-- GREEN, AMBER or RED -->\n"
    "- **Accountable owner:** <!-- @handle -->\n"
    "- **Change origin:** <!-- human, ai-assisted or agent -->\n"
    "- **Test evidence:** <!-- command and result -->\n"
    "\n## Escalation\n"
    "- **Escalation reviewer:** <!-- @handle or @org/team -->\n"
    "- **Approval reference:** <!-- e.g. APR-1234 -->\n"
    "- **Rollback plan:** <!-- how to undo it -->\n"
)


@pytest.fixture
def optional_ticket(monkeypatch: pytest.MonkeyPatch) -> fields.FieldSpec:
    """The registry with one more field, optional, in the Contract section."""
    ticket = dataclasses.replace(fields.BUILTIN["rollback_plan"], name="ticket", label="Ticket",
                                 aliases=(), section="contract", requirement="optional")
    monkeypatch.setattr(fields, "FIELDS", (*fields.FIELDS, ticket))
    monkeypatch.setitem(fields.BUILTIN, "ticket", ticket)
    return ticket


def test_a_complete_template_is_left_alone() -> None:
    assert add_contract(COMPLETE).status == "complete"


def test_a_complete_template_without_an_optional_field_is_still_complete(
        optional_ticket: fields.FieldSpec) -> None:
    extension = add_contract(COMPLETE)
    assert extension.status == "complete"
    assert extension.text == COMPLETE


def test_a_required_field_left_out_still_makes_the_section_partial(
        optional_ticket: fields.FieldSpec) -> None:
    without_owner = COMPLETE.replace("- **Accountable owner:** <!-- @handle -->\n", "")
    extension = add_contract(without_owner)
    assert extension.status == "partial"
    assert extension.missing == ("Accountable owner",)


def test_a_section_that_is_absent_is_added_with_its_optional_fields(
        optional_ticket: fields.FieldSpec) -> None:
    escalation_only = COMPLETE[COMPLETE.index("## Escalation"):]
    extension = add_contract(escalation_only)
    assert extension.status == "extended"
    assert "- **Ticket:**" in extension.text
    assert extension.text.startswith(escalation_only)
