"""Markdown for GitHub surfaces (job summary, PR comment), with hostile text defused.

Everything a pull request supplies (paths, field values, the author's handle) reaches the
page through ``escape`` (plain text), ``code`` (a code span) or ``cell`` (a code span in
a table cell), or inside a fence longer than any backtick run it holds: it cannot open a
tag, close a code span, add a table cell or mention anyone. Handles are shown in code
spans, which GitHub never turns into mentions, so what a person copies is what they see:
no invisible characters are added, and the ones a pull request carries are shown by name.
"""

from __future__ import annotations

import re
import unicodedata

from gatekeeper.constants import COMMENT_FOOTER_PREFIX, EMBEDDED_POLICY
from gatekeeper.core.fields import BUILTIN, FIELDS
from gatekeeper.core.model import Decision, PolicyOrigin, RiskClass
from gatekeeper.core.policy.merge import NO_LOCAL_POLICY
from gatekeeper.core.reasons import Family
from gatekeeper.core.suggest import NEEDED, fixable, where
from gatekeeper.core.text.normalize import strip_invisible

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~<>&])")
# What GitHub would turn into a mention (and a notification) in plain text.
_REFERENCE = re.compile(r"(?<![\w`])@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9._-]+)?")
_LISTED = 20
# GitHub refuses a comment longer than 65,536 characters; the marker and a margin fit.
COMMENT_LIMIT = 65_000
_WHY_RED = 5
RERUN = "Edit the pull request description; Gatekeeper runs again by itself."
REVIEW_RERUN = "Gatekeeper runs again by itself when a review is submitted or dismissed."


def _shown(text: str) -> str:
    """One line, every character visible: an invisible one is written as ``<U+200B>``."""
    flat = " ".join(text.split())
    return "".join(
        f"<U+{ord(c):04X}>" if not strip_invisible(c) or unicodedata.category(c) in ("Cf", "Cc")
        else c
        for c in flat
    )


def _plain(text: str) -> str:
    return _SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(
        m.group(1), "\\" + m.group(1)), text)


def escape(text: str) -> str:
    """Render ``text`` literally: no Markdown, no HTML, no mentions, one line."""
    flat = _shown(text)
    parts: list[str] = []
    position = 0
    for match in _REFERENCE.finditer(flat):
        parts += [_plain(flat[position:match.start()]), code(match.group())]
        position = match.end()
    parts.append(_plain(flat[position:]))
    return "".join(parts)


