"""Judging the branch's enforcement from typed facts: pure, no forge calls."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gatekeeper import resources
from gatekeeper.commands.doctor.results import CheckResult, quoted
from gatekeeper.commands.doctor.workflow import WorkflowFacts, gatekeeper_workflows
from gatekeeper.constants import CHECK_DISPLAY_NAME, DOCS_URL, JOB_ID
from gatekeeper.core.model import RiskClass
from gatekeeper.core.policy import parse_policy
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import FileFacts, ProtectionFacts, RulesFacts

_DOCS = f"{DOCS_URL}/getting-started.md#4-require-the-check-and-pull-requests"


def accepted_contexts(facts: WorkflowFacts, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Every check or status name that stands for Gatekeeper's verdict."""
    names = [JOB_ID, CHECK_DISPLAY_NAME, *facts.check_names, *facts.status_contexts, *extra]
    return tuple(dict.fromkeys(n for n in names if n))


def _cannot_read_protection(protection: ProtectionFacts) -> str:
    if protection.status == 401:
        return ("cannot read branch protection (HTTP 401): GitHub refused the token; set "
                "GITHUB_TOKEN or GH_TOKEN to a valid token of a repository admin")
    return (f"cannot read branch protection (HTTP {protection.status or 'error'}): the token "
            "needs admin read on the repository (fine-grained token: Administration read; "
            "classic token: repo scope, from a repository admin)")


def check_required(protection: ProtectionFacts, rules: RulesFacts, accepted: Sequence[str],
                   branch: str) -> CheckResult:
    name = "required check"
    wanted = {a.casefold() for a in accepted}
    hit = [c for c in protection.required_contexts if c.casefold() in wanted]
    if hit:
        return CheckResult(name, True, f"branch protection on {branch} requires {quoted(hit)}")
    for rule in rules.of_kind("required_status_checks"):
        hit = [c for c in rule.required_contexts if c.casefold() in wanted]
        if hit:
            return CheckResult(name, True, f"{rule.ruleset} requires {quoted(hit)} on {branch}")
    workflows = gatekeeper_workflows(rules)
    if workflows:
        ruleset, path = workflows[0]
        return CheckResult(name, True, f"{ruleset} requires the workflow {path} on {branch}")

    fix = (f'require the status check "{JOB_ID}" on {branch} in a ruleset or in branch '
           f"protection (see {_DOCS})")
    problems: list[str] = []
    if protection.state == "unreadable":
        problems.append(_cannot_read_protection(protection))
        fix += "; or run doctor with a repository admin's token"
    elif protection.state == "unprotected":
        problems.append(f"{branch} has no branch protection")
    elif protection.required_contexts:
        problems.append(f"branch protection requires {quoted(protection.required_contexts)} "
                        f'but not "{JOB_ID}"')
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
    return CheckResult(name, False, "; ".join(problems), fix)


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
    return CheckResult(name, False, detail, fix)


def check_policy(file: FileFacts, path: str, branch: str) -> CheckResult:
    name = "policy"
    if file.error:
        return CheckResult(name, False, file.error,
                           "re-run with a token that can read the repository's contents")
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
