"""`gatekeeper doctor`: does GitHub really enforce the gate on a branch?

Four checks, one result line each (and a fix under every failure):

required check   branch protection or a ruleset requires Gatekeeper's check
pull requests    branch protection or a ruleset requires a pull request, so no push skips it
policy           the policy file exists on the branch and is valid
workflow         the workflow on the branch listens to the events the gate needs

Exit codes: 0 when all pass, 1 when any fails, 2 for bad usage or an unreadable repository.
The reading is done through the GitHub adapter; the judging below is pure.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import yaml

from gatekeeper import resources
from gatekeeper.adapters.github import GitHubClient, GitHubUnavailable
from gatekeeper.commands import (
    CHECK_DISPLAY_NAME,
    DOCS_URL,
    JOB_ID,
    POLICY_PATH,
    PULL_REQUEST_TYPES,
    REVIEW_TYPES,
    WORKFLOW_PATH,
)
from gatekeeper.core.model import RiskClass
from gatekeeper.core.policy import parse_policy
from gatekeeper.errors import GatekeeperError

EXIT_OK, EXIT_FAILED = 0, 1

_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
# Types a trigger listens to when the workflow names the event without `types:`.
_DEFAULT_TYPES: dict[str, tuple[str, ...]] = {
    "pull_request": ("opened", "synchronize", "reopened"),
    "pull_request_target": ("opened", "synchronize", "reopened"),
    "pull_request_review": ("submitted", "edited", "dismissed"),
    "merge_group": ("checks_requested",),
}
_HEAD_REF = re.compile(r"head|refs/pull|merge_commit_sha", re.IGNORECASE)
_DOCS = f"{DOCS_URL}/getting-started.md#4-require-the-check-and-pull-requests"


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class Protection:
    """What the branch protection endpoint said: the settings, or why there are none."""

    data: dict[str, Any] | None
    status: int | None = None  # HTTP status when data is None
    message: str = ""

    @property
    def unprotected(self) -> bool:
        return self.data is None and self.status == 404 and "not protected" in self.message.lower()

    @property
    def unreadable(self) -> bool:
        return self.data is None and not self.unprotected


@dataclass(frozen=True)
class Rules:
    """The active ruleset rules on the branch, or why they could not be read."""

    items: tuple[dict[str, Any], ...] = ()
    error: str = ""


@dataclass(frozen=True)
class Unreadable:
    """A file that could not be read, and why."""

    error: str


@dataclass(frozen=True)
class WorkflowFacts:
    """What the Gatekeeper workflow on the branch says about how the gate reports."""

    hardened: bool = False
    check_names: tuple[str, ...] = ()
    status_contexts: tuple[str, ...] = ()
    policy_path: str | None = None


@dataclass(frozen=True)
class Report:
    repo: str
    branch: str
    results: tuple[CheckResult, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


# --- Reading GitHub ------------------------------------------------------------------------


def check_repository_name(repo: str) -> str:
    if not _REPO.match(repo.strip()):
        raise GatekeeperError(f"--repo takes OWNER/REPO, not {repo!r}")
    return repo.strip()


def default_branch(client: GitHubClient, repo: str) -> str:
    try:
        data = client.repository(repo)
    except GitHubUnavailable as exc:
        raise GatekeeperError(
            f"cannot read repository {repo} ({_http(exc)}): check the name, and that the "
            "token (GITHUB_TOKEN or GH_TOKEN) can read it; or pass --branch"
        ) from None
    branch = data.get("default_branch")
    if not isinstance(branch, str) or not branch:
        raise GatekeeperError(f"GitHub names no default branch for {repo}; pass --branch")
    return branch


def read_protection(client: GitHubClient, repo: str, branch: str) -> Protection:
    try:
        return Protection(client.branch_protection(repo, branch))
    except GitHubUnavailable as exc:
        return Protection(None, exc.status, exc.detail)


def read_rules(client: GitHubClient, repo: str, branch: str) -> Rules:
    try:
        return Rules(tuple(client.branch_rules(repo, branch)))
    except GitHubUnavailable as exc:
        if exc.status == 404:  # no rulesets feature (older GitHub Enterprise Server)
            return Rules()
        return Rules(error=f"cannot read the rulesets ({_http(exc)})")


def read_file(client: GitHubClient, repo: str, path: str, branch: str) -> str | Unreadable | None:
    try:
        return client.file_at(repo, path, branch)
    except GitHubUnavailable as exc:
        return Unreadable(f"cannot read {path} on {branch} ({_http(exc)})")


def diagnose(
    client: GitHubClient,
    repo: str,
    branch: str | None,
    *,
    status_contexts: Sequence[str] = (),
    workflow_path: str = WORKFLOW_PATH,
    policy_path: str | None = None,
) -> Report:
    repo = check_repository_name(repo)
    branch = branch or default_branch(client, repo)
    protection = read_protection(client, repo, branch)
    rules = read_rules(client, repo, branch)
    workflow_result, facts = check_workflow(
        read_file(client, repo, workflow_path, branch), workflow_path, branch, rules,
    )
    policy_at = policy_path or facts.policy_path or POLICY_PATH
    accepted = accepted_contexts(facts, status_contexts)
    results = (
        check_required(protection, rules, accepted, branch),
        check_pull_requests(protection, rules, branch),
        check_policy(read_file(client, repo, policy_at, branch), policy_at, branch),
        workflow_result,
    )
    return Report(repo=repo, branch=branch, results=results)


# --- Judging -------------------------------------------------------------------------------


def accepted_contexts(facts: WorkflowFacts, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Every check or status name that stands for Gatekeeper's verdict."""
    names = [JOB_ID, CHECK_DISPLAY_NAME, *facts.check_names, *facts.status_contexts, *extra]
    return tuple(dict.fromkeys(n for n in names if n))


