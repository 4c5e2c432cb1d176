"""docs/metrics.md's worked example is executable: its input table goes through the
metrics code and must give exactly the CSV and totals the page shows."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from gatekeeper.history.records import PullRecord, ReviewEvent, TimelineEvent, format_time
from gatekeeper.metrics import export, weekly
from gatekeeper.replay.compare import ReplayOutcome
from tests.support.fixtures import REPO_ROOT

DOC = REPO_ROOT / "docs" / "metrics.md"


def _section(text: str, name: str) -> str:
    start = text.index(f"<!-- worked-example:{name} -->") + len(f"<!-- worked-example:{name} -->")
    return text[start:]


def _time(text: str) -> str:
    return format_time(datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=UTC))


def _actor(text: str) -> tuple[str, bool]:
    name = text.strip()
    return (name.removesuffix(" (bot)"), True) if name.endswith(" (bot)") else (name, False)


def example() -> tuple[list[PullRecord], dict[int, ReplayOutcome]]:
    text = DOC.read_text(encoding="utf-8")
    table = _section(text, "input").split("<!-- /worked-example:input -->")[0]
    rows = [line for line in table.strip().splitlines() if line.startswith("| #")]
    records, replays = [], {}
    for row in rows:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        number, created, base, author, draft, events, reviews, state, replayed = cells
        login, bot = _actor(author)
        timeline = []
        for item in filter(None, (e.strip() for e in events.split(";"))):
            kind, at = item.split(" ", 1)
            timeline.append(TimelineEvent(kind, _time(at)))
        if draft.startswith("until "):
            timeline.append(TimelineEvent("ready", _time(draft.removeprefix("until "))))
            timeline.sort(key=lambda e: e.at)
        review_events = []
        for item in filter(None, (r.strip() for r in reviews.split(";"))):
            who, review_state, at = re.fullmatch(r"(.+?) (APPROVED|CHANGES_REQUESTED|"
                                                 r"DISMISSED) (.+)", item).groups()  # type: ignore[union-attr]
            name, is_bot = _actor(who)
            review_events.append(ReviewEvent(review_state, _time(at), name, is_bot))
        word, _, when = state.partition(" ")
        closed = _time(when) if when else None
        records.append(PullRecord(
            id=number, number=int(number[1:]), url=f"https://github.com/acme/widgets/pull/"
            f"{number[1:]}", title=f"Example {number}", body="", state={"merged": "MERGED",
            "closed": "CLOSED", "open": "OPEN"}[word], is_draft=draft == "yes",
            created_at=_time(created), updated_at=closed or _time(created),
            merged_at=closed if word == "merged" else None, closed_at=closed, base=base,
            author=login, author_is_bot=bot, changed_files=0, files=(), files_complete=True,
            events=tuple(timeline), reviews=tuple(review_events),
        ))
        if replayed:
            outcome, risk, *codes = replayed.split()
            replays[int(number[1:])] = ReplayOutcome(
                red=risk == "RED", blocked=outcome == "block", codes=tuple(codes))
    return records, replays


def test_the_worked_example_gives_the_documented_output() -> None:
    records, replays = example()
    on_main = [r for r in records if r.base == "main"]  # --base main, as cache.pulls does

    def replay(record: PullRecord) -> ReplayOutcome:
        return replays[record.number]

    metrics = weekly.compute(on_main, since=None, until=None, replay=replay)
    report = export.Report(
        repository="acme/widgets", repository_url="", bases=("main",), as_of=None,
        policy_source="embedded-default", policy_sha=None, rollout_source="labels",
        metrics=metrics, save_log=())
    text = DOC.read_text(encoding="utf-8")
    documented_csv = _section(text, "csv").split("```csv\n", 1)[1].split("```", 1)[0]
    assert export.render_csv(report) == documented_csv

    documented = json.loads(_section(text, "totals").split("```json\n", 1)[1]
                            .split("```", 1)[0])
    totals = export.row_json(metrics.totals)
    assert {k: totals[k] for k in documented if k in totals} == \
        {k: v for k, v in documented.items() if k in totals}
    assert metrics.drafts_excluded == documented["drafts_excluded"]
    assert [f.number for f in weekly.saved_pulls(metrics)] == documented["save_log"]
    assert metrics.rollout == datetime(2026, 3, 3, 9, 5, tzinfo=UTC)
    headline = json.loads(_section(text, "headline").split("```json\n", 1)[1]
                          .split("```", 1)[0])
    assert export.headline_json(metrics) == headline


def test_every_replayed_row_is_marked_as_such() -> None:
    records, replays = example()
    metrics = weekly.compute([r for r in records if r.base == "main"], since=None,
                              until=None, replay=lambda r: replays[r.number])
    assert {f.number for f in metrics.facts if f.source == "replay"} == set(replays)