def code(text: str) -> str:
    """A code span that survives backticks in ``text``."""
    flat = _shown(text)
    fence = "`" * (max((len(m) for m in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith(("`", " ")) or flat.endswith(("`", " ")) else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def cell(text: str) -> str:
    """A code span inside a table cell. GFM splits cells on every unescaped ``|``, even in
    code, and drops the backslash of ``\\|`` before it reads the span; a backslash the text
    has before a ``|`` is kept apart from it, so that it cannot unescape the ``\\|``."""
    return code(text.replace("\\|", "\\ |")).replace("|", "\\|")


def fenced(text: str, info: str = "") -> str:
    """``text`` in a fenced block that nothing in it can close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}{info}\n{body}{fence}"


def _declared(decision: Decision) -> str:
    return decision.declared_class.value if decision.declared_class else "none"


def _class_line(decision: Decision) -> str:
    return f"class {decision.computed_class} (declared {_declared(decision)})"


def _paths(count: int) -> str:
    return f"{count} path" if count == 1 else f"{count} paths"


def _rerun(decision: Decision) -> list[str]:
    """How the check runs again, said once."""
    if fixable(decision.reasons):
        return [RERUN]
    if any(r.code.family is Family.AUTHORITY for r in decision.reasons):
        return [REVIEW_RERUN]
    return []


_SUBMODULE = " (submodule)"


def why_red(decision: Decision) -> str | None:
    """One line naming the paths (and patterns) that make the change RED."""
    red = decision.classification.paths_in(RiskClass.RED)
    if not red:
        return None
    shown = ", ".join(f"{code(m.path)}{_SUBMODULE if m.submodule else ''} ({code(m.pattern)})"
                      for m in red[:_WHY_RED])
    more = f" and {len(red) - _WHY_RED} more" if len(red) > _WHY_RED else ""
    return f"**Why RED:** {shown}{more}"


def fix_lines(decision: Decision) -> list[str]:
    """The reasons as a list an author can act on: grouped by field, named by section and
    field, then the reasons that belong to no field."""
    lines = []
    for repair in decision.repairs:
        codes = ", ".join(sorted({str(r.code) for r in decision.reasons
                                  if r.field == repair.field}))
        lines.append(f"- **{escape(repair.where)}:** {escape(repair.state)}; "
                     f"{escape(repair.need)} ({codes})")
    grouped = {repair.field for repair in decision.repairs}
    for reason in decision.reasons:
        if reason.field not in grouped:
            lines.append(f"- **{reason.code}** {escape(reason.message)}; {escape(reason.fix)}")
    return lines


def _paste(decision: Decision) -> list[str]:
    if decision.suggested_contract is None:
        return []
    blank = "value marked `# needed:`" if decision.suggested_contract.startswith("```") \
        else f"`<!-- {NEEDED} … -->` comment"
    return [
        "**Paste this** in place of the Contract and Escalation sections (and any "
        f"`gatekeeper` block) of the description, and fill in each {blank}:",
        "",
        fenced(decision.suggested_contract, "markdown"),
        "",
    ]


def _policy_line(decision: Decision) -> str:
    origin = decision.policy
    if origin.source == EMBEDDED_POLICY:
        return "the embedded default, because the repository has no policy file"
    if origin.source == NO_LOCAL_POLICY and origin.central is not None:
        return "the organisation policy alone: the repository has no policy file"
    if origin.ref:
        at = f" at the tip of {code(origin.ref)}"
        return f"{code(origin.source)}{at}" + (f" ({code(origin.sha[:12])})" if origin.sha else "")
    return f"file {code(origin.source)}" + (
        f" (sha256 {code(origin.sha[:12])})" if origin.sha else "")


def _central_line(origin: PolicyOrigin) -> str:
    """The organisation's central policy the repository's own may only tighten."""
    at = f" at {code(origin.ref)}" if origin.ref else ""
    return f"{code(origin.source)}{at}" + (f" ({code(origin.sha[:12])})" if origin.sha else "")


def _facts(decision: Decision) -> list[str]:
    if decision.kind == "could_not_evaluate":
        rows = [("Judged", "no: nothing was classified or read")]
    else:
        rows = [
            ("Computed class", decision.computed_class.value),
            ("Declared class", _declared(decision)),
            ("Class applied", decision.effective_class.value),
            ("Paths judged", str(decision.classification.paths_judged)),
        ]
    rows.append(("Policy", _policy_line(decision)))
    if decision.policy.central is not None:
        rows.append(("Organisation policy", _central_line(decision.policy.central)))
    lines = ["| | |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    lines += [f"| Exemption | {escape(e.name)}: author {cell(e.author)}, "
              f"{_paths(len(e.paths))} |" for e in decision.exemptions]
    return [*lines, ""]


def _contract_as_read(decision: Decision) -> list[str]:
    if decision.kind != "judged":
        return []
    states = {repair.field: repair.state for repair in decision.repairs}
    lines = ["### Contract as read", "", "| Field | Value |", "| --- | --- |"]
    names = [spec.name for spec in FIELDS]
    names += sorted(set(decision.contract) - set(names))
    for name in names:
        value = decision.contract.get(name)
        spec = BUILTIN.get(name)
        if value is not None:
            shown = cell(value) + (f": *{escape(states[name])}*" if name in states else "")
        elif name in states:
            shown = f"*{escape(states[name])}*"
        elif spec is not None and spec.requirement == "red" \
                and decision.effective_class is not RiskClass.RED:
            shown = f"*not needed for {decision.effective_class}*"
        else:
            shown = "*not given*"
        lines.append(f"| {escape(where(name))} | {shown} |")
    return [*lines, ""]


def summary(decision: Decision, *, title: str = "Gatekeeper") -> str:
    """The job summary: the verdict, what was read and judged, and how to fix a block."""
    if decision.kind == "could_not_evaluate":
        verdict = "❌ blocked: could not evaluate"
    elif decision.outcome == "pending":
        verdict = "⏳ pending: the rest only GitHub can check"
    else:
        verdict = "❌ blocked" if decision.blocked else "✅ passed"
    lines = [f"## {title}: {verdict}", "", *_facts(decision), *_contract_as_read(decision)]
    waiting = decision.pending_checks()
    if waiting and not decision.blocked:
        lines += ["### Still to check on GitHub", ""]
        lines += [f"- {escape(caveat.detail)}" for caveat in waiting]
        lines.append("")
    for risk_class in (RiskClass.RED, RiskClass.AMBER):
        matches = decision.classification.paths_in(risk_class)
        if not matches:
            continue
        lines += [f"### {risk_class.value} paths", "", "| Path | Pattern |", "| --- | --- |"]
        lines += [f"| {cell(m.shown)} | {cell(m.pattern)} |" for m in matches[:_LISTED]]
        if len(matches) > _LISTED:
            lines.append(f"| … and {len(matches) - _LISTED} more | |")
        lines.append("")
    if decision.reasons:
        lines += ["### How to fix", "", *fix_lines(decision), ""]
        lines += _paste(decision)
        for rerun in _rerun(decision):
            lines += [rerun, ""]
    lines.append(f"<sub>decision {decision.id} · gatekeeper {decision.gatekeeper_version}</sub>")
    return "\n".join(lines) + "\n"


def comment(decision: Decision, *, run_url: str | None = None) -> str:
    """The sticky pull request comment: what is wrong, field by field, and what to paste.

    A comment GitHub would refuse as too long keeps its reasons and leaves the contract
    to paste to the job summary and the decision record."""
    text = _comment(decision, run_url=run_url, paste=True)
    if len(text) <= COMMENT_LIMIT:
        return text
    text = _comment(decision, run_url=run_url, paste=False)
    return text if len(text) <= COMMENT_LIMIT else text[:COMMENT_LIMIT - 2] + "…\n"


def _comment(decision: Decision, *, run_url: str | None, paste: bool) -> str:
    if decision.kind == "could_not_evaluate":
        lines = ["❌ **Gatekeeper could not evaluate this pull request**, so it blocks.", "",
                 *fix_lines(decision)]
    elif decision.outcome == "pending":
        lines = [f"⏳ **Gatekeeper: pending** · {_class_line(decision)}", ""]
        lines += [f"- {escape(caveat.detail)}" for caveat in decision.pending_checks()]
    elif not decision.blocked:
        lines = [f"✅ **Gatekeeper passed** · {_class_line(decision)}"]
        lines += [f"\nExempt by policy: {escape(e.name)} (author {code(e.author)}, "
                  f"{_paths(len(e.paths))})" for e in decision.exemptions]
    else:
        lines = [f"❌ **Gatekeeper blocked this pull request** · {_class_line(decision)}", ""]
        red = why_red(decision)
        if red:
            lines += [red, ""]
        lines += ["**What to fix:**", "", *fix_lines(decision), ""]
        if paste:
            lines += _paste(decision)
        elif decision.suggested_contract is not None:
            lines += ["The contract to paste is too long for a comment: it is in the job "
                      "summary (the run's details) and in the decision record.", ""]
        lines += _rerun(decision)
    footer = decision.id
    if run_url:
        footer += f" · [details]({run_url})"
    lines += ["", f"{COMMENT_FOOTER_PREFIX}{footer}</sub>"]
    return "\n".join(lines) + "\n"
