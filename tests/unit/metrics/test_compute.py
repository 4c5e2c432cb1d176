"""The metric definitions, one edge at a time (pure: no GitHub, no cache)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from gatekeeper.history.records import (
    PullRecord,
    ReviewEvent,
    parse_time,
)
from gatekeeper.metrics import compute, timeline
from gatekeeper.replay.compare import ReplayOutcome
from tests.support.records import NOT_REPLAYED, record


def facts(r: PullRecord, *, rollout: str | None = "2026-01-01T00:00:00Z",
          outcome: ReplayOutcome = NOT_REPLAYED) -> compute.PullFacts:
    found = compute.pull_facts(r, rollout=parse_time(rollout) if rollout else None,
                               replay=lambda _: outcome)
    assert found is not None
    return found


def review(state: str, at: str, who: str = "p", bot: bool = False) -> ReviewEvent:
    return ReviewEvent(state, at, who, bot)


@pytest.mark.parametrize(("seconds", "hours"), [
    ([3600], "1.00"),
    ([18], "0.01"),          # 0.005 h exactly: half up
    ([17], "0.00"),
    ([3600, 7236], "1.51"),  # mean of the middle two: 5418 s = 1.505 h, half up
    ([1, 2, 3600 * 5], "0.00"),
])
def test_median_is_exact_and_rounds_half_up(seconds: list[int], hours: str) -> None:
    assert compute.median_hours(seconds) == Decimal(hours)


def test_rate_rounds_half_up_to_four_decimals() -> None:
    assert compute.block_rate(1, 8) == Decimal("0.1250")
    assert compute.block_rate(1, 3) == Decimal("0.3333")
    assert compute.block_rate(2, 3) == Decimal("0.6667")
    assert compute.block_rate(0, 0) is None


def test_labels_added_twice_or_removed_when_absent_are_idempotent() -> None:
    r = record(events=(("red+", "2026-03-02T10:01:00Z"), ("red+", "2026-03-02T10:02:00Z"),
                       ("red-", "2026-03-02T10:03:00Z"), ("red-", "2026-03-02T10:04:00Z")))
    assert timeline.label_intervals(r, "red") == [
        (parse_time("2026-03-02T10:01:00Z"), parse_time("2026-03-02T10:03:00Z"))]


def test_trigger_review_bots_and_earlier_reviews() -> None:
    r = record(events=(("red+", "2026-03-02T11:00:00Z"),), reviews=(
        review("APPROVED", "2026-03-02T10:30:00Z"),                 # before the trigger
        review("APPROVED", "2026-03-02T11:10:00Z", "bot", True),    # a bot
        review("COMMENTED", "2026-03-02T11:20:00Z"),                # not decisive
        review("CHANGES_REQUESTED", "2026-03-02T12:30:00Z", "eve"),
    ))
    f = facts(r)
    assert (f.red, f.trigger_at, f.review_seconds, f.reviewer) == (
        True, parse_time("2026-03-02T11:00:00Z"), 5400, "eve")
    assert f.red_status == "reviewed"


@pytest.mark.parametrize(("state", "status"), [("OPEN", "pending"),
                                               ("CLOSED", "closed_unreviewed"),
                                               ("MERGED", "closed_unreviewed")])
def test_unreviewed_red_is_pending_or_closed_never_dropped(state: str, status: str) -> None:
    f = facts(record(events=(("red+", "2026-03-02T11:00:00Z"),), state=state))
    assert f.red_status == status
    row = compute.aggregate("w", None, [f])
    assert (row.red_escalation_count, row.median_red_review_time_hours) == (1, None)


def test_a_draft_counts_from_when_it_was_ready() -> None:
    r = record(events=(("blocked+", "2026-03-02T10:01:00Z"), ("red+", "2026-03-02T10:02:00Z"),
                       ("blocked-", "2026-03-02T10:30:00Z"), ("ready", "2026-03-02T12:00:00Z")))
    f = facts(r)
    assert (f.blocked, f.red, f.trigger_at) == (False, True, parse_time("2026-03-02T12:00:00Z"))
    assert compute.pull_facts(replace(r, is_draft=True), rollout=None,
                              replay=lambda _: NOT_REPLAYED) is None


def test_converted_to_draft_later_keeps_its_first_ready_time() -> None:
    r = record(events=(("red+", "2026-03-02T10:05:00Z"), ("draft", "2026-03-02T11:00:00Z"),
                       ("ready", "2026-03-02T12:00:00Z")))
    assert facts(r).trigger_at == parse_time("2026-03-02T10:05:00Z")


def test_before_the_rollout_without_labels_is_replayed() -> None:
    r = record(created="2026-03-02T10:00:00Z", reviews=(
        review("APPROVED", "2026-03-02T13:00:00Z"),))
    outcome = ReplayOutcome(red=True, blocked=True, codes=("GK202",))
    f = facts(r, rollout="2026-03-03T00:00:00Z", outcome=outcome)
    assert (f.source, f.red, f.blocked, f.review_seconds) == ("replay", True, True, 3 * 3600)
    after = facts(r, rollout="2026-03-01T00:00:00Z", outcome=outcome)
    assert (after.source, after.red, after.blocked) == ("history", False, False)
    assert facts(r, rollout=None, outcome=outcome).source == "replay"  # no rollout seen


def test_saved_needs_the_block_lifted_before_the_merge() -> None:
    base = (("red+", "2026-03-02T10:01:00Z"), ("blocked+", "2026-03-02T10:01:00Z"))
    fixed = record(events=(*base, ("blocked-", "2026-03-02T12:00:00Z")), state="MERGED",
                   merged="2026-03-03T09:00:00Z")
    bypassed = record(events=base, state="MERGED", merged="2026-03-03T09:00:00Z")
    reblocked = record(events=(*base, ("blocked-", "2026-03-02T12:00:00Z"),
                               ("blocked+", "2026-03-03T08:00:00Z")), state="MERGED",
                       merged="2026-03-03T09:00:00Z")
    assert [facts(r).saved for r in (fixed, bypassed, reblocked)] == [True, False, False]
    assert facts(fixed).unblocked_at == parse_time("2026-03-02T12:00:00Z")
