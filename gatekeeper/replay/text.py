"""Replay as text for a terminal: a line per pull request, its change and the totals."""

from __future__ import annotations

from collections.abc import Sequence

from gatekeeper.core.policy.load import Policy
from gatekeeper.core.reasons import reason_words
from gatekeeper.replay.compare import Compared, Side, totals


def _flat(text: str) -> str:
    """A title on one terminal line: no control characters (escape sequences) from it."""
    return "".join(ch for ch in " ".join(text.split()) if ch.isprintable())[:80]


def render(results: Sequence[Compared], *, baseline: Policy, candidate: Policy,
           source: str = "", changed_only: bool = False) -> str:
    lines = [f"baseline:  {baseline.origin.source}",
             f"candidate: {candidate.origin.source}", ""]
    width = min(30, max((len(r.item.key) for r in results), default=0))
    for r in results:
        if changed_only and r.change == "same":
            continue

        def side(s: Side) -> str:
            codes = ",".join(s.codes) or "-"
            return f"{s.decision:<5} {s.computed_class:<5} {codes}"

        marker = {"same": " ", "newly blocked": "+", "newly passed": "-",
                  "reasons changed": "~"}[r.change]
        title = "" if r.item.url is None else f"  {_flat(r.item.title)}"
        lines.append(f"{marker} {r.item.key:<{width}}  baseline {side(r.baseline):<24} "
                     f"candidate {side(r.candidate)}{title}".rstrip())
        if r.change != "same":
            detail = [f"now {r.change}"]
            if r.codes_added:
                detail.append("adds " + ", ".join(map(reason_words, r.codes_added)))
            if r.codes_removed:
                detail.append("drops " + ", ".join(map(reason_words, r.codes_removed)))
            lines.append(f"    {'; '.join(detail)}")
        if r.item.note:
            lines.append(f"    note: {r.item.note}")
    t = totals(results)
    lines += [
        "",
        f"{t['pull_requests']} pull requests: baseline blocks {t['baseline_blocked']}, "
        f"candidate blocks {t['candidate_blocked']}; {t['newly_blocked']} newly blocked, "
        f"{t['newly_passed']} newly passed, {t['reasons_changed']} with other reasons, "
        f"{t['unchanged']} unchanged",
    ]
    return "\n".join(lines) + "\n"
