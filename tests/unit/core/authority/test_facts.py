"""facts: the records evidence holds; a pull request's short name."""

from __future__ import annotations

from gatekeeper.core.authority.facts import PullRequestRef


def test_a_pull_request_is_named_repo_hash_number() -> None:
    assert PullRequestRef("acme/app", 7).short == "acme/app#7"
    assert PullRequestRef("acme/app", 7, url="https://github.com/acme/app/pull/7").short == (
        "acme/app#7")
