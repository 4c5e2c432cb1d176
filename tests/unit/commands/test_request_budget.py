"""The requests one evaluation costs, counted against the GitHub test double.

The workflow token has 1,000 requests an hour per repository; every run spends some of
them. The budget (docs/performance.md has the measured figures):

- a typical pull request (up to 100 files, a few reviews and commits, one approver):
  at most 5 reads, whatever the set-up;
- one more read per 100 files beyond the first 100;
- a run started by a body edit, with the changed-file cache of the hardened set-up: at
  most 5 reads, whatever the size of the pull request;
- a re-run that decides the same writes nothing but the status its set-up posts.

A read is a GET or a GraphQL query; writes are counted apart.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.commands.action import ActionOptions, run
from tests.support.action_runner import runner_environ
from tests.support.bodies import complete_body
from tests.support.github_double import FakeGitHub, github_double

__all__ = ["github_double"]

REPO = "acme/widgets"
BASE, HEAD = "b" * 40, "c" * 40
NOW = "2026-11-21T00:00:00Z"
POLICY = ".github/gatekeeper.yml"
RED_POLICY = ("version: 1\nclasses:\n  RED:\n    paths: [src/auth/]\n"
              "authority:\n  require_escalation_approval: true\n")
TYPICAL_READS = 5


def _reads(fake: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests
            if r.method == "GET" or r.path == "/graphql"]


def _writes(fake: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests
            if r.method != "GET" and r.path != "/graphql"]


def _act(fake: FakeGitHub, tmp_path: Path, *, event: str = "pull_request_target",
         action: str = "synchronize", hardened: bool = True,
         **extra: str) -> tuple[int, dict[str, Any]]:
    for old in tmp_path.glob("decision-*.json"):
        old.unlink()
    environ = runner_environ(fake, tmp_path, REPO, 7, event=event, action=action,
                             GATEKEEPER_HARDENED="true" if hardened else "false", **extra)
    code = run(ActionOptions(environ, NOW), io.StringIO())
    record = json.loads(next(tmp_path.glob("gatekeeper/decision-*.json")).read_text())
    for old in tmp_path.glob("gatekeeper/decision-*.json"):
        old.unlink()
    return code, record


@pytest.fixture
def fake(github_double: FakeGitHub) -> FakeGitHub:
    github_double.add_repo(REPO)
    github_double.set_branch(REPO, "main", BASE)
    return github_double


def _typical_red(fake: FakeGitHub, files: list[str] | None = None) -> None:
    """A RED pull request with a few commits and reviews, approved by the escalation
    reviewer, who has write access."""
    fake.add_pull(REPO, 7, title="t", body=complete_body("RED", escalation_reviewer="@carol"),
                  author="bob", head_sha=HEAD, base_sha=BASE,
                  files=files or ["src/auth/login.py", "docs/auth.md", "tests/test_auth.py"])
    fake.set_file(REPO, POLICY, BASE, RED_POLICY)
    fake.set_permission(REPO, "carol", "write")
    fake.add_review(REPO, 7, "dave", "COMMENTED", HEAD)
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD)


@pytest.mark.parametrize("hardened", [True, False], ids=["hardened", "simple"])
def test_a_typical_approved_red_pull_request_costs_at_most_five_reads(
    fake: FakeGitHub, tmp_path: Path, hardened: bool,
) -> None:
    _typical_red(fake)
    event = "pull_request_target" if hardened else "pull_request"
    code, record = _act(fake, tmp_path, event=event, hardened=hardened)
    assert code == 0 and record["decision"] == "pass", record["reasons"]
    assert len(_reads(fake)) <= TYPICAL_READS, _reads(fake)


def test_a_typical_green_pull_request_costs_at_most_five_reads(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    fake.add_pull(REPO, 7, title="t", body=complete_body(), author="bob", head_sha=HEAD,
                  base_sha=BASE, files=["docs/a.md", "docs/b.md"])
    code, record = _act(fake, tmp_path)
    assert code == 0, record["reasons"]
    assert len(_reads(fake)) <= TYPICAL_READS, _reads(fake)


@pytest.mark.parametrize("count", [100, 101, 250, 1000])
def test_more_files_cost_one_read_per_hundred(
    fake: FakeGitHub, tmp_path: Path, count: int,
) -> None:
    _typical_red(fake, ["src/auth/login.py"] + [f"docs/f{i:04}.md" for i in range(count - 1)])
    code, record = _act(fake, tmp_path)
    assert code == 0, record["reasons"]
    budget = TYPICAL_READS + max(0, math.ceil((count - 100) / 100))
    assert len(_reads(fake)) <= budget, _reads(fake)


@pytest.mark.parametrize("count", [3, 250, 2999])
def test_a_body_edit_with_the_files_cache_costs_at_most_five_reads(
    fake: FakeGitHub, tmp_path: Path, count: int,
) -> None:
    _typical_red(fake, ["src/auth/login.py"] + [f"docs/f{i:04}.md" for i in range(count - 1)])
    cache = str(tmp_path / "files-cache")
    first, _ = _act(fake, tmp_path, GATEKEEPER_FILES_CACHE=cache)
    assert first == 0
    fake.update_pull(REPO, 7, body=complete_body("RED", escalation_reviewer="@carol")
                     + "\nOne more sentence.\n")
    fake.requests.clear()
    code, record = _act(fake, tmp_path, action="edited", GATEKEEPER_FILES_CACHE=cache)
    assert code == 0, record["reasons"]
    assert len(_reads(fake)) <= TYPICAL_READS, _reads(fake)


def test_a_rerun_that_decides_the_same_writes_nothing_but_its_status(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    fake.add_pull(REPO, 7, title="t", body=complete_body().replace("@bob", "TBD"),
                  author="bob", head_sha=HEAD, base_sha=BASE, files=["docs/a.md"])
    first, _ = _act(fake, tmp_path, event="pull_request", hardened=False)
    assert first == 1 and fake.comments(REPO, 7) and fake.labels(REPO, 7)
    fake.requests.clear()
    again, _ = _act(fake, tmp_path, event="pull_request", hardened=False)
    assert again == 1 and _writes(fake) == []
    fake.requests.clear()
    hardened, _ = _act(fake, tmp_path)
    assert hardened == 1
    assert all("/statuses/" in w for w in _writes(fake)), _writes(fake)
