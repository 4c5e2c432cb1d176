"""Evaluate a pull request as its forge shows it: body, files, reviews, base-branch policy.

Shared by the action and ``gatekeeper validate --pr``. It takes any ``PullRequestReader``
(GitHub in production, a fake in tests). Every failure to read what the decision needs
becomes a GK9xx block, never a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from gatekeeper import __version__, resources
from gatekeeper.core.decide import could_not_evaluate, evaluate, settle_pending
from gatekeeper.core.evidence import Evidence
from gatekeeper.core.model import ChangedPath, Decision, PolicyOrigin
from gatekeeper.core.policy import Policy, parse_policy
from gatekeeper.core.reasons import Code
from gatekeeper.errors import GatekeeperError
from gatekeeper.evidence_reads import UnreadableFact, read_needs
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

    try:
        decision = judge_with_evidence(forge, info, changes, policy, evaluated_at)
    except UnreadableFact as exc:
        return LiveResult(blocked(Code.GK904, str(exc), exc.fix, policy.origin), info, policy)
    return LiveResult(decision, info, policy)


# Each round reads what the last one found missing; the rules need at most four
# (commits and reviews, then team membership, then permissions, then none).
_ROUNDS = 5


def judge_with_evidence(forge: PullRequestReader, info: PullRequestInfo,
                        changes: list[ChangedPath], policy: Policy, evaluated_at: str,
                        ) -> Decision:
    """Evaluate, read from the forge what the rules still need, and evaluate again, until
    nothing more is needed. What is still unknown then blocks (GK915): no pending here."""
    evidence = Evidence(head_sha=info.head_sha, pull_request=info.ref, author=info.author,
                        author_is_bot=info.author_is_bot, head_ref=info.head_ref)
    asked: set[object] = set()
    decision = _evaluate(info, changes, policy, evaluated_at, evidence)
    for _ in range(_ROUNDS):
        needed = set(decision.needs) - asked
        if not needed:
            break
        asked |= needed
        evidence = read_needs(forge, info, evidence, needed)
        decision = _evaluate(info, changes, policy, evaluated_at, evidence)
    return settle_pending(decision)


def _evaluate(info: PullRequestInfo, changes: list[ChangedPath], policy: Policy,
              evaluated_at: str, evidence: Evidence) -> Decision:
    return evaluate(
        info.body, changes, policy,
        contract_schema=resources.schema("contract"),
        evaluated_at=evaluated_at, version=__version__, author=info.author,
        evidence=evidence,
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
