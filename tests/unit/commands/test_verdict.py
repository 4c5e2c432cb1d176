"""A verdict bound to its pull request, its commit and the policy in force: `gatekeeper
action` in-process against the GitHub test double (the same runs end to end under act are
in tests/e2e/test_verdict_e2e.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.commands.action import ActionOptions, run
from gatekeeper.errors import GatekeeperError
from tests.support.bodies import complete_body
from tests.support.fixtures import assert_valid_decision_record
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double
from tests.support.merge_queue import queue

__all__ = ["github_double"]

REPO = "acme/widgets"
BASE, HEAD, MOVED, TIP = "b" * 40, "c" * 40, "e" * 40, "f" * 40
NOW = "2026-11-21T00:00:00Z"
CONTEXT = "gatekeeper/contract ({branch})"
POLICY = ".github/gatekeeper.yml"
GREEN = complete_body()
RED = complete_body("RED", escalation_reviewer="@carol")
AUTHORITY = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
             "authority:\n  require_escalation_approval: true\n")


def _environ(fake: FakeGitHub, tmp_path: Path, event: str, payload: dict[str, Any],
             **extra: str) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return {"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(path),
            "GITHUB_API_URL": fake.base_url, "GITHUB_TOKEN": DEFAULT_TOKEN,
            "GITHUB_REPOSITORY": REPO, "RUNNER_TEMP": str(tmp_path),
            "GITHUB_OUTPUT": str(tmp_path / "output"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
            "GATEKEEPER_COMMENT": "false", "GATEKEEPER_LABELS": "false", **extra}


def _act(fake: FakeGitHub, tmp_path: Path, event: str = "pull_request_target",
         payload: dict[str, Any] | None = None, number: int = 7, *,
         status_context: str = CONTEXT, **extra: str) -> tuple[int, str, dict[str, Any]]:
    """Run the action; (exit code, annotations, the decision record)."""
    for old in tmp_path.glob("gatekeeper/decision-*.json"):
        old.unlink()
    if payload is None:
        payload = fake.webhook_payload("pull_request", "synchronize", REPO, number)
    environ = _environ(fake, tmp_path, event, payload,
                       GATEKEEPER_STATUS_CONTEXT=status_context, **extra)
    out = io.StringIO()
    code = run(ActionOptions(environ, NOW), out)
    record = json.loads(next(tmp_path.glob("gatekeeper/decision-*.json")).read_text())
    assert_valid_decision_record(record)
    return code, out.getvalue(), record


def _codes(record: dict[str, Any]) -> list[str]:
    return [r["code"] for r in record["reasons"]]


def _states(fake: FakeGitHub, sha: str) -> list[tuple[str, str]]:
    return [(s["context"], s["state"]) for s in fake.statuses(REPO, sha)]


def _pull(fake: FakeGitHub, number: int = 7, body: str = GREEN, *, head: str = HEAD,
          base_ref: str = "main", head_ref: str = "feature",
          files: tuple[str, ...] = ("docs/a.md",)) -> None:
    fake.add_pull(REPO, number, title="t", body=body, author="bob", head_sha=head,
                  base_sha=BASE, base_ref=base_ref, head_ref=head_ref, files=list(files))


@pytest.fixture
def fake(github_double: FakeGitHub) -> FakeGitHub:
    github_double.add_repo(REPO)
    return github_double


# --- item 2: the commit judged is the commit posted on ------------------------------------


def test_pending_first_then_the_verdict_on_the_head_read_from_the_api(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake)
    code, _, record = _act(fake, tmp_path)
    assert code == 0 and record["decision"] == "pass"
    assert _states(fake, HEAD) == [("gatekeeper/contract (main)", "pending"),
                                   ("gatekeeper/contract (main)", "success")]


def test_a_force_push_between_event_and_read_blocks_on_the_event_commit_only(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake)
    payload = fake.webhook_payload("pull_request", "synchronize", REPO, 7)  # names HEAD
    fake.update_pull(REPO, 7, head_sha=MOVED)  # force-pushed before the run reads it
    code, text, record = _act(fake, tmp_path, payload=payload, GATEKEEPER_COMMENT="true",
                              GATEKEEPER_LABELS="true")
    assert code == 1 and _codes(record) == ["GK905"]
    assert "GK905" in text and "is not judged" in record["reasons"][0]["message"]
    assert _states(fake, HEAD) == [("gatekeeper/contract (main)", "failure")]
    assert _states(fake, MOVED) == []  # the new head's own run decides it
    assert fake.count("POST", "^/graphql$") == 1  # the pull request only: nothing judged
    assert fake.comments(REPO, 7) == [] and fake.labels(REPO, 7) == []  # left to the new run


def test_the_head_moving_during_the_run_blocks_instead_of_passing(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake)

    def push_meanwhile(body: Any) -> Any:
        fake.update_pull(REPO, 7, head_sha=MOVED)
        return body

    fake.tamper("POST", "^/graphql$", push_meanwhile, times=1)
    code, _, record = _act(fake, tmp_path)
    assert code == 1 and _codes(record) == ["GK905"]
    assert "moved from cccccccccccc to eeeeeeeeeeee" in record["reasons"][0]["message"]
    assert [s for _, s in _states(fake, HEAD)] == ["pending", "failure"]
    assert _states(fake, MOVED) == []


def test_a_body_emptied_during_the_run_blocks(fake: FakeGitHub, tmp_path: Path) -> None:
    _pull(fake)
    fake.tamper("POST", "^/graphql$",
                lambda body: (fake.update_pull(REPO, 7, body=""), body)[1], times=1)
    code, _, record = _act(fake, tmp_path)
    assert code == 1 and _codes(record) == ["GK905"]
    assert "description changed" in record["reasons"][0]["message"]


def test_hardened_flag_names_the_base_branch_in_the_default_context(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, base_ref="release")
    code, _, _ = _act(fake, tmp_path, status_context="", GATEKEEPER_HARDENED="true")
    assert code == 0
    assert _states(fake, HEAD) == [("gatekeeper/contract (release)", "pending"),
                                   ("gatekeeper/contract (release)", "success")]


def test_the_simple_set_up_posts_no_status(fake: FakeGitHub, tmp_path: Path) -> None:
    _pull(fake)
    code, _, _ = _act(fake, tmp_path, "pull_request", status_context="")
    assert code == 0 and _states(fake, HEAD) == []


def test_a_pull_request_that_cannot_be_read_fails_on_the_event_commit(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake)
    fake.fail("POST", "^/graphql$", status=404)
    code, _, record = _act(fake, tmp_path)
    assert code == 1 and _codes(record) == ["GK904"]
    assert _states(fake, HEAD) == [("gatekeeper/contract (main)", "failure")]


# --- item 1: a commit's verdict covers every open pull request on it ---------------------


def test_another_blocked_pull_request_on_the_commit_blocks_with_gk220(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, 7, RED.split("## Escalation")[0], files=("src/auth/login.py",))
    _pull(fake, 8, GREEN, base_ref="release", head_ref="harmless")  # same head commit
    blocked_first, _, first = _act(fake, tmp_path, number=7)
    assert blocked_first == 1 and "GK202" in _codes(first)
    code, text, record = _act(fake, tmp_path, number=8)
    assert code == 1 and _codes(record) == ["GK220"]
    message = record["reasons"][0]["message"]
    assert "pull request #7 (into main)" in message and "GK202" in message
    assert "GK220" in text
    assert _states(fake, HEAD)[-1] == ("gatekeeper/contract (release)", "failure")
    assert ("gatekeeper/contract (release)", "success") not in _states(fake, HEAD)


def test_other_pull_requests_that_pass_or_are_closed_do_not_block(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, 7, GREEN)
    _pull(fake, 8, GREEN, base_ref="release", head_ref="other")
    _pull(fake, 9, "", head_ref="closed-one")
    fake.update_pull(REPO, 9, state="closed")
    code, _, record = _act(fake, tmp_path, number=8)
    assert code == 0 and record["decision"] == "pass"
    assert fake.count("GET", r"/commits/c{40}/pulls") == 1
    assert fake.count("GET", r"/pulls/9$") == 0  # closed: not judged


def test_other_pull_requests_that_cannot_be_listed_block_with_gk908(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake)
    fake.fail("GET", r"/commits/c{40}/pulls", status=502)
    code, _, record = _act(fake, tmp_path)
    assert code == 1 and _codes(record) == ["GK908"]


def test_another_pull_request_on_the_commit_that_cannot_be_judged_blocks_with_gk908(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, 7, GREEN)
    _pull(fake, 8, GREEN, base_ref="release", head_ref="other")
    # Over 100 files: #8's list has pages after the first, which cannot be read.
    fake.update_pull(REPO, 8, files=[f"docs/f{i}.md" for i in range(150)])
    fake.fail("POST", "^/graphql$", status=502, variables={"number": 8, "after": ...})
    fake.fail("GET", r"/pulls/8/files", status=502)
    code, _, record = _act(fake, tmp_path, number=7)
    assert code == 1 and _codes(record) == ["GK908"]
    assert "#8" in record["reasons"][0]["message"]
    assert _states(fake, HEAD)[-1] == ("gatekeeper/contract (main)", "failure")


# --- item 4: the policy in force is the base branch's tip now ------------------------------


def test_a_policy_tightened_on_the_base_tip_applies_to_an_open_pull_request(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, files=("src/billing/charge.py",))
    fake.set_file(REPO, POLICY, BASE, "version: 1\n")
    honest, _, before = _act(fake, tmp_path)
    assert honest == 0 and before["policy"]["sha"] == BASE
    fake.set_file(REPO, POLICY, TIP,
                  "version: 1\nclasses:\n  RED:\n    paths: [src/billing/]\n")
    fake.add_commit(REPO, TIP, message="Tighten the policy", parents=[BASE])
    fake.set_branch(REPO, "main", TIP)  # the PR's recorded base.sha stays BASE
    code, _, record = _act(fake, tmp_path)
    assert code == 1 and "GK201" in _codes(record)
    assert record["policy"] == {"source": f"{REPO}:{POLICY}", "ref": "main", "sha": TIP,
                                "central": None}
    # The policy was read at the base tip of each run (by REST or with the query), never
    # at the pull request's head.
    assert {ref for ref, _ in fake.file_reads} == {BASE, TIP}


def test_a_missing_policy_uses_the_default_and_the_record_says_where_it_looked(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake)
    code, _, record = _act(fake, tmp_path)
    assert code == 0
    assert record["policy"] == {"source": "embedded-default", "ref": "main", "sha": BASE,
                                "central": None}


@pytest.mark.parametrize("setup", ["binary", "branch"])
def test_a_policy_that_exists_but_cannot_be_read_blocks_with_gk901(
    fake: FakeGitHub, tmp_path: Path, setup: str,
) -> None:
    _pull(fake)
    if setup == "binary":
        fake.set_file(REPO, POLICY, BASE, b"\xff\xfe not text")
    else:
        # The query gives no base tip (the branch is gone) and REST cannot read it either.
        fake.drop_branch(REPO, "main")
        fake.fail("GET", r"/branches/main$", status=502)
    code, _, record = _act(fake, tmp_path)
    assert code == 1 and _codes(record) == ["GK901"]
    assert _states(fake, HEAD)[-1] == ("gatekeeper/contract (main)", "failure")


# --- item 5: a merge group is judged as a whole ---------------------------------------------

M7, M8, C8 = "1" * 40, "2" * 40, "8" * 40


def _group(fake: FakeGitHub) -> dict[str, Any]:
    """#7 (head HEAD) and #8 (head C8) queued in that order, merged with merge commits."""
    _pull(fake, 7, GREEN, head_ref="seven")
    _pull(fake, 8, GREEN, head=C8, head_ref="eight")
    return queue(fake, REPO, BASE, [(7, HEAD, "seven"), (8, C8, "eight")], [M7, M8])


