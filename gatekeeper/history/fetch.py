"""Fetch pull request history: batched GraphQL through the GitHub adapter, into the cache.

A *walk* lists a base branch's pull requests newest update first, a page at a time (each
page carries the body, the first files, Gatekeeper's label events and the decisive
reviews of up to ``page_size`` pull requests), and stops at the first one updated before
the walk's ``stop_at``. Every page is committed with its cursor, so a run that dies
resumes from the last page it stored; pull requests are keyed by node id, so none is
stored twice. After a resumed walk, a short incremental walk picks up what changed while
the run was down. A walk over the whole history also checks GitHub's ``totalCount``
against the cache and forgets pull requests that moved to another base.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable, GraphQL
from gatekeeper.history import batch, queries
from gatekeeper.history.cache import Cache, SyncState, Walk
from gatekeeper.history.records import (
    COMMITS_READ,
    PullRecord,
    format_time,
    normalize_time,
    parse_pull,
)

Progress = Callable[[str], None]
_MIN_PAGE = 10


class FetchFailed(GatekeeperError):
    """GitHub did not answer, after the retries. Exit 2; the cache keeps what was read."""

    def __init__(self, message: str, *, status: int | None, detail: str):
        super().__init__(message)
        self.status = status
        self.detail = detail

    @property
    def slow(self) -> bool:
        """GitHub gave up on the query's size (a timeout), not on the request itself."""
        text = self.detail.lower()
        return self.status in (502, 504) or "timeout" in text or "in time" in text


@dataclass(frozen=True)
class RetrySettings:
    """How the adapter retries: attempts per request and the base of the backoff."""

    attempts: int = 6
    backoff: float = 1.0
    secondary_wait: float = 60.0
    max_wait: float = 1800.0
    sleep: Callable[[float], None] | None = None


class Unknown:
    """Not known: ``History.sync`` walks as it always does."""


UNKNOWN = Unknown()


@dataclass(frozen=True)
class RepositoryInfo:
    name_with_owner: str
    url: str
    default_branch: str
    head_oid: str | None
    policy_text: str | None


def repository_info(repository: dict[str, Any], repo: str, policy_path: str
                    ) -> RepositoryInfo:
    """What ``queries.REPOSITORY`` asks of a repository (or an organisation's listing asks
    of each of its repositories, with the same fields), as a RepositoryInfo."""
    ref = repository.get("defaultBranchRef") or {}
    blob = repository.get("policy") or {}
    text = blob.get("text") if blob.get("__typename") == "Blob" else None
    if blob.get("isBinary") or blob.get("isTruncated"):
        raise GatekeeperError(f"{repo}:{policy_path} is binary or too large to read")
    return RepositoryInfo(
        name_with_owner=str(repository.get("nameWithOwner") or repo),
        url=str(repository.get("url") or ""),
        default_branch=str(ref.get("name") or ""),
        head_oid=(ref.get("target") or {}).get("oid"),
        policy_text=text if isinstance(text, str) else None,
    )


@dataclass
class FetchStats:
    queries: int = 0  # GraphQL queries answered or given up on; retries not counted
    pulls: int = 0


