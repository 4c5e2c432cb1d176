"""The least-permission table of docs/security.md (section 5) is true and kept.

Every endpoint the action calls against the test double is a row of the table, and every
workflow Gatekeeper writes or ships asks for what the rows it uses need, and no more: take
away or lower any one permission it asks for and some row is no longer satisfied.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from gatekeeper.commands.action import ActionOptions, run
from gatekeeper.commands.init.workflows import HARDENED, SIMPLE_SET_UP, render
from gatekeeper.constants import DEFAULT_COMMENT_AUTHOR, GATEKEEPER_REPOSITORY, STICKY_MARKER
from tests.support.bodies import complete_body
from tests.support.fixtures import REPO_ROOT
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double
from tests.support.merge_queue import queue

__all__ = ["github_double"]

REPO = "acme/widgets"
BASE, HEAD = "b" * 40, "c" * 40
LEVELS = {"none": 0, "read": 1, "write": 2}
RECORDS = "acme/approvals"
# Every part of the action that reads something: the escalation reviewer's approval, an
# approval record in another repository, and a required check on the head commit.
AUTHORITY_POLICY = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
                    "authority:\n  require_escalation_approval: true\n"
                    f"  approval_records: {{repository: {RECORDS}, label: approved}}\n"
                    "test_evidence:\n  require_checks: [tests]\n")
_ROW = re.compile(r"^\s*\| `(GET|POST|PATCH|PUT|DELETE) (/[^`]+)` \|[^|]*\| (\w+) \| (.+) \|$")
_PERMISSION = re.compile(r"`([a-z-]+): (read|write)`")
# What each part of the action needs, as the table's "when" column names it.
ACTION_PARTS = {"always", "authority", "team", "records", "checks", "comment", "labels",
                "status", "rejudge", "rerun"}
# The re-judging workflow's events (push to a base branch, a change to an approval record).
REJUDGE_EVENTS = {"push", "issues"}
# Every token has it: GitHub grants metadata: read to GITHUB_TOKEN and to every app.
IMPLIED = {("metadata", "read")}


@dataclass(frozen=True)
class Row:
    method: str
    route: str
    when: str
    alternatives: tuple[tuple[str, str], ...]  # any one of them is enough


def table() -> list[Row]:
    text = (REPO_ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        match = _ROW.match(line)
        if match:
            method, route, when, cell = match.groups()
            rows.append(Row(method, route, when, tuple(_PERMISSION.findall(cell))))
    return rows


def test_the_table_is_read_whole() -> None:
    rows = table()
    assert len(rows) >= 13
    assert {row.when for row in rows} == ACTION_PARTS
    assert all(row.alternatives for row in rows)


# --- every call the action makes is in the table ------------------------------------------


def _run_action(fake: FakeGitHub, tmp_path: Path, name: str, event_name: str =
                "pull_request_target", payload: dict[str, Any] | None = None, *,
                status_context: str = "gatekeeper/contract") -> int:
    # pull_request_target carries the pull_request payload.
    event = tmp_path / f"{name}.json"
    event.write_text(json.dumps(payload or fake.webhook_payload(
        "pull_request", "synchronize", REPO, 7)), encoding="utf-8")
    environ = {"GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event),
               "GITHUB_API_URL": fake.base_url, "GITHUB_TOKEN": DEFAULT_TOKEN,
               "GITHUB_REPOSITORY": REPO, "RUNNER_TEMP": str(tmp_path / name),
               "GITHUB_OUTPUT": str(tmp_path / f"{name}.out"),
               "GITHUB_STEP_SUMMARY": str(tmp_path / f"{name}.md"),
               "GATEKEEPER_STATUS_CONTEXT": status_context}
    return run(ActionOptions(environ, "2026-11-21T00:00:00Z"), io.StringIO())


def _called(fake: FakeGitHub) -> Iterator[tuple[str, str]]:
    for request in fake.requests:
        if request.path == "/graphql":
            yield request.method, request.path
            continue
        template = fake._template(request.method, request.path)
        assert template is not None, request
        yield request.method, template


def test_every_call_the_action_makes_is_in_the_table(github_double: FakeGitHub,
                                                     tmp_path: Path) -> None:
    fake = github_double
    red = complete_body("RED", change_origin="agent", approval_reference="APR-31")
    fake.add_repo(REPO)
    fake.add_pull(REPO, 7, title="t", body=red.replace("SEC-12", "TBD"), author="bob",
                  head_sha=HEAD, base_sha=BASE,
                  # a rename: the list is read from REST, which gives the old path
                  files=["src/auth/a.py", ("renamed", "docs/old.md", "docs/new.md")])
    fake.set_file(REPO, ".github/gatekeeper.yml", BASE, AUTHORITY_POLICY)
    for login in ("bob", "carol"):  # the agent's owner and the reviewer can write
        fake.set_permission(REPO, login, "write")
    fake.add_repo(RECORDS)  # the approvals repository, without the record yet
    # Blocked: the comment is written, the labels added, a failure status posted.
    assert _run_action(fake, tmp_path, "blocked") == 1
    # Fixed, and approved by a member of the reviewer team: the comment is edited, a
    # duplicate one removed, the blocked label taken off, a success posted.
    fake.update_pull(REPO, 7, body=red)
    fake.add_team_member("acme", "security", "carol")
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    fake.add_issue(RECORDS, 31, title="Security sign-off", body=f"Approves {REPO}#7.")
    fake.set_permission(RECORDS, "dana", "write")
    fake.label_issue(RECORDS, 31, "approved", "dana")
    fake.add_check_run(REPO, HEAD, "tests")
    fake.add_comment(REPO, 7, f"{STICKY_MARKER}\nold", login=DEFAULT_COMMENT_AUTHOR,
                     user_type="Bot")
    assert _run_action(fake, tmp_path, "passed") == 0
    assert [s["state"] for s in fake.statuses(REPO, HEAD)][-1] == "success"
    # The re-evaluation after a review, for a fork's pull request (found by its head
    # branch), and the merge queue's run on a group of it.
    run_payload = fake.webhook_payload("workflow_run", "completed", REPO, 7)
    run_payload["workflow_run"].update(head_sha="0" * 40, head_branch="feature",
                                       pull_requests=[])
    run_payload["workflow_run"]["head_repository"]["owner"]["login"] = "acme"
    fake.add_commit(REPO, "0" * 40)
    assert _run_action(fake, tmp_path, "review", "workflow_run", run_payload) == 0
    assert _run_action(fake, tmp_path, "queue", "merge_group",
                       queue(fake, REPO, BASE, [(7, HEAD, "feature")], ["d" * 40])) == 0
    # Re-judging: an issue changed (the policy on the default branch says whether it is an
    # approval record here), and a push in the simple set-up (the gate's run re-run).
    fake.set_branch(REPO, "main", BASE)
    record = fake.repo_event_payload("issues", "edited", REPO)
    assert _run_action(fake, tmp_path, "record", "issues", record) == 0
    fake.add_workflow_run(REPO, head_sha=HEAD)
    push = fake.repo_event_payload("push", "", REPO, ref="refs/heads/main")
    assert _run_action(fake, tmp_path, "push", "push", push, status_context="") == 0

    documented = {(row.method, row.route) for row in table()}
    called = set(_called(fake))
    assert called - documented == set(), "calls missing from docs/security.md, section 5"
    # The scenario reaches every row, so the table lists nothing the action never calls.
    assert documented - called == set()


# --- every workflow asks for no more than the table ----------------------------------------


def _workflows() -> list[tuple[str, dict[Any, Any]]]:
    rendered = [(f"init: {t.resource}", render(t)) for t in (*SIMPLE_SET_UP, *HARDENED)]
    rendered += [(f"init ./: {t.resource}", render(t, "./")) for t in HARDENED]
    shipped = [(str(p.relative_to(REPO_ROOT)), p.read_text(encoding="utf-8"))
               for p in [*(REPO_ROOT / "docs" / "examples").glob("*.yml"),
                         *(REPO_ROOT / ".github" / "workflows").glob("*.yml")]]
    loaded = [(name, yaml.safe_load(text)) for name, text in [*rendered, *shipped]]
    return [(name, document) for name, document in loaded if _action_steps(document)]


def _action_steps(document: dict[Any, Any]) -> list[dict[str, Any]]:
    steps = [step for job in document["jobs"].values() for step in job.get("steps", [])]
    return [step for step in steps if str(step.get("uses", "")).startswith(
        ("./", f"{GATEKEEPER_REPOSITORY}@"))]


def _parts(step: dict[str, Any], events: set[str]) -> set[str]:
    inputs = step.get("with") or {}
    if events <= REJUDGE_EVENTS and not inputs.get("status-context"):
        # The simple set-up's re-judging: it re-runs the gate's runs, which do the rest.
        return {"always", "rejudge", "rerun"}
    parts = {"always", "authority"}  # a policy may ask for the approval at any time
    if events & REJUDGE_EVENTS:
        parts.add("rejudge")
    if str(inputs.get("comment", "true")).casefold() != "false":
        parts.add("comment")
    if str(inputs.get("labels", "true")).casefold() != "false":
        parts.add("labels")
    if inputs.get("status-context"):
        parts.add("status")
    # "team" needs members: read, which no GITHUB_TOKEN can have; "records" and "checks"
    # are policy options that need issues: read and checks: read added to the workflow.
    return parts


def _satisfied(permissions: dict[str, str], rows: list[Row]) -> bool:
    return all(any((scope, level) in IMPLIED
                   or LEVELS[permissions.get(scope, "none")] >= LEVELS[level]
                   for scope, level in row.alternatives) for row in rows)


def _lowered(permissions: dict[str, str]) -> Iterator[dict[str, str]]:
    for scope, level in permissions.items():
        yield {**permissions, scope: "read" if level == "write" else "none"}


@pytest.mark.parametrize("name, document", _workflows(), ids=[n for n, _ in _workflows()])
def test_every_workflow_asks_for_no_more_than_the_table(name: str,
                                                        document: dict[Any, Any]) -> None:
    steps = _action_steps(document)
    on = document[True]  # YAML 1.1 reads the key `on` as true
    events = {on} if isinstance(on, str) else set(on)
    needed = [row for row in table()
              if row.when in set().union(*(_parts(step, events) for step in steps))]
    jobs = document["jobs"].values()
    assert all("permissions" not in job for job in jobs), "job-level permissions"
    asked = {scope: str(level) for scope, level in document["permissions"].items()}
    assert _satisfied(asked, needed), f"{name}: {asked} does not cover the table"
    for fewer in _lowered(asked):
        assert not _satisfied(fewer, needed), f"{name}: {asked} is more than needed"


def test_the_check_catches_a_broad_workflow() -> None:
    needed = [row for row in table() if row.when in {"always", "comment", "labels"}]
    broad = {"contents": "read", "pull-requests": "write", "issues": "write"}
    assert _satisfied(broad, needed)
    assert any(_satisfied(fewer, needed) for fewer in _lowered(broad))
    assert not _satisfied({"contents": "read", "pull-requests": "read"}, needed)
    # Labels are changed through the issues API: pull-requests: write alone is refused.
    assert not _satisfied({"contents": "read", "pull-requests": "write"}, needed)
    assert _satisfied({"contents": "read", "pull-requests": "read", "issues": "write"},
                      needed)


def test_every_workflow_that_runs_the_action_is_checked() -> None:
    checked = {name for name, _ in _workflows()}
    assert {"docs/examples/gatekeeper-hardened.yml", "docs/examples/gatekeeper-hardened-review.yml",
            ".github/workflows/gatekeeper.yml", ".github/workflows/gatekeeper-review.yml",
            "init: workflow.yml"} <= checked
