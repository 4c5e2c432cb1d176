"""The embedded SQLite cache: pull request records, sync watermarks and walks in progress.

One row per pull request (keyed by GitHub's node id, so nothing is stored twice). A walk
over a base branch commits page by page, together with its cursor, so an interrupted run
resumes where it stopped. The cache is disposable: a different schema version is dropped
and rebuilt.

Sync state per (repository, base):

``watermark``  the newest ``updatedAt`` seen; a rerun walks (newest first) down to it
``floor``      every pull request updated at or after it is cached; NULL with
               ``complete`` = 1 means the whole history of the base is
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gatekeeper.errors import GatekeeperError
from gatekeeper.history.records import PullRecord

SCHEMA_VERSION = "2"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pulls (
  repo TEXT NOT NULL, id TEXT NOT NULL, number INTEGER NOT NULL, base TEXT NOT NULL,
  updated_at TEXT NOT NULL, walk INTEGER NOT NULL, pending INTEGER NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (repo, id)
);
CREATE INDEX IF NOT EXISTS pulls_by_base ON pulls (repo, base);
CREATE INDEX IF NOT EXISTS pulls_pending ON pulls (repo, pending);
CREATE TABLE IF NOT EXISTS sync_state (
  repo TEXT NOT NULL, base TEXT NOT NULL, watermark TEXT, floor TEXT,
  complete INTEGER NOT NULL, total INTEGER,
  PRIMARY KEY (repo, base)
);
CREATE TABLE IF NOT EXISTS walks (
  repo TEXT NOT NULL, base TEXT NOT NULL, walk INTEGER NOT NULL, stop_at TEXT,
  floor_after TEXT, complete_after INTEGER NOT NULL, cursor TEXT, top TEXT,
  fetched INTEGER NOT NULL, total INTEGER,
  PRIMARY KEY (repo, base)
);
CREATE TABLE IF NOT EXISTS extras (
  repo TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, updated_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (repo, id, kind)
);
"""