class History:
    """Reads one repository's pull requests into a cache."""

    def __init__(
        self,
        client: GraphQL,
        cache: Cache,
        repo: str,
        *,
        cache_key: str,
        graphql_url: str | None = None,
        page_size: int = 100,
        retry: RetrySettings | None = None,
        progress: Progress | None = None,
        notice: Progress | None = None,
    ):
        owner, _, name = repo.partition("/")
        if not owner or not name or "/" in name:
            raise GatekeeperError(f"--repo takes OWNER/REPO, not {repo!r}")
        self.client = client
        self.cache = cache
        self.repo = repo
        self.key = cache_key
        self.owner, self.name = owner, name
        self.graphql_url = graphql_url
        self.page_size = max(_MIN_PAGE, min(100, page_size))
        self.retry = retry or RetrySettings()
        self.progress = progress or (lambda _message: None)
        self.notice = notice or self.progress  # waits and retries: always worth a line
        self.stats = FetchStats()

    # --- requests -------------------------------------------------------------------

    def query(self, what: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        self.stats.queries += 1
        retry = self.retry
        kwargs: dict[str, Any] = {}
        if retry.sleep is not None:
            kwargs["sleep"] = retry.sleep
        try:
            return self.client.graphql(
                query, variables, what=what, url=self.graphql_url, attempts=retry.attempts,
                backoff=retry.backoff, secondary_wait=retry.secondary_wait,
                max_wait=retry.max_wait,
                on_wait=lambda why, seconds: self.notice(f"{why}; retrying in {seconds:.1f} s"),
                **kwargs,
            )
        except ForgeUnavailable as exc:
            if exc.hint:  # a refusal or an unreachable host: running again cannot help
                raise FetchFailed(str(exc), status=exc.status, detail=exc.detail) from None
            raise FetchFailed(f"GitHub did not answer: {exc}. What was fetched is kept in "
                              f"the cache; run again to resume", status=exc.status,
                              detail=exc.detail) from None

    def repository(self, policy_path: str) -> RepositoryInfo:
        data = self.query(f"reading repository {self.repo}", queries.REPOSITORY,
                           {"owner": self.owner, "name": self.name,
                            "policy": f"HEAD:{policy_path}"})
        repository = data.get("repository")
        if not isinstance(repository, dict):
            raise GatekeeperError(f"repository {self.repo} not found, or the token cannot "
                                  f"read it")
        return repository_info(repository, self.repo, policy_path)

    # --- walks ----------------------------------------------------------------------

    def sync(self, base: str, since: datetime | None, *,
             newest: str | Unknown | None = UNKNOWN, follow: bool = True) -> None:
        """Bring the cache up to date for ``base``: every pull request created at or after
        ``since`` (all of them when None) as GitHub shows it now. ``newest``: the newest
        ``updatedAt`` of any pull request of the repository (None: it has none), when an
        organisation's listing gave it: a cache that already covers it asks nothing.
        ``follow``: False leaves the pull requests a page stopped short of pending (for
        ``batch.follow`` over several repositories at once)."""
        pending = self.cache.walk(self.key, base)
        if pending is None and not isinstance(newest, Unknown):
            if self._unchanged(base, since, newest):
                return
            if newest is None:  # no pull request at all: nothing to walk
                needed = format_time(since) if since is not None else None
                walk = self.cache.begin_walk(self.key, base, stop_at=needed,
                                             floor_after=needed, complete_after=needed is None)
                self.cache.store_page(self.key, base, walk, [], cursor=None, total=0, done=True)
                return
        if pending is not None:
            self.notice(f"{base}: resuming an interrupted walk after "
                        f"{pending.fetched:,} pull requests")
            self._run(base, pending)
        needed = format_time(since) if since is not None else None
        self._run(base, self._plan(base, needed))
        if follow:
            self.complete_pending(base)
        state = self.cache.sync_state(self.key, base)
        if state is not None and state.complete and state.total is not None \
                and self.cache.count(self.key, base) != state.total:
            # Pages shifted under the walk, or pull requests changed base: walk it all.
            self.notice(f"{base}: cache holds {self.cache.count(self.key, base):,} pull "
                        f"requests, GitHub counts {state.total:,}; walking the whole history")
            self._run(base, self.cache.begin_walk(self.key, base, stop_at=None,
                                                  floor_after=None, complete_after=True))
            if follow:
                self.complete_pending(base)

    def _unchanged(self, base: str, since: datetime | None, newest: str | None) -> bool:
        """Whether the cache holds ``base`` as GitHub shows it now: it reaches back far
        enough, and no pull request was updated after its watermark."""
        state = self.cache.sync_state(self.key, base)
        if state is None or not (state.complete or (
                since is not None and state.floor is not None
                and state.floor <= format_time(since))):
            return False
        if newest is None:
            return True
        return state.watermark is not None and normalize_time(newest) <= state.watermark

    def _plan(self, base: str, needed: str | None) -> Walk:
        state: SyncState | None = self.cache.sync_state(self.key, base)
        if state is None or state.watermark is None:
            return self.cache.begin_walk(self.key, base, stop_at=needed, floor_after=needed,
                                         complete_after=needed is None)
        covers = state.complete or (needed is not None and state.floor is not None
                                    and state.floor <= needed)
        if covers:
            return self.cache.begin_walk(self.key, base, stop_at=state.watermark,
                                         floor_after=state.floor, complete_after=False)
        # The cache does not reach back far enough: walk deeper (this refreshes too).
        return self.cache.begin_walk(self.key, base, stop_at=needed, floor_after=needed,
                                     complete_after=needed is None)

    def _run(self, base: str, walk: Walk) -> None:
        page_size = self.page_size
        while True:
            try:
                data = self.query(
                    f"listing pull requests into {base}", queries.PULLS,
                    {"owner": self.owner, "name": self.name, "base": base, "first": page_size,
                     "after": walk.cursor, "files": 100, "events": 100, "reviews": 100,
                     # The last commits tell the change origin (trailers, agent authors).
                     "commits": COMMITS_READ})
            except FetchFailed as exc:
                if page_size <= _MIN_PAGE or not exc.slow:
                    raise
                # GitHub answers big pages slowly; after the retries, try smaller pages.
                page_size = max(_MIN_PAGE, page_size // 2)
                self.notice(f"{base}: GitHub timed out; retrying with pages of {page_size}")
                continue
            repository = data.get("repository")
            if not isinstance(repository, dict):
                raise GatekeeperError(f"repository {self.repo} not found, or the token "
                                      f"cannot read it")
            connection = repository["pullRequests"]
            records: list[PullRecord] = []
            stopped = False
            for node in connection.get("nodes") or []:
                if not isinstance(node, dict):
                    continue
                if walk.stop_at is not None and format_time_of(node) < walk.stop_at:
                    stopped = True
                    break
                records.append(parse_pull(node))
            page_info = connection.get("pageInfo") or {}
            done = stopped or not page_info.get("hasNextPage")
            walk = self.cache.store_page(self.key, base, walk, records,
                                         cursor=page_info.get("endCursor"),
                                         total=connection.get("totalCount"), done=done)
            self.stats.pulls += len(records)
            self.progress(f"{base}: {walk.fetched:,} pull requests "
                          f"({self.stats.queries:,} queries)")
            if done:
                return

    def complete_pending(self, base: str) -> None:
        """Read label events and reviews to the end where a page stopped short."""
        pending = self.cache.pending(self.key, base)
        if pending:
            self.cache.replace_pulls(self.key, self._follow(pending, {"timeline", "reviews"}))

    def complete_files(self, records: Sequence[PullRecord]) -> list[PullRecord]:
        """The records with their file lists read to the end (GitHub lists at most 3,000
        files; a longer list stays incomplete and replay says so)."""
        unfinished = [r for r in records if any(kind == "files" for kind, _ in r.more)]
        if not unfinished:
            return list(records)
        done = {r.id: r for r in self._follow(unfinished, {"files"})}
        self.cache.replace_pulls(self.key, done.values())
        return [done.get(r.id, r) for r in records]

    def _follow(self, records: Sequence[PullRecord], kinds: set[str]) -> list[PullRecord]:
        return batch.follow(self.query, records, kinds)

    def body_edits(self, records: Iterable[PullRecord]) -> dict[str, list[tuple[str, str]]]:
        """Each pull request's body edit history: [(editedAt, text)], oldest first."""
        return batch.body_edits(self.query, self.cache, [(self.key, list(records))])


def format_time_of(node: dict[str, Any]) -> str:
    return normalize_time(str(node["updatedAt"]))
