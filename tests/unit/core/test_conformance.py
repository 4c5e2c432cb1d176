"""conformance: an instance is proven to conform only when jsonschema finds no error in it,
and the contract and policies Gatekeeper meets every day are proven without it."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gatekeeper import resources
from gatekeeper.core.conformance import conforms
from gatekeeper.core.decide import contract_schema_for
from tests.support.fixtures import load_policy_text

SETTINGS = settings(max_examples=int(os.environ.get("GATEKEEPER_PROPERTY_EXAMPLES", "300")),
                    deadline=None, suppress_health_check=[HealthCheck.too_slow])

CONTRACT = resources.schema("contract")
POLICY = resources.schema("policy")
DEFAULT_DATA: dict[str, Any] = json.loads(resources.text("default_policy.json"))["policy"]
TIGHT = load_policy_text(
    "version: 1\nclasses:\n  RED:\n    paths: [auth/]\n    require: [ticket]\n"
    "  AMBER:\n    paths: [deploy/]\n    require: [rollback_plan]\n"
    "fields:\n  ticket:\n    aliases: [jira]\n")
CONTRACTS = [CONTRACT, contract_schema_for(TIGHT, CONTRACT)]


def valid(schema: Any, instance: Any) -> bool:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return not list(validator.iter_errors(instance))


def agrees(schema: Any, instance: Any) -> bool:
    """The one rule: proven means valid (not proven is always safe: jsonschema decides)."""
    return not conforms(schema, instance) or valid(schema, instance)


# -- the instances of every day are proven ----------------------------------------------------

FULL = {"risk_level": "RED", "accountable_owner": "@bob", "change_origin": "agent",
        "test_evidence": "pytest -q: 12 passed", "escalation_reviewer": "@acme/security",
        "approval_reference": "SEC-12", "rollback_plan": "revert it", "risk_class": "RED"}


def test_a_complete_contract_is_proven() -> None:
    assert conforms(CONTRACT, FULL)
    green = {k: FULL[k] for k in ("risk_level", "accountable_owner", "change_origin",
                                  "test_evidence")} | {"risk_class": "GREEN"}
    assert conforms(CONTRACT, green)


def test_policies_that_load_are_proven() -> None:
    assert conforms(POLICY, DEFAULT_DATA)
    text = ("version: 1\nclasses:\n  RED:\n    paths: [secret/, '!secret/ok']\n"
            "approval_reference_pattern: '^(APR|SEC)-[0-9]+$'\n")
    assert conforms(POLICY, yaml.safe_load(text))


# -- what does not conform, or cannot be told, is left to jsonschema ---------------------------

@pytest.mark.parametrize("instance", [
    {k: v for k, v in FULL.items() if k != "rollback_plan"},  # RED needs it
    FULL | {"accountable_owner": "bob"},  # off the pattern
    FULL | {"risk_level": "red"},
    FULL | {"test_evidence": "ok"},  # too short
    FULL | {"test_evidence": 12},
    [],
])
def test_a_contract_that_does_not_conform_is_not_proven(instance: Any) -> None:
    assert not valid(CONTRACT, instance)
    assert not conforms(CONTRACT, instance)


@pytest.mark.parametrize(("schema", "instance", "expected"), [
    # jsonschema tells True and 1, False and 0 apart in enum and const
    ({"enum": [1]}, True, False), ({"const": False}, 0, False), ({"enum": [True]}, True, True),
    ({"type": "integer"}, True, False), ({"type": "integer"}, 3, True),
    ({"type": ["string", "null"]}, None, True), ({"type": "array"}, (1,), False),
    ({"format": "regex"}, "(", False), ({"format": "regex"}, "a+", True),
    ({"format": "regex"}, 5, True),
    ({"additionalProperties": False, "properties": {"a": {}}}, {"a": 1, "b": 2}, False),
    ({"additionalProperties": {"type": "string"}}, {"b": "x"}, True),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"A": 1}, False),
    ({"items": {"minLength": 2}, "minItems": 1}, ["ab", "c"], False),
    ({"items": False}, [], True), ({"maxItems": 1}, [1, 2], False),
    ({"if": {"const": 1}, "then": {"type": "string"}, "else": {"type": "integer"}}, 2, True),
    ({"if": {"const": 1}, "then": {"type": "string"}}, 1, False),
    ({"then": False}, 1, True),  # without `if`, `then` does nothing
    ({"oneOf": [{"type": "integer"}, {"const": 1}]}, 1, False),
    ({"anyOf": [{"type": "string"}, {"const": 1}]}, 1, True), ({"not": {}}, 1, False),
    ({"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s"}, "x", True),
    ({"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "minLength": 2}, "x", False),
    (True, {"anything": [1]}, True), (False, 1, False),
])
def test_each_keyword_as_jsonschema_reads_it(schema: Any, instance: Any,
                                             expected: bool) -> None:
    assert valid(schema, instance) is expected
    assert conforms(schema, instance) is expected


@pytest.mark.parametrize(("schema", "instance"), [
    ({"type": "integer"}, 1.0),  # an integer to JSON Schema: floats are left to jsonschema
    ({"format": "date"}, "2026-01-01"),  # formats other than regex
    ({"minimum": 1}, 2),  # keywords this module does not know
    ({"$ref": "other.json"}, 1),
    ({"properties": {"a": {"$id": "x", "type": "string"}}}, {"a": "b"}),
    ({"type": "string"}, b"bytes"),  # not JSON
    ({"patternProperties": {"^a": {}}, "additionalProperties": False}, {"a": 1}),
    ({"prefixItems": [{}], "items": False}, [1]),
    ({"pattern": "("}, "x"),  # jsonschema raises on it, as it always did
])
def test_what_it_cannot_tell_is_not_proven(schema: Any, instance: Any) -> None:
    assert not conforms(schema, instance)


# -- generated: proven always means valid ----------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3),
                    st.floats(allow_nan=False, width=32),
                    st.sampled_from(["", "a", "ab", "RED", "GREEN", "red", "human", "agent",
                                     "@bob", "@acme/security", "@-x", "SEC-12", "(", "*.py",
                                     "auth/", "!x/", "version", "**/secrets/"]),
                    st.text(max_size=6))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from([*CONTRACT["properties"], *POLICY["properties"], "x"]),
                    inner, max_size=5)), max_leaves=12)


@SETTINGS
@given(st.sampled_from(CONTRACTS), st.dictionaries(
    st.sampled_from([*CONTRACT["properties"], "other"]), JSON, max_size=9))
def test_generated_contracts(schema: dict[str, Any], instance: dict[str, Any]) -> None:
    assert agrees(schema, instance)


@SETTINGS
@given(st.sampled_from(CONTRACTS), st.sampled_from(sorted(FULL)), JSON,
       st.booleans())
def test_every_field_of_a_complete_contract_changed(schema: dict[str, Any], name: str,
                                                    value: Any, drop: bool) -> None:
    instance = dict(FULL)
    if drop:
        del instance[name]
    else:
        instance[name] = value
    assert agrees(schema, instance)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    places = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            places += _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            places += _places(item, (*path, index))
    return places


PLACES = _places(DEFAULT_DATA)[1:]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(PLACES), JSON, st.sampled_from(
    ["replace", "drop", "add"])), min_size=1, max_size=3))
def test_the_default_policy_changed_anywhere(edits: list[tuple[tuple[Any, ...], Any,
                                                                str]]) -> None:
    data = copy.deepcopy(DEFAULT_DATA)
    for path, value, how in edits:
        parent: Any = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            if how == "replace":
                parent[path[-1]] = value
            elif how == "drop":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[f"extra_{len(parent)}"] = value
            else:
                parent.append(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed the place
    assert agrees(POLICY, data)
