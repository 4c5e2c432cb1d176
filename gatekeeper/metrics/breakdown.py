"""The export's summaries over the per-pull-request facts: the headline block rate (with
its week-over-week change) and the split by change origin. Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from gatekeeper.metrics.compute import (
    ORIGINS,
    UNDECLARED,
    PullFacts,
    WeekRow,
    aggregate,
    block_rate,
    half_up,
)

# How the rows are split by change origin: a name and each pull request's group, by the
# origin the body declares and by the one the evidence shows.
SPLITS: dict[str, Callable[[PullFacts], str]] = {
    "declared": lambda f: f.origin or UNDECLARED,
    "computed": lambda f: f.computed_origin or UNDECLARED,
}


def split(facts: Sequence[PullFacts], group: Callable[[PullFacts], str]) -> tuple[WeekRow, ...]:
    """The period's totals per group (the row's ``week`` names the group), every origin
    listed, then the pull requests that declare none."""
    by_group: dict[str, list[PullFacts]] = {}
    for fact in facts:
        by_group.setdefault(group(fact), []).append(fact)
    names = [*ORIGINS, UNDECLARED, *sorted(set(by_group) - {*ORIGINS, UNDECLARED})]
    return tuple(aggregate(name, None, by_group.get(name, [])) for name in names)


@dataclass(frozen=True)
class WeekRate:
    week: str
    blocked: int
    total: int

    @property
    def rate(self) -> Decimal | None:
        return block_rate(self.blocked, self.total)

    @property
    def percent(self) -> Decimal | None:
        """In percent, one decimal, from the counts (not from the rounded rate)."""
        return half_up(Decimal(self.blocked * 100) / self.total, "0.1") if self.total \
            else None


@dataclass(frozen=True)
class Headline:
    """The headline block rate: decisions the action made (replayed ones only when asked),
    over the period and for the last two weeks of it."""

    period: WeekRate
    includes_replayed: bool
    replayed_left_out: int
    last_week: WeekRate | None
    previous_week: WeekRate | None

    @property
    def change_points(self) -> Decimal | None:
        """Week over week, in percentage points to one decimal, from the counts."""
        if self.last_week is None or self.previous_week is None \
                or not self.last_week.total or not self.previous_week.total:
            return None
        now = Fraction(self.last_week.blocked, self.last_week.total)
        before = Fraction(self.previous_week.blocked, self.previous_week.total)
        change = (now - before) * 100
        return half_up(Decimal(change.numerator) / Decimal(change.denominator), "0.1")


def headline(facts: Sequence[PullFacts], weeks: Sequence[WeekRow], *,
             include_replayed: bool) -> Headline:
    counted = [f for f in facts if include_replayed or f.source == "history"]

    def rate(week: str, chosen: Sequence[PullFacts]) -> WeekRate:
        return WeekRate(week, sum(f.blocked for f in chosen), len(chosen))

    def week_rate(row: WeekRow) -> WeekRate:
        return rate(row.week, [f for f in counted if f.week == row.week])

    return Headline(
        period=rate("total", counted), includes_replayed=include_replayed,
        replayed_left_out=len(facts) - len(counted),
        last_week=week_rate(weeks[-1]) if weeks else None,
        previous_week=week_rate(weeks[-2]) if len(weeks) > 1 else None,
    )
