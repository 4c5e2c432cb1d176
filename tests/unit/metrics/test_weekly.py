"""weekly: the metrics of a period: pull requests in whole ISO weeks, drafts left out, the
rollout read from the labels unless given, and the save log's pull requests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gatekeeper.history.records import parse_time
from gatekeeper.metrics import timeline, weekly
from tests.support.records import NOT_REPLAYED, record

BLOCKED = (("red+", "2026-03-02T10:01:00Z"), ("blocked+", "2026-03-02T10:01:00Z"))


def _saved(number: int, merged: str, created: str = "2026-03-02T10:00:00Z"):
    return record(number, created, events=(*BLOCKED, ("blocked-", "2026-03-02T12:00:00Z")),
                  state="MERGED", merged=merged)


def test_weeks_are_iso_weeks_in_utc_with_empty_weeks_kept() -> None:
    late = record(1, "2026-12-31T23:30:00Z")  # Thursday of ISO week 2026-W53
    early = record(2, "2027-01-18T00:00:00Z")
    metrics = weekly.compute([late, early], since=None, until=None,
                              replay=lambda _: NOT_REPLAYED,
                              rollout=datetime(2026, 1, 1, tzinfo=UTC))
    assert [w.week for w in metrics.weeks] == ["2026-W53", "2027-W01", "2027-W02",
                                               "2027-W03"]
    assert [w.prs_total for w in metrics.weeks] == [1, 0, 0, 1]
    assert metrics.weeks[1].incomplete_contract_block_rate is None


def test_the_window_is_whole_weeks() -> None:
    start, end = timeline.window_bounds(date(2026, 3, 4), date(2026, 3, 10))
    assert (start, end) == (datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 16, tzinfo=UTC))
    inside = record(1, "2026-03-15T23:59:59Z")
    outside = record(2, "2026-03-16T00:00:00Z")
    metrics = weekly.compute([inside, outside], since=date(2026, 3, 4),
                              until=date(2026, 3, 10), replay=lambda _: NOT_REPLAYED)
    assert metrics.totals.prs_total == 1
    assert (metrics.since, metrics.until) == (date(2026, 3, 2), date(2026, 3, 15))


def test_drafts_are_counted_apart_and_facts_are_in_number_order() -> None:
    records = [record(3), record(2, draft=True), record(1)]
    metrics = weekly.compute(records, since=None, until=None, replay=lambda _: NOT_REPLAYED)
    assert [f.number for f in metrics.facts] == [1, 3]
    assert metrics.drafts_excluded == 1
    assert metrics.totals.prs_total == 2
    assert (metrics.since, metrics.until) == (None, None)


def test_the_rollout_is_the_first_label_unless_given() -> None:
    records = [_saved(1, "2026-03-03T09:00:00Z"), record(2)]
    found = weekly.compute(records, since=None, until=None, replay=lambda _: NOT_REPLAYED)
    assert found.rollout == parse_time("2026-03-02T10:01:00Z")
    given = datetime(2026, 1, 1, tzinfo=UTC)
    assert weekly.compute(records, since=None, until=None, replay=lambda _: NOT_REPLAYED,
                          rollout=given).rollout == given
    assert weekly.compute([record()], since=None, until=None,
                          replay=lambda _: NOT_REPLAYED).rollout is None


def test_the_save_log_is_the_saved_pull_requests_by_merge_time() -> None:
    records = [_saved(1, "2026-03-04T09:00:00Z"), _saved(2, "2026-03-03T09:00:00Z"),
               record(3, events=BLOCKED, state="MERGED", merged="2026-03-03T09:00:00Z"),
               _saved(4, "2026-03-03T09:00:00Z")]
    metrics = weekly.compute(records, since=date(2026, 3, 2), until=date(2026, 3, 2),
                             replay=lambda _: NOT_REPLAYED)
    assert [f.number for f in weekly.saved_pulls(metrics)] == [2, 4, 1]
    assert timeline.iso_week(metrics.since) == "2026-W10"
