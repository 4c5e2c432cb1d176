"""``doctor --org``: is each repository of an organisation gated? Pure: judges the batched
GraphQL answers ``forge.github.org.repository_settings`` gives.

A repository is enforced when, on its default branch and on each of its other protected
branches (those an active ruleset or branch protection applies to), an active rule requires
the gate
(a ``workflows`` rule naming the Gatekeeper workflow, or a required check or status named
as Gatekeeper's, from a ruleset or from branch protection) and a pull request (a
``pull_request`` rule, branch protection requiring reviews, or a ``workflows`` rule, which
refuses direct pushes). What GitHub did not answer in full (more rules than were read) is
unreadable, never a pass.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gatekeeper.constants import HARDENED_STATUS_CONTEXT_FORMAT, JOB_ID, WORKFLOW_PATH

CENTRAL_AND_TIGHTENING = "central policy, tightened by the repository's"
CENTRAL_ONLY = "central policy"
LOCAL_ONLY = "the repository's own policy"
EMBEDDED = "the embedded default"


class Unreadable(Exception):
    """GitHub's answer leaves out something the verdict needs."""


@dataclass(frozen=True)
class RepositoryVerdict:
    name: str
    archived: bool
    fork: bool
    branch: str | None
    enforced: bool
    required_by: tuple[str, ...] = ()  # "organisation ruleset 'gate' (workflows)", ...
    pull_request_required: bool = False
    dismiss_stale: bool = False
    bypass: tuple[str, ...] = ()
    policy: str = EMBEDDED
    ran_recently: bool | None = None  # None: no merged pull request to look at
    problems: tuple[str, ...] = ()
    # Its other protected branches (targeted by an active ruleset or branch protection).
    others: tuple[BranchVerdict, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"repository": self.name, "archived": self.archived, "fork": self.fork,
                "branch": self.branch, "enforced": self.enforced,
                "required_by": list(self.required_by),
                "pull_request_required": self.pull_request_required,
                "dismiss_stale_reviews": self.dismiss_stale, "bypass": list(self.bypass),
                "policy": self.policy, "ran_on_recent_pull_requests": self.ran_recently,
                "problems": list(self.problems),
                "other_protected_branches": [b.to_json() for b in self.others]}


def _gate_contexts(extra: Sequence[str]) -> set[str]:
    return {JOB_ID, *extra}


def _is_gate_context(context: str, extra: Sequence[str]) -> bool:
    hardened = HARDENED_STATUS_CONTEXT_FORMAT.split("{", 1)[0]
    return context in _gate_contexts(extra) or context.startswith(hardened)


def _ruleset_name(rule: Mapping[str, Any]) -> str:
    ruleset = rule.get("repositoryRuleset") or {}
    source = ruleset.get("source") or {}
    owner = ("organisation" if source.get("__typename") == "Organization" else "repository")
    return f"{owner} ruleset {ruleset.get('name', '?')!r}"


def _bypass(rule: Mapping[str, Any]) -> list[str]:
    actors = (rule.get("repositoryRuleset") or {}).get("bypassActors") or {}
    nodes = actors.get("nodes") or []
    if int(actors.get("totalCount") or 0) > len(nodes):
        return [f"{_ruleset_name(rule)}: {actors.get('totalCount')} actors, not all readable"]
    found = []
    for node in nodes:
        actor = node.get("actor") or {}
        who = ("organisation admins" if node.get("organizationAdmin") else
               f"role {node['repositoryRoleName']}" if node.get("repositoryRoleName") else
               f"team {actor['combinedSlug']}" if actor.get("combinedSlug") else
               f"app {actor['slug']}" if actor.get("slug") else "an actor")
        found.append(f"{who} ({str(node.get('bypassMode', '')).lower()}) on "
                     f"{_ruleset_name(rule)}")
    return found


