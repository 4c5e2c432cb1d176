"""`gatekeeper metrics` end to end over a synthetic history of 2,240 pull requests served by
the GitHub double (which executes the real GraphQL queries against GitHub's schema).

The expected numbers come from the scenarios that built the history (metrics_synth),
never from gatekeeper.metrics.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from gatekeeper import resources
from gatekeeper.core.reasons import Code
from tests.support.github_double import FakeGitHub
from tests.support.metrics_synth import (
    REPO,
    Dataset,
    Review,
    SynthGitHub,
    expected,
    generate,
    run_export,
    touch,
)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate(seed=7, weeks=14, per_week=160)


@pytest.fixture(scope="module")
def truth(dataset: Dataset) -> dict[str, Any]:
    return expected(dataset)


def serve(dataset: Dataset) -> FakeGitHub:
    fake = FakeGitHub().start()
    fake.graphql_data = SynthGitHub(dataset, fake.root_url).provider
    return fake


@pytest.fixture(scope="module")
def full_run(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[dict[str, Any]]:
    """One fault-free run per format on a fresh cache, shared by the checks below."""
    fake = serve(dataset)
    cache = tmp_path_factory.mktemp("full") / "cache.sqlite"
    try:
        first = run_export(fake, cache, "json")
        rerun = run_export(fake, cache, "json")
        csv_run = run_export(fake, cache, "csv")
        markdown = run_export(fake, cache, "markdown")
        assert fake.violations == []
        yield {"json": first, "rerun": rerun, "csv": csv_run, "markdown": markdown,
               "queries": [r.json["query"] for r in fake.requests if r.path == "/graphql"]}
    finally:
        fake.stop()


def test_every_weekly_metric_matches_the_constructed_truth(
        full_run: dict[str, Any], truth: dict[str, Any]) -> None:
    data = json.loads(full_run["json"].text)
    assert full_run["json"].code == 0
    got_weeks = {row["week"]: {k: v for k, v in row.items() if k not in ("week", "week_start")}
                 for row in data["weeks"]}
    assert got_weeks == truth["weeks"]
    totals = {k: v for k, v in data["totals"].items() if k not in ("week", "week_start")}
    assert totals == truth["totals"]
    assert data["drafts_excluded"] == truth["drafts_excluded"]
    assert len(data["weeks"]) == 14


def test_history_has_what_the_definitions_need(truth: dict[str, Any]) -> None:
    """The synthetic history is big and varied enough to mean something."""
    totals = truth["totals"]
    assert totals["prs_total"] >= 2000 and len(truth["weeks"]) >= 12
    assert totals["red_pending_review"] and totals["red_closed_unreviewed"]
    assert totals["replayed"] and totals["bot_prs"] and truth["drafts_excluded"]
    assert len(truth["save_log"]) >= 20


def test_save_log_lists_red_prs_blocked_then_fixed_with_the_replayed_reason(
        full_run: dict[str, Any], truth: dict[str, Any]) -> None:
    data = json.loads(full_run["json"].text)
    got = [(e["number"], tuple(e["block_reasons"])) for e in data["save_log"]]
    assert got == truth["save_log"]
    entry = data["save_log"][0]
    assert entry["url"].endswith(f"/{REPO}/pull/{entry['number']}")
    assert entry["trigger"].startswith("RED paths: src/auth/session.py (auth/)")
    assert entry["escalation_reviewer"] == "@acme/security"
    assert entry["blocked_at"] < entry["fixed_at"] < entry["merged_at"]


def test_json_export_is_valid_against_the_published_schema(full_run: dict[str, Any]) -> None:
    schema = resources.schema("metrics")
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    data = json.loads(full_run["json"].text)
    assert [e.message for e in validator.iter_errors(data)] == []
    assert data["rollout_source"] == "labels"
    assert data["policy"]["source"] == f"{REPO}:.github/gatekeeper.yml"


def test_csv_has_a_row_per_week_with_the_same_numbers(full_run: dict[str, Any]) -> None:
    data = json.loads(full_run["json"].text)
    rows = list(csv.DictReader(io.StringIO(full_run["csv"].text)))
    assert [r["week"] for r in rows] == [w["week"] for w in data["weeks"]]
    for row, week in zip(rows, data["weeks"], strict=True):
        assert int(row["prs_total"]) == week["prs_total"]
        assert float(row["incomplete_contract_block_rate"]) == \
            week["incomplete_contract_block_rate"]
        median = week["median_red_review_time_hours"]
        assert (float(row["median_red_review_time_hours"]) if row[
            "median_red_review_time_hours"] else None) == median


def test_markdown_has_the_table_a_mermaid_chart_and_the_save_log(
        full_run: dict[str, Any]) -> None:
    text = full_run["markdown"].text
    data = json.loads(full_run["json"].text)
    assert "| Week | PRs | Blocked (incomplete contract) | Block rate |" in text
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.startswith("xychart-beta\n")
    bars = block.split("bar [", 1)[1].split("]", 1)[0]
    expected_bars = [
        (Fraction(w["prs_blocked_incomplete_contract"] * 1000, w["prs_total"]) + Fraction(1, 2))
        .__floor__() / 10 for w in data["weeks"]]
    assert [float(v) for v in bars.split(", ")] == expected_bars
    assert "## Save log" in text
    first = data["save_log"][0]
    assert f"[#{first['number']}]({first['url']})" in text
    # Reasons in words, with their codes.
    assert text.count(f"| GK202 ({Code.GK202.summary}) |") == len(data["save_log"])
    assert "| GK202 |" not in text


def test_full_export_and_rerun_stay_within_the_request_budget(
        full_run: dict[str, Any], dataset: Dataset) -> None:
    on_main = sum(p.base == "main" for p in dataset.pulls)
    assert full_run["json"].graphql_requests <= 2 * math.ceil(on_main / 100)
    assert full_run["rerun"].graphql_requests <= 3
    assert full_run["rerun"].text == full_run["json"].text


def test_every_query_sent_is_valid_against_githubs_schema(full_run: dict[str, Any]) -> None:
    from tests.support.github_contract import validate_graphql

    sent = set(full_run["queries"])
    names = {q.split("(", 1)[0].split()[-1] for q in sent}
    assert names == {"GatekeeperRepository", "GatekeeperPulls", "GatekeeperFollowUp",
                     "GatekeeperBodyEdits"}
    for query in sent:
        assert validate_graphql(query) == []


def test_incremental_rerun_sees_changes_and_equals_a_fresh_export(
        dataset: Dataset, tmp_path: Path) -> None:
    changed = Dataset(pulls=list(dataset.pulls), rollout=dataset.rollout,
                      policy_text=dataset.policy_text)
    fake = serve(changed)
    try:
        cache = tmp_path / "cache.sqlite"
        run_export(fake, cache)
        later = max(p.updated_at for p in changed.pulls) + timedelta(days=1)
        # An open RED PR waiting for review gets its first human approval ...
        target = next(p for p in changed.pulls if p.counted and p.red_status == "pending"
                      and p.scenario == "red_pass")
        trigger = next(at for kind, at, label in target.events if label == "gatekeeper:red")
        approved = later - timedelta(hours=2)
        touch(changed, target.number, later,
              reviews=[*target.reviews, Review("APPROVED", approved, "rev5")],
              review_seconds=int((approved - trigger).total_seconds()))
        # ... and a new pull request is opened and blocked.
        template = next(p for p in changed.pulls if p.scenario == "green_blocked_closed")
        changed.pulls.append(replace(
            template, number=len(changed.pulls) + 1, created_at=later - timedelta(hours=1),
            updated_at=later, state="OPEN", closed_at=None, merged_at=None, base="main",
            is_draft=False,
            events=[("LabeledEvent", later - timedelta(minutes=50), "gatekeeper:blocked")]))
        incremental = run_export(fake, cache)
        fresh = run_export(fake, tmp_path / "fresh.sqlite")
    finally:
        fake.stop()
    assert incremental.text == fresh.text
    assert incremental.graphql_requests <= 3
    before, after = expected(dataset)["totals"], expected(changed)["totals"]
    got = json.loads(incremental.text)["totals"]
    assert got == {"week": "total", "week_start": None, **after}
    assert after["red_pending_review"] == before["red_pending_review"] - 1
    assert after["prs_blocked_incomplete_contract"] == \
        before["prs_blocked_incomplete_contract"] + 1


def test_base_and_window_select_weeks_and_branches(
        dataset: Dataset, full_run: dict[str, Any], tmp_path: Path) -> None:
    from datetime import date

    fake = serve(dataset)
    try:
        cache = tmp_path / "cache.sqlite"
        # Mid-week dates select whole ISO weeks: W05 (2026-01-26..) to W07.
        window = run_export(fake, cache, since=date(2026, 1, 28), until=date(2026, 2, 10))
        develop = run_export(fake, cache, bases=("develop",))
    finally:
        fake.stop()
    data = json.loads(window.text)
    full = {w["week"]: w for w in json.loads(full_run["json"].text)["weeks"]}
    assert [w["week"] for w in data["weeks"]] == ["2026-W05", "2026-W06", "2026-W07"]
    assert data["weeks"] == [full[w["week"]] for w in data["weeks"]]
    assert (data["since"], data["until"]) == ("2026-01-26", "2026-02-15")
    counted = sum(p.base == "develop" and not p.is_draft for p in dataset.pulls)
    assert json.loads(develop.text)["totals"]["prs_total"] == counted
    assert json.loads(develop.text)["base_branches"] == ["develop"]
