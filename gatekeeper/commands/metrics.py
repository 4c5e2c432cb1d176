"""`gatekeeper metrics`: weekly block rates and RED review times (docs/metrics.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from gatekeeper import __version__, formats
from gatekeeper.commands.history_access import GitHubAccess, Progress, Session, emit
from gatekeeper.constants import POLICY_PATH
from gatekeeper.core.policy.load import Policy
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable
from gatekeeper.history import batch
from gatekeeper.history.fetch import UNKNOWN, RepositoryInfo, repository_info
from gatekeeper.history.records import PullRecord, parse_time
from gatekeeper.metrics import compute, export, org, savelog, timeline, weekly
from gatekeeper.replay import compare as replay

# Repositories of an organisation read together (their follow-up reads joined).
ORG_GROUP = 25


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
    include_replayed: bool = False


def _replays_cached(session: Session, records: Sequence[PullRecord], policy: Policy,
                    digest: str, rollout: datetime | None, options: MetricsOptions
                    ) -> tuple[dict[str, replay.ReplayOutcome], list[PullRecord]]:
    """The replayed decisions the cache holds, and the pull requests still to replay."""
    start, end = timeline.window_bounds(options.since, options.until)
    needed = [
        r for r in records
        if not r.has_gatekeeper_history and not r.is_draft
        and (rollout is None or parse_time(r.created_at) < rollout)
        and (start is None or parse_time(r.created_at) >= start)
        and (end is None or parse_time(r.created_at) < end)
    ]
    key = session.history.key
    kind = f"replay:{digest}:{__version__}"
    outcomes: dict[str, replay.ReplayOutcome] = {}
    fresh = []
    for record in needed:
        cached = session.cache.extra(key, record.id, kind, record.updated_at)
        if cached is not None:
            outcomes[record.id] = replay.ReplayOutcome(
                red=cached["red"], blocked=cached["blocked"], codes=tuple(cached["codes"]),
                note=cached["note"], origin=cached.get("origin"),
                computed_origin=cached.get("computed_origin"))
            continue
        fresh.append(record)
    return outcomes, fresh


def _replay_fresh(session: Session, records: Sequence[PullRecord], policy: Policy,
                  digest: str, outcomes: dict[str, replay.ReplayOutcome]) -> None:
    """Replay ``records`` (their file lists read to the end) and cache the outcomes."""
    kind = f"replay:{digest}:{__version__}"
    for record in records:
        outcome = replay.replay_record(record, policy)
        outcomes[record.id] = outcome
        session.cache.put_extras(session.history.key, kind, [(record.id, record.updated_at, {
            "red": outcome.red, "blocked": outcome.blocked, "codes": list(outcome.codes),
            "note": outcome.note, "origin": outcome.origin,
            "computed_origin": outcome.computed_origin})])


def _origins(session: Session, records: Sequence[PullRecord], policy: Policy, digest: str
             ) -> dict[str, str | None]:
    """The change origin each body declares, cached while the pull request is unchanged."""
    key = session.history.key
    kind = f"origin:{digest}:{__version__}"
    found: dict[str, str | None] = {}
    fresh = []
    for record in records:
        cached = session.cache.extra(key, record.id, kind, record.updated_at)
        if cached is not None:
            found[record.id] = cached.get("origin")
            continue
        found[record.id] = replay.declared_origin(record.body, policy)
        fresh.append((record.id, record.updated_at, {"origin": found[record.id]}))
    if fresh:
        session.cache.put_extras(key, kind, fresh)
    return found


@dataclass(frozen=True)
class Listed:
    """What an organisation's listing read of a repository: what its export reads first,
    and the newest update of any of its pull requests (None: it has none)."""

    info: RepositoryInfo
    newest: str | None


def _follow(sessions: Sequence[Session], wanted: Sequence[Sequence[PullRecord]],
            kinds: set[str]) -> list[list[PullRecord]]:
    """``wanted[i]`` (records of ``sessions[i]``) with ``kinds`` read to the end, in the
    same few requests for every repository; each repository's cache is updated."""
    if not any(wanted):
        return [list(records) for records in wanted]
    done = {r.id: r for r in batch.follow(sessions[0].history.query,
                                          [r for records in wanted for r in records], kinds)}
    for session, records in zip(sessions, wanted, strict=True):
        session.cache.replace_pulls(session.history.key, [done[r.id] for r in records])
    return [[done[r.id] for r in records] for records in wanted]


