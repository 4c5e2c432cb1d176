"""What the action writes back for a decision: one pure function, so the labels, the comment
and the status text follow the decision and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gatekeeper.constants import LABEL_BLOCKED, LABEL_RED
from gatekeeper.core.model import Decision, RiskClass

# GitHub cuts a commit status description at 140 characters.
_STATUS_DESCRIPTION = 140


@dataclass(frozen=True)
class PublishPlan:
    # None: leave the labels as the last real evaluation set them.
    labels: frozenset[str] | None
    # "write": create or update the sticky comment; "update": only refresh one that exists
    # (a pass need not add a comment, but must not leave a stale "blocked" one behind).
    comment: Literal["write", "update"]
    status_state: Literal["success", "failure"]
    status_description: str


def publish_plan(decision: Decision) -> PublishPlan:
    # Labels are the recorded history metrics read; a GK9xx block knows neither the class
    # nor the contract, so it leaves them alone.
    labels: frozenset[str] | None = None
    if decision.kind != "could_not_evaluate":
        wanted = set()
        if decision.computed_class is RiskClass.RED:
            wanted.add(LABEL_RED)
        if decision.blocked:
            wanted.add(LABEL_BLOCKED)
        labels = frozenset(wanted)
    if decision.blocked:
        description = _blocked_description(decision)
    else:
        description = f"passed: class {decision.computed_class}"
    return PublishPlan(
        labels=labels,
        comment="write" if decision.blocked else "update",
        status_state="failure" if decision.blocked else "success",
        status_description=description[:_STATUS_DESCRIPTION],
    )


def _blocked_description(decision: Decision) -> str:
    """``blocked: GK202 Escalation → Approval reference: a placeholder ('TBD') (+2 more)``:
    the first field to fix named as the comment names it, and how many more there are."""
    if not decision.reasons:
        return "blocked"
    first = decision.reasons[0]
    if not decision.repairs:
        return f"blocked: {first.code} {first.message}"
    repair = next((r for r in decision.repairs if r.field == first.field), decision.repairs[0])
    code = next(r.code for r in decision.reasons if r.field == repair.field)
    others = len(decision.repairs) - 1 + sum(r.field is None for r in decision.reasons)
    more = f" (+{others} more)" if others else ""
    head = f"blocked: {code} {repair.where}: "
    room = _STATUS_DESCRIPTION - len(head) - len(more)
    state = repair.state if len(repair.state) <= room else repair.state[:room - 1] + "…"
    return f"{head}{state}{more}"
