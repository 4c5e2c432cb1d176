"""doctor's output: a line per check, a fix under every failure, and the verdict."""

from __future__ import annotations

import json
from typing import TextIO

from gatekeeper.commands.doctor.results import Report


def render(report: Report, out: TextIO) -> None:
    out.write(f"gatekeeper doctor: {report.repo}, branch {report.branch}\n")
    width = max(len(r.name) for r in report.results)
    for result in report.results:
        out.write(f"  {result.label}  {result.name:<{width}}  {result.detail}\n")
        for warning in result.warnings:
            out.write(f"        warning: {warning}\n")
        if result.fix and (not result.ok or result.warnings or result.unread):
            out.write(f"        fix: {result.fix}\n")
    for note in report.notes:
        out.write(f"note: {note}\n")
    unread = len(report.unread)
    failed = sum(not r.ok and not r.unread for r in report.results)
    warned = sum(len(r.warnings) for r in report.results)
    warnings = f" ({warned} warning{'' if warned == 1 else 's'})" if warned else ""
    if unread:
        out.write(f"{unread} of {len(report.results)} checks could not read what they need"
                  f"{f' and {failed} failed' if failed else ''}: whether GitHub enforces "
                  f"Gatekeeper on {report.branch} is not known.\n")
    elif failed:
        out.write(f"{failed} of {len(report.results)} checks failed{warnings}: GitHub does "
                  f"not yet enforce Gatekeeper on {report.branch}.\n")
    else:
        out.write(f"All {len(report.results)} checks pass{warnings}: GitHub enforces "
                  f"Gatekeeper on {report.branch}.\n")


def render_json(report: Report, out: TextIO) -> None:
    """``{"repository", "branch", "ok", "checks": [{"name", "result" (pass, warn or fail),
    "detail", "fix", "warnings"}], "notes"}``."""
    record = {
        "repository": report.repo,
        "branch": report.branch,
        "ok": report.ok,
        "checks": [{"name": r.name, "result": r.label.lower(), "detail": r.detail,
                    "fix": r.fix or None, "warnings": list(r.warnings)}
                   for r in report.results],
        "notes": list(report.notes),
    }
    out.write(json.dumps(record, indent=2) + "\n")
