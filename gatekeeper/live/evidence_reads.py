"""Read from the forge the facts the rules asked for (``authority.Need``) into ``Evidence``.

Only what a rule asked for is read, so a GREEN change by a person costs one extra call
(its commits). A failure to read is an ``UnreadableFact``, which the live evaluation turns
into a GK9xx block; a team the token cannot see is recorded as such, for the rule to
explain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.facts import ApprovalRecordFacts, CheckRunFacts
from gatekeeper.core.authority.judge import Need
from gatekeeper.forge import ForgeUnavailable, PullRequestInfo, PullRequestReader

# GitHub lists at most 250 commits of a pull request.
COMMITS_CAP = 250


class UnreadableFact(Exception):
    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.fix = fix


def read_needs(forge: PullRequestReader, info: PullRequestInfo, evidence: Evidence,
               needs: Iterable[Need]) -> Evidence:
    permissions = dict(evidence.permissions)
    members = dict(evidence.team_members)
    unreadable = dict(evidence.team_unreadable)
    records: dict[str, ApprovalRecordFacts] = dict(evidence.approval_records)
    runs: dict[str, tuple[CheckRunFacts, ...]] = dict(evidence.check_runs)
    reviews, commits = evidence.reviews, evidence.commits
    base_changes = evidence.base_changes
    for need in sorted(needs, key=lambda n: (n.kind, n.subject, n.scope)):
        what = _what(need)
        try:
            if need.kind == "reviews" and reviews is None:
                reviews = forge.reviews(info)
            elif need.kind == "commits" and commits is None:
                listed = forge.commits(info)
                if not listed.complete:
                    raise UnreadableFact(
                        f"GitHub listed {len(listed.commits)} of {listed.expected} commits "
                        f"(its API stops at {COMMITS_CAP}), so their authors cannot all be "
                        "checked", "split the pull request into smaller ones")
                commits = listed.commits
            elif need.kind == "permission":
                permissions[(need.scope.casefold(), need.subject.casefold())] = (
                    forge.permission(need.scope, need.subject))
            elif need.kind == "team":
                try:
                    members[need.subject] = forge.team_members_among(need.subject, need.logins)
                except ForgeUnavailable as exc:
                    if exc.status not in (403, 404):
                        raise
                    unreadable[need.subject] = (
                        f"GitHub answered HTTP {exc.status} for the team with this token "
                        "(the token cannot read the organization's teams, or the team does "
                        "not exist)")
            elif need.kind == "approval_record":
                records[need.subject] = forge.approval_record(
                    need.scope, need.number, need.label, info.ref)
            elif need.kind == "base_changes" and base_changes is None:
                base_changes = forge.base_changes(info)
            elif need.kind == "check_runs":
                runs[need.subject] = forge.check_runs(info.repo, info.head_sha, need.subject)
        except ForgeUnavailable as exc:
            raise UnreadableFact(f"could not read {what}: {exc}", _fix(need)) from None
    return replace(evidence, reviews=reviews, commits=commits, base_changes=base_changes,
                   permissions=permissions,
                   team_members=members, team_unreadable=unreadable,
                   approval_records=records, check_runs=runs)


def _what(need: Need) -> str:
    return {
        "reviews": "the reviews",
        "commits": "the commits",
        "permission": f"@{need.subject}'s permission on {need.scope}",
        "team": f"the members of @{need.subject}",
        "approval_record": f"approval record {need.subject} in {need.scope}",
        "check_runs": f"the runs of check '{need.subject}'",
        "base_changes": "when the pull request's base branch changed",
    }.get(need.kind, need.kind)


def _fix(need: Need) -> str:
    permission = {
        "reviews": "pull-requests: read",
        "commits": "pull-requests: read",
        "permission": "metadata: read on the repository",
        "team": "organization members: read",
        "approval_record": f"issues: read on {need.scope}",
        "check_runs": "checks: read",
        "base_changes": "issues: read (or pull-requests: read)",
    }.get(need.kind, "read access")
    return f"re-run the check; if it fails again, give the token {permission}"