def repository_reports(options: MetricsOptions, access: GitHubAccess, progress: Progress,
                       repos: Sequence[tuple[str, Listed | None]]
                       ) -> list[tuple[export.Report, str]]:
    """Each repository's export, and a line saying what it cost. The reads that follow
    the walks (pages left over, file lists, body edits) are joined across the repositories."""
    sessions: list[Session] = []
    try:
        for name, listed in repos:
            sessions.append(Session.open(access, name, options.bases, progress,
                                         listed=listed.info if listed is not None else None))
        for session, (_, listed) in zip(sessions, repos, strict=True):
            session.sync(options.since, newest=UNKNOWN if listed is None else listed.newest,
                         follow=False)
        _follow(sessions, [[r for base in s.bases for r in s.cache.pending(s.history.key, base)]
                           for s in sessions], {"timeline", "reviews"})
        records = [list(s.cache.pulls(s.history.key, s.bases)) for s in sessions]
        policies = [s.policy(options.policy_file) for s in sessions]
        rollouts = [options.rollout or timeline.rollout_time(r) for r in records]
        cached = [_replays_cached(s, r, policy, digest, rollout, options)
                  for s, r, (policy, digest), rollout
                  in zip(sessions, records, policies, rollouts, strict=True)]
        fresh = _follow(sessions, [batch.unfinished_files(f) for _, f in cached], {"files"})
        reports = []
        for index, session in enumerate(sessions):
            done = {r.id: r for r in fresh[index]}
            outcomes, todo = cached[index]
            policy, digest = policies[index]
            _replay_fresh(session, [done.get(r.id, r) for r in todo], policy, digest, outcomes)
            reports.append(_metrics(session, records[index], policy, digest, rollouts[index],
                                    outcomes, options))
        by_number = [{r.number: r for r in found} for found in records]
        saved = [[numbers[f.number] for f in weekly.saved_pulls(metrics)]
                 for numbers, metrics in zip(by_number, reports, strict=True)]
        for numbers, completed in zip(by_number, _follow(
                sessions, [batch.unfinished_files(found) for found in saved], {"files"}),
                strict=True):
            numbers.update({r.number: r for r in completed})
        edits = batch.body_edits(sessions[0].history.query, sessions[0].cache, [
            (s.history.key, [numbers[r.number] for r in found])
            for s, numbers, found in zip(sessions, by_number, saved, strict=True)])
        return [_report(session, metrics, numbers, edits, policy, rollout, options)
                for session, metrics, numbers, (policy, _), rollout
                in zip(sessions, reports, by_number, policies, rollouts, strict=True)]
    finally:
        for session in sessions:
            session.cache.close()


def _metrics(session: Session, records: Sequence[PullRecord], policy: Policy, digest: str,
             rollout: datetime | None, outcomes: dict[str, replay.ReplayOutcome],
             options: MetricsOptions) -> weekly.Metrics:
    def replayed(record: PullRecord) -> replay.ReplayOutcome:
        found = outcomes.get(record.id)
        return found if found is not None else replay.replay_record(record, policy)

    origins = _origins(session, records, policy, digest)
    return weekly.compute(records, since=options.since, until=options.until,
                          replay=replayed, rollout=rollout,
                          origin=lambda record: origins.get(record.id),
                          computed=lambda record: compute.computed_origin(
                              record, policy.provenance),
                          include_replayed=options.include_replayed)


