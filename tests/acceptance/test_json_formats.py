"""`--format json` on explain, policy check and doctor (from the format registry): the same
facts as the text, as one JSON document."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.support.fixtures import REPO_ROOT
from tests.support.github_double import FakeGitHub, github_double
from tests.unit.commands.test_doctor import REPO, _doctor, _protected, _seed

__all__ = ["github_double"]  # the fixture, used by name

Cli = Callable[..., subprocess.CompletedProcess[str]]
POLICY = REPO_ROOT / ".github" / "gatekeeper.yml"


def test_explain_json(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    policy = tmp_path / "p.yml"
    policy.write_text("version: 1\nclasses:\n  RED:\n    paths:\n      - secrets/*\n"
                      "      - '!secrets/README.md'\n  AMBER:\n    paths: ['*.md']\n",
                      encoding="utf-8")
    result = gatekeeper_cli("explain", "--policy", str(policy), "--format", "json",
                            "secrets/key", "secrets/README.md", "main.py")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "policy": str(policy),
        "paths": [
            {"path": "secrets/key", "class": "RED",
             "decided_by": {"class": "RED", "pattern": "secrets/*", "line": 5,
                            "file": None},
             "excluded_by": []},
            {"path": "secrets/README.md", "class": "AMBER",
             "decided_by": {"class": "AMBER", "pattern": "*.md", "line": 8,
                            "file": None},
             "excluded_by": [{"class": "RED", "pattern": "!secrets/README.md", "line": 6,
                              "file": None}]},
            {"path": "main.py", "class": "GREEN", "decided_by": None, "excluded_by": []},
        ],
    }


def test_explain_json_with_the_embedded_default(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    result = gatekeeper_cli("explain", "--format", "json", "README.md", cwd=tmp_path)
    assert json.loads(result.stdout)["policy"] == "embedded-default"


def test_policy_check_json(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("version: 1\nclasses:\n  RED:\n    pathz: [a]\n", encoding="utf-8")
    missing = tmp_path / "missing.yml"

    result = gatekeeper_cli("policy", "check", "--format", "json", str(POLICY), str(broken),
                            str(missing))

    assert result.returncode == 2
    record = json.loads(result.stdout)
    assert record["valid"] is False
    good, bad, unreadable = record["files"]
    assert good == {"file": str(POLICY), "valid": True, "embedded": False, "central": None,
                    "error": None, "problems": []}
    assert bad["valid"] is False and bad["problems"][0]["line"] == 4
    assert "unknown key 'pathz'" in bad["problems"][0]["message"]
    assert unreadable["valid"] is False and str(missing) in unreadable["error"]

    fine = gatekeeper_cli("policy", "check", "--format", "json", str(POLICY))
    assert fine.returncode == 0 and json.loads(fine.stdout)["valid"] is True
    embedded = gatekeeper_cli("policy", "check", "--format", "json", cwd=tmp_path)
    assert json.loads(embedded.stdout)["files"] == [
        {"file": None, "valid": True, "embedded": True, "central": None, "error": None,
         "problems": []}]


def test_doctor_json(github_double: FakeGitHub, gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double, "--format", "json")

    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads(result.stdout)
    assert (record["repository"], record["branch"], record["ok"]) == (REPO, "main", True)
    assert [c["name"] for c in record["checks"]] == [
        "required check", "pull requests", "stale reviews", "bypass", "code owners", "policy",
        "workflow"]
    assert {c["result"] for c in record["checks"]} == {"pass"}

    failing = _doctor(gatekeeper_cli, github_double, "--format", "json", "--workflow",
                      ".github/workflows/other.yml")
    assert failing.returncode == 1
    workflow = json.loads(failing.stdout)["checks"][-1]
    assert workflow["result"] == "fail" and workflow["fix"]
