"""core/body/shapes/block.py: the fenced gatekeeper block."""

from __future__ import annotations

from gatekeeper.core.body.reading import Reader
from gatekeeper.core.body.shapes import block
from gatekeeper.core.fields import label_index
from gatekeeper.core.text.visible import markdown


def read(yaml_text: str) -> Reader:
    reader = Reader(index=label_index({}), placeholders=())
    token = markdown().parse(f"```gatekeeper\n{yaml_text}```\n")[0]
    assert block.is_contract_block(token)
    block.read(reader, token, 0, hidden=False, in_section=True)
    return reader


def test_fields_with_their_lines() -> None:
    reader = read('risk_level: RED\naccountable_owner: "@dana"\n')
    assert [(o.name, o.value, o.line, o.source) for o in reader.block] == [
        ("risk_level", "RED", 2, "block"), ("accountable_owner", "@dana", 3, "block")]


def test_duplicates_non_text_and_aliases_are_problems() -> None:
    reader = read("risk_level: RED\nrisk_level: GREEN\nchange_origin: true\n"
                  "test_evidence: &a x\nrollback_plan: *a\n")
    messages = [p.message for p in reader.problems]
    assert any("duplicate key" in m for m in messages)
    assert any("must be text" in m for m in messages)
    assert any("alias" in m for m in messages)


def test_invalid_yaml_and_a_second_block() -> None:
    assert "not valid YAML" in read("risk_level: [\n").problems[0].message
    reader = read("risk_level: RED\n")
    token = markdown().parse("```gatekeeper\nrisk_level: RED\n```\n")[0]
    block.read(reader, token, 5, hidden=False, in_section=True)
    assert "more than one" in reader.problems[0].message
