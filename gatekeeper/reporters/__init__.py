"""Reporters turn a decision into text, JSON or GitHub workflow commands.

The registry below is the one list of output formats: the command line offers exactly
these names, and a name that is not here is an error, never a silent fallback.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, TextIO, cast

from gatekeeper.core.model import Decision
from gatekeeper.errors import GatekeeperError


@dataclass(frozen=True)
class ReportContext:
    out: TextIO
    body_name: str | None = None
    color: bool = False
    environ: Mapping[str, str] = field(default_factory=dict)


class Reporter(Protocol):
    def __call__(self, decision: Decision, context: ReportContext) -> None: ...


# name -> "module:function", imported only when used, so `validate` loads one reporter.
_REGISTRY: dict[str, str] = {
    "text": "gatekeeper.reporters.text:report_text",
    "json": "gatekeeper.reporters.json:report_json",
    "github": "gatekeeper.reporters.github:report_github",
}


def paths_judged(decision: Decision) -> str:
    """How many paths the decision judged, as every result line says it."""
    count = decision.classification.paths_judged
    return f"{count} path{'' if count == 1 else 's'} judged"


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def reporter_for(name: str) -> Reporter:
    target = _REGISTRY.get(name)
    if target is None:
        raise GatekeeperError(f"unknown output format {name!r}; use one of {', '.join(names())}")
    module, _, function = target.partition(":")
    return cast(Reporter, getattr(importlib.import_module(module), function))
