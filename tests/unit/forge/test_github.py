"""The GitHub test double, driven through Gatekeeper's real client (PyGithub underneath).

Two things are proven here: the double is strict (it catches responses and queries
that do not match GitHub's published contract), and ``gatekeeper.forge.github.client``
behaves as the spec requires against it. Known adapter defects are ``xfail(strict=True)``.
"""

from __future__ import annotations

import base64
import contextlib
import time
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import requests

from gatekeeper.constants import STICKY_MARKER
from gatekeeper.forge import ForgeUnavailable, PullRequestInfo
from gatekeeper.forge.github import GitHubForge
from tests.support import github_contract
from tests.support.github_double import (
    BOT_LOGIN,
    DEFAULT_TOKEN,
    FakeGitHub,
    github_double,
    github_double_ghes,
)

__all__ = ["github_double", "github_double_ghes"]  # fixtures, re-exported for pytest

REPO = "acme/widgets"
HEAD = "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c"
BASE = "9a8b7c6d5e4f30219a8b7c6d5e4f30219a8b7c6d"
POLICY = ".github/gatekeeper.yml"
MANAGED = {"gatekeeper:red", "gatekeeper:blocked"}


def _client(fake: FakeGitHub, token: str = DEFAULT_TOKEN) -> GitHubForge:
    return GitHubForge(token, api_url=fake.base_url, retries=2, backoff=0.01)


def _seed(fake: FakeGitHub, number: int = 7, **kwargs: Any) -> None:
    if REPO.casefold() not in fake._repos:
        fake.add_repo(REPO)
    fields: dict[str, Any] = {
        "title": "Rotate signing keys", "body": "## Summary\nRotate keys.",
        "author": "alice", "head_sha": HEAD, "base_sha": BASE, "head_ref": "rotate-keys",
        "files": ["src/auth/keys.py", ("added", "docs/keys.md")],
    }
    fields.update(kwargs)
    fake.add_pull(REPO, number, **fields)


def _info(fake: FakeGitHub, number: int = 7, **kwargs: Any) -> tuple[GitHubForge, PullRequestInfo]:
    _seed(fake, number, **kwargs)
    client = _client(fake)
    return client, client.pull_request(REPO, number)


def _session(fake: FakeGitHub) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {DEFAULT_TOKEN}"
    return session


@pytest.fixture
def strict_fake() -> Iterator[FakeGitHub]:
    """A double for tests that provoke violations on purpose (they assert and clear)."""
    with FakeGitHub() as fake:
        yield fake


# --- pull request, files ------------------------------------------------------------------


def test_pull_request_fields(github_double: FakeGitHub) -> None:
    _seed(github_double, draft=True, base_ref="release/2.0")
    info = _client(github_double).pull_request(REPO, 7)
    assert info == PullRequestInfo(
        repo=REPO, number=7, title="Rotate signing keys", body="## Summary\nRotate keys.",
        author="alice", head_sha=HEAD, head_ref="rotate-keys", base_sha=BASE,
        base_ref="release/2.0", changed_files=2, draft=True,
        html_url=f"{github_double.root_url}/{REPO}/pull/7", commits=1, head_repo=REPO,
    )
    assert [(r.method, r.path) for r in github_double.requests] == [
        ("GET", f"/repos/{REPO}/pulls/7")
    ]


def test_pull_request_with_null_body(github_double: FakeGitHub) -> None:
    _seed(github_double, body=None)
    assert _client(github_double).pull_request(REPO, 7).body == ""


def test_missing_pull_request_is_unavailable_404(github_double: FakeGitHub) -> None:
    github_double.add_repo(REPO)
    with pytest.raises(ForgeUnavailable) as caught:
        _client(github_double).pull_request(REPO, 99)
    assert caught.value.status == 404


def test_changed_files_paginates_250_with_renames(github_double: FakeGitHub) -> None:
    files: list[Any] = [f"src/module_{i:03}.py" for i in range(247)]
    files += [("renamed", "src/auth/old.py", "src/auth/new.py"), ("removed", "gone.txt"),
              ("added", ".github/workflows/gatekeeper.yml")]
    client, info = _info(github_double, files=files)
    result = client.changed_files(info)
    assert result.complete and result.expected == 250 and len(result.changes) == 250
    renamed = result.changes[247]
    assert (renamed.path, renamed.old_path) == ("src/auth/new.py", "src/auth/old.py")
    assert renamed.all_paths() == ("src/auth/old.py", "src/auth/new.py")
    assert all(c.old_path is None for c in result.changes[:247] + result.changes[248:])
    pages = [r for r in github_double.requests if r.path.endswith("/pulls/7/files")]
    assert [r.query.get("page", "1") for r in pages] == ["1", "2", "3"]


