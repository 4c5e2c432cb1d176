"""The re-judging reads and the re-run against the strict GitHub double: open pull requests
into a branch (newest update first, one more than asked so a caller sees there were more),
a workflow's runs on a commit, and a re-run as GitHub answers it."""

from __future__ import annotations

import pytest

from gatekeeper.forge import ForgeUnavailable
from gatekeeper.forge.github import GitHubForge
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO = "acme/widgets"
BASE, HEAD = "b" * 40, "c" * 40


def _forge(fake: FakeGitHub, *, light: bool) -> GitHubForge:
    return GitHubForge(DEFAULT_TOKEN, fake.base_url, retries=1, backoff=0.01, light=light)


@pytest.mark.parametrize("light", [True, False])
def test_the_open_pull_requests_into_a_branch(github_double: FakeGitHub, light: bool) -> None:
    fake = github_double
    fake.add_repo(REPO)
    for number, base in ((1, "main"), (2, "main"), (3, "release"), (4, "main")):
        fake.add_pull(REPO, number, title="t", body="", author="bob", head_sha=HEAD,
                      base_sha=BASE, base_ref=base, files=["a.py"])
    fake.update_pull(REPO, 4, state="closed")
    fake.update_pull(REPO, 1, updated_at="2030-01-01T00:00:00Z")  # touched last
    pulls = _forge(fake, light=light).open_pulls_into(REPO, "main", limit=1)
    # Most recently updated first; one beyond the limit, so the caller knows.
    assert [p.number for p in pulls] == [1, 2]
    assert {p.base_ref for p in pulls} == {"main"}
    fake.assert_no_violations()


@pytest.mark.parametrize("light", [True, False])
def test_a_workflows_runs_on_a_commit_and_a_re_run(github_double: FakeGitHub,
                                                   light: bool) -> None:
    fake = github_double
    fake.add_repo(REPO)
    first = fake.add_workflow_run(REPO, head_sha=HEAD)
    second = fake.add_workflow_run(REPO, head_sha=HEAD, event="pull_request_review")
    fake.add_workflow_run(REPO, head_sha=BASE)
    fake.add_workflow_run(REPO, head_sha=HEAD, path=".github/workflows/ci.yml")
    forge = _forge(fake, light=light)
    runs = forge.gate_runs(REPO, "gatekeeper.yml", HEAD)
    assert [(r.id, r.event, r.completed) for r in runs] == [
        (second, "pull_request_review", True), (first, "pull_request", True)]
    forge.rerun(REPO, second)
    assert fake.reruns(REPO) == [second]
    # The re-run is under way: GitHub refuses to start it again.
    with pytest.raises(ForgeUnavailable) as refused:
        forge.rerun(REPO, second)
    assert refused.value.status == 403
    fake.assert_no_violations()


def test_an_unknown_workflow_is_a_404(github_double: FakeGitHub) -> None:
    github_double.add_repo(REPO)
    with pytest.raises(ForgeUnavailable) as missing:
        _forge(github_double, light=True).gate_runs(REPO, "nope.yml", HEAD)
    assert missing.value.status == 404
