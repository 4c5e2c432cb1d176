"""Every problem of a policy file at once, each with its line, in plain words.

``parse_policy`` stops at the first error, which is right for an evaluation; a policy owner
fixing the file (``gatekeeper policy check``, the pre-commit hook) wants the whole list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The schema error's location, pointing at an unknown key itself (shared with parse_policy).
from gatekeeper.core.policy.load import _error_path, parse_policy
from gatekeeper.core.policy.patterns import compile_pattern_set
from gatekeeper.core.schemas import validation_errors
from gatekeeper.core.text import yamltext
from gatekeeper.errors import GatekeeperError

_TYPES = {"object": "a mapping (key: value)", "array": "a list", "string": "text",
          "boolean": "true or false", "integer": "a whole number", "number": "a number",
          "null": "empty"}


@dataclass(frozen=True)
class PolicyProblem:
    line: int | None
    message: str


def _where(path: list[str | int]) -> str:
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
    where = _where(path)
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


def _pattern_lists(data: dict[str, Any]) -> list[tuple[list[str | int], list[str], bool]]:
    """Every list of path patterns in the policy whose shape is right, with its key path."""
    found: list[tuple[list[str | int], Any, bool]] = []
    classes = data.get("classes")
    for name, rule in (classes.items() if isinstance(classes, dict) else ()):
        if isinstance(rule, dict):
            found.append((["classes", name, "paths"], rule.get("paths"),
                          rule.get("case_insensitive") is True))
    exemptions = data.get("exemptions")
    for index, item in enumerate(exemptions if isinstance(exemptions, list) else ()):
        if isinstance(item, dict):
            found.append((["exemptions", index, "paths"], item.get("paths"), False))
    return [(path, patterns, folded) for path, patterns, folded in found
            if isinstance(patterns, list) and all(isinstance(p, str) for p in patterns)]


def _pattern_problems(data: dict[str, Any], node: Any) -> list[PolicyProblem]:
    problems = []
    for path, patterns, folded in _pattern_lists(data):
        _, bad = compile_pattern_set(patterns, case_insensitive=folded)
        for index, problem in bad:
            line = yamltext.line_of(node, [*path, index]) or yamltext.line_of(node, path)
            problems.append(PolicyProblem(line, f"{_where([*path, index])}: invalid path "
                                                f"pattern {patterns[index]!r}: {problem}"))
    return problems


def policy_problems(text: str, *, file: str, schema: dict[str, Any]) -> list[PolicyProblem]:
    """Every problem found, in line order; an empty list for a policy that loads."""
    try:
        data, node = yamltext.load(text, file=file)
    except GatekeeperError as exc:
        return [PolicyProblem(exc.line, exc.message)]
    if data is None:
        return [PolicyProblem(1, "the policy is empty; it needs at least `version: 1`")]
    problems = [PolicyProblem(yamltext.line_of(node, _error_path(error)), plain(error))
                for error in validation_errors(schema, data)]
    if isinstance(data, dict):
        problems += _pattern_problems(data, node)
    if not problems:  # anything else the loader refuses
        try:
            parse_policy(text, file=file, schema=schema)
        except GatekeeperError as exc:
            problems.append(PolicyProblem(exc.line, exc.message))
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.message))