def _recent(node: Mapping[str, Any], extra: Sequence[str]) -> bool | None:
    pulls = (node.get("pullRequests") or {}).get("nodes") or []
    if not pulls:
        return None
    for pull in pulls:
        for commit in (pull.get("commits") or {}).get("nodes") or []:
            rollup = (commit.get("commit") or {}).get("statusCheckRollup") or {}
            for context in (rollup.get("contexts") or {}).get("nodes") or []:
                name = context.get("name") or context.get("context") or ""
                if _is_gate_context(str(name), extra):
                    return True
    return False


def judge_repository(node: Mapping[str, Any], *, central: bool,
                     status_contexts: Sequence[str] = (),
                     workflow_path: str = WORKFLOW_PATH) -> RepositoryVerdict:
    """One repository's verdict. Raises Unreadable when the answer is incomplete."""
    name = str(node.get("nameWithOwner"))
    archived, fork = bool(node.get("isArchived")), bool(node.get("isFork"))
    has_policy = node.get("policy") is not None
    policy = ((CENTRAL_AND_TIGHTENING if has_policy else CENTRAL_ONLY) if central
              else (LOCAL_ONLY if has_policy else EMBEDDED))
    ref = node.get("defaultBranchRef")
    if ref is None:
        return RepositoryVerdict(name, archived, fork, None, False, policy=policy,
                                 problems=("no default branch (an empty repository): "
                                           "nothing requires the gate yet",))
    default = judge_branch(name, ref, status_contexts=status_contexts,
                           workflow_path=workflow_path)
    others = tuple(judge_branch(name, other, status_contexts=status_contexts,
                                workflow_path=workflow_path)
                   for other in node.get("protectedBranches") or []
                   if other.get("name") != ref.get("name"))
    problems = default.problems + tuple(f"{b.branch}: {p}" for b in others for p in b.problems)
    return RepositoryVerdict(
        name, archived, fork, default.branch, not problems, default.required_by,
        default.pull_request_required, default.dismiss_stale, default.bypass, policy,
        _recent(node, status_contexts), problems, others=others)


@dataclass(frozen=True)
class BranchVerdict:
    """The same facts for one protected branch."""

    branch: str
    enforced: bool
    required_by: tuple[str, ...]
    pull_request_required: bool
    dismiss_stale: bool
    bypass: tuple[str, ...]
    problems: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"branch": self.branch, "enforced": self.enforced,
                "required_by": list(self.required_by),
                "pull_request_required": self.pull_request_required,
                "dismiss_stale_reviews": self.dismiss_stale, "bypass": list(self.bypass),
                "problems": list(self.problems)}


def judge_branch(name: str, ref: Mapping[str, Any], *, status_contexts: Sequence[str] = (),
                 workflow_path: str = WORKFLOW_PATH) -> BranchVerdict:
    """One branch (a ``Ref`` with its active rules and branch protection). Raises
    Unreadable when GitHub listed more rules than it gave."""
    rules = ref.get("rules") or {}
    nodes = rules.get("nodes") or []
    if int(rules.get("totalCount") or 0) > len(nodes):
        raise Unreadable(f"{name}: {rules.get('totalCount')} rules on {ref.get('name')}, "
                         f"{len(nodes)} read")
    required: list[str] = []
    pull_request = dismiss = False
    bypass: list[str] = []
    workflow_file = posixpath.basename(workflow_path)
    for rule in nodes:
        kind = str(rule.get("type", "")).lower()
        parameters = rule.get("parameters") or {}
        gates = False
        if kind == "workflows":
            paths = [str(w.get("path", "")) for w in parameters.get("workflows") or []]
            gates = any(posixpath.basename(p) == workflow_file for p in paths)
            pull_request = pull_request or gates
        elif kind == "required_status_checks":
            contexts = [str(c.get("context", ""))
                        for c in parameters.get("requiredStatusChecks") or []]
            gates = any(_is_gate_context(c, status_contexts) for c in contexts)
        elif kind == "pull_request":
            pull_request = True
            dismiss = dismiss or bool(parameters.get("dismissStaleReviewsOnPush"))
        if gates:
            required.append(f"{_ruleset_name(rule)} ({kind})")
        if gates or kind == "pull_request":
            bypass += _bypass(rule)
    protection = ref.get("branchProtectionRule")
    if protection:
        contexts = [str(c) for c in protection.get("requiredStatusCheckContexts") or []]
        if protection.get("requiresStatusChecks") and any(
                _is_gate_context(c, status_contexts) for c in contexts):
            required.append("branch protection (required status check)")
        if protection.get("requiresApprovingReviews"):
            pull_request = True
            dismiss = dismiss or bool(protection.get("dismissesStaleReviews"))
        if not protection.get("isAdminEnforced"):
            bypass.append("administrators (branch protection not enforced for admins)")
    problems = []
    if not required:
        problems.append(f"no active rule on {ref.get('name')} requires the Gatekeeper "
                        "workflow or check")
    if not pull_request:
        problems.append(f"no active rule on {ref.get('name')} requires a pull request")
    return BranchVerdict(str(ref.get("name")), not problems, tuple(required), pull_request,
                         dismiss, tuple(dict.fromkeys(bypass)), tuple(problems))


