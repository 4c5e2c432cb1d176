"""Plain text for a terminal: one line per reason with its body line, then how to fix it."""

from __future__ import annotations

from gatekeeper.core.model import Decision, RiskClass
from gatekeeper.reporters import ReportContext, paths_judged

_RED, _GREEN, _YELLOW, _BOLD, _DIM, _RESET = (
    "\033[31m", "\033[32m", "\033[33m", "\033[1m", "\033[2m", "\033[0m",
)
_LISTED = 10


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _policy(decision: Decision) -> str:
    """The policy's source, and the organisation's central policy it tightens, if any."""
    central = decision.policy.central
    if central is None:
        return decision.policy.source
    return f"{decision.policy.source} tightening {central.source}"


def report_text(decision: Decision, context: ReportContext) -> None:
    color, write = context.color, context.out.write
    declared = decision.declared_class.value if decision.declared_class else "none"
    pending = decision.pending_checks()
    if decision.blocked:
        headline = _paint("BLOCKED", _BOLD + _RED, color)
    elif pending:
        # Not a pass: CI will judge what only GitHub can show.
        headline = _paint("PASS pending", _BOLD + _YELLOW, color)
    else:
        headline = _paint("PASS", _BOLD + _GREEN, color)
    write(f"{headline}  class {decision.computed_class} (declared {declared}), "
          f"policy {_policy(decision)}, {paths_judged(decision)}\n")
    # What is left for GitHub matters only when nothing else blocks.
    for caveat in pending if not decision.blocked else ():
        write(f"  {_paint('pending:', _YELLOW, color)} {caveat.detail}\n")

    for risk_class in (RiskClass.RED, RiskClass.AMBER):
        matches = decision.classification.paths_in(risk_class)
        for match in matches[:_LISTED]:
            write(f"  {risk_class.value:5} {match.shown}  (pattern {match.pattern})\n")
        if len(matches) > _LISTED:
            write(f"  {risk_class.value:5} ... and {len(matches) - _LISTED} more\n")

    for exemption in decision.exemptions:
        write(f"  exempt: {exemption.name} (author {exemption.author}, "
              f"{len(exemption.paths)} paths)\n")

    for reason in decision.reasons:
        where = context.body_name or "body"
        if reason.line is not None:
            where = f"{where}:{reason.line}"
        code = _paint(reason.code, _YELLOW if not decision.blocked else _RED, color)
        write(f"{where}: {code} {reason.message}\n")
        write(f"    {_paint('fix:', _DIM, color)} {reason.fix}\n")

    for caveat in decision.caveats:
        if not caveat.pending:
            write(f"note: {caveat.detail}\n")
