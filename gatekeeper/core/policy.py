"""The policy: which paths are AMBER or RED, what each class requires, who is exempt."""

from __future__ import annotations

import hashlib
import importlib.util
import re
from dataclasses import dataclass
from typing import Any

import pathspec
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from gatekeeper.core import yamltext
from gatekeeper.core.model import PolicyOrigin, RiskClass
from gatekeeper.core.schemas import validation_errors
from gatekeeper.errors import GatekeeperError

DEFAULT_APPROVAL_PATTERN = r"^[A-Z][A-Z0-9]+-\d+$"


@dataclass(frozen=True)
class ClassRule:
    patterns: tuple[str, ...]
    require: tuple[str, ...]
    spec: pathspec.GitIgnoreSpec


@dataclass(frozen=True)
class ExemptionRule:
    name: str
    authors: tuple[str, ...]
    paths: tuple[str, ...]
    spec: pathspec.GitIgnoreSpec


@dataclass(frozen=True)
class Policy:
    classes: dict[RiskClass, ClassRule]
    approval_reference_pattern: re.Pattern[str]
    approval_reference_raw: str
    field_aliases: dict[str, tuple[str, ...]]
    field_descriptions: dict[str, str]
    placeholders: tuple[str, ...]
    require_escalation_approval: bool
    exemptions: tuple[ExemptionRule, ...]
    allow_local_diff: bool
    origin: PolicyOrigin

    def required_fields(self, risk_class: RiskClass) -> tuple[str, ...]:
        rule = self.classes.get(risk_class)
        return rule.require if rule else ()


class _LazyRegex:
    """A pattern's regular expression, compiled with ``re`` only if something matches with
    it alone. ``pattern`` is the expression's text, all the RE2 backend reads."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def _regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self._regex().search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self._regex().match(text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _LazyRegex) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)


_GLOB_CHARACTERS = frozenset("*?[\\")


class _SetMatchedPattern(GitIgnoreSpecPattern):
    """A gitignore pattern for a spec that RE2 matches as one set.

    pathspec translates each pattern to a regular expression and compiles it with ``re``,
    then, with google-re2 installed, builds one RE2 set from the expressions' text and
    matches with that alone: the ``re`` compilation (most of the time spent compiling a
    policy) is never used. This pattern skips it; the translation, and so the semantics,
    are pathspec's own.
    """

    __slots__ = ()

    @staticmethod
    def _translate_segment_glob(pattern: str, range_error: Any) -> str:
        # pathspec escapes a segment's plain characters one call at a time; a segment with
        # no glob or escape character comes out as re.escape of the whole (tested).
        if _GLOB_CHARACTERS.isdisjoint(pattern):
            return re.escape(pattern)
        translated: str = GitIgnoreSpecPattern._translate_segment_glob(pattern, range_error)
        return translated

    def __init__(self, pattern: str) -> None:
        regex, include = self.pattern_to_regex(pattern)
        super().__init__(None)
        self.include = include
        self.pattern = pattern
        if include is not None and regex is not None:
            self.regex = _LazyRegex(str(regex))  # type: ignore[assignment]


# Without google-re2, pathspec matches with each pattern's own ``re`` expression.
_PATTERN_FACTORY: type[GitIgnoreSpecPattern] = (
    _SetMatchedPattern if importlib.util.find_spec("re2") is not None else GitIgnoreSpecPattern
)


def compile_patterns(patterns: list[str], *, file: str, line: int | None) -> pathspec.GitIgnoreSpec:
    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns, _PATTERN_FACTORY)
    except (ValueError, TypeError, re.error) as exc:
        raise GatekeeperError(f"invalid path pattern: {exc}", file=file, line=line) from None


def parse_policy(
    text: str,
    *,
    file: str,
    schema: dict[str, Any],
    origin: PolicyOrigin | None = None,
) -> Policy:
    """Parse and validate policy YAML. Raises GatekeeperError naming ``file`` and the line."""
    data, node = yamltext.load(text, file=file)
    if data is None:
        raise GatekeeperError("policy is empty; it needs at least `version: 1`", file=file, line=1)
    errors = validation_errors(schema, data)
    if errors:
        located = [(yamltext.line_of(node, _error_path(e)), e) for e in errors]
        line, first = min(located, key=lambda pair: pair[0] or 0)
        where = ".".join(str(p) for p in first.absolute_path) or "policy"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise GatekeeperError(f"{where}: {_describe(first)}{more}", file=file, line=line)

    if origin is None:
        origin = PolicyOrigin(source=file, sha=hashlib.sha256(text.encode()).hexdigest())

    classes: dict[RiskClass, ClassRule] = {}
    for name, rule in (data.get("classes") or {}).items():
        patterns = [str(p) for p in rule.get("paths", [])]
        line = yamltext.line_of(node, ["classes", name, "paths"])
        classes[RiskClass(name)] = ClassRule(
            patterns=tuple(patterns),
            require=tuple(rule.get("require", [])),
            spec=compile_patterns(patterns, file=file, line=line),
        )

    raw_pattern = data.get("approval_reference_pattern", DEFAULT_APPROVAL_PATTERN)
    try:
        approval_pattern = re.compile(raw_pattern)
    except re.error as exc:
        raise GatekeeperError(
            f"approval_reference_pattern is not a valid regular expression: {exc}",
            file=file, line=yamltext.line_of(node, ["approval_reference_pattern"]),
        ) from None

    fields = data.get("fields") or {}
    exemptions = tuple(
        ExemptionRule(
            name=item["name"],
            authors=tuple(item["authors"]),
            paths=tuple(item["paths"]),
            spec=compile_patterns(
                item["paths"], file=file,
                line=yamltext.line_of(node, ["exemptions", index, "paths"]),
            ),
        )
        for index, item in enumerate(data.get("exemptions") or [])
    )
    return Policy(
        classes=classes,
        approval_reference_pattern=approval_pattern,
        approval_reference_raw=raw_pattern,
        field_aliases={k: tuple(v.get("aliases", [])) for k, v in fields.items()},
        field_descriptions={k: v["description"] for k, v in fields.items() if "description" in v},
        placeholders=tuple(data.get("placeholders") or ()),
        require_escalation_approval=bool(
            (data.get("authority") or {}).get("require_escalation_approval", False)
        ),
        exemptions=exemptions,
        allow_local_diff=bool((data.get("changed_files") or {}).get("allow_local_diff", False)),
        origin=origin,
    )


def _error_path(error: Any) -> list[str | int]:
    path: list[str | int] = [p for p in error.absolute_path if isinstance(p, (str, int))]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        # Point at the unknown key itself, not at the mapping that holds it.
        known = error.schema.get("properties", {})
        unknown = [k for k in error.instance if isinstance(k, str) and k not in known]
        if unknown:
            path.append(unknown[0])
    return path


def _describe(error: Any) -> str:
    if error.validator == "additionalProperties":
        return str(error.message).replace("Additional properties", "unknown key(s)")
    return str(error.message)