def _dump(record: PullRecord) -> str:
    return json.dumps(record.to_json(), separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class SyncState:
    watermark: str | None
    floor: str | None
    complete: bool
    total: int | None


@dataclass(frozen=True)
class Walk:
    """A walk over a base branch, newest update first, stopping below ``stop_at``."""

    walk: int
    stop_at: str | None
    floor_after: str | None
    complete_after: bool
    cursor: str | None
    top: str | None
    fetched: int
    total: int | None


def connects(old: SyncState | None, walk: Walk) -> bool:
    """Whether ``walk`` went down to the old watermark, so that its pages and the pull
    requests cached before form one unbroken stretch of history."""
    return (old is not None and old.watermark is not None and walk.stop_at is not None
            and walk.stop_at <= old.watermark)


class Cache:
    def __init__(self, path: Path):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._prepare()
        except (OSError, sqlite3.Error) as exc:
            raise GatekeeperError(f"cannot open the metrics cache: {exc}", file=str(path)) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _prepare(self) -> None:
        self._db.executescript(_TABLES)
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is not None and row[0] == SCHEMA_VERSION:
            return
        with self._transaction():
            for table in ("pulls", "sync_state", "walks", "extras"):
                self._db.execute(f"DELETE FROM {table}")
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- sync state and walks ---------------------------------------------------------

    def sync_state(self, repo: str, base: str) -> SyncState | None:
        row = self._db.execute(
            "SELECT watermark, floor, complete, total FROM sync_state WHERE repo=? AND base=?",
            (repo, base)).fetchone()
        return None if row is None else SyncState(row[0], row[1], bool(row[2]), row[3])

    def walk(self, repo: str, base: str) -> Walk | None:
        row = self._db.execute(
            "SELECT walk, stop_at, floor_after, complete_after, cursor, top, fetched, total "
            "FROM walks WHERE repo=? AND base=?", (repo, base)).fetchone()
        if row is None:
            return None
        return Walk(row[0], row[1], row[2], bool(row[3]), row[4], row[5], row[6], row[7])

    def begin_walk(self, repo: str, base: str, *, stop_at: str | None, floor_after: str | None,
                   complete_after: bool) -> Walk:
        with self._transaction() as db:
            (last,) = db.execute("SELECT COALESCE(MAX(walk), 0) FROM pulls WHERE repo=?",
                                 (repo,)).fetchone()
            (other,) = db.execute("SELECT COALESCE(MAX(walk), 0) FROM walks WHERE repo=?",
                                  (repo,)).fetchone()
            walk = Walk(max(last, other) + 1, stop_at, floor_after, complete_after, None, None,
                        0, None)
            db.execute("INSERT OR REPLACE INTO walks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (repo, base, walk.walk, stop_at, floor_after, int(complete_after),
                        None, None, 0, None))
        return walk

    def store_page(self, repo: str, base: str, walk: Walk, records: Iterable[PullRecord], *,
                   cursor: str | None, total: int | None, done: bool) -> Walk:
        """Store one page and advance the walk, in one transaction. When ``done``, the walk
        ends: the watermark moves up, and a walk over the whole history forgets pull
        requests that no longer target this base."""
        rows = [(repo, r.id, r.number, r.base, r.updated_at, walk.walk, int(r.pending),
                 _dump(r)) for r in records]
        top = max([walk.top or "", *(r[4] for r in rows)]) or None
        advanced = Walk(walk.walk, walk.stop_at, walk.floor_after, walk.complete_after, cursor,
                        top, walk.fetched + len(rows), total if total is not None else walk.total)
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO pulls VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if not done:
                db.execute("UPDATE walks SET cursor=?, top=?, fetched=?, total=? "
                           "WHERE repo=? AND base=?",
                           (cursor, top, advanced.fetched, advanced.total, repo, base))
                return advanced
            old = self.sync_state(repo, base)
            watermark = max(filter(None, [old.watermark if old else None, top]), default=None)
            if walk.complete_after:
                db.execute("DELETE FROM pulls WHERE repo=? AND base=? AND walk<>?",
                           (repo, base, walk.walk))
            complete, floor = walk.complete_after, walk.floor_after
            if connects(old, walk):
                # The walk reached down to what the cache held: what was complete (or
                # reached back to its floor) still is, with everything newer added.
                assert old is not None
                complete = complete or old.complete
                floor = None if complete else min(filter(None, [old.floor, floor]),
                                                  default=None)
            db.execute("INSERT OR REPLACE INTO sync_state VALUES (?, ?, ?, ?, ?, ?)",
                       (repo, base, watermark, floor, int(complete), advanced.total))
            db.execute("DELETE FROM walks WHERE repo=? AND base=?", (repo, base))
        return advanced

    # --- pull requests ----------------------------------------------------------------

    def count(self, repo: str, base: str) -> int:
        (n,) = self._db.execute("SELECT COUNT(*) FROM pulls WHERE repo=? AND base=?",
                                (repo, base)).fetchone()
        return int(n)

    def pulls(self, repo: str, bases: Iterable[str]) -> Iterator[PullRecord]:
        """Every cached pull request into ``bases``, by number."""
        wanted = sorted(set(bases))
        marks = ",".join("?" * len(wanted))
        cursor = self._db.execute(
            f"SELECT record FROM pulls WHERE repo=? AND base IN ({marks}) ORDER BY number",
            (repo, *wanted))
        for (text,) in cursor:
            yield PullRecord.from_json(json.loads(text))

    def pending(self, repo: str, base: str) -> list[PullRecord]:
        """Pull requests whose label events or reviews are not read to the end yet."""
        rows = self._db.execute(
            "SELECT record FROM pulls WHERE repo=? AND pending=1 AND base=? ORDER BY number",
            (repo, base))
        return [PullRecord.from_json(json.loads(text)) for (text,) in rows]

    def replace_pulls(self, repo: str, records: Iterable[PullRecord]) -> None:
        """Store what was read later about cached pull requests (same updatedAt)."""
        rows = [(int(r.pending), _dump(r), repo, r.id, r.updated_at) for r in records]
        with self._transaction() as db:
            db.executemany("UPDATE pulls SET pending=?, record=? "
                           "WHERE repo=? AND id=? AND updated_at=?", rows)

    def newest_update(self, repo: str, bases: Iterable[str]) -> str | None:
        wanted = sorted(set(bases))
        marks = ",".join("?" * len(wanted))
        (newest,) = self._db.execute(
            f"SELECT MAX(updated_at) FROM pulls WHERE repo=? AND base IN ({marks})",
            (repo, *wanted)).fetchone()
        return str(newest) if newest is not None else None

    # --- extras: data fetched on demand, valid while the pull request is unchanged ------

    def extra(self, repo: str, pull_id: str, kind: str, updated_at: str) -> Any | None:
        row = self._db.execute(
            "SELECT data FROM extras WHERE repo=? AND id=? AND kind=? AND updated_at=?",
            (repo, pull_id, kind, updated_at)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_extras(self, repo: str, kind: str, items: Iterable[tuple[str, str, Any]]) -> None:
        """``items``: (pull request id, its updatedAt, JSON-able data)."""
        rows = [(repo, pull_id, kind, updated_at, json.dumps(data, ensure_ascii=False))
                for pull_id, updated_at, data in items]
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO extras VALUES (?, ?, ?, ?, ?)", rows)
