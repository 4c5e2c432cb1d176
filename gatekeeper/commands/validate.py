"""`gatekeeper validate`: the decision CI would give, for a body and its changed paths, or
for a live pull request (`--pr`), optionally with a local body in place of its own."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from gatekeeper import BUILD, resources
from gatekeeper.clock import now_utc
from gatekeeper.constants import EXIT_BLOCKED, EXIT_PASS, POLICY_PATH
from gatekeeper.core.decide import evaluate
from gatekeeper.core.model import Caveat, ChangedPath, Decision
from gatekeeper.errors import GatekeeperError
from gatekeeper.local import files, git
from gatekeeper.local.policy_source import default_policy, load_effective, load_policy
from gatekeeper.reporters import ReportContext, reporter_for
from gatekeeper.reporters.color import wants_color

NO_PATHS = "changed_paths"


@dataclass(frozen=True)
class ValidateOptions:
    body: str | None
    paths: tuple[str, ...] = ()
    changed_files: str | None = None
    diff_range: str | None = None
    policy: str | None = None
    # --default-policy: the embedded default, whatever file the repository has.
    embedded_policy: bool = False
    output_format: str = "text"
    author: str | None = None
    decision_file: str | None = None
    # None: not asked; "" : the current branch's pull request; else a reference (--pr).
    pull_request: str | None = None
    # --color: auto (NO_COLOR, FORCE_COLOR, a terminal), always or never
    color: str = "auto"
    # --skip-missing-body (the pre-commit hook): a BODY file that does not exist is one line
    # and exit 0, not an error, for a teammate who keeps no body file.
    skip_missing_body: bool = False
    # The organisation's central policy, which the repository's may only tighten.
    org_policy: str | None = None


def _writable_file(name: str) -> None:
    """--decision-file names a file to write: not empty, not a folder (exit 2, up front)."""
    if not name.strip():
        raise GatekeeperError("--decision-file needs a file name")
    path = Path(name)
    if path.is_dir() or name.endswith(("/", os.sep)):
        raise GatekeeperError("--decision-file names a folder, not a file", file=name)


def run(options: ValidateOptions, out: TextIO) -> int:
    reporter = reporter_for(options.output_format)  # an unknown format fails before work
    if options.skip_missing_body and options.body not in (None, "-") \
            and not Path(str(options.body)).exists():
        out.write(f"gatekeeper validate: no {options.body}, skipped (write the pull request's "
                  "body there to check it before you push)\n")
        return EXIT_PASS
    if options.decision_file is not None:
        _writable_file(options.decision_file)
    if options.pull_request is not None:
        decision, name = _live(options)
    else:
        decision, name = _local(options)
    if options.decision_file:
        from gatekeeper.writes import write_json_atomically

        try:
            write_json_atomically(Path(options.decision_file), decision.to_record())
        except OSError as exc:
            raise GatekeeperError(f"cannot write the decision file: {exc.strerror or exc}",
                                  file=options.decision_file) from None
    color = options.output_format == "text" and wants_color(options.color, out, os.environ)
    reporter(decision, ReportContext(out=out, body_name=name, color=color, environ=os.environ))
    return EXIT_BLOCKED if decision.blocked else EXIT_PASS


def _stdin_is_piped() -> bool:
    stdin = sys.stdin
    return stdin is not None and not stdin.closed and not stdin.isatty()


def _changes(options: ValidateOptions, cwd: Path) -> tuple[list[ChangedPath], tuple[Caveat, ...]]:
    """The changed paths from every source given; standard input when none is given and
    it is not a terminal (``git diff --name-only main...HEAD | gatekeeper validate PR.md``)."""
    # Positional paths are relative to the current folder; --changed-files lists repository
    # paths, as git diff prints them.
    changes = [ChangedPath(path=p) for p in files.repository_paths(options.paths, cwd=cwd)]
    if options.changed_files is not None:
        changes += files.read_changed_files(options.changed_files)
    if options.diff_range is not None:
        changes += git.changed_paths(options.diff_range, cwd=cwd)
    given = bool(options.paths) or options.changed_files is not None \
        or options.diff_range is not None
    from_stdin = not given and options.body != "-" and _stdin_is_piped()
    if from_stdin:
        changes += files.read_changed_files("-")
    if changes:
        return changes, ()
    source = "standard input held no paths" if from_stdin else "no changed paths were given"
    return changes, (Caveat(
        check=NO_PATHS,
        detail=f"{source}, so the class comes from the declared risk alone; pass paths, "
               "--changed-files, --diff or pipe them in"),)


def _local(options: ValidateOptions) -> tuple[Decision, str]:
    if options.body is None:
        raise GatekeeperError("give the pull request body as a file, or - for standard input")
    if options.body == "-" and options.changed_files == "-":
        raise GatekeeperError("the body and --changed-files cannot both come from standard input")
    cwd = Path.cwd()
    if options.embedded_policy and options.policy:
        raise GatekeeperError("give --policy FILE or --default-policy, not both")
    if options.org_policy is not None:
        if options.embedded_policy:
            raise GatekeeperError("give --org-policy or --default-policy, not both: under an "
                                  "organisation policy the embedded default never applies")
        from gatekeeper.commands.org_policy import central_policy

        central = central_policy(options.org_policy, cwd=cwd)
        policy = load_effective(options.policy, cwd=cwd, central=central).policy
    else:
        policy = default_policy() if options.embedded_policy else load_policy(options.policy,
                                                                              cwd=cwd)
    body_name, body_text = files.read_body(options.body)
    changes, caveats = _changes(options, cwd)
    # --diff reads the origin's evidence (commit authors, trailers, the branch) from git too.
    evidence = None
    if options.diff_range is not None:
        from gatekeeper.local import commits

        evidence = commits.local_evidence(options.diff_range, cwd=cwd)
    decision = evaluate(
        body_text, changes, policy,
        contract_schema=resources.schema("contract"),
        evaluated_at=now_utc(), version=BUILD.describe(), author=options.author,
        caveats=caveats,
        evidence=evidence,
    )
    return decision, body_name


def _live(options: ValidateOptions) -> tuple[Decision, str]:
    """The pull request as GitHub shows it; with BODY, that body judged in place of its own
    against the pull request's files, reviews and base-branch policy."""
    if (options.paths or options.changed_files or options.diff_range or options.policy
            or options.embedded_policy or options.author):
        raise GatekeeperError("--pr takes the files, reviews and policy from GitHub; give no "
                              "paths, --changed-files, --diff, --policy, --default-policy or "
                              "--author with it")
    assert options.pull_request is not None
    from gatekeeper.commands.live_target import connect

    local_body = files.read_body(options.body) if options.body is not None else None
    forge, target = connect(options.pull_request, cwd=Path.cwd(),
                            body=local_body[1] if local_body else None)
    from gatekeeper.live.evaluation import CentralPolicy, evaluate_live

    central = None
    if options.org_policy is not None:
        from gatekeeper.commands.org_policy import central_policy

        central = CentralPolicy(options.org_policy,
                                central_policy(options.org_policy, cwd=Path.cwd()))
    result = evaluate_live(forge, target.repo, target.number, policy_path=POLICY_PATH,
                           evaluated_at=now_utc(), central=central)
    return result.decision, local_body[0] if local_body else str(target)


__all__ = ["ValidateOptions", "run"]
