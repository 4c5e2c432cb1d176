"""Glue for ``gatekeeper metrics`` and ``gatekeeper replay``: options in, files out."""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from gatekeeper import __version__, resources
from gatekeeper.adapters.github import DEFAULT_API_URL, GitHubClient
from gatekeeper.adapters.policy_source import POLICY_PATH, default_policy, load_policy
from gatekeeper.core.model import PolicyOrigin
from gatekeeper.core.policy import Policy, parse_policy
from gatekeeper.errors import GatekeeperError
from gatekeeper.metrics import compute, export, replay, savelog
from gatekeeper.metrics.cache import Cache
from gatekeeper.metrics.history import History, RepositoryInfo, RetrySettings
from gatekeeper.metrics.model import PullRecord, parse_time
from gatekeeper.writes import write_text_atomically

DEFAULT_CACHE = ".gatekeeper/cache.sqlite"
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


class Progress:
    """One self-overwriting status line on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO, label: str):
        self.stream = stream
        self.label = label
        self.live = stream.isatty()
        self.shown = False

    def __call__(self, message: str) -> None:
        if self.live:
            self.stream.write(f"\r\x1b[2K{self.label}: {message}")
            self.stream.flush()
            self.shown = True

    def note(self, message: str) -> None:
        """A line that stays, on a terminal or not (waits, retries, resumes)."""
        self.done()
        self.stream.write(f"{self.label}: {message}\n")
        self.stream.flush()

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False


@dataclass(frozen=True)
class GitHubAccess:
    token: str | None
    api_url: str | None
    graphql_url: str | None
    cache_path: Path = Path(DEFAULT_CACHE)
    page_size: int = 100
    retry: RetrySettings = field(default_factory=RetrySettings)

    def cache_key(self, repo: str) -> str:
        host = urllib.parse.urlsplit(self.api_url or DEFAULT_API_URL)
        return f"{host.netloc}{host.path.rstrip('/')}/{repo}".casefold()


@dataclass(frozen=True)
class MetricsOptions:
    repo: str
    since: date | None
    until: date | None
    bases: tuple[str, ...]
    output_format: str
    output: Path | None
    policy_file: str | None = None
    rollout: datetime | None = None


@dataclass
class Session:
    """A client, the cache and the history reader for one repository."""

    history: History
    cache: Cache
    info: RepositoryInfo
    bases: tuple[str, ...]

    @classmethod
    def open(cls, access: GitHubAccess, repo: str, bases: Sequence[str],
             progress: Progress) -> Session:
        if not _REPO.fullmatch(repo):
            raise GatekeeperError(f"--repo takes OWNER/REPO, not {repo!r}")
        client = GitHubClient(access.token, access.api_url)
        cache = Cache(access.cache_path)
        try:
            history = History(client, cache, repo, cache_key=access.cache_key(repo),
                              graphql_url=access.graphql_url, page_size=access.page_size,
                              retry=access.retry, progress=progress, notice=progress.note)
            info = history.repository(POLICY_PATH)
        except BaseException:
            cache.close()
            raise
        chosen = tuple(dict.fromkeys(bases)) or (info.default_branch,)
        if not all(chosen):
            cache.close()
            raise GatekeeperError(f"{repo} has no default branch; name one with --base")
        return cls(history, cache, info, chosen)

    def sync(self, since: date | None) -> list[PullRecord]:
        start, _ = compute.window_bounds(since, None)
        for base in self.bases:
            self.history.sync(base, start)
        return list(self.cache.pulls(self.history.key, self.bases))

    def policy(self, explicit: str | None) -> tuple[Policy, str]:
        """The policy to replay with, and a digest of its text (for the replay cache)."""
        if explicit is not None:
            policy = load_policy(explicit, cwd=Path.cwd())
            return policy, policy.origin.sha or explicit
        text = self.info.policy_text
        if text is None:
            return default_policy(), _digest(resources.text("default_policy.yml"))
        name = f"{self.history.repo}:{POLICY_PATH}"
        origin = PolicyOrigin(source=name, ref=self.info.default_branch, sha=self.info.head_oid)
        at = f"@{self.info.head_oid[:12]}" if self.info.head_oid else ""
        policy = parse_policy(text, file=f"{name}{at}", schema=resources.schema("policy"),
                              origin=origin)
        return policy, _digest(text)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _emit(text: str, output: Path | None, stdout: TextIO) -> None:
    if output is None:
        stdout.write(text)
        stdout.flush()
    else:
        write_text_atomically(output, text)


# --- metrics --------------------------------------------------------------------------


def _replays(session: Session, records: Sequence[PullRecord], policy: Policy, digest: str,
             rollout: datetime | None, options: MetricsOptions
             ) -> dict[str, compute.ReplayOutcome]:
    """Replayed decisions for the pull requests that need one, cached per policy."""
    start, end = compute.window_bounds(options.since, options.until)
    needed = [
        r for r in records
        if not r.has_gatekeeper_history and not r.is_draft
        and (rollout is None or parse_time(r.created_at) < rollout)
        and (start is None or parse_time(r.created_at) >= start)
        and (end is None or parse_time(r.created_at) < end)
    ]
    key = session.history.key
    kind = f"replay:{digest}:{__version__}"
    outcomes: dict[str, compute.ReplayOutcome] = {}
    fresh = []
    for record in needed:
        cached = session.cache.extra(key, record.id, kind, record.updated_at)
        if cached is not None:
            outcomes[record.id] = compute.ReplayOutcome(
                red=cached["red"], blocked=cached["blocked"], codes=tuple(cached["codes"]),
                note=cached["note"])
            continue
        fresh.append(record)
    for record in session.history.complete_files(fresh):
        outcome = replay.replay_record(record, policy)
        outcomes[record.id] = outcome
        session.cache.put_extras(key, kind, [(record.id, record.updated_at, {
            "red": outcome.red, "blocked": outcome.blocked, "codes": list(outcome.codes),
            "note": outcome.note})])
    return outcomes


def run_metrics(options: MetricsOptions, access: GitHubAccess, *, stdout: TextIO,
                stderr: TextIO) -> int:
    progress = Progress(stderr, "gatekeeper metrics")
    session = Session.open(access, options.repo, options.bases, progress)
    try:
        records = session.sync(options.since)
        policy, digest = session.policy(options.policy_file)
        rollout = options.rollout or compute.rollout_time(records)
        outcomes = _replays(session, records, policy, digest, rollout, options)
        by_id = {r.id: r for r in records}

        def replayed(record: PullRecord) -> compute.ReplayOutcome:
            found = outcomes.get(record.id)
            return found if found is not None else replay.replay_record(
                by_id.get(record.id, record), policy)

        metrics = compute.compute(records, since=options.since, until=options.until,
                                  replay=replayed, rollout=rollout)
        saved = compute.saved_pulls(metrics)
        by_number = {r.number: r for r in records}
        for record in session.history.complete_files([by_number[f.number] for f in saved]):
            by_number[record.number] = record
        edits_by_id = session.history.body_edits([by_number[f.number] for f in saved])
        edits = {f.number: edits_by_id.get(by_number[f.number].id, []) for f in saved}
        entries = savelog.save_log(saved, by_number, edits, policy)
        report = export.Report(
            repository=session.info.name_with_owner, repository_url=session.info.url,
            bases=session.bases, as_of=session.cache.newest_update(session.history.key,
                                                                   session.bases),
            policy_source=policy.origin.source, policy_sha=policy.origin.sha,
            rollout_source=("option" if options.rollout else
                            "labels" if rollout is not None else None),
            metrics=metrics, save_log=tuple(entries),
        )
        text = export.RENDERERS[options.output_format](report)
        progress.done()
        _emit(text, options.output, stdout)
        stats = session.history.stats
        stderr.write(f"gatekeeper metrics: {metrics.totals.prs_total} pull requests in "
                     f"{len(metrics.weeks)} weeks; {stats.queries} GraphQL queries "
                     f"({stats.pulls} pull requests fetched); cache {access.cache_path}\n")
        return 0
    finally:
        progress.done()
        session.cache.close()


# --- replay ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayOptions:
    baseline: str
    candidate: str
    from_dir: Path | None
    repo: str | None
    since: date | None
    until: date | None
    bases: tuple[str, ...]
    output_format: str
    output: Path | None
    changed_only: bool = False


def _repo_items(options: ReplayOptions, access: GitHubAccess, progress: Progress
                ) -> list[replay.ReplayItem]:
    assert options.repo is not None
    session = Session.open(access, options.repo, options.bases, progress)
    try:
        records = session.sync(options.since)
        start, end = compute.window_bounds(options.since, options.until)
        chosen = [r for r in records if not r.is_draft
                  and (start is None or parse_time(r.created_at) >= start)
                  and (end is None or parse_time(r.created_at) < end)]
        return replay.items_from_records(session.history.complete_files(chosen))
    finally:
        session.cache.close()


def run_replay(options: ReplayOptions, access: GitHubAccess | None, *, stdout: TextIO,
               stderr: TextIO) -> int:
    if (options.from_dir is None) == (options.repo is None):
        raise GatekeeperError("give exactly one of --from DIR and --repo OWNER/REPO")
    cwd = Path.cwd()
    baseline = load_policy(options.baseline, cwd=cwd)
    candidate = load_policy(options.candidate, cwd=cwd)
    progress = Progress(stderr, "gatekeeper replay")
    try:
        if options.from_dir is not None:
            items = replay.items_from_folder(options.from_dir)
            source = str(options.from_dir)
        else:
            assert access is not None
            items = _repo_items(options, access, progress)
            source = options.repo or ""
        results = replay.compare(items, baseline, candidate)
    finally:
        progress.done()
    text = replay.render(results, options.output_format, baseline=baseline,
                         candidate=candidate, source=source, changed_only=options.changed_only)
    _emit(text, options.output, stdout)
    return replay.exit_code(results)
