"""The command line: parse options, call the core, map GatekeeperError to exit code 2."""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from gatekeeper import __version__
from gatekeeper.errors import GatekeeperError

if TYPE_CHECKING:
    from gatekeeper.core.model import Decision

EXIT_PASS, EXIT_BLOCKED, EXIT_USAGE = 0, 1, 2


class _UserError(click.ClickException):
    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"gatekeeper: error: {self.message}", err=True)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GatekeeperError as exc:
            raise _UserError(str(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gatekeeper")
def main() -> None:
    """Gatekeeper: an authority contract and enforcement layer for pull requests.

    Exit codes: 0 pass, 1 blocked, 2 bad usage, configuration or input.
    """


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@main.command()
@click.argument("body", required=False, metavar="[BODY|-]")
@click.argument("paths", nargs=-1, metavar="[PATHS]...")
@click.option("--changed-files", metavar="FILE|-",
              help="Changed paths, one per line; `git diff --name-status` lines also accepted.")
@click.option("--diff", "diff_range", metavar="BASE...HEAD",
              help="Take the changed paths from git diff over this range.")
@click.option("--policy", metavar="FILE",
              help="Policy file. Default: .github/gatekeeper.yml at the git top level, "
                   "else the embedded default.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True)
@click.option("--author", metavar="LOGIN", help="Pull request author, for exemptions.")
@click.option("--decision-file", metavar="FILE", help="Also write the decision record here.")
@click.option("--pr", "pull_request", metavar="OWNER/REPO#N",
              help="Judge a live pull request as GitHub shows it (body, files, reviews, the "
                   "base branch's policy). Token from GITHUB_TOKEN or `gh auth token`. "
                   "Posts nothing.")
def validate(
    body: str | None,
    paths: tuple[str, ...],
    changed_files: str | None,
    diff_range: str | None,
    policy: str | None,
    output_format: str,
    author: str | None,
    decision_file: str | None,
    pull_request: str | None,
) -> None:
    """Decide pass or block for a pull request body and its changed paths."""
    from gatekeeper import resources
    from gatekeeper.adapters import files, git
    from gatekeeper.adapters.policy_source import load_policy
    from gatekeeper.core.decide import evaluate
    from gatekeeper.core.model import ChangedPath

    if pull_request is not None:
        if body is not None or paths or changed_files or diff_range or policy or author:
            raise GatekeeperError("--pr takes everything from GitHub; give no body, paths, "
                                  "--changed-files, --diff, --policy or --author with it")
        decision, label = _live_decision(pull_request)
        _finish(decision, output_format, label, decision_file, decision.notes)
    if body is None:
        raise GatekeeperError("give the pull request body as a file, or - for standard input")
    if body == "-" and changed_files == "-":
        raise GatekeeperError("the body and --changed-files cannot both come from standard input")

    cwd = Path.cwd()
    loaded_policy = load_policy(policy, cwd=cwd)
    body_name, body_text = files.read_body(body)
    changes = [ChangedPath(path=p) for p in paths]
    if changed_files is not None:
        changes += files.read_changed_files(changed_files)
    if diff_range is not None:
        changes += git.changed_paths(diff_range, cwd=cwd)

    decision = evaluate(
        body_text, changes, loaded_policy,
        contract_schema=resources.schema("contract"),
        evaluated_at=now_utc(), version=__version__, author=author,
    )
    notes = decision.notes
    if not changes:
        notes += ("no changed paths were given, so the class comes from the declared risk "
                  "alone; pass paths, --changed-files or --diff",)
    _finish(decision, output_format, body_name, decision_file, notes)


def _finish(decision: Decision, output_format: str, body_name: str, decision_file: str | None,
            notes: tuple[str, ...]) -> NoReturn:
    from gatekeeper.reporters import ReportContext, reporter_for

    if decision_file:
        from gatekeeper.writes import write_json_atomically

        write_json_atomically(Path(decision_file), decision.to_record())
    context = ReportContext(
        out=sys.stdout,
        body_name=body_name,
        color=output_format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ,
        environ=os.environ,
        notes=notes,
    )
    reporter_for(output_format)(decision, context)
    sys.exit(EXIT_BLOCKED if decision.blocked else EXIT_PASS)


_PR_REF = re.compile(r"^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#([0-9]+)$")


def _live_decision(reference: str) -> tuple[Decision, str]:
    match = _PR_REF.match(reference.strip())
    if match is None:
        raise GatekeeperError(f"--pr takes OWNER/REPO#NUMBER, not {reference!r}")
    from gatekeeper.adapters.github import GitHubClient
    from gatekeeper.adapters.policy_source import POLICY_PATH
    from gatekeeper.live import evaluate_live

    client = GitHubClient(_token(), os.environ.get("GITHUB_API_URL"))
    result = evaluate_live(client, match.group(1), int(match.group(2)),
                           policy_path=POLICY_PATH, evaluated_at=now_utc())
    return result.decision, reference


def _token() -> str | None:
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    if token:
        return token
    import subprocess

    try:
        found = subprocess.run(["gh", "auth", "token"], capture_output=True, text=True,
                               timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return (found.stdout.strip() or None) if found.returncode == 0 else None


@main.command()
def action() -> None:
    """Run as the required check inside GitHub Actions (used by action.yml).

    Reads the event from GITHUB_EVENT_NAME and GITHUB_EVENT_PATH and the inputs from
    GATEKEEPER_* variables; reports with annotations, the job summary and step outputs.
    """
    from gatekeeper.action import run_action

    sys.exit(run_action(os.environ, sys.stdout, now=now_utc()))
