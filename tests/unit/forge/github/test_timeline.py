"""A pull request's base changes, read from its issue events on the strict double."""

from __future__ import annotations

import pytest

from gatekeeper.forge import ForgeUnavailable
from gatekeeper.forge.github import GitHubForge
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO = "acme/widgets"


def _forge(fake: FakeGitHub) -> GitHubForge:
    return GitHubForge(DEFAULT_TOKEN, api_url=fake.base_url, retries=0, backoff=0.01)


def _seed(fake: FakeGitHub) -> None:
    fake.add_repo(REPO)
    fake.set_branch(REPO, "main", "b" * 40)
    fake.set_branch(REPO, "prep", "a" * 40)
    fake.add_pull(REPO, 7, title="t", body="", author="bob", head_sha="c" * 40,
                  base_sha="a" * 40, base_ref="prep", files=["a.py"])


def test_a_pull_request_never_retargeted_has_no_base_changes(github_double: FakeGitHub) -> None:
    _seed(github_double)
    forge = _forge(github_double)
    assert forge.base_changes(forge.pull_request(REPO, 7)) == ()


def test_each_retarget_is_read_with_its_time(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.update_pull(REPO, 7, base_ref="main", base_sha="b" * 40,
                              updated_at="2026-11-20T11:00:00Z")
    github_double.update_pull(REPO, 7, base_ref="prep", base_sha="a" * 40,
                              updated_at="2026-11-20T12:00:00Z")
    forge = _forge(github_double)
    assert forge.base_changes(forge.pull_request(REPO, 7)) == (
        "2026-11-20T11:00:00Z", "2026-11-20T12:00:00Z")


def test_events_it_cannot_read_fail_closed(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.fail("GET", r"/issues/7/events", status=500)
    forge = _forge(github_double)
    with pytest.raises(ForgeUnavailable):
        forge.base_changes(forge.pull_request(REPO, 7))
