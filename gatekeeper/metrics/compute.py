"""Each pull request's facts and the weekly rows, from cached pull request records.
Pure: no I/O. The period's whole export is assembled in metrics/weekly.py.

Definitions (docs/metrics.md explains them with a worked example that a test checks):

* population: pull requests into the chosen base branches, counted in the ISO week (UTC)
  of their creation; a pull request still in draft is left out, and one opened as a
  draft counts from the moment it was marked ready for review (what happened to it
  while it was a draft is ignored). Bots are counted like people.
* source: the action's labels (``gatekeeper:red``, ``gatekeeper:blocked``) and their
  timeline when the pull request has any, or was created after the rollout (the first
  Gatekeeper label event in the repository, or ``--rollout``); otherwise its decision is
  replayed from its body and files with the repository's policy (``replayed``).
* blocked for an incomplete contract: ``gatekeeper:blocked`` on the pull request at some
  moment after it was ready for review; replayed: the decision blocks with a GK1xx to
  GK3xx reason.
* RED: ``gatekeeper:red`` on it at some moment after it was ready; replayed: the
  computed class is RED.
* escalation trigger: the first moment it was both ready and labelled RED; replayed: the
  moment it was ready (its creation unless opened as a draft).
* review time: from the trigger to the first review by a person (not a bot) that
  approves, requests changes or was dismissed (it approved or requested changes), at or
  after the trigger. RED pull requests without one are ``red_pending_review`` while open
  and ``red_closed_unreviewed`` once closed or merged; none is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.provenance import compute_origin
from gatekeeper.core.policy.provenance_rules import ProvenanceRules
from gatekeeper.history.records import PullRecord, parse_time
from gatekeeper.metrics.timeline import (
    first_human_review,
    first_on_or_after,
    iso_week,
    label_intervals,
    on_at,
    ready_time,
    week_monday,
)
from gatekeeper.replay.compare import ReplayOutcome

Source = Literal["history", "replay"]
RedStatus = Literal["reviewed", "pending", "closed_unreviewed"]


Replay = Callable[[PullRecord], ReplayOutcome]
# The change origin a pull request's contract declares (history-sourced pull requests).
Origin = Callable[[PullRecord], str | None]

ORIGINS: tuple[str, ...] = ("human", "ai-assisted", "agent")
UNDECLARED = "undeclared"


@dataclass(frozen=True)
class PullFacts:
    number: int
    url: str
    title: str
    author: str | None
    author_is_bot: bool
    state: str
    created_at: datetime
    ready_at: datetime
    merged_at: datetime | None
    week: str
    source: Source
    red: bool
    blocked: bool
    trigger_at: datetime | None
    review_at: datetime | None
    reviewer: str | None
    review_state: str | None
    red_status: RedStatus | None
    blocked_at: datetime | None
    unblocked_at: datetime | None
    saved: bool  # RED, blocked, then fixed before it merged (history only)
    replay_codes: tuple[str, ...] = ()
    origin: str | None = None
    computed_origin: str | None = None

    @property
    def review_seconds(self) -> int | None:
        if self.review_at is None or self.trigger_at is None:
            return None
        return int((self.review_at - self.trigger_at).total_seconds())


@dataclass(frozen=True)
class WeekRow:
    week: str  # 2026-W03, or "total"
    week_start: date | None
    prs_total: int
    prs_blocked_incomplete_contract: int
    incomplete_contract_block_rate: Decimal | None
    red_escalation_count: int
    red_reviewed: int
    red_pending_review: int
    red_closed_unreviewed: int
    median_red_review_time_hours: Decimal | None
    p90_red_review_time_hours: Decimal | None
    replayed: int
    bot_prs: int


WEEK_FIELDS: tuple[str, ...] = (
    "week", "week_start", "prs_total", "prs_blocked_incomplete_contract",
    "incomplete_contract_block_rate", "red_escalation_count", "red_reviewed",
    "red_pending_review", "red_closed_unreviewed", "median_red_review_time_hours",
    "p90_red_review_time_hours", "replayed", "bot_prs",
)


# --- per pull request -----------------------------------------------------------------


def pull_facts(record: PullRecord, *, rollout: datetime | None, replay: Replay,
               origin: Origin | None = None, computed: Origin | None = None,
               ) -> PullFacts | None:
    """What one pull request contributes, or None when it is (still) a draft."""
    ready = ready_time(record)
    if ready is None:
        return None
    created = parse_time(record.created_at)
    merged = parse_time(record.merged_at) if record.merged_at else None
    history = record.has_gatekeeper_history or (rollout is not None and created >= rollout)
    blocked_at = unblocked_at = None
    saved = False
    codes: tuple[str, ...] = ()
    declared: str | None = None
    computed_origin: str | None = None
    if history:
        source: Source = "history"
        red_on, blocked_on = label_intervals(record, "red"), label_intervals(record, "blocked")
        trigger = first_on_or_after(red_on, ready)
        blocked_at = first_on_or_after(blocked_on, ready)
        red, blocked = trigger is not None, blocked_at is not None
        if red and blocked and merged is not None and blocked_at is not None \
                and blocked_at < merged and not on_at(blocked_on, merged):
            ends = [end for _, end in blocked_on if end is not None and end <= merged]
            unblocked_at = max(ends, default=None)
            saved = unblocked_at is not None
        declared = origin(record) if origin is not None else None
    else:
        source = "replay"
        outcome = replay(record)
        red, blocked, codes = outcome.red, outcome.blocked, outcome.codes
        declared, computed_origin = outcome.origin, outcome.computed_origin
        trigger = ready if red else None

    if computed is not None:
        # From the evidence the history holds (commits, author, branch), for every pull
        # request, not only the replayed ones.
        computed_origin = computed(record)
    review = first_human_review(record, trigger) if trigger is not None else None
    status: RedStatus | None = None
    if red:
        status = "reviewed" if review else ("pending" if record.state == "OPEN"
                                            else "closed_unreviewed")
    return PullFacts(
        number=record.number, url=record.url, title=record.title, author=record.author,
        author_is_bot=record.author_is_bot, state=record.state, created_at=created,
        ready_at=ready, merged_at=merged, week=iso_week(created), source=source, red=red,
        blocked=blocked, trigger_at=trigger,
        review_at=review[0] if review else None, reviewer=review[1] if review else None,
        review_state=review[2] if review else None, red_status=status,
        blocked_at=blocked_at, unblocked_at=unblocked_at, saved=saved, replay_codes=codes,
        origin=declared if declared in ORIGINS else None,
        computed_origin=computed_origin if computed_origin in ORIGINS else None,
    )


# --- aggregation ----------------------------------------------------------------------


def half_up(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def median_hours(seconds: Sequence[int]) -> Decimal | None:
    """The median in hours, to two decimals, rounded half up (exact: no float)."""
    if not seconds:
        return None
    ordered = sorted(seconds)
    middle = len(ordered) // 2
    twice = (ordered[middle - 1] + ordered[middle]) if len(ordered) % 2 == 0 \
        else 2 * ordered[middle]
    return half_up(Decimal(twice) / Decimal(7200), "0.01")


def p90_hours(seconds: Sequence[int]) -> Decimal | None:
    """The 90th percentile in hours, nearest rank (the smallest value with at least 90 %
    of the values at or below it: exact, one of the values), two decimals half up."""
    if not seconds:
        return None
    ordered = sorted(seconds)
    rank = -(-9 * len(ordered) // 10)  # ceil(0.9 n), in integers
    return half_up(Decimal(ordered[rank - 1]) / Decimal(3600), "0.01")


def block_rate(blocked: int, total: int) -> Decimal | None:
    return half_up(Decimal(blocked) / Decimal(total), "0.0001") if total else None


def aggregate(week: str, start: date | None, facts: Sequence[PullFacts]) -> WeekRow:
    red = [f for f in facts if f.red]
    times = [s for f in red if (s := f.review_seconds) is not None]
    blocked = sum(f.blocked for f in facts)
    return WeekRow(
        week=week, week_start=start, prs_total=len(facts),
        prs_blocked_incomplete_contract=blocked,
        incomplete_contract_block_rate=block_rate(blocked, len(facts)),
        red_escalation_count=len(red),
        red_reviewed=sum(f.red_status == "reviewed" for f in red),
        red_pending_review=sum(f.red_status == "pending" for f in red),
        red_closed_unreviewed=sum(f.red_status == "closed_unreviewed" for f in red),
        median_red_review_time_hours=median_hours(times),
        p90_red_review_time_hours=p90_hours(times),
        replayed=sum(f.source == "replay" for f in facts),
        bot_prs=sum(f.author_is_bot for f in facts),
    )


def weekly(facts: Sequence[PullFacts], since: date | None, until: date | None
           ) -> list[WeekRow]:
    """One row per ISO week from ``since``'s to ``until``'s (else the first and last week
    with a pull request), empty weeks included."""
    if not facts and (since is None or until is None):
        return []
    first = week_monday(since) if since else min(week_monday(f.created_at) for f in facts)
    last = week_monday(until) if until else max(week_monday(f.created_at) for f in facts)
    by_week: dict[str, list[PullFacts]] = {}
    for fact in facts:
        by_week.setdefault(fact.week, []).append(fact)
    rows = []
    monday = first
    while monday <= last:
        label = iso_week(monday)
        rows.append(aggregate(label, monday, by_week.get(label, [])))
        monday += timedelta(days=7)
    return rows


def computed_origin(record: PullRecord, rules: ProvenanceRules) -> str:
    """The change origin the history's evidence shows: its author, branch and commits."""
    evidence = Evidence(author=record.author, author_is_bot=record.author_is_bot,
                        head_ref=record.head_ref or None, commits=record.commits)
    return compute_origin(evidence, rules).origin.value