def protection_contexts(data: Mapping[str, Any]) -> list[str]:
    checks = data.get("required_status_checks") or {}
    if not isinstance(checks, dict):
        return []
    contexts = [c for c in checks.get("contexts") or () if isinstance(c, str)]
    contexts += [c["context"] for c in checks.get("checks") or ()
                 if isinstance(c, dict) and isinstance(c.get("context"), str)]
    return list(dict.fromkeys(contexts))


def _rules_of(rules: Rules, kind: str) -> list[dict[str, Any]]:
    return [r for r in rules.items if r.get("type") == kind]


def _parameters(rule: Mapping[str, Any]) -> dict[str, Any]:
    parameters = rule.get("parameters")
    return parameters if isinstance(parameters, dict) else {}


def _ruleset(rule: Mapping[str, Any]) -> str:
    ruleset_id = rule.get("ruleset_id")
    source = rule.get("ruleset_source")
    kind = str(rule.get("ruleset_source_type") or "").lower()
    where = f" of {'organisation' if kind == 'organization' else 'repository'} {source}" \
        if source else ""
    return f"ruleset {ruleset_id}{where}" if ruleset_id is not None else f"a ruleset{where}"


def _gatekeeper_workflows(rules: Rules) -> list[tuple[dict[str, Any], str]]:
    """``workflows`` rules (required workflows from a policy repository) that run Gatekeeper."""
    found = []
    for rule in _rules_of(rules, "workflows"):
        for workflow in _parameters(rule).get("workflows") or ():
            path = workflow.get("path") if isinstance(workflow, dict) else None
            if isinstance(path, str) and "gatekeeper" in path.lower():
                found.append((rule, path))
    return found


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _cannot_read_protection(protection: Protection) -> str:
    if protection.status == 401:
        return ("cannot read branch protection (HTTP 401): GitHub refused the token; set "
                "GITHUB_TOKEN or GH_TOKEN to a valid token of a repository admin")
    return (f"cannot read branch protection (HTTP {protection.status or 'error'}): the token "
            "needs admin read on the repository (fine-grained token: Administration read; "
            "classic token: repo scope, from a repository admin)")