@dataclass(frozen=True)
class OrgVerdict:
    organization: str
    repositories: tuple[RepositoryVerdict, ...]
    queries: int = 0

    @property
    def counted(self) -> list[RepositoryVerdict]:
        """Archived repositories take no pull requests: named, not counted."""
        return [r for r in self.repositories if not r.archived]

    @property
    def enforced(self) -> int:
        return sum(r.enforced for r in self.counted)

    @property
    def ok(self) -> bool:
        return self.enforced == len(self.counted)

    def summary(self) -> str:
        return f"{self.enforced} of {len(self.counted)} repositories enforced"

    def to_json(self) -> dict[str, Any]:
        return {"organization": self.organization, "enforced": self.enforced,
                "repositories_counted": len(self.counted), "ok": self.ok,
                "graphql_queries": self.queries,
                "repositories": [r.to_json() for r in self.repositories]}


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def render_text(verdict: OrgVerdict) -> str:
    lines = [f"gatekeeper doctor: organisation {verdict.organization}"]
    for repo in verdict.repositories:
        kinds = [k for k, on in (("archived", repo.archived), ("fork", repo.fork)) if on]
        label = "SKIP" if repo.archived else ("PASS" if repo.enforced else "FAIL")
        lines.append(f"  {label}  {repo.name}{' (' + ', '.join(kinds) + ')' if kinds else ''}"
                     f"{', branch ' + repo.branch if repo.branch else ''}")
        if repo.required_by:
            lines.append(f"        required by: {'; '.join(repo.required_by)}")
        required = "yes" if repo.pull_request_required else "no"
        dismissed = "yes" if repo.dismiss_stale else "no"
        lines.append(f"        pull request required: {required}; stale approvals "
                     f"dismissed: {dismissed}")
        lines.append(f"        policy in force: {repo.policy}")
        ran = {None: "no merged pull request to look at", True: "yes",
               False: "not seen on the last merged pull requests"}[repo.ran_recently]
        lines.append(f"        Gatekeeper ran recently: {ran}")
        lines += [f"        may bypass: {who}" for who in repo.bypass]
        for branch in repo.others:
            lines.append(f"        protected branch {branch.branch}: "
                         f"{'enforced' if branch.enforced else 'NOT enforced'}"
                         + (f", required by {'; '.join(branch.required_by)}"
                            if branch.required_by else "")
                         + f"; pull request required: {_yes(branch.pull_request_required)}"
                         + f"; stale approvals dismissed: {_yes(branch.dismiss_stale)}")
            lines += [f"          may bypass: {who}" for who in branch.bypass]
        lines += [f"        problem: {problem}" for problem in repo.problems]
    lines.append(f"{verdict.summary()} ({verdict.queries} GraphQL queries).")
    return "\n".join(lines) + "\n"
