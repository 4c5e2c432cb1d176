"""The commands over a repository's pull request history: `metrics` (and `metrics merge`)
and `replay`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from gatekeeper import formats
from gatekeeper.cli.options import (
    DATE,
    REPO_HELP,
    REPOSITORY,
    exit_with,
    repository,
)


def history_options(function: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        click.option("--since", type=DATE, metavar="DATE",
                     help="First day (YYYY-MM-DD); its whole ISO week is included."),
        click.option("--until", type=DATE, metavar="DATE",
                     help="Last day (YYYY-MM-DD); its whole ISO week is included."),
        click.option("--base", "bases", multiple=True, metavar="BRANCH",
                     help="Base branch of the pull requests counted (repeatable). "
                          "Default: the repository's default branch."),
        click.option("--cache", "cache", metavar="FILE",
                     help="SQLite cache; a rerun asks GitHub only for what changed. "
                          "Default: in the user cache folder, never in the clone."),
        click.option("--page-size", type=click.IntRange(10, 100), default=100,
                     show_default=True, help="Pull requests per GraphQL request."),
        click.option("--retry-backoff", type=float, default=1.0, hidden=True),
        click.option("--output", metavar="FILE", help="Write here (atomically), not stdout."),
    ]):
        function = option(function)
    return function


def history_access(cache: str | None, page_size: int, retry_backoff: float,
            api: str | None = None) -> Any:
    from gatekeeper.commands.history_access import GitHubAccess, default_cache_path
    from gatekeeper.forge.github.auth import api_url, graphql_url, require_token
    from gatekeeper.history.fetch import RetrySettings

    api = api or api_url()
    graphql = graphql_url() or (api.removesuffix("/v3") + "/graphql"
                                if api and api.endswith("/api/v3") else None)
    return GitHubAccess(token=require_token(api=api), api_url=api, graphql_url=graphql,
                        cache_path=Path(cache) if cache else default_cache_path(),
                        page_size=page_size,
                        retry=RetrySettings(backoff=retry_backoff))


@click.group(invoke_without_command=True)
@click.option("--repo", type=REPOSITORY, help=REPO_HELP)
@click.option("--org", "organization", metavar="ORG",
              help="Every repository of the organisation (archived ones left out): each "
                   "one's rows and the organisation's total.")
@click.option("--shard", metavar="K/N",
              help="With --org: only the K-th of N deterministic shares of the repositories, "
                   "as JSON for `gatekeeper metrics merge`.")
@history_options
@click.option("--format", "output_format", type=click.Choice(formats.METRICS.names()),
              default=formats.METRICS.default, show_default=True)
@click.option("--policy", metavar="FILE",
              help="Replay pre-rollout pull requests with this policy. Default: "
                   ".github/gatekeeper.yml on the default branch, else the embedded one.")
@click.option("--rollout", type=DATE, metavar="DATE",
              help="When Gatekeeper was rolled out; earlier pull requests without its "
                   "labels are replayed. Default: the first Gatekeeper label event.")
@click.option("--include-replayed", is_flag=True,
              help="Count replayed decisions in the headline rate too.")
@click.pass_context
def metrics(ctx: click.Context, repo: str | None, organization: str | None,
            shard: str | None, since: datetime | None, until: datetime | None,
            bases: tuple[str, ...], cache: str | None, page_size: int, retry_backoff: float,
            output: str | None, output_format: str, policy: str | None,
            rollout: datetime | None, include_replayed: bool) -> None:
    """Weekly block rates and RED review times, from the action's labels (docs/metrics.md).

    Token from GITHUB_TOKEN (or GH_TOKEN, `gh auth token`); API base from GITHUB_API_URL
    and GITHUB_GRAPHQL_URL. Exit 0 written, 2 bad usage or GitHub unreachable (what was
    fetched stays cached; run again to resume).
    """
    if ctx.invoked_subcommand is not None:
        return
    if repo is not None and organization is not None:
        raise click.UsageError("give --repo OWNER/REPO or --org ORG, not both")
    if shard is not None and organization is None:
        raise click.UsageError("--shard goes with --org")
    from gatekeeper.commands import metrics as command

    if organization is not None:
        from gatekeeper.forge.github.auth import api_url

        target, api = "", api_url()
    else:
        target, api = repository(repo)
    options = command.MetricsOptions(
        repo=target, since=since.date() if since else None,
        until=until.date() if until else None, bases=bases, output_format=output_format,
        output=Path(output) if output else None, policy_file=policy,
        rollout=rollout.replace(tzinfo=UTC) if rollout else None,
        include_replayed=include_replayed,
    )
    access = history_access(cache, page_size, retry_backoff, api=api)
    if organization is not None:
        from gatekeeper.metrics.org import parse_shard

        exit_with(command.run_org(command.OrgMetricsOptions(
            org=organization, shard=parse_shard(shard) if shard else None,
            repository=options), sys.stdout, access=access, stderr=sys.stderr))
    exit_with(command.run(options, sys.stdout, access=access, stderr=sys.stderr))


@metrics.command("merge")
@click.argument("shards", nargs=-1, required=True, metavar="SHARD.json...")
@click.option("--format", "output_format", type=click.Choice(formats.METRICS_ORG.names()),
              default=formats.METRICS_ORG.default, show_default=True)
@click.option("--output", metavar="FILE", help="Write here (atomically), not stdout.")
def metrics_merge(shards: tuple[str, ...], output_format: str, output: str | None) -> None:
    """Join the shards of `metrics --org ORG --shard K/N` into exactly the export one
    `metrics --org ORG` run gives. Every shard must be there, once."""
    from gatekeeper.commands import metrics as command

    exit_with(command.run_merge(shards, output_format, Path(output) if output else None,
                            sys.stdout))


@click.command()
@click.option("--baseline-policy", required=True, metavar="FILE", help="The current policy.")
@click.option("--candidate-policy", required=True, metavar="FILE", help="The proposed policy.")
@click.option("--from", "from_dir", metavar="DIR",
              help="Saved pull requests: N.md bodies with N.files changed-path lists.")
@click.option("--repo", type=REPOSITORY, help="A repository's pull request history.")
@history_options
@click.option("--format", "output_format", type=click.Choice(formats.REPLAY.names()),
              default=formats.REPLAY.default, show_default=True, help=formats.REPLAY.help())
@click.option("--changed-only", is_flag=True, help="List only pull requests that change.")
def replay(baseline_policy: str, candidate_policy: str, from_dir: str | None,
           repo: str | None, since: datetime | None, until: datetime | None,
           bases: tuple[str, ...], cache: str | None, page_size: int, retry_backoff: float,
           output: str | None, output_format: str, changed_only: bool) -> None:
    """Decide past pull requests under two policies, side by side.

    Exit 1 when the candidate blocks a pull request the baseline passes, else 0;
    2 on bad usage or unreadable input.
    """
    from gatekeeper.commands import replay as command

    options = command.ReplayOptions(
        baseline=baseline_policy, candidate=candidate_policy,
        from_dir=Path(from_dir) if from_dir else None, repo=repo,
        since=since.date() if since else None, until=until.date() if until else None,
        bases=bases, output_format=output_format, output=Path(output) if output else None,
        changed_only=changed_only,
    )
    access = history_access(cache, page_size, retry_backoff) if repo else None
    exit_with(command.run(options, sys.stdout, access=access, stderr=sys.stderr))