def check_required(protection: Protection, rules: Rules, accepted: Sequence[str],
                   branch: str) -> CheckResult:
    name = "required check"
    wanted = {a.casefold() for a in accepted}
    if protection.data is not None:
        contexts = protection_contexts(protection.data)
        hit = [c for c in contexts if c.casefold() in wanted]
        if hit:
            return CheckResult(name, True, f"branch protection on {branch} requires {_quoted(hit)}")
    for rule in _rules_of(rules, "required_status_checks"):
        checks = _parameters(rule).get("required_status_checks") or ()
        hit = [c["context"] for c in checks if isinstance(c, dict)
               and isinstance(c.get("context"), str) and c["context"].casefold() in wanted]
        if hit:
            return CheckResult(name, True, f"{_ruleset(rule)} requires {_quoted(hit)} on {branch}")
    workflows = _gatekeeper_workflows(rules)
    if workflows:
        rule, path = workflows[0]
        return CheckResult(name, True, f"{_ruleset(rule)} requires the workflow {path} on {branch}")

    fix = (f'require the status check "{JOB_ID}" on {branch} in a ruleset or in branch '
           f"protection (see {_DOCS})")
    problems: list[str] = []
    if protection.unreadable:
        problems.append(_cannot_read_protection(protection))
        fix += "; or run doctor with a repository admin's token"
    elif protection.unprotected:
        problems.append(f"{branch} has no branch protection")
    elif others := protection_contexts(protection.data or {}):
        problems.append(f'branch protection requires {_quoted(others)} but not "{JOB_ID}"')
    else:
        problems.append("branch protection requires no status check")
    ruleset_checks = [c.get("context") for rule in _rules_of(rules, "required_status_checks")
                      for c in _parameters(rule).get("required_status_checks") or ()
                      if isinstance(c, dict)]
    if rules.error:
        problems.append(rules.error)
    elif ruleset_checks:
        problems.append(f"rulesets require {_quoted(str(c) for c in ruleset_checks)} only")
    else:
        problems.append("no ruleset requires it")
    return CheckResult(name, False, "; ".join(problems), fix)


def check_pull_requests(protection: Protection, rules: Rules, branch: str) -> CheckResult:
    name = "pull requests"
    if protection.data is not None and protection.data.get("required_pull_request_reviews"):
        reviews = protection.data["required_pull_request_reviews"]
        count = reviews.get("required_approving_review_count") if isinstance(reviews, dict) \
            else None
        approvals = (f" ({count} approving review{'' if count == 1 else 's'})"
                     if isinstance(count, int) else "")
        return CheckResult(name, True,
                           f"branch protection on {branch} requires a pull request{approvals}")
    pull_rules = _rules_of(rules, "pull_request")
    if pull_rules:
        return CheckResult(name, True, f"{_ruleset(pull_rules[0])} requires a pull request "
                                       f"on {branch}")
    fix = (f'turn on "Require a pull request before merging" for {branch} in a ruleset or in '
           "branch protection, so no push (by a person, a bot or an agent) skips the gate")
    if protection.unreadable:
        detail = _cannot_read_protection(protection)
        fix += "; or run doctor with a repository admin's token"
    else:
        detail = f"nothing requires a pull request on {branch}, so a direct push skips the gate"
    if rules.error:
        detail += f"; {rules.error}"
    return CheckResult(name, False, detail, fix)


def check_policy(text: str | Unreadable | None, path: str, branch: str) -> CheckResult:
    name = "policy"
    if isinstance(text, Unreadable):
        return CheckResult(name, False, text.error,
                           "re-run with a token that can read the repository's contents")
    if text is None:
        return CheckResult(
            name, False,
            f"no {path} on {branch}: the embedded default policy applies, unpinned and "
            "unreviewed by you",
            f"run `gatekeeper init`, review {path}, and merge it into {branch}",
        )
    try:
        policy = parse_policy(text, file=f"{path}@{branch}", schema=resources.schema("policy"))
    except GatekeeperError as exc:
        return CheckResult(name, False, f"{path} on {branch} is invalid: {exc}",
                           f"fix it (check locally with `gatekeeper validate --policy {path}`), "
                           f"then merge the fix into {branch}")
    sizes = ", ".join(f"{c.value} {len(policy.classes[c].patterns)} patterns"
                      for c in (RiskClass.RED, RiskClass.AMBER) if c in policy.classes)
    return CheckResult(name, True, f"{path} on {branch} is valid" + (f" ({sizes})" if sizes
                                                                       else ""))


