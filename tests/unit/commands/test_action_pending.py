"""scripts/action-pending.py: the hardened run's first step posts `pending` on what the
event names, with the standard library only, before the locked install."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from tests.support.action_runner import runner_environ
from tests.support.github_double import FakeGitHub, github_double

__all__ = ["github_double"]

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "action-pending.py"
REPO, HEAD, BASE = "acme/widgets", "c" * 40, "b" * 40


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("action_pending", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_targets_come_from_each_events_payload() -> None:
    targets = _script().targets
    same = {"repo": {"full_name": REPO}}
    pull = {"pull_request": {"head": {"sha": HEAD, **same}, "base": {"ref": "main", **same}}}
    assert targets("pull_request_target", pull) == [(HEAD, "main")]
    group = {"merge_group": {"head_sha": HEAD, "base_ref": "refs/heads/release"}}
    assert targets("merge_group", group) == [(HEAD, "release")]
    run = {"workflow_run": {"pull_requests": [pull["pull_request"], {"head": {"sha": "x"}}]}}
    assert targets("workflow_run", run) == [(HEAD, "main")]  # a malformed SHA is skipped
    assert targets("push", pull) == []


def test_pending_is_posted_with_the_branch_in_the_context(github_double: FakeGitHub,
                                                          tmp_path: Path) -> None:
    github_double.add_repo(REPO)
    github_double.add_pull(REPO, 7, title="t", body="", head_sha=HEAD, base_sha=BASE)
    environ = runner_environ(github_double, tmp_path, REPO, 7, event="pull_request_target",
                             GATEKEEPER_HARDENED="true")
    assert _script().main(environ) == 0
    [status] = github_double.statuses(REPO, HEAD)
    assert (status["context"], status["state"]) == ("gatekeeper/contract (main)", "pending")
    # The simple set-up posts nothing.
    assert _script().main({**environ, "GATEKEEPER_HARDENED": ""}) == 0
    assert len(github_double.statuses(REPO, HEAD)) == 1
    github_double.assert_no_violations()


def test_the_simple_set_up_loads_nothing_it_does_not_need(tmp_path: Path) -> None:
    # Run as action.yml runs it: bytecode only from a fresh prefix, so every module it
    # loads is compiled from source. With nothing to post it loads no HTTP client.
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-S", "-P", "-B", "-X", f"pycache_prefix={tmp_path / 'pyc'}",
         "-X", "importtime", str(SCRIPT)],
        env={"PATH": "/usr/bin:/bin", "GATEKEEPER_STATUS_CONTEXT": "",
             "GATEKEEPER_HARDENED": "false"},
        capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = {line.split("|")[-1].strip() for line in done.stderr.splitlines()
              if line.startswith("import time:")}
    assert not loaded & {"json", "urllib.request", "http.client", "ssl", "gatekeeper"}


def test_nothing_is_posted_early_for_a_pull_request_from_a_fork(github_double: FakeGitHub,
                                                                 tmp_path: Path) -> None:
    """A fork's pull request may sit on an insider's commit (its public head): whether this
    run may post there at all is the evaluation's to decide (GK909), so no early pending."""
    targets = _script().targets
    fork = {"pull_request": {"head": {"sha": HEAD, "repo": {"full_name": "mallory/widgets"}},
                             "base": {"ref": "main", "repo": {"full_name": REPO}}}}
    assert targets("pull_request_target", fork) == []
    no_repo = {"pull_request": {"head": {"sha": HEAD, "repo": None},
                                "base": {"ref": "main", "repo": {"full_name": REPO}}}}
    assert targets("pull_request_target", no_repo) == []  # a deleted fork: unknown
    github_double.add_repo(REPO)
    github_double.add_repo("mallory/widgets", owner_type="User")
    github_double.add_pull(REPO, 8, title="copy", body="", author="mallory", head_sha=HEAD,
                           base_sha=BASE, head_repo="mallory/widgets")
    environ = runner_environ(github_double, tmp_path, REPO, 8, event="pull_request_target",
                             GATEKEEPER_HARDENED="true")
    assert _script().main(environ) == 0
    assert github_double.statuses(REPO, HEAD) == []
