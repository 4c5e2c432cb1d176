"""Evaluate a pull request as its forge shows it: body, files, reviews, the policy in force.

Shared by the action and ``gatekeeper validate --pr``. It takes any ``PullRequestReader``
(GitHub in production, a fake in tests). Every failure to read what the decision needs
becomes a GK9xx block, never a pass.

A verdict belongs to a commit, so the head judged is the head GitHub shows when the run
reads the pull request (not the one the event named), the policy is the base branch's
current tip, and a pass covers every other open pull request whose head is the same
commit. ``evaluate_pull`` judges one pull request; the rest of the module decides which
pull requests and which commit a verdict is about. A merge group is judged as a whole in
``gatekeeper.live.merge_group``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from gatekeeper import BUILD, resources
from gatekeeper.constants import EMBEDDED_POLICY
from gatekeeper.core.authority.evidence import WRITE_ROLES, Evidence
from gatekeeper.core.decide import could_not_evaluate, evaluate, settle_pending
from gatekeeper.core.model import ChangedPath, Decision, PolicyOrigin, Reason
from gatekeeper.core.policy.load import Policy, PolicyDocument, parse_policy, read_policy_document
from gatekeeper.core.policy.merge import NO_LOCAL_POLICY, LooseningError, effective_policy
from gatekeeper.core.reasons import Code
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable, PullRequestInfo, PullRequestReader
from gatekeeper.live.evidence_reads import UnreadableFact, read_needs
from gatekeeper.local.policy_source import candidate_paths, default_policy, the_one_policy

LocalDiff = Callable[[str, str], list[ChangedPath]]
# Called once the head to judge is known and matches the event (the action posts
# `pending` on it there, so a run that never finishes leaves no old verdict behind).
Started = Callable[[PullRequestInfo], None]
RERUN_FIX = ("nothing to fix in the pull request: re-run this check (the run for the "
             "newest head, if one started, decides)")


@dataclass(frozen=True)
class CentralPolicy:
    """The organisation's central policy that a repository's own may only tighten
    (``org-policy``), or why it could not be read: then every pull request blocks (GK901)."""

    name: str  # as the workflow or the user named it
    document: PolicyDocument | None
    error: str = ""


@dataclass(frozen=True)
class LiveResult:
    decision: Decision
    pull_request: PullRequestInfo | None
    policy: Policy | None
    # The commit the verdict belongs on: the head that was evaluated or, when none was,
    # the commit the event named. None: there is no commit to post a status on.
    sha: str | None = None
    # The run posts no status at all: the commit's verdict belongs to these pull requests,
    # opened by people with write access (this one's author has none).
    held_by: tuple[int, ...] = ()


def blocked_decision(code: Code, message: str, fix: str, origin: PolicyOrigin, *,
                     identity: str, evaluated_at: str) -> Decision:
    return could_not_evaluate(code, message, fix, policy=origin, evaluated_at=evaluated_at,
                              version=BUILD.describe(), identity=identity)


def evaluate_live(
    forge: PullRequestReader,
    repo: str,
    number: int,
    *,
    policy_path: str,
    evaluated_at: str,
    local_diff: LocalDiff | None = None,
    event_sha: str | None = None,
    started: Started | None = None,
    other_pulls: bool = True,
    central: CentralPolicy | None = None,
) -> LiveResult:
    """Read the pull request, judge its head as GitHub shows it now, and (when it passes)
    every other open pull request on that head. ``event_sha``: the head the event named;
    a different head now means the pull request moved on, and nothing is judged (GK905)."""
    unknown = PolicyOrigin(source=f"{repo}:{policy_path}")
    try:
        info = forge.pull_request(repo, number)
    except ForgeUnavailable as exc:
        return LiveResult(blocked_decision(
            Code.GK904, f"could not read the pull request: {exc}",
            "re-run the check; if it persists, check the token's pull-requests: read "
            "permission", unknown, identity=f"{repo}#{number}", evaluated_at=evaluated_at),
            None, None, sha=event_sha)
    if event_sha is not None and info.head_sha != event_sha:
        return LiveResult(blocked_decision(
            Code.GK905, f"the event is for commit {event_sha[:12]}, but the pull request's "
            f"head is now {info.head_sha[:12]}: it was pushed again before this run read it, "
            f"so {event_sha[:12]} is not judged", RERUN_FIX, unknown,
            identity=f"{repo}#{number}@{event_sha}", evaluated_at=evaluated_at),
            info, None, sha=event_sha)
    sharing: tuple[PullRequestInfo, ...] | None = None
    if other_pulls and not info.from_base_repository:
        # Someone who may not push here can open a pull request on anyone's commit (its
        # head is public): before anything is posted on that commit, it must be theirs.
        try:
            sharing = _sharing(forge, info)
            holders = _held_by(forge, info, sharing)
        except ForgeUnavailable as exc:
            return LiveResult(blocked_decision(
                Code.GK908, f"could not tell whose pull requests share the head "
                f"{info.head_sha[:12]}: {exc}", "re-run the check", unknown,
                identity=f"{repo}#{number}@{info.head_sha}", evaluated_at=evaluated_at),
                info, None, sha=info.head_sha)
        if holders:
            return _held(info, holders, unknown, evaluated_at)
    if started is not None:
        started(info)
    result = evaluate_pull(forge, info, policy_path=policy_path, evaluated_at=evaluated_at,
                           local_diff=local_diff, central=central)
    if other_pulls and not result.decision.blocked:
        result = _with_other_pulls(forge, result, policy_path=policy_path,
                                   evaluated_at=evaluated_at, local_diff=local_diff,
                                   sharing=sharing, central=central)
    return result


def may_write(forge: PullRequestReader, info: PullRequestInfo) -> bool:
    """Whether the pull request is an insider's: its branch is in the repository itself,
    or its author has write access there. Raises ForgeUnavailable."""
    if info.from_base_repository:
        return True
    if not info.author:
        return False
    return forge.permission(info.repo, info.author) in WRITE_ROLES


def _sharing(forge: PullRequestReader, info: PullRequestInfo) -> tuple[PullRequestInfo, ...]:
    """The other open pull requests whose head is this one's head, as GitHub shows them
    now. Raises ForgeUnavailable."""
    sha = info.head_sha
    found = forge.pulls_for_commit(info.repo, sha)
    numbers = sorted({p.number for p in found
                      if p.state == "open" and p.head_sha == sha and p.number != info.number})
    others = (forge.pull_request(info.repo, number) for number in numbers)
    return tuple(o for o in others if o.head_sha == sha)


def _held_by(forge: PullRequestReader, info: PullRequestInfo,
             sharing: tuple[PullRequestInfo, ...]) -> tuple[int, ...]:
    """The insiders' pull requests on this head, when this one is an outsider's: their
    verdict is the commit's, and this run must post nothing on it."""
    if not sharing or may_write(forge, info):
        return ()
    return tuple(o.number for o in sharing if may_write(forge, o))