def test_changed_files_3001_hits_the_cap(github_double: FakeGitHub) -> None:
    client, info = _info(github_double, files=[f"f/{i}.txt" for i in range(3001)])
    assert info.changed_files == 3001
    result = client.changed_files(info)
    assert len(result.changes) == 3000
    assert result.complete is False and result.expected == 3001
    assert github_double.count("GET", r"/pulls/7/files") == 30


def test_changed_files_shorter_than_the_count_is_incomplete(github_double: FakeGitHub) -> None:
    client, info = _info(github_double, files=["a.py", "b.py"], changed_files=5)
    result = client.changed_files(info)
    assert [c.path for c in result.changes] == ["a.py", "b.py"]
    assert result.complete is False and result.expected == 5


def test_synchronize_changes_head_and_files(github_double: FakeGitHub) -> None:
    _seed(github_double)
    new_head = "ab" * 20
    github_double.update_pull(REPO, 7, head_sha=new_head, files=["src/billing/charge.py"],
                              body="edited")
    client = _client(github_double)
    info = client.pull_request(REPO, 7)
    assert (info.head_sha, info.body, info.changed_files) == (new_head, "edited", 1)
    assert [c.path for c in client.changed_files(info).changes] == ["src/billing/charge.py"]


# --- contents -----------------------------------------------------------------------------