def _triggers(document: Mapping[Any, Any]) -> dict[str, tuple[str, ...]] | None:
    # YAML 1.1 reads a bare `on` key as the boolean true.
    raw = document.get("on", document.get(True))
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, list):
        raw = {event: None for event in raw if isinstance(event, str)}
    if not isinstance(raw, dict):
        return None
    triggers: dict[str, tuple[str, ...]] = {}
    for event, config in raw.items():
        if not isinstance(event, str):
            continue
        types = config.get("types") if isinstance(config, dict) else None
        if isinstance(types, str):
            types = [types]
        if isinstance(types, list):
            triggers[event] = tuple(str(t) for t in types)
        else:
            triggers[event] = _DEFAULT_TYPES.get(event, ())
    return triggers


def _missing(triggers: Mapping[str, tuple[str, ...]], event: str,
             wanted: Sequence[str]) -> str | None:
    if event not in triggers:
        return f"{event} ({', '.join(wanted)})"
    lacking = [t for t in wanted if t not in triggers[event]]
    return f"{event} types {', '.join(lacking)}" if lacking else None


def _is_gatekeeper_step(step: Mapping[str, Any]) -> bool:
    uses = step.get("uses")
    return isinstance(uses, str) and ("gatekeeper" in uses.lower() or uses.startswith("./"))


def workflow_facts(document: Mapping[Any, Any], triggers: Mapping[str, Any]) -> WorkflowFacts:
    workflow_name = document.get("name") if isinstance(document.get("name"), str) else None
    check_names: list[str] = []
    status_contexts: list[str] = []
    policy_path: str | None = None
    jobs = document.get("jobs")
    for job_id, job in (jobs.items() if isinstance(jobs, dict) else ()):
        if not isinstance(job, dict):
            continue
        steps = [s for s in job.get("steps") or () if isinstance(s, dict)]
        ours = [s for s in steps if _is_gatekeeper_step(s)]
        if not ours:
            continue
        named = job.get("name")
        job_name = named if isinstance(named, str) else str(job_id)
        check_names.append(job_name)
        if workflow_name:
            check_names.append(f"{workflow_name} / {job_name}")
        for step in ours:
            inputs = _inputs(step)
            context = inputs.get("status-context")
            if isinstance(context, str) and context.strip() and "${{" not in context:
                status_contexts.append(context.strip())
            path = inputs.get("policy-path")
            if isinstance(path, str) and path.strip() and "${{" not in path:
                policy_path = path.strip()
    return WorkflowFacts(
        hardened="pull_request_target" in triggers,
        check_names=tuple(check_names),
        status_contexts=tuple(status_contexts),
        policy_path=policy_path,
    )


def _inputs(step: Mapping[str, Any]) -> dict[str, Any]:
    inputs = step.get("with")
    return inputs if isinstance(inputs, dict) else {}


def _checks_out_pull_request(document: Mapping[Any, Any]) -> bool:
    jobs = document.get("jobs")
    for job in (jobs.values() if isinstance(jobs, dict) else ()):
        for step in (job.get("steps") or () if isinstance(job, dict) else ()):
            if not isinstance(step, dict):
                continue
            uses = step.get("uses")
            if isinstance(uses, str) and uses.startswith("actions/checkout") \
                    and _HEAD_REF.search(str(_inputs(step).get("ref") or "")):
                return True
    return False


