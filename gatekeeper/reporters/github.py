"""GitHub Actions: error annotations, the job summary, and step outputs."""

from __future__ import annotations

import json

from gatekeeper.core.model import Decision
from gatekeeper.reporters import ReportContext, paths_judged, runner_files
from gatekeeper.reporters.markdown import summary


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, title: str, message: str, *, file: str | None = None,
               line: int | None = None) -> str:
    properties = [f"title={_escape_property(title)}"]
    if file:
        properties.append(f"file={_escape_property(file)}")
        if line is not None:
            properties.append(f"line={line}")
    return f"::{level} {','.join(properties)}::{_escape_data(message)}\n"


def report_github(decision: Decision, context: ReportContext) -> None:
    level = "error" if decision.blocked else "notice"
    for reason in decision.reasons:
        where = f" (body line {reason.line})" if reason.line else ""
        context.out.write(annotation(
            level, reason.code, f"{reason.message}{where}. Fix: {reason.fix}",
            file=context.body_name, line=reason.line,
        ))
    for caveat in decision.caveats:
        context.out.write(annotation("warning", "Gatekeeper did not check", caveat.detail))
    context.out.write(annotation(
        "notice", "Gatekeeper",
        f"{decision.outcome}: class {decision.computed_class}, {paths_judged(decision)}",
    ))
    for exemption in decision.exemptions:
        context.out.write(annotation(
            "notice", "Gatekeeper exemption",
            f"exempt by {exemption.name!r} (author {exemption.author})",
        ))
    runner_files.append_summary(context.environ, summary(decision))
    runner_files.set_outputs(context.environ, {
        "decision": decision.outcome,
        "computed-class": decision.computed_class.value,
        "reasons": json.dumps([
            {"code": r.code, "message": r.message, "field": r.field, "line": r.line}
            for r in decision.reasons
        ]),
        "caveats": json.dumps(decision.to_record()["caveats"]),
        "paths-judged": str(decision.classification.paths_judged),
    })
