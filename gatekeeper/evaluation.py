"""Evaluate a pull request as its forge shows it: body, files, reviews, base-branch policy.

Shared by the action and ``gatekeeper validate --pr``. It takes any ``PullRequestReader``
(GitHub in production, a fake in tests). Every failure to read what the decision needs
becomes a GK9xx block, never a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from gatekeeper import __version__, resources
from gatekeeper.core.authority import AuthorityEvidence, latest_reviews, team_of
from gatekeeper.core.decide import APPROVAL_CHECK, could_not_evaluate, evaluate
from gatekeeper.core.model import ChangedPath, Decision, PolicyOrigin
from gatekeeper.core.policy import Policy, parse_policy
from gatekeeper.core.reasons import Code
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable, PullRequestInfo, PullRequestReader
from gatekeeper.local.policy_source import candidate_paths, default_policy, the_one_policy

LocalDiff = Callable[[str, str], list[ChangedPath]]


@dataclass(frozen=True)
class LiveResult:
    decision: Decision
    pull_request: PullRequestInfo | None
    policy: Policy | None


def evaluate_live(
    forge: PullRequestReader,
    repo: str,
    number: int,
    *,
    policy_path: str,
    evaluated_at: str,
    local_diff: LocalDiff | None = None,
) -> LiveResult:
    def blocked(code: Code, message: str, fix: str, origin: PolicyOrigin) -> Decision:
        return could_not_evaluate(code, message, fix, policy=origin, evaluated_at=evaluated_at,
                                  version=__version__, identity=f"{repo}#{number}")

    unknown = PolicyOrigin(source=f"{repo}:{policy_path}")
    try:
        info = forge.pull_request(repo, number)
    except ForgeUnavailable as exc:
        return LiveResult(blocked(Code.GK904, f"could not read the pull request: {exc}",
                                  "re-run the check; if it persists, check the token's "
                                  "pull-requests: read permission", unknown), None, None)

    origin = PolicyOrigin(source=f"{repo}:{policy_path}", ref=info.base_ref, sha=info.base_sha)
    try:
        policy = _base_policy(forge, info, policy_path, origin)
    except ForgeUnavailable as exc:
        return LiveResult(blocked(Code.GK901, f"could not read the policy from the base branch: "
                                  f"{exc}", "re-run the check; the token needs contents: read",
                                  origin), info, None)
    except GatekeeperError as exc:
        return LiveResult(blocked(Code.GK901, f"the base branch's policy is invalid: {exc}",
                                  "fix the policy on the base branch (gatekeeper validate "
                                  "--policy checks it locally)", origin), info, None)

    try:
        files = forge.changed_files(info)
    except ForgeUnavailable as exc:
        return LiveResult(blocked(Code.GK902, f"could not list the changed files: {exc}",
                                  "re-run the check once GitHub answers", policy.origin),
                          info, policy)
    changes = files.changes
    if not files.complete:
        changes_or_none = _fallback(policy, info, local_diff)
        if changes_or_none is None:
            return LiveResult(blocked(
                Code.GK903,
                f"GitHub listed {len(files.changes):,} of {files.expected:,} changed files "
                f"(its API stops at 3,000), so the change cannot be fully classified",
                "split the pull request, or set changed_files.allow_local_diff: true in the "
                "policy and check out the repository with full history",
                policy.origin), info, policy)
        changes = changes_or_none

    decision = _evaluate(info, changes, policy, evaluated_at, None)
    unverified = decision.caveat(APPROVAL_CHECK)
    if unverified is not None and unverified.subject is not None:
        try:
            evidence = _authority(forge, info, unverified.subject)
        except ForgeUnavailable as exc:
            return LiveResult(blocked(Code.GK904, f"could not read the reviews: {exc}",
                                      "re-run the check; the token needs pull-requests: read "
                                      "(and members: read for team reviewers)", policy.origin),
                              info, policy)
        decision = _evaluate(info, changes, policy, evaluated_at, evidence)
    return LiveResult(decision, info, policy)


def _evaluate(info: PullRequestInfo, changes: list[ChangedPath], policy: Policy,
              evaluated_at: str, evidence: AuthorityEvidence | None) -> Decision:
    return evaluate(
        info.body, changes, policy,
        contract_schema=resources.schema("contract"),
        evaluated_at=evaluated_at, version=__version__, author=info.author,
        authority=evidence,
    )


def _base_policy(forge: PullRequestReader, info: PullRequestInfo, path: str,
                 origin: PolicyOrigin) -> Policy:
    # Read at the base commit: a pull request never supplies its own policy.
    found = {p: forge.file_at(info.repo, p, info.base_sha) for p in candidate_paths(path)}
    chosen = the_one_policy(found, where=f"{info.repo}@{info.base_sha[:12]}")
    if chosen is None:
        return default_policy()
    path, text = chosen
    return parse_policy(text, file=f"{info.repo}:{path}@{info.base_sha[:12]}",
                        schema=resources.schema("policy"),
                        origin=replace(origin, source=f"{info.repo}:{path}"))


def _fallback(policy: Policy, info: PullRequestInfo,
              local_diff: LocalDiff | None) -> list[ChangedPath] | None:
    if not policy.allow_local_diff or local_diff is None:
        return None
    try:
        return local_diff(info.base_sha, info.head_sha)
    except GatekeeperError:
        return None


def _authority(forge: PullRequestReader, info: PullRequestInfo, reviewer: str) -> AuthorityEvidence:
    reviews = forge.reviews(info)
    team = team_of(reviewer)
    members: dict[str, frozenset[str]] = {}
    if team is not None:
        approvers = [r.login for r in latest_reviews(reviews).values() if r.state == "APPROVED"]
        members[team] = forge.team_members_among(team, approvers)
    return AuthorityEvidence(head_sha=info.head_sha, reviews=reviews, team_members=members)
