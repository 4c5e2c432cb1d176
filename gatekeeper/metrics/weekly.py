"""The metrics of a period: per pull request facts, weekly rows, totals, the headline and
the split by origin. Pure: no I/O. Definitions are in metrics/compute.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gatekeeper.history.records import PullRecord, parse_time
from gatekeeper.metrics import breakdown
from gatekeeper.metrics.compute import (
    Origin,
    PullFacts,
    Replay,
    WeekRow,
    aggregate,
    pull_facts,
    weekly,
)
from gatekeeper.metrics.timeline import rollout_time, week_monday, window_bounds


@dataclass(frozen=True)
class Metrics:
    facts: tuple[PullFacts, ...]
    weeks: tuple[WeekRow, ...]
    totals: WeekRow
    drafts_excluded: int
    rollout: datetime | None
    since: date | None
    until: date | None
    headline: breakdown.Headline
    splits: dict[str, tuple[WeekRow, ...]]  # by change origin: breakdown.SPLITS


def compute(
    records: Iterable[PullRecord],
    *,
    since: date | None,
    until: date | None,
    replay: Replay,
    rollout: datetime | None = None,
    origin: Origin | None = None,
    computed: Origin | None = None,
    include_replayed: bool = False,
) -> Metrics:
    """The metrics for the pull requests created in the whole ISO weeks from ``since``
    to ``until``. ``rollout`` None: the first Gatekeeper label event in ``records``."""
    pulls = list(records)
    start, end = window_bounds(since, until)
    chosen = rollout if rollout is not None else rollout_time(pulls)
    facts: list[PullFacts] = []
    drafts = 0
    for record in pulls:
        created = parse_time(record.created_at)
        if (start is not None and created < start) or (end is not None and created >= end):
            continue
        fact = pull_facts(record, rollout=chosen, replay=replay, origin=origin,
                          computed=computed)
        if fact is None:
            drafts += 1
        else:
            facts.append(fact)
    return from_facts(facts, drafts_excluded=drafts, rollout=chosen, since=since, until=until,
                      include_replayed=include_replayed)


def from_facts(
    pulls: Iterable[PullFacts],
    *,
    drafts_excluded: int,
    rollout: datetime | None,
    since: date | None,
    until: date | None,
    include_replayed: bool = False,
) -> Metrics:
    """The metrics of already judged pull requests: the weekly rows, totals, headline and
    splits are computed from these raw facts alone (an organisation's shards carry them, so
    a merge computes medians and percentiles exactly as one run does)."""
    facts = sorted(pulls, key=lambda f: f.number)
    weeks = weekly(facts, since, until)
    return Metrics(
        facts=tuple(facts), weeks=tuple(weeks), totals=aggregate("total", None, facts),
        drafts_excluded=drafts_excluded, rollout=rollout,
        since=week_monday(since) if since else None,
        until=week_monday(until) + timedelta(days=6) if until else None,
        headline=breakdown.headline(facts, weeks, include_replayed=include_replayed),
        splits={name: breakdown.split(facts, group)
                for name, group in breakdown.SPLITS.items()},
    )


def saved_pulls(metrics: Metrics) -> list[PullFacts]:
    """RED pull requests that were blocked, then fixed, then merged: the save log."""
    return sorted((f for f in metrics.facts if f.saved),
                  key=lambda f: (f.merged_at or f.created_at, f.number))
