"""Reads that follow a walk, batched: the next pages of pull requests' connections (label
events, reviews, files) and body edit histories, for the pull requests of one repository
or of several at once. Node IDs are global, so an organisation's export joins every
repository's follow-ups into the same few requests instead of a few per repository.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from gatekeeper.errors import GatekeeperError
from gatekeeper.history import queries
from gatekeeper.history.cache import Cache
from gatekeeper.history.records import (
    CONNECTIONS,
    PullRecord,
    next_cursor,
    nodes_of,
    normalize_time,
    parse_files,
    parse_reviews,
    parse_timeline,
)

# (what, query, variables) -> data: History._query, with its retries and its count.
Query = Callable[[str, str, dict[str, Any]], dict[str, Any]]
FOLLOW_BATCH = 30
EDITS_BATCH = 100


def follow(query: Query, records: Sequence[PullRecord], kinds: set[str]) -> list[PullRecord]:
    """Follow ``kinds`` of connections to their ends, up to ``FOLLOW_BATCH`` (pull
    request, connection) pairs per request, whichever repositories they belong to."""
    cursors = {r.id: {kind: cursor for kind, cursor in r.more if kind in kinds}
               for r in records}
    found: dict[str, dict[str, list[Any]]] = {r.id: {} for r in records}
    numbers = {r.id: r.number for r in records}
    while True:
        work = [(rid, kind, cursor) for rid, open_ in cursors.items()
                for kind, cursor in sorted(open_.items())][:FOLLOW_BATCH]
        if not work:
            break
        variables: dict[str, Any] = {}
        for i, (rid, _, cursor) in enumerate(work):
            variables[f"id{i}"], variables[f"a{i}"] = rid, cursor
        data = query(f"reading more of {len(work)} pull requests",
                     queries.follow_up([kind for _, kind, _ in work]), variables)
        for i, (rid, kind, _previous) in enumerate(work):
            node = data.get(f"p{i}")
            if not isinstance(node, dict):
                raise GatekeeperError(f"pull request #{numbers[rid]} vanished while "
                                      f"reading it; run again")
            connection = node.get(CONNECTIONS[kind])
            found[rid].setdefault(kind, []).extend(nodes_of(connection))
            following = next_cursor(connection)
            if following is None:
                del cursors[rid][kind]
            else:
                cursors[rid][kind] = following
    return [_extended(r, found[r.id], kinds) for r in records]


def unfinished_files(records: Sequence[PullRecord]) -> list[PullRecord]:
    """The records whose file list stopped short of a page's end."""
    return [r for r in records if any(kind == "files" for kind, _ in r.more)]


def body_edits(query: Query, cache: Cache, groups: Sequence[tuple[str, Sequence[PullRecord]]]
               ) -> dict[str, list[tuple[str, str]]]:
    """Each pull request's body edit history, [(editedAt, text)] oldest first, by node ID:
    ``groups`` are (cache key, records) of one repository each; what the cache holds for
    the record's current update is not asked again."""
    found: dict[str, list[tuple[str, str]]] = {}
    missing: list[tuple[str, PullRecord]] = []
    for key, records in groups:
        for record in records:
            cached = cache.extra(key, record.id, "body_edits", record.updated_at)
            if cached is None:
                missing.append((key, record))
            else:
                found[record.id] = [(str(a), str(b)) for a, b in cached]
    for start in range(0, len(missing), EDITS_BATCH):
        chunk = missing[start:start + EDITS_BATCH]
        data = query("reading body edit histories", queries.BODY_EDITS,
                     {"ids": [r.id for _, r in chunk]})
        by_id = {str(n.get("id")): n for n in data.get("nodes") or [] if isinstance(n, dict)}
        rows: dict[str, list[tuple[str, str, list[tuple[str, str]]]]] = {}
        for key, record in chunk:
            node = by_id.get(record.id) or {}
            edits = sorted(
                (normalize_time(e["editedAt"]), str(e.get("diff") or ""))
                for e in nodes_of(node.get("userContentEdits"))
                if isinstance(e, dict) and e.get("editedAt") and not e.get("deletedAt")
            )
            found[record.id] = edits
            rows.setdefault(key, []).append((record.id, record.updated_at, edits))
        for key, entries in rows.items():
            cache.put_extras(key, "body_edits", entries)
    return found


def _extended(record: PullRecord, pages: dict[str, list[Any]], kinds: set[str]) -> PullRecord:
    files = (*record.files, *parse_files(pages.get("files", [])))
    return replace(
        record,
        events=(*record.events, *parse_timeline(pages.get("timeline", []))),
        reviews=(*record.reviews, *parse_reviews(pages.get("reviews", []))),
        files=files,
        files_complete=len(files) >= record.changed_files if "files" in kinds
        else record.files_complete,
        more=tuple((kind, cursor) for kind, cursor in record.more if kind not in kinds),
    )
