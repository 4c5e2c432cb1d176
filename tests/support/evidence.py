"""Evidence as the forge would show it, for the rules that need GitHub's facts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.facts import CommitRecord, Person, PullRequestRef, ReviewRecord

HEAD = "f" * 40
OLD = "0" * 40
REPO = "acme/app"
PULL = PullRequestRef(REPO, 7, "https://github.com/acme/app/pull/7")


def person(login: str, *, bot: bool = False) -> Person:
    return Person(name=login, email=f"{login}@example.com", login=login, is_bot=bot)


def commit(author: str = "alice", committer: str | None = None, message: str = "change",
           sha: str = "c" * 40, *, verified: bool | None = True) -> CommitRecord:
    """A commit as GitHub lists it: accounts linked, its signature verified (or not);
    ``verified=None`` is a commit read locally, where nothing says."""
    return CommitRecord(sha=sha, message=message, author=person(author),
                        committer=person(committer or author), verified=verified)


def approved(login: str, commit_id: str = HEAD, *, bot: bool = False) -> ReviewRecord:
    return ReviewRecord(login=login, state="APPROVED", commit_id=commit_id, is_bot=bot)


def live(**overrides: Any) -> Evidence:
    """A pull request by @alice with one commit of hers, @carol (write) approving the head,
    its base never changed."""
    base = Evidence(
        head_sha=HEAD, pull_request=PULL, author="alice", head_ref="feature/login",
        reviews=(approved("carol"),), commits=(commit(),), base_changes=(),
        permissions={(REPO, "carol"): "write", (REPO, "alice"): "write",
                     (REPO, "bob"): "maintain"},
    )
    return replace(base, **overrides)
