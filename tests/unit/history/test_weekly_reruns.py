"""The weekly run: a rerun walks only what changed, however many runs in a row.

An incremental walk used to leave the cache marked incomplete, so every other weekly run
without `--since` walked the whole history again. Requests are counted at the GitHub
double, and each export is compared with one from a fresh cache.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from gatekeeper.history.cache import Cache
from tests.support.github_double import FakeGitHub
from tests.support.metrics_synth import Dataset, SynthGitHub, generate, run_export


def _serve(dataset: Dataset) -> FakeGitHub:
    fake = FakeGitHub().start()
    fake.graphql_data = SynthGitHub(dataset, fake.root_url).provider
    return fake


def _open_one(dataset: Dataset, hours: int) -> None:
    """A new pull request, opened and blocked after everything seen so far."""
    later = max(p.updated_at for p in dataset.pulls) + timedelta(hours=hours)
    template = next(p for p in dataset.pulls if p.scenario == "green_blocked_closed")
    dataset.pulls.append(replace(
        template, number=len(dataset.pulls) + 1, created_at=later - timedelta(minutes=30),
        updated_at=later, state="OPEN", closed_at=None, merged_at=None, base="main",
        is_draft=False, reviews=[],
        events=[("LabeledEvent", later - timedelta(minutes=20), "gatekeeper:blocked")]))


def test_five_weekly_reruns_in_a_row_stay_within_three_requests(tmp_path: Path) -> None:
    dataset = generate(seed=3, weeks=6, per_week=60)
    fake = _serve(dataset)
    cache = tmp_path / "cache.sqlite"
    try:
        first = run_export(fake, cache)
        assert first.code == 0
        walked = first.graphql_requests
        assert walked > 3  # the first run walks the whole history
        runs = []
        for week in range(5):
            _open_one(dataset, hours=24 * 7 * (week + 1))
            before = fake.count("POST", "^/graphql$")
            run = run_export(fake, cache)
            assert run.code == 0, run.stderr
            runs.append((fake.count("POST", "^/graphql$") - before, run.text))
        quiet_before = fake.count("POST", "^/graphql$")
        quiet = run_export(fake, cache)
        quiet_requests = fake.count("POST", "^/graphql$") - quiet_before
        fresh = run_export(fake, tmp_path / "fresh.sqlite")
        assert fake.violations == []
    finally:
        fake.stop()
    assert [requests for requests, _ in runs] == [2, 2, 2, 2, 2], runs
    assert quiet_requests <= 3
    assert quiet.text == fresh.text == runs[-1][1]
    with Cache(cache) as opened:
        keys = opened._db.execute("SELECT repo FROM sync_state").fetchall()
        states = [opened.sync_state(key, "main") for (key,) in keys]
    assert [s.complete for s in states if s is not None] == [True]


def test_a_since_walk_then_reruns_keep_the_floor(tmp_path: Path) -> None:
    from datetime import date

    dataset = generate(seed=4, weeks=6, per_week=40)
    fake = _serve(dataset)
    cache = tmp_path / "cache.sqlite"
    since = date(2026, 1, 19)
    try:
        run_export(fake, cache, since=since)
        counts = []
        for week in range(3):
            _open_one(dataset, hours=24 * 7 * (week + 1))
            counts.append(run_export(fake, cache, since=since).graphql_requests)
        again = run_export(fake, cache, since=since)
        fresh = run_export(fake, tmp_path / "fresh.sqlite", since=since)
    finally:
        fake.stop()
    assert counts == [2, 2, 2]
    assert again.graphql_requests <= 3
    assert again.text == fresh.text
