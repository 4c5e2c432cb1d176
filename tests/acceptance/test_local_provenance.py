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


def test_a_single_revision_reads_the_commits_since_it(tmp_path: Path,
                                                      gatekeeper_cli: Cli) -> None:
    # `--diff main` compares with main as `git diff main` does: the branch's own commits.
    repo = _repo(tmp_path, "Add app\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    (repo / "body.md").write_text(complete_body(), encoding="utf-8")
    result = gatekeeper_cli("validate", "body.md", "--diff", "main", cwd=repo)
    assert result.returncode == 1 and "GK204" in result.stdout


def test_a_separator_in_a_message_hides_no_trailer(tmp_path: Path, gatekeeper_cli: Cli) -> None:
    repo = _repo(tmp_path, "add \x1e\x1f x\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    result = _validate(gatekeeper_cli, repo, complete_body())
    assert result.returncode == 1 and "GK204" in result.stdout, result.stdout


def test_githubs_own_committer_reads_as_githubs_locally_too() -> None:
    from gatekeeper.core.authority.facts import Person
    from gatekeeper.core.authority.provenance import login_of

    assert login_of(Person("GitHub", "noreply@github.com")) == "web-flow"
    assert login_of(Person("x", "49699333+dependabot[bot]@users.noreply.github.com")) == (
        "dependabot[bot]")
    assert login_of(Person("Mallory", "mallory@example.com")) is None


def test_the_embedded_default_can_be_asked_for_inside_a_repository_with_a_policy(
    tmp_path: Path, gatekeeper_cli: Cli,
) -> None:
    repo = _repo(tmp_path, "Add app")
    (repo / ".github").mkdir()
    (repo / ".github" / "gatekeeper.yml").write_text(
        "version: 1\nclasses:\n  RED:\n    paths: [docs/]\n", encoding="utf-8")
    (repo / "body.md").write_text(complete_body(), encoding="utf-8")
    own = gatekeeper_cli("validate", "body.md", "docs/a.md", cwd=repo)
    assert own.returncode == 1 and "GK201" in own.stdout  # the repository's policy
    default = gatekeeper_cli("validate", "body.md", "docs/a.md", "--default-policy", cwd=repo)
    assert default.returncode == 0, default.stdout
    assert "policy embedded-default" in default.stdout.splitlines()[0]
    both = gatekeeper_cli("validate", "body.md", "docs/a.md", "--default-policy",
                          "--policy", ".github/gatekeeper.yml", cwd=repo)
    assert both.returncode == 2
    assert "give --policy FILE or --default-policy, not both" in both.stderr
