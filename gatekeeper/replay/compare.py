"""Replay: what a policy decides on past pull requests, and two policies side by side.

Used by ``gatekeeper metrics`` (pull requests from before the rollout) and by
``gatekeeper replay --baseline-policy A --candidate-policy B`` over a repository's
history or a folder of saved bodies (``N.md``) and file lists (``N.files``).

Exit code of ``gatekeeper replay``: 1 when the candidate blocks at least one pull request
the baseline passes (a policy owner sees what tightening a rule would block before
rolling it out, and CI can gate a policy change on it), else 0; 2 for bad usage or
unreadable input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from gatekeeper import BUILD, resources
from gatekeeper.core.body.contract import parse_contract
from gatekeeper.core.decide import evaluate, normalized_contract
from gatekeeper.core.model import ChangedPath, Decision, RiskClass
from gatekeeper.core.policy.load import Policy
from gatekeeper.errors import GatekeeperError
from gatekeeper.history.records import PullRecord
from gatekeeper.local.files import parse_changed_lines, read_body, read_text

REPLAYED_AT = "1970-01-01T00:00:00Z"  # replayed decisions carry no wall-clock time
Change = Literal["same", "newly blocked", "newly passed", "reasons changed"]


@dataclass(frozen=True)
class ReplayOutcome:
    """A replayed decision, reduced to what the metrics count."""

    red: bool
    blocked: bool  # blocked with at least one GK1xx-GK3xx reason
    codes: tuple[str, ...]
    note: str | None = None
    origin: str | None = None  # the change origin the contract declares
    computed_origin: str | None = None  # the decision record's, when it carries one


def record_author(record: PullRecord) -> str | None:
    """The author as the REST API (and so the action and policy exemptions) names it:
    GraphQL calls the bot ``dependabot``, REST ``dependabot[bot]``."""
    if record.author is None:
        return None
    if record.author_is_bot and not record.author.endswith("[bot]"):
        return f"{record.author}[bot]"
    return record.author


def record_changes(record: PullRecord) -> list[ChangedPath]:
    # GraphQL does not give a renamed file's old path; replay sees the new path only. Nor
    # a patch: a modified path may be a submodule bump, judged as the folder it may be,
    # as the live evaluation judges the paths it reads the same way.
    return [ChangedPath(path=f.path, may_be_folder=f.change_type == "MODIFIED")
            for f in record.files]


def decide(body: str, changes: Sequence[ChangedPath], policy: Policy,
           author: str | None) -> Decision:
    return evaluate(body, changes, policy, contract_schema=resources.schema("contract"),
                    evaluated_at=REPLAYED_AT, version=BUILD.describe(), author=author)


def outcome_of(decision: Decision, *, note: str | None = None) -> ReplayOutcome:
    codes = tuple(sorted({r.code for r in decision.reasons}))
    computed = decision.to_record().get("computed_origin")
    return ReplayOutcome(
        red=decision.computed_class is RiskClass.RED,
        blocked=any(reason.code.incomplete_contract for reason in decision.reasons),
        codes=codes,
        note=note,
        origin=decision.contract.get("change_origin"),
        computed_origin=computed if isinstance(computed, str) else None,
    )


def declared_origin(body: str, policy: Policy) -> str | None:
    """The change origin the body's contract declares, normalized as the decision record
    has it (``human``, ``ai-assisted``, ``agent``), or None."""
    contract = parse_contract(body, aliases=policy.field_aliases,
                              placeholders=policy.placeholders)
    return normalized_contract(contract, RiskClass.GREEN, with_class=False).get(
        "change_origin")


def replay_record(record: PullRecord, policy: Policy) -> ReplayOutcome:
    decision = decide(record.body, record_changes(record), policy, record_author(record))
    note = None if record.files_complete else (
        f"file list incomplete ({len(record.files)} of {record.changed_files})")
    return outcome_of(decision, note=note)


# --- two policies side by side ------------------------------------------------------


@dataclass(frozen=True)
class ReplayItem:
    key: str  # "#123" or a file stem
    title: str
    url: str | None
    author: str | None
    body: str
    changes: tuple[ChangedPath, ...]
    note: str | None = None


@dataclass(frozen=True)
class Side:
    decision: str  # pass or block
    computed_class: str
    codes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"decision": self.decision, "computed_class": self.computed_class,
                "codes": list(self.codes)}


@dataclass(frozen=True)
class Compared:
    item: ReplayItem
    baseline: Side
    candidate: Side
    change: Change

    @property
    def codes_added(self) -> tuple[str, ...]:
        return tuple(c for c in self.candidate.codes if c not in self.baseline.codes)

    @property
    def codes_removed(self) -> tuple[str, ...]:
        return tuple(c for c in self.baseline.codes if c not in self.candidate.codes)


def _side(decision: Decision) -> Side:
    # Replay judges the contract and the paths; what only GitHub could have shown at the
    # time (approvals, commit authors) is not replayed, so a pending decision counts as
    # not blocked here.
    return Side("block" if decision.blocked else "pass", decision.computed_class.value,
                tuple(sorted({r.code for r in decision.reasons})))


def compare(items: Iterable[ReplayItem], baseline: Policy, candidate: Policy) -> list[Compared]:
    results = []
    for item in items:
        before = _side(decide(item.body, item.changes, baseline, item.author))
        after = _side(decide(item.body, item.changes, candidate, item.author))
        change: Change
        if before.decision == "pass" and after.decision == "block":
            change = "newly blocked"
        elif before.decision == "block" and after.decision == "pass":
            change = "newly passed"
        elif before.codes != after.codes:
            change = "reasons changed"
        else:
            change = "same"
        results.append(Compared(item, before, after, change))
    return results


def totals(results: Sequence[Compared]) -> dict[str, int]:
    return {
        "pull_requests": len(results),
        "baseline_blocked": sum(r.baseline.decision == "block" for r in results),
        "candidate_blocked": sum(r.candidate.decision == "block" for r in results),
        "newly_blocked": sum(r.change == "newly blocked" for r in results),
        "newly_passed": sum(r.change == "newly passed" for r in results),
        "reasons_changed": sum(r.change == "reasons changed" for r in results),
        "unchanged": sum(r.change == "same" for r in results),
    }


def exit_code(results: Sequence[Compared]) -> int:
    return 1 if any(r.change == "newly blocked" for r in results) else 0


# --- inputs -------------------------------------------------------------------------


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def items_from_folder(folder: Path) -> list[ReplayItem]:
    """``N.md`` bodies with ``N.files`` lists beside them (the format of examples/)."""
    if not folder.is_dir():
        raise GatekeeperError("--from needs a folder of N.md and N.files", file=str(folder))
    bodies = sorted(folder.glob("*.md"), key=lambda p: _natural(p.stem))
    if not bodies:
        raise GatekeeperError("no *.md pull request bodies in the folder", file=str(folder))
    items = []
    for body_path in bodies:
        _, body = read_body(str(body_path))
        files_path = body_path.with_suffix(".files")
        note = None
        changes: list[ChangedPath] = []
        if files_path.is_file():
            name, text = read_text(str(files_path), what="changed-files list",
                                   max_bytes=64 * 1024 * 1024)
            changes = parse_changed_lines(text, file=name)
        else:
            note = f"no {files_path.name}: the class comes from the declared risk alone"
        items.append(ReplayItem(key=body_path.stem, title=body_path.name, url=None,
                                author=None, body=body, changes=tuple(changes), note=note))
    return items


def items_from_records(records: Iterable[PullRecord]) -> list[ReplayItem]:
    return [
        ReplayItem(
            key=f"#{r.number}", title=r.title, url=r.url or None, author=record_author(r),
            body=r.body, changes=tuple(record_changes(r)),
            note=None if r.files_complete else
            f"file list incomplete ({len(r.files)} of {r.changed_files})",
        )
        for r in sorted(records, key=lambda r: r.number)
    ]


# --- output -------------------------------------------------------------------------
