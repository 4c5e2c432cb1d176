"""errors: the hint for a refusal GitHub will repeat (the permission, the name to check),
and telling a connection never made from one that broke off."""

from __future__ import annotations

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from gatekeeper.forge.github.errors import (
    cannot_connect,
    connection_failure,
    is_rate_limit,
    permission_for,
    refusal,
    subject_of,
)

API = "https://api.github.com"


@pytest.mark.parametrize(("verb", "url", "permission"), [
    ("GET", f"{API}/repos/acme/app/pulls/7", "pull-requests: read"),
    ("get", f"{API}/repos/acme/app/pulls?state=open", "pull-requests: read"),
    ("POST", f"{API}/repos/acme/app/issues/7/comments", "issues: write"),
    ("HEAD", f"{API}/repos/acme/app/contents/.github/gatekeeper.yml?ref=main",
     "contents: read"),
    ("GET", f"{API}/repos/acme/app/commits/abc/check-runs", "checks: read"),
    ("GET", f"{API}/repos/acme/app/commits/abc/status", "statuses: read"),
    ("POST", f"{API}/repos/acme/app/statuses/abc", "statuses: write"),
    ("GET", f"{API}/repos/acme/app/commits/abc", "contents: read"),
    ("GET", f"{API}/repos/acme/app/branches/main/protection", "administration: read"),
    ("GET", f"{API}/repos/acme/app/rules/branches/main", "administration: read"),
    ("GET", f"{API}/repos/acme/app/actions/runs/1", "actions: read"),
    ("GET", f"{API}/orgs/acme/teams/ops/memberships/alice", "members (organization): read"),
    ("GET", f"{API}/repos/acme/app", "metadata: read"),
    ("GET", "https://ghe.example.com/api/v3/repos/acme/app", "metadata: read"),
    ("GET", "https://ghe.example.com/api/v3/repos/acme/app/pulls/1", "pull-requests: read"),
    ("GET", f"{API}/user", None),
])
def test_the_permission_a_call_needs(verb: str, url: str, permission: str | None) -> None:
    assert permission_for(verb, url) == permission


def test_the_subject_is_the_repository_in_the_url() -> None:
    assert subject_of(f"{API}/repos/acme/app/pulls/7") == "repository acme/app"
    assert subject_of(f"{API}/orgs/acme/teams/ops") is None


@pytest.mark.parametrize(("status", "detail", "limited"), [
    (429, "", True), (403, "API rate limit exceeded for installation", True),
    (403, "You have exceeded a secondary Rate Limit", True),
    (403, "Resource not accessible by integration", False), (404, "rate limit", False),
    (None, "rate limit", False),
])
def test_a_rate_limit_is_a_429_or_a_403_that_says_so(status: int | None, detail: str,
                                                      limited: bool) -> None:
    assert is_rate_limit(status, detail) is limited


def test_a_401_says_the_token_is_refused() -> None:
    hint = refusal(401, "Bad credentials", permission=None, subject=None)
    assert hint.startswith("GitHub refused the token (wrong, expired or revoked)")
    assert "GITHUB_TOKEN or GH_TOKEN" in hint


def test_a_403_names_the_permission_or_says_it_is_unknown() -> None:
    named = refusal(403, "Resource not accessible by integration",
                    permission="contents: read", subject=None)
    assert named.startswith("the token is not allowed to do this: it needs the "
                            "contents: read permission")
    unnamed = refusal(403, "Forbidden", permission=None, subject=None)
    assert "it needs a permission it lacks" in unnamed


def test_a_404_names_what_to_check() -> None:
    assert refusal(404, "", permission=None, subject="pull request acme/app#9").startswith(
        "check that pull request acme/app#9 exists")
    assert refusal(404, "", permission=None, subject=None).startswith(
        "check that the repository exists")


def test_what_asking_again_may_cure_has_no_hint() -> None:
    assert refusal(403, "API rate limit exceeded for installation ID 1.",
                   permission="pull-requests: read", subject=None) == ""
    for status in (None, 409, 500, 502):
        assert refusal(status, "Bad Gateway", permission=None, subject=None) == ""


def _new_connection() -> NewConnectionError:
    return NewConnectionError(None, "Failed to establish a new connection: refused")


def test_a_connection_never_made_cannot_connect() -> None:
    refused = requests.ConnectionError(MaxRetryError(None, "/x", _new_connection()))
    assert cannot_connect(refused)
    assert cannot_connect(requests.ConnectionError(_new_connection()))
    assert cannot_connect(requests.ConnectTimeout("timed out"))


def test_a_connection_that_broke_off_may_be_tried_again() -> None:
    broken = requests.ConnectionError(ProtocolError("Connection aborted."))
    assert not cannot_connect(broken)
    assert not cannot_connect(requests.ConnectionError())
    assert not cannot_connect(requests.ReadTimeout("read timed out"))
    assert not cannot_connect(ValueError(_new_connection()))


def test_a_connection_failure_names_the_url_and_the_setting() -> None:
    message = connection_failure("http://127.0.0.1:9/api/v3/repos/acme/app")
    assert message.startswith("could not connect to http://127.0.0.1:9/api/v3/repos/acme/app;")
    assert "check GITHUB_API_URL" in message
