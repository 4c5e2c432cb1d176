"""`gatekeeper metrics`: weekly block rates and RED review times (docs/metrics.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from gatekeeper import __version__, formats
from gatekeeper.commands.history_access import GitHubAccess, Progress, Session, emit
from gatekeeper.core.policy.load import Policy
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable
from gatekeeper.history.records import PullRecord, parse_time
from gatekeeper.metrics import compute, export, org, savelog, timeline, weekly
from gatekeeper.replay import compare as replay


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


def _replays(session: Session, records: Sequence[PullRecord], policy: Policy, digest: str,
             rollout: datetime | None, options: MetricsOptions
             ) -> dict[str, replay.ReplayOutcome]:
    """Replayed decisions for the pull requests that need one, cached per policy."""
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
    for record in session.history.complete_files(fresh):
        outcome = replay.replay_record(record, policy)
        outcomes[record.id] = outcome
        session.cache.put_extras(key, kind, [(record.id, record.updated_at, {
            "red": outcome.red, "blocked": outcome.blocked, "codes": list(outcome.codes),
            "note": outcome.note, "origin": outcome.origin,
            "computed_origin": outcome.computed_origin})])
    return outcomes


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


def repository_report(options: MetricsOptions, access: GitHubAccess, progress: Progress,
                      repo: str) -> tuple[export.Report, str]:
    """One repository's export, and a line saying what it cost."""
    session = Session.open(access, repo, options.bases, progress)
    try:
        records = session.sync(options.since)
        policy, digest = session.policy(options.policy_file)
        rollout = options.rollout or timeline.rollout_time(records)
        outcomes = _replays(session, records, policy, digest, rollout, options)

        def replayed(record: PullRecord) -> replay.ReplayOutcome:
            found = outcomes.get(record.id)
            return found if found is not None else replay.replay_record(record, policy)

        origins = _origins(session, records, policy, digest)
        metrics = weekly.compute(records, since=options.since, until=options.until,
                                  replay=replayed, rollout=rollout,
                                  origin=lambda record: origins.get(record.id),
                                  computed=lambda record: compute.computed_origin(
                                      record, policy.provenance),
                                  include_replayed=options.include_replayed)
        saved = weekly.saved_pulls(metrics)
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
        stats = session.history.stats
        return report, (f"{metrics.totals.prs_total} pull requests in {len(metrics.weeks)} "
                        f"weeks; {stats.queries} GraphQL queries ({stats.pulls} pull requests "
                        "fetched)")
    finally:
        session.cache.close()


def run(options: MetricsOptions, stdout: TextIO, *, access: GitHubAccess,
        stderr: TextIO) -> int:
    progress = Progress(stderr, "gatekeeper metrics")
    try:
        report, cost = repository_report(options, access, progress, options.repo)
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
    from gatekeeper.forge.github.org import repository_names

    per_repo = options.repository
    progress = Progress(stderr, "gatekeeper metrics")
    client = GitHubForge(access.token, access.api_url)
    try:
        listed = repository_names(client, options.org, url=access.graphql_url)
    except ForgeUnavailable as exc:
        raise GatekeeperError(f"cannot list the repositories of {options.org}: {exc}") from None
    names = [r.name for r in listed if not r.archived]
    chosen = [n for n in names if options.shard is None
              or org.shard_of(n, options.shard[1]) == options.shard[0]]
    window = org.Window(options.org, per_repo.since, per_repo.until, per_repo.include_replayed)
    parts = []
    try:
        for name in chosen:
            report, cost = repository_report(per_repo, access, progress, name)
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


def run_merge(shards: Sequence[str], output_format: str, output: Path | None,
              stdout: TextIO) -> int:
    """Join shard exports into exactly the export one ``--org`` run gives."""
    from gatekeeper.local.files import read_text

    texts = [read_text(name, what="shard", max_bytes=512 * 1024 * 1024) for name in shards]
    window, parts = org.merge_shards(texts)
    render = formats.METRICS_ORG.renderer(output_format)
    emit(render(org.org_report(window, parts)), output, stdout)
    return 0
