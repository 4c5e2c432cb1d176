"""A policy's problems in plain words: each JSON Schema error kind as a sentence."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from gatekeeper import resources
from gatekeeper.core.policy.check import plain, policy_problems


def _message(schema: dict[str, Any], instance: Any) -> str:
    errors = list(Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(instance))
    assert len(errors) == 1, errors
    return plain(errors[0])


@pytest.mark.parametrize(("schema", "instance", "expected"), [
    ({"type": "object", "properties": {"a": {"enum": ["x", "y"]}}}, {"a": "z"},
     "a must be one of 'x', 'y', not 'z'"),
    ({"type": "array", "items": {"type": "string", "minLength": 1}}, [""],
     "[0] must not be empty"),
    ({"type": "object", "properties": {"a": {"maxLength": 3}}}, {"a": "abcd"},
     "a is longer than 3 characters"),
    ({"type": "object", "properties": {"a": {"pattern": "^[A-Z]+$"}}}, {"a": "abc"},
     "a 'abc' does not have the required form (^[A-Z]+$)"),
    ({"type": "object", "properties": {"a": {"type": ["string", "null"]}}}, {"a": True},
     "a must be text or empty, not true or false"),
    ({"type": "object", "properties": {"a": {"type": "boolean"}}}, {"a": [1]},
     "a must be true or false, not a list"),
    ({"type": "object", "properties": {"a": {"type": "string"}}}, {"a": 1.5},
     "a must be text, not a number"),
    ({"type": "object", "required": ["version"]}, {}, "the policy needs the key 'version'"),
    ({"type": "object", "properties": {"a": {"minItems": 2}}}, {"a": [1]},
     "a must list at least 2 items"),
    ({"type": "object", "properties": {"a": {"multipleOf": 2}}}, {"a": 3},
     "a: 3 is not a multiple of 2"),
])
def test_each_schema_error_in_plain_words(schema: dict[str, Any], instance: Any,
                                          expected: str) -> None:
    assert _message(schema, instance) == expected


def test_a_policy_that_is_not_a_mapping() -> None:
    problems = policy_problems("- a\n- b\n", file="p.yml", schema=resources.schema("policy"))
    assert [(p.line, p.message) for p in problems] == [
        (1, "the policy must be a mapping (key: value), not a list")]


def test_a_valid_policy_has_no_problems() -> None:
    assert policy_problems(resources.text("default_policy.yml"), file="d.yml",
                           schema=resources.schema("policy")) == []
