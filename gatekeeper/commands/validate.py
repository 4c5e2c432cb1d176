"""`gatekeeper validate`: the decision CI would give, for a body and its changed paths, or
for a live pull request (`--pr`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from gatekeeper import __version__, resources
from gatekeeper.clock import now_utc
from gatekeeper.constants import EXIT_BLOCKED, EXIT_PASS, POLICY_PATH
from gatekeeper.core.decide import evaluate
from gatekeeper.core.model import Caveat, ChangedPath, Decision
from gatekeeper.errors import GatekeeperError
from gatekeeper.local import commits, files, git
from gatekeeper.local.policy_source import load_policy
from gatekeeper.reporters import ReportContext, reporter_for


@dataclass(frozen=True)
class PullRef:
    repo: str
    number: int

    def __str__(self) -> str:
        return f"{self.repo}#{self.number}"


@dataclass(frozen=True)
class ValidateOptions:
    body: str | None
    paths: tuple[str, ...] = ()
    changed_files: str | None = None
    diff_range: str | None = None
    policy: str | None = None
    output_format: str = "text"
    author: str | None = None
    decision_file: str | None = None
    pull_request: PullRef | None = None


def run(options: ValidateOptions, out: TextIO) -> int:
    reporter = reporter_for(options.output_format)  # an unknown format fails before work
    if options.pull_request is not None:
        decision, name = _live(options), str(options.pull_request)
    else:
        decision, name = _local(options)
    if options.decision_file:
        from gatekeeper.writes import write_json_atomically

        write_json_atomically(Path(options.decision_file), decision.to_record())
    color = (options.output_format == "text" and out.isatty()
             and "NO_COLOR" not in os.environ)
    reporter(decision, ReportContext(out=out, body_name=name, color=color, environ=os.environ))
    return EXIT_BLOCKED if decision.blocked else EXIT_PASS


def _local(options: ValidateOptions) -> tuple[Decision, str]:
    if options.body is None:
        raise GatekeeperError("give the pull request body as a file, or - for standard input")
    if options.body == "-" and options.changed_files == "-":
        raise GatekeeperError("the body and --changed-files cannot both come from standard input")
    cwd = Path.cwd()
    policy = load_policy(options.policy, cwd=cwd)
    body_name, body_text = files.read_body(options.body)
    changes = [ChangedPath(path=p) for p in options.paths]
    if options.changed_files is not None:
        changes += files.read_changed_files(options.changed_files)
    if options.diff_range is not None:
        changes += git.changed_paths(options.diff_range, cwd=cwd)
    caveats = () if changes else (Caveat(
        check="changed_paths",
        detail="no changed paths were given, so the class comes from the declared risk "
               "alone; pass paths, --changed-files or --diff"),)
    # --diff reads the origin's evidence (commit authors, trailers, the branch) from git too.
    evidence = (commits.local_evidence(options.diff_range, cwd=cwd)
                if options.diff_range is not None else None)
    decision = evaluate(
        body_text, changes, policy,
        contract_schema=resources.schema("contract"),
        evaluated_at=now_utc(), version=__version__, author=options.author, caveats=caveats,
        evidence=evidence,
    )
    return decision, body_name


def _live(options: ValidateOptions) -> Decision:
    if (options.body is not None or options.paths or options.changed_files
            or options.diff_range or options.policy or options.author):
        raise GatekeeperError("--pr takes everything from GitHub; give no body, paths, "
                              "--changed-files, --diff, --policy or --author with it")
    assert options.pull_request is not None
    from gatekeeper.evaluation import evaluate_live
    from gatekeeper.forge.github import GitHubForge
    from gatekeeper.forge.github.auth import api_url, find_token

    forge = GitHubForge(find_token(), api_url())
    result = evaluate_live(forge, options.pull_request.repo, options.pull_request.number,
                           policy_path=POLICY_PATH, evaluated_at=now_utc())
    return result.decision


__all__ = ["PullRef", "ValidateOptions", "run"]
