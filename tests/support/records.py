"""Pull request records built field by field, for the metrics, replay and the history."""

from __future__ import annotations

from typing import Any

from gatekeeper.history.records import ChangedFile, PullRecord, ReviewEvent, TimelineEvent
from gatekeeper.replay.compare import ReplayOutcome

NOT_REPLAYED = ReplayOutcome(red=False, blocked=False, codes=())


def record(number: int = 1, created: str = "2026-03-02T10:00:00Z", *,
           events: tuple[tuple[str, str], ...] = (), reviews: tuple[ReviewEvent, ...] = (),
           state: str = "OPEN", merged: str | None = None, draft: bool = False,
           **changes: Any) -> PullRecord:
    """A record opened by @a on main, with nothing changed; ``changes`` sets any field."""
    values: dict[str, Any] = dict(
        id=f"PR_{number}", number=number, url=f"https://x/pull/{number}", title="t", body="",
        state=state, is_draft=draft, created_at=created, updated_at=created,
        merged_at=merged, closed_at=merged, base="main", author="a", author_is_bot=False,
        changed_files=0, files=(), files_complete=True,
        events=tuple(TimelineEvent(kind, at) for kind, at in events), reviews=reviews,
    )
    values.update(changes)
    return PullRecord(**values)


def files(*paths: str) -> tuple[ChangedFile, ...]:
    return tuple(ChangedFile(path, "MODIFIED") for path in paths)
