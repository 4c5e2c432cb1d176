"""The facts ``Evidence`` holds about a pull request: its reviews, its commits and who made
them, the approval records it points at, the check runs on its head, and which pull
request it is.

They are made only where something was read: from GitHub by a live evaluation, or the
commits from git by ``validate --diff``. A local run without ``--diff`` reads nothing and
never loads them.
"""

from __future__ import annotations

from dataclasses import dataclass


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
