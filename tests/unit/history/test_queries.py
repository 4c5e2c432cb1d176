"""Every GraphQL document the history sends, validated against GitHub's published schema
and executed over data shaped as GitHub answers it."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import ExecutionResult

from gatekeeper.history import queries
from tests.support.github_contract import execute_graphql, validate_graphql

SHA = "0123456789abcdef0123456789abcdef01234567"
PAGE_END = {"hasNextPage": False, "endCursor": None}


@pytest.mark.parametrize("name", sorted(queries.ALL))
def test_every_query_document_is_valid_against_githubs_schema(name: str) -> None:
    assert validate_graphql(queries.ALL[name]) == []


@pytest.mark.parametrize("kinds", [["files"], ["reviews", "timeline"], ["timeline"] * 30])
def test_follow_up_batches_are_valid_too(kinds: list[str]) -> None:
    assert validate_graphql(queries.follow_up(kinds)) == []


def test_a_follow_up_names_one_alias_per_pull_request_and_only_the_fragments_it_uses() -> None:
    text = queries.follow_up(["files", "reviews"])
    assert "query GatekeeperFollowUp($id0: ID!, $a0: String, $id1: ID!, $a1: String)" in text
    assert "p0: node(id: $id0)" in text and "p1: node(id: $id1)" in text
    assert "files(first: 100, after: $a0)" in text
    assert f"reviews(first: 100, after: $a1, states: {queries.REVIEW_STATES})" in text
    assert "fragment FilePage" in text and "fragment ReviewPage" in text
    assert "fragment TimelinePage" not in text and "fragment PullFields" not in text


def _answer(result: ExecutionResult) -> dict[str, Any]:
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def _actor(login: str) -> dict[str, Any]:
    return {"__typename": "User", "login": login}


def _pull() -> dict[str, Any]:
    person = {"name": "A", "email": "a@example.com", "user": {"login": "a"}}
    return {
        "__typename": "PullRequest", "id": "PR_1", "number": 1,
        "url": "https://github.com/acme/app/pull/1", "title": "t", "body": "b",
        "state": "MERGED", "isDraft": False, "createdAt": "2026-03-02T10:00:00Z",
        "updatedAt": "2026-03-03T10:00:00Z", "mergedAt": "2026-03-03T10:00:00Z",
        "closedAt": "2026-03-03T10:00:00Z", "baseRefName": "main", "headRefName": "fix",
        "changedFiles": 1, "author": _actor("a"),
        "files": {"pageInfo": PAGE_END, "nodes": [{"path": "a.py", "changeType": "MODIFIED"}]},
        "timelineItems": {"pageInfo": {"hasNextPage": True, "endCursor": "c1"}, "nodes": [
            {"__typename": "LabeledEvent", "createdAt": "2026-03-02T11:00:00Z",
             "label": {"name": "risk:red"}},
            {"__typename": "ReadyForReviewEvent", "createdAt": "2026-03-02T12:00:00Z"},
        ]},
        "reviews": {"pageInfo": PAGE_END, "nodes": [
            {"state": "APPROVED", "submittedAt": "2026-03-03T09:00:00Z",
             "author": _actor("b")}]},
        "commits": {"totalCount": 1, "nodes": [
            {"commit": {"oid": SHA, "message": "m", "author": person, "committer": person}}]},
    }


def test_the_repository_query_reads_the_policy_blob() -> None:
    root = {"repository": lambda info, owner, name, **_: {
        "nameWithOwner": f"{owner}/{name}", "url": f"https://github.com/{owner}/{name}",
        "defaultBranchRef": {"name": "main", "target": {"__typename": "Commit", "oid": SHA}},
        "policy": {"__typename": "Blob", "oid": SHA, "text": "version: 1\n",
                   "isBinary": False, "isTruncated": False},
    }}
    result = execute_graphql(queries.REPOSITORY, {"owner": "acme", "name": "app",
                                                  "policy": "main:.github/gatekeeper.yml"},
                             root)
    data = _answer(result)
    repository = data["repository"]
    assert repository["nameWithOwner"] == "acme/app"
    assert repository["defaultBranchRef"] == {"name": "main", "target": {"oid": SHA}}
    assert repository["policy"]["text"] == "version: 1\n"


def test_the_pulls_query_pages_newest_update_first_with_its_variables() -> None:
    seen: dict[str, Any] = {}

    def pull_requests(info: Any, **arguments: Any) -> dict[str, Any]:
        seen.update(arguments)
        return {"totalCount": 1, "pageInfo": {"hasNextPage": False, "endCursor": "x"},
                "nodes": [_pull()]}

    variables = {"owner": "acme", "name": "app", "base": "main", "first": 50, "after": "c0",
                 "files": 100, "events": 100, "reviews": 100, "commits": 10}
    result = execute_graphql(queries.PULLS, variables,
                             {"repository": {"pullRequests": pull_requests}})
    data = _answer(result)
    assert seen["baseRefName"] == "main" and seen["first"] == 50 and seen["after"] == "c0"
    assert seen["orderBy"] == {"field": "UPDATED_AT", "direction": "DESC"}
    (node,) = data["repository"]["pullRequests"]["nodes"]
    assert node["timelineItems"]["nodes"][0] == {
        "__typename": "LabeledEvent", "createdAt": "2026-03-02T11:00:00Z",
        "label": {"name": "risk:red"}}
    assert node["commits"]["nodes"][0]["commit"]["author"]["user"] == {"login": "a"}
    assert node["reviews"]["nodes"][0]["author"] == {"__typename": "User", "login": "b"}


def test_a_follow_up_answers_each_pull_request_under_its_alias() -> None:
    pull = _pull()
    result = execute_graphql(queries.follow_up(["timeline", "files"]),
                             {"id0": "PR_1", "a0": "c1", "id1": "PR_1", "a1": None},
                             {"node": lambda info, id: pull})
    data = _answer(result)
    assert data["p0"]["timelineItems"]["pageInfo"] == {"hasNextPage": True,
                                                              "endCursor": "c1"}
    assert data["p1"]["files"]["nodes"] == [{"path": "a.py", "changeType": "MODIFIED"}]


def test_the_body_edits_query_reads_each_pull_requests_edits() -> None:
    edits = {"nodes": [{"editedAt": "2026-03-02T10:05:00Z", "deletedAt": None,
                        "diff": "new body"}]}
    nodes = [{"__typename": "PullRequest", "id": "PR_1", "updatedAt": "2026-03-03T10:00:00Z",
              "userContentEdits": edits}, None]
    result = execute_graphql(queries.BODY_EDITS, {"ids": ["PR_1", "PR_gone"]},
                             {"nodes": lambda info, ids: nodes[:len(ids)]})
    data = _answer(result)
    assert data["nodes"][0]["userContentEdits"] == edits
    assert data["nodes"][1] is None


def test_a_query_github_would_refuse_is_refused_here() -> None:
    broken = queries.PULLS.replace("changedFiles", "changedFilez")
    assert validate_graphql(broken) != []
