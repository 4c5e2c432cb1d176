"""The SQLite cache: walks page by page, watermarks and floors, pending records, extras,
and a schema of another version dropped."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.errors import GatekeeperError
from gatekeeper.history.cache import SCHEMA_VERSION, Cache, SyncState, Walk, connects
from gatekeeper.history.records import PullRecord
from tests.support.records import record

REPO = "acme/app"


def _at(day: int) -> str:
    return f"2026-03-{day:02d}T10:00:00Z"


def _pull(number: int, day: int, **changes: Any) -> PullRecord:
    return record(number, _at(day), **changes)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    opened = Cache(tmp_path / "deep" / "cache.sqlite")
    yield opened
    opened.close()


def test_connects_only_when_the_walk_reached_the_old_watermark() -> None:
    walk = Walk(2, _at(5), None, False, None, None, 0, None)
    assert connects(SyncState(_at(5), None, False, None), walk)
    assert connects(SyncState(_at(9), None, False, None), walk)
    assert not connects(SyncState(_at(4), None, False, None), walk)
    assert not connects(None, walk)
    assert not connects(SyncState(None, None, False, None), walk)
    assert not connects(SyncState(_at(5), None, False, None),
                        Walk(2, None, None, True, None, None, 0, None))


def test_a_walk_stores_page_by_page_and_resumes_from_its_cursor(cache: Cache) -> None:
    assert cache.sync_state(REPO, "main") is None and cache.walk(REPO, "main") is None
    walk = cache.begin_walk(REPO, "main", stop_at=None, floor_after=None, complete_after=True)
    assert walk == Walk(1, None, None, True, None, None, 0, None)
    walk = cache.store_page(REPO, "main", walk, [_pull(2, 4), _pull(1, 3)], cursor="c1",
                            total=3, done=False)
    assert cache.walk(REPO, "main") == Walk(1, None, None, True, "c1", _at(4), 2, 3)
    assert cache.sync_state(REPO, "main") is None  # the walk is not over
    assert cache.count(REPO, "main") == 2
    done = cache.store_page(REPO, "main", walk, [_pull(3, 1)], cursor=None, total=None,
                            done=True)
    assert done.fetched == 3 and done.total == 3
    assert cache.walk(REPO, "main") is None
    assert cache.sync_state(REPO, "main") == SyncState(_at(4), None, True, 3)
    assert [r.number for r in cache.pulls(REPO, ["main"])] == [1, 2, 3]
    assert cache.newest_update(REPO, ["main", "main"]) == _at(4)
    assert cache.newest_update(REPO, ["dev"]) is None


def test_a_rerun_that_reaches_the_watermark_keeps_what_was_complete(cache: Cache) -> None:
    first = cache.begin_walk(REPO, "main", stop_at=None, floor_after=None, complete_after=True)
    cache.store_page(REPO, "main", first, [_pull(1, 3)], cursor=None, total=1, done=True)
    rerun = cache.begin_walk(REPO, "main", stop_at=_at(3), floor_after=_at(3),
                             complete_after=False)
    assert rerun.walk == 2
    cache.store_page(REPO, "main", rerun, [_pull(2, 6)], cursor=None, total=2, done=True)
    assert cache.sync_state(REPO, "main") == SyncState(_at(6), None, True, 2)
    assert cache.count(REPO, "main") == 2


def test_a_rerun_that_stops_short_keeps_only_its_own_floor(cache: Cache) -> None:
    first = cache.begin_walk(REPO, "main", stop_at=None, floor_after=_at(2),
                             complete_after=False)
    cache.store_page(REPO, "main", first, [_pull(1, 3)], cursor=None, total=None, done=True)
    assert cache.sync_state(REPO, "main") == SyncState(_at(3), _at(2), False, None)
    # Reaching the watermark: the floors join, the lower one holds.
    joined = cache.begin_walk(REPO, "main", stop_at=_at(3), floor_after=_at(3),
                              complete_after=False)
    cache.store_page(REPO, "main", joined, [_pull(2, 5)], cursor=None, total=None, done=True)
    assert cache.sync_state(REPO, "main") == SyncState(_at(5), _at(2), False, None)
    # A walk that stopped above the watermark leaves a gap: only its own floor is true.
    gap = cache.begin_walk(REPO, "main", stop_at=_at(8), floor_after=_at(8),
                           complete_after=False)
    cache.store_page(REPO, "main", gap, [_pull(3, 9)], cursor=None, total=None, done=True)
    assert cache.sync_state(REPO, "main") == SyncState(_at(9), _at(8), False, None)


def test_a_complete_walk_forgets_pull_requests_that_left_the_base(cache: Cache) -> None:
    first = cache.begin_walk(REPO, "main", stop_at=None, floor_after=None, complete_after=True)
    cache.store_page(REPO, "main", first, [_pull(1, 3), _pull(2, 3)], cursor=None, total=2,
                     done=True)
    again = cache.begin_walk(REPO, "main", stop_at=None, floor_after=None, complete_after=True)
    cache.store_page(REPO, "main", again, [_pull(2, 4)], cursor=None, total=1, done=True)
    assert [r.number for r in cache.pulls(REPO, ["main"])] == [2]


def test_pending_records_are_listed_and_replaced(cache: Cache) -> None:
    waiting = _pull(1, 3, more=(("reviews", "cur"),))
    files_only = _pull(2, 3, more=(("files", "cur"),))
    walk = cache.begin_walk(REPO, "main", stop_at=None, floor_after=None, complete_after=True)
    cache.store_page(REPO, "main", walk, [waiting, files_only], cursor=None, total=2,
                     done=True)
    assert [r.number for r in cache.pending(REPO, "main")] == [1]
    cache.replace_pulls(REPO, [_pull(1, 3, title="read to the end")])
    assert cache.pending(REPO, "main") == []
    assert next(cache.pulls(REPO, ["main"])).title == "read to the end"
    # A record whose pull request changed since is not overwritten.
    cache.replace_pulls(REPO, [_pull(2, 9, title="newer")])
    assert [r.title for r in cache.pulls(REPO, ["main"])][1] == "t"


def test_extras_hold_while_the_pull_request_is_unchanged(cache: Cache) -> None:
    cache.put_extras(REPO, "edits", [("PR_1", _at(3), [{"diff": "é"}])])
    assert cache.extra(REPO, "PR_1", "edits", _at(3)) == [{"diff": "é"}]
    assert cache.extra(REPO, "PR_1", "edits", _at(4)) is None
    assert cache.extra(REPO, "PR_1", "other", _at(3)) is None


def test_records_survive_a_reopen_and_another_schema_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    with Cache(path) as cache:
        walk = cache.begin_walk(REPO, "main", stop_at=None, floor_after=None,
                                complete_after=True)
        cache.store_page(REPO, "main", walk, [_pull(1, 3)], cursor=None, total=1, done=True)
    with Cache(path) as cache:
        assert cache.count(REPO, "main") == 1
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value='old' WHERE key='schema'")
    db.close()
    with Cache(path) as cache:
        assert cache.count(REPO, "main") == 0 and cache.sync_state(REPO, "main") is None
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta").fetchone() == (SCHEMA_VERSION,)
    db.close()


def test_a_cache_that_cannot_be_opened_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(GatekeeperError, match="cannot open the metrics cache"):
        Cache(blocker / "cache.sqlite")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GatekeeperError, match="cannot open the metrics cache"):
        Cache(garbage)
