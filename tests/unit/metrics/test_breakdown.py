"""breakdown: the split by change origin, and the headline block rate with its change
week over week, computed from the counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from gatekeeper.metrics import breakdown
from gatekeeper.metrics.compute import PullFacts, aggregate
from gatekeeper.metrics.timeline import iso_week

MONDAY = datetime(2026, 3, 2, 10, tzinfo=UTC)
FACT = PullFacts(number=1, url="u", title="t", author="a", author_is_bot=False, state="OPEN",
                 created_at=MONDAY, ready_at=MONDAY, merged_at=None, week=iso_week(MONDAY),
                 source="history", red=False, blocked=False, trigger_at=None, review_at=None,
                 reviewer=None, review_state=None, red_status=None, blocked_at=None,
                 unblocked_at=None, saved=False)


def _fact(number: int, *, week: str = "2026-W10", blocked: bool = False, **changes) -> PullFacts:
    return replace(FACT, number=number, week=week, blocked=blocked, **changes)


def test_the_split_lists_every_origin_then_undeclared_then_others() -> None:
    facts = [_fact(1, origin="agent", blocked=True), _fact(2, origin="agent"),
             _fact(3), _fact(4, origin="robot")]
    rows = breakdown.split(facts, breakdown.SPLITS["declared"])
    assert [(r.week, r.prs_total) for r in rows] == [
        ("human", 0), ("ai-assisted", 0), ("agent", 2), ("undeclared", 1), ("robot", 1)]
    computed = breakdown.split(facts, breakdown.SPLITS["computed"])
    assert [(r.week, r.prs_total) for r in computed] == [
        ("human", 0), ("ai-assisted", 0), ("agent", 0), ("undeclared", 4)]


def test_a_weeks_rate_and_percent_come_from_the_counts() -> None:
    assert breakdown.WeekRate("w", 1, 3).rate == Decimal("0.3333")
    assert breakdown.WeekRate("w", 1, 3).percent == Decimal("33.3")
    assert breakdown.WeekRate("w", 1, 8).percent == Decimal("12.5")
    assert breakdown.WeekRate("w", 2, 3).percent == Decimal("66.7")
    empty = breakdown.WeekRate("w", 0, 0)
    assert (empty.rate, empty.percent) == (None, None)


def test_the_headline_counts_history_and_leaves_replayed_out_unless_asked() -> None:
    facts = [_fact(1, blocked=True), _fact(2), _fact(3, blocked=True, source="replay"),
             _fact(4, week="2026-W11")]
    weeks = [aggregate("2026-W10", None, facts[:3]), aggregate("2026-W11", None, facts[3:])]
    head = breakdown.headline(facts, weeks, include_replayed=False)
    assert (head.period, head.replayed_left_out) == (breakdown.WeekRate("total", 1, 3), 1)
    assert head.previous_week == breakdown.WeekRate("2026-W10", 1, 2)
    assert head.last_week == breakdown.WeekRate("2026-W11", 0, 1)
    assert head.change_points == Decimal("-50.0")
    both = breakdown.headline(facts, weeks, include_replayed=True)
    assert (both.period, both.replayed_left_out) == (breakdown.WeekRate("total", 2, 4), 0)
    assert both.change_points == Decimal("-66.7")


def test_no_change_without_two_weeks_with_pull_requests() -> None:
    one = breakdown.headline([_fact(1)], [aggregate("2026-W10", None, [_fact(1)])],
                             include_replayed=False)
    assert (one.last_week, one.previous_week, one.change_points) == (
        breakdown.WeekRate("2026-W10", 0, 1), None, None)
    empty_week = breakdown.headline([_fact(1)], [aggregate("2026-W09", None, []),
                                                 aggregate("2026-W10", None, [_fact(1)])],
                                    include_replayed=False)
    assert empty_week.previous_week == breakdown.WeekRate("2026-W09", 0, 0)
    assert empty_week.change_points is None
    assert breakdown.headline([], [], include_replayed=False).last_week is None


def test_a_third_of_a_point_rounds_half_up_from_the_exact_fraction() -> None:
    # 1/3 - 1/6 = 1/6 = 16.666...%: 16.7, not a rounding of rounded rates
    facts = [_fact(1, week="2026-W10", blocked=True), *(_fact(n, week="2026-W10")
                                                       for n in range(2, 7)),
             _fact(7, week="2026-W11", blocked=True), _fact(8, week="2026-W11"),
             _fact(9, week="2026-W11")]
    weeks = [aggregate("2026-W10", None, facts[:6]), aggregate("2026-W11", None, facts[6:])]
    assert breakdown.headline(facts, weeks, include_replayed=False).change_points == \
        Decimal("16.7")
