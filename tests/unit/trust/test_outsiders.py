"""Nobody without write access changes another pull request's verdict, in either
direction: `gatekeeper action` in-process against the strict GitHub double, hardened
set-up (commit statuses). End to end under act: tests/e2e/test_trust_e2e.py."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.commands.action import ActionOptions, run
from tests.support.bodies import complete_body
from tests.support.fixtures import assert_valid_decision_record
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO, FORK = "acme/widgets", "mallory/widgets"
BASE, HEAD = "b" * 40, "c" * 40
NOW = "2026-11-21T00:00:00Z"
CONTEXT = "gatekeeper/contract ({branch})"
GREEN = complete_body()
RED_INCOMPLETE = complete_body("RED", escalation_reviewer="@carol").split("## Escalation")[0]


def _act(fake: FakeGitHub, tmp_path: Path, number: int) -> tuple[int, dict[str, Any]]:
    for old in tmp_path.glob("gatekeeper/decision-*.json"):
        old.unlink()
    payload = fake.webhook_payload("pull_request", "edited", REPO, number)
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    environ = {"GITHUB_EVENT_NAME": "pull_request_target", "GITHUB_EVENT_PATH": str(event),
               "GITHUB_API_URL": fake.base_url, "GITHUB_TOKEN": DEFAULT_TOKEN,
               "GITHUB_REPOSITORY": REPO, "RUNNER_TEMP": str(tmp_path),
               "GITHUB_OUTPUT": str(tmp_path / "output"),
               "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
               "GATEKEEPER_COMMENT": "false", "GATEKEEPER_LABELS": "false",
               "GATEKEEPER_STATUS_CONTEXT": CONTEXT}
    code = run(ActionOptions(environ, NOW), io.StringIO())
    record = json.loads(next(tmp_path.glob("gatekeeper/decision-*.json")).read_text())
    assert_valid_decision_record(record)
    fake.assert_no_violations()
    return code, record


def _codes(record: dict[str, Any]) -> list[str]:
    return [r["code"] for r in record["reasons"]]


def _states(fake: FakeGitHub) -> list[tuple[str, str]]:
    return [(s["context"], s["state"]) for s in fake.statuses(REPO, HEAD)]


@pytest.fixture
def fake(github_double: FakeGitHub) -> FakeGitHub:
    github_double.add_repo(REPO)
    github_double.add_repo(FORK, owner_type="User")
    return github_double


def _insider(fake: FakeGitHub, body: str = GREEN, files: tuple[str, ...] = ("docs/a.md",),
             number: int = 7, base_ref: str = "main", head_ref: str = "feature") -> None:
    fake.add_pull(REPO, number, title="t", body=body, author="bob", head_sha=HEAD,
                  base_sha=BASE, base_ref=base_ref, head_ref=head_ref, files=list(files))


def _outsider(fake: FakeGitHub, body: str = "", number: int = 9, base_ref: str = "main",
              author: str = "mallory") -> None:
    """A fork pull request on the insider's head commit (refs/pull/7/head is public)."""
    fake.add_pull(REPO, number, title="copy", body=body, author=author, head_sha=HEAD,
                  base_sha=BASE, base_ref=base_ref, head_ref="copy", head_repo=FORK,
                  files=["docs/a.md"])


def test_an_outsiders_same_head_pull_request_cannot_stall_an_honest_one(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _insider(fake)
    _outsider(fake)  # an empty description: it would block
    code, record = _act(fake, tmp_path, 9)
    assert code == 1 and _codes(record) == ["GK909"]
    assert "#7" in record["reasons"][0]["message"]
    assert _states(fake) == []  # nothing posted on the insider's commit, not even pending
    assert fake.count("GET", r"/pulls/9/files") == 0  # and nothing judged: it costs little
    code, record = _act(fake, tmp_path, 7)
    assert code == 0 and record["decision"] == "pass", record["reasons"]
    assert _states(fake)[-1] == ("gatekeeper/contract (main)", "success")


def test_an_outsiders_pull_request_cannot_turn_a_blocked_one_green(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _insider(fake, RED_INCOMPLETE, files=("src/auth/login.py",))
    code, record = _act(fake, tmp_path, 7)
    assert code == 1 and "GK202" in _codes(record)
    _outsider(fake, GREEN, base_ref="release")  # harmless-looking, complete, elsewhere
    code, record = _act(fake, tmp_path, 9)
    assert code == 1 and _codes(record) == ["GK909"]
    assert ("gatekeeper/contract (release)", "success") not in _states(fake)
    assert _states(fake)[-1] == ("gatekeeper/contract (main)", "failure")


def test_an_insiders_second_pull_request_on_the_commit_still_blocks_with_gk220(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _insider(fake, RED_INCOMPLETE, files=("src/auth/login.py",))
    _insider(fake, GREEN, number=8, base_ref="release", head_ref="harmless")
    code, record = _act(fake, tmp_path, 8)
    assert code == 1 and _codes(record) == ["GK220"]


def test_an_outsider_with_write_access_is_an_insider(fake: FakeGitHub, tmp_path: Path) -> None:
    _insider(fake)
    _outsider(fake, author="carol")
    fake.set_permission(REPO, "carol", "write")
    code, record = _act(fake, tmp_path, 9)
    assert code == 1 and "GK101" in _codes(record)  # judged, and its own verdict posted
    assert _states(fake)[-1] == ("gatekeeper/contract (main)", "failure")
    code, record = _act(fake, tmp_path, 7)  # and an insider's blocked one counts: GK220
    assert code == 1 and _codes(record) == ["GK220"]


def test_two_outsiders_on_one_head_judge_each_other(fake: FakeGitHub, tmp_path: Path) -> None:
    fake.add_pull(REPO, 7, title="t", body=GREEN, author="eve", head_sha=HEAD, base_sha=BASE,
                  head_ref="x", head_repo=FORK, files=["docs/a.md"])
    _outsider(fake)
    code, record = _act(fake, tmp_path, 7)
    assert code == 1 and _codes(record) == ["GK220"]


def test_an_outsiders_pull_request_on_its_own_commit_is_judged_as_usual(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _outsider(fake, GREEN)
    code, record = _act(fake, tmp_path, 9)
    assert code == 0 and record["decision"] == "pass"
    assert _states(fake)[-1] == ("gatekeeper/contract (main)", "success")
