"""The live pull request `validate --pr` judges: which one, on which GitHub, with which
token, read once up front so that a wrong name or token is a usage error (exit 2), not a
decision."""

from __future__ import annotations

import dataclasses
import logging
import os
import urllib.parse
from collections.abc import Mapping
from pathlib import Path

from gatekeeper.constants import POLICY_PATH
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable, PullRequestInfo
from gatekeeper.forge.github import GitHubForge
from gatekeeper.forge.github.auth import api_url, api_url_for_host, require_token, web_host
from gatekeeper.local.policy_source import candidate_paths
from gatekeeper.local.pull_target import BranchTarget, PullTarget, resolve


class LocalBodyForge(GitHubForge):
    """GitHub as it is, except that the pull request's body is the one being edited
    locally: files, reviews and the base branch's policy stay GitHub's."""

    def __init__(self, body: str, token: str | None, api: str | None,
                 policy_paths: tuple[str, ...] = ()):
        super().__init__(token, api, policy_paths=policy_paths, snapshot_reads=True)
        self._local_body = body

    def pull_request(self, repo: str, number: int, *, keep: bool = False) -> PullRequestInfo:
        return dataclasses.replace(super().pull_request(repo, number, keep=keep),
                                   body=self._local_body)


def choose_api(target: PullTarget | BranchTarget, environ: Mapping[str, str]) -> str | None:
    """GITHUB_API_URL when set (a pull request URL on another host is an error), else the
    API of the host the pull request or the remote names, else api.github.com."""
    configured = api_url(environ)
    web = urllib.parse.urlsplit(target.web) if target.web else None
    if configured:
        named_by_url = isinstance(target, PullTarget) and target.from_url
        if web is not None and named_by_url and web.netloc != web_host(configured):
            raise GatekeeperError(f"--pr names a pull request on {web.netloc}, but "
                                  f"GITHUB_API_URL is {configured}; unset it or point it at "
                                  f"that host's API")
        return configured
    if web is None:
        return None
    return api_url_for_host(web.netloc, web.scheme)


def _usage_error(exc: ForgeUnavailable) -> GatekeeperError:
    return GatekeeperError(str(exc))


def connect(reference: str, *, cwd: Path, body: str | None,
            environ: Mapping[str, str] = os.environ) -> tuple[GitHubForge, PullTarget]:
    try:
        target = resolve(reference, cwd=cwd)
    except GatekeeperError as exc:
        if reference and (cwd / reference).is_file():
            raise GatekeeperError(f"{exc}; to judge a local body against a pull request, "
                                  "put the body first: gatekeeper validate BODY --pr "
                                  "[PR]") from None
        raise
    api = choose_api(target, environ)
    token = require_token(environ, api=api)
    # PyGithub logs every refused request on standard error; the error line says it all.
    logging.getLogger("github").setLevel(logging.WARNING)
    # validate --pr judges by the default policy path; it is read with the pull request.
    paths = candidate_paths(POLICY_PATH)
    forge = GitHubForge(token, api, policy_paths=paths, snapshot_reads=True) if body is None else \
        LocalBodyForge(body, token, api, paths)
    if isinstance(target, BranchTarget):
        target = _branch_pull(forge, target)
    try:
        # The evaluation's own first read is this one: the pull request is read once.
        forge.pull_request(target.repo, target.number, keep=True)
    except ForgeUnavailable as exc:
        if exc.hint:  # a refusal or an unreachable host: asking again will not help
            raise _usage_error(exc) from None
        # Anything else is left to the evaluation, which blocks with GK904.
    return forge, target


def _branch_pull(forge: GitHubForge, branch: BranchTarget) -> PullTarget:
    try:
        numbers = forge.open_pulls_for_head(branch.repo, branch.head)
    except ForgeUnavailable as exc:
        raise _usage_error(exc) from None
    if not numbers:
        raise GatekeeperError(f"no open pull request into {branch.repo} from {branch.head}; "
                              "push the branch and open one, or pass --pr N")
    if len(numbers) > 1:
        listed = ", ".join(f"#{n}" for n in numbers)
        raise GatekeeperError(f"{branch.head} has several open pull requests into "
                              f"{branch.repo} ({listed}); pass --pr N")
    return PullTarget(branch.repo, numbers[0], web=branch.web)
