"""Authority: who may authorise a RED change, and whether GitHub shows that they did.

An account may authorise (approve as escalation reviewer, or apply the approval label to
an approval record) only if it is not a bot or agent account, is not the pull request's
author, authored or committed none of its commits, and has write, maintain or admin
permission on the repository. Each rule that fails has its own reason code.

Every rule reads facts from ``Evidence``. A fact nobody has read yet is never guessed: the
rule records a ``Need`` (what to read) and a pending ``Caveat`` (what a person is told).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from gatekeeper.core.authority.evidence import WRITE_ROLES, Evidence
from gatekeeper.core.authority.provenance import (
    GITHUB_WEB_COMMITTER,
    co_authors,
    login_of,
)
from gatekeeper.core.model import Caveat, Reason
from gatekeeper.core.policy.provenance_rules import ProvenanceRules
from gatekeeper.core.reasons import Code

if TYPE_CHECKING:
    from gatekeeper.core.authority.facts import CommitRecord, ReviewRecord

# Pending checks, by kind (the ``check`` of their caveat).
APPROVAL_CHECK = "escalation_approval"
RECORD_CHECK = "approval_record"
COMMITS_CHECK = "commits"
PERMISSION_CHECK = "permission"
OWNER_APPROVAL_CHECK = "owner_approval"
CHECK_RUNS_CHECK = "required_check"
BASE_CHANGES_CHECK = "base_changes"


@dataclass(frozen=True)
class Need:
    """A fact the live evaluation must read before the rules can judge."""

    kind: str  # reviews, commits, permission, team, approval_record, check_runs, base_changes
    subject: str = ""  # a login, a team, a reference or a check name
    scope: str = ""  # the repository, where it matters
    logins: tuple[str, ...] = ()  # for a team: the approvers whose membership matters
    number: int = 0  # for an approval record: its issue number
    label: str = ""  # for an approval record: the approval label


@dataclass
class Findings:
    reasons: list[Reason] = field(default_factory=list)
    pending: list[Caveat] = field(default_factory=list)
    needs: set[Need] = field(default_factory=set)

    def wait(self, check: str, detail: str, subject: str | None, *needs: Need) -> None:
        if not any(c.check == check and c.subject == subject for c in self.pending):
            self.pending.append(Caveat(check=check, detail=detail, subject=subject,
                                       pending=True))
        self.needs.update(needs)

    def extend(self, other: Findings) -> None:
        self.reasons += other.reasons
        for caveat in other.pending:
            if caveat not in self.pending:
                self.pending.append(caveat)
        self.needs |= other.needs


def handle(text: str) -> str:
    return text.strip().removeprefix("@")


def team_of(reviewer: str) -> str | None:
    """``@org/team`` names a team; ``@user`` does not."""
    name = handle(reviewer)
    return name.casefold() if "/" in name else None


def latest_reviews(reviews: tuple[ReviewRecord, ...]) -> dict[str, ReviewRecord]:
    """Each reviewer's latest decisive review; comments neither grant nor withdraw approval."""
    latest: dict[str, ReviewRecord] = {}
    for review in reviews:
        if review.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[review.login.casefold()] = review
    return latest


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def given_after_base_change(review: ReviewRecord, evidence: Evidence) -> bool | None:
    """Whether ``review`` was submitted after the pull request's last base change (True
    when the base never changed); None while GitHub's record of base changes is unread.

    Retargeting a pull request keeps its head and changes its diff: an approval given
    before that approved another change. A review GitHub gives no time for, or a time
    nobody can read, does not count once the base has changed."""
    if evidence.base_changes is None:
        return None
    if not evidence.base_changes:
        return True
    changes = [_instant(at) for at in evidence.base_changes]
    submitted = _instant(review.submitted_at) if review.submitted_at else None
    if submitted is None or any(at is None for at in changes):
        return False
    return all(submitted > at for at in changes if at is not None)


def commit_people(evidence: Evidence, rules: ProvenanceRules) -> frozenset[str] | None:
    """The accounts that wrote the change: every commit's author and committer (GitHub's
    link, or their no-reply address), and everyone any commit names as a co-author (by
    the account of a no-reply address, else by name).

    A branch update GitHub made ("Update branch": a merge it committed and signed whose
    second parent is on the base, not in the pull request) brings in only the base's
    content, so it does not make the person who clicked an author."""
    if evidence.commits is None:
        return None
    own = {commit.sha for commit in evidence.commits}
    people: set[str] = set()
    for commit in evidence.commits:
        if not _branch_update(commit, own):
            for person in (commit.author, commit.committer):
                login = login_of(person)
                if login:
                    people.add(login.casefold())
        for person in co_authors(commit.message):
            people.add((login_of(person) or person.name).casefold())
    return frozenset(people)


