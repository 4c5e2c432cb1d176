"""Judging the branch's enforcement from typed facts: pure, no forge calls."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import gatekeeper
from gatekeeper import resources
from gatekeeper.commands.doctor.results import CheckResult, quoted
from gatekeeper.commands.doctor.workflow import WorkflowFacts, gatekeeper_workflows
from gatekeeper.constants import (
    CHECK_DISPLAY_NAME,
    GITHUB_ACTIONS_APP_ID,
    HARDENED_STATUS_CONTEXT_FORMAT,
    JOB_ID,
    docs_url,
)
from gatekeeper.core.model import RiskClass
from gatekeeper.core.policy.load import parse_policy
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import FileFacts, ProtectionFacts, RequiredCheck, RulesFacts

_DOCS = (f"{docs_url(gatekeeper.BUILD)}/getting-started.md"
         "#4-require-the-check-and-pull-requests")


def accepted_contexts(facts: WorkflowFacts, extra: Iterable[str] = (), *,
                      branch: str = "") -> tuple[str, ...]:
    """Every check or status name that stands for Gatekeeper's verdict. A hardened workflow
    (pull_request_target) reports by commit status only: its ``status-context``, else the
    default one naming the branch; its job's check run lands on the base branch's commit."""
    # A workflow's status-context may name the branch as {branch}, as the action fills it.
    contexts = [c.replace("{branch}", branch) for c in facts.status_contexts]
    if facts.hardened:
        names = [*(contexts or [hardened_context(branch)]), *extra]
    else:
        names = [JOB_ID, CHECK_DISPLAY_NAME, *facts.check_names, *contexts, *extra]
    return tuple(dict.fromkeys(n for n in names if n))


def hardened_context(branch: str) -> str:
    return HARDENED_STATUS_CONTEXT_FORMAT.format(branch=branch)


def _cannot_read_protection(protection: ProtectionFacts) -> str:
    if protection.status == 401:
        return ("cannot read branch protection (HTTP 401): GitHub refused the token; set "
                "GITHUB_TOKEN or GH_TOKEN to a valid token of a repository admin")
    return (f"cannot read branch protection (HTTP {protection.status or 'error'}): the token "
            "needs admin read on the repository (fine-grained token: Administration read; "
            "classic token: repo scope, from a repository admin)")


def _pinning(checks: Sequence[RequiredCheck], where: str, app: int | None,
             hardened: bool, branch: str) -> CheckResult:
    """A requirement was found: is it pinned to the app that reports Gatekeeper's verdict?"""
    name = "required check"
    shown = quoted(dict.fromkeys(c.context for c in checks))
    pinned = [c for c in checks if c.app_id is not None and (app is None or c.app_id == app)]
    if hardened:
        # The status comes from the workflow's GITHUB_TOKEN, that is from GitHub Actions;
        # so does one from any other workflow, so here the pin narrows, not closes.
        named = [c for c in checks if f"({branch})" in c.context]
        warnings: list[str] = []
        fixes: list[str] = []
        if not named:
            warnings.append(f"the status context {shown} does not name {branch}: a success "
                            "posted for a pull request into another branch, on the same "
                            "commit, satisfies it too")
            fixes.append(f'post and require "{hardened_context(branch)}" instead')
        if not pinned:
            warnings.append(f"{shown} may come from any source: any app or token that may "
                            "write statuses can post it")
            fixes.append("pin it to GitHub Actions as its expected source")
        return CheckResult(name, True, f"{where} requires the commit status {shown}",
                           "; ".join(fixes), tuple(warnings))
    if pinned:
        to = "GitHub Actions" if app is not None else f"app {pinned[0].app_id}"
        return CheckResult(name, True, f"{where} requires {shown}, pinned to {to}")
    other = [c.app_id for c in checks if c.app_id is not None]
    pin_fix = (f"pin it to GitHub Actions: in branch protection pick GitHub Actions as the "
               f"expected source of {shown}; in a ruleset set \"integration_id\": "
               f"{app or 'the GitHub Actions app id'} (see {_DOCS})")
    if other:
        return CheckResult(name, False, f"{where} requires {shown} from app {other[0]}, not "
                                        f"GitHub Actions ({app}), which runs the gate", pin_fix)
    return CheckResult(name, False, f"{where} requires {shown} from any source: a commit "
                                    "status of that name, posted by any app or token that "
                                    "may write statuses, satisfies it", pin_fix)


