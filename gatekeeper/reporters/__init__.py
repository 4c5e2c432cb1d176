"""Reporters turn a decision into text, JSON or GitHub workflow commands.

Their names are listed in ``gatekeeper.formats.VALIDATE``, the one list the command line
offers; a name that is not there is an error, never a silent fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, TextIO, cast

from gatekeeper import formats
from gatekeeper.core.model import Decision


@dataclass(frozen=True)
class ReportContext:
    out: TextIO
    body_name: str | None = None
    color: bool = False
    environ: Mapping[str, str] = field(default_factory=dict)


class Reporter(Protocol):
    def __call__(self, decision: Decision, context: ReportContext) -> None: ...


def paths_judged(decision: Decision) -> str:
    """How many paths the decision judged, as every result line says it."""
    count = decision.classification.paths_judged
    return f"{count} path{'' if count == 1 else 's'} judged"


def reporter_for(name: str) -> Reporter:
    """The reporter of a format listed in ``gatekeeper.formats.VALIDATE``."""
    return cast(Reporter, formats.VALIDATE.renderer(name))
