"""The command line: turn options into typed option objects and dispatch to a command.

Each command lives in ``gatekeeper.commands.<name>`` as ``run(options, out) -> int`` and is
imported only when it runs, so ``gatekeeper validate`` loads neither the GitHub client nor
the metrics code. This module runs no git, no ``gh`` and no evaluation.

One error boundary serves every command (``main``): a user mistake (``GatekeeperError``,
a click usage error) exits 2 with one line; anything else is a bug and exits 3 with one
line, the traceback only under ``--traceback`` or ``GATEKEEPER_DEBUG=1``. A crash never
reads as "blocked" (1).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from gatekeeper import BUILD, formats
from gatekeeper.cli import history
from gatekeeper.cli.options import (
    REPO_HELP,
    REPOSITORY,
    exit_with,
    org_policy_option,
    repository,
    run,
    settings,
)
from gatekeeper.constants import EXIT_INTERNAL, EXIT_USAGE, WORKFLOW_PATH
from gatekeeper.errors import GatekeeperError
from gatekeeper.reporters.color import CHOICES as COLOR_CHOICES


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(BUILD.version, prog_name="gatekeeper",
                      message=f"%(prog)s {BUILD.describe()}")
@click.option("--traceback", "show_traceback", is_flag=True,
              help="On an internal error, print the traceback (also GATEKEEPER_DEBUG=1).")
@click.option("--color", "color", type=click.Choice(COLOR_CHOICES),
              default="auto", show_default=True,
              help="Colour text output. auto: on a terminal, unless NO_COLOR is set (not "
                   "empty); FORCE_COLOR (not empty) turns it on.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print nothing when the command succeeds (exit 0); a failure prints in "
                   "full. Errors always go to standard error.")
def cli(show_traceback: bool, color: str, quiet: bool) -> None:
    """Gatekeeper: an authority contract and enforcement layer for pull requests.

    Exit codes: 0 pass, 1 blocked, 2 bad usage, configuration or input, 3 internal error.
    """
    settings.update(color=color, quiet=quiet)


@cli.command()
@click.argument("body", required=False, metavar="[BODY|-]")
@click.argument("paths", nargs=-1, metavar="[PATHS]...")
@click.option("--changed-files", metavar="FILE|-",
              help="Changed paths, one per line; `git diff --name-status` lines also accepted.")
@click.option("--diff", "diff_range", metavar="BASE...HEAD",
              help="Take the changed paths from git diff over this range.")
@click.option("--policy", metavar="FILE",
              help="Policy file. Default: .github/gatekeeper.yml (or .yaml) at the git top "
                   "level, else the embedded default.")
@click.option("--default-policy", "embedded_policy", is_flag=True,
              help="Judge with the embedded default policy, whatever policy file the "
                   "repository has.")
@click.option("--format", "output_format", type=click.Choice(formats.VALIDATE.names()),
              default=formats.VALIDATE.default, show_default=True)
@click.option("--author", metavar="LOGIN", help="Pull request author, for exemptions.")
@click.option("--decision-file", metavar="FILE", help="Also write the decision record here.")
@click.option("--skip-missing-body", is_flag=True,
              help="When the BODY file does not exist, say so in one line and exit 0 (the "
                   "pre-commit hook, for those who keep no body file).")
@click.option("--pr", "pull_request", is_flag=False, flag_value="", metavar="[PR]",
              help="Judge a live pull request as GitHub shows it (body, files, reviews, the "
                   "base branch's policy): a URL, OWNER/REPO#N, #N or N (repository from "
                   "the origin remote), or no value for the current branch's. With BODY, "
                   "that body is judged in place of the pull request's. Token from "
                   "GITHUB_TOKEN, GH_TOKEN or `gh auth token`. Posts nothing.")
@org_policy_option
def validate(body: str | None, paths: tuple[str, ...], changed_files: str | None,
             diff_range: str | None, policy: str | None, embedded_policy: bool,
             output_format: str, author: str | None, decision_file: str | None,
             skip_missing_body: bool, pull_request: str | None,
             org_policy: str | None) -> None:
    """Decide pass or block for a pull request body and its changed paths.

    Changed paths come from PATHS, --changed-files, --diff, or standard input when none of
    these is given and it is not a terminal.
    """
    from gatekeeper.commands import validate as command

    options = command.ValidateOptions(
        body=body, paths=paths, changed_files=changed_files, diff_range=diff_range,
        policy=policy, embedded_policy=embedded_policy, output_format=output_format,
        author=author, decision_file=decision_file, pull_request=pull_request,
        color=settings["color"], skip_missing_body=skip_missing_body,
        org_policy=org_policy,
    )
    run(lambda out: command.run(options, out))


@cli.command()
def action() -> None:
    """Run as the required check inside GitHub Actions (used by action.yml).

    Reads the event from GITHUB_EVENT_NAME and GITHUB_EVENT_PATH and the inputs from
    GATEKEEPER_* variables; reports with annotations, the job summary and step outputs.
    """
    from gatekeeper.clock import now_utc
    from gatekeeper.commands import action as command

    exit_with(command.run(command.ActionOptions(environ=os.environ, now=now_utc()), sys.stdout))


@cli.command()
@click.option("--force", is_flag=True,
              help="Replace files that exist with other content (yours are lost).")
@click.option("--action-ref", metavar="OWNER/REPO@REF",
              help="The action the workflow uses. Default: the Gatekeeper action at this "
                   "version's release tag.")
@click.option("--hardened", is_flag=True,
              help="Write the hardened set-up: pull_request_target and merge_group with a "
                   "commit status, and the review trigger with its workflow_run verdict.")
@click.option("--metrics", is_flag=True,
              help="Also write the weekly metrics workflow (read-only).")
@click.option("--org", "organization", metavar="ORG",
              help="Write the organisation's policy repository instead: the central policy, "
                   "the required workflow, the metrics workflow and the admins' README.")
@click.option("--policy-repo", metavar="NAME", help="With --org: the policy repository's "
              "name. Default: gatekeeper-policy.")
@click.option("--policy-sha", metavar="SHA", help="With --org: the commit holding the central "
              "policy, which the required workflow names. Default: HEAD, once it holds it.")
@click.option("--org-policy", "org_policy", metavar="OWNER/REPO[:PATH][@REF]",
              help="This repository is under that central policy: write only a tightening "
                   "stub and the pull request template.")
def init(force: bool, action_ref: str | None, hardened: bool, metrics: bool,
         organization: str | None, policy_repo: str | None, policy_sha: str | None,
         org_policy: str | None) -> None:
    """Write .github/gatekeeper.yml, the pull request template and the workflow.

    At the git top level (else the current directory). Idempotent; never replaces a file
    that differs without --force. Exit 0 when all are in place, 1 when a differing file was
    left alone, 2 on bad usage or a file that could not be written.
    """
    from gatekeeper.commands import init as command

    chosen = [name for name, given in (("--org", organization), ("--org-policy", org_policy),
                                       ("--hardened", hardened), ("--metrics", metrics))
              if given]
    if (organization or org_policy) and len(chosen) > 1:
        raise click.UsageError(f"{' and '.join(chosen)} do not go together")
    if (policy_repo or policy_sha) and not organization:
        raise click.UsageError("--policy-repo and --policy-sha go with --org")
    options = command.InitOptions(cwd=Path.cwd(), force=force, action_ref=action_ref,
                                  hardened=hardened, metrics=metrics, org=organization,
                                  policy_repo=policy_repo, policy_sha=policy_sha,
                                  org_policy=org_policy)
    run(lambda out: command.run(options, out))


@cli.command()
@click.option("--repo", type=REPOSITORY, help=REPO_HELP)
@click.option("--org", "organization", metavar="ORG",
              help="Check every repository of the organisation instead (batched GraphQL).")
@click.option("--branch", metavar="BRANCH", help="Default: the repository's default branch.")
@click.option("--status-context", "status_contexts", multiple=True, metavar="CONTEXT",
              help="Another check or status name that counts as Gatekeeper's (repeatable). "
                   "The workflow's own job and status-context are found on their own.")
@click.option("--workflow", "workflow_path", default=WORKFLOW_PATH,
              show_default=True, metavar="PATH", help="The Gatekeeper workflow's path.")
@click.option("--format", "output_format", type=click.Choice(formats.DOCTOR.names()),
              default=formats.DOCTOR.default, show_default=True)
@click.option("--org-policy", "org_policy", metavar="OWNER/REPO[:PATH][@REF]",
              help="With --org: the central policy the required workflow names, so each "
                   "repository's policy file is reported as tightening it.")
def doctor(repo: str | None, organization: str | None, branch: str | None,
           status_contexts: tuple[str, ...], workflow_path: str, output_format: str,
           org_policy: str | None) -> None:
    """Check that GitHub really enforces Gatekeeper on a branch, or (--org) on every
    repository of an organisation.

    Branch protection or a ruleset must require the check and pull requests; the policy
    and the workflow must be on the branch. Token from GITHUB_TOKEN, GH_TOKEN or `gh auth
    token`; API base from GITHUB_API_URL. Exit 0 all pass, 1 any failed, 2 bad usage or
    (--org) anything that could not be read.
    """
    if repo is not None and organization is not None:
        raise click.UsageError("give --repo OWNER/REPO or --org ORG, not both")
    if organization is not None:
        if branch is not None:
            raise click.UsageError("--org checks each repository's default branch; "
                                   "--branch goes with --repo")
        from gatekeeper.commands.doctor import org as org_command

        exit_with(org_command.run(org_command.DoctorOrgOptions(
            org=organization, output_format=output_format, status_contexts=status_contexts,
            workflow_path=workflow_path, central=org_policy is not None), sys.stdout))
    if org_policy is not None:
        raise click.UsageError("--org-policy goes with --org")
    from gatekeeper.commands import doctor as command

    target, api = repository(repo)
    options = command.DoctorOptions(repo=target, branch=branch,
                                    status_contexts=status_contexts,
                                    workflow_path=workflow_path, api=api,
                                    output_format=output_format)
    run(lambda out: command.run(options, out))


@cli.group()
def policy() -> None:
    """Work with the policy file (.github/gatekeeper.yml)."""


@policy.command("check")
@click.argument("files", nargs=-1, metavar="[FILE]...")
@click.option("--format", "output_format", type=click.Choice(formats.POLICY_CHECK.names()),
              default=formats.POLICY_CHECK.default, show_default=True)
@org_policy_option
def policy_check(files: tuple[str, ...], output_format: str, org_policy: str | None) -> None:
    """Report every problem of the policy at once, each with its line.

    Default: .github/gatekeeper.yml (or .yaml) at the git top level. Exit 0 valid (or no
    policy file: the embedded default applies), 2 any problem.
    """
    from gatekeeper.commands import policy as command

    options = command.PolicyCheckOptions(files=files, cwd=Path.cwd(),
                                         output_format=output_format, org_policy=org_policy)
    run(lambda out: command.run(options, out))


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--policy", metavar="FILE",
              help="Policy file. Default: .github/gatekeeper.yml (or .yaml) at the git top "
                   "level, else the embedded default.")
@click.option("--format", "output_format", type=click.Choice(formats.EXPLAIN.names()),
              default=formats.EXPLAIN.default, show_default=True)
@org_policy_option
def explain(paths: tuple[str, ...], policy: str | None, output_format: str,
            org_policy: str | None) -> None:
    """Print each path's class and the pattern and policy line that decided it."""
    from gatekeeper.commands import explain as command

    options = command.ExplainOptions(paths=paths, policy=policy, cwd=Path.cwd(),
                                     output_format=output_format, org_policy=org_policy)
    run(lambda out: command.run(options, out))


cli.add_command(history.metrics)
cli.add_command(history.replay)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """The error boundary of every command."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--traceback" in args or os.environ.get("GATEKEEPER_DEBUG", "") not in ("", "0")
    try:
        cli.main(args=args, prog_name="gatekeeper", standalone_mode=False)
    except GatekeeperError as exc:
        click.echo(f"gatekeeper: error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("gatekeeper: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except SystemExit:
        raise
    except BaseException as exc:  # a bug: exit 3, never 1 ("blocked")
        if isinstance(exc, KeyboardInterrupt):
            sys.exit(130)
        if debug:
            traceback.print_exc()
        detail = " ".join(str(exc).split())[:300]
        click.echo(f"gatekeeper: internal error: {type(exc).__name__}"
                   f"{': ' + detail if detail else ''} (a bug in Gatekeeper; run with "
                   "--traceback or GATEKEEPER_DEBUG=1 for details)", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(0)
