"""A local run gives the decision CI gives: the same pull request through `gatekeeper
validate` in a clone and through the action against the GitHub test double yields the same
record (decision, classes, contract, paths, reasons). The policy is `.github/gatekeeper.yaml`
on both sides; the clone's git configuration is hostile (diff.relative in a sub-folder, no
rename detection); the escalation approval requirement is off, since only GitHub can show
an approval."""

from __future__ import annotations

import io
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.commands.action import ActionOptions
from gatekeeper.commands.action import run as run_action
from gatekeeper.local.git import changed_paths
from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, FileSpec, github_double

__all__ = ["github_double"]

Cli = Callable[..., subprocess.CompletedProcess[str]]
REPO = "acme/widgets"
NOW = "2026-11-21T00:00:00Z"
POLICY = """\
version: 1
classes:
  RED:
    paths: [auth/, "*.pem"]
  AMBER:
    paths: [docs/]
authority:
  require_escalation_approval: false
"""
# What the record says about the pull request itself (not when or by which policy file).
COMPARED = ("decision", "kind", "computed_class", "declared_class", "effective_class",
            "contract", "caveats", "red_paths", "amber_paths", "reasons", "exemptions")


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    root = tmp_path / "clone"
    (root / "src" / "util").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / ".github").mkdir()
    _git(root, "init", "-q", "-b", "main")
    (root / ".github" / "gatekeeper.yaml").write_text(POLICY, encoding="utf-8")
    (root / "src" / "util" / "session.py").write_text(
        "".join(f"def s{n}():\n    return {n}\n" for n in range(30)), encoding="utf-8")
    (root / "docs" / "guide.md").write_text("guide\n", encoding="utf-8")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "base")
    _git(root, "checkout", "-q", "-b", "feature")
    (root / "src" / "auth").mkdir()
    _git(root, "mv", "src/util/session.py", "src/auth/session.py")
    (root / "docs" / "guide.md").write_text("guide, again\n", encoding="utf-8")
    (root / "site.pem").write_text("not a key\n", encoding="utf-8")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "move the session code")
    _git(root, "config", "diff.relative", "true")
    _git(root, "config", "diff.renames", "false")
    return root


def _files_of(clone: Path) -> list[FileSpec]:
    """The pull request's files as GitHub lists them, from the clone's own diff."""
    specs: list[FileSpec] = []
    for change in changed_paths("main...feature", cwd=clone):
        if change.old_path is not None:
            specs.append(("renamed", change.old_path, change.path))
        else:
            specs.append(("modified", change.path) if change.path != "site.pem"
                         else ("added", change.path))
    return specs


def _action_record(fake: FakeGitHub, body: str, clone: Path, tmp_path: Path) -> dict[str, Any]:
    base, head = _git(clone, "rev-parse", "main").strip(), _git(
        clone, "rev-parse", "feature").strip()
    fake.add_repo(REPO)
    fake.add_pull(REPO, 7, title="t", body=body, author="bob", head_sha=head, base_sha=base,
                  files=_files_of(clone))
    fake.set_file(REPO, ".github/gatekeeper.yaml", base, POLICY)
    event = tmp_path / "event.json"
    event.write_text(json.dumps(fake.webhook_payload("pull_request", "opened", REPO, 7)),
                     encoding="utf-8")
    output = tmp_path / "output"
    environ = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
               "GITHUB_API_URL": fake.base_url, "GITHUB_TOKEN": DEFAULT_TOKEN,
               "GITHUB_REPOSITORY": REPO, "RUNNER_TEMP": str(tmp_path / "runner"),
               "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary")}
    run_action(ActionOptions(environ, NOW), io.StringIO())
    # decision-file<<DELIMITER / the path / DELIMITER
    decision_file = output.read_text(encoding="utf-8").split("decision-file<<")[1].split(
        "\n")[1]
    record: dict[str, Any] = json.loads(Path(decision_file).read_text(encoding="utf-8"))
    return record


CASES = {
    "under-declared": complete_body("GREEN"),
    "red-complete": complete_body("RED"),
    "red-without-rollback": complete_body("RED", rollback_plan="TBD"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_and_the_action_give_the_same_record(
    case: str, gatekeeper_cli: Cli, clone: Path, tmp_path: Path, github_double: FakeGitHub,
    valid_record: Callable[[dict[str, Any]], None],
) -> None:
    body = CASES[case]
    body_file = tmp_path / "body.md"
    body_file.write_text(body, encoding="utf-8")
    local = gatekeeper_cli("validate", body_file, "--diff", "main...feature", "--format",
                           "json", cwd=clone / "docs")
    assert local.returncode in (0, 1), local.stderr
    local_record = json.loads(local.stdout)
    ci_record = _action_record(github_double, body, clone, tmp_path)
    valid_record(local_record)
    valid_record(ci_record)
    assert {k: local_record[k] for k in COMPARED} == {k: ci_record[k] for k in COMPARED}
    assert local_record["policy"]["source"].endswith(".github/gatekeeper.yaml")
    assert ci_record["policy"]["source"] == f"{REPO}:.github/gatekeeper.yaml"
    # Both judged the rename under its old and new path, and the added key.
    assert [p["path"] for p in ci_record["red_paths"]] == ["site.pem", "src/auth/session.py"]
    assert ci_record["amber_paths"] == [{"path": "docs/guide.md", "pattern": "docs/"}]
    expected = {"under-declared": ("block", ["GK202", "GK202", "GK202", "GK201"]),
                "red-complete": ("pass", []),
                "red-without-rollback": ("block", ["GK202"])}[case]
    assert (ci_record["decision"], [r["code"] for r in ci_record["reasons"]]) == expected