def test_a_merge_group_whose_members_all_pass_passes(fake: FakeGitHub, tmp_path: Path) -> None:
    payload = _group(fake)
    code, _, record = _act(fake, tmp_path, "merge_group", payload, number=8)
    assert code == 0 and record["decision"] == "pass"
    assert _states(fake, M8) == [("gatekeeper/contract (main)", "pending"),
                                 ("gatekeeper/contract (main)", "success")]
    # Each member read once, with its files, by one query each.
    assert fake.count("POST", "^/graphql$") == 2 and fake.count("GET", r"/files") == 0


def test_a_merge_group_blocks_when_an_earlier_member_blocks(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    payload = _group(fake)
    fake.update_pull(REPO, 7, body="")  # emptied after it was queued
    code, text, record = _act(fake, tmp_path, "merge_group", payload, number=8)
    assert code == 1 and _codes(record) == ["GK221"]
    assert "pull request #7" in record["reasons"][0]["message"]
    assert "GK221" in text
    assert _states(fake, M8)[-1] == ("gatekeeper/contract (main)", "failure")


def test_a_merge_group_is_judged_by_the_policy_at_its_base_sha(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    payload = _group(fake)
    fake.set_file(REPO, POLICY, TIP, "version: 1\nclasses:\n  RED:\n    paths: [docs/]\n")
    fake.set_branch(REPO, "main", TIP)  # the branch moved on; the group is built on BASE
    code, _, record = _act(fake, tmp_path, "merge_group", payload, number=8)
    assert code == 0 and record["policy"]["sha"] == BASE
    assert {r.query.get("ref") for r in fake.requests if "/contents/" in r.path} == {BASE}


def test_a_merge_group_commit_that_belongs_to_no_pull_request_blocks_with_gk907(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    payload = _group(fake)
    stray = "9" * 40
    fake.add_commit(REPO, stray, message="rebased without a trace", parents=[M8])
    payload["merge_group"]["head_sha"] = stray
    code, _, record = _act(fake, tmp_path, "merge_group", payload, number=8)
    assert code == 1 and _codes(record) == ["GK907"]
    assert stray[:12] in record["reasons"][0]["message"]


# --- item 3 part: workflow_run re-evaluates after a review ----------------------------------


def _run_payload(fake: FakeGitHub, numbers: list[int], *, head_sha: str = HEAD,
                 head_branch: str = "feature") -> dict[str, Any]:
    payload = fake.webhook_payload("workflow_run", "completed", REPO, 7)
    run = payload["workflow_run"]
    here = payload["repository"]
    pulls = [{"number": n, "id": n, "url": f"{fake.base_url}/repos/{REPO}/pulls/{n}",
              "head": {"ref": head_branch, "sha": head_sha, "repo": here},
              "base": {"ref": "main", "sha": BASE, "repo": here}} for n in numbers]
    run.update(event="pull_request_review", head_sha=head_sha, head_branch=head_branch,
               pull_requests=pulls)
    run["head_repository"]["owner"]["login"] = "acme"
    return payload


@pytest.mark.parametrize("found_by", ["payload", "head commit", "head branch"])
def test_a_withdrawn_approval_turns_the_status_to_failure_through_workflow_run(
    fake: FakeGitHub, tmp_path: Path, found_by: str,
) -> None:
    _pull(fake, 7, RED, files=("src/auth/login.py",))
    fake.set_file(REPO, POLICY, BASE, AUTHORITY)
    fake.set_permission(REPO, "carol", "write")  # an eligible approver, as GitHub says
    review = fake.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    numbers = [7] if found_by == "payload" else []
    head_sha = HEAD if found_by != "head branch" else "0" * 40
    payload = _run_payload(fake, numbers, head_sha=head_sha)
    if found_by == "head branch":
        fake.add_commit(REPO, head_sha)
    approved, _, before = _act(fake, tmp_path, "workflow_run", payload)
    assert approved == 0 and before["decision"] == "pass"
    fake.dismiss_review(REPO, 7, review)
    code, _, record = _act(fake, tmp_path, "workflow_run", payload)
    assert code == 1 and "GK301" in _codes(record)
    assert _states(fake, HEAD)[-2:] == [("gatekeeper/contract (main)", "pending"),
                                        ("gatekeeper/contract (main)", "failure")]


def test_a_workflow_run_payload_cannot_choose_what_is_judged(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, 7, "", files=("src/auth/login.py",))
    payload = _run_payload(fake, [7], head_sha=MOVED)  # a head the PR does not have
    code, _, record = _act(fake, tmp_path, "workflow_run", payload)
    assert code == 1 and "GK101" in _codes(record)  # the body GitHub shows, judged
    assert _states(fake, MOVED) == []
    assert _states(fake, HEAD)[-1] == ("gatekeeper/contract (main)", "failure")


def test_a_workflow_run_about_no_open_pull_request_fails_the_job(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake)
    fake.add_commit(REPO, MOVED)
    payload = _run_payload(fake, [], head_sha=MOVED, head_branch="nobody")
    with pytest.raises(GatekeeperError, match="names no open pull request"):
        _act(fake, tmp_path, "workflow_run", payload)
    assert _states(fake, HEAD) == [] and _states(fake, MOVED) == []


@pytest.mark.parametrize(("event", "payload", "message"), [
    ("workflow_run", {"workflow_run": "x"}, "has no workflow_run"),
    ("workflow_run", {"workflow_run": {"head_sha": "not a sha", "pull_requests": []}},
     "names no pull request"),
    ("merge_group", {"merge_group": {"head_sha": HEAD, "base_sha": "short",
                                     "base_ref": "refs/heads/main",
                                     "head_ref": f"refs/heads/gh-readonly-queue/main/pr-7-{BASE}"}},
     "cannot tell the pull request"),
])
def test_payloads_that_name_nothing_usable_fail_before_any_evaluation(
    fake: FakeGitHub, tmp_path: Path, event: str, payload: dict[str, Any], message: str,
) -> None:
    payload = {**payload, "repository": {"full_name": REPO}}
    with pytest.raises(GatekeeperError, match=message):
        _act(fake, tmp_path, event, payload)
    assert fake.requests == []


@pytest.mark.parametrize("broken", ["compare", "member read", "member base", "member files"])
def test_a_merge_group_that_cannot_be_fully_judged_blocks_with_gk907(
    fake: FakeGitHub, tmp_path: Path, broken: str,
) -> None:
    payload = _group(fake)
    if broken == "compare":
        fake.fail("GET", r"/compare/", status=503)
    elif broken == "member read":  # #7 cannot be read, by GraphQL or by REST
        fake.fail("POST", "^/graphql$", status=502, variables={"number": 7})
        fake.fail("GET", r"/pulls/7$", status=502)
    elif broken == "member base":
        fake.update_pull(REPO, 7, base_ref="release")
    else:
        fake.update_pull(REPO, 7, files=[f"docs/f{i}.md" for i in range(150)])
        fake.fail("POST", "^/graphql$", status=502, variables={"number": 7, "after": ...})
        fake.fail("GET", r"/pulls/7/files", status=502)
    code, _, record = _act(fake, tmp_path, "merge_group", payload, number=8)
    assert code == 1 and _codes(record) == ["GK907"]
    assert _states(fake, M8)[-1] == ("gatekeeper/contract (main)", "failure")


def test_a_pull_request_unreadable_at_the_last_read_blocks(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake)
    fake.tamper("POST", "^/graphql$",
                lambda body: (fake.fail("POST", "^/graphql$", status=502), body)[1], times=1)
    code, _, record = _act(fake, tmp_path)
    assert code == 1 and _codes(record) == ["GK904"]
    assert "again before posting" in record["reasons"][0]["message"]
    assert [s for _, s in _states(fake, HEAD)] == ["pending", "failure"]


def test_a_workflow_run_whose_pull_requests_cannot_be_looked_up_fails(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake)
    fake.fail("GET", r"/commits/c{40}/pulls", status=502)
    out = io.StringIO()
    environ = _environ(fake, tmp_path, "workflow_run", _run_payload(fake, []),
                       GATEKEEPER_STATUS_CONTEXT=CONTEXT)
    assert run(ActionOptions(environ, NOW), out) == 1
    assert "::error title=GK904::could not find the pull request" in out.getvalue()
    assert _states(fake, HEAD) == []
