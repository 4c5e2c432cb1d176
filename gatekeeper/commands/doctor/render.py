"""doctor's output: a line per check, a fix under every failure, and the verdict."""

from __future__ import annotations

from typing import TextIO

from gatekeeper.commands.doctor.results import Report


def render(report: Report, out: TextIO) -> None:
    out.write(f"gatekeeper doctor: {report.repo}, branch {report.branch}\n")
    width = max(len(r.name) for r in report.results)
    for result in report.results:
        out.write(f"  {'PASS' if result.ok else 'FAIL'}  {result.name:<{width}}  "
                  f"{result.detail}\n")
        if not result.ok and result.fix:
            out.write(f"        fix: {result.fix}\n")
    for note in report.notes:
        out.write(f"note: {note}\n")
    failed = sum(not r.ok for r in report.results)
    if failed:
        out.write(f"{failed} of {len(report.results)} checks failed: GitHub does not yet "
                  f"enforce Gatekeeper on {report.branch}.\n")
    else:
        out.write(f"All {len(report.results)} checks pass: GitHub enforces Gatekeeper on "
                  f"{report.branch}.\n")
