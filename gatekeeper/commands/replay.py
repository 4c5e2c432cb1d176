"""`gatekeeper replay`: what two policies decide on past pull requests, side by side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from gatekeeper import formats
from gatekeeper.commands.history_access import GitHubAccess, Progress, Session, emit
from gatekeeper.errors import GatekeeperError
from gatekeeper.history.records import parse_time
from gatekeeper.local.policy_source import load_policy
from gatekeeper.metrics import timeline
from gatekeeper.replay import compare as replay


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
        start, end = timeline.window_bounds(options.since, options.until)
        chosen = [r for r in records if not r.is_draft
                  and (start is None or parse_time(r.created_at) >= start)
                  and (end is None or parse_time(r.created_at) < end)]
        return replay.items_from_records(session.history.complete_files(chosen))
    finally:
        session.cache.close()


def run(options: ReplayOptions, stdout: TextIO, *, access: GitHubAccess | None,
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
    render = formats.REPLAY.renderer(options.output_format)
    text = render(results, baseline=baseline, candidate=candidate, source=source,
                  changed_only=options.changed_only)
    emit(text, options.output, stdout)
    return replay.exit_code(results)
