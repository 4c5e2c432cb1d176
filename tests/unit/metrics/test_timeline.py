"""timeline: weeks, label intervals, ready time, the rollout, the first human review and
the body at a moment, from a record alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from gatekeeper.history.records import ReviewEvent, parse_time
from gatekeeper.metrics import timeline
from tests.support.records import record

T = parse_time


@pytest.mark.parametrize(("moment", "week", "monday"), [
    (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2026-W53", date(2026, 12, 28)),
    (date(2027, 1, 3), "2026-W53", date(2026, 12, 28)),  # a Sunday
    (date(2027, 1, 4), "2027-W01", date(2027, 1, 4)),
    (datetime(2026, 3, 2, tzinfo=UTC), "2026-W10", date(2026, 3, 2)),
])
def test_iso_weeks_and_their_mondays(moment: datetime | date, week: str,
                                     monday: date) -> None:
    assert timeline.iso_week(moment) == week
    assert timeline.week_monday(moment) == monday


def test_the_window_is_open_where_no_date_is_given() -> None:
    assert timeline.window_bounds(None, None) == (None, None)
    start, end = timeline.window_bounds(date(2026, 3, 8), None)  # a Sunday
    assert (start, end) == (datetime(2026, 3, 2, tzinfo=UTC), None)


def test_label_intervals_pair_adds_with_removals_and_leave_the_last_open() -> None:
    r = record(events=(("red+", "2026-03-02T10:00:00Z"), ("red+", "2026-03-02T10:30:00Z"),
                       ("blocked+", "2026-03-02T10:40:00Z"), ("red-", "2026-03-02T11:00:00Z"),
                       ("red-", "2026-03-02T11:30:00Z"), ("red+", "2026-03-03T09:00:00Z")))
    assert timeline.label_intervals(r, "red") == [(T("2026-03-02T10:00:00Z"),
                                                   T("2026-03-02T11:00:00Z")),
                                                  (T("2026-03-03T09:00:00Z"), None)]
    assert timeline.label_intervals(r, "blocked") == [(T("2026-03-02T10:40:00Z"), None)]
    assert timeline.label_intervals(record(), "red") == []


def test_when_a_label_was_on() -> None:
    intervals = [(T("2026-03-02T10:00:00Z"), T("2026-03-02T11:00:00Z")),
                 (T("2026-03-03T09:00:00Z"), None)]
    assert timeline.on_at(intervals, T("2026-03-02T10:00:00Z"))
    assert not timeline.on_at(intervals, T("2026-03-02T11:00:00Z"))  # the end is open
    assert timeline.on_at(intervals, T("2030-01-01T00:00:00Z"))
    assert timeline.first_on_or_after(intervals, T("2026-03-02T09:00:00Z")) == \
        T("2026-03-02T10:00:00Z")
    assert timeline.first_on_or_after(intervals, T("2026-03-02T10:15:00Z")) == \
        T("2026-03-02T10:15:00Z")
    assert timeline.first_on_or_after(intervals, T("2026-03-02T12:00:00Z")) == \
        T("2026-03-03T09:00:00Z")
    assert timeline.first_on_or_after(intervals[:1], T("2026-03-02T12:00:00Z")) is None


def test_ready_is_when_a_draft_was_marked_ready_or_else_creation() -> None:
    created = "2026-03-02T10:00:00Z"
    assert timeline.ready_time(record(created=created)) == T(created)
    assert timeline.ready_time(record(created=created, draft=True)) is None
    opened_draft = record(created=created, events=(("ready", "2026-03-02T12:00:00Z"),))
    assert timeline.ready_time(opened_draft) == T("2026-03-02T12:00:00Z")
    later_draft = record(created=created, events=(("draft", "2026-03-02T11:00:00Z"),
                                                  ("ready", "2026-03-02T12:00:00Z")))
    assert timeline.ready_time(later_draft) == T(created)


def test_the_rollout_is_the_first_gatekeeper_label_anywhere() -> None:
    records = [record(1, events=(("ready", "2026-01-01T00:00:00Z"),
                                 ("blocked+", "2026-03-05T00:00:00Z"))),
               record(2, events=(("red-", "2026-03-04T00:00:00Z"),))]
    assert timeline.rollout_time(records) == T("2026-03-04T00:00:00Z")
    assert timeline.rollout_time([record(events=(("ready", "2026-01-01T00:00:00Z"),))]) is None


def test_the_first_human_review_that_decides_after_a_moment() -> None:
    r = record(reviews=(
        ReviewEvent("APPROVED", "2026-03-02T09:00:00Z", "early", False),
        ReviewEvent("COMMENTED", "2026-03-02T10:30:00Z", "talker", False),
        ReviewEvent("APPROVED", "2026-03-02T10:40:00Z", "bot", True),
        ReviewEvent("CHANGES_REQUESTED", "2026-03-02T11:00:00Z", "carol", False),
        ReviewEvent("APPROVED", "2026-03-02T10:50:00Z", None, False),  # a deleted account
    ))
    after = T("2026-03-02T10:00:00Z")
    assert timeline.first_human_review(r, after) == (T("2026-03-02T10:50:00Z"), None,
                                                     "APPROVED")
    assert timeline.first_human_review(r, T("2026-03-02T12:00:00Z")) is None


def test_body_at_a_moment_from_the_edit_history() -> None:
    edits = [("2026-03-02T10:00:00Z", "first"), ("2026-03-02T12:00:00Z", "second")]
    assert timeline.body_at(edits, parse_time("2026-03-02T11:00:00Z"), "now") == "first"
    assert timeline.body_at(edits, parse_time("2026-03-02T12:00:00Z"), "now") == "second"
    assert timeline.body_at(edits, parse_time("2026-03-02T09:00:00Z"), "now") is None
    assert timeline.body_at([], parse_time("2026-03-02T09:00:00Z"), "now") == "now"
