"""The export a team lead acts on: a headline of the action's own decisions (replayed ones
marked and left out unless asked) with its week-over-week change, the 90th percentile of
RED review time, reasons in words, and the split by change origin.

The worked example of docs/metrics.md is the input where the numbers can be read off the
page: #101 and #102 are replayed; in 2026-W10 the action blocked #103 and #105 of #103,
#104, #105, #107, #109; in 2026-W11 #111 of #110, #111."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from gatekeeper import resources
from gatekeeper.core.policy.load import parse_policy
from gatekeeper.metrics import compute, export, weekly
from gatekeeper.replay.compare import declared_origin
from tests.docs.test_metrics_docs import example
from tests.support.github_double import FakeGitHub
from tests.support.metrics_synth import SynthGitHub, generate, run_export


def _metrics(**options: object) -> weekly.Metrics:
    records, replays = example()
    on_main = [r for r in records if r.base == "main"]
    return weekly.compute(on_main, since=None, until=None,
                           replay=lambda r: replays[r.number], **options)  # type: ignore[arg-type]


def _report(metrics: weekly.Metrics) -> export.Report:
    return export.Report(repository="acme/widgets", repository_url="", bases=("main",),
                         as_of=None, policy_source="embedded-default", policy_sha=None,
                         rollout_source="labels", metrics=metrics, save_log=())


def test_the_headline_leaves_replayed_decisions_out() -> None:
    headline = _metrics().headline
    assert (headline.period.blocked, headline.period.total) == (3, 7)
    assert headline.period.rate == Decimal("0.4286")
    assert headline.replayed_left_out == 2 and not headline.includes_replayed
    assert headline.last_week is not None and headline.previous_week is not None
    assert (headline.previous_week.week, headline.previous_week.blocked,
            headline.previous_week.total) == ("2026-W10", 2, 5)
    assert (headline.last_week.week, headline.last_week.blocked,
            headline.last_week.total) == ("2026-W11", 1, 2)
    assert headline.change_points == Decimal("10.0")  # 50 % - 40 %


def test_include_replayed_counts_them() -> None:
    headline = _metrics(include_replayed=True).headline
    assert (headline.period.blocked, headline.period.total) == (4, 9)
    assert headline.replayed_left_out == 0 and headline.includes_replayed
    assert headline.change_points == Decimal("7.1")  # 1/2 - 3/7 = 7.14 points


def test_markdown_marks_replayed_weeks_and_shows_the_headline_and_p90() -> None:
    text = export.render_markdown(_report(_metrics()))
    assert ("**Incomplete-contract block rate: 42.9 %** (3 of 7 pull requests; decisions "
            "the action made; 2 replayed left out, `--include-replayed` counts them) · last "
            "week 2026-W11: 50.0 %, +10.0 points on 2026-W10") in text
    rows = {line.split(" | ")[0]: line for line in text.splitlines()
            if line.startswith("| 2026-W")}
    assert set(rows) == {"| 2026-W10 †", "| 2026-W11"}  # only W10 has replayed decisions
    assert "† includes replayed decisions" in text
    assert "| p90 RED review (h) |" in text
    assert "90th percentile 24.00 h" in text
    assert "| 3.50 | 4.00 |" in rows["| 2026-W10 †"]


def test_json_carries_the_headline_and_validates() -> None:
    data = export.to_json(_report(_metrics()))
    schema = resources.schema("metrics")
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(data)] == []
    assert data["headline"]["incomplete_contract_block_rate"] == 0.4286
    assert data["headline"]["week_over_week_points"] == 10.0
    assert data["headline"]["last_week"] == {"week": "2026-W11", "prs": 2,
                                             "prs_blocked_incomplete_contract": 1,
                                             "incomplete_contract_block_rate": 0.5}
    assert data["totals"]["p90_red_review_time_hours"] == 24.0


def test_rows_split_by_declared_origin_replayed_ones_by_their_record() -> None:
    records, replays = example()
    declared = {103: "agent", 104: "agent", 105: "human", 107: "ai-assisted"}
    replays[102] = replace(replays[102], origin="human", computed_origin="agent")
    metrics = weekly.compute([r for r in records if r.base == "main"], since=None,
                              until=None, replay=lambda r: replays[r.number],
                              origin=lambda r: declared.get(r.number))
    rows = {row.week: row for row in metrics.splits["declared"]}
    assert list(rows) == ["human", "ai-assisted", "agent", "undeclared"]
    assert (rows["agent"].prs_total, rows["agent"].prs_blocked_incomplete_contract,
            rows["agent"].red_escalation_count) == (2, 1, 2)  # #103, #104
    assert (rows["human"].prs_total, rows["human"].replayed) == (2, 1)  # #105, #102
    assert rows["ai-assisted"].prs_total == 1
    assert rows["undeclared"].prs_total == 4  # #101, #109, #110, #111
    assert sum(r.prs_total for r in rows.values()) == metrics.totals.prs_total
    # The computed origin travels with the facts, ready for a second split.
    assert {f.number: f.computed_origin for f in metrics.facts if f.computed_origin} == \
        {102: "agent"}
    text = export.render_markdown(_report(metrics))
    assert "### By change origin (declared)" in text
    assert "| agent | 2 | 1 | 50.0 % | 2 |" in text


@pytest.mark.parametrize(("written", "origin"), [
    ("AI assisted", "ai-assisted"), ("agent", "agent"), ("Human", "human"),
    ("TBD", None),
])
def test_the_declared_origin_is_read_as_the_decision_reads_it(written: str,
                                                              origin: str | None) -> None:
    policy = parse_policy(resources.text("default_policy.yml"), file="p.yml",
                          schema=resources.schema("policy"))
    body = f"## Contract\n- **Risk level:** GREEN\n- **Change origin:** {written}\n"
    assert declared_origin(body, policy) == origin


def test_the_export_splits_a_live_history_by_origin(tmp_path: Path) -> None:
    dataset = generate(seed=6, weeks=3, per_week=40, rollout_week=1)
    humans = set()
    for i, pull in enumerate(dataset.pulls):
        if pull.counted and i % 3 == 0 and "**Change origin:** agent" in pull.body:
            dataset.pulls[i] = replace(pull, body=pull.body.replace(
                "**Change origin:** agent", "**Change origin:** human"))
            humans.add(pull.number)
    with FakeGitHub() as fake:
        fake.graphql_data = SynthGitHub(dataset, fake.root_url).provider
        run = run_export(fake, tmp_path / "c.sqlite", since=date(2026, 1, 1))
        again = run_export(fake, tmp_path / "c.sqlite", since=date(2026, 1, 1))
    data = json.loads(run.text)
    rows = {row["origin"]: row["totals"] for row in data["by_origin"]["declared"]}
    assert rows["human"]["prs_total"] == len(humans & {p.number for p in dataset.pulls
                                                       if p.counted})
    assert rows["human"]["prs_total"] + rows["agent"]["prs_total"] + \
        rows["undeclared"]["prs_total"] == data["totals"]["prs_total"]
    assert again.text == run.text and again.graphql_requests <= 3


def test_rows_split_by_the_origin_the_evidence_shows(tmp_path: Path) -> None:
    # Bots' pull requests are agents' changes whatever they declare; the split by computed
    # origin counts them there, beside the split by what the bodies declare.
    dataset = generate(seed=6, weeks=3, per_week=40, rollout_week=1)
    with FakeGitHub() as fake:
        fake.graphql_data = SynthGitHub(dataset, fake.root_url).provider
        run = run_export(fake, tmp_path / "c.sqlite", since=date(2026, 1, 1))
    data = json.loads(run.text)
    computed = {row["origin"]: row["totals"] for row in data["by_origin"]["computed"]}
    counted = [p for p in dataset.pulls if p.counted]
    assert computed["agent"]["prs_total"] == sum(p.author_bot for p in counted)
    assert computed["human"]["prs_total"] == sum(not p.author_bot for p in counted)
    assert computed["undeclared"]["prs_total"] == 0


def test_the_computed_origin_reads_trailers_branches_and_authors() -> None:
    from gatekeeper.core.authority.facts import CommitRecord, Person
    from gatekeeper.history.records import PullRecord

    rules = parse_policy("version: 1\n", file="p.yml",
                         schema=resources.schema("policy")).provenance
    alice = Person("Alice", "alice@example.com", "alice")
    trailer = CommitRecord("a" * 40, "x\n\nCo-authored-by: Claude <noreply@anthropic.com>",
                           alice, alice)
    base = PullRecord(id="P1", number=1, url="u", title="t", body="", state="OPEN",
                      is_draft=False, created_at="2026-01-05T00:00:00Z",
                      updated_at="2026-01-05T00:00:00Z", merged_at=None, closed_at=None,
                      base="main", author="alice", author_is_bot=False, changed_files=0,
                      files=(), files_complete=True, events=(), reviews=())
    assert compute.computed_origin(base, rules) == "human"
    assert compute.computed_origin(replace(base, commits=(trailer,)), rules) == "ai-assisted"
    assert compute.computed_origin(replace(base, head_ref="codex/x"), rules) == "agent"
    again = PullRecord.from_json(replace(base, commits=(trailer,)).to_json())
    assert again.commits == (trailer,)
