"""JSON Schema validation against the schemas in schemas/ (the single source of truth)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


def validation_errors(schema: dict[str, Any], instance: Any,
                      related: Iterable[dict[str, Any]] = ()) -> list[ValidationError]:
    """Every error of ``instance`` against the 2020-12 ``schema``, in a stable order.
    ``related``: the schemas its ``$ref`` names by their ``$id`` (metrics-org.schema.json
    refers to metrics.schema.json), found here and never fetched."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry().with_resources(
        (str(other["$id"]), Resource.from_contents(other)) for other in related)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER,
                                     registry=registry)
    return sorted(
        validator.iter_errors(instance),
        key=lambda e: (
            [str(p) for p in e.absolute_path],
            [str(p) for p in e.absolute_schema_path],
        ),
    )
