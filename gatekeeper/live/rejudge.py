"""Judging open pull requests again when a fact outside them moves.

A verdict is a judgement of the facts read in its run. Two of those facts change without
an event on the pull request: the policy on its base branch (a push), and an approval
record in the same repository (an issue labelled, unlabelled, edited, closed, reopened or
deleted). Both are changes only people with write (or triage) access can make, so the cost
of re-judging is bounded by insiders' actions and by ``limit``.

How a pull request is judged again depends on the set-up: the hardened one posts its own
commit status, so the run judges each pull request and posts the verdict; in the simple
one the required check is the gate job's check run on the head, which only a run of that
job can change, so its newest run on the head is re-run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gatekeeper.core.authority.records import named_pull_numbers
from gatekeeper.core.policy.load import Policy
from gatekeeper.forge import (
    ForgeUnavailable,
    PushEvent,
    RecordEvent,
    Rejudging,
)

# The gate's own runs: the events of the simple set-up's workflow that judge a pull request.
GATE_EVENTS = frozenset({"pull_request", "pull_request_review"})


@dataclass(frozen=True)
class Selection:
    """The pull requests an event re-judges, and why those."""

    numbers: tuple[int, ...]
    why: str
    # More were concerned than one run judges: named so that someone re-runs them.
    beyond: bool = False
    # The head of each one already known open (from a list of open pull requests), so
    # that re-running its gate needs no read of it.
    open_heads: Mapping[int, str] = field(default_factory=dict)


def after_push(forge: Rejudging, repo: str, event: PushEvent, *, limit: int) -> Selection:
    """A push to a branch: every open pull request into it (its policy may have moved)."""
    if event.branch is None:
        return Selection((), "a tag or a deleted branch: no pull request is judged against it")
    pulls = forge.open_pulls_into(repo, event.branch, limit=limit)
    chosen = pulls[:limit]
    return Selection(tuple(p.number for p in chosen),
                     f"the open pull requests into {event.branch}", beyond=len(pulls) > limit,
                     open_heads={p.number: p.head_sha for p in chosen})


def after_record_change(event: RecordEvent, policy: Policy, repo: str, server_url: str, *,
                        limit: int) -> Selection:
    """A change to an issue: when it is (or just stopped being) an approval record of this
    repository, the pull requests it names now or named before an edit."""
    records = policy.approval_records
    if records is None or records.repository.casefold() != repo.casefold():
        return Selection((), f"the policy keeps no approval records in {repo}")
    if records.label not in event.labels and event.label != records.label:
        return Selection((), f"issue #{event.number} is not an approval record: it has no "
                             f"{records.label!r} label")
    named = sorted(named_pull_numbers(event.texts, repo, server_url) - {event.number})
    return Selection(tuple(named[:limit]),
                     f"the pull requests approval record #{event.number} names",
                     beyond=len(named) > limit)


@dataclass(frozen=True)
class Rerun:
    """What re-running a pull request's gate did: ``run_id`` re-run, or why not."""

    number: int
    run_id: int | None
    problem: str = ""


def rerun_gate(forge: Rejudging, repo: str, number: int, head_sha: str,
               workflow: str) -> Rerun:
    """Re-run the gate's newest run on the pull request's head (the simple set-up). A run
    still going may have read the old facts, and a head the gate never ran on has no check
    to renew: both are problems to report, never skipped."""
    try:
        runs = [run for run in forge.gate_runs(repo, workflow, head_sha)
                if run.event in GATE_EVENTS]
        if not runs:
            return Rerun(number, None, f"{workflow} has no run on its head {head_sha[:12]} "
                                       "to re-run")
        newest = runs[0]
        if not newest.completed:
            return Rerun(number, newest.id, f"its gate run {newest.id} is {newest.status}, "
                                            "and may have read the facts before they moved; "
                                            "re-run it when it ends")
        forge.rerun(repo, newest.id)
    except ForgeUnavailable as exc:
        return Rerun(number, None, str(exc))
    return Rerun(number, newest.id)
