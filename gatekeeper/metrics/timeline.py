"""When things happened to a pull request, from its cached record: the ISO week it
counts in, when each Gatekeeper label was on it, when it became ready for review, its
first decisive human review, and its body at a given moment. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

from gatekeeper.history.records import DECISIVE_REVIEW_STATES, PullRecord, parse_time

# --- time and weeks -------------------------------------------------------------------


def iso_week(moment: datetime | date) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(moment: datetime | date) -> date:
    day = moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def window_bounds(since: date | None, until: date | None) -> tuple[datetime | None,
                                                                   datetime | None]:
    """Whole ISO weeks: from the Monday of ``since``'s week to the end of ``until``'s."""
    start = datetime.combine(week_monday(since), datetime.min.time(), UTC) if since else None
    end = (datetime.combine(week_monday(until) + timedelta(days=7), datetime.min.time(), UTC)
           if until else None)
    return start, end


# --- label intervals ------------------------------------------------------------------

Interval = tuple[datetime, datetime | None]


def label_intervals(record: PullRecord, label: str) -> list[Interval]:
    """When ``label`` (``red`` or ``blocked``) was on the pull request: [start, end)."""
    intervals: list[Interval] = []
    since: datetime | None = None
    for event in record.events:
        if event.kind == f"{label}+" and since is None:
            since = parse_time(event.at)
        elif event.kind == f"{label}-" and since is not None:
            intervals.append((since, parse_time(event.at)))
            since = None
    if since is not None:
        intervals.append((since, None))
    return intervals


def first_on_or_after(intervals: Sequence[Interval], moment: datetime) -> datetime | None:
    """The first instant at or after ``moment`` at which the label was on."""
    found = [max(start, moment) for start, end in intervals if end is None or end > moment]
    return min(found, default=None)


def on_at(intervals: Sequence[Interval], moment: datetime) -> bool:
    return any(start <= moment and (end is None or end > moment) for start, end in intervals)


def ready_time(record: PullRecord) -> datetime | None:
    """When the pull request became ready for review; None while it is a draft."""
    if record.is_draft:
        return None
    created = parse_time(record.created_at)
    for event in record.events:
        if event.kind == "ready":
            return parse_time(event.at)  # opened as a draft
        if event.kind == "draft":
            break  # opened ready, converted later: it was ready from the start
    return created


def rollout_time(records: Iterable[PullRecord]) -> datetime | None:
    """The first Gatekeeper label event seen in the repository."""
    times = [parse_time(e.at) for r in records for e in r.events
             if e.kind.startswith(("red", "blocked"))]
    return min(times, default=None)


# --- reviews and bodies ---------------------------------------------------------------


def first_human_review(record: PullRecord, after: datetime
                       ) -> tuple[datetime, str | None, str] | None:
    candidates = sorted(
        (parse_time(r.submitted_at), r.author, r.state) for r in record.reviews
        if r.state in DECISIVE_REVIEW_STATES and not r.author_is_bot
        and parse_time(r.submitted_at) >= after
    )
    return candidates[0] if candidates else None


def body_at(edits: Sequence[tuple[str, str]], moment: datetime, current: str) -> str | None:
    """The body as it stood at ``moment``, from its edit history ((editedAt, text), oldest
    first); the current body when it was never edited; None when unknown."""
    if not edits:
        return current
    before = [text for at, text in edits if parse_time(at) <= moment]
    return before[-1] if before else None
