"""The contract's fields: their names, the labels authors write, and the template's hints."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    aliases: tuple[str, ...]
    hint: str
    fix: str


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "risk_level", "Risk level", ("risk", "risk class"),
        "GREEN, AMBER or RED",
        "declare GREEN, AMBER or RED; at least the class the changed paths fall in",
    ),
    FieldSpec(
        "accountable_owner", "Accountable owner", ("owner",),
        "@handle of the person answerable for this change",
        "name the person answerable for this change as @handle",
    ),
    FieldSpec(
        "change_origin", "Change origin", ("origin",),
        "human, ai-assisted or agent",
        "say who wrote the change: human, ai-assisted or agent",
    ),
    FieldSpec(
        "test_evidence", "Test evidence", ("tests", "testing"),
        "command run and its result, or a link to the run",
        "give the command you ran and its result, or a link to the CI run",
    ),
    FieldSpec(
        "escalation_reviewer", "Escalation reviewer", ("escalation contact",),
        "@handle or @org/team",
        "name the reviewer who must approve a RED change, as @handle or @org/team",
    ),
    FieldSpec(
        "approval_reference", "Approval reference", ("approval", "approval ref"),
        "e.g. APR-1234",
        "give the reference of the real approval, such as APR-1234",
    ),
    FieldSpec(
        "rollback_plan", "Rollback plan", ("rollback",),
        "how to undo this change, and how it was checked",
        "say how to undo this change and how that was checked",
    ),
)

BUILTIN = {spec.name: spec for spec in FIELDS}
ESCALATION_FIELDS = ("escalation_reviewer", "approval_reference", "rollback_plan")


def normalize_label(text: str) -> str:
    """``**Risk_Level** :`` and ``risk level`` are the same label."""
    return " ".join(re.sub(r"[*_`~\-]+", " ", text).split()).casefold()


def label_for(name: str) -> str:
    spec = BUILTIN.get(name)
    return spec.label if spec else name.replace("_", " ").capitalize()


def label_index(extra_aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Map every accepted label (normalized) to its field name."""
    index: dict[str, str] = {}
    for spec in FIELDS:
        for label in (spec.name, spec.label, *spec.aliases):
            index[normalize_label(label)] = spec.name
    for name, aliases in extra_aliases.items():
        for label in (name, *aliases):
            index[normalize_label(label)] = name
    return index


_BUILTIN_PLACEHOLDERS = frozenset(
    {"tbd", "tba", "todo", "fixme", "n/a", "na", "none", "nil", "null", "-", "--", "?", "xxx",
     "...", "…", "placeholder", "same", "see above", "pending"}
)
_PLACEHOLDER_SHAPES = re.compile(
    r"""^(?:
        <[^<>]*>            # <your handle>
      | \[[^\[\]]*\]        # [fill me in]
      | x{3,}               # xxx, xxxx
      | [-_.…?]+            # ---, ___, ..., ?
      | (?:tbd|todo|fixme)\b.*   # TODO: add tests
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_placeholder(value: str, *, field: str, extra: tuple[str, ...] = ()) -> bool:
    """True when ``value`` stands in for an answer rather than giving one."""
    bare = value.strip().strip("*_`\"'").strip().rstrip(".").strip()
    folded = bare.casefold()
    if not folded or folded in _BUILTIN_PLACEHOLDERS or _PLACEHOLDER_SHAPES.match(bare):
        return True
    if folded in {p.casefold() for p in extra}:
        return True
    spec = BUILTIN.get(field)
    return spec is not None and normalize_label(bare) == normalize_label(spec.hint)
