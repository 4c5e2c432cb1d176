"""json: both policies, the totals, the exit code and every pull request's two sides."""

from __future__ import annotations

import json

from gatekeeper.replay.compare import Compared, ReplayItem, Side
from gatekeeper.replay.json import render, to_json
from tests.support.fixtures import load_policy_text

BASELINE = load_policy_text("version: 1\n", file="base.yml")
CANDIDATE = load_policy_text("version: 1\nclasses:\n  RED:\n    paths: [a/]\n", file="cand.yml")
ITEM = ReplayItem("#7", "Zoë's fix", "https://x/7", "alice", "body", (), "a note")
RESULT = Compared(ITEM, Side("pass", "GREEN", ("GK101",)), Side("block", "RED", ("GK202",)),
                  "newly blocked")


def test_the_report_carries_both_policies_totals_and_each_pull_request() -> None:
    data = to_json([RESULT], baseline=BASELINE, candidate=CANDIDATE, source="acme/app")
    assert data["source"] == "acme/app"
    assert data["baseline_policy"] == {"source": "base.yml", "sha": BASELINE.origin.sha}
    assert data["candidate_policy"]["source"] == "cand.yml"
    assert data["exit_code"] == 1 and data["totals"]["newly_blocked"] == 1
    assert data["pull_requests"] == [{
        "key": "#7", "title": "Zoë's fix", "url": "https://x/7", "author": "alice",
        "change": "newly blocked",
        "baseline": {"decision": "pass", "computed_class": "GREEN", "codes": ["GK101"]},
        "candidate": {"decision": "block", "computed_class": "RED", "codes": ["GK202"]},
        "codes_added": ["GK202"], "codes_removed": ["GK101"], "note": "a note"}]


def test_rendered_json_is_the_report_unescaped() -> None:
    same = Compared(ITEM, Side("pass", "GREEN", ()), Side("pass", "GREEN", ()), "same")
    text = render([RESULT, same], baseline=BASELINE, candidate=CANDIDATE, source="s")
    assert text.endswith("}\n") and "Zoë" in text
    data = json.loads(text)
    assert data == to_json([RESULT, same], baseline=BASELINE, candidate=CANDIDATE, source="s")
    assert len(data["pull_requests"]) == 2


def test_changed_only_lists_only_the_changes_and_still_counts_every_one() -> None:
    same = Compared(ITEM, Side("pass", "GREEN", ()), Side("pass", "GREEN", ()), "same")
    everything = json.loads(render([RESULT, same], baseline=BASELINE, candidate=CANDIDATE,
                                   source="s"))
    changes = json.loads(render([RESULT, same], baseline=BASELINE, candidate=CANDIDATE,
                                source="s", changed_only=True))
    assert [r["change"] for r in changes["pull_requests"]] == ["newly blocked"]
    assert changes["totals"] == everything["totals"]
    assert changes["exit_code"] == everything["exit_code"]
