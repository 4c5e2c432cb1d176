"""JSON Schema validation against the schemas in schemas/ (the single source of truth)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


def validation_errors(schema: dict[str, Any], instance: Any) -> list[ValidationError]:
    """Every error of ``instance`` against the 2020-12 ``schema``, in a stable order."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return sorted(
        validator.iter_errors(instance),
        key=lambda e: (
            [str(p) for p in e.absolute_path],
            [str(p) for p in e.absolute_schema_path],
        ),
    )
