"""read_needs: only the facts the rules asked for are read from the forge, into Evidence;
a failure to read is an UnreadableFact naming the token permission to give."""

from __future__ import annotations

import pytest

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.judge import Need
from gatekeeper.forge import PullRequestInfo
from gatekeeper.forge.github import GitHubForge
from gatekeeper.live.evidence_reads import COMMITS_CAP, UnreadableFact, read_needs
from tests.support.evidence import approved
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO = "acme/widgets"
BASE, HEAD = "b" * 40, "c" * 40


@pytest.fixture
def fake(github_double: FakeGitHub) -> FakeGitHub:
    github_double.add_repo(REPO)
    github_double.add_pull(REPO, 7, title="t", body="", author="bob", head_sha=HEAD,
                           base_sha=BASE, files=["docs/a.md"])
    return github_double


@pytest.fixture
def forge(fake: FakeGitHub) -> GitHubForge:
    return GitHubForge(DEFAULT_TOKEN, fake.base_url, retries=1, backoff=0.01)


@pytest.fixture
def info(forge: GitHubForge) -> PullRequestInfo:
    return forge.pull_request(REPO, 7)


def _reads(fake: FakeGitHub) -> list[str]:
    return [r.path for r in fake.requests]


def test_nothing_asked_reads_nothing(fake: FakeGitHub, forge: GitHubForge,
                                     info: PullRequestInfo) -> None:
    before = len(fake.requests)
    evidence = Evidence(head_sha=HEAD)
    assert read_needs(forge, info, evidence, []) == evidence
    assert len(fake.requests) == before


def test_reviews_and_commits_are_read_once(fake: FakeGitHub, forge: GitHubForge,
                                           info: PullRequestInfo) -> None:
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    fake.set_commits(REPO, 7, [{"author": "bob", "message": "one"}])
    evidence = read_needs(forge, info, Evidence(head_sha=HEAD),
                          [Need("reviews"), Need("commits")])
    assert evidence.reviews is not None and [(r.login, r.state, r.commit_id)
                                             for r in evidence.reviews] == [
        ("carol", "APPROVED", HEAD)]
    assert evidence.commits is not None and [c.message for c in evidence.commits] == ["one"]
    # Already known: not read again.
    known = Evidence(head_sha=HEAD, reviews=(approved("dave"),), commits=())
    before = len(fake.requests)
    again = read_needs(forge, info, known, [Need("reviews"), Need("commits")])
    assert again.reviews == (approved("dave"),) and again.commits == ()
    assert len(fake.requests) == before


def test_more_commits_than_github_lists_cannot_be_checked(fake: FakeGitHub,
                                                          forge: GitHubForge) -> None:
    fake.set_commits(REPO, 7, [{"author": "bob"} for _ in range(COMMITS_CAP + 1)])
    info = forge.pull_request(REPO, 7)  # its count of commits, read anew
    with pytest.raises(UnreadableFact, match=f"listed {COMMITS_CAP} of {COMMITS_CAP + 1} "
                                             "commits") as caught:
        read_needs(forge, info, Evidence(head_sha=HEAD), [Need("commits")])
    assert caught.value.fix == "split the pull request into smaller ones"


def test_permissions_are_keyed_in_one_case(fake: FakeGitHub, forge: GitHubForge,
                                           info: PullRequestInfo) -> None:
    fake.set_permission(REPO, "Carol", "maintain")
    evidence = read_needs(forge, info, Evidence(permissions={("x/y", "z"): "read"}),
                          [Need("permission", subject="Carol", scope="Acme/Widgets")])
    assert evidence.permissions == {("x/y", "z"): "read", ("acme/widgets", "carol"): "maintain"}
    assert evidence.permission(REPO, "CAROL") == "maintain"


def test_team_members_are_read_and_an_invisible_team_is_recorded(
        fake: FakeGitHub, forge: GitHubForge, info: PullRequestInfo) -> None:
    fake.add_team_member("acme", "security", "carol")
    need = Need("team", subject="acme/security", logins=("carol", "mallory"))
    evidence = read_needs(forge, info, Evidence(), [need])
    assert evidence.team_members == {"acme/security": frozenset({"carol"})}
    assert evidence.team_unreadable == {}
    fake.deny_team_reads(404)
    hidden = read_needs(forge, info, Evidence(), [need])
    assert hidden.team_members == {}
    assert hidden.team_unreadable["acme/security"].startswith(
        "GitHub answered HTTP 404 for the team with this token")


def test_a_team_read_failing_otherwise_is_unreadable(fake: FakeGitHub, forge: GitHubForge,
                                                     info: PullRequestInfo) -> None:
    fake.add_team_member("acme", "security", "carol")
    fake.fail("GET", r"/teams/", status=500)
    with pytest.raises(UnreadableFact, match="could not read the members of @acme/security"
                       ) as caught:
        read_needs(forge, info, Evidence(), [Need("team", subject="acme/security",
                                                  logins=("carol",))])
    assert caught.value.fix == ("re-run the check; if it fails again, give the token "
                                "organization members: read")


def test_check_runs_and_base_changes_are_read(fake: FakeGitHub, forge: GitHubForge,
                                             info: PullRequestInfo) -> None:
    fake.add_check_run(REPO, HEAD, "security-scan")
    evidence = read_needs(forge, info, Evidence(),
                          [Need("check_runs", subject="security-scan"), Need("base_changes")])
    (run,) = evidence.check_runs["security-scan"]
    assert (run.status, run.conclusion) == ("completed", "success")
    assert evidence.base_changes == ()


@pytest.mark.parametrize(("need", "path", "what", "permission"), [
    (Need("reviews"), r"/reviews", "the reviews", "pull-requests: read"),
    (Need("commits"), r"/commits", "the commits", "pull-requests: read"),
    (Need("check_runs", subject="scan"), r"/check-runs", "the runs of check 'scan'",
     "checks: read"),
    (Need("base_changes"), r"/events", "when the pull request's base branch changed",
     "issues: read (or pull-requests: read)"),
    (Need("approval_record", subject="acme/records#3", scope="acme/records", number=3,
          label="approved"), r"/issues/3", "approval record acme/records#3 in acme/records",
     "issues: read on acme/records"),
])
def test_a_failed_read_names_the_fact_and_the_permission(
        fake: FakeGitHub, forge: GitHubForge, info: PullRequestInfo, need: Need, path: str,
        what: str, permission: str) -> None:
    fake.fail("GET", path, status=500)
    with pytest.raises(UnreadableFact, match=f"^could not read {what}: ") as caught:
        read_needs(forge, info, Evidence(), [need])
    assert caught.value.fix == f"re-run the check; if it fails again, give the token {permission}"


def test_an_approval_record_is_read_with_who_labelled_it(fake: FakeGitHub, forge: GitHubForge,
                                                         info: PullRequestInfo) -> None:
    fake.add_issue(REPO, 3, title="Approve #7", body=f"For {REPO}#7")
    fake.label_issue(REPO, 3, "approved", "carol")
    need = Need("approval_record", subject=f"{REPO}#3", scope=REPO, number=3,
                label="approved")
    evidence = read_needs(forge, info, Evidence(), [need])
    record = evidence.approval_records[f"{REPO}#3"]
    assert record.exists and record.labelled and record.labelled_by == "carol"
    assert not record.is_pull_request
