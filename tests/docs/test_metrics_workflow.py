"""The weekly metrics workflow: valid, least privilege, no expressions inside scripts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.fixtures import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / \
    "gatekeeper-metrics.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_actionlint_passes() -> None:
    binary = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.skip("actionlint is not installed")
    result = subprocess.run([binary, str(WORKFLOW)], capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_weekly_and_on_demand(workflow: dict[Any, Any]) -> None:
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as a boolean
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", triggers["schedule"][0]["cron"])


def test_least_privilege(workflow: dict[Any, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_no_expression_inside_a_script(workflow: dict[Any, Any]) -> None:
    scripts = [step["run"] for step in steps(workflow) if "run" in step]
    assert scripts and not any("${{" in script for script in scripts)


def test_installs_from_the_repository_and_exports_three_formats(
        workflow: dict[Any, Any]) -> None:
    uses = [step.get("uses", "") for step in steps(workflow)]
    assert re.fullmatch(r"actions/checkout@[0-9a-f]{40}", uses[0])
    assert any(re.fullmatch(r"actions/upload-artifact@[0-9a-f]{40}", u) for u in uses)
    scripts = "\n".join(step.get("run", "") for step in steps(workflow))
    assert "pip install" in scripts and "--require-hashes" in scripts
    assert "-r requirements.lock" in scripts
    assert workflow["jobs"]["metrics"]["env"]["PYTHONPATH"] == "${{ github.workspace }}"
    assert "for format in csv json markdown" in scripts
    assert '>> "$GITHUB_STEP_SUMMARY"' in scripts
    checkout = steps(workflow)[0]
    assert checkout["with"]["persist-credentials"] is False
