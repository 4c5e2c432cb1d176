"""Markdown for GitHub surfaces (job summary, PR comment), with hostile text defused."""

from __future__ import annotations

import re

from gatekeeper.core.model import Decision, RiskClass

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_LISTED = 20


def escape(text: str) -> str:
    """Render ``text`` literally: no Markdown, no HTML, no @-mention pings, one line."""
    flat = " ".join(text.split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _SPECIAL.sub(r"\\\1", flat)
    # A zero-width joiner after @ keeps handles readable but stops notifications.
    return flat.replace("@", "@\u2060")


def code(text: str) -> str:
    """Inline code that survives backticks in ``text``."""
    flat = " ".join(text.split()).replace("@", "@\u2060")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def summary(decision: Decision, *, title: str = "Gatekeeper") -> str:
    verdict = "❌ blocked" if decision.blocked else "✅ passed"
    declared = decision.declared_class.value if decision.declared_class else "none"
    lines = [
        f"## {title}: {verdict}",
        "",
        f"**Class:** {decision.computed_class} (declared {declared}) · "
        f"**Policy:** {code(decision.policy.source)}"
        + (f" at {code(decision.policy.sha[:12])}" if decision.policy.sha else ""),
        "",
    ]
    for risk_class in (RiskClass.RED, RiskClass.AMBER):
        matches = decision.classification.paths_in(risk_class)
        if not matches:
            continue
        lines += [f"### {risk_class.value} paths", "", "| Path | Pattern |", "| --- | --- |"]
        lines += [f"| {code(m.path)} | {code(m.pattern)} |" for m in matches[:_LISTED]]
        if len(matches) > _LISTED:
            lines.append(f"| … and {len(matches) - _LISTED} more | |")
        lines.append("")
    if decision.exemptions:
        lines += ["### Exemptions", ""]
        lines += [f"- {escape(e.name)}: author {code(e.author)}, {len(e.paths)} paths"
                  for e in decision.exemptions]
        lines.append("")
    if decision.reasons:
        lines += ["### How to fix", ""]
        for reason in decision.reasons:
            where = f" (body line {reason.line})" if reason.line else ""
            lines.append(f"- **{reason.code}**{where}: {escape(reason.message)}  ")
            lines.append(f"  {escape(reason.fix)}")
        lines.append("")
    lines.append(f"<sub>decision {decision.id} · gatekeeper {decision.gatekeeper_version}</sub>")
    return "\n".join(lines) + "\n"


def comment(decision: Decision, *, run_url: str | None = None) -> str:
    """The sticky pull request comment: the summary in fewer words, nothing echoed raw."""
    if not decision.blocked:
        lines = [f"✅ **Gatekeeper passed** · class {decision.computed_class}"]
    else:
        lines = [f"❌ **Gatekeeper blocked this pull request** · class {decision.computed_class}",
                 "", "What to fix in the pull request description:", ""]
        for reason in decision.reasons:
            where = f"line {reason.line}: " if reason.line else ""
            lines.append(f"- **{reason.code}** {where}{escape(reason.message)} → "
                         f"{escape(reason.fix)}")
    red = decision.classification.paths_in(RiskClass.RED)
    if red:
        shown = ", ".join(code(m.path) for m in red[:5])
        more = f" and {len(red) - 5} more" if len(red) > 5 else ""
        lines += ["", f"RED paths: {shown}{more}"]
    for exemption in decision.exemptions:
        lines += ["", f"Exempt by policy: {escape(exemption.name)}"]
    footer = f"decision {decision.id}"
    if run_url:
        footer += f" · [details]({run_url})"
    lines += ["", f"<sub>{footer}</sub>"]
    return "\n".join(lines) + "\n"
