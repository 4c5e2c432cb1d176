"""Proof that an instance conforms to a JSON Schema, without loading jsonschema.

`gatekeeper validate` validates the contract (and a policy file) on every run, and almost
every time they conform. Loading jsonschema (with referencing, attrs, rpds and every
draft's metaschema) costs more than the rest of a run, and a conforming instance has no
errors to report. ``conforms()`` evaluates the few keywords Gatekeeper's schemas use,
exactly as jsonschema's Draft 2020-12 validator with its format checker does, and answers
True only when it has decided that the instance is valid. Anything it does not know (a
keyword, a format, a reference, a value that is not plain JSON) stops it, and the caller
asks jsonschema, which remains the only source of errors. The schemas in schemas/ stay
the single source of truth; ``tests/unit/core/test_conformance.py`` checks the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Keywords that never affect validity (annotations), and those read by another keyword.
_IGNORED = frozenset({"title", "description", "default", "examples", "$comment",
                      "deprecated", "readOnly", "writeOnly", "$defs", "then", "else"})
_ROOT_ONLY = frozenset({"$schema", "$id"})
_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
}
_REFERENCE = re.compile(r"#/\$defs/([A-Za-z0-9_]+)")


class _Undecided(Exception):
    """Something this module does not evaluate exactly: jsonschema decides."""


def conforms(schema: Mapping[str, Any] | bool, instance: Any) -> bool:
    """True when ``instance`` is valid against the 2020-12 ``schema`` (with formats
    checked); False when it is not, or when this module cannot tell."""
    try:
        return _Evaluator(schema).valid(schema, instance, root=True)
    except Exception:  # _Undecided, or what jsonschema will raise again itself
        return False


class _Evaluator:
    def __init__(self, root: Mapping[str, Any] | bool) -> None:
        self.root = root

    def valid(self, schema: Any, instance: Any, *, root: bool = False) -> bool:
        if schema is True or schema is False:
            return bool(schema)
        if not isinstance(schema, dict):
            raise _Undecided
        _check_plain(instance)
        for keyword, value in schema.items():
            if keyword in _IGNORED or (root and keyword in _ROOT_ONLY):
                continue
            check = _KEYWORDS.get(keyword)
            if check is None:
                raise _Undecided
            if not check(self, value, instance, schema):
                return False
        return True

    def reference(self, target: str) -> Any:
        match = _REFERENCE.fullmatch(target)
        definitions = self.root.get("$defs") if isinstance(self.root, dict) else None
        if match is None or not isinstance(definitions, dict) \
                or match[1] not in definitions:
            raise _Undecided
        return definitions[match[1]]


def _check_plain(instance: Any) -> None:
    """Only JSON's own types (what a JSON or safe YAML document gives, bar dates)."""
    if instance is None or isinstance(instance, str | bool | int | list | dict):
        return
    raise _Undecided


def _equal(one: Any, two: Any) -> bool:
    """jsonschema's equality of scalars: True and 1 differ, as do False and 0."""
    for value in (one, two):
        if isinstance(value, list | dict | float):
            raise _Undecided
    if isinstance(one, bool) or isinstance(two, bool):
        return one is two
    return bool(one == two)


def _type(_: _Evaluator, types: Any, instance: Any, __: Any) -> bool:
    names = [types] if isinstance(types, str) else types
    if not isinstance(names, list):
        raise _Undecided
    for name in names:
        if name in _TYPES:
            if isinstance(instance, _TYPES[name]) and (name == "boolean"
                                                       or not isinstance(instance, bool)):
                return True
        elif name in ("integer", "number"):
            if isinstance(instance, int) and not isinstance(instance, bool):
                return True
        else:
            raise _Undecided
    return False


def _enum(_: _Evaluator, values: Any, instance: Any, __: Any) -> bool:
    if not isinstance(values, list):
        raise _Undecided
    return any(_equal(value, instance) for value in values)


def _const(_: _Evaluator, value: Any, instance: Any, __: Any) -> bool:
    return _equal(instance, value)