def _held(info: PullRequestInfo, holders: tuple[int, ...], origin: PolicyOrigin,
          evaluated_at: str) -> LiveResult:
    shown = ", ".join(f"#{n}" for n in holders)
    decision = blocked_decision(
        Code.GK909, f"the head commit {info.head_sha[:12]} is also the head of {shown}, "
        f"opened by someone with write access; @{info.author} has none, so this run posts "
        "no status on that commit and its verdict there is theirs", "push a commit of your "
        "own to this pull request's branch, so that it has a head of its own", origin,
        identity=f"{info.repo}#{info.number}@{info.head_sha}", evaluated_at=evaluated_at)
    return LiveResult(decision, info, None, sha=None, held_by=holders)


def confirm_head(forge: PullRequestReader, result: LiveResult, *,
                 evaluated_at: str) -> LiveResult:
    """Read the pull request again just before a pass is posted: if its head, base or body
    changed during the run, the verdict is of a state that no longer exists (GK905)."""
    before = result.pull_request
    if before is None or result.decision.blocked:
        return result
    identity = f"{before.repo}#{before.number}@{before.head_sha}"
    origin = result.decision.policy
    try:
        now = forge.pull_request(before.repo, before.number)
    except ForgeUnavailable as exc:
        return replace(result, decision=blocked_decision(
            Code.GK904, f"could not read the pull request again before posting: {exc}",
            "re-run the check", origin, identity=identity, evaluated_at=evaluated_at))
    changed = [what for what, old, new in (
        ("head", before.head_sha, now.head_sha), ("base branch", before.base_ref, now.base_ref),
        ("description", before.body, now.body)) if old != new]
    if not changed:
        return result
    detail = (f"moved from {before.head_sha[:12]} to {now.head_sha[:12]}"
              if "head" in changed else f"{' and '.join(changed)} changed")
    return replace(result, decision=blocked_decision(
        Code.GK905, f"the pull request changed while it was judged ({detail}), so the "
        f"verdict on {before.head_sha[:12]} is not posted as a pass", RERUN_FIX, origin,
        identity=identity, evaluated_at=evaluated_at))


