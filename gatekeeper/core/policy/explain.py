"""Why a path is in its class: the pattern that decided, and where it is in the policy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gatekeeper.core.model import ChangedPath, RiskClass
from gatekeeper.core.policy.classify import classify, normalize_path
from gatekeeper.core.policy.load import Policy
from gatekeeper.core.text import yamltext

_DESCENDING = (RiskClass.RED, RiskClass.AMBER)


@dataclass(frozen=True)
class Rule:
    """A pattern of a class, and its own line in the policy file (None when unknown)."""

    risk_class: RiskClass
    pattern: str
    line: int | None
    file: str | None = None  # under a central policy: which of the two files


@dataclass(frozen=True)
class PathExplanation:
    path: str
    risk_class: RiskClass
    decided_by: Rule | None  # None: no pattern of any class matches (GREEN)
    excluded_by: tuple[Rule, ...] = ()  # `!` patterns that took it out of a higher class


def pattern_lines(text: str, *, file: str, policy: Policy) -> dict[RiskClass, list[int | None]]:
    """Each class's patterns' own lines in the policy text."""
    _, node = yamltext.load(text, file=file)
    return {
        risk_class: [yamltext.line_of(node, ["classes", risk_class.value, "paths", index])
                     for index in range(len(rule.patterns))]
        for risk_class, rule in policy.classes.items()
    }


def explain(paths: Iterable[str], policy: Policy,
            lines: dict[RiskClass, list[int | None]],
            files: dict[RiskClass, list[str]] | None = None) -> list[PathExplanation]:
    """``lines`` (and, for a policy made of two files, ``files``): each pattern's line (and
    file), in the order of the class's patterns."""
    def rule(risk_class: RiskClass, index: int) -> Rule:
        found = lines.get(risk_class, [])
        named = (files or {}).get(risk_class, [])
        return Rule(risk_class, policy.classes[risk_class].patterns[index],
                    found[index] if index < len(found) else None,
                    named[index] if index < len(named) else None)

    explained = []
    for raw in paths:
        path = normalize_path(raw)
        matches = classify([ChangedPath(path)], policy).matches
        risk_class = matches[0].risk_class if matches else RiskClass.GREEN
        decided: Rule | None = None
        excluded: list[Rule] = []
        for candidate in _DESCENDING:
            if candidate not in policy.classes:
                continue
            result = policy.classes[candidate].spec.check(path)
            if result.index is None:
                continue
            if candidate is risk_class and result.matched:
                decided = rule(candidate, result.index)
                break
            if not result.matched:
                excluded.append(rule(candidate, result.index))
        explained.append(PathExplanation(path, risk_class, decided, tuple(excluded)))
    return explained
