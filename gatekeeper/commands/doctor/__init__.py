"""`gatekeeper doctor`: does GitHub really enforce the gate on a branch?

Seven checks, one result line each (and a fix under every failure):

required check   branch protection or a ruleset requires Gatekeeper's check, pinned to
                 GitHub Actions (or, hardened, the commit status naming the branch)
pull requests    branch protection or a ruleset requires a pull request, so no push skips it
stale reviews    the ruleset or protection dismisses stale approvals on push
bypass           who may bypass the ruleset or the protection: a warning per actor
code owners      CODEOWNERS gives the policy and the workflows owners whose review is required
policy           the policy file exists on the branch and is valid
workflow         the workflow on the branch listens to the events the gate needs, and (a
                 warning otherwise) pins the Gatekeeper commit of the CLI running doctor

Exit codes: 0 when all pass (warnings included), 1 when any fails, 2 for bad usage, an
unreadable repository, a branch that does not exist, GitHub out of reach, or any check
whose facts could not be read (it shows UNREAD, never PASS).
The forge reads the settings as typed facts (``gatekeeper.forge.EnforcementFacts``); the
judging in ``judge`` and ``workflow`` is pure.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

import gatekeeper
from gatekeeper import Build, formats
from gatekeeper.commands.doctor.bypass import check_bypass
from gatekeeper.commands.doctor.codeowners import NEW_WORKFLOW, check_codeowners
from gatekeeper.commands.doctor.judge import (
    accepted_contexts,
    check_policy,
    check_pull_requests,
    check_required,
)
from gatekeeper.commands.doctor.render import render
from gatekeeper.commands.doctor.results import CheckResult, Report
from gatekeeper.commands.doctor.stale import check_stale_approvals
from gatekeeper.commands.doctor.workflow import check_workflow, pin_warnings
from gatekeeper.constants import (
    CODEOWNERS_PATHS,
    EXIT_BLOCKED,
    EXIT_PASS,
    EXIT_USAGE,
    GITHUB_ACTIONS_APP_ID,
    POLICY_PATH,
    WORKFLOW_PATH,
)
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable, RepositorySettings


@dataclass(frozen=True)
class DoctorOptions:
    repo: str
    branch: str | None
    status_contexts: tuple[str, ...] = ()
    workflow_path: str = WORKFLOW_PATH
    policy_path: str | None = None
    # The REST API base: GITHUB_API_URL, or the API of the origin remote's host.
    api: str | None = None
    output_format: str = formats.DOCTOR.default


def diagnose(
    settings: RepositorySettings,
    repo: str,
    branch: str | None,
    *,
    status_contexts: Sequence[str] = (),
    workflow_path: str = WORKFLOW_PATH,
    policy_path: str | None = None,
    actions_app: int | None = GITHUB_ACTIONS_APP_ID,
    build: Build | None = None,
) -> Report:
    """``actions_app``: the GitHub Actions app id the required check must be pinned to;
    None on GitHub Enterprise Server (its id differs), where any pinned app is accepted.
    ``build``: the Gatekeeper running (default: this one), whose commit the workflow should
    pin."""
    if branch is None:
        branch = _default_branch(settings, repo)
    _branch_must_exist(settings, repo, branch)
    protection = settings.protection_facts(repo, branch)
    rules = settings.rules_facts(repo, branch)
    workflow_result, facts = check_workflow(
        settings.file_facts(repo, workflow_path, branch), workflow_path, branch, rules,
    )
    pins = pin_warnings(facts, workflow_path, build or gatekeeper.BUILD)
    if pins:
        workflow_result = dataclasses.replace(
            workflow_result, warnings=workflow_result.warnings + pins)
    policy_at = policy_path or facts.policy_path or POLICY_PATH
    accepted = accepted_contexts(facts, status_contexts, branch=branch)
    found, error = _codeowners(settings, repo, branch)
    owned = (("the policy", policy_at), ("the Gatekeeper workflow", workflow_path),
             ("a new workflow", NEW_WORKFLOW), ("CODEOWNERS itself", found[0] if found
                                                 else CODEOWNERS_PATHS[0]))
    results = (
        check_required(protection, rules, accepted, branch, app=actions_app,
                       hardened=facts.hardened),
        check_pull_requests(protection, rules, branch),
        check_stale_approvals(protection, rules, branch),
        check_bypass(protection, rules, branch),
        check_codeowners(found, error, owned, protection, rules, branch),
        check_policy(settings.file_facts(repo, policy_at, branch), policy_at, branch),
        workflow_result,
    )
    return Report(repo=repo, branch=branch, results=results)


def _unreachable(exc: ForgeUnavailable) -> GatekeeperError | None:
    """GitHub did not answer at all: one line naming the URL, not a word about the token."""
    if exc.status is None and exc.hint:
        return GatekeeperError(exc.hint)
    return None


def _default_branch(settings: RepositorySettings, repo: str) -> str:
    try:
        return settings.default_branch(repo)
    except ForgeUnavailable as exc:
        unreachable = _unreachable(exc)
        if unreachable is not None:
            raise unreachable from None
        raise GatekeeperError(
            f"cannot read repository {repo} ({_http(exc)}): check the name, and that the "
            "token (GITHUB_TOKEN or GH_TOKEN) can read it; or pass --branch"
        ) from None


def _branch_must_exist(settings: RepositorySettings, repo: str, branch: str) -> None:
    try:
        exists = settings.branch_exists(repo, branch)
    except ForgeUnavailable as exc:
        unreachable = _unreachable(exc)
        if unreachable is not None:
            raise unreachable from None
        return  # the checks below say what they could not read
    if not exists:
        # GitHub answers 404 for a repository the token cannot see, too.
        default = _default_branch(settings, repo)
        raise GatekeeperError(f"branch {branch} does not exist in {repo} (its default branch "
                              f"is {default}): check --branch, or leave it out to check "
                              f"{default}")


def _codeowners(settings: RepositorySettings, repo: str, branch: str
                ) -> tuple[tuple[str, str] | None, str]:
    """The CODEOWNERS GitHub uses (the first of its three places), or why it is unknown."""
    for path in CODEOWNERS_PATHS:
        file = settings.file_facts(repo, path, branch)
        if file.error:
            return None, file.error
        if file.text is not None:
            return (path, file.text), ""
    return None, ""


def run(options: DoctorOptions, out: TextIO) -> int:
    renderer = formats.DOCTOR.renderer(options.output_format)
    from gatekeeper.forge.github import GitHubForge
    from gatekeeper.forge.github.auth import api_url, find_token

    api = options.api or api_url()
    token = find_token(api=api)
    # PyGithub logs every refused request at INFO on standard error; the result lines
    # already say what failed, and how to fix it.
    logging.getLogger("github").setLevel(logging.WARNING)
    forge = GitHubForge(token, api, retries=1)
    report = diagnose(forge, options.repo, options.branch,
                      status_contexts=options.status_contexts,
                      workflow_path=options.workflow_path, policy_path=options.policy_path,
                      actions_app=GITHUB_ACTIONS_APP_ID if _is_github_com(api) else None)
    if token is None:
        report = Report(report.repo, report.branch, report.results, (
            "no token found (GITHUB_TOKEN, GH_TOKEN or `gh auth token`): GitHub answered "
            "anonymously, and branch protection is visible to repository admins only",))
    renderer(report, out)
    if report.unread:
        return EXIT_USAGE  # not known is not a verdict: never a pass, never a plain fail
    return EXIT_PASS if report.ok else EXIT_BLOCKED


def _is_github_com(api: str | None) -> bool:
    """GitHub Enterprise Server serves its API under /api/v3; github.com at the root."""
    from urllib.parse import urlsplit

    return not urlsplit(api or "").path.rstrip("/").endswith("/api/v3")


def _http(exc: ForgeUnavailable) -> str:
    shown = f"HTTP {exc.status}" if exc.status else "no response"
    return f"{shown}: {exc.detail}" if exc.detail else shown


__all__ = ["CheckResult", "DoctorOptions", "Report", "check_bypass", "check_codeowners",
           "check_policy", "check_pull_requests", "check_required", "check_stale_approvals",
           "check_workflow",
           "diagnose", "render", "run"]
