"""Typed data shapes shared by the pipeline: inputs -> contract + classification -> decision."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

from gatekeeper.core.digest import sha256
from gatekeeper.core.reasons import Code


class RiskClass(StrEnum):
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> RiskClass | None:
        try:
            return cls(text.strip().upper())
        except ValueError:
            return None

    def __str__(self) -> str:
        return self.value


_RANK = {RiskClass.GREEN: 0, RiskClass.AMBER: 1, RiskClass.RED: 2}


def highest(classes: list[RiskClass]) -> RiskClass:
    return max(classes, key=lambda c: c.rank, default=RiskClass.GREEN)


FieldStatus = Literal["filled", "empty", "placeholder"]


@dataclass(frozen=True)
class FieldValue:
    """One contract field as the author wrote it, with the body line it came from."""

    name: str
    value: str
    line: int
    status: FieldStatus
    source: Literal["prose", "block"] = "prose"


@dataclass(frozen=True)
class BodyProblem:
    """Something wrong with the body itself, such as a malformed gatekeeper block."""

    message: str
    line: int | None


@dataclass(frozen=True)
class Contract:
    fields: dict[str, FieldValue]
    problems: tuple[BodyProblem, ...] = ()
    section_lines: dict[str, int] = field(default_factory=dict)
    # Where a field missing from the contract region was seen outside it, in words.
    outside: dict[str, str] = field(default_factory=dict)

    def filled(self) -> dict[str, str]:
        return {name: f.value for name, f in self.fields.items() if f.status == "filled"}


@dataclass(frozen=True)
class ChangedPath:
    """A changed path; a rename also carries the path it had before.

    ``submodule`` marks a gitlink: the path is a folder (another repository's commit), so
    it is classified as that folder, ``src/auth`` matching ``auth/``.
    """

    path: str
    old_path: str | None = None
    submodule: bool = False
    # The list this path came from does not say whether it is a file or a gitlink (GitHub's
    # GraphQL list of files): it is judged as a folder too, never named a submodule.
    may_be_folder: bool = False

    def all_paths(self) -> tuple[str, ...]:
        return (self.path,) if self.old_path is None else (self.old_path, self.path)


@dataclass(frozen=True)
class PathMatch:
    path: str
    risk_class: RiskClass
    pattern: str
    submodule: bool = False

    @property
    def shown(self) -> str:
        """The path as messages name it: a submodule says so."""
        return f"{self.path} (submodule)" if self.submodule else self.path


@dataclass(frozen=True)
class Classification:
    computed_class: RiskClass
    matches: tuple[PathMatch, ...]
    # How many distinct paths were judged (a rename's two paths count twice).
    paths_judged: int = 0

    def paths_in(self, risk_class: RiskClass) -> list[PathMatch]:
        return [m for m in self.matches if m.risk_class is risk_class]


@dataclass(frozen=True)
class Reason:
    code: Code
    message: str
    fix: str
    field: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Exemption:
    name: str
    author: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class PolicyOrigin:
    source: str
    ref: str | None = None
    sha: str | None = None
    # The organisation's central policy that this one tightens, when there is one.
    central: PolicyOrigin | None = None

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"source": self.source, "ref": self.ref, "sha": self.sha}
        if self.central is not None:
            record["central"] = self.central.to_record()
        return record


@dataclass(frozen=True)
class Repair:
    """What one contract field needs, in words an author can act on (core/suggest.py)."""

    field: str
    where: str  # "Escalation → Approval reference"
    state: str  # "a placeholder ('TBD')"
    need: str  # "give the reference of the real approval, such as APR-1234"


DecisionKind = Literal["judged", "exempt", "could_not_evaluate"]
# The record's format version (schemas/decision.schema.json); bump on any change to it.
RECORD_SCHEMA_VERSION = 5


@dataclass(frozen=True)
class Caveat:
    """Something the decision could not check, and what it would take to check it.

    ``check`` names the kind (``escalation_approval``, ``changed_paths``); ``subject`` is
    what it is about (the reviewer's handle), when there is one.
    """

    check: str
    detail: str
    subject: str | None = None
    # A check only GitHub can make, not made yet: a local decision is then ``pending``.
    pending: bool = False


@dataclass(frozen=True)
class Decision:
    id: str
    kind: DecisionKind
    blocked: bool
    computed_class: RiskClass
    declared_class: RiskClass | None
    effective_class: RiskClass
    classification: Classification
    contract: dict[str, str]
    reasons: tuple[Reason, ...]
    exemptions: tuple[Exemption, ...]
    policy: PolicyOrigin
    gatekeeper_version: str
    evaluated_at: str
    caveats: tuple[Caveat, ...] = field(default=())
    # The origin the evidence shows, and what showed it.
    computed_origin: str | None = None
    origin_evidence: tuple[str, ...] = ()
    # What the rules still need read from the forge (authority.Need); not in the record.
    needs: frozenset[Any] = field(default=frozenset(), compare=False)
    # For a contract the author can fix: the contract to paste, and what each field needs.
    suggested_contract: str | None = None
    repairs: tuple[Repair, ...] = field(default=())

    @property
    def outcome(self) -> Literal["pass", "block", "pending"]:
        if self.blocked:
            return "block"
        return "pending" if self.pending_checks() else "pass"

    def pending_checks(self) -> tuple[Caveat, ...]:
        return tuple(c for c in self.caveats if c.pending)

    def caveat(self, check: str) -> Caveat | None:
        return next((c for c in self.caveats if c.check == check), None)

    def with_caveats(self, extra: tuple[Caveat, ...]) -> Decision:
        return replace(self, caveats=self.caveats + extra)

    def blocked_by(self, extra: tuple[Reason, ...]) -> Decision:
        """This decision, blocked also by what was found beyond its own pull request (another
        pull request on the commit, one in the merge group); the id names the verdict."""
        if not extra:
            return self
        seed = "\0".join([self.id, *(f"{r.code}\0{r.message}" for r in extra)])
        return replace(self, id=f"gk-{sha256(seed.encode()).hexdigest()[:16]}",
                       blocked=True, reasons=self.reasons + extra)

    def to_record(self) -> dict[str, Any]:
        """The decision as the JSON record described by schemas/decision.schema.json."""

        def matches(risk_class: RiskClass) -> list[dict[str, Any]]:
            return [
                {"path": m.path, "pattern": m.pattern,
                 **({"submodule": True} if m.submodule else {})}
                for m in self.classification.paths_in(risk_class)
            ]

        return {
            "schema_version": RECORD_SCHEMA_VERSION,
            "id": self.id,
            "decision": self.outcome,
            "kind": self.kind,
            "computed_class": self.computed_class.value,
            "declared_class": self.declared_class.value if self.declared_class else None,
            "effective_class": self.effective_class.value,
            "contract": dict(self.contract),
            "caveats": [
                {"check": c.check, "detail": c.detail, "subject": c.subject,
                 "pending": c.pending}
                for c in self.caveats
            ],
            "computed_origin": self.computed_origin,
            "origin_evidence": list(self.origin_evidence),
            "red_paths": matches(RiskClass.RED),
            "amber_paths": matches(RiskClass.AMBER),
            "reasons": [
                {"code": str(r.code), "message": r.message, "field": r.field, "line": r.line,
                 "fix": r.fix}
                for r in self.reasons
            ],
            "exemptions": [
                {"name": e.name, "author": e.author, "paths": list(e.paths)}
                for e in self.exemptions
            ],
            "policy": {**self.policy.to_record(), "central": (
                self.policy.central.to_record() if self.policy.central else None)},
            "gatekeeper_version": self.gatekeeper_version,
            "evaluated_at": self.evaluated_at,
            "suggested_contract": self.suggested_contract,
        }
