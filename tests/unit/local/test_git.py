"""git: the top level, the paths a range changed (renames with both paths), git's errors
as one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.core.model import ChangedPath
from gatekeeper.errors import GatekeeperError
from gatekeeper.local.git import changed_paths, git_top_level, run_git, top_level


def test_the_top_level_is_the_nearest_folder_with_git(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert top_level(tmp_path / "a" / "b") is None
    (tmp_path / "a" / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")  # a worktree
    assert top_level(tmp_path / "a" / "b") == tmp_path / "a"
    assert top_level(tmp_path / "a") == tmp_path / "a"


def test_git_reports_its_top_level(repo: Path) -> None:
    (repo / "src" / "deep").mkdir()
    assert git_top_level(repo / "src" / "deep").resolve() == repo.resolve()


def test_a_failing_git_is_one_line_naming_what_was_done(tmp_path: Path) -> None:
    with pytest.raises(GatekeeperError, match=r"^reading x failed: fatal: not a git "):
        run_git(["rev-parse", "HEAD"], cwd=tmp_path, what="reading x")


def test_no_git_installed_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GatekeeperError, match=r"^reading x needs git, and git is not installed$"):
        run_git(["status"], cwd=tmp_path, what="reading x")


def test_git_runs_in_the_folder_given_and_gives_its_output(repo: Path) -> None:
    assert run_git(["rev-parse", "--abbrev-ref", "HEAD"], cwd=repo, what="x") == "feature\n"


def test_a_range_lists_every_path_with_renames(repo: Path) -> None:
    assert changed_paths("main...feature", cwd=repo / "src") == [
        ChangedPath("README.md"),
        ChangedPath("src/auth/tokens.py", old_path="src/util/tokens.py"),
    ]


def test_a_path_with_a_tab_or_newline_is_read_whole(repo: Path, git) -> None:
    (repo / "odd\tname\n.txt").write_text("x\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "odd")
    assert ChangedPath("odd\tname\n.txt") in changed_paths("main...feature", cwd=repo)


def test_a_range_with_nothing_changed_is_empty(repo: Path) -> None:
    assert changed_paths("feature...feature", cwd=repo) == []


@pytest.mark.parametrize("bad", ["", "--output=/tmp/x", "-p"])
def test_an_option_is_not_a_range(bad: str, repo: Path) -> None:
    with pytest.raises(GatekeeperError, match=r"^--diff takes a range such as main\.\.\.HEAD"):
        changed_paths(bad, cwd=repo)


def test_an_unknown_revision_is_git_diffs_error(repo: Path) -> None:
    with pytest.raises(GatekeeperError, match=r"^git diff main\.\.\.nope failed: "):
        changed_paths("main...nope", cwd=repo)