def test_file_at_reads_the_base_sha_only(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.set_file(REPO, POLICY, BASE, "version: 1\n")
    github_double.set_file(REPO, "src/weak.yml", HEAD, "only on head\n")
    client = _client(github_double)
    assert client.file_at(REPO, POLICY, BASE) == "version: 1\n"
    assert client.file_at(REPO, POLICY, HEAD) is None  # per ref: not set at head
    assert client.file_at(REPO, "src/weak.yml", BASE) is None
    assert client.file_at(REPO, "src/weak.yml", HEAD) == "only on head\n"
    assert client.file_at(REPO, "nowhere.yml", BASE) is None
    query = next(r.query for r in github_double.requests if "/contents/" in r.path)
    assert query == {"ref": BASE}


def test_file_at_directory_and_binary_are_unavailable(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.set_file(REPO, ".github/workflows/a.yml", BASE, "on: push\n")
    github_double.set_file(REPO, "logo.bin", BASE, b"\xff\xfe\x00")
    client = _client(github_double)
    with pytest.raises(ForgeUnavailable, match="not a file"):
        client.file_at(REPO, ".github/workflows", BASE)
    with pytest.raises(ForgeUnavailable, match="not UTF-8"):
        client.file_at(REPO, "logo.bin", BASE)


def test_file_at_persistent_500_fails_after_retries(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.fail("GET", r"/contents/", status=500)
    with pytest.raises(ForgeUnavailable):
        _client(github_double).file_at(REPO, POLICY, BASE)
    assert github_double.count("GET", r"/contents/") == 3  # 1 + retries=2
    assert [status for *_, status in github_double.injected] == [500, 500, 500]


def test_file_at_500_reports_status_500(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.fail("GET", r"/contents/", status=500)
    with pytest.raises(ForgeUnavailable) as caught:
        _client(github_double).file_at(REPO, POLICY, BASE)
    assert caught.value.status == 500


def test_transient_500_and_dropped_connection_are_retried(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.set_file(REPO, POLICY, BASE, "x: 1\n")
    github_double.fail("GET", r"/contents/", status=502, times=1)
    github_double.fail_connection("GET", r"/contents/", times=1)
    assert _client(github_double).file_at(REPO, POLICY, BASE) == "x: 1\n"
    assert github_double.count("GET", r"/contents/") == 3
    assert [status for *_, status in github_double.injected] == [502, None]


def test_dropped_connections_beyond_retries_are_unavailable(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.fail_connection("GET", r"/contents/", times=3)
    with pytest.raises(ForgeUnavailable) as caught:
        _client(github_double).file_at(REPO, POLICY, BASE)
    assert caught.value.status is None


def test_primary_rate_limit_403_is_waited_out(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.fail("GET", r"/pulls/7$", status=403, times=1, rate_limit_exhausted=True,
                       reset_in=0)
    assert _client(github_double).pull_request(REPO, 7).number == 7
    assert github_double.count("GET", r"/pulls/7$") == 2


def test_plain_403_is_not_retried(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.fail("GET", r"/pulls/7$", status=403)
    with pytest.raises(ForgeUnavailable) as caught:
        _client(github_double).pull_request(REPO, 7)
    assert caught.value.status == 403
    assert "Resource not accessible by integration" in caught.value.detail
    assert github_double.count("GET", r"/pulls/7$") == 1


# --- reviews, teams ------------------------------------------------------------------------


def test_reviews(github_double: FakeGitHub) -> None:
    client, info = _info(github_double)
    github_double.add_review(REPO, 7, "bob", "CHANGES_REQUESTED", BASE)
    github_double.add_review(REPO, 7, "carol", "COMMENTED", HEAD, body="nit")
    github_double.add_review(REPO, 7, "bob", "APPROVED", HEAD)
    dismissed = github_double.add_review(REPO, 7, "dave", "APPROVED", HEAD)
    github_double.dismiss_review(REPO, 7, dismissed)
    records = client.reviews(info)
    assert [(r.login, r.state, r.commit_id) for r in records] == [
        ("bob", "CHANGES_REQUESTED", BASE), ("carol", "COMMENTED", HEAD),
        ("bob", "APPROVED", HEAD), ("dave", "DISMISSED", HEAD),
    ]


def test_reviews_paginate(github_double: FakeGitHub) -> None:
    client, info = _info(github_double)
    for i in range(130):
        github_double.add_review(REPO, 7, f"user{i}", "COMMENTED", HEAD)
    assert len(client.reviews(info)) == 130
    assert github_double.count("GET", r"/pulls/7/reviews") == 2


def test_team_members_among(github_double: FakeGitHub) -> None:
    github_double.add_team_member("acme", "security", "Alice")
    github_double.add_team_member("acme", "security", "erin", role="maintainer")
    github_double.add_team_member("acme", "security", "frank", state="pending")
    client = _client(github_double)
    members = client.team_members_among("acme/security", ["alice", "bob", "erin", "frank"])
    assert members == {"alice", "erin"}
    # A team the token cannot see is an error with GitHub's status, never "no members".
    with pytest.raises(ForgeUnavailable) as caught:
        client.team_members_among("acme/nobody", ["alice"])
    assert caught.value.status == 404
    github_double.deny_team_reads(403)
    with pytest.raises(ForgeUnavailable) as caught:
        client.team_members_among("acme/security", ["alice"])
    assert caught.value.status == 403
    # GitHub's description declares this 404 without a body; GitHub sends one anyway.
    assert "GET /orgs/{org}/teams/{team_slug}/memberships/{username} -> 404" in (
        github_double.undeclared
    )


def test_team_membership_server_error_is_not_swallowed(github_double: FakeGitHub) -> None:
    github_double.add_team_member("acme", "security", "erin")
    github_double.fail("GET", r"/memberships/", status=403)
    with pytest.raises(ForgeUnavailable) as caught:
        _client(github_double).team_members_among("acme/security", ["alice"])
    assert caught.value.status == 403


# --- sticky comment ----------------------------------------------------------------------


def _bot_comments(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [c for c in fake.comments(REPO, 7) if STICKY_MARKER in c["body"]]


def test_sticky_comment_is_created_then_edited_in_place(github_double: FakeGitHub) -> None:
    client, info = _info(github_double)
    github_double.add_comment(REPO, 7, "LGTM", "bob")
    assert client.upsert_sticky_comment(info, "Missing: Test evidence") == "created"
    first = _bot_comments(github_double)
    assert len(first) == 1 and first[0]["login"] == BOT_LOGIN and first[0]["type"] == "Bot"
    assert client.upsert_sticky_comment(info, "All good") == "updated"
    assert client.upsert_sticky_comment(info, "All good") == "updated"  # unchanged: no edit
    after = _bot_comments(github_double)
    assert [c["id"] for c in after] == [first[0]["id"]]
    assert after[0]["body"] == f"{STICKY_MARKER}\nAll good"
    assert github_double.count("POST", r"/issues/7/comments$") == 1
    assert github_double.count("PATCH", r"/issues/comments/") == 1
    assert len(github_double.comments(REPO, 7)) == 2  # bob's comment untouched


def test_sticky_comment_deletes_duplicates_and_spares_users(github_double: FakeGitHub) -> None:
    client, info = _info(github_double)
    keep = github_double.add_comment(REPO, 7, f"{STICKY_MARKER}\nold", BOT_LOGIN, "Bot")
    extra = github_double.add_comment(REPO, 7, f"{STICKY_MARKER}\nolder dup", BOT_LOGIN, "Bot")
    quoted = f"> {STICKY_MARKER}\n> why is this blocked?"
    user = github_double.add_comment(REPO, 7, quoted, "bob", "User")
    assert client.upsert_sticky_comment(info, "new") == "updated"
    by_id = {c["id"]: c for c in github_double.comments(REPO, 7)}
    assert set(by_id) == {keep, user}
    assert by_id[keep]["body"] == f"{STICKY_MARKER}\nnew"
    assert by_id[user]["body"] == quoted
    assert github_double.count("DELETE", rf"/issues/comments/{extra}$") == 1


def test_sticky_comment_paginates_through_busy_threads(github_double: FakeGitHub) -> None:
    client, info = _info(github_double)
    for i in range(150):
        github_double.add_comment(REPO, 7, f"comment {i}", "bob")
    client.upsert_sticky_comment(info, "one")
    client.upsert_sticky_comment(info, "two")
    assert len(_bot_comments(github_double)) == 1


def test_sticky_comment_with_a_user_token_is_not_duplicated(github_double: FakeGitHub) -> None:
    github_double.add_token("ghp_maintainerToken", "release-manager", "User")
    _seed(github_double)
    client = _client(github_double, token="ghp_maintainerToken")
    info = client.pull_request(REPO, 7)
    # A token other than GITHUB_TOKEN names its identity (the action's comment-author).
    client.upsert_sticky_comment(info, "first", author="release-manager")
    client.upsert_sticky_comment(info, "second", author="release-manager")
    assert len(_bot_comments(github_double)) == 1


def test_sticky_comment_leaves_other_bots_alone(github_double: FakeGitHub) -> None:
    client, info = _info(github_double)
    client.upsert_sticky_comment(info, "ours")
    quoting = f"Summary bot saw:\n{STICKY_MARKER}"
    github_double.add_comment(REPO, 7, quoting, "summarizer[bot]", "Bot")
    client.upsert_sticky_comment(info, "ours again")
    assert quoting in [c["body"] for c in github_double.comments(REPO, 7)]


def test_lost_response_to_comment_post_does_not_duplicate(github_double: FakeGitHub) -> None:
    client, info = _info(github_double)
    github_double.fail("POST", r"/issues/7/comments$", status=502, times=1, apply=True)
    with contextlib.suppress(ForgeUnavailable):  # failing is acceptable; duplicating is not
        client.upsert_sticky_comment(info, "hello")
    assert len(_bot_comments(github_double)) <= 1


def test_oversized_comment_is_rejected_like_github(strict_fake: FakeGitHub) -> None:
    client, info = _info(strict_fake)
    with pytest.raises(ForgeUnavailable) as caught:
        client.upsert_sticky_comment(info, "x" * 70_000)
    assert caught.value.status == 422
    assert any("Body is too long" in v for v in strict_fake.violations)
    strict_fake.violations.clear()


# --- labels -------------------------------------------------------------------------------


def test_sync_labels_adds_and_removes_only_managed(github_double: FakeGitHub) -> None:
    client, info = _info(github_double, labels=["area/auth", "gatekeeper:blocked"])
    client.sync_labels(info, {"gatekeeper:red"}, MANAGED)
    assert github_double.labels(REPO, 7) == ["area/auth", "gatekeeper:red"]
    delete = [r for r in github_double.requests if r.method == "DELETE"]
    assert [r.path for r in delete] == [f"/repos/{REPO}/issues/7/labels/gatekeeper%3Ablocked"]
    client.sync_labels(info, {"gatekeeper:red"}, MANAGED)  # idempotent: reads only
    assert github_double.count("POST", r"/labels$") == 1
    client.sync_labels(info, set(), MANAGED)
    assert github_double.labels(REPO, 7) == ["area/auth"]


def test_label_post_body_and_auto_create(github_double: FakeGitHub) -> None:
    client, info = _info(github_double)
    client.sync_labels(info, {"gatekeeper:blocked", "gatekeeper:red"}, MANAGED)
    post = next(r for r in github_double.requests if r.method == "POST")
    assert post.json == ["gatekeeper:blocked", "gatekeeper:red"]  # PyGithub: a bare array
    listed = _session(github_double).get(f"{github_double.base_url}/repos/{REPO}/issues/7/labels")
    assert [(x["name"], x["color"]) for x in listed.json()] == [
        ("gatekeeper:blocked", "ededed"), ("gatekeeper:red", "ededed")
    ]


def test_sync_labels_is_case_insensitive_like_github(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.add_label(REPO, "Gatekeeper:Red", color="b60205")
    client = _client(github_double)
    info = client.pull_request(REPO, 7)
    client.sync_labels(info, {"gatekeeper:red"}, MANAGED)
    assert github_double.labels(REPO, 7) == ["Gatekeeper:Red"]  # GitHub matched it
    client.sync_labels(info, set(), MANAGED)
    assert github_double.labels(REPO, 7) == []


def test_removing_an_absent_label_is_404(github_double: FakeGitHub) -> None:
    _seed(github_double)
    response = _session(github_double).delete(
        f"{github_double.base_url}/repos/{REPO}/issues/7/labels/nope"
    )
    assert response.status_code == 404
    assert response.json()["message"] == "Label does not exist"


# --- statuses ------------------------------------------------------------------------------


def test_post_status_posts_exactly_one(github_double: FakeGitHub) -> None:
    _seed(github_double)
    client = _client(github_double)
    client.post_status(REPO, HEAD, state="failure", context="gatekeeper",
                       description="GK201 " + "x" * 300, target_url="https://ci.example/run/1")
    posted = [r for r in github_double.requests if r.method == "POST"]
    assert len(posted) == 1 and posted[0].path == f"/repos/{REPO}/statuses/{HEAD}"
    assert len(posted[0].json["description"]) == 140
    assert github_double.statuses(REPO, HEAD) == [{
        "state": "failure", "context": "gatekeeper", "description": posted[0].json["description"],
        "target_url": "https://ci.example/run/1", "creator": BOT_LOGIN,
    }]
    _, combined = client.request("combined", "GET", f"/repos/{REPO}/commits/{HEAD}/status")
    assert combined["state"] == "failure" and combined["total_count"] == 1


def test_post_status_on_an_unknown_commit_is_422(github_double: FakeGitHub) -> None:
    _seed(github_double)
    with pytest.raises(ForgeUnavailable) as caught:
        _client(github_double).post_status(REPO, "c" * 40, state="success", context="gk",
                                           description="ok", target_url=None)
    assert caught.value.status == 422 and "No commit found" in caught.value.detail


def test_invalid_status_request_is_a_violation(strict_fake: FakeGitHub) -> None:
    _seed(strict_fake)
    with pytest.raises(ForgeUnavailable) as caught:
        _client(strict_fake).request("bad", "POST", f"/repos/{REPO}/statuses/{HEAD}",
                                     input={"state": "passed", "context": "gk"})
    assert caught.value.status == 422
    assert any("'passed' is not one of" in v for v in strict_fake.violations)
    strict_fake.violations.clear()


def test_combined_status_latest_per_context(github_double: FakeGitHub) -> None:
    _seed(github_double)
    client = _client(github_double)
    for state, context in (("pending", "gk"), ("success", "gk"), ("success", "ci")):
        client.post_status(REPO, HEAD, state=state, context=context, description="",
                           target_url=None)
    _, combined = client.request("combined", "GET", f"/repos/{REPO}/commits/{HEAD}/status")
    assert combined["state"] == "success"
    assert sorted(s["context"] for s in combined["statuses"]) == ["ci", "gk"]


# --- auth, GHES ----------------------------------------------------------------------------


def test_bad_token_is_401(github_double: FakeGitHub) -> None:
    _seed(github_double)
    with pytest.raises(ForgeUnavailable) as caught:
        _client(github_double, token="ghs_wrong").pull_request(REPO, 7)
    assert caught.value.status == 401 and caught.value.detail == "Bad credentials"
    response = requests.get(f"{github_double.base_url}/repos/{REPO}/pulls/7", timeout=5)
    assert response.status_code == 401
    assert response.json()["message"] == "Requires authentication"


def test_ghes_prefix(github_double_ghes: FakeGitHub) -> None:
    fake = github_double_ghes
    assert fake.base_url.endswith("/api/v3") and fake.graphql_url.endswith("/api/graphql")
    client, info = _info(fake, files=[f"f{i}" for i in range(120)])
    fake.set_file(REPO, POLICY, BASE, "v: 1\n")
    assert len(client.changed_files(info).changes) == 120
    assert client.file_at(REPO, POLICY, BASE) == "v: 1\n"
    client.upsert_sticky_comment(info, "hi")
    client.sync_labels(info, {"gatekeeper:red"}, MANAGED)
    client.post_status(REPO, HEAD, state="success", context="gk", description="ok",
                       target_url=None)
    _, data = client.requester.graphql_query(
        "query($o:String!,$n:String!){repository(owner:$o,name:$n)"
        "{pullRequest(number:7){number headRefOid}}}", {"o": "acme", "n": "widgets"},
    )
    assert data["data"]["repository"]["pullRequest"] == {"number": 7, "headRefOid": HEAD}
    assert fake.count("POST", "^/graphql$") == 1
    # Nothing reached the server outside /api/v3 and /api/graphql (that is a violation).
    response = _session(fake).get(f"{fake.root_url}/repos/{REPO}")
    assert response.status_code == 404
    assert fake.violations == [f"request outside the API prefix '/api/v3': GET /repos/{REPO}"]
    fake.violations.clear()


# --- strictness -----------------------------------------------------------------------------


def test_broken_diff_entry_is_caught(strict_fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
                                     ) -> None:
    original = FakeGitHub._diff_entry

    def without_filename(self: FakeGitHub, pull: Any, f: Any) -> dict[str, Any]:
        entry = original(self, pull, f)
        del entry["filename"]
        return entry

    monkeypatch.setattr(FakeGitHub, "_diff_entry", without_filename)
    client, info = _info(strict_fake)
    with pytest.raises(ForgeUnavailable) as caught:
        client.changed_files(info)
    assert caught.value.status is None or caught.value.status == 500
    assert strict_fake.violations
    assert all("'filename' is a required property" in v for v in strict_fake.violations)
    assert "pulls/list-files" in strict_fake.violations[0]
    strict_fake.violations.clear()


def test_tampered_pull_request_is_caught(strict_fake: FakeGitHub) -> None:
    _seed(strict_fake)

    def stringly(body: Any) -> Any:
        body["changed_files"] = str(body["changed_files"])
        return body

    strict_fake.tamper("GET", r"/pulls/7$", stringly, times=1)
    response = _session(strict_fake).get(f"{strict_fake.base_url}/repos/{REPO}/pulls/7")
    assert response.status_code == 500
    assert "'2' is not of type 'integer'" in response.json()["violations"][0]
    assert strict_fake.violations == response.json()["violations"]
    strict_fake.violations.clear()


def test_unknown_route_is_a_violation(strict_fake: FakeGitHub) -> None:
    _seed(strict_fake)
    response = _session(strict_fake).get(f"{strict_fake.base_url}/repos/{REPO}/pulls/7/merge")
    assert response.status_code == 404 and response.json()["message"] == "Not Found"
    assert strict_fake.violations == [f"unimplemented route: GET /repos/{REPO}/pulls/7/merge"]
    strict_fake.violations.clear()


def test_misspelled_graphql_field_is_a_violation(strict_fake: FakeGitHub) -> None:
    _seed(strict_fake)
    client = _client(strict_fake)
    query = '{repository(owner:"acme",name:"widgets"){pullRequest(number:7){titel}}}'
    with pytest.raises(Exception) as caught:
        client.requester.graphql_query(query, {})
    assert "Cannot query field 'titel' on type 'PullRequest'" in str(caught.value)
    raw = _session(strict_fake).post(strict_fake.graphql_url, json={"query": query})
    assert raw.status_code == 200 and "data" not in raw.json()  # as GitHub answers
    assert len(strict_fake.violations) == 2
    assert all("titel" in v for v in strict_fake.violations)
    strict_fake.violations.clear()


def test_graphql_pagination_rules_are_enforced(strict_fake: FakeGitHub) -> None:
    _seed(strict_fake)
    query = '{repository(owner:"acme",name:"widgets"){pullRequests{totalCount}}}'
    body = _session(strict_fake).post(strict_fake.graphql_url, json={"query": query}).json()
    assert "You must provide a `first` or `last` value" in body["errors"][0]["message"]
    assert len(strict_fake.violations) == 1
    strict_fake.violations.clear()


def test_every_helper_route_conforms(github_double: FakeGitHub) -> None:
    """Each route the double implements answers a body GitHub's description accepts."""
    fake = github_double
    _seed(fake, labels=["gatekeeper:red"])
    fake.add_pull(REPO, 8, title="t", body="b", head_sha="d" * 40, base_sha=BASE,
                  state="closed", merged_at="2026-01-02T03:04:05Z", created_at="2026-01-01")
    fake.set_file(REPO, POLICY, BASE, "a: 1\n")
    fake.set_file(REPO, "big.bin", BASE, b"\0" * (1024 * 1024 + 1))
    fake.set_branch_protection(REPO, "main", FakeGitHub.protection())
    fake.add_ruleset(REPO, "gate", required_checks=["Gatekeeper Enforcement / gatekeeper"],
                     rules=[{"type": "deletion"}, {"type": "non_fast_forward"}])
    fake.add_ruleset(REPO, "releases", include=["refs/heads/release/*"],
                     rules=[{"type": "required_linear_history"}])
    fake.add_workflow(REPO, ".github/workflows/gatekeeper.yml", "Gatekeeper Enforcement")
    fake.add_comment(REPO, 7, "hi", "bob")
    session, api = _session(fake), f"{fake.base_url}/repos/{REPO}"
    for url in (
        f"{fake.base_url}/rate_limit", api, f"{api}/pulls?state=all&sort=updated",
        f"{api}/pulls/7", f"{api}/pulls/8", f"{api}/pulls/7/files", f"{api}/pulls/7/reviews",
        f"{api}/contents/.github?ref={BASE}", f"{api}/contents/{POLICY}?ref={BASE}",
        f"{api}/issues/7/comments", f"{api}/issues/7/labels",
        f"{api}/commits/{HEAD}/status", f"{api}/branches/main/protection",
        f"{api}/rules/branches/main", f"{api}/rules/branches/release/2.0", f"{api}/rulesets",
        f"{api}/actions/workflows",
    ):
        response = session.get(url)
        assert response.status_code == 200, (url, response.text[:500])
    big = session.get(f"{api}/contents/big.bin?ref={BASE}").json()
    assert (big["encoding"], big["content"], big["size"]) == ("none", "", 1024 * 1024 + 1)
    rules = session.get(f"{api}/rules/branches/main").json()
    assert {r["type"] for r in rules} == {"required_status_checks", "deletion",
                                          "non_fast_forward"}
    assert [r["type"] for r in session.get(f"{api}/rules/branches/release/2.0").json()] == [
        "required_linear_history"
    ]
    assert session.get(f"{api}/branches/dev/protection").json()["message"] == (
        "Branch not protected"
    )
    policy = session.get(f"{api}/contents/{POLICY}?ref={BASE}").json()
    assert base64.b64decode(policy["content"]) == b"a: 1\n"
    assert policy["sha"] == "a8926a52d8dcba5c4386945476ab6a2ad008afd4"  # git hash-object
    merged = session.get(f"{api}/pulls/8").json()
    assert (merged["state"], merged["merged"]) == ("closed", True)


def test_pull_list_pagination_and_links(github_double: FakeGitHub) -> None:
    github_double.add_repo(REPO)
    for n in range(1, 251):
        github_double.add_pull(REPO, n, title=f"PR {n}", body="", head_sha=HEAD, base_sha=BASE,
                               state="closed" if n % 5 == 0 else "open",
                               created_at=f"2026-01-01T00:{n // 60:02}:{n % 60:02}Z")
    session = _session(github_double)
    response = session.get(f"{github_double.base_url}/repos/{REPO}/pulls",
                           params={"state": "all", "per_page": "100", "page": "2"})
    numbers = [p["number"] for p in response.json()]
    assert numbers == list(range(150, 50, -1))  # newest first by default
    links = requests.utils.parse_header_links(response.headers["Link"])
    by_rel = {link["rel"]: link["url"] for link in links}
    assert set(by_rel) == {"prev", "next", "last", "first"}
    assert by_rel["next"].startswith(f"{github_double.base_url}/repositories/")
    assert "page=3" in by_rel["next"] and "page=3" in by_rel["last"]
    assert "page=1" in by_rel["prev"] and "page=1" in by_rel["first"]
    open_asc = session.get(f"{github_double.base_url}/repos/{REPO}/pulls",
                           params={"direction": "asc", "per_page": "100"}).json()
    assert open_asc[0]["number"] == 1 and all(p["state"] == "open" for p in open_asc)
    follow = session.get(by_rel["next"])
    assert [p["number"] for p in follow.json()][:1] == [50]


# --- GraphQL --------------------------------------------------------------------------------

_PRS_QUERY = """
query($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: 2, after: $after, orderBy: {field: CREATED_AT, direction: ASC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number state createdAt mergedAt author { login }
        labels(first: 10) { nodes { name } }
        reviews(first: 10, states: [APPROVED]) { nodes { author { login } commit { oid } } }
        timelineItems(first: 10, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {
          nodes { __typename ... on LabeledEvent { createdAt label { name } } }
        }
      }
    }
  }
}"""


def test_graphql_default_root_paginates_state(github_double: FakeGitHub) -> None:
    assert github_contract.validate_graphql(_PRS_QUERY) == []
    for n in (1, 2, 3):
        _seed(github_double, n, created_at=f"2026-02-0{n}T10:00:00Z")
    github_double.add_review(REPO, 2, "bob", "APPROVED", HEAD)
    client = _client(github_double)
    info = client.pull_request(REPO, 2)
    client.sync_labels(info, {"gatekeeper:red"}, MANAGED)
    seen, after = [], None
    while True:
        _, data = client.requester.graphql_query(
            _PRS_QUERY, {"owner": "acme", "name": "widgets", "after": after}
        )
        conn = data["data"]["repository"]["pullRequests"]
        assert conn["totalCount"] == 3
        seen += conn["nodes"]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert [node["number"] for node in seen] == [1, 2, 3]
    second = seen[1]
    assert second["labels"]["nodes"] == [{"name": "gatekeeper:red"}]
    assert second["reviews"]["nodes"] == [{"author": {"login": "bob"}, "commit": {"oid": HEAD}}]
    assert [e["label"]["name"] for e in second["timelineItems"]["nodes"]] == ["gatekeeper:red"]


def test_graphql_custom_data_provider(github_double: FakeGitHub) -> None:
    calls: list[dict[str, Any]] = []

    def provider(query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        calls.append(dict(variables))
        return {"viewer": {"login": "octo"}}

    github_double.graphql_data = provider
    _, data = _client(github_double).requester.graphql_query("query{viewer{login}}", {"x": 1})
    assert data == {"data": {"viewer": {"login": "octo"}}} and calls == [{"x": 1}]


def test_graphql_rate_limited_like_github(github_double: FakeGitHub) -> None:
    github_double.rate_limit_graphql(1, reset_in=30)
    session = _session(github_double)
    limited = session.post(github_double.graphql_url, json={"query": "{rateLimit{remaining}}"})
    assert limited.status_code == 200
    assert limited.json()["errors"][0]["type"] == "RATE_LIMITED"
    assert limited.json()["errors"][0]["message"].startswith("API rate limit exceeded for ")
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert int(limited.headers["X-RateLimit-Reset"]) > time.time()
    ok = session.post(github_double.graphql_url, json={"query": "{rateLimit{remaining}}"})
    assert ok.json()["data"]["rateLimit"]["remaining"] >= 0


# --- webhooks, throughput ---------------------------------------------------------------------


def test_webhook_payload_reflects_state(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.update_pull(REPO, 7, body="new body")
    payload = github_double.webhook_payload("pull_request", "edited", REPO, 7,
                                            changes={"body": {"from": "old"}})
    assert payload["action"] == "edited" and payload["number"] == 7
    assert payload["pull_request"]["body"] == "new body"
    assert payload["pull_request"]["head"]["sha"] == HEAD
    assert payload["repository"]["full_name"] == REPO
    github_double.add_review(REPO, 7, "bob", "APPROVED", HEAD)
    review = github_double.webhook_payload("pull_request_review", "submitted", REPO, 7)
    assert review["review"]["user"]["login"] == "bob" and review["review"]["state"] == "APPROVED"


def test_throughput(github_double: FakeGitHub) -> None:
    _seed(github_double)
    session = _session(github_double)
    url = f"{github_double.base_url}/repos/{REPO}/pulls/7"
    started = time.perf_counter()
    for _ in range(300):
        assert session.get(url).status_code == 200
    assert time.perf_counter() - started < 10
    assert github_double.count("GET", r"/pulls/7$") == 300


def test_core_rate_limit_window_and_enforcement() -> None:
    with FakeGitHub(core_limit=3) as fake:
        _seed(fake)
        session, url = _session(fake), f"{fake.base_url}/repos/{REPO}/pulls/7"
        remaining = [int(session.get(url).headers["X-RateLimit-Remaining"]) for _ in range(5)]
        assert remaining == [2, 1, 2, 1, 2]  # not enforced: rolls over, never reports 0
        assert fake.violations == []
    with FakeGitHub(core_limit=2, enforce_rate_limit=True) as fake:
        _seed(fake)
        session, url = _session(fake), f"{fake.base_url}/repos/{REPO}/pulls/7"
        statuses = [session.get(url).status_code for _ in range(3)]
        refused = session.get(url)
        assert statuses == [200, 200, 403] and refused.status_code == 403
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert refused.json()["message"].startswith("API rate limit exceeded")
        limits = session.get(f"{fake.base_url}/rate_limit").json()  # not counted
        assert limits["resources"]["core"]["remaining"] == 0
        assert fake.violations == []
