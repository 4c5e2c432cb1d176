"""The save log: RED pull requests Gatekeeper blocked that were fixed before they merged.

Candidates for the institutional proof log. The labels say *that* a pull request was
blocked, not why, so the block reason is replayed: the body as it stood when the block
label went on (from GitHub's edit history of the body) against the pull request's files,
under the repository's policy. Pure: the edit histories are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from gatekeeper.core.model import RiskClass
from gatekeeper.core.policy.classify import classify
from gatekeeper.core.policy.load import Policy
from gatekeeper.history.records import PullRecord
from gatekeeper.metrics.compute import PullFacts, half_up
from gatekeeper.metrics.timeline import body_at
from gatekeeper.replay.compare import decide, record_author, record_changes

_SHOWN_PATHS = 3


@dataclass(frozen=True)
class SaveEntry:
    number: int
    url: str
    title: str
    merged_at: datetime
    triggered_at: datetime
    blocked_at: datetime
    fixed_at: datetime
    trigger: str
    block_reasons: tuple[str, ...] | None  # None: not recorded
    escalation_reviewer: str | None
    reviewer: str | None
    review_state: str | None

    @property
    def blocked_hours(self) -> float:
        """Hours blocked, to one decimal, rounded half up from the exact time, as every
        figure of the metrics is (15 minutes is 0.3 h, not float rounding's 0.2)."""
        held = self.fixed_at - self.blocked_at
        seconds = Decimal(held.days * 86400 + held.seconds) + Decimal(held.microseconds) / 10**6
        return float(half_up(seconds / 3600, "0.1"))

    @property
    def outcome(self) -> str:
        review = {"APPROVED": "approved by", "CHANGES_REQUESTED": "changes requested by",
                  "DISMISSED": "reviewed (since dismissed) by"}.get(self.review_state or "")
        who = f"; {review} @{self.reviewer}" if review and self.reviewer else (
            "; no human review" if not review else "")
        return f"fixed after {self.blocked_hours:g} h, merged {self.merged_at:%Y-%m-%d}{who}"


def trigger_text(record: PullRecord, policy: Policy) -> str:
    red = classify(record_changes(record), policy).paths_in(RiskClass.RED)
    if not red:
        return "labelled gatekeeper:red"
    shown = ", ".join(f"{m.shown} ({m.pattern})" for m in red[:_SHOWN_PATHS])
    more = f" and {len(red) - _SHOWN_PATHS} more" if len(red) > _SHOWN_PATHS else ""
    return f"RED paths: {shown}{more}"


def block_reasons(record: PullRecord, body: str | None, policy: Policy) -> tuple[str, ...] | None:
    if body is None:
        return None
    decision = decide(body, record_changes(record), policy, record_author(record))
    return tuple(sorted({r.code for r in decision.reasons if r.code.incomplete_contract}))


def escalation_reviewer(record: PullRecord, policy: Policy) -> str | None:
    decision = decide(record.body, record_changes(record), policy, record_author(record))
    return decision.contract.get("escalation_reviewer")


def save_log(
    saved: Sequence[PullFacts],
    records: Mapping[int, PullRecord],
    edits: Mapping[int, Sequence[tuple[str, str]]],
    policy: Policy,
) -> list[SaveEntry]:
    entries = []
    for fact in saved:
        record = records[fact.number]
        assert fact.merged_at and fact.trigger_at and fact.blocked_at and fact.unblocked_at
        body = body_at(edits.get(fact.number, ()), fact.blocked_at, record.body)
        entries.append(SaveEntry(
            number=fact.number, url=fact.url, title=fact.title, merged_at=fact.merged_at,
            triggered_at=fact.trigger_at, blocked_at=fact.blocked_at,
            fixed_at=fact.unblocked_at, trigger=trigger_text(record, policy),
            block_reasons=block_reasons(record, body, policy),
            escalation_reviewer=escalation_reviewer(record, policy),
            reviewer=fact.reviewer, review_state=fact.review_state,
        ))
    return entries
