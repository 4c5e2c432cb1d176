"""`metrics --org`: shards merged give exactly the single run's export (medians and
percentiles of the whole organisation included), and a merge never counts less."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from gatekeeper import formats
from gatekeeper.errors import GatekeeperError
from gatekeeper.metrics import org
from gatekeeper.metrics.compute import ORIGINS, PullFacts
from gatekeeper.metrics.savelog import SaveEntry
from gatekeeper.metrics.timeline import iso_week

WINDOW = org.Window("acme", date(2026, 10, 5), date(2026, 11, 29), include_replayed=False)
START = datetime(2026, 10, 5, tzinfo=UTC)


def _facts(rng: random.Random, repo: str, count: int) -> tuple[PullFacts, ...]:
    made = []
    for number in range(1, count + 1):
        created = START + timedelta(seconds=rng.randrange(0, 55 * 86400))
        red = rng.random() < 0.4
        blocked = rng.random() < 0.3
        reviewed = red and rng.random() < 0.7
        trigger = created + timedelta(minutes=rng.randrange(0, 90)) if red else None
        review = (trigger + timedelta(seconds=rng.randrange(60, 400_000))
                  if reviewed and trigger else None)
        state = rng.choice(["OPEN", "MERGED", "CLOSED"])
        made.append(PullFacts(
            number=number, url=f"https://github.com/{repo}/pull/{number}", title=f"PR {number}",
            author=rng.choice(["alice", "bob", "renovate[bot]"]),
            author_is_bot=rng.random() < 0.2, state=state, created_at=created,
            ready_at=created, merged_at=created + timedelta(days=1) if state == "MERGED"
            else None, week=iso_week(created),
            source=rng.choice(["history", "history", "replay"]), red=red, blocked=blocked,
            trigger_at=trigger, review_at=review, reviewer="carol" if review else None,
            review_state="APPROVED" if review else None,
            red_status=("reviewed" if review else "pending" if state == "OPEN"
                        else "closed_unreviewed") if red else None,
            blocked_at=created if blocked else None, unblocked_at=None, saved=False,
            replay_codes=("GK101",) if blocked else (),
            origin=rng.choice([*ORIGINS, None]), computed_origin=rng.choice([*ORIGINS, None])))
    return tuple(made)


def _parts(seed: int = 7, repositories: int = 9) -> list[org.RepositoryPart]:
    rng = random.Random(seed)
    parts = []
    for index in range(repositories):
        repo = f"acme/service-{index:02d}"
        saved = (SaveEntry(
            number=1, url=f"https://github.com/{repo}/pull/1", title="fix auth",
            merged_at=START + timedelta(days=index, hours=3),
            triggered_at=START, blocked_at=START, fixed_at=START + timedelta(hours=2),
            trigger="RED paths: src/auth/a.py (src/auth/)", block_reasons=("GK202",),
            escalation_reviewer="@acme/security", reviewer="carol",
            review_state="APPROVED"),) if index % 3 == 0 else ()
        parts.append(org.RepositoryPart(
            repository=repo, repository_url=f"https://github.com/{repo}", bases=("main",),
            as_of="2026-11-30T00:00:00Z", policy_source=f"{repo}:.github/gatekeeper.yml",
            policy_sha="a" * 40, rollout=START if index % 2 else None,
            rollout_source="labels" if index % 2 else None, drafts_excluded=index % 3,
            facts=_facts(rng, repo, rng.randrange(0, 60)), save_log=saved))
    return parts


def _shards(parts: list[org.RepositoryPart], count: int) -> list[tuple[str, str]]:
    names = [p.repository for p in parts]
    return [(f"shard-{k}.json", org.shard_json(
        WINDOW, (k, count), [p for p in parts if org.shard_of(p.repository, count) == k],
        names)) for k in range(1, count + 1)]


@pytest.mark.parametrize("count", [1, 2, 3, 5, 12])
@pytest.mark.parametrize("seed", [1, 7, 23])
def test_merged_shards_equal_the_single_run_in_every_format(count: int, seed: int) -> None:
    parts = _parts(seed)
    single = org.org_report(WINDOW, parts)
    shards = _shards(parts, count)
    random.Random(seed).shuffle(shards)  # any order
    window, merged_parts = org.merge_shards(shards)
    assert window == WINDOW
    merged = org.org_report(window, merged_parts)
    for name in formats.METRICS_ORG.names():
        render = formats.METRICS_ORG.renderer(name)
        assert render(merged) == render(single), name
    # The organisation's median is of every review time, not a median of medians.
    times = sorted(s for p in parts for f in p.facts if f.red
                   and (s := f.review_seconds) is not None)
    assert times, "the data has reviewed RED pull requests"
    assert single.total.totals.median_red_review_time_hours is not None
    assert single.total.totals.red_escalation_count == sum(
        f.red for p in parts for f in p.facts)


def test_every_fact_survives_the_round_trip() -> None:
    for part in _parts():
        assert org.part_from_json(org.part_to_json(part)) == part


def test_the_totals_and_the_save_log_span_every_repository() -> None:
    parts = _parts()
    report = org.org_report(WINDOW, parts)
    assert report.total.totals.prs_total == sum(len(p.facts) for p in parts)
    assert [name for name, _ in report.save_log] == ["acme/service-00", "acme/service-03",
                                                     "acme/service-06"]
    markdown = org.render_markdown(report)
    assert "| `acme/service-03` | [#1](https://github.com/acme/service-03/pull/1)" in markdown
    csv = org.render_csv(report).splitlines()
    assert csv[0].startswith("repository,week,")
    assert csv[-1].startswith("total,2026-W48,")


def test_shard_assignment_depends_on_the_name_alone() -> None:
    names = [f"acme/r{i}" for i in range(200)]
    first = {n: org.shard_of(n, 4) for n in names}
    assert first == {n: org.shard_of(n, 4) for n in reversed(names)}
    assert set(first.values()) == {1, 2, 3, 4}
    assert org.shard_of("Acme/R1", 4) == first["acme/r1"]


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "-1/2", ""])
def test_a_malformed_shard_is_refused(text: str) -> None:
    with pytest.raises(GatekeeperError, match="K/N"):
        org.parse_shard(text)


def test_a_merge_refuses_a_missing_repeated_or_foreign_shard() -> None:
    parts = _parts()
    shards = _shards(parts, 3)
    with pytest.raises(GatekeeperError, match=r"shards 2/3 missing"):
        org.merge_shards([shards[0], shards[2]])
    with pytest.raises(GatekeeperError, match="given twice"):
        org.merge_shards([shards[0], shards[0], shards[1], shards[2]])
    other = org.shard_json(org.Window("acme", None, None, False), (2, 3), [],
                           [p.repository for p in parts])
    with pytest.raises(GatekeeperError, match="another export"):
        org.merge_shards([shards[0], ("other.json", other), shards[2]])
    misplaced = org.shard_json(WINDOW, (1, 3), parts, [p.repository for p in parts])
    with pytest.raises(GatekeeperError, match="does not belong to shard 1/3"):
        org.merge_shards([("bad.json", misplaced)])
    with pytest.raises(GatekeeperError, match="not a shard"):
        org.merge_shards([("x.json", '{"format": "gatekeeper-metrics/1"}')])
    with pytest.raises(GatekeeperError, match="give the shard files"):
        org.merge_shards([])


def test_a_repository_in_no_shard_is_refused() -> None:
    parts = _parts()
    names = [p.repository for p in parts] + ["acme/forgotten"]
    shards = [(f"s{k}", org.shard_json(WINDOW, (k, 2), [p for p in parts
                                                         if org.shard_of(p.repository, 2) == k],
                                       names)) for k in (1, 2)]
    with pytest.raises(GatekeeperError, match="acme/forgotten"):
        org.merge_shards(shards)
