"""What a policy's schema errors say, in plain words: one sentence per error, the same
wherever a policy is read (`gatekeeper policy check`, `validate --policy`, the action)."""

from __future__ import annotations

import re
from typing import Any

_TYPES = {"object": "a mapping (key: value)", "array": "a list", "string": "text",
          "boolean": "true or false", "integer": "a whole number", "number": "a number",
          "null": "empty"}


def place(path: list[str | int]) -> str:
    shown = ""
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else (f".{part}" if shown else part)
    return shown or "the policy"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    for name, python in (("object", dict), ("array", list), ("string", str),
                         ("integer", int), ("number", float)):
        if isinstance(value, python):
            return _TYPES[name]
    return "empty" if value is None else type(value).__name__


def plain(error: Any) -> str:
    """A JSON Schema validation error as a sentence a policy owner can act on."""
    path = [p for p in error.absolute_path if isinstance(p, (str, int))]
    where = place(path)
    schema, instance, validator = error.schema, error.instance, error.validator
    if validator == "additionalProperties" and isinstance(instance, dict):
        known = list(schema.get("properties", {}))
        unknown = [k for k in instance if k not in known]
        listed = ", ".join(known) if known else "none"
        return (f"unknown key {', '.join(repr(k) for k in unknown)} in {where}; the keys "
                f"allowed there are: {listed}")
    if validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return f"{where} needs the key {missing[0] if missing else error.message!r}"
    if validator == "type":
        expected = schema.get("type")
        wanted = " or ".join(_TYPES.get(str(t), str(t)) for t in (
            expected if isinstance(expected, list) else [expected]))
        return f"{where} must be {wanted}, not {_kind(instance)}"
    if validator == "const":
        return f"{where} must be {schema['const']!r}, not {instance!r}"
    if validator == "enum":
        return f"{where} must be one of {', '.join(map(repr, schema['enum']))}, not {instance!r}"
    if validator == "minItems":
        least = schema["minItems"]
        return f"{where} must list at least {'one item' if least == 1 else f'{least} items'}"
    if validator == "minLength":
        return f"{where} must not be empty"
    if validator == "maxLength":
        return f"{where} is longer than {schema['maxLength']} characters"
    if validator == "pattern":
        return f"{where} {instance!r} does not have the required form ({schema['pattern']})"
    if validator == "format" and schema.get("format") == "regex":
        try:
            re.compile(str(instance), re.ASCII)
        except re.error as exc:
            return f"{where} is not a valid regular expression: {exc}"
    return f"{where}: {error.message}"


def error_path(error: Any) -> list[str | int]:
    """Where a schema error is, pointing at an unknown key itself, not its mapping."""
    path: list[str | int] = [p for p in error.absolute_path if isinstance(p, (str, int))]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        # Point at the unknown key itself, not at the mapping that holds it.
        known = error.schema.get("properties", {})
        unknown = [k for k in error.instance if isinstance(k, str) and k not in known]
        if unknown:
            path.append(unknown[0])
    return path
