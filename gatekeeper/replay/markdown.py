"""`gatekeeper replay --format markdown`: a comment for the pull request that changes the
policy. The totals, then each pull request whose decision changes and why (reasons in
words with their codes), then the rest folded away. Titles, keys and file names come
from pull requests, so they are rendered literally (``reporters.markdown.escape``): no
Markdown, no HTML, no @-mention pings, no table cell broken by a ``|``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from gatekeeper.core.policy.load import Policy
from gatekeeper.core.reasons import Code, reason_words
from gatekeeper.replay.compare import Compared, Side, exit_code, totals
from gatekeeper.reporters.markdown import code, escape

MARKER = "<!-- gatekeeper:policy-replay -->"
# GitHub refuses a comment past 65,536 characters; rows past these are counted, not listed.
_CHANGED_ROWS = 200
_OTHER_ROWS = 100
_SAFE_URL = re.compile(r"https?://[^\s()<>\[\]`|\\]+")
_MARKS = {"newly blocked": "🔴 newly blocked", "newly passed": "🟢 newly passed",
          "reasons changed": "🟡 other reasons", "same": "unchanged"}


def words(codes: Sequence[str]) -> str:
    """Reason codes with their summaries: ``GK202 (RED escalation incomplete)``."""
    return "; ".join(escape(reason_words(value)) if value not in Code.__members__
                     else reason_words(value) for value in codes)


def _side(side: Side) -> str:
    return f"{side.decision} {side.computed_class}"


def _pull(result: Compared) -> str:
    item = result.item
    label = escape(item.key)
    if item.url and _SAFE_URL.fullmatch(item.url):
        label = f"[{label}]({item.url})"
    title = escape(item.title) if item.url else ""
    return f"{label} {title}".rstrip()


def _why(result: Compared) -> str:
    parts = []
    if result.codes_added:
        parts.append("adds " + words(result.codes_added))
    if result.codes_removed:
        parts.append("drops " + words(result.codes_removed))
    if result.candidate.decision == "block" and not result.codes_added:
        parts.append("blocks for " + (words(result.candidate.codes) or "no listed reason"))
    if result.item.note:
        parts.append("note: " + escape(result.item.note))
    return "; ".join(parts) or "-"


def _rows(results: Sequence[Compared], limit: int) -> list[str]:
    lines = ["| Pull request | Change | Baseline | Candidate | Why |",
             "| --- | --- | --- | --- | --- |"]
    for result in results[:limit]:
        lines.append(f"| {_pull(result)} | {_MARKS[result.change]} | {_side(result.baseline)}"
                     f" | {_side(result.candidate)} | {_why(result)} |")
    if len(results) > limit:
        lines += ["", f"... and {len(results) - limit} more (`--format json` lists them all)."]
    return lines


def render(results: Sequence[Compared], *, baseline: Policy, candidate: Policy,
           source: str, changed_only: bool = False) -> str:
    t = totals(results)
    changed = [r for r in results if r.change != "same"]
    # Newly blocked first: what a reviewer of the policy change must see.
    order = {"newly blocked": 0, "newly passed": 1, "reasons changed": 2}
    changed.sort(key=lambda r: order.get(r.change, 3))
    verdict = ("the candidate policy blocks pull requests the current one passes"
               if exit_code(results) else "the candidate policy blocks nothing new")
    lines = [
        MARKER,
        "## Gatekeeper policy replay",
        "",
        f"{code(baseline.origin.source)} → {code(candidate.origin.source)}, on "
        f"{t['pull_requests']} pull request{'' if t['pull_requests'] == 1 else 's'} from "
        f"{code(source)}: {verdict}.",
        "",
        "| | Pull requests |",
        "| --- | --- |",
        f"| Blocked now (baseline) | {t['baseline_blocked']} |",
        f"| Blocked with the candidate | {t['candidate_blocked']} |",
        f"| 🔴 Newly blocked | {t['newly_blocked']} |",
        f"| 🟢 Newly passed | {t['newly_passed']} |",
        f"| 🟡 Blocked or passed for other reasons | {t['reasons_changed']} |",
        f"| Unchanged | {t['unchanged']} |",
        "",
    ]
    if changed:
        lines += ["### Pull requests whose decision changes", "",
                  *_rows(changed, _CHANGED_ROWS), ""]
    else:
        lines += ["No pull request changes decision or reasons.", ""]
    same = [r for r in results if r.change == "same"]
    if same and not changed_only:
        lines += [f"<details><summary>{len(same)} unchanged</summary>", "",
                  *_rows(same, _OTHER_ROWS), "", "</details>", ""]
    lines.append("Replayed on each pull request's current body and files "
                 "(docs/metrics.md, *Replay*).")
    return "\n".join(lines) + "\n"
