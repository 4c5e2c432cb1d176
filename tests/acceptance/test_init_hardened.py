"""`gatekeeper init --hardened` and `--metrics`: the hardened set-up and the weekly export as
files, in real processes.

The hardened set-up closes what the simple one leaves open: the verdict comes from the base
branch's workflow (pull_request_target), reviews re-evaluate without running a pull
request's workflow with a write token (an unprivileged trigger, then workflow_run from the
default branch), and the merge queue has a trigger whose runs never cancel each other.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import gatekeeper
from gatekeeper.commands.init.workflows import HARDENED, METRICS, SIMPLE, default_pin, render
from gatekeeper.constants import (
    GATEKEEPER_REPOSITORY,
    HARDENED_STATUS_CONTEXT_FORMAT,
    METRICS_WORKFLOW_PATH,
    POLICY_PATH,
    PULL_REQUEST_TYPES,
    REVIEW_TRIGGER_WORKFLOW_PATH,
    REVIEW_TYPES,
    REVIEW_WORKFLOW_PATH,
    TEMPLATE_PATH,
    WORKFLOW_PATH,
)

Cli = Callable[..., subprocess.CompletedProcess[str]]
PIN = default_pin()
DEFAULT_ACTION_REF = PIN.ref
ACTION_COMMIT = gatekeeper.BUILD.commit
HARDENED_PATHS = (WORKFLOW_PATH, REVIEW_TRIGGER_WORKFLOW_PATH, REVIEW_WORKFLOW_PATH)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def _load(root: Path, path: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((root / path).read_text(encoding="utf-8"))
    return loaded


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_hardened_writes_the_three_workflows_and_no_simple_one(repo: Path,
                                                               gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("init", "--hardened", cwd=repo)

    assert result.returncode == 0, result.stdout + result.stderr
    for path in (POLICY_PATH, TEMPLATE_PATH, *HARDENED_PATHS):
        assert re.search(rf"created\s+{re.escape(path)}", result.stdout), result.stdout
    for template in HARDENED:
        assert (repo / template.path).read_text(encoding="utf-8") == render(template, PIN)
    assert (repo / WORKFLOW_PATH).read_text(encoding="utf-8") != render(SIMPLE, PIN)
    branch = _git(repo, "symbolic-ref", "--short", "HEAD")
    assert f'commit status "gatekeeper/contract ({branch})"' in result.stdout
    assert "takes effect once it is on the default branch" in result.stdout
    assert not (repo / METRICS_WORKFLOW_PATH).exists()

    again = gatekeeper_cli("init", "--hardened", cwd=repo)
    assert again.returncode == 0 and "Nothing changed" in again.stdout


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_hardened_over_the_simple_workflow_writes_nothing_until_forced(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    gatekeeper_cli("init", cwd=repo)

    refused = gatekeeper_cli("init", "--hardened", cwd=repo)
    assert refused.returncode == 1
    assert re.search(rf"exists, differs\s+{re.escape(WORKFLOW_PATH)}", refused.stdout)
    # all or nothing: neither of the other two hardened workflows is written
    for path in (REVIEW_TRIGGER_WORKFLOW_PATH, REVIEW_WORKFLOW_PATH):
        assert re.search(rf"not written\s+{re.escape(path)}\s+not written: the hardened "
                         "set-up is written whole or not at all", refused.stdout)
        assert not (repo / path).exists()
    assert (repo / WORKFLOW_PATH).read_text(encoding="utf-8") == render(SIMPLE, PIN)
    # and the next steps say how to switch, and what to require
    assert "`gatekeeper init --hardened --force`" in refused.stdout
    branch = _git(repo, "symbolic-ref", "--short", "HEAD")
    assert f'require the commit status "gatekeeper/contract ({branch})"' in refused.stdout

    forced = gatekeeper_cli("init", "--hardened", "--force", cwd=repo)
    assert forced.returncode == 0, forced.stdout
    assert (repo / WORKFLOW_PATH).read_text(encoding="utf-8") == render(HARDENED[0], PIN)
    for path in (REVIEW_TRIGGER_WORKFLOW_PATH, REVIEW_WORKFLOW_PATH):
        assert (repo / path).is_file()


def test_hardened_next_steps_name_the_default_branch_of_origin(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    _git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")

    result = gatekeeper_cli("init", "--hardened", cwd=repo)

    assert 'require the commit status "gatekeeper/contract (trunk)"' in result.stdout
    assert "requests on trunk (the default branch)" in result.stdout
    again = gatekeeper_cli("init", "--hardened", cwd=repo)
    assert "Nothing changed" in again.stdout
    assert 'require the commit status "gatekeeper/contract (trunk)"' in again.stdout


def test_the_verdict_runs_from_the_base_branch_and_never_checks_out_the_pull_request(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    gatekeeper_cli("init", "--hardened", cwd=repo)
    workflow = _load(repo, WORKFLOW_PATH)

    assert workflow[True] == {"pull_request_target": {"types": list(PULL_REQUEST_TYPES)},
                              "merge_group": {"types": ["checks_requested"]}}
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "read",
                                       "issues": "write", "statuses": "write"}
    assert _steps(workflow) == [{"uses": DEFAULT_ACTION_REF,
                                 "with": {"status-context": HARDENED_STATUS_CONTEXT_FORMAT}}]


def test_merge_queue_runs_never_share_a_concurrency_group(repo: Path,
                                                          gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", "--hardened", cwd=repo)
    concurrency = _load(repo, WORKFLOW_PATH)["concurrency"]

    # Keyed by event and by the pull request number or the merge group's own commit: two
    # queue entries never land in one group (a group keeps one pending run and cancels the
    # rest, cancel-in-progress or not), and a queue run never cancels a pull request's.
    group = concurrency["group"]
    assert "github.event_name" in group
    assert "github.event.pull_request.number" in group
    assert "github.event.merge_group.head_sha" in group
    assert "head_ref" not in group
    assert concurrency["cancel-in-progress"] == (
        "${{ github.event_name == 'pull_request_target' }}")


def test_the_review_trigger_has_no_permissions_and_hands_over_nothing(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    gatekeeper_cli("init", "--hardened", cwd=repo)
    text = (repo / REVIEW_TRIGGER_WORKFLOW_PATH).read_text(encoding="utf-8")
    trigger = yaml.safe_load(text)

    assert trigger[True] == {"pull_request_review": {"types": list(REVIEW_TYPES)}}
    assert trigger["permissions"] == {}
    assert all("permissions" not in job for job in trigger["jobs"].values())
    # It runs no action at all: nothing to upload, nothing of Gatekeeper's, no secret.
    assert all("uses" not in step for step in _steps(trigger))
    assert "secrets." not in text and "upload-artifact" not in text


def test_the_review_verdict_is_workflow_run_of_the_trigger_from_the_default_branch(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    gatekeeper_cli("init", "--hardened", cwd=repo)
    verdict = _load(repo, REVIEW_WORKFLOW_PATH)
    trigger = _load(repo, REVIEW_TRIGGER_WORKFLOW_PATH)

    assert verdict[True] == {"workflow_run": {"workflows": [trigger["name"]],
                                              "types": ["completed"]}}
    assert verdict["permissions"] == {"contents": "read", "pull-requests": "read",
                                      "issues": "write", "statuses": "write"}
    [job] = verdict["jobs"].values()
    assert job["if"] == "github.event.workflow_run.event == 'pull_request_review'"
    # The same status as the pull_request_target run, and nothing taken from the trigger.
    assert job["steps"] == [{"uses": DEFAULT_ACTION_REF,
                             "with": {"status-context": HARDENED_STATUS_CONTEXT_FORMAT}}]
    text = (repo / REVIEW_WORKFLOW_PATH).read_text(encoding="utf-8")
    assert "download-artifact" not in text and "actions/checkout" not in text


def test_a_local_action_ref_checks_out_the_base_never_the_head(repo: Path,
                                                               gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("init", "--hardened", "--action-ref", "./", cwd=repo)

    assert result.returncode == 0, result.stdout
    for path in (WORKFLOW_PATH, REVIEW_WORKFLOW_PATH):
        steps = _steps(_load(repo, path))
        assert steps[0]["uses"].startswith("actions/checkout@")
        assert steps[0]["with"] == {
            "ref": "${{ github.event.merge_group.base_sha || github.sha }}",
            "persist-credentials": False,
        }
        assert steps[1] == {"uses": "./",
                            "with": {"status-context": HARDENED_STATUS_CONTEXT_FORMAT}}


def test_metrics_writes_the_weekly_workflow_on_the_released_gatekeeper(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    result = gatekeeper_cli("init", "--metrics", cwd=repo)

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"created\s+{re.escape(METRICS_WORKFLOW_PATH)}", result.stdout)
    assert (repo / METRICS_WORKFLOW_PATH).read_text(encoding="utf-8") == render(METRICS, PIN)
    workflow = _load(repo, METRICS_WORKFLOW_PATH)
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())
    checkout = _steps(workflow)[0]
    assert checkout["with"]["repository"] == GATEKEEPER_REPOSITORY
    assert checkout["with"]["ref"] == ACTION_COMMIT
    assert checkout["with"]["persist-credentials"] is False
    scripts = "\n".join(step.get("run", "") for step in _steps(workflow))
    assert "--require-hashes" in scripts and "--no-deps" in scripts
    assert "-r .gatekeeper-release/requirements.lock" in scripts
    assert "python -S -P -m gatekeeper metrics" in scripts
    assert "${{" not in scripts


def test_metrics_follows_the_action_ref_and_refuses_a_local_one(repo: Path,
                                                                gatekeeper_cli: Cli) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    result = gatekeeper_cli("init", "--metrics", "--action-ref", f"acme/gatekeeper@{sha}",
                            cwd=repo)
    assert result.returncode == 0
    checkout = _steps(_load(repo, METRICS_WORKFLOW_PATH))[0]
    assert (checkout["with"]["repository"], checkout["with"]["ref"]) == ("acme/gatekeeper", sha)

    local = gatekeeper_cli("init", "--metrics", "--action-ref", "./", cwd=repo / "..")
    assert local.returncode == 2
    assert "--metrics installs a released Gatekeeper" in local.stderr
