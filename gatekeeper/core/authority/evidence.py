"""What the forge shows about a pull request, as plain facts the pure core judges.

Each fact is ``None`` (or absent from its mapping) until someone has read it. The core
never guesses a missing fact: it reports what it still needs as a pending check
(``Caveat``), and the live evaluation reads exactly that and asks again. A local run
reads nothing from GitHub, so what only GitHub can show stays pending.

The facts themselves (reviews, commits, approval records, check runs) are records of
``core/authority/facts.py``, made only where something was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gatekeeper.core.authority.facts import (
        ApprovalRecordFacts,
        CheckRunFacts,
        CommitRecord,
        PullRequestRef,
        ReviewRecord,
    )

# Roles GitHub reports in ``role_name`` of a collaborator's permission; the ones that may
# authorise a change.
WRITE_ROLES = frozenset({"write", "maintain", "admin"})


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
