"""schemas: every validation error, in an order that does not depend on the validator."""

from __future__ import annotations

from typing import Any

from gatekeeper.core.schemas import validation_errors

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "b": {"type": "integer"},
        "a": {"type": "array", "items": {"type": "string"}},
        "when": {"type": "string", "format": "ipv4"},
    },
    "required": ["name"],
}


def test_a_valid_instance_has_no_errors() -> None:
    assert validation_errors(SCHEMA, {"name": 1, "b": 2, "a": ["x"]}) == []


def test_every_error_is_given_sorted_by_where_it_is() -> None:
    errors = validation_errors(SCHEMA, {"b": "two", "a": ["x", 3, 4]})
    assert [list(e.absolute_path) for e in errors] == [[], ["a", 1], ["a", 2], ["b"]]
    assert [e.validator for e in errors] == ["required", "type", "type", "type"]


def test_formats_are_checked() -> None:
    errors = validation_errors(SCHEMA, {"name": 1, "when": "999.1.1.1"})
    assert [(list(e.absolute_path), e.validator) for e in errors] == [(["when"], "format")]