def check_required(protection: ProtectionFacts, rules: RulesFacts, accepted: Sequence[str],
                   branch: str, *, app: int | None = GITHUB_ACTIONS_APP_ID,
                   hardened: bool = False) -> CheckResult:
    """The gate's check is required, by the app that runs it (``app``: GitHub Actions'
    id; None on GitHub Enterprise Server, where any pinned app is taken on trust)."""
    name = "required check"
    wanted = {a.casefold() for a in accepted}
    candidates = [(f"branch protection on {branch}", protection.checks)]
    candidates += [(f"{rule.ruleset} on {branch}", rule.checks)
                   for rule in rules.of_kind("required_status_checks")]
    found = [(where, [c for c in checks if c.context.casefold() in wanted])
             for where, checks in candidates]
    found = [(where, hits) for where, hits in found if hits]
    if found:
        judged = [_pinning(hits, where, app, hardened, branch) for where, hits in found]
        return next((r for r in judged if r.ok and not r.warnings),
                    next((r for r in judged if r.ok), judged[0]))
    workflows = gatekeeper_workflows(rules)
    if workflows:
        ruleset, path = workflows[0]
        return CheckResult(name, True, f"{ruleset} requires the workflow {path} on {branch}")

    expected = accepted[0] if accepted else JOB_ID
    fix = (f'require the status check "{expected}" on {branch} in a ruleset or in branch '
           f"protection (see {_DOCS})")
    problems: list[str] = []
    if protection.state == "unreadable":
        problems.append(_cannot_read_protection(protection))
        fix += "; or run doctor with a repository admin's token"
    elif protection.state == "unprotected":
        problems.append(f"{branch} has no branch protection")
    elif protection.required_contexts:
        problems.append(f"branch protection requires {quoted(protection.required_contexts)} "
                        f'but not "{expected}"')
    else:
        problems.append("branch protection requires no status check")
    ruleset_checks = [c for rule in rules.of_kind("required_status_checks")
                      for c in rule.required_contexts]
    if rules.error:
        problems.append(rules.error)
    elif ruleset_checks:
        problems.append(f"rulesets require {quoted(ruleset_checks)} only")
    else:
        problems.append("no ruleset requires it")
    unread = protection.state == "unreadable" or bool(rules.error)
    return CheckResult(name, False, "; ".join(problems), fix, unread=unread)


def check_pull_requests(protection: ProtectionFacts, rules: RulesFacts,
                        branch: str) -> CheckResult:
    name = "pull requests"
    if protection.requires_pull_request:
        count = protection.approving_reviews
        approvals = (f" ({count} approving review{'' if count == 1 else 's'})"
                     if count is not None else "")
        return CheckResult(name, True,
                           f"branch protection on {branch} requires a pull request{approvals}")
    pull_rules = rules.of_kind("pull_request")
    if pull_rules:
        return CheckResult(name, True, f"{pull_rules[0].ruleset} requires a pull request "
                                       f"on {branch}")
    fix = (f'turn on "Require a pull request before merging" for {branch} in a ruleset or in '
           "branch protection, so no push (by a person, a bot or an agent) skips the gate")
    if protection.state == "unreadable":
        detail = _cannot_read_protection(protection)
        fix += "; or run doctor with a repository admin's token"
    else:
        detail = f"nothing requires a pull request on {branch}, so a direct push skips the gate"
    if rules.error:
        detail += f"; {rules.error}"
    return CheckResult(name, False, detail, fix,
                       unread=protection.state == "unreadable" or bool(rules.error))


def check_policy(file: FileFacts, path: str, branch: str) -> CheckResult:
    name = "policy"
    if file.error:
        return CheckResult(name, False, file.error,
                           "re-run with a token that can read the repository's contents",
                           unread=True)
    text = file.text
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