def _pattern(_: _Evaluator, pattern: Any, instance: Any, __: Any) -> bool:
    return not isinstance(instance, str) or re.search(pattern, instance) is not None


def _min_length(_: _Evaluator, least: Any, instance: Any, __: Any) -> bool:
    return not isinstance(instance, str) or len(instance) >= least


def _max_length(_: _Evaluator, most: Any, instance: Any, __: Any) -> bool:
    return not isinstance(instance, str) or len(instance) <= most


def _min_items(_: _Evaluator, least: Any, instance: Any, __: Any) -> bool:
    return not isinstance(instance, list) or len(instance) >= least


def _max_items(_: _Evaluator, most: Any, instance: Any, __: Any) -> bool:
    return not isinstance(instance, list) or len(instance) <= most


def _format(_: _Evaluator, name: Any, instance: Any, __: Any) -> bool:
    if name != "regex":
        raise _Undecided
    if not isinstance(instance, str):
        return True
    try:
        re.compile(instance)
    except re.error:
        return False
    return True


def _required(_: _Evaluator, names: Any, instance: Any, __: Any) -> bool:
    return not isinstance(instance, dict) or all(name in instance for name in names)


def _properties(evaluator: _Evaluator, properties: Any, instance: Any, __: Any) -> bool:
    if not isinstance(instance, dict):
        return True
    return all(evaluator.valid(subschema, instance[name])
               for name, subschema in properties.items() if name in instance)


def _additional(evaluator: _Evaluator, additional: Any, instance: Any,
                schema: dict[str, Any]) -> bool:
    if not isinstance(instance, dict):
        return True
    if "patternProperties" in schema:
        raise _Undecided
    known = schema.get("properties", {})
    extras = [name for name in instance if name not in known]
    if isinstance(additional, dict):
        return all(evaluator.valid(additional, instance[name]) for name in extras)
    return bool(additional) or not extras


def _property_names(evaluator: _Evaluator, subschema: Any, instance: Any, __: Any) -> bool:
    return not isinstance(instance, dict) or all(evaluator.valid(subschema, name)
                                                 for name in instance)


def _items(evaluator: _Evaluator, subschema: Any, instance: Any,
           schema: dict[str, Any]) -> bool:
    if "prefixItems" in schema:
        raise _Undecided
    return not isinstance(instance, list) or all(evaluator.valid(subschema, item)
                                                 for item in instance)


def _all_of(evaluator: _Evaluator, subschemas: Any, instance: Any, __: Any) -> bool:
    return all(evaluator.valid(subschema, instance) for subschema in subschemas)


def _any_of(evaluator: _Evaluator, subschemas: Any, instance: Any, __: Any) -> bool:
    return any([evaluator.valid(subschema, instance) for subschema in subschemas])


def _one_of(evaluator: _Evaluator, subschemas: Any, instance: Any, __: Any) -> bool:
    return sum(evaluator.valid(subschema, instance) for subschema in subschemas) == 1


def _not(evaluator: _Evaluator, subschema: Any, instance: Any, __: Any) -> bool:
    return not evaluator.valid(subschema, instance)


def _if(evaluator: _Evaluator, condition: Any, instance: Any, schema: dict[str, Any]) -> bool:
    branch = "then" if evaluator.valid(condition, instance) else "else"
    return branch not in schema or evaluator.valid(schema[branch], instance)


def _ref(evaluator: _Evaluator, target: Any, instance: Any, __: Any) -> bool:
    if not isinstance(target, str):
        raise _Undecided
    return evaluator.valid(evaluator.reference(target), instance)


_KEYWORDS = {
    "type": _type, "enum": _enum, "const": _const, "pattern": _pattern,
    "minLength": _min_length, "maxLength": _max_length, "minItems": _min_items,
    "maxItems": _max_items, "format": _format, "required": _required,
    "properties": _properties, "additionalProperties": _additional,
    "propertyNames": _property_names, "items": _items, "allOf": _all_of,
    "anyOf": _any_of, "oneOf": _one_of, "not": _not, "if": _if, "$ref": _ref,
}


__all__ = ["conforms"]
