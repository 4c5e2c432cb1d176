"""The options every command shares: --color (and NO_COLOR, FORCE_COLOR), -q/--quiet, and
the repository taken from the origin remote when --repo is left out (doctor, metrics), as
`validate --pr` does."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gatekeeper.reporters.color import wants_color
from tests.support.fixtures import REPO_ROOT
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double
from tests.unit.commands.test_doctor import REPO, _protected, _seed

__all__ = ["github_double"]  # the fixture, used by name

Cli = Callable[..., subprocess.CompletedProcess[str]]
BLOCKED = ("validate", "examples/red-missing-escalation.md", "--changed-files",
           "examples/red-missing-escalation.files", "--default-policy")
PASSING = ("validate", "examples/red-complete.md", "--changed-files",
           "examples/red-complete.files", "--default-policy")
RED = "\033[31m"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("choice", "environ", "terminal", "expected"), [
    ("auto", {}, True, True),
    ("auto", {}, False, False),
    ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"NO_COLOR": ""}, True, True),           # empty NO_COLOR means nothing
    ("auto", {"FORCE_COLOR": "1"}, False, True),
    ("auto", {"FORCE_COLOR": ""}, False, False),      # nor does an empty FORCE_COLOR
    ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
    ("always", {"NO_COLOR": "1"}, False, True),
    ("never", {"FORCE_COLOR": "1"}, True, False),
])
def test_when_text_is_coloured(choice: str, environ: dict[str, str], terminal: bool,
                               expected: bool) -> None:
    out = _Terminal() if terminal else io.StringIO()
    assert wants_color(choice, out, environ) is expected


def test_color_options_reach_validate(gatekeeper_cli: Cli) -> None:
    plain = gatekeeper_cli(*BLOCKED, cwd=REPO_ROOT)
    assert RED not in plain.stdout and plain.returncode == 1
    forced = gatekeeper_cli(*BLOCKED, cwd=REPO_ROOT, env={"FORCE_COLOR": "1"})
    assert f"{RED}" in forced.stdout
    always = gatekeeper_cli("--color", "always", *BLOCKED, cwd=REPO_ROOT,
                            env={"NO_COLOR": "1"})
    assert RED in always.stdout
    never = gatekeeper_cli("--color=never", *BLOCKED, cwd=REPO_ROOT, env={"FORCE_COLOR": "1"})
    assert RED not in never.stdout
    assert never.stdout == plain.stdout
    # a JSON record is never coloured
    record = gatekeeper_cli("--color", "always", *BLOCKED, "--format", "json", cwd=REPO_ROOT)
    assert "\033[" not in record.stdout


def test_quiet_prints_nothing_on_success_and_everything_on_failure(gatekeeper_cli: Cli) -> None:
    passed = gatekeeper_cli("-q", *PASSING, cwd=REPO_ROOT)
    assert (passed.returncode, passed.stdout) == (0, "")
    blocked = gatekeeper_cli("--quiet", *BLOCKED, cwd=REPO_ROOT)
    assert blocked.returncode == 1
    assert blocked.stdout == gatekeeper_cli(*BLOCKED, cwd=REPO_ROOT).stdout
    checked = gatekeeper_cli("-q", "policy", "check", ".github/gatekeeper.yml", cwd=REPO_ROOT)
    assert (checked.returncode, checked.stdout) == (0, "")


def _clone_with_origin(tmp_path: Path, url: str) -> Path:
    clone = tmp_path / "widgets"
    clone.mkdir()
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "remote", "add", "origin", url], check=True)
    (clone / "sub").mkdir()
    return clone


def test_doctor_reads_the_repository_from_origin(
    github_double: FakeGitHub, gatekeeper_cli: Cli, tmp_path: Path,
) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected())
    clone = _clone_with_origin(tmp_path, f"git@github.com:{REPO}.git")

    result = gatekeeper_cli("doctor", cwd=clone / "sub",
                            env={"GITHUB_API_URL": github_double.base_url,
                                 "GITHUB_TOKEN": DEFAULT_TOKEN})

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"gatekeeper doctor: {REPO}, branch main\n")


@pytest.mark.parametrize("command", ["doctor", "metrics"])
def test_without_repo_or_origin_the_error_names_the_option(
    command: str, gatekeeper_cli: Cli, tmp_path: Path,
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = gatekeeper_cli(command, cwd=tmp_path, env={"GITHUB_TOKEN": "t"})
    assert result.returncode == 2
    assert "'origin' remote" in result.stderr and "pass --repo OWNER/REPO" in result.stderr


def test_the_origin_host_names_the_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gatekeeper.cli.options import repository as _repository

    clone = _clone_with_origin(tmp_path, "https://ghe.example.com/acme/widgets.git")
    monkeypatch.chdir(clone / "sub")
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    assert _repository(None) == ("acme/widgets", "https://ghe.example.com/api/v3")
    monkeypatch.setenv("GITHUB_API_URL", "https://api.example.net")
    assert _repository(None) == ("acme/widgets", "https://api.example.net")
    assert _repository("other/repo") == ("other/repo", "https://api.example.net")


def test_metrics_asks_the_origin_hosts_api(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    # GitHub Enterprise Server: no token for that host, and the error names it, so metrics
    # took its repository and its API from the remote.
    clone = _clone_with_origin(tmp_path, "https://ghe.example.com/acme/widgets.git")
    result = gatekeeper_cli("metrics", cwd=clone, env={"PATH": "/usr/bin:/bin",
                                                       "GH_CONFIG_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "no GitHub token for ghe.example.com" in result.stderr
