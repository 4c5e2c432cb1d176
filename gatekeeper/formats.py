"""Every command's output formats, in one place: what ``--format`` offers is read from here.

A format is a name and the function that renders it ("module:function"), imported only when
chosen, so ``validate`` loads one reporter and nothing else. Adding a format to a command is
one module with its renderer and one line below; the command line offers it by itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from gatekeeper.errors import GatekeeperError

Renderer = TypeVar("Renderer", bound=Callable[..., Any])


@dataclass(frozen=True)
class Formats(Generic[Renderer]):
    """One command's formats: name -> "module:function", the first being the default."""

    command: str
    targets: Mapping[str, str]
    # What a format is for, where its name does not say it: the --format option's help.
    described: Mapping[str, str] = field(default_factory=dict)

    def names(self) -> tuple[str, ...]:
        return tuple(self.targets)

    @property
    def default(self) -> str:
        return next(iter(self.targets))

    def help(self) -> str | None:
        return "; ".join(f"{name}: {what}" for name, what in self.described.items()) or None

    def renderer(self, name: str) -> Renderer:
        target = self.targets.get(name)
        if target is None:
            raise GatekeeperError(f"{self.command}: unknown output format {name!r}; "
                                  f"use one of {', '.join(self.names())}")
        module, _, function = target.partition(":")
        return cast(Renderer, getattr(importlib.import_module(module), function))


# validate (and the action): (decision, ReportContext) -> None, see reporters/__init__.py
VALIDATE: Formats[Callable[..., None]] = Formats("validate", {
    "text": "gatekeeper.reporters.text:report_text",
    "json": "gatekeeper.reporters.json:report_json",
    "github": "gatekeeper.reporters.github:report_github",
})

# metrics: (Report) -> str
METRICS: Formats[Callable[..., str]] = Formats("metrics", {
    "markdown": "gatekeeper.metrics.export:render_markdown",
    "csv": "gatekeeper.metrics.export:render_csv",
    "json": "gatekeeper.metrics.export:render_json",
})

# replay: (results, *, baseline, candidate, source, changed_only) -> str
REPLAY: Formats[Callable[..., str]] = Formats("replay", {
    "text": "gatekeeper.replay.text:render",
    "json": "gatekeeper.replay.json:render",
    "markdown": "gatekeeper.replay.markdown:render",
}, described={"markdown": "a comment for the pull request that changes the policy."})

# explain: (ExplainReport, out) -> None
EXPLAIN: Formats[Callable[..., None]] = Formats("explain", {
    "text": "gatekeeper.commands.explain:render_text",
    "json": "gatekeeper.commands.explain:render_json",
})

# policy check: (list of CheckedFile, out) -> None
POLICY_CHECK: Formats[Callable[..., None]] = Formats("policy check", {
    "text": "gatekeeper.commands.policy:render_text",
    "json": "gatekeeper.commands.policy:render_json",
})

# doctor: (Report, out) -> None
DOCTOR: Formats[Callable[..., None]] = Formats("doctor", {
    "text": "gatekeeper.commands.doctor.render:render",
    "json": "gatekeeper.commands.doctor.render:render_json",
})

# doctor --org: (OrgVerdict) -> str; the names are doctor's (one --format option serves both)
DOCTOR_ORG: Formats[Callable[..., str]] = Formats("doctor --org", {
    "text": "gatekeeper.commands.doctor.org_judge:render_text",
    "json": "gatekeeper.commands.doctor.org:render_json",
})

# metrics --org and metrics merge: (OrgReport) -> str; the names are metrics'
METRICS_ORG: Formats[Callable[..., str]] = Formats("metrics --org", {
    "markdown": "gatekeeper.metrics.org:render_markdown",
    "csv": "gatekeeper.metrics.org:render_csv",
    "json": "gatekeeper.metrics.org:render_json",
})

ALL: tuple[Formats[Any], ...] = (VALIDATE, METRICS, REPLAY, EXPLAIN, POLICY_CHECK, DOCTOR,
                                 DOCTOR_ORG, METRICS_ORG)
