"""The field registry decides the schema's required fields, the template and the docs table."""

from __future__ import annotations

import copy
import json
from types import ModuleType

import pytest

from gatekeeper import resources
from gatekeeper.core import fields
from gatekeeper.core.body.contract import parse_contract
from tests.support.fixtures import REPO_ROOT, load_script


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_script("gen_contract_docs")


def test_schema_and_docs_are_generated_from_the_registry(generator: ModuleType) -> None:
    assert generator.main(["--check"]) == 0, "run `python scripts/gen_contract_docs.py`"


def test_schema_requires_what_the_registry_says() -> None:
    schema = resources.schema("contract")
    assert schema["required"][:-1] == fields.required_fields("always")
    red_rules = [rule for rule in schema["allOf"]
                 if rule["if"]["properties"]["risk_class"] == {"const": "RED"}]
    assert [rule["then"]["required"] for rule in red_rules] == [fields.required_fields("red")]


def test_a_changed_registry_is_drift(generator: ModuleType, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    extra = fields.FieldSpec("ticket", "Ticket", (), "link to the ticket", "link the ticket",
                             "escalation", "red", "a link to the ticket")
    monkeypatch.setattr(fields, "FIELDS", (*fields.FIELDS, extra))
    current = (REPO_ROOT / "schemas" / "contract.schema.json").read_text(encoding="utf-8")
    with pytest.raises(SystemExit, match="no property"):
        generator.schema_text(current)
    schema = copy.deepcopy(json.loads(current))
    schema["properties"]["ticket"] = {"type": "string"}
    regenerated = json.loads(generator.schema_text(json.dumps(schema)))
    assert regenerated["allOf"][0]["then"]["required"][-1] == "ticket"
    doc = (REPO_ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    assert "| `ticket` | Ticket |" in generator.doc_text(doc)
    assert "- **Ticket:** <!-- link to the ticket -->" in fields.pull_request_template()


def test_template_reads_as_an_empty_contract() -> None:
    contract = parse_contract(fields.pull_request_template())
    assert set(contract.fields) == {spec.name for spec in fields.FIELDS}
    assert all(f.status == "empty" for f in contract.fields.values())
