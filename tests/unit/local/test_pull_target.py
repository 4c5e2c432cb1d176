"""What --pr names, from text and the git remote; which host's token `gh` is asked for."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gatekeeper.commands.live_target import choose_api
from gatekeeper.errors import GatekeeperError
from gatekeeper.local.pull_target import (
    BranchTarget,
    PullTarget,
    parse_pull_url,
    parse_remote_url,
    resolve,
)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://github.com/acme/widgets.git", ("https://github.com", "acme/widgets")),
    ("https://github.com/acme/widgets", ("https://github.com", "acme/widgets")),
    ("https://user:pw@GitHub.com/acme/widgets.git/", ("https://github.com", "acme/widgets")),
    ("git@github.com:acme/widgets.git", ("https://github.com", "acme/widgets")),
    ("ssh://git@ghe.example.com:2222/acme/widgets.git",
     ("https://ghe.example.com", "acme/widgets")),
    ("git@ghe.example.com:acme/my.repo.git", ("https://ghe.example.com", "acme/my.repo")),
    ("http://127.0.0.1:8080/acme/widgets.git", ("http://127.0.0.1:8080", "acme/widgets")),
])
def test_remote_urls(url: str, expected: tuple[str, str]) -> None:
    assert parse_remote_url(url) == expected


@pytest.mark.parametrize("url", ["/srv/git/widgets.git", "https://github.com/acme",
                                 "file:///srv/acme/widgets/x/y", "https://github.com/../..",
                                 "git@github.com:acme/...git"])
def test_remotes_that_name_no_repository(url: str) -> None:
    assert parse_remote_url(url) is None


def test_pull_request_urls() -> None:
    assert parse_pull_url("https://github.com/acme/widgets/pull/7") == PullTarget(
        "acme/widgets", 7, web="https://github.com", from_url=True)
    assert parse_pull_url("https://ghe.example.com/acme/widgets/pull/12/files#diff") == \
        PullTarget("acme/widgets", 12, web="https://ghe.example.com", from_url=True)
    assert parse_pull_url("https://github.com/acme/widgets/issues/7") is None


def test_the_api_a_pull_request_urls_host_names() -> None:
    enterprise = PullTarget("acme/widgets", 7, web="https://ghe.example.com", from_url=True)
    assert choose_api(enterprise, {}) == "https://ghe.example.com/api/v3"
    assert choose_api(PullTarget("acme/widgets", 7), {}) is None
    assert choose_api(enterprise, {"GITHUB_API_URL": "https://ghe.example.com/api/v3"}) == \
        "https://ghe.example.com/api/v3"
    with pytest.raises(GatekeeperError, match="GITHUB_API_URL"):
        choose_api(enterprise, {"GITHUB_API_URL": "https://api.github.com"})
    # A remote's host (maybe an ssh alias) never overrides GITHUB_API_URL.
    remote = PullTarget("acme/widgets", 7, web="https://github-work")
    assert choose_api(remote, {"GITHUB_API_URL": "https://api.github.com"}) == \
        "https://api.github.com"


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_references_resolved_in_a_clone(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "-b", "topic")
    _git(tmp_path, "remote", "add", "origin", "git@github.com:acme/widgets.git")
    assert resolve("acme/other#3", cwd=tmp_path) == PullTarget("acme/other", 3)
    assert resolve("#7", cwd=tmp_path) == PullTarget("acme/widgets", 7,
                                                     web="https://github.com")
    assert resolve("", cwd=tmp_path) == BranchTarget("acme/widgets", "acme:topic",
                                                     web="https://github.com")
    # A branch that tracks a fork's branch of another name: the fork's owner, that name.
    _git(tmp_path, "remote", "add", "mine", "https://github.com/bob/widgets.git")
    _git(tmp_path, "config", "branch.topic.remote", "mine")
    _git(tmp_path, "config", "branch.topic.merge", "refs/heads/bob-topic")
    assert resolve("", cwd=tmp_path) == BranchTarget("acme/widgets", "bob:bob-topic",
                                                     web="https://github.com")
    for bad in ("widgets#7", "../..#7", "https://github.com/../x/pull/7"):
        with pytest.raises(GatekeeperError, match="--pr takes a pull request URL"):
            resolve(bad, cwd=tmp_path)


def test_a_remote_that_names_no_repository_is_shown_without_its_credentials(
    tmp_path: Path,
) -> None:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "remote", "add", "origin", "https://bob:ghp_secret@example.com/widgets")
    with pytest.raises(GatekeeperError) as caught:
        resolve("7", cwd=tmp_path)
    assert "ghp_secret" not in str(caught.value)
    assert "(https://example.com/widgets) does not name an OWNER/REPO" in str(caught.value)


def test_a_number_without_an_origin_remote_is_a_usage_error(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    with pytest.raises(GatekeeperError, match="reading the 'origin' remote"):
        resolve("7", cwd=tmp_path)
