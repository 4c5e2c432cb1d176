"""Green re-judged when the facts move: `gatekeeper action` on a push to a base branch (its
policy) and on a change to an approval record, in-process against the GitHub double, in
both set-ups: the hardened one posts each pull request's status, the simple one re-runs
each pull request's gate run."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.commands import action
from gatekeeper.commands.action import ActionOptions, run
from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO = "acme/widgets"
BASE, HEAD, OTHER, TIGHT = "b" * 40, "c" * 40, "d" * 40, "f" * 40
NOW = "2026-11-21T00:00:00Z"
CONTEXT = "gatekeeper/contract ({branch})"
POLICY = ".github/gatekeeper.yml"
LOOSE = "version: 1\nclasses:\n  RED:\n    paths: [infra/]\n"
TIGHTENED = "version: 1\nclasses:\n  RED:\n    paths: [infra/, auth/]\n"
RECORDS = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
           "authority:\n  require_escalation_approval: true\n"
           f"  approval_records: {{repository: {REPO}, label: approved}}\n")
GREEN = complete_body()
RED = complete_body("RED", escalation_reviewer="@carol", approval_reference="APR-31")


def _act(fake: FakeGitHub, tmp_path: Path, event: str, payload: dict[str, Any], *,
         hardened: bool = True) -> tuple[int, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    environ = {"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(path),
               "GITHUB_API_URL": fake.base_url, "GITHUB_TOKEN": DEFAULT_TOKEN,
               "GITHUB_REPOSITORY": REPO, "RUNNER_TEMP": str(tmp_path),
               "GITHUB_OUTPUT": str(tmp_path / "output"),
               "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
               "GATEKEEPER_COMMENT": "false", "GATEKEEPER_LABELS": "false",
               "GATEKEEPER_STATUS_CONTEXT": CONTEXT if hardened else ""}
    out = io.StringIO()
    code = run(ActionOptions(environ, NOW), out)
    fake.assert_no_violations()
    return code, out.getvalue()


def _latest(fake: FakeGitHub, sha: str, branch: str = "main") -> str | None:
    states = [s["state"] for s in fake.statuses(REPO, sha)
              if s["context"] == CONTEXT.format(branch=branch)]
    return states[-1] if states else None


def _push(fake: FakeGitHub, ref: str = "refs/heads/main", **extra: Any) -> dict[str, Any]:
    return fake.repo_event_payload("push", "", REPO, ref=ref, after=TIGHT, **extra)


def _seed_push(fake: FakeGitHub) -> None:
    """#7 into main changes auth/, GREEN under the loose policy; then the policy on main
    is tightened (auth/ becomes RED) by a push."""
    fake.add_repo(REPO)
    fake.set_file(REPO, POLICY, BASE, LOOSE)
    fake.set_branch(REPO, "main", BASE)
    fake.add_pull(REPO, 7, title="t", body=GREEN, author="bob", head_sha=HEAD,
                  base_sha=BASE, files=["auth/login.py"])


def _tighten(fake: FakeGitHub) -> None:
    fake.set_file(REPO, POLICY, TIGHT, TIGHTENED)
    fake.set_branch(REPO, "main", TIGHT)


# --- hardened: the run judges and posts ----------------------------------------------------

def test_a_tightened_policy_turns_an_open_green_red(github_double: FakeGitHub,
                                                     tmp_path: Path) -> None:
    _seed_push(github_double)
    github_double.add_pull(REPO, 8, title="t", body=GREEN, author="bob", head_sha=OTHER,
                           base_sha=BASE, base_ref="release", files=["auth/login.py"])
    code, _ = _act(github_double, tmp_path, "pull_request_target",
                   github_double.webhook_payload("pull_request", "synchronize", REPO, 7))
    assert (code, _latest(github_double, HEAD)) == (0, "success")

    _tighten(github_double)
    code, out = _act(github_double, tmp_path, "push", _push(github_double))
    # The pull request is red; the run that judged it did its job.
    assert (code, _latest(github_double, HEAD)) == (0, "failure")
    assert "Re-judging 1 pull request(s): the open pull requests into main: #7" in out
    # A pull request into another branch is not judged against main's policy.
    assert github_double.statuses(REPO, OTHER) == []


def test_a_tag_or_a_deleted_branch_judges_nothing(github_double: FakeGitHub,
                                                  tmp_path: Path) -> None:
    _seed_push(github_double)
    _tighten(github_double)
    for payload in (_push(github_double, ref="refs/tags/v1"),
                    _push(github_double, deleted=True)):
        code, out = _act(github_double, tmp_path, "push", payload)
        assert code == 0 and "Re-judging 0 pull request(s)" in out
    assert github_double.statuses(REPO, HEAD) == []


def test_more_pull_requests_than_one_run_judges_fail_the_run_naming_it(
        github_double: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed_push(github_double)
    github_double.add_pull(REPO, 8, title="t", body=GREEN, author="bob", head_sha=OTHER,
                           base_sha=BASE, files=["auth/login.py"])
    _tighten(github_double)
    monkeypatch.setattr(action, "REJUDGE_LIMIT", 1)
    code, out = _act(github_double, tmp_path, "push", _push(github_double))
    assert code == 1
    assert "GK911" in out and "more than 1 pull requests" in out
    # The most recently updated one was judged all the same.
    assert sum(_latest(github_double, sha) == "failure" for sha in (HEAD, OTHER)) == 1


def _seed_record(fake: FakeGitHub, *, record_body: str = f"Approves {REPO}#7.") -> None:
    fake.add_repo(REPO)
    fake.set_file(REPO, POLICY, BASE, RECORDS)
    fake.set_branch(REPO, "main", BASE)
    fake.add_pull(REPO, 7, title="t", body=RED, author="bob", head_sha=HEAD, base_sha=BASE,
                  files=["auth/login.py"])
    fake.set_permission(REPO, "carol", "maintain")
    fake.set_permission(REPO, "dana", "write")
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    fake.add_issue(REPO, 31, title="Security sign-off", body=record_body)
    fake.label_issue(REPO, 31, "approved", "dana")


def _issue_event(fake: FakeGitHub, action_name: str, *, labels: tuple[str, ...],
                 label: str | None = None, body: str = f"Approves {REPO}#7.",
                 old_body: str | None = None) -> dict[str, Any]:
    payload = fake.repo_event_payload("issues", action_name, REPO)
    payload["issue"].update(number=31, title="Security sign-off", body=body,
                            labels=[{**payload["issue"]["labels"][0], "name": name}
                                    for name in labels] if payload["issue"]["labels"]
                            else [{"name": name} for name in labels])
    if label is not None:
        payload["label"] = {**payload.get("label", {}), "name": label}
    if old_body is not None:
        payload["changes"] = {"body": {"from": old_body}}
    return payload


def test_a_withdrawn_approval_record_turns_the_pull_request_it_names_red(
        github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed_record(github_double)
    code, _ = _act(github_double, tmp_path, "pull_request_target",
                   github_double.webhook_payload("pull_request", "synchronize", REPO, 7))
    assert (code, _latest(github_double, HEAD)) == (0, "success")

    github_double.unlabel_issue(REPO, 31, "approved", "dana")
    code, out = _act(github_double, tmp_path, "issues",
                     _issue_event(github_double, "unlabeled", labels=(), label="approved"))
    assert (code, _latest(github_double, HEAD)) == (0, "failure")
    assert "approval record #31 names: #7" in out


def test_an_edit_that_stops_naming_a_pull_request_re_judges_it(
        github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed_record(github_double)
    _act(github_double, tmp_path, "pull_request_target",
         github_double.webhook_payload("pull_request", "synchronize", REPO, 7))
    github_double.edit_issue(REPO, 31, body="Approves nothing yet.")
    code, out = _act(github_double, tmp_path, "issues", _issue_event(
        github_double, "edited", labels=("approved",), body="Approves nothing yet.",
        old_body=f"Approves {REPO}#7."))
    assert (code, _latest(github_double, HEAD)) == (0, "failure")
    assert "#7" in out


def test_an_issue_that_is_no_approval_record_re_judges_nothing(
        github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed_record(github_double)
    code, out = _act(github_double, tmp_path, "issues", _issue_event(
        github_double, "labeled", labels=("bug",), label="bug"))
    assert code == 0
    assert "not an approval record" in out
    assert github_double.statuses(REPO, HEAD) == []


# --- simple: the gate's newest run on each head is re-run ------------------------------------

def test_the_simple_set_up_re_runs_the_gate_run_of_each_open_pull_request(
        github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed_push(github_double)
    older = github_double.add_workflow_run(REPO, head_sha=HEAD)
    newest = github_double.add_workflow_run(REPO, head_sha=HEAD, event="pull_request_review")
    github_double.add_workflow_run(REPO, head_sha=HEAD, path=".github/workflows/ci.yml")
    _tighten(github_double)
    github_double.requests.clear()
    code, out = _act(github_double, tmp_path, "push", _push(github_double), hardened=False)
    assert code == 0
    assert github_double.reruns(REPO) == [newest] and older != newest
    # Its cost: the list of open pull requests, then per pull request its gate's runs and
    # the re-run (the re-run then reads what an evaluation reads).
    assert [(r.method, r.path.split("/", 4)[-1]) for r in github_double.requests] == [
        ("GET", "pulls"), ("GET", "actions/workflows/gatekeeper.yml/runs"),
        ("POST", f"actions/runs/{newest}/rerun")]
    assert f"#7: re-ran its gate run {newest}" in out
    # The simple set-up's required check is the job's: no status is posted.
    assert github_double.statuses(REPO, HEAD) == []


@pytest.mark.parametrize(("status", "why"), [
    ("in_progress", "is in_progress"),
    (None, "has no run on its head"),
])
def test_a_gate_run_that_cannot_be_re_run_fails_the_run_naming_the_pull_request(
        status: str | None, why: str, github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed_push(github_double)
    if status is not None:
        github_double.add_workflow_run(REPO, head_sha=HEAD, status=status)
    else:
        github_double.add_workflow_run(REPO, head_sha=OTHER)
    _tighten(github_double)
    code, out = _act(github_double, tmp_path, "push", _push(github_double), hardened=False)
    assert code == 1
    assert "GK911" in out and "#7" in out and why in out
    assert github_double.reruns(REPO) == []


def test_a_closed_pull_request_a_record_names_is_left_alone(github_double: FakeGitHub,
                                                            tmp_path: Path) -> None:
    _seed_record(github_double)
    run_id = github_double.add_workflow_run(REPO, head_sha=HEAD)
    github_double.update_pull(REPO, 7, state="closed")
    code, _ = _act(github_double, tmp_path, "issues",
                   _issue_event(github_double, "unlabeled", labels=(), label="approved"),
                   hardened=False)
    assert code == 0
    assert github_double.reruns(REPO) == [] and run_id


def test_a_re_judging_run_that_cannot_list_the_pull_requests_fails_closed(
        github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed_push(github_double)
    _tighten(github_double)
    github_double.fail("GET", r"/pulls$", status=502)
    code, out = _act(github_double, tmp_path, "push", _push(github_double))
    assert code == 1 and "GK911" in out and "502" in out


def test_a_record_change_whose_policy_cannot_be_read_fails_closed(
        github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed_record(github_double)
    github_double.fail("GET", r"/branches/main$", status=502)
    code, out = _act(github_double, tmp_path, "issues",
                     _issue_event(github_double, "unlabeled", labels=(), label="approved"))
    assert code == 1 and "GK911" in out
    assert github_double.statuses(REPO, HEAD) == []