def _report(session: Session, metrics: weekly.Metrics, by_number: dict[int, PullRecord],
            edits_by_id: dict[str, list[tuple[str, str]]], policy: Policy,
            rollout: datetime | None, options: MetricsOptions) -> tuple[export.Report, str]:
    saved = weekly.saved_pulls(metrics)
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
    stats = session.history.stats
    return report, (f"{metrics.totals.prs_total} pull requests in {len(metrics.weeks)} "
                    f"weeks; {stats.queries} GraphQL queries ({stats.pulls} pull requests "
                    "fetched)")


def run(options: MetricsOptions, stdout: TextIO, *, access: GitHubAccess,
        stderr: TextIO) -> int:
    progress = Progress(stderr, "gatekeeper metrics")
    try:
        [(report, cost)] = repository_reports(options, access, progress, [(options.repo, None)])
        text = formats.METRICS.renderer(options.output_format)(report)
        progress.done()
        emit(text, options.output, stdout)
        stderr.write(f"gatekeeper metrics: {cost}; cache {access.cache_path}\n")
        return 0
    finally:
        progress.done()


@dataclass(frozen=True)
class OrgMetricsOptions:
    org: str
    shard: tuple[int, int] | None  # (K, N)
    repository: MetricsOptions  # what each repository's export is made with (repo unused)


def run_org(options: OrgMetricsOptions, stdout: TextIO, *, access: GitHubAccess,
            stderr: TextIO) -> int:
    """Every repository of the organisation that takes pull requests (archived ones left
    out), or the shard's share of them; a shard is written as JSON for ``metrics merge``."""
    from gatekeeper.forge.github import GitHubForge
    from gatekeeper.forge.github.org import repository_listing

    per_repo = options.repository
    progress = Progress(stderr, "gatekeeper metrics")
    client = GitHubForge(access.token, access.api_url)
    try:
        nodes = repository_listing(client, options.org, url=access.graphql_url)
    except ForgeUnavailable as exc:
        raise GatekeeperError(f"cannot list the repositories of {options.org}: {exc}") from None
    listed = {str(n["nameWithOwner"]): _listed(n) for n in nodes if not n.get("isArchived")}
    names = list(listed)
    chosen = [n for n in names if options.shard is None
              or org.shard_of(n, options.shard[1]) == options.shard[0]]
    window = org.Window(options.org, per_repo.since, per_repo.until, per_repo.include_replayed)
    parts = []
    try:
        # A group's follow-up reads are joined; groups bound what is held in memory.
        for start in range(0, len(chosen), ORG_GROUP):
            group = chosen[start:start + ORG_GROUP]
            done = repository_reports(per_repo, access, progress,
                                      [(name, listed[name]) for name in group])
            for name, (report, cost) in zip(group, done, strict=True):
                parts.append(org.part_of(report))
                progress.note(f"{name}: {cost}")
    finally:
        progress.done()
    if options.shard is not None:
        text = org.shard_json(window, options.shard, parts, names)
    else:
        text = formats.METRICS_ORG.renderer(per_repo.output_format)(org.org_report(window, parts))
    emit(text, per_repo.output, stdout)
    stderr.write(f"gatekeeper metrics: {len(parts)} of {len(names)} repositories of "
                 f"{options.org}; cache {access.cache_path}\n")
    return 0


def _listed(node: dict[str, Any]) -> Listed:
    name = str(node["nameWithOwner"])
    newest = [n for n in (node.get("newest") or {}).get("nodes") or [] if isinstance(n, dict)]
    return Listed(repository_info(node, name, POLICY_PATH),
                  str(newest[0]["updatedAt"]) if newest else None)


def run_merge(shards: Sequence[str], output_format: str, output: Path | None,
              stdout: TextIO) -> int:
    """Join shard exports into exactly the export one ``--org`` run gives."""
    from gatekeeper.local.files import read_text

    texts = [read_text(name, what="shard", max_bytes=512 * 1024 * 1024) for name in shards]
    window, parts = org.merge_shards(texts)
    render = formats.METRICS_ORG.renderer(output_format)
    emit(render(org.org_report(window, parts)), output, stdout)
    return 0
