"""A key written twice in a policy is an error naming both lines, wherever the policy is
read: validate, policy check, explain, and the action (GK901)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper import resources
from gatekeeper.core.policy.load import parse_policy
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge.github import GitHubForge
from gatekeeper.live.evaluation import evaluate_live
from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

TWICE = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n  AMBER:\n    paths: [docs/]\n"
         "  RED:\n    paths: [infra/]\n")


def test_parsing_a_policy_with_a_duplicate_key_names_both_lines() -> None:
    with pytest.raises(GatekeeperError) as caught:
        parse_policy(TWICE, file="p.yml", schema=resources.schema("policy"))
    assert "duplicate key 'RED' on lines 3 and 7" in str(caught.value)


def test_a_duplicate_key_deep_inside_is_found_too() -> None:
    text = "version: 1\nprovenance:\n  ai_tools: [a]\n  agent_branch_prefixes: [x/]\n" \
           "  ai_tools: [b]\n"
    with pytest.raises(GatekeeperError, match="duplicate key 'ai_tools' on lines 3 and 5"):
        parse_policy(text, file="p.yml", schema=resources.schema("policy"))


@pytest.mark.parametrize("command", [
    ["policy", "check", "{policy}"],
    ["validate", "--policy", "{policy}", "{body}", "src/auth/login.py"],
    ["explain", "src/auth/login.py", "--policy", "{policy}"],
])
def test_the_cli_refuses_it_with_exit_2(tmp_path: Path, command: list[str]) -> None:
    policy = tmp_path / "gatekeeper.yml"
    policy.write_text(TWICE, encoding="utf-8")
    (tmp_path / "body.md").write_text(complete_body(), encoding="utf-8")
    args = [a.replace("{policy}", str(policy)).replace("{body}", str(tmp_path / "body.md"))
            for a in command]
    result = subprocess.run([sys.executable, "-m", "gatekeeper", *args], capture_output=True,
                            text=True, cwd=tmp_path, check=False)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "duplicate key 'RED' on lines 3 and 7" in result.stdout + result.stderr


def test_the_action_blocks_with_gk901(github_double: FakeGitHub) -> None:
    github_double.add_repo("acme/widgets")
    github_double.add_pull("acme/widgets", 7, title="t", body=complete_body(), head_sha="c" * 40,
                           base_sha="b" * 40, files=["src/auth/login.py"])
    github_double.set_file("acme/widgets", ".github/gatekeeper.yml", "b" * 40, TWICE)
    client = GitHubForge(DEFAULT_TOKEN, github_double.base_url, retries=1, backoff=0.01)
    decision = evaluate_live(client, "acme/widgets", 7, policy_path=".github/gatekeeper.yml",
                             evaluated_at="2026-11-21T00:00:00Z").decision
    assert [r.code for r in decision.reasons] == ["GK901"]
    assert "duplicate key 'RED' on lines 3 and 7" in decision.reasons[0].message


@pytest.mark.parametrize("target", ["{tmp}", "{tmp}/out/", ""])
def test_a_decision_file_that_is_a_folder_is_exit_2(tmp_path: Path, target: str) -> None:
    (tmp_path / "body.md").write_text(complete_body(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "gatekeeper", "validate", "--default-policy", "--decision-file",
         target.replace("{tmp}", str(tmp_path)), str(tmp_path / "body.md"), "docs/a.md"],
        capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
