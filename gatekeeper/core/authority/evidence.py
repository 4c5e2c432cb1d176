"""What the forge shows about a pull request, as plain facts the pure core judges.

Each fact is ``None`` (or absent from its mapping) until someone has read it. The core
never guesses a missing fact: it reports what it still needs as a pending check
(``Caveat``), and the live evaluation reads exactly that and asks again. A local run
reads nothing from GitHub, so what only GitHub can show stays pending.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Roles GitHub reports in ``role_name`` of a collaborator's permission; the ones that may
# authorise a change.
WRITE_ROLES = frozenset({"write", "maintain", "admin"})


@dataclass(frozen=True)
class ReviewRecord:
    login: str
    state: str
    commit_id: str | None
    is_bot: bool = False
    # When the review was submitted (ISO 8601, as GitHub gives it); None: not shown.
    submitted_at: str | None = None


@dataclass(frozen=True)
class Person:
    """A commit's author or committer: git's name and email, and the GitHub account
    GitHub linked them to (``None`` when it linked none, or locally)."""

    name: str
    email: str
    login: str | None = None
    is_bot: bool = False


@dataclass(frozen=True)
class CommitRecord:
    sha: str
    message: str
    author: Person
    committer: Person
    # GitHub's signature verification (None: not known, as in a local run).
    verified: bool | None = None
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApprovalRecordFacts:
    """The issue an approval reference points at, in the policy's approvals repository."""

    repository: str
    number: int
    url: str
    exists: bool
    is_pull_request: bool = False
    # The label is on the issue now, and who applied it (the latest application).
    labelled: bool = False
    labelled_by: str | None = None
    labelled_by_bot: bool = False
    # The title or body names the pull request (its URL or OWNER/REPO#N).
    mentions_pull_request: bool = False


@dataclass(frozen=True)
class CheckRunFacts:
    name: str
    status: str
    conclusion: str | None


@dataclass(frozen=True)
class PullRequestRef:
    """Which pull request is judged, as GitHub names it."""

    repo: str
    number: int
    url: str = ""

    @property
    def short(self) -> str:
        return f"{self.repo}#{self.number}"


@dataclass(frozen=True)
class Evidence:
    """Facts about one pull request. The empty default is a local run that read nothing."""

    head_sha: str = ""
    pull_request: PullRequestRef | None = None
    author: str | None = None
    author_is_bot: bool = False
    head_ref: str | None = None
    reviews: tuple[ReviewRecord, ...] | None = None
    commits: tuple[CommitRecord, ...] | None = None
    # When the pull request's base branch was changed (retargeted), each time GitHub shows,
    # as ISO 8601 timestamps; () when never, None until read. An approval given before the
    # last change approved another diff.
    base_changes: tuple[str, ...] | None = None
    # (repository, login casefolded) -> GitHub's role_name: admin, maintain, write, triage,
    # read, none (or a custom role's name).
    permissions: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # team ("org/slug", casefolded) -> the reviewers GitHub says are active members.
    team_members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # team -> why the token could not read its members.
    team_unreadable: Mapping[str, str] = field(default_factory=dict)
    approval_records: Mapping[str, ApprovalRecordFacts] = field(default_factory=dict)
    # check name -> the runs GitHub shows for it on the head commit.
    check_runs: Mapping[str, tuple[CheckRunFacts, ...]] = field(default_factory=dict)

    def permission(self, repo: str, login: str) -> str | None:
        return self.permissions.get((repo.casefold(), login.casefold()))
