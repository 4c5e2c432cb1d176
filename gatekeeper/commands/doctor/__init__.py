"""`gatekeeper doctor`: does GitHub really enforce the gate on a branch?

Four checks, one result line each (and a fix under every failure):

required check   branch protection or a ruleset requires Gatekeeper's check
pull requests    branch protection or a ruleset requires a pull request, so no push skips it
policy           the policy file exists on the branch and is valid
workflow         the workflow on the branch listens to the events the gate needs

Exit codes: 0 when all pass, 1 when any fails, 2 for bad usage or an unreadable repository.
The forge reads the settings as typed facts (``gatekeeper.forge.EnforcementFacts``); the
judging in ``judge`` and ``workflow`` is pure.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from gatekeeper.commands.doctor.judge import (
    accepted_contexts,
    check_policy,
    check_pull_requests,
    check_required,
)
from gatekeeper.commands.doctor.render import render
from gatekeeper.commands.doctor.results import CheckResult, Report
from gatekeeper.commands.doctor.workflow import check_workflow
from gatekeeper.constants import EXIT_BLOCKED, EXIT_PASS, POLICY_PATH, WORKFLOW_PATH
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable, RepositorySettings


@dataclass(frozen=True)
class DoctorOptions:
    repo: str
    branch: str | None
    status_contexts: tuple[str, ...] = ()
    workflow_path: str = WORKFLOW_PATH
    policy_path: str | None = None


def diagnose(
    settings: RepositorySettings,
    repo: str,
    branch: str | None,
    *,
    status_contexts: Sequence[str] = (),
    workflow_path: str = WORKFLOW_PATH,
    policy_path: str | None = None,
) -> Report:
    if branch is None:
        try:
            branch = settings.default_branch(repo)
        except ForgeUnavailable as exc:
            raise GatekeeperError(
                f"cannot read repository {repo} ({_http(exc)}): check the name, and that the "
                "token (GITHUB_TOKEN or GH_TOKEN) can read it; or pass --branch"
            ) from None
    protection = settings.protection_facts(repo, branch)
    rules = settings.rules_facts(repo, branch)
    workflow_result, facts = check_workflow(
        settings.file_facts(repo, workflow_path, branch), workflow_path, branch, rules,
    )
    policy_at = policy_path or facts.policy_path or POLICY_PATH
    accepted = accepted_contexts(facts, status_contexts)
    results = (
        check_required(protection, rules, accepted, branch),
        check_pull_requests(protection, rules, branch),
        check_policy(settings.file_facts(repo, policy_at, branch), policy_at, branch),
        workflow_result,
    )
    return Report(repo=repo, branch=branch, results=results)


def run(options: DoctorOptions, out: TextIO) -> int:
    from gatekeeper.forge.github import GitHubForge
    from gatekeeper.forge.github.auth import api_url, find_token

    token = find_token()
    # PyGithub logs every refused request at INFO on standard error; the result lines
    # already say what failed, and how to fix it.
    logging.getLogger("github").setLevel(logging.WARNING)
    forge = GitHubForge(token, api_url(), retries=1)
    report = diagnose(forge, options.repo, options.branch,
                      status_contexts=options.status_contexts,
                      workflow_path=options.workflow_path, policy_path=options.policy_path)
    if token is None:
        report = Report(report.repo, report.branch, report.results, (
            "no token found (GITHUB_TOKEN, GH_TOKEN or `gh auth token`): GitHub answered "
            "anonymously, and branch protection is visible to repository admins only",))
    render(report, out)
    return EXIT_PASS if report.ok else EXIT_BLOCKED


def _http(exc: ForgeUnavailable) -> str:
    shown = f"HTTP {exc.status}" if exc.status else "no response"
    return f"{shown}: {exc.detail}" if exc.detail else shown


__all__ = ["CheckResult", "DoctorOptions", "Report", "check_policy", "check_pull_requests",
           "check_required", "check_workflow", "diagnose", "render", "run"]