def evaluate_pull(
    forge: PullRequestReader,
    info: PullRequestInfo,
    *,
    policy_path: str,
    evaluated_at: str,
    local_diff: LocalDiff | None = None,
    policy_sha: str | None = None,
    central: CentralPolicy | None = None,
) -> LiveResult:
    """One pull request, as ``info`` shows it, judged by the policy in force: the base
    branch's tip now, or ``policy_sha`` (a merge group's base). Never raises
    ForgeUnavailable: every failure is a GK9xx decision."""
    def blocked(code: Code, message: str, fix: str, origin: PolicyOrigin) -> LiveResult:
        return LiveResult(blocked_decision(code, message, fix, origin,
                                           identity=f"{info.repo}#{info.number}",
                                           evaluated_at=evaluated_at),
                          info, None, sha=info.head_sha)

    origin = PolicyOrigin(source=f"{info.repo}:{policy_path}", ref=info.base_ref,
                          sha=policy_sha)
    if central is not None and central.document is None:
        return blocked(Code.GK901, f"could not read the organisation policy {central.name}: "
                       f"{central.error}", "re-run the check; if it persists, make the policy "
                       "repository readable by the run (docs/rollout.md) or fix the "
                       "org-policy input", replace(origin, central=PolicyOrigin(central.name)))
    try:
        if policy_sha is None:
            origin = replace(origin, sha=forge.branch_head(info.repo, info.base_ref))
        policy = policy_in_force(forge, info.repo, policy_path, origin,
                                 central.document if central is not None else None)
    except LooseningError as exc:
        refused = "; ".join(str(item) for item in exc.loosenings)
        return blocked(Code.GK910, f"the repository's policy on {info.base_ref} loosens the "
                       f"organisation policy: {refused}",
                       "a repository's policy may only tighten the organisation's: remove "
                       "these keys on the base branch, or ask the policy owner",
                       replace(origin, central=central.document.origin
                               if central is not None and central.document else None))
    except ForgeUnavailable as exc:
        return blocked(Code.GK901, f"could not read the policy in force on {info.base_ref}: "
                       f"{exc}", "re-run the check; the token needs contents: read", origin)
    except GatekeeperError as exc:
        return blocked(Code.GK901, f"the base branch's policy is invalid: {exc}",
                       "fix the policy on the base branch (gatekeeper validate --policy "
                       "checks it locally)", origin)

    try:
        files = forge.changed_files(info)
    except ForgeUnavailable as exc:
        return replace(blocked(Code.GK902, f"could not list the changed files: {exc}",
                               "re-run the check once GitHub answers", policy.origin),
                       policy=policy)
    changes = files.changes
    if not files.complete:
        changes_or_none = _fallback(policy, info, local_diff)
        if changes_or_none is None:
            return replace(blocked(
                Code.GK903,
                f"GitHub listed {len(files.changes):,} of {files.expected:,} changed files "
                f"(its API stops at 3,000), so the change cannot be fully classified",
                "split the pull request, or set changed_files.allow_local_diff: true in the "
                "policy and check out the repository with full history",
                policy.origin), policy=policy)
        changes = changes_or_none

    try:
        decision = judge_with_evidence(forge, info, changes, policy, evaluated_at)
    except UnreadableFact as exc:
        return replace(blocked(Code.GK904, str(exc), exc.fix, policy.origin), policy=policy)
    return LiveResult(decision, info, policy, sha=info.head_sha)


