"""Every problem of a policy file at once, each with its line, in plain words.

``parse_policy`` stops at the first error, which is right for an evaluation; a policy owner
fixing the file (``gatekeeper policy check``, the pre-commit hook) wants the whole list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gatekeeper.core.policy.load import parse_policy
from gatekeeper.core.policy.messages import error_path, place, plain
from gatekeeper.core.policy.patterns import compile_pattern_set
from gatekeeper.core.schemas import validation_errors
from gatekeeper.core.text import yamltext
from gatekeeper.errors import GatekeeperError

__all__ = ["PolicyProblem", "plain", "policy_problems"]


@dataclass(frozen=True)
class PolicyProblem:
    line: int | None
    message: str


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
            problems.append(PolicyProblem(line, f"{place([*path, index])}: invalid path "
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
    problems = [PolicyProblem(yamltext.line_of(node, error_path(error)), plain(error))
                for error in validation_errors(schema, data)]
    if isinstance(data, dict):
        problems += _pattern_problems(data, node)
    if not problems:  # anything else the loader refuses
        try:
            parse_policy(text, file=file, schema=schema)
        except GatekeeperError as exc:
            problems.append(PolicyProblem(exc.line, exc.message))
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.message))
