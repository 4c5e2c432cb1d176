"""`gatekeeper metrics --org` end to end: the real command line against the double, over an
organisation of several repositories (each query executed against GitHub's schema).

- One run, and shards 1/2 and 2/2 joined by `metrics merge`, give the same bytes in every
  format.
- The requests stay within the issue's budget: at most 1.2 per 100 pull requests plus 2 per
  repository; a weekly rerun with the cache asks only for what changed.
- The export validates against schemas/metrics-org.schema.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from gatekeeper import resources
from gatekeeper.core.schemas import validation_errors
from gatekeeper.metrics import org
from tests.support.github_double import FakeGitHub
from tests.support.metrics_synth import TOKEN, Dataset, generate, touch
from tests.support.org_synth import OrgSynth

ORG = "acme"
# Five repositories of different sizes (one with no pull request) and an archived one.
SIZES = {"acme/api": 45, "acme/billing": 30, "acme/docs": 0, "acme/web": 70,
         "acme/worker": 25}
ARCHIVED = "acme/attic"


def _organisation() -> dict[str, Dataset]:
    datasets = {name: generate(seed=index + 3, weeks=6, per_week=max(per_week, 1),
                               rollout_week=2)
                for index, (name, per_week) in enumerate(sorted(SIZES.items()))}
    datasets["acme/docs"] = Dataset(pulls=[], rollout=datasets["acme/api"].rollout,
                                    policy_text=datasets["acme/api"].policy_text)
    datasets[ARCHIVED] = generate(seed=99, weeks=2, per_week=5, rollout_week=1)
    return datasets


@pytest.fixture
def served() -> Iterator[tuple[FakeGitHub, OrgSynth]]:
    with FakeGitHub() as fake:
        synth = OrgSynth(ORG, _organisation(), root_url=fake.root_url, archived=[ARCHIVED])
        fake.graphql_data = synth.provider
        yield fake, synth
        assert fake.violations == []


def _cli(fake: FakeGitHub, cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env |= {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.base_url,
            "GITHUB_GRAPHQL_URL": fake.graphql_url}
    result = subprocess.run([sys.executable, "-m", "gatekeeper", "metrics",
                             *[str(a) for a in args]], capture_output=True, text=True,
                            env=env, cwd=cwd, check=False, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


def _export(fake: FakeGitHub, tmp_path: Path, cache: str, *args: str) -> str:
    return _cli(fake, tmp_path, "--org", ORG, "--since", "2026-01-05", "--until",
                "2026-02-15", "--cache", tmp_path / cache, *args).stdout


def _graphql(fake: FakeGitHub) -> int:
    return fake.count("POST", "^/graphql$")


def test_merged_shards_are_byte_for_byte_the_single_run(
        served: tuple[FakeGitHub, OrgSynth], tmp_path: Path) -> None:
    fake, _ = served
    names = [n for n in SIZES]
    assert {org.shard_of(n, 2) for n in names} == {1, 2}  # both shards hold repositories
    shards = []
    for k in (1, 2):
        path = tmp_path / f"shard-{k}.json"
        path.write_text(_export(fake, tmp_path, f"shard{k}.sqlite", "--shard", f"{k}/2"))
        shards.append(path)
    one_shard = json.loads(shards[0].read_text())
    assert one_shard["organization_repositories"] == sorted(names, key=str.casefold)
    for output_format in ("json", "csv", "markdown"):
        single = _export(fake, tmp_path, "single.sqlite", "--format", output_format)
        merged = _cli(fake, tmp_path, "merge", *shards, "--format", output_format).stdout
        assert merged == single, output_format
    data = json.loads(single if output_format == "json" else
                      _export(fake, tmp_path, "single.sqlite", "--format", "json"))
    assert [r["repository"] for r in data["repositories"]] == sorted(names, key=str.casefold)
    assert ARCHIVED not in {r["repository"] for r in data["repositories"]}
    total = data["total"]["totals"]["prs_total"]
    assert total == sum(r["totals"]["prs_total"] for r in data["repositories"]) > 0
    related = [resources.schema("metrics")]
    assert validation_errors(resources.schema("metrics-org"), data, related) == []
    for path in shards:
        shard = json.loads(path.read_text())
        assert validation_errors(resources.schema("metrics-org-shard"), shard, related) == []


def test_the_requests_stay_within_the_budget_and_a_rerun_asks_for_what_changed(
        served: tuple[FakeGitHub, OrgSynth], tmp_path: Path) -> None:
    fake, synth = served
    pulls = sum(len(synth.repos[name].dataset.pulls) for name in SIZES)
    before = _graphql(fake)
    first = _export(fake, tmp_path, "c.sqlite", "--format", "json")
    spent = _graphql(fake) - before
    budget = 1.2 * pulls / 100 + 2 * len(SIZES)
    assert spent <= budget, f"{spent} requests for {pulls} pull requests in {len(SIZES)} " \
                            f"repositories (budget {budget:.1f})"

    # A week later nothing changed: the listing alone.
    before = _graphql(fake)
    assert _export(fake, tmp_path, "c.sqlite", "--format", "json") == first
    assert _graphql(fake) - before == 1

    # One pull request of one repository changed: that repository's first page only.
    dataset = synth.repos["acme/web"].dataset
    later = max(p.updated_at for p in dataset.pulls) + timedelta(hours=1)
    touch(dataset, dataset.pulls[0].number, later, title="Renamed")
    before = _graphql(fake)
    again = _export(fake, tmp_path, "c.sqlite", "--format", "json")
    assert _graphql(fake) - before == 2
    assert again == _export(fake, tmp_path, "fresh.sqlite", "--format", "json")
