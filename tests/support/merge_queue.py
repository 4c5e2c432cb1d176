"""A merge queue in the GitHub test double: pull requests queued in order, each merged
with the merge commit GitHub writes, and the merge_group payload for the group's head."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.support.github_double import FakeGitHub


def queue(fake: FakeGitHub, repo: str, base_sha: str, members: Sequence[tuple[int, str, str]],
          merges: Sequence[str], *, base_ref: str = "main") -> dict[str, Any]:
    """``members``: (number, head SHA, head branch) of pull requests already seeded, in
    queue order, each head one commit on ``base_sha``; ``merges``: the SHA of the queue's
    merge commit for each. Returns the merge_group payload for the last one."""
    parent = base_sha
    for (number, head, branch), merge in zip(members, merges, strict=True):
        fake.add_commit(repo, head, message=f"work for #{number}", parents=[base_sha])
        fake.add_commit(repo, merge, message=f"Merge pull request #{number} from "
                        f"{repo.split('/')[0]}/{branch}\n\nA change", parents=[parent, head])
        parent = merge
    last = members[-1][0]
    payload = fake.webhook_payload("merge_group", "checks_requested", repo, last)
    payload.pop("pull_request", None)
    payload["merge_group"].update(
        head_sha=merges[-1], base_sha=base_sha, base_ref=f"refs/heads/{base_ref}",
        head_ref=f"refs/heads/gh-readonly-queue/{base_ref}/pr-{last}-{parent}")
    return payload
