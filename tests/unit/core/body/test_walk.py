"""core/body/walk.py: the walk's state, the contract region it stands in, and offers."""

from __future__ import annotations

from gatekeeper.core.body.reading import Reader
from gatekeeper.core.body.walk import Pending, Walk, belongs, in_section, offer, take_pending, where
from gatekeeper.core.fields import label_index


def walk() -> Walk:
    return Walk(Reader(index=label_index({}), placeholders=()))


def test_in_section_under_a_contract_heading_or_in_contract_details() -> None:
    state = walk()
    assert not in_section(state)
    state.section = "summary escalation"
    assert in_section(state)
    state.section = ""
    state.regions.contract_details = 1
    assert in_section(state)


def test_offers_carry_the_heading_and_the_region() -> None:
    state = walk()
    state.heads.append((2, "notes", "Notes"))
    offer(state, "risk_level", "RED", 4)
    occurrence = state.reader.prose[0]
    assert (occurrence.where, occurrence.in_section) == ("Notes", False)
    assert where(state) == "Notes"


def test_a_pending_label_belongs_to_its_own_list_item_and_its_heading_is_its_region() -> None:
    state = walk()
    state.items = [1, 2]
    state.pending = Pending("test_evidence", (1,), 3, heading=True, own=True)
    assert belongs(state)
    state.items = [5]
    assert not belongs(state)
    state.items = [1]
    take_pending(state, "4 passed", 5)
    assert state.pending is None
    assert state.reader.prose[0].in_section  # under its own heading


def test_an_empty_value_offers_nothing() -> None:
    state = walk()
    state.pending = Pending("rollback_plan", (), 1)
    take_pending(state, "  ", 2)
    assert state.reader.prose == [] and state.pending is None
