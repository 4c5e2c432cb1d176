"""Which pull requests a verdict is about, beyond the one an event names.

A merge group is judged as a whole: every pull request in it (found from the queue's
commits on the group's first-parent line between ``base_sha`` and ``head_sha``, never
from other pull requests that share a commit) is evaluated against the policy at the
group's ``base_sha``, and the group blocks if any of them blocks, naming it. A
``workflow_run`` re-evaluation finds its pull requests through the API: its payload
describes a run that anyone who can push a workflow could have started.
"""

from __future__ import annotations

import re
from dataclasses import replace

from gatekeeper.core.model import PolicyOrigin, Reason
from gatekeeper.core.reasons import Code
from gatekeeper.forge import (
    CommitSummary,
    ForgeUnavailable,
    MergeGroupEvent,
    PullRequestReader,
    WorkflowRunEvent,
)
from gatekeeper.live.evaluation import (
    CentralPolicy,
    LiveResult,
    LocalDiff,
    blocked_decision,
    evaluate_pull,
)

# The first lines GitHub writes for a queued pull request: a merge commit, or a squash
# (the title, then the number GitHub appends; a title cannot hide the last one).
_MERGE_SUBJECT = re.compile(r"^Merge pull request #(\d+) from \S")
_SQUASH_SUBJECT = re.compile(r"\(#(\d+)\)\s*$")


def evaluate_merge_group(
    forge: PullRequestReader,
    repo: str,
    number: int,
    group: MergeGroupEvent,
    *,
    policy_path: str,
    evaluated_at: str,
    local_diff: LocalDiff | None = None,
    central: CentralPolicy | None = None,
) -> LiveResult:
    """The verdict on the group's head commit. ``number`` is the pull request the queue
    ref names (the last one in the group); the decision reported is its own, blocked also
    by every other member that blocks."""
    origin = PolicyOrigin(source=f"{repo}:{policy_path}", ref=group.base_ref,
                          sha=group.base_sha)

    def cannot(message: str) -> LiveResult:
        return LiveResult(blocked_decision(
            Code.GK907, message, "re-run the check; if it persists, remove the pull "
            "requests from the queue and queue them again", origin,
            identity=f"{repo}@{group.head_sha}", evaluated_at=evaluated_at),
            None, None, sha=group.head_sha)

    try:
        commits = forge.compare(repo, group.base_sha, group.head_sha)
        numbers = _members(forge, repo, group, commits) | {number}
    except ForgeUnavailable as exc:
        return cannot(f"could not list the merge group's commits and pull requests: {exc}")
    except _Unattributed as exc:
        return cannot(str(exc))

    results: dict[int, LiveResult] = {}
    for member in sorted(numbers):
        try:
            info = forge.pull_request(repo, member)
        except ForgeUnavailable as exc:
            return cannot(f"could not read pull request #{member} of the merge group: {exc}")
        if info.base_ref != group.base_ref:
            return cannot(f"pull request #{member} is into {info.base_ref}, not the merge "
                          f"group's base {group.base_ref}")
        results[member] = evaluate_pull(forge, info, policy_path=policy_path,
                                        evaluated_at=evaluated_at, local_diff=local_diff,
                                        policy_sha=group.base_sha, central=central)
    extra = []
    for member, result in results.items():
        decision = result.decision
        if member == number or not decision.blocked:
            continue
        if decision.kind == "could_not_evaluate":
            return cannot(f"pull request #{member} of the merge group could not be judged: "
                          f"{decision.reasons[0].message}")
        codes = ", ".join(dict.fromkeys(str(r.code) for r in decision.reasons))
        extra.append(Reason(
            code=Code.GK221,
            message=f"pull request #{member}, earlier in this merge group, is blocked as it "
                    f"stands now ({codes}); the group merges only if every pull request in "
                    "it passes",
            fix=f"fix #{member}'s contract and queue it again, or remove it from the queue"))
    last = results[number]
    return replace(last, decision=last.decision.blocked_by(tuple(extra)), sha=group.head_sha)


class _Unattributed(Exception):
    pass


def _members(forge: PullRequestReader, repo: str, group: MergeGroupEvent,
             commits: tuple[CommitSummary, ...]) -> set[int]:
    """The pull requests queued in the group, and only those: the queue writes one commit
    per pull request on the group's first-parent line (a merge commit or a squash naming
    it). The commits those bring in (a pull request's own history) belong to no one else's
    verdict: another open pull request that shares them was not queued. A first-parent
    commit that names no pull request (a rebase) belongs to the open pull requests whose
    head it is; one that belongs to none blocks the group: it cannot be judged."""
    by_sha = {commit.sha: commit for commit in commits}
    line: list[CommitSummary] = []
    sha: str | None = group.head_sha
    while sha is not None and sha in by_sha and len(line) <= len(by_sha):
        commit = by_sha[sha]
        line.append(commit)
        sha = commit.parents[0] if commit.parents else None
    if commits and not line:
        raise _Unattributed(f"the merge group's head {group.head_sha[:12]} is not among its "
                            "commits, so its pull requests cannot be told")
    found: set[int] = set()
    for commit in line:
        named = _named(commit.message)
        if named is not None:
            found.add(named)
            continue
        owners = {p.number for p in forge.pulls_for_commit(repo, commit.sha)
                  if p.state == "open" and p.base_ref == group.base_ref
                  and p.head_sha == commit.sha}
        if not owners:
            raise _Unattributed(
                f"commit {commit.sha[:12]} of the merge group belongs to no open pull request "
                f"into {group.base_ref} that GitHub shows, so it cannot be judged")
        found |= owners
    return found


def _named(message: str) -> int | None:
    subject = message.split("\n", 1)[0].strip()
    match = _MERGE_SUBJECT.match(subject) or _SQUASH_SUBJECT.search(subject)
    return int(match.group(1)) if match else None


def pulls_of_run(forge: PullRequestReader, repo: str, run: WorkflowRunEvent) -> tuple[int, ...]:
    """The open pull requests a workflow_run is about: those its payload lists, else those
    whose head is its head commit, else its head branch's. Raises ForgeUnavailable."""
    if run.numbers:
        return tuple(sorted(set(run.numbers)))
    found: set[int] = set()
    if run.head_sha is not None:
        found = {p.number for p in forge.pulls_for_commit(repo, run.head_sha)
                 if p.state == "open" and p.head_sha == run.head_sha}
    if not found and run.head_owner is not None and run.head_branch is not None:
        found = {p.number for p in forge.pulls_for_branch(repo, run.head_owner, run.head_branch)
                 if p.state == "open"}
    return tuple(sorted(found))
