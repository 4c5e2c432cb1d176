"""The `metrics` command as users run it: options, files, stderr, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from gatekeeper.commands.history_access import GitHubAccess
from gatekeeper.commands.metrics import MetricsOptions
from gatekeeper.commands.metrics import run as run_metrics
from gatekeeper.history.fetch import RetrySettings
from tests.support.github_double import FakeGitHub
from tests.support.metrics_synth import REPO, TOKEN, SynthGitHub, generate

Cli = Callable[..., CompletedProcess[str]]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(fake: FakeGitHub, tmp_path: Path, stderr: io.StringIO) -> str:
    access = GitHubAccess(token=TOKEN, api_url=fake.base_url, graphql_url=None,
                          cache_path=tmp_path / "c.sqlite", page_size=10,
                          retry=RetrySettings(sleep=lambda _: None))
    out = io.StringIO()
    options = MetricsOptions(repo=REPO, since=None, until=None, bases=(),
                             output_format="csv", output=None)
    assert run_metrics(options, out, access=access, stderr=stderr) == 0
    return out.getvalue()


def test_progress_shows_on_a_terminal_only(tmp_path: Path) -> None:
    dataset = generate(seed=2, weeks=2, per_week=30, rollout_week=1)
    with FakeGitHub() as fake:
        fake.graphql_data = SynthGitHub(dataset).provider
        piped, terminal = io.StringIO(), Terminal()
        first = _run(fake, tmp_path / "a", piped)
        second = _run(fake, tmp_path / "b", terminal)
    assert first == second
    assert "\r" not in piped.getvalue()
    assert piped.getvalue().count("\n") == 1  # just the closing summary line
    assert "\r" in terminal.getvalue() and " queries)" in terminal.getvalue()


def test_the_cli_writes_the_output_file_and_a_summary(tmp_path: Path, gatekeeper_cli: Cli
                                                      ) -> None:
    dataset = generate(seed=2, weeks=2, per_week=30, rollout_week=1)
    with FakeGitHub() as fake:
        fake.graphql_data = SynthGitHub(dataset).provider
        env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.base_url}
        out = tmp_path / "reports" / "metrics.json"
        result = gatekeeper_cli("metrics", "--repo", REPO, "--format", "json", "--output",
                                out, "--cache", tmp_path / "cache.sqlite", cwd=tmp_path,
                                env=env)
        assert fake.violations == []
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(out.read_text())["repository"] == REPO
    assert "GraphQL queries" in result.stderr
    assert [p.name for p in out.parent.iterdir()] == ["metrics.json"]  # no temporary left


def test_github_down_exits_two_and_says_to_run_again(tmp_path: Path, gatekeeper_cli: Cli
                                                     ) -> None:
    with FakeGitHub() as fake:
        fake.fail("POST", "^/graphql$", status=502, times=None)
        env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.base_url}
        result = gatekeeper_cli("metrics", "--repo", REPO, "--cache", tmp_path / "c.sqlite",
                                "--retry-backoff", "0.001", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "HTTP 502" in result.stderr and "run again" in result.stderr


def test_bad_dates_and_repositories_are_usage_errors(tmp_path: Path, gatekeeper_cli: Cli
                                                      ) -> None:
    bad_date = gatekeeper_cli("metrics", "--repo", REPO, "--since", "last week",
                              cwd=tmp_path)
    assert bad_date.returncode == 2 and "--since" in bad_date.stderr
    bad_repo = gatekeeper_cli("metrics", "--repo", "not-a-repo", cwd=tmp_path,
                              env={"GITHUB_API_URL": "http://127.0.0.1:9"})
    assert bad_repo.returncode == 2 and "OWNER/REPO" in bad_repo.stderr


def test_validate_never_imports_the_metrics_package() -> None:
    code = ("import sys\nfrom gatekeeper import cli\n"
            "try:\n    cli.main(['validate', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('gatekeeper.metrics')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_cache_lives_in_the_user_cache_folder_not_in_the_clone(
        tmp_path: Path, gatekeeper_cli: Cli) -> None:
    clone = tmp_path / "clone"
    clone.mkdir()
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    xdg = tmp_path / "xdg-cache"
    dataset = generate(seed=2, weeks=2, per_week=20, rollout_week=1)
    with FakeGitHub() as fake:
        fake.graphql_data = SynthGitHub(dataset).provider
        env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.base_url,
               "XDG_CACHE_HOME": str(xdg)}
        first = gatekeeper_cli("metrics", "--repo", REPO, "--format", "csv", cwd=clone,
                               env=env)
        before = fake.count("POST", "^/graphql$")
        second = gatekeeper_cli("metrics", "--repo", REPO, "--format", "csv", cwd=clone,
                                env=env)
        rerun = fake.count("POST", "^/graphql$") - before
        explicit = tmp_path / "elsewhere.sqlite"
        third = gatekeeper_cli("metrics", "--repo", REPO, "--format", "csv", "--cache",
                               explicit, cwd=clone, env=env)
    assert first.returncode == second.returncode == third.returncode == 0, first.stderr
    assert (xdg / "gatekeeper" / "history.sqlite").is_file()
    assert f"cache {xdg / 'gatekeeper' / 'history.sqlite'}" in first.stderr
    assert sorted(p.name for p in clone.iterdir()) == [".git"]  # nothing in the clone
    assert rerun <= 3 and second.stdout == first.stdout  # the second run used that cache
    assert explicit.is_file() and third.stdout == first.stdout


def test_include_replayed_puts_replayed_decisions_in_the_headline(
        tmp_path: Path, gatekeeper_cli: Cli) -> None:
    dataset = generate(seed=2, weeks=3, per_week=20, rollout_week=2)
    replayed = sum(p.replayed for p in dataset.pulls if p.counted)
    counted = sum(p.counted for p in dataset.pulls)
    assert replayed > 0
    with FakeGitHub() as fake:
        fake.graphql_data = SynthGitHub(dataset).provider
        env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.base_url}
        cache = tmp_path / "c.sqlite"
        plain = gatekeeper_cli("metrics", "--repo", REPO, "--format", "json", "--cache",
                               cache, env=env)
        both = gatekeeper_cli("metrics", "--repo", REPO, "--format", "json", "--cache",
                              cache, "--include-replayed", env=env)
    left_out, included = json.loads(plain.stdout)["headline"], json.loads(both.stdout)["headline"]
    assert (left_out["prs"], left_out["replayed_left_out"]) == (counted - replayed, replayed)
    assert (included["prs"], included["replayed_left_out"]) == (counted, 0)
    assert included["includes_replayed"] and not left_out["includes_replayed"]
