"""`gatekeeper explain PATH...`: each path's class, and the pattern and the policy line
that decided it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from gatekeeper import formats
from gatekeeper.constants import EMBEDDED_POLICY, EXIT_PASS
from gatekeeper.core.model import RiskClass
from gatekeeper.core.policy.explain import PathExplanation, Rule, explain, pattern_lines
from gatekeeper.core.policy.load import parse_policy
from gatekeeper.local.files import repository_paths
from gatekeeper.local.policy_source import (
    PolicyText,
    default_policy,
    load_effective,
    policy_text,
)


@dataclass(frozen=True)
class ExplainOptions:
    paths: tuple[str, ...]
    policy: str | None = None
    cwd: Path = Path(".")
    output_format: str = formats.EXPLAIN.default
    org_policy: str | None = None


@dataclass(frozen=True)
class ExplainReport:
    source: PolicyText
    results: tuple[PathExplanation, ...]


def _where(rule: Rule, source: PolicyText) -> str:
    line = f"line {rule.line}" if rule.line else "line unknown"
    if rule.file is not None:
        return f"{rule.file}:{rule.line}" if rule.line else rule.file
    if source.embedded:
        return f"the embedded default policy, {line}"
    return f"{source.name}:{rule.line}" if rule.line else source.name


def run(options: ExplainOptions, out: TextIO) -> int:
    from gatekeeper import resources

    renderer = formats.EXPLAIN.renderer(options.output_format)
    source = policy_text(options.policy, cwd=options.cwd)
    files: dict[RiskClass, list[str]] | None = None
    if options.org_policy is not None:
        from gatekeeper.commands.org_policy import central_policy

        effective = load_effective(options.policy, cwd=options.cwd,
                                   central=central_policy(options.org_policy, cwd=options.cwd))
        policy = effective.policy
        lines = {c: [s.line for s in found] for c, found in effective.pattern_sources.items()}
        files = {c: [s.file for s in found] for c, found in effective.pattern_sources.items()}
    else:
        policy = default_policy() if source.embedded else parse_policy(
            source.text, file=source.name, schema=resources.schema("policy"))
        lines = pattern_lines(source.text, file=source.name, policy=policy)
    paths = repository_paths(options.paths, cwd=options.cwd)
    results = tuple(explain(paths, policy, lines, files))
    renderer(ExplainReport(source, results), out)
    return EXIT_PASS


def render_text(report: ExplainReport, out: TextIO) -> None:
    source, results = report.source, report.results
    width = max((len(r.path) for r in results), default=0)
    for result in results:
        if result.decided_by is not None:
            why = f"pattern {result.decided_by.pattern}  ({_where(result.decided_by, source)})"
        else:
            why = "no AMBER or RED pattern matches"
        out.write(f"{result.path:<{width}}  {result.risk_class.value:<5}  {why}\n")
        for rule in result.excluded_by:
            out.write(f"{'':<{width}}         not {rule.risk_class.value}: {rule.pattern}  "
                      f"({_where(rule, source)})\n")


def _rule(rule: Rule) -> dict[str, Any]:
    return {"class": rule.risk_class.value, "pattern": rule.pattern, "line": rule.line,
            "file": rule.file}


def render_json(report: ExplainReport, out: TextIO) -> None:
    """``{"policy": SOURCE, "paths": [{"path", "class", "decided_by", "excluded_by"}]}``;
    SOURCE is the policy file, or embedded-default."""
    record = {
        "policy": EMBEDDED_POLICY if report.source.embedded else report.source.name,
        "paths": [{"path": r.path, "class": r.risk_class.value,
                   "decided_by": _rule(r.decided_by) if r.decided_by else None,
                   "excluded_by": [_rule(rule) for rule in r.excluded_by]}
                  for r in report.results],
    }
    out.write(json.dumps(record, indent=2) + "\n")
