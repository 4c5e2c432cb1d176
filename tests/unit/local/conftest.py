"""A small git repository for the local readers: main with one commit, feature with two."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Git = Callable[..., str]


def _run(repo: Path, *args: str, author: str = "Ann <ann@example.com>") -> str:
    name, email = author.rstrip(">").split(" <")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo),
           "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
           "GIT_COMMITTER_NAME": "Cy", "GIT_COMMITTER_EMAIL": "cy@example.com"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def git() -> Git:
    return _run


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "src" / "util").mkdir(parents=True)
    _run(root, "init", "-q", "-b", "main")
    (root / "src" / "util" / "tokens.py").write_text(
        "".join(f"def token_{n}():\n    return {n}\n" for n in range(40)), encoding="utf-8")
    (root / "README.md").write_text("hello\n", encoding="utf-8")
    _run(root, "add", ".")
    _run(root, "commit", "-q", "-m", "base")
    _run(root, "checkout", "-q", "-b", "feature")
    (root / "src" / "auth").mkdir()
    _run(root, "mv", "src/util/tokens.py", "src/auth/tokens.py")
    _run(root, "commit", "-q", "-m", "move tokens")
    (root / "README.md").write_text("hello again\n", encoding="utf-8")
    _run(root, "commit", "-q", "-am", "readme\n\nCo-authored-by: Bo <bo@example.com>",
         author="Dee <12+dee@users.noreply.github.com>")
    return root
