"""Reporters turn a decision into text, JSON or GitHub workflow commands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from gatekeeper.core.model import Decision


@dataclass(frozen=True)
class ReportContext:
    out: TextIO
    body_name: str | None = None
    color: bool = False
    environ: Mapping[str, str] = field(default_factory=dict)


class Reporter(Protocol):
    def __call__(self, decision: Decision, context: ReportContext) -> None: ...


FORMATS = ("text", "json", "github")


def reporter_for(name: str) -> Reporter:
    if name == "json":
        from gatekeeper.reporters.json import report_json

        return report_json
    if name == "github":
        from gatekeeper.reporters.github import report_github

        return report_github
    from gatekeeper.reporters.text import report_text

    return report_text