def check_workflow(text: str | Unreadable | None, path: str, branch: str,
                   rules: Rules = Rules()) -> tuple[CheckResult, WorkflowFacts]:
    name = "workflow"
    required = _gatekeeper_workflows(rules)
    if isinstance(text, Unreadable):
        return CheckResult(name, False, text.error,
                           "re-run with a token that can read the repository's contents"), \
            WorkflowFacts()
    if text is None:
        if required:
            rule, workflow = required[0]
            return CheckResult(name, True, f"no {path} on {branch}; {_ruleset(rule)} runs "
                                           f"{workflow} from its policy repository"), \
                WorkflowFacts()
        return CheckResult(name, False, f"no {path} on {branch}",
                           f"run `gatekeeper init` and merge {path} into {branch}"), \
            WorkflowFacts()
    init_fix = (f"use the `on:` block that `gatekeeper init` writes (`gatekeeper init --force` "
                f"rewrites {path}), or docs/examples/gatekeeper-hardened.yml for the hardened "
                "set-up")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        return CheckResult(name, False, f"{path}{line} on {branch} is not valid YAML",
                           init_fix), WorkflowFacts()
    triggers = _triggers(document) if isinstance(document, dict) else None
    if not isinstance(document, dict) or triggers is None:
        return CheckResult(name, False, f"{path} on {branch} has no `on:` triggers",
                           init_fix), WorkflowFacts()

    facts = workflow_facts(document, triggers)
    if not facts.check_names:
        return CheckResult(name, False, f"no step in {path} on {branch} uses the Gatekeeper "
                                        "action", init_fix), facts
    if facts.hardened:
        gaps = [m for m in (_missing(triggers, "pull_request_target", PULL_REQUEST_TYPES),)
                if m]
        if _checks_out_pull_request(document):
            return CheckResult(
                name, False,
                f"{path} on {branch} checks out the pull request's code under "
                "pull_request_target, where it runs with a write token",
                "remove the checkout of the pull request's head; the action needs no checkout",
            ), facts
        if not gaps and not facts.status_contexts:
            return CheckResult(
                name, False,
                f"{path} on {branch} runs on pull_request_target but posts no commit status",
                "set `status-context:` on the Gatekeeper step and require that context",
            ), facts
        mode = "hardened: pull_request_target, commit status " + _quoted(facts.status_contexts)
    else:
        gaps = [m for m in (
            _missing(triggers, "pull_request", PULL_REQUEST_TYPES),
            _missing(triggers, "pull_request_review", REVIEW_TYPES),
            _missing(triggers, "merge_group", ("checks_requested",)),
        ) if m]
        mode = "pull_request, pull_request_review, merge_group"
    if gaps:
        return CheckResult(name, False, f"{path} on {branch} does not listen to "
                                        f"{'; '.join(gaps)}", init_fix), facts
    return CheckResult(name, True, f"{path} on {branch} listens to every event the gate needs "
                                   f"({mode})"), facts


# --- Output --------------------------------------------------------------------------------


def render(report: Report, out: TextIO) -> None:
    out.write(f"gatekeeper doctor: {report.repo}, branch {report.branch}\n")
    width = max(len(r.name) for r in report.results)
    for result in report.results:
        out.write(f"  {'PASS' if result.ok else 'FAIL'}  {result.name:<{width}}  "
                  f"{result.detail}\n")
        if not result.ok and result.fix:
            out.write(f"        fix: {result.fix}\n")
    for note in report.notes:
        out.write(f"note: {note}\n")
    failed = sum(not r.ok for r in report.results)
    if failed:
        out.write(f"{failed} of {len(report.results)} checks failed: GitHub does not yet "
                  f"enforce Gatekeeper on {report.branch}.\n")
    else:
        out.write(f"All {len(report.results)} checks pass: GitHub enforces Gatekeeper on "
                  f"{report.branch}.\n")


def run_doctor(
    repo: str,
    branch: str | None,
    *,
    token: str | None,
    api_url: str | None,
    out: TextIO,
    status_contexts: Sequence[str] = (),
    workflow_path: str = WORKFLOW_PATH,
    policy_path: str | None = None,
) -> int:
    # PyGithub logs every refused request at INFO on standard error; the result lines
    # already say what failed, and how to fix it.
    logging.getLogger("github").setLevel(logging.WARNING)
    client = GitHubClient(token, api_url, retries=1)
    report = diagnose(client, repo, branch, status_contexts=status_contexts,
                      workflow_path=workflow_path, policy_path=policy_path)
    if token is None:
        report = Report(report.repo, report.branch, report.results, (
            "no token found (GITHUB_TOKEN, GH_TOKEN or `gh auth token`): GitHub answered "
            "anonymously, and branch protection is visible to repository admins only",))
    render(report, out)
    return EXIT_OK if report.ok else EXIT_FAILED


def _http(exc: GitHubUnavailable) -> str:
    shown = f"HTTP {exc.status}" if exc.status else "no response"
    return f"{shown}: {exc.detail}" if exc.detail else shown

__all__ = ["CheckResult", "Report", "check_policy", "check_pull_requests", "check_required",
           "check_workflow", "diagnose", "render", "run_doctor"]
