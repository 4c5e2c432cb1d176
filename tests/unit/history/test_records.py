"""records: pull request records parsed from GitHub's GraphQL answers, their times in one
format, and their JSON round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from gatekeeper.core.authority.facts import CommitRecord, Person
from gatekeeper.history.records import (
    PullRecord,
    TimelineEvent,
    format_time,
    next_cursor,
    nodes_of,
    normalize_time,
    parse_commits,
    parse_pull,
    parse_reviews,
    parse_time,
    parse_timeline,
)
from tests.support.records import record


@pytest.mark.parametrize(("text", "stored"), [
    ("2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z"),
    ("2026-01-05T10:00:00z", "2026-01-05T10:00:00Z"),
    ("2026-01-05T12:00:00+02:00", "2026-01-05T10:00:00Z"),
    ("2026-01-05T10:00:00", "2026-01-05T10:00:00Z"),  # no offset: UTC
    ("2026-01-05T10:00:00.123Z", "2026-01-05T10:00:00Z"),
])
def test_times_are_stored_in_one_utc_format(text: str, stored: str) -> None:
    assert normalize_time(text) == stored
    assert parse_time(text).tzinfo is UTC


def test_a_time_is_formatted_in_utc_whatever_its_zone() -> None:
    moment = datetime(2026, 1, 5, 12, tzinfo=timezone(timedelta(hours=2)))
    assert format_time(moment) == "2026-01-05T10:00:00Z"


def test_connections_give_their_nodes_and_next_cursor() -> None:
    assert nodes_of({"nodes": [1, 2]}) == [1, 2]
    assert nodes_of({"nodes": None}) == [] and nodes_of(None) == []
    assert next_cursor({"pageInfo": {"hasNextPage": True, "endCursor": "C"}}) == "C"
    assert next_cursor({"pageInfo": {"hasNextPage": False, "endCursor": "C"}}) is None
    assert next_cursor({"pageInfo": {"hasNextPage": True, "endCursor": None}}) is None
    assert next_cursor({}) is None and next_cursor("x") is None


def test_the_timeline_keeps_gatekeeper_labels_and_draft_changes() -> None:
    nodes = [
        {"__typename": "UnlabeledEvent", "createdAt": "2026-03-02T10:00:00Z",
         "label": {"name": "GATEKEEPER:BLOCKED"}},
        {"__typename": "ReadyForReviewEvent", "createdAt": "2026-03-02T10:01:00+00:00"},
        {"__typename": "ConvertToDraftEvent", "createdAt": "2026-03-02T10:02:00Z"},
        {"__typename": "LabeledEvent", "createdAt": None, "label": {"name": "gatekeeper:red"}},
        {"__typename": "LabeledEvent", "createdAt": "2026-03-02T10:03:00Z", "label": None},
        {"__typename": "CommentEvent", "createdAt": "2026-03-02T10:04:00Z"},
        None,
    ]
    assert parse_timeline(nodes) == [TimelineEvent("blocked-", "2026-03-02T10:00:00Z"),
                                      TimelineEvent("ready", "2026-03-02T10:01:00Z"),
                                      TimelineEvent("draft", "2026-03-02T10:02:00Z")]


def test_reviews_know_bots_and_deleted_accounts() -> None:
    reviews = parse_reviews([
        {"state": "APPROVED", "submittedAt": "2026-03-02T10:00:00Z",
         "author": {"__typename": "User", "login": "carol"}},
        {"state": "COMMENTED", "submittedAt": "2026-03-02T10:01:00Z",
         "author": {"__typename": "Bot", "login": "helper"}},
        {"state": "APPROVED", "submittedAt": "2026-03-02T10:02:00Z", "author": None},
    ])
    assert [(r.author, r.author_is_bot) for r in reviews] == [
        ("carol", False), ("helper", True), (None, False)]


def test_commits_carry_their_people_and_linked_accounts() -> None:
    commits = parse_commits({"nodes": [
        {"commit": {"oid": "abc", "message": "m",
                    "author": {"name": "Ann", "email": "ann@x", "user": {"login": "ann"}},
                    "committer": {"name": "GitHub", "email": "noreply@github.com",
                                  "user": None}}},
        {"commit": {"oid": "def", "message": None, "author": None, "committer": "?"}},
        {"nocommit": True},
    ]})
    assert commits == (
        CommitRecord("abc", "m", Person("Ann", "ann@x", "ann"),
                     Person("GitHub", "noreply@github.com")),
        CommitRecord("def", "", Person("", ""), Person("", "")),
    )


def _node(**changes) -> dict:
    node = {"id": "PR_1", "number": 1, "createdAt": "2026-03-02T10:00:00Z",
            "updatedAt": "2026-03-02T10:00:00Z", "changedFiles": 1,
            "files": {"nodes": [{"path": "a"}]}}
    node.update(changes)
    return node


def test_a_minimal_node_gets_defaults_and_no_commits_read() -> None:
    r = parse_pull(_node())
    assert (r.state, r.title, r.body, r.base, r.author, r.head_ref) == (
        "OPEN", "", "", "", None, "")
    assert r.files[0].change_type == "MODIFIED" and r.files_complete
    assert r.commits is None and r.more == () and not r.pending
    assert parse_pull(_node(changedFiles=2)).files_complete is False
    with_commits = parse_pull(_node(commits={"nodes": []}, mergedAt="2026-03-03T10:00:00Z"))
    assert with_commits.commits == () and with_commits.merged_at == "2026-03-03T10:00:00Z"


def test_a_record_with_commits_round_trips_through_json() -> None:
    commit = CommitRecord("abc", "msg\n", Person("Ann", "a@x", "ann"), Person("C", "c@x"))
    r = record(events=(("red+", "2026-03-02T10:00:00Z"),), commits=(commit,),
               more=(("files", "F"),), head_ref="topic")
    assert PullRecord.from_json(r.to_json()) == r
    assert r.has_gatekeeper_history and not r.pending
    old = r.to_json()
    del old["more"], old["head_ref"], old["commits"]  # a record cached by an older version
    assert PullRecord.from_json(old) == PullRecord.from_json(
        {**r.to_json(), "more": [], "head_ref": "", "commits": None})


def test_ready_and_draft_events_are_no_gatekeeper_history() -> None:
    assert not record(events=(("ready", "2026-03-02T10:00:00Z"),)).has_gatekeeper_history


def test_parsing_keeps_only_gatekeeper_labels_and_notes_more_pages() -> None:
    node = {
        "id": "PR_1", "number": 1, "url": "u", "title": "t", "body": None, "state": "OPEN",
        "isDraft": False, "createdAt": "2026-03-02T10:00:00Z",
        "updatedAt": "2026-03-02T10:00:00+00:00", "mergedAt": None, "closedAt": None,
        "baseRefName": "main", "changedFiles": 2,
        "author": {"__typename": "Bot", "login": "dependabot"},
        "files": {"pageInfo": {"hasNextPage": True, "endCursor": "F"},
                  "nodes": [{"path": "a", "changeType": "MODIFIED"}]},
        "timelineItems": {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": [
            {"__typename": "LabeledEvent", "createdAt": "2026-03-02T10:01:00Z",
             "label": {"name": "Gatekeeper:RED"}},
            {"__typename": "LabeledEvent", "createdAt": "2026-03-02T10:02:00Z",
             "label": {"name": "bug"}}]},
        "reviews": {"pageInfo": {"hasNextPage": True, "endCursor": "R"}, "nodes": [
            {"state": "APPROVED", "submittedAt": None, "author": None}]},
    }
    r = parse_pull(node)
    assert r.events == (TimelineEvent("red+", "2026-03-02T10:01:00Z"),)
    assert (r.author, r.author_is_bot, r.body, r.updated_at) == (
        "dependabot", True, "", "2026-03-02T10:00:00Z")
    assert r.reviews == ()  # a pending review has no submittedAt
    assert (r.files_complete, r.more, r.pending) == (False, (("reviews", "R"), ("files", "F")),
                                                     True)
    assert PullRecord.from_json(r.to_json()) == r


def test_the_labels_read_are_the_labels_the_action_writes() -> None:
    from gatekeeper.constants import LABEL_BLOCKED, LABEL_RED
    from gatekeeper.history.records import LABEL_KINDS

    assert LABEL_KINDS == {LABEL_RED: "red", LABEL_BLOCKED: "blocked"}
