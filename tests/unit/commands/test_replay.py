"""`gatekeeper replay`: two policies over saved pull requests or a repository's history."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest

from gatekeeper import resources
from gatekeeper.commands.history_access import GitHubAccess
from gatekeeper.commands.replay import ReplayOptions
from gatekeeper.commands.replay import run as run_replay
from gatekeeper.history.fetch import RetrySettings
from tests.support.fixtures import REPO_ROOT
from tests.support.github_double import FakeGitHub
from tests.support.metrics_synth import REPO, TOKEN, SynthGitHub, generate, repository_policy

ROOT = REPO_ROOT
EXAMPLES = ROOT / "examples"
Cli = Callable[..., CompletedProcess[str]]


def candidate_policy(tmp_path: Path) -> Path:
    """The default policy, with auth/ no longer RED and src/ui/ RED instead."""
    text = resources.text("default_policy.yml")
    assert "      - auth/\n" in text
    text = text.replace("      - auth/\n", "      - src/ui/\n", 1)
    path = tmp_path / "candidate.yml"
    path.write_text(text, encoding="utf-8")
    return path


def baseline_policy(tmp_path: Path) -> Path:
    path = tmp_path / "baseline.yml"
    path.write_text(resources.text("default_policy.yml"), encoding="utf-8")
    return path


def test_folder_replay_shows_each_change_and_why_in_json(
        tmp_path: Path, gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("replay", "--baseline-policy", baseline_policy(tmp_path),
                            "--candidate-policy", candidate_policy(tmp_path),
                            "--from", EXAMPLES, "--format", "json")
    assert result.returncode == 1, result.stderr  # the candidate blocks a passing PR
    data = json.loads(result.stdout)
    by_key = {item["key"]: item for item in data["pull_requests"]}
    assert set(by_key) == {p.stem for p in EXAMPLES.glob("*.md")}
    green = by_key["green-complete"]
    assert green["change"] == "newly blocked"
    assert green["baseline"] == {"decision": "pass", "computed_class": "GREEN", "codes": []}
    assert green["candidate"]["decision"] == "block"
    assert green["codes_added"] == green["candidate"]["codes"]
    assert "GK201" in green["codes_added"]
    under = by_key["under-declared"]
    assert (under["change"], under["codes_removed"][:1]) == ("newly passed", ["GK201"])
    assert by_key["red-missing-escalation"]["change"] == "same"
    assert data["totals"] == {
        "pull_requests": len(by_key), "baseline_blocked": 3, "candidate_blocked": 3,
        "newly_blocked": 1, "newly_passed": 1, "reasons_changed": 0,
        "unchanged": len(by_key) - 2,
    }
    assert data["exit_code"] == 1


def test_folder_replay_in_text_marks_changes_and_totals(
        tmp_path: Path, gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("replay", "--baseline-policy", baseline_policy(tmp_path),
                            "--candidate-policy", candidate_policy(tmp_path),
                            "--from", EXAMPLES, "--changed-only")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("+ green-complete") for line in lines)
    assert any(line.startswith("- under-declared") for line in lines)
    assert not any("red-complete" in line for line in lines)  # unchanged: left out
    assert "1 newly blocked, 1 newly passed" in lines[-1]


def test_same_policy_twice_exits_zero(tmp_path: Path, gatekeeper_cli: Cli) -> None:
    policy = baseline_policy(tmp_path)
    result = gatekeeper_cli("replay", "--baseline-policy", policy, "--candidate-policy",
                            policy, "--from", EXAMPLES)
    assert result.returncode == 0, result.stderr
    assert "0 newly blocked, 0 newly passed, 0 with other reasons" in result.stdout


def test_only_loosening_exits_zero(tmp_path: Path, gatekeeper_cli: Cli) -> None:
    looser = tmp_path / "looser.yml"
    looser.write_text(resources.text("default_policy.yml").replace("      - auth/\n", ""),
                      encoding="utf-8")
    result = gatekeeper_cli("replay", "--baseline-policy", baseline_policy(tmp_path),
                            "--candidate-policy", looser, "--from", EXAMPLES)
    assert result.returncode == 0, result.stdout
    assert "1 newly passed" in result.stdout


@pytest.mark.parametrize("arguments", [
    ["--from", "missing-folder"],
    [],
    ["--from", str(EXAMPLES), "--repo", "acme/widgets"],
])
def test_bad_usage_exits_two(arguments: list[str], tmp_path: Path, gatekeeper_cli: Cli) -> None:
    policy = baseline_policy(tmp_path)
    result = gatekeeper_cli("replay", "--baseline-policy", policy, "--candidate-policy",
                            policy, *arguments, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""


def test_an_invalid_policy_names_the_file(tmp_path: Path, gatekeeper_cli: Cli) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("version: 1\nclasses: [\n", encoding="utf-8")
    result = gatekeeper_cli("replay", "--baseline-policy", baseline_policy(tmp_path),
                            "--candidate-policy", broken, "--from", EXAMPLES)
    assert result.returncode == 2
    assert "broken.yml" in result.stderr


def test_a_body_without_a_file_list_is_noted(tmp_path: Path, gatekeeper_cli: Cli) -> None:
    folder = tmp_path / "prs"
    folder.mkdir()
    (folder / "7.md").write_text((EXAMPLES / "red-complete.md").read_text(), encoding="utf-8")
    (folder / "12.md").write_text((EXAMPLES / "green-complete.md").read_text(),
                                  encoding="utf-8")
    (folder / "12.files").write_text("src/ui/x.py\n", encoding="utf-8")
    result = gatekeeper_cli("replay", "--baseline-policy", baseline_policy(tmp_path),
                            "--candidate-policy", candidate_policy(tmp_path), "--from",
                            folder, "--format", "json")
    data = json.loads(result.stdout)
    assert [item["key"] for item in data["pull_requests"]] == ["7", "12"]  # natural order
    assert "no 7.files" in data["pull_requests"][0]["note"]
    assert data["pull_requests"][1]["change"] == "newly blocked"


def test_repository_replay_uses_the_metrics_data_layer(tmp_path: Path) -> None:
    """The repository's own policy makes infra/ RED; replaying it against the default
    newly blocks exactly the pull requests that touch infra/ under a GREEN contract."""
    dataset = generate(seed=5, weeks=4, per_week=50, rollout_week=2)
    candidate = tmp_path / "repo-policy.yml"
    candidate.write_text(repository_policy(), encoding="utf-8")
    with FakeGitHub() as fake:
        fake.graphql_data = SynthGitHub(dataset).provider
        access = GitHubAccess(token=TOKEN, api_url=fake.base_url, graphql_url=None,
                              cache_path=tmp_path / "cache.sqlite",
                              retry=RetrySettings(backoff=0.001, sleep=lambda _: None))
        options = ReplayOptions(
            baseline=str(baseline_policy(tmp_path)), candidate=str(candidate),
            from_dir=None, repo=REPO, since=None, until=None, bases=(),
            output_format="json", output=tmp_path / "replay.json")
        code = run_replay(options, io.StringIO(), access=access, stderr=io.StringIO())
        assert fake.violations == []
    data: dict[str, Any] = json.loads((tmp_path / "replay.json").read_text())
    touching_infra = {f"#{p.number}" for p in dataset.pulls if p.counted
                      and p.scenario == "r_under_declared_infra"}
    newly = {item["key"] for item in data["pull_requests"] if item["change"] == "newly blocked"}
    assert touching_infra and newly == touching_infra
    assert code == 1
    counted = sum(p.counted for p in dataset.pulls)
    assert data["totals"]["pull_requests"] == counted
    big = {f"#{p.number}" for p in dataset.pulls if p.counted and p.scenario == "r_big_red"}
    classes = {item["key"]: item["baseline"]["computed_class"] for item in data["pull_requests"]}
    assert big and {classes[key] for key in big} == {"RED"}  # its RED file is the 121st
