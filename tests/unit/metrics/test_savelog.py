"""savelog: what triggered a saved pull request, why it was blocked (its body replayed as it
stood when the block went on), and the entry's own words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gatekeeper.history.records import ChangedFile, parse_time
from gatekeeper.metrics import savelog
from gatekeeper.metrics.compute import PullFacts
from tests.support.bodies import complete_body
from tests.support.records import files, record

AT = datetime(2026, 3, 2, 10, tzinfo=UTC)


def test_the_trigger_names_up_to_three_red_paths(default_policy) -> None:
    many = record(files=files("src/auth/a.py", "src/auth/b.py", "README.md",
                              "src/auth/c.py", "src/auth/d.py"))
    assert savelog.trigger_text(many, default_policy) == (
        "RED paths: src/auth/a.py (auth/), src/auth/b.py (auth/), src/auth/c.py (auth/) "
        "and 1 more")
    one = record(files=(ChangedFile("src/auth/a.py", "ADDED"),))
    assert savelog.trigger_text(one, default_policy) == "RED paths: src/auth/a.py (auth/)"
    assert savelog.trigger_text(record(files=files("README.md")), default_policy) == \
        "labelled gatekeeper:red"


def test_the_block_reasons_are_the_contracts_of_the_body_then(default_policy) -> None:
    r = record(files=files("src/auth/a.py"))
    assert savelog.block_reasons(r, None, default_policy) is None  # body unknown
    assert savelog.block_reasons(r, complete_body("RED"), default_policy) == ()
    gaps = savelog.block_reasons(r, "no contract at all", default_policy)
    assert gaps and all(code.startswith(("GK1", "GK2", "GK3")) for code in gaps)
    assert list(gaps) == sorted(set(gaps))


def test_the_escalation_reviewer_is_read_from_the_current_body(default_policy) -> None:
    body = complete_body("RED", escalation_reviewer="@carol")
    assert savelog.escalation_reviewer(record(body=body, files=files("src/auth/a.py")),
                                       default_policy) == "@carol"
    assert savelog.escalation_reviewer(record(body="nothing"), default_policy) is None


def _entry(**changes) -> savelog.SaveEntry:
    values = dict(number=1, url="u", title="t", merged_at=datetime(2026, 3, 4, 9, tzinfo=UTC),
                  triggered_at=AT, blocked_at=AT, fixed_at=datetime(2026, 3, 2, 13, 6,
                                                                    tzinfo=UTC),
                  trigger="t", block_reasons=(), escalation_reviewer=None, reviewer="carol",
                  review_state="APPROVED")
    values.update(changes)
    return savelog.SaveEntry(**values)


@pytest.mark.parametrize(("state", "reviewer", "said"), [
    ("APPROVED", "carol", "; approved by @carol"),
    ("CHANGES_REQUESTED", "carol", "; changes requested by @carol"),
    ("DISMISSED", "carol", "; reviewed (since dismissed) by @carol"),
    (None, None, "; no human review"),
    ("COMMENTED", "carol", "; no human review"),
    ("APPROVED", None, ""),  # a deleted account: the review is known, not who
])
def test_an_entrys_outcome_in_words(state: str | None, reviewer: str | None,
                                    said: str) -> None:
    entry = _entry(review_state=state, reviewer=reviewer)
    assert entry.blocked_hours == 3.1
    assert entry.outcome == f"fixed after 3.1 h, merged 2026-03-04{said}"


@pytest.mark.parametrize(("minutes", "hours", "said"), [
    (15, 0.3, "0.3"), (45, 0.8, "0.8"), (3, 0.1, "0.1"), (2, 0.0, "0"), (120, 2.0, "2"),
])
def test_hours_blocked_round_half_up_from_the_exact_time(minutes: int, hours: float,
                                                         said: str) -> None:
    entry = _entry(fixed_at=AT + timedelta(minutes=minutes))
    assert entry.blocked_hours == hours
    assert entry.outcome.startswith(f"fixed after {said} h,")


def test_the_save_log_replays_the_body_as_it_was_when_blocked(default_policy) -> None:
    fixed = complete_body("RED", escalation_reviewer="@carol")
    r = record(7, body=fixed, files=files("src/auth/a.py"), state="MERGED")
    fact = PullFacts(number=7, url="https://x/pull/7", title="Fix", author="a",
                     author_is_bot=False, state="MERGED", created_at=AT, ready_at=AT,
                     merged_at=parse_time("2026-03-04T09:00:00Z"), week="2026-W10",
                     source="history", red=True, blocked=True, trigger_at=AT,
                     review_at=None, reviewer="carol", review_state="APPROVED",
                     red_status=None, blocked_at=parse_time("2026-03-02T10:30:00Z"),
                     unblocked_at=parse_time("2026-03-02T12:30:00Z"), saved=True)
    edits = {7: [("2026-03-02T10:00:00Z", "an empty contract"), ("2026-03-02T12:00:00Z", fixed)]}
    [entry] = savelog.save_log([fact], {7: r}, edits, default_policy)
    assert (entry.number, entry.url, entry.title) == (7, "https://x/pull/7", "Fix")
    assert entry.trigger == "RED paths: src/auth/a.py (auth/)"
    assert entry.block_reasons and "GK101" in " ".join(entry.block_reasons)
    assert entry.escalation_reviewer == "@carol"
    assert entry.blocked_hours == 2.0
    unedited = savelog.save_log([fact], {7: r}, {}, default_policy)[0]
    assert unedited.block_reasons == ()  # never edited: the body now is the body then