def _branch_update(commit: CommitRecord, own: set[str]) -> bool:
    return (len(commit.parents) == 2 and commit.parents[1] not in own
            and commit.parents[0] in own and commit.verified is True
            and login_of(commit.committer) == GITHUB_WEB_COMMITTER)


@dataclass(frozen=True)
class Refusal:
    code: Code
    why: str


def eligibility(login: str, *, is_bot: bool, repo: str, evidence: Evidence,
                rules: ProvenanceRules, findings: Findings, wait_detail: str
                ) -> Refusal | Literal["eligible", "unread"]:
    """Why ``login`` may not authorise, or ``eligible``; ``unread`` while facts are still
    unread (the needs and the pending caveat are then in ``findings``)."""
    folded = login.casefold()
    if is_bot or rules.is_agent_account(login):
        return Refusal(Code.GK305, f"@{login} is a bot or agent account")
    if evidence.author and folded == evidence.author.casefold():
        return Refusal(Code.GK306, f"@{login} opened this pull request and cannot authorise it")
    people = commit_people(evidence, rules)
    if people is None:
        findings.wait(COMMITS_CHECK, "the pull request's commit authors and committers on "
                      "GitHub", None, Need("commits"))
        return "unread"
    if folded in people:
        return Refusal(Code.GK307, f"@{login} authored or committed commits of this pull "
                                   "request")
    role = evidence.permission(repo, login) if repo else None
    if role is None:
        findings.wait(PERMISSION_CHECK, wait_detail, login,
                      *((Need("permission", login, repo),) if repo else ()))
        return "unread"
    if role not in WRITE_ROLES:
        return Refusal(Code.GK304, f"@{login} has {role} access to {repo}, not write, "
                                   "maintain or admin")
    return "eligible"


def listed_reviewer(reviewer: str, allowed: tuple[str, ...], *, line: int | None) -> list[Reason]:
    """A named reviewer outside ``authority.escalation_reviewers`` blocks."""
    if not allowed or handle(reviewer).casefold() in {handle(a).casefold() for a in allowed}:
        return []
    listed = ", ".join(f"@{handle(a)}" for a in allowed)
    return [Reason(code=Code.GK303,
                   message=f"escalation reviewer @{handle(reviewer)} is not one the policy "
                           f"allows ({listed})",
                   field="escalation_reviewer", line=line,
                   fix=f"name one of {listed} as Escalation reviewer")]


def escalation_approval(reviewer: str, evidence: Evidence, rules: ProvenanceRules, *,
                        line: int | None, agent_owner: str | None = None) -> Findings:
    """The named reviewer (or a member of the named team) approved the head, eligibly."""
    findings = Findings()
    name, team = handle(reviewer), team_of(reviewer)
    who = f"a member of @{name}" if team else f"@{name}"
    waiting = f"{who}'s approval on GitHub"
    if evidence.reviews is None:
        findings.wait(APPROVAL_CHECK, waiting, reviewer, Need("reviews"))
        return findings
    approvals = [r for r in latest_reviews(evidence.reviews).values() if r.state == "APPROVED"]
    if team is not None:
        if team in evidence.team_unreadable:
            findings.reasons.append(Reason(
                code=Code.GK916,
                message=f"cannot read the members of @{name}: {evidence.team_unreadable[team]}",
                field="escalation_reviewer", line=line,
                fix="give the workflow a GitHub App token with organization members: read "
                    "(the workflow's GITHUB_TOKEN cannot read teams), or list the reviewers "
                    "as users in authority.escalation_reviewers and name one of them"))
            return findings
        members = evidence.team_members.get(team)
        if members is None:
            if not approvals:
                members = frozenset()
            else:
                logins = tuple(sorted(r.login for r in approvals))
                findings.wait(APPROVAL_CHECK, waiting, reviewer, Need("team", team,
                                                                      logins=logins))
                return findings
        eligible = {m.casefold() for m in members}
    else:
        eligible = {name.casefold()}
    repo = evidence.pull_request.repo if evidence.pull_request else ""
    candidates = [r for r in approvals if r.login.casefold() in eligible]
    refusals: list[Refusal] = []
    unread = False
    for review in candidates:
        if agent_owner is not None and review.login.casefold() == handle(agent_owner).casefold():
            refusals.append(Refusal(Code.GK315, f"@{review.login} is the accountable owner "
                                                "of this agent's change, answerable for it, "
                                                "and cannot also authorise it"))
            continue
        verdict = eligibility(review.login, is_bot=review.is_bot, repo=repo, evidence=evidence,
                              rules=rules, findings=findings,
                              wait_detail=f"@{review.login}'s write permission on GitHub")
        if verdict == "unread":
            unread = True
        elif isinstance(verdict, Refusal):
            refusals.append(verdict)
        elif review.commit_id != evidence.head_sha:
            refusals.append(Refusal(Code.GK302, f"the approval by @{review.login} is for an "
                                                f"older commit, not the current head "
                                                f"{evidence.head_sha[:12]}"))
        else:
            after = given_after_base_change(review, evidence)
            if after is None:
                findings.wait(BASE_CHANGES_CHECK, "when the pull request's base branch last "
                              "changed, on GitHub", None, Need("base_changes"))
                unread = True
            elif not after:
                refusals.append(Refusal(Code.GK316, _before_base_change(review.login)))
            else:
                return Findings()  # one eligible approval of the head is enough
    if unread:
        return findings
    fix = (f"ask {who} (write access, not an author or committer of this pull request) to "
           f"approve the current head commit {evidence.head_sha[:12]} on GitHub")
    if not refusals:
        findings.reasons.append(Reason(
            code=Code.GK301, message=f"no approving review from {who} on the current head "
                                     f"{evidence.head_sha[:12]}; GitHub shows none",
            field="escalation_reviewer", line=line, fix=fix))
    for refusal in refusals:
        message = refusal.why if refusal.code in (Code.GK302, Code.GK316) else (
            f"the approval does not count: {refusal.why}")
        findings.reasons.append(Reason(code=refusal.code, message=message,
                                       field="escalation_reviewer", line=line, fix=fix))
    return findings


