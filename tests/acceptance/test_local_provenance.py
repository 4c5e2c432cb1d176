"""`validate --diff` reads the change origin's evidence from `git log`, as CI reads it from
GitHub: a local answer that matches CI's, and a plain PASS only when nothing is left."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.bodies import complete_body

Cli = Callable[..., subprocess.CompletedProcess[str]]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def _repo(tmp_path: Path, message: str, *, branch: str = "feature",
          author: str = "Alice <alice@example.com>") -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "Alice")
    _git(repo, "config", "user.email", "alice@example.com")
    (repo / "README.md").write_text("x\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "start")
    _git(repo, "checkout", "-q", "-b", branch)
    (repo / "app.py").write_text("print(1)\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", f"--author={author}", "-m", message)
    return repo


def _validate(cli: Cli, repo: Path, body: str) -> subprocess.CompletedProcess[str]:
    (repo / "body.md").write_text(body, encoding="utf-8")
    return cli("validate", "body.md", "--diff", "main...HEAD", cwd=repo)


def test_clean_commits_by_a_person_give_a_plain_pass(tmp_path: Path, gatekeeper_cli: Cli) -> None:
    repo = _repo(tmp_path, "Add app")
    result = _validate(gatekeeper_cli, repo, complete_body())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("PASS  class GREEN (declared GREEN)")


@pytest.mark.parametrize("trailer", ["Co-authored-by: Claude <noreply@anthropic.com>",
                                     "Co-authored-by: Cursor <cursoragent@cursor.com>"])
def test_an_ai_co_author_trailer_declared_human_blocks(trailer: str, tmp_path: Path,
                                                       gatekeeper_cli: Cli) -> None:
    repo = _repo(tmp_path, f"Add app\n\n{trailer}")
    blocked = _validate(gatekeeper_cli, repo, complete_body())
    assert blocked.returncode == 1
    assert "GK204 declared change origin human but commit" in blocked.stdout
    assert trailer.split("<")[0].strip() in blocked.stdout
    honest = _validate(gatekeeper_cli, repo, complete_body(change_origin="ai-assisted"))
    assert honest.returncode == 0, honest.stdout
    assert honest.stdout.startswith("PASS  ")


def test_an_agent_branch_and_an_agent_author_make_it_an_agents_change(
    tmp_path: Path, gatekeeper_cli: Cli,
) -> None:
    repo = _repo(tmp_path, "Add app", branch="copilot/fix-1",
                 author="Copilot <198982749+Copilot@users.noreply.github.com>")
    blocked = _validate(gatekeeper_cli, repo, complete_body(change_origin="ai-assisted"))
    assert blocked.returncode == 1 and "GK204" in blocked.stdout
    assert "the change is at least agent" in blocked.stdout
    # As an agent's change it needs a human owner with write access: GitHub's to show.
    agent = _validate(gatekeeper_cli, repo, complete_body(change_origin="agent"))
    assert agent.returncode == 0
    assert agent.stdout.startswith("PASS pending  ")
    assert "  pending: @bob's write permission on GitHub" in agent.stdout.splitlines()
