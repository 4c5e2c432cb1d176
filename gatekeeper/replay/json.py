"""Replay as JSON: every pull request's two decisions, and the totals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from gatekeeper.core.policy.load import Policy
from gatekeeper.replay.compare import Compared, exit_code, totals


def to_json(results: Sequence[Compared], *, baseline: Policy, candidate: Policy,
            source: str, changed_only: bool = False) -> dict[str, Any]:
    """The totals and the exit code count every pull request; ``changed_only`` lists only
    those whose decision changes, as the text and Markdown reports do."""
    def policy(p: Policy) -> dict[str, Any]:
        return {"source": p.origin.source, "sha": p.origin.sha}

    return {
        "source": source,
        "baseline_policy": policy(baseline),
        "candidate_policy": policy(candidate),
        "totals": totals(results),
        "exit_code": exit_code(results),
        "pull_requests": [
            {"key": r.item.key, "title": r.item.title, "url": r.item.url,
             "author": r.item.author, "change": r.change,
             "baseline": r.baseline.to_json(), "candidate": r.candidate.to_json(),
             "codes_added": list(r.codes_added), "codes_removed": list(r.codes_removed),
             "note": r.item.note}
            for r in results if not (changed_only and r.change == "same")
        ],
    }


def render(results: Sequence[Compared], *, baseline: Policy, candidate: Policy,
           source: str, changed_only: bool = False) -> str:
    data = to_json(results, baseline=baseline, candidate=candidate, source=source,
                   changed_only=changed_only)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
