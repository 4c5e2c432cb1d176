"""Reading what authority rests on, against the strict double: commits with git's people
beside GitHub's accounts, a login's role, approval records and check runs."""

from __future__ import annotations

import pytest

from gatekeeper.forge import ForgeUnavailable
from gatekeeper.forge.github import GitHubForge
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO, HEAD = "acme/widgets", "c" * 40


def _forge(fake: FakeGitHub) -> GitHubForge:
    return GitHubForge(DEFAULT_TOKEN, api_url=fake.base_url, retries=0, backoff=0.01)


def _seed(fake: FakeGitHub) -> None:
    fake.add_repo(REPO)
    fake.add_pull(REPO, 7, title="t", body="", author="bob", head_sha=HEAD,
                  base_sha="b" * 40, files=["a.py"])


def test_commits_carry_git_people_and_the_accounts_github_linked(
        github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.set_commits(REPO, 7, [
        {"sha": "1" * 40, "message": "fix\n\nCo-authored-by: Eve <eve@example.com>",
         "author": "bob"},
        {"sha": "2" * 40, "message": "tool", "author": None,
         "author_name": "Cursor Agent", "author_email": "cursoragent@cursor.com"},
    ])
    forge = _forge(github_double)
    listed = forge.commits(forge.pull_request(REPO, 7))
    first, second = listed.commits
    assert (first.author.login, first.sha) == ("bob", "1" * 40)
    assert "Co-authored-by: Eve" in first.message
    assert second.author.login is None
    assert (second.author.name, second.author.email) == ("Cursor Agent",
                                                         "cursoragent@cursor.com")


@pytest.mark.parametrize(("role", "expected"), [
    ("maintain", "maintain"), ("triage", "triage"), ("read", "read"), ("admin", "admin")])
def test_a_logins_role_is_githubs_role_name(github_double: FakeGitHub, role: str,
                                             expected: str) -> None:
    _seed(github_double)
    github_double.set_permission(REPO, "carol", role)
    assert _forge(github_double).permission(REPO, "carol") == expected


def test_an_approval_record_says_what_github_shows_of_it(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.add_repo("acme/approvals")
    github_double.add_issue("acme/approvals", 12, title="Approve acme/widgets#7",
                            body="Looks right.")
    forge = _forge(github_double)
    pull = forge.pull_request(REPO, 7)
    facts = forge.approval_record("acme/approvals", 12, "approved", pull.ref)
    assert facts.exists and not facts.labelled and facts.mentions_pull_request
    missing = forge.approval_record("acme/approvals", 99, "approved", pull.ref)
    assert not missing.exists


def test_check_runs_on_the_head_are_read_by_name(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.add_check_run(REPO, HEAD, "tests", conclusion="failure")
    runs = _forge(github_double).check_runs(REPO, HEAD, "tests")
    assert [(r.name, r.status, r.conclusion) for r in runs] == [
        ("tests", "completed", "failure")]


def test_a_failed_read_is_unavailable_never_empty(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.fail("GET", r"/pulls/7/commits", status=500)
    forge = _forge(github_double)
    with pytest.raises(ForgeUnavailable):
        forge.commits(forge.pull_request(REPO, 7))
