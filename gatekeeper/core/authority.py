"""Authority: a RED change's escalation reviewer must have approved the current head."""

from __future__ import annotations

from dataclasses import dataclass, field

from gatekeeper.core.model import Reason
from gatekeeper.core.reasons import Code


@dataclass(frozen=True)
class ReviewRecord:
    login: str
    state: str
    commit_id: str | None


@dataclass(frozen=True)
class AuthorityEvidence:
    """What GitHub shows: the reviews, the head commit, and team membership of reviewers."""

    head_sha: str
    reviews: tuple[ReviewRecord, ...]
    # For an @org/team reviewer: the reviewers GitHub says are active members.
    team_members: dict[str, frozenset[str]] = field(default_factory=dict)


def latest_reviews(reviews: tuple[ReviewRecord, ...]) -> dict[str, ReviewRecord]:
    """Each reviewer's latest decisive review; comments neither grant nor withdraw approval."""
    latest: dict[str, ReviewRecord] = {}
    for review in reviews:
        if review.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[review.login.casefold()] = review
    return latest


def team_of(reviewer: str) -> str | None:
    """``@org/team`` names a team; ``@user`` does not."""
    handle = reviewer.removeprefix("@")
    return handle.casefold() if "/" in handle else None


def authority_reasons(
    reviewer: str, evidence: AuthorityEvidence, *, line: int | None,
) -> list[Reason]:
    handle = reviewer.removeprefix("@")
    team = team_of(reviewer)
    if team is not None:
        members = evidence.team_members.get(team, frozenset())
        eligible = {login.casefold() for login in members}
    else:
        eligible = {handle.casefold()}

    latest = latest_reviews(evidence.reviews)
    approvals = [r for login, r in latest.items() if login in eligible and r.state == "APPROVED"]
    if any(r.commit_id == evidence.head_sha for r in approvals):
        return []
    who = f"a member of @{handle}" if team else f"@{handle}"
    fix = (f"ask {who} to review and approve the current head commit "
           f"{evidence.head_sha[:12]} on GitHub")
    if approvals:
        return [Reason(
            code=Code.GK302,
            message=f"the escalation approval by {who} is for an older commit, "
                    f"not the current head {evidence.head_sha[:12]}",
            field="escalation_reviewer", line=line, fix=fix,
        )]
    return [Reason(
        code=Code.GK301,
        message=f"no approving review from {who} on the current head "
                f"{evidence.head_sha[:12]}; GitHub shows none",
        field="escalation_reviewer", line=line, fix=fix,
    )]
