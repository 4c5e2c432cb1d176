"""core/body/shapes/heading.py: sections, and headings that name a field."""

from __future__ import annotations

from gatekeeper.core.body.contract import parse_contract


def test_a_contract_heading_opens_the_region_and_records_its_line() -> None:
    contract = parse_contract("# x\n\n## Contract\n- Risk level: RED\n")
    assert contract.section_lines == {"contract": 3}


def test_a_heading_that_names_a_field_is_its_own_region() -> None:
    body = "## Contract\n- Risk level: RED\n\n## How has this been tested?\n4 passed\n"
    assert parse_contract(body).filled() == {"risk_level": "RED", "test_evidence": "4 passed"}


def test_a_heading_holding_a_field_and_its_value() -> None:
    assert parse_contract("## Risk level: AMBER\n").filled() == {"risk_level": "AMBER"}
