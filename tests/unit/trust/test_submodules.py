"""A submodule (gitlink) is classified as the folder it is, from GitHub's file list and from
``git diff`` alike: a bump of ``src/auth`` matches ``auth/``, and the decision says the
path is a submodule. ``.gitmodules`` is RED in the embedded default."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper import resources
from gatekeeper.core.model import ChangedPath, RiskClass
from gatekeeper.core.policy.classify import classify
from gatekeeper.core.policy.load import Policy
from gatekeeper.core.schemas import validation_errors
from gatekeeper.forge.github import GitHubForge
from gatekeeper.forge.github.pulls import is_submodule_patch
from gatekeeper.live.evaluation import evaluate_live
from gatekeeper.local.git import changed_paths
from tests.support.bodies import complete_body
from tests.support.fixtures import load_policy_text
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

SHA_A, SHA_B = "a" * 40, "b" * 40


@pytest.mark.parametrize("path", ["src/auth", "vendor/auth", "infra/terraform",
                                  "db/migrations"])
def test_a_submodule_at_a_red_folder_is_red(path: str, default_policy: Policy) -> None:
    result = classify([ChangedPath(path, submodule=True)], default_policy)
    assert result.computed_class is RiskClass.RED
    assert result.matches[0].submodule and result.matches[0].shown == f"{path} (submodule)"


def test_the_same_path_as_a_file_is_not_a_folder(default_policy: Policy) -> None:
    # What the hole was: a file named src/auth does not match the folder pattern auth/.
    assert classify([ChangedPath("src/auth")], default_policy).computed_class is RiskClass.GREEN


def test_a_folder_only_negation_never_lowers_a_submodule() -> None:
    policy = load_policy_text("version: 1\nclasses:\n  RED:\n    paths: ['vendor*', '!vendor/']\n")
    # As a folder, "!vendor/" re-includes it; as a file, "vendor*" holds: the higher counts.
    assert classify([ChangedPath("vendor", submodule=True)], policy).computed_class \
        is RiskClass.RED


def test_a_renamed_submodule_is_judged_as_a_folder_under_both_paths(
        default_policy: Policy) -> None:
    result = classify([ChangedPath("lib/x", old_path="src/auth", submodule=True)],
                      default_policy)
    assert [(m.path, m.submodule) for m in result.matches] == [("src/auth", True)]


def test_gitmodules_is_red_by_default(default_policy: Policy) -> None:
    result = classify([ChangedPath(".gitmodules")], default_policy)
    assert result.computed_class is RiskClass.RED


@pytest.mark.parametrize(("patch", "expected"), [
    (f"@@ -1 +1 @@\n-Subproject commit {SHA_A}\n+Subproject commit {SHA_B}", True),
    (f"@@ -0,0 +1 @@\n+Subproject commit {SHA_B}", True),
    (f"Subproject commit {SHA_B}", True),
    (f"@@ -1 +1 @@\n-Subproject commit {SHA_A}\n+Subproject commit {SHA_B}-dirty", True),
    ("@@ -1,2 +1,3 @@\n+def login():\n+    pass", False),
    (f"@@ -1 +1 @@\n+Subproject commit {SHA_B}\n+import os", False),
    ("@@ -1 +1 @@", False),
    ("", False),
    (None, False),
])
def test_a_submodule_is_known_by_its_patch(patch: str | None, expected: bool) -> None:
    assert is_submodule_patch(patch) is expected


def test_the_openapi_description_has_no_other_mark_of_a_submodule() -> None:
    # If GitHub ever marks a gitlink in the diff entry itself, read that instead.
    spec_file = Path(__file__).parents[2] / "fixtures/github/openapi/api.github.com.trimmed.json"
    entry = json.loads(spec_file.read_text(encoding="utf-8"))["components"]["schemas"][
        "diff-entry"]
    assert set(entry["properties"]) == {
        "sha", "filename", "status", "additions", "deletions", "changes", "blob_url",
        "raw_url", "contents_url", "patch", "previous_filename"}
    assert "submodule" not in json.dumps(entry["properties"]["status"]).lower()


def test_a_submodule_bump_from_githubs_list_blocks_a_green_claim(
        github_double: FakeGitHub) -> None:
    github_double.add_repo("acme/widgets")
    github_double.add_pull("acme/widgets", 7, title="t", body=complete_body("GREEN"),
                           head_sha="c" * 40, base_sha="b" * 40,
                           files=[("submodule", "src/auth"), "README.md"])
    client = GitHubForge(DEFAULT_TOKEN, github_double.base_url, retries=1, backoff=0.01)
    decision = evaluate_live(client, "acme/widgets", 7, policy_path=".github/gatekeeper.yml",
                             evaluated_at="2026-11-21T00:00:00Z").decision
    assert decision.computed_class is RiskClass.RED
    assert decision.outcome == "block"
    gk201 = next(r for r in decision.reasons if r.code == "GK201")
    assert "src/auth (submodule) (auth/)" in gk201.message
    record = decision.to_record()
    assert record["red_paths"] == [{"path": "src/auth", "pattern": "auth/", "submodule": True}]
    assert validation_errors(resources.schema("decision"), record) == []


def test_a_submodule_bump_read_with_the_actions_one_query_is_judged_as_a_folder(
        github_double: FakeGitHub) -> None:
    """GraphQL's file list has no patch: a modified path is judged as a folder too, so the
    bump the action reads in its one query still blocks, without being named a submodule."""
    github_double.add_repo("acme/widgets")
    github_double.add_pull("acme/widgets", 7, title="t", body=complete_body("GREEN"),
                           head_sha="c" * 40, base_sha="b" * 40,
                           files=[("submodule", "src/auth"), "README.md"])
    client = GitHubForge(DEFAULT_TOKEN, github_double.base_url, retries=1, backoff=0.01,
                         light=True, snapshot_reads=True,
                         policy_paths=(".github/gatekeeper.yml",))
    decision = evaluate_live(client, "acme/widgets", 7, policy_path=".github/gatekeeper.yml",
                             evaluated_at="2026-11-21T00:00:00Z").decision
    assert not any(r.path.endswith("/files") for r in github_double.requests)
    assert decision.computed_class is RiskClass.RED and decision.outcome == "block"
    assert decision.to_record()["red_paths"] == [{"path": "src/auth", "pattern": "auth/"}]


def test_a_modified_file_of_a_graphql_list_is_not_lowered_and_not_named_a_submodule(
        default_policy: Policy) -> None:
    result = classify([ChangedPath("src/auth", may_be_folder=True),
                       ChangedPath("src/app.py", may_be_folder=True)], default_policy)
    assert [(m.path, m.risk_class, m.submodule) for m in result.matches] == [
        ("src/auth", RiskClass.RED, False)]


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo),
           "GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.com",
           "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "ann@example.com"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def bumped(tmp_path: Path) -> Path:
    """main with a gitlink at src/auth; feature bumps it (no other repository needed)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("hi\n", encoding="utf-8")
    _git(repo, "add", "README.md")
    _git(repo, "update-index", "--add", "--cacheinfo", f"160000,{SHA_A},src/auth")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "checkout", "-q", "-b", "feature")
    _git(repo, "update-index", "--cacheinfo", f"160000,{SHA_B},src/auth")
    _git(repo, "commit", "-q", "-m", "bump")
    # A user who hides submodule changes in their configuration still gets them judged.
    _git(repo, "config", "diff.ignoreSubmodules", "all")
    return repo


def test_a_submodule_bump_from_git_diff_is_marked(bumped: Path) -> None:
    assert changed_paths("main...feature", cwd=bumped) == [
        ChangedPath("src/auth", submodule=True)]


def test_a_submodule_bump_from_diff_blocks_a_green_claim_locally(bumped: Path) -> None:
    (bumped / "body.md").write_text(complete_body("GREEN"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "gatekeeper", "validate", "--default-policy", "--diff",
         "main...feature", "body.md"],
        capture_output=True, text=True, cwd=bumped, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "src/auth (submodule)" in result.stdout
