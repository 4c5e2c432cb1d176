"""A verdict bound to its pull request, its commit and the policy in force, end to end:
the real action.yml under act against the GitHub test double, in the hardened set-up (a
commit status whose context names the base branch)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.act_harness import ActResult, e2e_workflow, require_act, run_action
from tests.e2e.test_action_e2e import (
    BASE_SHA,
    CONTRACT,
    ESCALATION,
    HEAD_SHA,
    REPO,
    REPO_ROOT,
    SHOW_OUTPUTS,
)
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub
from tests.support.merge_queue import queue

CONTEXT = "gatekeeper/contract ({branch})"
MAIN = "gatekeeper/contract (main)"
POLICY = ".github/gatekeeper.yml"
GREEN = CONTRACT.replace("RED", "GREEN")
MOVED, TIP = "e" * 40, "f" * 40


@pytest.fixture(scope="module")
def act_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_act()
    return tmp_path_factory.mktemp("act-cache")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "RUNNER_")):
            monkeypatch.delenv(name)
    with FakeGitHub() as double:
        double.add_repo(REPO)
        yield double
        double.assert_no_violations()


def _seed(fake: FakeGitHub, number: int = 7, body: str = GREEN, *, head: str = HEAD_SHA,
          base_ref: str = "main", head_ref: str = "feature",
          files: tuple[str, ...] = ("docs/guide.md",)) -> None:
    fake.add_pull(REPO, number, title="A change", body=body, author="bob", head_sha=head,
                  base_sha=BASE_SHA, base_ref=base_ref, head_ref=head_ref, files=list(files))


def _run(fake: FakeGitHub, act_cache: Path, event: str, payload: dict[str, Any],
         ) -> ActResult:
    return run_action(
        REPO_ROOT, event, payload,
        env={"GITHUB_API_URL": fake.base_url, "GITHUB_GRAPHQL_URL": fake.graphql_url,
             "GITHUB_REPOSITORY": REPO},
        secrets={"GITHUB_TOKEN": DEFAULT_TOKEN},
        workflow_text=e2e_workflow(events=(event,), with_inputs={
            "github-token": "${{ secrets.GITHUB_TOKEN }}", "status-context": CONTEXT},
            after_steps=SHOW_OUTPUTS),
        action_cache=act_cache, timeout=600,
    )


def _target(fake: FakeGitHub, act_cache: Path, number: int = 7, *,
            payload: dict[str, Any] | None = None) -> ActResult:
    """A pull_request_target run (it carries the pull_request payload)."""
    return _run(fake, act_cache, "pull_request_target",
                payload or fake.webhook_payload("pull_request", "synchronize", REPO, number))


def _codes(result: ActResult) -> list[str]:
    return sorted({a.properties.get("title", "") for a in result.errors()})


def _states(fake: FakeGitHub, sha: str) -> list[tuple[str, str]]:
    """The statuses on ``sha`` in order, a repeat of the one before it counted once (the
    action posts `pending` before installing and again once it knows the head)."""
    states: list[tuple[str, str]] = []
    for status in fake.statuses(REPO, sha):
        state = (status["context"], status["state"])
        if not states or states[-1] != state:
            states.append(state)
    return states


def test_two_pull_requests_on_one_commit(fake: FakeGitHub, act_cache: Path) -> None:
    # A RED change into main, blocked; a second pull request at the same commit into
    # release whose own diff looks harmless.
    _seed(fake, 7, CONTRACT, files=("src/auth/login.py",))
    _seed(fake, 8, GREEN, base_ref="release", head_ref="harmless")
    first = _target(fake, act_cache, 7)
    assert not first.ok and "GK202" in _codes(first), first.describe()
    second = _target(fake, act_cache, 8)
    assert not second.ok, second.describe()
    assert _codes(second) == ["GK220"], second.describe()
    assert any("pull request #7 (into main)" in a.message for a in second.errors())
    states = _states(fake, HEAD_SHA)
    assert ("gatekeeper/contract (release)", "success") not in states
    assert states[-1] == ("gatekeeper/contract (release)", "failure")

    fake.update_pull(REPO, 7, state="closed")  # the honest way out
    third = _target(fake, act_cache, 8)
    assert third.ok, third.describe()
    assert _states(fake, HEAD_SHA)[-1] == ("gatekeeper/contract (release)", "success")


def test_a_force_push_between_event_and_read(fake: FakeGitHub, act_cache: Path) -> None:
    _seed(fake, 7, GREEN)
    payload = fake.webhook_payload("pull_request", "synchronize", REPO, 7)  # names HEAD_SHA
    fake.update_pull(REPO, 7, head_sha=MOVED)
    result = _target(fake, act_cache, payload=payload)
    assert not result.ok and _codes(result) == ["GK905"], result.describe()
    # pending before the install (the event's commit), then the failure, nothing else
    assert _states(fake, HEAD_SHA) == [(MAIN, "pending"), (MAIN, "failure")]
    assert _states(fake, MOVED) == []  # never judged, never posted on
    assert fake.count("GET", r"/pulls/7/files") == 0


def _kill_the_client(fake: FakeGitHub, how: signal.Signals) -> None:
    """Signal the process holding a connection to the double: the action, mid-request."""
    port = f"{fake.port:04X}"
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                fields = line.split()
                if fields[2].rsplit(":", 1)[1] == port and fields[3] == "01":  # ESTABLISHED
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:
            continue
        if links & inodes:
            os.kill(int(pid), how)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["cancelled", "crashed"])
def test_pending_then_failure_when_a_hardened_run_stops_mid_way(
    fake: FakeGitHub, act_cache: Path, how: signal.Signals,
) -> None:
    _seed(fake, 7, GREEN)
    passed = _target(fake, act_cache)
    assert passed.ok and _states(fake, HEAD_SHA) == [(MAIN, "pending"), (MAIN, "success")]

    fake.update_pull(REPO, 7, body="")  # the description is emptied
    stopped: list[bool] = []

    def stop_the_run(body: Any) -> Any:
        _kill_the_client(fake, how)
        stopped.append(True)
        return body

    fake.tamper("POST", "^/graphql$", stop_the_run, times=1)  # mid-way: reading the PR
    interrupted = _target(fake, act_cache)
    assert stopped and not interrupted.ok, interrupted.describe()
    # The run never finished: the old success is not the latest word, pending is.
    assert _states(fake, HEAD_SHA)[-1] == (MAIN, "pending"), interrupted.describe()

    again = _target(fake, act_cache)
    assert not again.ok and "GK101" in _codes(again), again.describe()
    assert _states(fake, HEAD_SHA)[2:] == [(MAIN, "pending"), (MAIN, "failure")]


def test_a_withdrawn_approval_through_the_workflow_run_path(
    fake: FakeGitHub, act_cache: Path,
) -> None:
    fake.set_file(REPO, POLICY, BASE_SHA,
                  "version: 1\nclasses:\n  RED:\n    paths: [src/auth/]\n"
                  "authority:\n  require_escalation_approval: true\n")
    body = (CONTRACT + ESCALATION).replace("@acme/security", "@carol")
    _seed(fake, 7, body, files=("src/auth/login.py",))
    fake.set_permission(REPO, "carol", "write")  # an eligible approver, as GitHub says
    review = fake.add_review(REPO, 7, "carol", "APPROVED", HEAD_SHA)

    def workflow_run() -> dict[str, Any]:
        # What GitHub sends when the unprivileged review workflow completes; for a fork's
        # pull request pull_requests is empty, so the head commit is what names it.
        payload = fake.webhook_payload("workflow_run", "completed", REPO, 7)
        payload["workflow_run"].update(event="pull_request_review", head_sha=HEAD_SHA,
                                       head_branch="feature", pull_requests=[])
        return payload

    approved = _run(fake, act_cache, "workflow_run", workflow_run())
    assert approved.ok, approved.describe()
    assert _states(fake, HEAD_SHA) == [(MAIN, "pending"), (MAIN, "success")]

    fake.dismiss_review(REPO, 7, review)
    withdrawn = _run(fake, act_cache, "workflow_run", workflow_run())
    assert not withdrawn.ok and "GK301" in _codes(withdrawn), withdrawn.describe()
    assert _states(fake, HEAD_SHA)[2:] == [(MAIN, "pending"), (MAIN, "failure")]


def test_a_policy_tightened_on_the_base_tip_after_the_pr_was_opened(
    fake: FakeGitHub, act_cache: Path,
) -> None:
    _seed(fake, 7, GREEN, files=("src/billing/charge.py",))
    fake.set_file(REPO, POLICY, BASE_SHA, "version: 1\n")
    before = _target(fake, act_cache)
    assert before.ok, before.describe()

    fake.set_file(REPO, POLICY, TIP, "version: 1\nclasses:\n  RED:\n    paths: [src/billing/]\n")
    fake.add_commit(REPO, TIP, message="Make billing RED", parents=[BASE_SHA])
    fake.set_branch(REPO, "main", TIP)  # the pull request's base.sha is still BASE_SHA
    after = _target(fake, act_cache)
    assert not after.ok and "GK201" in _codes(after), after.describe()
    reads = [ref for ref, _ in fake.file_reads]  # by REST or with the pull request's query
    assert list(dict.fromkeys(reads)) == [BASE_SHA, TIP]  # the old tip, then the new one
    assert _states(fake, HEAD_SHA)[-1] == (MAIN, "failure")


def test_a_two_pr_merge_group_whose_first_body_was_emptied_after_queueing(
    fake: FakeGitHub, act_cache: Path,
) -> None:
    second_head, merge7, merge8 = "8" * 40, "1" * 40, "2" * 40
    _seed(fake, 7, GREEN, head_ref="seven")
    _seed(fake, 8, GREEN, head=second_head, head_ref="eight")
    payload = queue(fake, REPO, BASE_SHA, [(7, HEAD_SHA, "seven"), (8, second_head, "eight")],
                    [merge7, merge8])
    queued = _run(fake, act_cache, "merge_group", payload)
    assert queued.ok, queued.describe()

    fake.update_pull(REPO, 7, body="")  # emptied after it was queued
    result = _run(fake, act_cache, "merge_group", payload)
    assert not result.ok and _codes(result) == ["GK221"], result.describe()
    assert any("pull request #7" in a.message for a in result.errors())
    assert _states(fake, merge8) == [(MAIN, "pending"), (MAIN, "success"),
                                     (MAIN, "pending"), (MAIN, "failure")]
