"""`gatekeeper replay --format markdown`: the comment for a policy-change pull request."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

from gatekeeper.commands.history_access import GitHubAccess
from gatekeeper.commands.replay import ReplayOptions
from gatekeeper.commands.replay import run as run_replay
from gatekeeper.core.reasons import Code
from gatekeeper.history.fetch import RetrySettings
from gatekeeper.replay.markdown import MARKER
from tests.support.github_double import FakeGitHub
from tests.support.markdown_render import MENTION, render
from tests.support.metrics_synth import REPO, TOKEN, SynthGitHub, generate, repository_policy
from tests.unit.commands.test_replay import (
    EXAMPLES,
    Cli,
    baseline_policy,
    candidate_policy,
)


def _cells(row: str) -> list[str]:
    """A GFM table row's cells: split on pipes that are not escaped."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_folder_replay_as_a_comment_names_each_change_and_why(
        tmp_path: Path, gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("replay", "--baseline-policy", baseline_policy(tmp_path),
                            "--candidate-policy", candidate_policy(tmp_path),
                            "--from", EXAMPLES, "--format", "markdown")

    assert result.returncode == 1, result.stderr  # the candidate newly blocks one
    text = result.stdout
    assert text.startswith(MARKER + "\n## Gatekeeper policy replay\n")
    assert "the candidate policy blocks pull requests the current one passes" in text
    assert "| 🔴 Newly blocked | 1 |" in text and "| 🟢 Newly passed | 1 |" in text
    rows = {_cells(line)[0]: _cells(line) for line in text.splitlines()
            if line.startswith("| ") and len(_cells(line)) == 5}
    blocked = rows["green-complete"]
    assert blocked[1:4] == ["🔴 newly blocked", "pass GREEN", "block RED"]
    # Why, in words with the codes: src/ui/ is RED now, and the GREEN contract under-declares.
    assert f"GK201 ({Code.GK201.summary})" in blocked[4]
    passed = rows["under-declared"]
    assert passed[1] == "🟢 newly passed" and passed[4].startswith("drops GK201")
    # Newly blocked comes first; the unchanged ones are folded away.
    assert text.index("green-complete") < text.index("under-declared")
    assert re.search(r"<details><summary>\d+ unchanged</summary>", text)


def test_same_policy_says_nothing_changes(tmp_path: Path, gatekeeper_cli: Cli) -> None:
    policy = baseline_policy(tmp_path)
    result = gatekeeper_cli("replay", "--baseline-policy", policy, "--candidate-policy",
                            policy, "--from", EXAMPLES, "--format", "markdown",
                            "--changed-only")
    assert result.returncode == 0
    assert "No pull request changes decision or reasons." in result.stdout
    assert "the candidate policy blocks nothing new" in result.stdout
    assert "<details>" not in result.stdout  # --changed-only


def test_hostile_titles_and_names_are_defused(tmp_path: Path) -> None:
    dataset = generate(seed=5, weeks=4, per_week=30, rollout_week=2)
    target = next(p for p in dataset.pulls if p.counted
                  and p.scenario == "r_under_declared_infra")
    hostile = ("x | y](https://evil.example) <img src=x onerror=alert(1)> @acme/everyone "
               "`code` <!-- end -->")
    dataset.pulls[dataset.pulls.index(target)] = replace(target, title=hostile)
    candidate = tmp_path / "repo-policy.yml"
    candidate.write_text(repository_policy(), encoding="utf-8")
    with FakeGitHub() as fake:
        fake.graphql_data = SynthGitHub(dataset).provider
        access = GitHubAccess(token=TOKEN, api_url=fake.base_url, graphql_url=None,
                              cache_path=tmp_path / "cache.sqlite",
                              retry=RetrySettings(backoff=0.001, sleep=lambda _: None))
        out = io.StringIO()
        options = ReplayOptions(
            baseline=str(baseline_policy(tmp_path)), candidate=str(candidate),
            from_dir=None, repo=REPO, since=None, until=None, bases=(),
            output_format="markdown", output=None, changed_only=True)
        code = run_replay(options, out, access=access, stderr=io.StringIO())
    text = out.getvalue()
    assert code == 1
    row = next(line for line in text.splitlines() if f"#{target.number}]" in line)
    cells = _cells(row)
    assert len(cells) == 5, row  # the | in the title did not open a cell
    assert cells[1] == "🔴 newly blocked"
    assert cells[0].startswith(f"[\\#{target.number}](http")
    assert "<img" not in text and "<!-- end" not in text
    # No ping: the handle is code, which GitHub never turns into a mention.
    assert "`@acme/everyone`" in text and not MENTION.search(render(text).plain_text)
    assert "](https://evil.example)" not in text
    assert text.count("<!--") == 1  # only the marker
