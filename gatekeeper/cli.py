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
    from gatekeeper.core.model import Caveat, ChangedPath

    if pull_request is not None:
        if body is not None or paths or changed_files or diff_range or policy or author:
            raise GatekeeperError("--pr takes everything from GitHub; give no body, paths, "
                                  "--changed-files, --diff, --policy or --author with it")
        decision, label = _live_decision(pull_request)
        _finish(decision, output_format, label, decision_file)
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

    caveats = () if changes else (Caveat(
        check="changed_paths",
        detail="no changed paths were given, so the class comes from the declared risk "
               "alone; pass paths, --changed-files or --diff"),)
    decision = evaluate(
        body_text, changes, loaded_policy,
        contract_schema=resources.schema("contract"),
        evaluated_at=now_utc(), version=__version__, author=author, caveats=caveats,
    )
    _finish(decision, output_format, body_name, decision_file)


def _finish(decision: Decision, output_format: str, body_name: str,
            decision_file: str | None) -> NoReturn:
    from gatekeeper.reporters import ReportContext, reporter_for

    if decision_file:
        from gatekeeper.writes import write_json_atomically

        write_json_atomically(Path(decision_file), decision.to_record())
    context = ReportContext(
        out=sys.stdout,
        body_name=body_name,
        color=output_format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ,
        environ=os.environ,
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


@main.command()
@click.option("--force", is_flag=True,
              help="Replace files that exist with other content (yours are lost).")
@click.option("--action-ref", metavar="OWNER/REPO@REF",
              help="The action the workflow uses. Default: the Gatekeeper action at this "
                   "version's release tag.")
def init(force: bool, action_ref: str | None) -> None:
    """Write .github/gatekeeper.yml, the pull request template and the workflow.

    At the git top level (else the current directory). Idempotent; never replaces a file
    that differs without --force. Exit 0 when all are in place, 1 when a differing file was
    left alone, 2 on bad usage or a file that could not be written.
    """
    from gatekeeper.commands.init import run_init

    sys.exit(run_init(Path.cwd(), force=force, action_ref=action_ref, out=sys.stdout))


@main.command()
@click.option("--repo", required=True, metavar="OWNER/REPO")
@click.option("--branch", metavar="BRANCH", help="Default: the repository's default branch.")
@click.option("--status-context", "status_contexts", multiple=True, metavar="CONTEXT",
              help="Another check or status name that counts as Gatekeeper's (repeatable). "
                   "The workflow's own job and status-context are found on their own.")
@click.option("--workflow", "workflow_path", default=".github/workflows/gatekeeper.yml",
              show_default=True, metavar="PATH", help="The Gatekeeper workflow's path.")
def doctor(repo: str, branch: str | None, status_contexts: tuple[str, ...],
           workflow_path: str) -> None:
    """Check that GitHub really enforces Gatekeeper on a branch.

    Branch protection or a ruleset must require the check and pull requests; the policy
    and the workflow must be on the branch. Token from GITHUB_TOKEN, GH_TOKEN or `gh auth
    token`; API base from GITHUB_API_URL. Exit 0 all pass, 1 any failed, 2 bad usage.
    """
    from gatekeeper.commands.doctor import run_doctor

    sys.exit(run_doctor(repo, branch, token=_token(), api_url=os.environ.get("GITHUB_API_URL"),
                        out=sys.stdout, status_contexts=status_contexts,
                        workflow_path=workflow_path))


# --- metrics and replay (the code lives in gatekeeper.metrics, imported only when run) ----

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _github_access(cache: str, page_size: int, retry_backoff: float) -> Any:
    from gatekeeper.metrics.history import RetrySettings
    from gatekeeper.metrics.run import GitHubAccess

    return GitHubAccess(
        token=_token(), api_url=os.environ.get("GITHUB_API_URL") or None,
        graphql_url=os.environ.get("GITHUB_GRAPHQL_URL") or None, cache_path=Path(cache),
        page_size=page_size, retry=RetrySettings(backoff=retry_backoff),
    )


def _history_options(function: Any) -> Any:
    for option in reversed([
        click.option("--since", type=_DATE, metavar="DATE",
                     help="First day (YYYY-MM-DD); its whole ISO week is included."),
        click.option("--until", type=_DATE, metavar="DATE",
                     help="Last day (YYYY-MM-DD); its whole ISO week is included."),
        click.option("--base", "bases", multiple=True, metavar="BRANCH",
                     help="Base branch of the pull requests counted (repeatable). "
                          "Default: the repository's default branch."),
        click.option("--cache", "cache", default=".gatekeeper/cache.sqlite",
                     show_default=True, metavar="FILE",
                     help="SQLite cache; a rerun asks GitHub only for what changed."),
        click.option("--page-size", type=click.IntRange(10, 100), default=100,
                     show_default=True, help="Pull requests per GraphQL request."),
        click.option("--retry-backoff", type=float, default=1.0, hidden=True),
        click.option("--output", metavar="FILE", help="Write here (atomically), not stdout."),
    ]):
        function = option(function)
    return function


@main.command()
@click.option("--repo", required=True, metavar="OWNER/REPO")
@_history_options
@click.option("--format", "output_format", type=click.Choice(["csv", "json", "markdown"]),
              default="markdown", show_default=True)
@click.option("--policy", metavar="FILE",
              help="Replay pre-rollout pull requests with this policy. Default: "
                   ".github/gatekeeper.yml on the default branch, else the embedded one.")
@click.option("--rollout", type=_DATE, metavar="DATE",
              help="When Gatekeeper was rolled out; earlier pull requests without its "
                   "labels are replayed. Default: the first Gatekeeper label event.")
def metrics(repo: str, since: datetime | None, until: datetime | None, bases: tuple[str, ...],
            cache: str, page_size: int, retry_backoff: float, output: str | None,
            output_format: str, policy: str | None, rollout: datetime | None) -> None:
    """Weekly block rates and RED review times, from the action's labels (docs/metrics.md).

    Token from GITHUB_TOKEN (or GH_TOKEN, `gh auth token`); API base from GITHUB_API_URL
    and GITHUB_GRAPHQL_URL. Exit 0 written, 2 bad usage or GitHub unreachable (what was
    fetched stays cached; run again to resume).
    """
    from gatekeeper.metrics.run import MetricsOptions, run_metrics

    options = MetricsOptions(
        repo=repo, since=since.date() if since else None,
        until=until.date() if until else None, bases=bases, output_format=output_format,
        output=Path(output) if output else None, policy_file=policy,
        rollout=rollout.replace(tzinfo=UTC) if rollout else None,
    )
    sys.exit(run_metrics(options, _github_access(cache, page_size, retry_backoff),
                         stdout=sys.stdout, stderr=sys.stderr))


@main.command()
@click.option("--baseline-policy", required=True, metavar="FILE", help="The current policy.")
@click.option("--candidate-policy", required=True, metavar="FILE", help="The proposed policy.")
@click.option("--from", "from_dir", metavar="DIR",
              help="Saved pull requests: N.md bodies with N.files changed-path lists.")
@click.option("--repo", metavar="OWNER/REPO", help="A repository's pull request history.")
@_history_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
@click.option("--changed-only", is_flag=True, help="List only pull requests that change.")
def replay(baseline_policy: str, candidate_policy: str, from_dir: str | None,
           repo: str | None, since: datetime | None, until: datetime | None,
           bases: tuple[str, ...], cache: str, page_size: int, retry_backoff: float,
           output: str | None, output_format: str, changed_only: bool) -> None:
    """Decide past pull requests under two policies, side by side.

    Exit 1 when the candidate blocks a pull request the baseline passes, else 0;
    2 on bad usage or unreadable input.
    """
    from gatekeeper.metrics.run import ReplayOptions, run_replay

    options = ReplayOptions(
        baseline=baseline_policy, candidate=candidate_policy,
        from_dir=Path(from_dir) if from_dir else None, repo=repo,
        since=since.date() if since else None, until=until.date() if until else None,
        bases=bases, output_format=output_format, output=Path(output) if output else None,
        changed_only=changed_only,
    )
    access = _github_access(cache, page_size, retry_backoff) if repo else None
    sys.exit(run_replay(options, access, stdout=sys.stdout, stderr=sys.stderr))
