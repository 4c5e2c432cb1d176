"""`gatekeeper init --org ORG` writes the policy repository; `gatekeeper init --org-policy
OWNER/REPO` writes a repository's tightening stub and template, in real processes.

The required workflow names the central policy by the commit that holds it, so it is
written on the run after the central policy and action.yml are committed (or with
--policy-sha). Every workflow written is pinned by full SHA, runs no `${{ }}` in a script,
and is clean under actionlint and zizmor.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from gatekeeper.commands.init import policy_text
from gatekeeper.commands.init.workflows import default_pin
from gatekeeper.constants import METRICS_WORKFLOW_PATH, POLICY_PATH, TEMPLATE_PATH, WORKFLOW_PATH

Cli = Callable[..., subprocess.CompletedProcess[str]]
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
PINNED_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s+\S+@[0-9a-f]{40}\s+#\s*\S")
FIRST = ("gatekeeper.yml", "action.yml", METRICS_WORKFLOW_PATH, "README.md")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "policy"
    path.mkdir()
    _git(path, "init", "-q")
    return path


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.name=Admin",
                           "-c", "user.email=admin@example.com", *args],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _commit(repo: Path, message: str) -> str:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


def _written_set_up(repo: Path, gatekeeper_cli: Cli) -> str:
    assert gatekeeper_cli("init", "--org", "acme", cwd=repo).returncode == 0
    sha = _commit(repo, "Central policy")
    result = gatekeeper_cli("init", "--org", "acme", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return sha


def _load(path: Path) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def _steps(document: dict[Any, Any]) -> list[dict[str, Any]]:
    if "runs" in document:
        return list(document["runs"].get("steps", []))
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def test_first_run_writes_all_but_the_required_workflow_and_says_how(
        repo: Path, gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("init", "--org", "acme", cwd=repo)

    assert result.returncode == 0, result.stdout + result.stderr
    for path in FIRST:
        assert re.search(rf"created\s+{re.escape(path)}", result.stdout), result.stdout
    assert not (repo / WORKFLOW_PATH).exists()
    assert "commit the files above, then run" in result.stdout
    assert "gatekeeper doctor --org acme --org-policy acme/gatekeeper-policy" in result.stdout


def test_the_next_run_pins_the_required_workflow_at_the_central_policys_commit(
        repo: Path, gatekeeper_cli: Cli) -> None:
    sha = _written_set_up(repo, gatekeeper_cli)

    workflow = _load(repo / WORKFLOW_PATH)
    job = workflow["jobs"]["gatekeeper"]
    assert job["if"] == "github.repository != 'acme/gatekeeper-policy'"
    policy, gate = job["steps"]
    assert policy == {"id": "policy", "uses": f"acme/gatekeeper-policy@{sha}"}
    assert gate["uses"] == default_pin().ref
    assert gate["with"] == {"org-policy": f"acme/gatekeeper-policy:gatekeeper.yml@{sha}",
                            "org-policy-root": "${{ steps.policy.outputs.root }}"}
    # Committing the workflow does not move the pin: the next run changes nothing.
    _commit(repo, "Required workflow")
    again = gatekeeper_cli("init", "--org", "acme", cwd=repo)
    assert again.returncode == 0 and again.stdout.count("unchanged") == 5, again.stdout


def test_policy_sha_pins_without_a_commit(repo: Path, gatekeeper_cli: Cli) -> None:
    sha = "a" * 40
    result = gatekeeper_cli("init", "--org", "acme", "--policy-repo", "policies",
                            "--policy-sha", sha, cwd=repo)

    assert result.returncode == 0, result.stdout + result.stderr
    text = (repo / WORKFLOW_PATH).read_text(encoding="utf-8")
    assert f"uses: acme/policies@{sha}  # " in text
    assert f"org-policy: acme/policies:gatekeeper.yml@{sha}" in text


def test_the_central_policy_is_the_embedded_default(repo: Path, gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", "--org", "acme", cwd=repo)
    check = gatekeeper_cli("policy", "check", "gatekeeper.yml", cwd=repo)
    assert check.returncode == 0, check.stdout + check.stderr
    assert (repo / "gatekeeper.yml").read_text(encoding="utf-8") == policy_text()


def test_the_action_outputs_its_own_folder(repo: Path, gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", "--org", "acme", cwd=repo)
    action = _load(repo / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert action["outputs"]["root"]["value"] == "${{ steps.root.outputs.root }}"
    (step,) = action["runs"]["steps"]
    assert step["run"] == 'echo "root=$GITHUB_ACTION_PATH" >> "$GITHUB_OUTPUT"'


def test_metrics_fan_out_as_a_matrix_and_merge_in_a_final_job(repo: Path,
                                                             gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", "--org", "acme", cwd=repo)
    workflow = _load(repo / METRICS_WORKFLOW_PATH)
    shard, merge = workflow["jobs"]["shard"], workflow["jobs"]["merge"]
    shards = shard["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(workflow["env"]["SHARDS"]) + 1))
    assert workflow["env"]["ORG"] == "acme"
    export = next(s["run"] for s in shard["steps"] if s.get("name") == "Export this shard")
    assert 'metrics --org "$ORG" --shard "$SHARD/$SHARDS"' in export
    assert merge["needs"] == "shard"
    joined = next(s["run"] for s in merge["steps"] if s.get("name") == "Join the shards")
    assert "gatekeeper metrics merge shards/shard-*.json" in joined
    assert workflow["permissions"] == {"contents": "read"}


def test_the_readme_gives_the_ruleset_step_by_step_and_ends_with_doctor(
        repo: Path, gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", "--org", "acme", cwd=repo)
    text = (repo / "README.md").read_text(encoding="utf-8")
    for step in ("Accessible from repositories in the", "Require workflows to pass before "
                 "merging", "Dismiss stale pull request", "GATEKEEPER_METRICS_TOKEN",
                 "path `.github/workflows/gatekeeper.yml`"):
        assert step in text.replace("\n   ", " ").replace("\n      ", " "), step
    assert text.rstrip().splitlines()[-1].strip().startswith("It ends with")
    assert "gatekeeper doctor --org acme --org-policy acme/gatekeeper-policy" in text


def test_a_changed_file_holds_back_the_whole_policy_repository(repo: Path,
                                                              gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", "--org", "acme", cwd=repo)
    (repo / "README.md").write_text("ours\n", encoding="utf-8")
    (repo / "action.yml").unlink()

    result = gatekeeper_cli("init", "--org", "acme", cwd=repo)
    assert result.returncode == 1, result.stdout
    assert re.search(r"exists, differs\s+README\.md", result.stdout)
    assert "the policy repository is written whole or not at all" in result.stdout
    assert not (repo / "action.yml").exists()

    forced = gatekeeper_cli("init", "--org", "acme", "--force", cwd=repo)
    assert forced.returncode == 0 and (repo / "action.yml").exists()
    assert (repo / "README.md").read_text(encoding="utf-8") != "ours\n"


def test_every_workflow_written_is_pinned_and_lint_clean(repo: Path,
                                                        gatekeeper_cli: Cli) -> None:
    _written_set_up(repo, gatekeeper_cli)
    files = [repo / WORKFLOW_PATH, repo / METRICS_WORKFLOW_PATH, repo / "action.yml"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for step in _steps(yaml.safe_load(text)):
            assert "${{" not in step.get("run", ""), (path, step)
            if "uses" in step:
                assert SHA_PIN.match(step["uses"]), (path, step["uses"])
        for line in text.splitlines():
            if re.match(r"^\s*(?:-\s+)?uses:", line):
                assert PINNED_LINE.match(line), f"{path}: no tag comment on {line.strip()}"
    actionlint, zizmor = _bin("actionlint"), _bin("zizmor")
    if actionlint is None or zizmor is None:
        pytest.skip("actionlint or zizmor is not installed (test extra)")
    linted = subprocess.run([actionlint, "-no-color", *map(str, files[:2])],
                            capture_output=True, text=True, check=False)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    audited = subprocess.run([zizmor, "--offline", "--no-progress", "--format", "plain",
                              *map(str, files)], capture_output=True, text=True, check=False)
    assert audited.returncode == 0, audited.stdout + audited.stderr


def _bin(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


# --- A repository under the central policy --------------------------------------------------


def test_a_repository_under_the_central_policy_gets_a_stub_and_the_template(
        tmp_path: Path, repo: Path, gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", "--org", "acme", cwd=repo)
    member = tmp_path / "service"
    member.mkdir()
    _git(member, "init", "-q")

    result = gatekeeper_cli("init", "--org-policy", "acme/gatekeeper-policy", cwd=member)

    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.relative_to(member).as_posix() for p in member.rglob("*")
                  if p.is_file() and ".git" not in p.parts) == sorted([POLICY_PATH,
                                                                       TEMPLATE_PATH])
    stub = (member / POLICY_PATH).read_text(encoding="utf-8")
    assert [line for line in stub.splitlines() if line and not line.startswith("#")] == [
        "version: 1"]
    checked = gatekeeper_cli("policy", "check", "--org-policy", str(repo / "gatekeeper.yml"),
                             POLICY_PATH, cwd=member)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    again = gatekeeper_cli("init", "--org-policy", "acme/gatekeeper-policy", cwd=member)
    assert again.returncode == 0 and again.stdout.count("unchanged") == 2, again.stdout


def test_an_existing_policy_is_not_replaced_by_the_stub(repo: Path, gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", cwd=repo)
    before = (repo / POLICY_PATH).read_text(encoding="utf-8")

    result = gatekeeper_cli("init", "--org-policy", "acme/gatekeeper-policy", cwd=repo)

    assert result.returncode == 1, result.stdout
    assert re.search(rf"exists, differs\s+{re.escape(POLICY_PATH)}", result.stdout)
    assert (repo / POLICY_PATH).read_text(encoding="utf-8") == before


@pytest.mark.parametrize("args", [
    ("--org", "acme", "--hardened"),
    ("--org", "acme", "--org-policy", "acme/gatekeeper-policy"),
    ("--org-policy", "acme/gatekeeper-policy", "--metrics"),
    ("--policy-sha", "a" * 40),
    ("--org", "not an org"),
    ("--org", "acme", "--policy-sha", "abc"),
    ("--org", "acme", "--policy-repo", "other/gatekeeper-policy"),
    ("--org-policy", "not a reference"),
])
def test_bad_usage_exits_2_and_writes_nothing(repo: Path, gatekeeper_cli: Cli,
                                              args: tuple[str, ...]) -> None:
    result = gatekeeper_cli("init", *args, cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert [p for p in repo.iterdir() if p.name != ".git"] == []
