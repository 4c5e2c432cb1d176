"""A policy's schema errors in plain words, and where each one is."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from gatekeeper.core.policy.messages import error_path, place, plain

SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["version"],
    "properties": {
        "version": {"const": 1},
        "mode": {"enum": ["strict", "lenient"]},
        "paths": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        "pattern": {"type": "string", "format": "regex"},
        "ref": {"type": "string", "pattern": "^[A-Z]+$"},
    },
}


def _one(instance: Any) -> jsonschema.ValidationError:
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(instance))
    assert len(errors) == 1, [e.message for e in errors]
    return errors[0]


@pytest.mark.parametrize(("instance", "said"), [
    ({"version": 1, "colour": 1}, "unknown key 'colour' in the policy; the keys allowed there "
                                  "are: version, mode, paths, pattern, ref"),
    ({}, "the policy needs the key 'version'"),
    ({"version": 2}, "version must be 1, not 2"),
    ({"version": 1, "mode": "loose"}, "mode must be one of 'strict', 'lenient', not 'loose'"),
    ({"version": 1, "paths": "auth/"}, "paths must be a list, not text"),
    ({"version": 1, "paths": []}, "paths must list at least one item"),
    ({"version": 1, "paths": [""]}, "paths[0] must not be empty"),
    ({"version": 1, "ref": "apr"}, "ref 'apr' does not have the required form (^[A-Z]+$)"),
])
def test_each_kind_of_error_is_one_plain_sentence(instance: Any, said: str) -> None:
    assert plain(_one(instance)) == said


def test_a_bad_regular_expression_says_why() -> None:
    assert plain(_one({"version": 1, "pattern": "(["})).startswith(
        "pattern is not a valid regular expression: ")


def test_an_unknown_key_is_pointed_at_itself() -> None:
    error = _one({"version": 1, "colour": 1})
    assert error_path(error) == ["colour"]
    assert place(["classes", "RED", "paths", 2]) == "classes.RED.paths[2]"
    assert place([]) == "the policy"