def policy_in_force(forge: PullRequestReader, repo: str, path: str,
                    origin: PolicyOrigin, central: PolicyDocument | None = None) -> Policy:
    """The policy at ``origin.sha`` (the base branch's tip, or a merge group's base): a
    pull request never supplies its own. No file there: the embedded default, and the
    record says so (source embedded-default, with the ref and commit looked at). Under a
    ``central`` policy, the central policy tightened by that file (LooseningError when it
    would loosen it), and no embedded default."""
    sha = origin.sha
    assert sha is not None
    found = {p: forge.file_at(repo, p, sha) for p in candidate_paths(path)}
    chosen = the_one_policy(found, where=f"{repo}@{sha[:12]}")
    if central is not None:
        schema = resources.schema("policy")
        local = None if chosen is None else read_policy_document(
            chosen[1], file=f"{repo}:{chosen[0]}@{sha[:12]}", schema=schema,
            origin=replace(origin, source=f"{repo}:{chosen[0]}"))
        local_origin = local.origin if local is not None else replace(origin,
                                                                      source=NO_LOCAL_POLICY)
        return effective_policy(central, local, schema, local_origin=local_origin).policy
    if chosen is None:
        return replace(default_policy(), origin=replace(origin, source=EMBEDDED_POLICY))
    path, text = chosen
    return parse_policy(text, file=f"{repo}:{path}@{sha[:12]}",
                        schema=resources.schema("policy"),
                        origin=replace(origin, source=f"{repo}:{path}"))


def _with_other_pulls(forge: PullRequestReader, result: LiveResult, *, policy_path: str,
                      evaluated_at: str, local_diff: LocalDiff | None,
                      sharing: tuple[PullRequestInfo, ...] | None = None,
                      central: CentralPolicy | None = None) -> LiveResult:
    """A status belongs to a commit, so a pass on it is a pass for every pull request whose
    head it is: each other open one is judged too, by its own base branch's policy. An
    outsider's pull request (no write access, a fork) on an insider's commit does not count:
    it cannot hold an honest pull request's verdict hostage, and it cannot borrow a pass
    either, since only someone with write access merges it and a merge queue judges it."""
    info = result.pull_request
    assert info is not None
    sha = info.head_sha

    def cannot(message: str) -> LiveResult:
        return replace(result, decision=blocked_decision(
            Code.GK908, message, "re-run the check; if it persists, close the other pull "
            "request or give it a head commit of its own", result.decision.policy,
            identity=f"{info.repo}#{info.number}@{sha}", evaluated_at=evaluated_at))

    try:
        others = sharing if sharing is not None else _sharing(forge, info)
        insider = may_write(forge, info) if others else False
    except ForgeUnavailable as exc:
        return cannot(f"could not read the other pull requests on {sha[:12]}: {exc}")
    extra: list[Reason] = []
    for other in others:
        number = other.number
        try:
            counts = not insider or may_write(forge, other)
        except ForgeUnavailable as exc:
            return cannot(f"could not read who opened #{number}, also on {sha[:12]}: {exc}")
        if not counts:
            continue
        judged = evaluate_pull(forge, other, policy_path=policy_path,
                               evaluated_at=evaluated_at, local_diff=local_diff,
                               central=central).decision
        if judged.kind == "could_not_evaluate":
            return cannot(f"pull request #{number}, also on {sha[:12]}, could not be judged: "
                          f"{judged.reasons[0].message}")
        if judged.blocked:
            extra.append(Reason(
                code=Code.GK220,
                message=f"pull request #{number} (into {other.base_ref}) has the same head "
                        f"commit {sha[:12]} and is blocked ({_codes(judged)}); a status on a "
                        "commit counts for every pull request on it",
                fix=f"complete #{number}'s contract, close it, or give one of the two a head "
                    "commit of its own"))
    return replace(result, decision=result.decision.blocked_by(tuple(extra)))


def _codes(decision: Decision) -> str:
    return ", ".join(dict.fromkeys(str(r.code) for r in decision.reasons))


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
        evaluated_at=evaluated_at, version=BUILD.describe(), author=info.author,
        evidence=evidence,
    )


def _fallback(policy: Policy, info: PullRequestInfo,
              local_diff: LocalDiff | None) -> list[ChangedPath] | None:
    if not policy.allow_local_diff or local_diff is None:
        return None
    try:
        return local_diff(info.base_sha, info.head_sha)
    except GatekeeperError:
        return None