def _before_base_change(login: str) -> str:
    return (f"the approval by @{login} was given before the pull request's base branch last "
            "changed: the diff it approved is not the diff now, so it does not count")


def owner_is_answerable(owner: str, evidence: Evidence, rules: ProvenanceRules, *,
                        must_approve: bool, line: int | None) -> Findings:
    """An agent's change names a human with write access as accountable owner."""
    findings = Findings()
    name = handle(owner)
    fix = "name as Accountable owner a person with write access who answers for this change"

    def refuse(code: Code, message: str) -> Findings:
        findings.reasons.append(Reason(code=code, message=message, field="accountable_owner",
                                       line=line, fix=fix))
        return findings

    if team_of(owner) is not None:
        return refuse(Code.GK312, f"an agent's change needs a person as accountable owner, "
                                  f"not the team @{name}")
    author = evidence.author or ""
    if rules.is_agent_account(name) or (
            name.casefold() == author.casefold() and evidence.author_is_bot):
        return refuse(Code.GK312, f"an agent's change needs a human accountable owner; @{name} "
                                  "is a bot or agent account")
    repo = evidence.pull_request.repo if evidence.pull_request else ""
    role = evidence.permission(repo, name) if repo else None
    if role is None:
        findings.wait(PERMISSION_CHECK, f"@{name}'s write permission on GitHub", name,
                      *((Need("permission", name, repo),) if repo else ()))
    elif role not in WRITE_ROLES:
        return refuse(Code.GK313, f"accountable owner @{name} of an agent's change has {role} "
                                  f"access to {repo}, not write, maintain or admin")
    if must_approve:
        if evidence.reviews is None:
            findings.wait(OWNER_APPROVAL_CHECK, f"@{name}'s approval on GitHub", name,
                          Need("reviews"))
            return findings
        review = latest_reviews(evidence.reviews).get(name.casefold())
        on_head = (review is not None and review.state == "APPROVED"
                   and review.commit_id == evidence.head_sha)
        after = given_after_base_change(review, evidence) if review and on_head else None
        if review is not None and on_head and after is None:
            findings.wait(BASE_CHANGES_CHECK, "when the pull request's base branch last "
                          "changed, on GitHub", None, Need("base_changes"))
        elif review is not None and on_head and not after:
            findings.reasons.append(Reason(
                code=Code.GK316, message=_before_base_change(name),
                field="accountable_owner", line=line,
                fix=f"ask @{name} to review and approve the pull request again"))
        elif not on_head:
            findings.reasons.append(Reason(
                code=Code.GK314,
                message=f"the policy requires the accountable owner @{name} to approve an "
                        f"agent's change; GitHub shows no approval by @{name} of the head "
                        f"{evidence.head_sha[:12]}",
                field="accountable_owner", line=line,
                fix=f"ask @{name} to review and approve the current head commit"))
    return findings


