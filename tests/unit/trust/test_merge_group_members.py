"""A merge group is judged on the pull requests in it, only: another open pull request
that shares one of a queued pull request's commits was never queued, and neither blocks
the group nor is named in its fix text."""

from __future__ import annotations

from pathlib import Path

from tests.support.github_double import FakeGitHub, github_double
from tests.support.merge_queue import queue
from tests.unit.commands.test_verdict import (
    BASE,
    C8,
    GREEN,
    HEAD,
    M7,
    M8,
    REPO,
    _act,
    _codes,
    _pull,
    _states,
    fake,
)

__all__ = ["fake", "github_double"]


def test_an_open_pull_request_sharing_a_queued_commit_is_not_a_member(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, 7, GREEN, head_ref="seven")
    _pull(fake, 8, GREEN, head=C8, head_ref="eight")
    payload = queue(fake, REPO, BASE, [(7, HEAD, "seven"), (8, C8, "eight")], [M7, M8])
    # #9, never queued, has #7's head commit (a copy from a fork, a stacked branch) and
    # an empty description.
    _pull(fake, 9, "", head_ref="copy")
    code, _, record = _act(fake, tmp_path, "merge_group", payload, number=8)
    assert code == 0 and record["decision"] == "pass", _codes(record)
    assert _states(fake, M8)[-1] == ("gatekeeper/contract (main)", "success")
    assert fake.count("GET", r"/pulls/9$") == 0


def test_a_queued_member_that_blocks_still_blocks_the_group(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, 7, "", head_ref="seven")
    _pull(fake, 8, GREEN, head=C8, head_ref="eight")
    payload = queue(fake, REPO, BASE, [(7, HEAD, "seven"), (8, C8, "eight")], [M7, M8])
    code, _, record = _act(fake, tmp_path, "merge_group", payload, number=8)
    assert code == 1 and _codes(record) == ["GK221"]
