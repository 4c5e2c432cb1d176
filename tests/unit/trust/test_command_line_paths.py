"""Paths given on the command line are relative to the current folder, as git and ruff
read them: ``explain login.py`` inside ``src/auth`` judges ``src/auth/login.py``. An empty
path, and an absolute or ``..`` path that leaves the repository, is refused with exit 2
naming it. ``--changed-files`` lists repository paths, as git diff prints them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper.errors import GatekeeperError
from gatekeeper.local.files import repository_paths
from tests.support.bodies import complete_body


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "src" / "auth").mkdir(parents=True)
    (root / ".git").mkdir()  # the top level is the folder holding .git
    (root / "body.md").write_text(complete_body("GREEN"), encoding="utf-8")
    return root


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gatekeeper", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


@pytest.mark.parametrize(("given", "expected"), [
    ("login.py", "src/auth/login.py"),
    ("./login.py", "src/auth/login.py"),
    ("../util/x.py", "src/util/x.py"),
    ("../../README.md", "README.md"),
    ("sub/", "src/auth/sub/"),
    ("../../src/../docs/a.md", "docs/a.md"),
])
def test_paths_are_relative_to_the_current_folder(repo: Path, given: str,
                                                   expected: str) -> None:
    assert repository_paths([given], cwd=repo / "src" / "auth") == [expected]


def test_an_absolute_path_inside_the_repository_is_its_repository_path(repo: Path) -> None:
    inside = str(repo / "src" / "auth" / "login.py")
    assert repository_paths([inside], cwd=repo / "src") == ["src/auth/login.py"]


@pytest.mark.parametrize(("given", "says"), [
    ("", "an empty path ''"),
    ("  ", "an empty path '  '"),
    ("/etc/passwd", "the path '/etc/passwd' is outside the repository"),
    ("../../../elsewhere.py", "the path '../../../elsewhere.py' is outside the repository"),
    ("../..", "the path '../..' is the repository itself"),
])
def test_a_path_that_names_nothing_in_the_repository_is_refused(repo: Path, given: str,
                                                                says: str) -> None:
    with pytest.raises(GatekeeperError, match=says.replace("(", r"\(").replace(".", r"\.")):
        repository_paths([given], cwd=repo / "src" / "auth")


def test_outside_a_repository_paths_are_relative_to_the_current_folder(tmp_path: Path) -> None:
    assert repository_paths(["a/b.py"], cwd=tmp_path) == ["a/b.py"]
    with pytest.raises(GatekeeperError, match="outside the repository"):
        repository_paths(["../b.py"], cwd=tmp_path)


def test_explain_inside_a_folder_judges_the_file_there(repo: Path) -> None:
    result = _cli(repo / "src" / "auth", "explain", "login.py", "--format", "json")
    assert result.returncode == 0, result.stderr
    [judged] = json.loads(result.stdout)["paths"]
    assert (judged["path"], judged["class"]) == ("src/auth/login.py", "RED")


def test_validate_inside_a_folder_judges_the_file_there(repo: Path) -> None:
    result = _cli(repo / "src" / "auth", "validate", "../../body.md", "login.py",
                  "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert json.loads(result.stdout)["red_paths"] == [
        {"path": "src/auth/login.py", "pattern": "auth/"}]


def test_changed_files_entries_stay_repository_paths(repo: Path) -> None:
    (repo / "files.txt").write_text("src/auth/login.py\n", encoding="utf-8")
    result = _cli(repo / "src" / "auth", "validate", "../../body.md", "--changed-files",
                  "../../files.txt", "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert [m["path"] for m in json.loads(result.stdout)["red_paths"]] == ["src/auth/login.py"]


@pytest.mark.parametrize("command", ["explain", "validate"])
@pytest.mark.parametrize("path", ["", "/etc/passwd", "../../../x.py"])
def test_the_cli_refuses_it_with_exit_2_naming_the_path(repo: Path, command: str,
                                                        path: str) -> None:
    args = [command, path] if command == "explain" else [command, "../../body.md", path]
    result = _cli(repo / "src" / "auth", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert repr(path) in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
