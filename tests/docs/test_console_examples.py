"""The console examples of README.md and docs/getting-started.md, run as they are written.

Every ```console block is a session: `$ COMMAND` lines, each followed by what it prints
(`$ echo $?` prints the previous command's exit code). The README's run in a scratch copy of
the repository's examples; the guide's in a scratch clone of acme/widgets, whose GitHub is the
test double, one after the other as a reader would (init, then doctor on what init wrote,
then policy check and explain). The CLI is the build the docs show (EXAMPLE_BUILD). Only
absolute paths are normalised: the scratch folder reads as the docs' folder.
"""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import gatekeeper
from gatekeeper.cli import main
from gatekeeper.constants import EXAMPLE_BUILD, GITHUB_ACTIONS_APP_ID, POLICY_PATH, WORKFLOW_PATH
from tests.support.fixtures import REPO_ROOT
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]  # the fixture, used by name

DOC_CLONE = "/home/alice/src/widgets"
REPO = "acme/widgets"
PULL_REQUEST_RULE = {"type": "pull_request", "parameters": {
    "dismiss_stale_reviews_on_push": True, "require_code_owner_review": True,
    "require_last_push_approval": False, "required_approving_review_count": 0,
    "required_review_thread_resolution": False,
}}
CODEOWNERS = "/.github/ @acme/maintainers\n"


@dataclass(frozen=True)
class Step:
    command: str
    expected: str


def sessions(path: Path) -> list[list[Step]]:
    """Each console block of ``path`` as its commands and what each prints."""
    text = path.read_text(encoding="utf-8")
    found: list[list[Step]] = []
    for block in re.findall(r"^```console\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        assert block.startswith("$ "), f"{path.name}: a console block starts with `$ `"
        steps: list[Step] = []
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            steps.append(Step(command, output))
        found.append(steps)
    return found


class Shell:
    """Runs the commands of a session in-process, in ``cwd``, as the docs' build."""

    def __init__(self, cwd: Path, capsys: pytest.CaptureFixture[str]):
        self.cwd, self.capsys, self.status = cwd, capsys, 0

    def run(self, command: str) -> str:
        if command == "echo $?":
            return f"{self.status}\n"
        argv = shlex.split(command)
        assert argv[0] == "gatekeeper", command
        self.capsys.readouterr()
        try:
            main(argv[1:])
        except SystemExit as exc:
            self.status = int(exc.code or 0)
        captured = self.capsys.readouterr()
        return (captured.out + captured.err).replace(str(self.cwd), DOC_CLONE)


@pytest.fixture
def docs_build(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(gatekeeper, "BUILD", EXAMPLE_BUILD)
    for name in ("NO_COLOR", "FORCE_COLOR", "GITHUB_API_URL", "GITHUB_TOKEN", "GH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    yield


def _check(shell: Shell, steps: list[Step]) -> None:
    for step in steps:
        assert shell.run(step.command) == step.expected, f"$ {step.command}"


def test_readme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str], docs_build: None) -> None:
    scratch = tmp_path / "gatekeeper"
    shutil.copytree(REPO_ROOT / "examples", scratch / "examples")
    monkeypatch.chdir(scratch)
    shell = Shell(scratch, capsys)
    found = sessions(REPO_ROOT / "README.md")
    assert found
    for steps in found:
        _check(shell, steps)


def _widgets(tmp_path: Path) -> Path:
    clone = tmp_path / "widgets"
    clone.mkdir()
    for args in (["init", "-q", "-b", "main"],
                 ["remote", "add", "origin", f"https://github.com/{REPO}.git"]):
        subprocess.run(["git", *args], cwd=clone, check=True)
    return clone


def _push(fake: FakeGitHub, clone: Path) -> None:
    """What `git push` and the ruleset of section 4 leave on GitHub."""
    fake.add_repo(REPO, default_branch="main")
    for path in (POLICY_PATH, WORKFLOW_PATH):
        fake.set_file(REPO, path, "main", (clone / path).read_text(encoding="utf-8"))
    fake.set_file(REPO, ".github/CODEOWNERS", "main", CODEOWNERS)
    fake._ids = itertools.count(3)  # the guide's ruleset is number 3
    fake.add_ruleset(REPO, "Gatekeeper", required_checks=["gatekeeper"],
                     rules=[PULL_REQUEST_RULE], integration_id=GITHUB_ACTIONS_APP_ID)


def test_getting_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str], docs_build: None,
                         github_double: FakeGitHub) -> None:
    clone = _widgets(tmp_path)
    monkeypatch.chdir(clone)
    shell = Shell(clone, capsys)
    init, doctor, policy = sessions(REPO_ROOT / "docs" / "getting-started.md")

    _check(shell, init)
    _push(github_double, clone)
    monkeypatch.setenv("GITHUB_API_URL", github_double.base_url)
    monkeypatch.setenv("GITHUB_TOKEN", DEFAULT_TOKEN)
    _check(shell, doctor)
    _check(shell, policy)
