"""Faults, rate limits and interruptions: the export comes out identical to a clean run.

A smaller synthetic history (4 weeks x 60 pull requests) read in pages of 25, so that a
fault can land mid-walk. Faults are injected at the k-th GraphQL request the double
answers; backoff is tiny and sleeps are recorded, not slept.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.commands.history_access import GitHubAccess
from gatekeeper.errors import GatekeeperError
from gatekeeper.history.cache import Cache
from tests.support.github_double import FakeGitHub
from tests.support.metrics_synth import REPO, TOKEN, Dataset, SynthGitHub, generate, run_export

PAGE = 25


@pytest.fixture(scope="module")
def small() -> Dataset:
    return generate(seed=11, weeks=4, per_week=60, rollout_week=1)


class Hooked:
    """The synthetic data, with ``action`` run when the ``at``-th query reaches it."""

    def __init__(self, fake: FakeGitHub, dataset: Dataset, at: int,
                 action: Callable[[FakeGitHub], None]):
        self.synth = SynthGitHub(dataset)
        self.fake, self.at, self.action, self.calls = fake, at, action, 0

    def provider(self, query: str, variables: Any) -> Any:
        self.calls += 1
        if self.calls == self.at:
            self.action(self.fake)
        return self.synth.provider(query, variables)


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as double:
        yield double
        assert double.violations == []


@pytest.fixture(scope="module")
def clean(small: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    with FakeGitHub() as double:
        double.graphql_data = SynthGitHub(small).provider
        cache = tmp_path_factory.mktemp("clean") / "cache.sqlite"
        return {fmt: run_export(double, cache, fmt, page_size=PAGE).text
                for fmt in ("json", "csv", "markdown")}


FAULTS: dict[str, tuple[Callable[[FakeGitHub], None], float | None]] = {
    # name: (inject, a wait that must have been honoured, in seconds)
    "500": (lambda f: f.fail("POST", "^/graphql$", status=500, times=2), None),
    "502": (lambda f: f.fail("POST", "^/graphql$", status=502, times=2), None),
    "403 with Retry-After": (
        lambda f: f.fail("POST", "^/graphql$", status=403, retry_after=7, times=1), 7.0),
    "403 primary rate limit": (
        lambda f: f.fail("POST", "^/graphql$", status=403, rate_limit_exhausted=True,
                         reset_in=40, times=1), 41.0),
    "429": (lambda f: f.fail("POST", "^/graphql$", status=429, times=2), None),
    "connection reset": (lambda f: f.fail_connection("POST", "^/graphql$", times=2), None),
    "GraphQL RATE_LIMITED with HTTP 200": (
        lambda f: f.rate_limit_graphql(times=2, reset_in=30), 31.0),
    "GraphQL timeout error with HTTP 200": (
        lambda f: f.fail("POST", "^/graphql$", status=200, times=1, body={"errors": [{
            "message": "Something went wrong while executing your query. This may be the "
                       "result of a timeout, or it could be a GitHub bug. Please include "
                       "`C0DE:1234` when reporting this issue."}]}), None),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_fault_mid_walk_gives_the_same_export(
        name: str, fake: FakeGitHub, small: Dataset, clean: dict[str, str],
        tmp_path: Path) -> None:
    inject, wait = FAULTS[name]
    hooked = Hooked(fake, small, at=4, action=inject)
    fake.graphql_data = hooked.provider
    result = run_export(fake, tmp_path / "cache.sqlite", page_size=PAGE)
    assert result.code == 0
    assert result.text == clean["json"]
    assert fake.injected, "the fault was not injected"
    assert len(result.sleeps) == len(fake.injected)
    assert result.stderr.count("retrying in") == len(fake.injected)
    if wait is not None:
        assert max(result.sleeps) == pytest.approx(wait, abs=1.5)
    else:
        assert max(result.sleeps) < 0.1  # the test's tiny backoff, nothing else


def test_retries_run_out_then_a_rerun_resumes_and_loses_nothing(
        fake: FakeGitHub, small: Dataset, clean: dict[str, str], tmp_path: Path) -> None:
    stuck = Hooked(fake, small, at=4,
                   action=lambda f: f.fail("POST", "^/graphql$", status=500, times=None))
    fake.graphql_data = stuck.provider
    cache = tmp_path / "cache.sqlite"
    with pytest.raises(GatekeeperError, match="run again to resume"):
        run_export(fake, cache, page_size=PAGE, attempts=3)
    pages_before = sum(1 for r in fake.requests if "GatekeeperPulls" in str(r.json))
    fake.clear_faults()
    fake.graphql_data = SynthGitHub(small).provider
    resumed = run_export(fake, cache, page_size=PAGE)
    assert resumed.text == clean["json"]
    pages_after = sum(1 for r in fake.requests if "GatekeeperPulls" in str(r.json))
    on_main = sum(p.base == "main" for p in small.pulls)
    full_walk = -(-on_main // PAGE)
    # It went on from the page it stopped at: the pages stored are not asked for again.
    assert pages_after - pages_before <= full_walk - 2 + 1  # + the catch-up walk


def test_a_run_killed_with_sigkill_is_resumed_by_the_next_one(
        fake: FakeGitHub, small: Dataset, clean: dict[str, str], tmp_path: Path) -> None:
    reached, release = threading.Event(), threading.Event()

    def hold(_: FakeGitHub) -> None:
        reached.set()
        release.wait(30)

    fake.graphql_data = Hooked(fake, small, at=5, action=hold).provider
    out, cache = tmp_path / "metrics.json", tmp_path / "cache.sqlite"
    command = [sys.executable, "-m", "gatekeeper", "metrics", "--repo", REPO, "--format",
               "json", "--output", str(out), "--cache", str(cache), "--page-size", str(PAGE),
               "--retry-backoff", "0.01"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env.update({"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.base_url})
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        assert reached.wait(60), "the run never reached the fifth request"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    assert not out.exists()  # nothing half-written
    key = GitHubAccess(token=None, api_url=fake.base_url, graphql_url=None).cache_key(REPO)
    with Cache(cache) as stored:
        walk = stored.walk(key, "main")
        assert walk is not None and walk.fetched == 3 * PAGE  # pages 1-3 were committed
    fake.graphql_data = SynthGitHub(small).provider
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == clean["json"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".metrics")) == []


def test_csv_and_markdown_survive_faults_too(
        fake: FakeGitHub, small: Dataset, clean: dict[str, str], tmp_path: Path) -> None:
    def two_faults(double: FakeGitHub) -> None:
        double.fail("POST", "^/graphql$", status=502, times=1)
        double.rate_limit_graphql(times=1, reset_in=0)

    fake.graphql_data = Hooked(fake, small, at=2, action=two_faults).provider
    cache = tmp_path / "cache.sqlite"
    assert run_export(fake, cache, "csv", page_size=PAGE).text == clean["csv"]
    assert run_export(fake, cache, "markdown", page_size=PAGE).text == clean["markdown"]


def test_the_json_export_does_not_depend_on_the_page_size(
        fake: FakeGitHub, small: Dataset, clean: dict[str, str], tmp_path: Path) -> None:
    fake.graphql_data = SynthGitHub(small).provider
    assert run_export(fake, tmp_path / "c.sqlite", page_size=100).text == clean["json"]
    assert json.loads(clean["json"])["totals"]["prs_total"] > 200
