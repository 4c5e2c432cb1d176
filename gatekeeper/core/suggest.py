"""What a blocked author should paste: the contract with their own values kept, the risk
level Gatekeeper computed, and a marked blank for each field that still needs a value.

Pure, and written from the field registry (core/fields.py). The suggestion is read back
with the same reader that judged the body before it is offered: a prose suggestion whose
values would not read back as written is offered as a ```gatekeeper block instead, whose
values are quoted exactly.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Literal

from gatekeeper.core.body.contract import parse_contract
from gatekeeper.core.body.reading import ReadProblem
from gatekeeper.core.fields import (
    BUILTIN,
    FIELDS,
    Section,
    label_for,
    section_of,
    section_title,
)
from gatekeeper.core.model import (
    Contract,
    FieldValue,
    Reason,
    Repair,
    RiskClass,
)
from gatekeeper.core.policy.load import DEFAULT_APPROVAL_PATTERN, Policy
from gatekeeper.core.reasons import Code
from gatekeeper.core.text.normalize import strip_invisible

Style = Literal["prose", "block"]
# What marks a blank in the suggestion; a blank left as it is still reads as missing.
NEEDED = "needed:"
def _by_editing(reason: Reason) -> bool:
    return reason.code.fixed_by_editing


def fixable(reasons: Sequence[Reason]) -> bool:
    """True when editing the description can fix the block (a GK1xx or GK2xx reason)."""
    return any(_by_editing(r) for r in reasons)


def where(name: str) -> str:
    """A field named as the author sees it: ``Escalation → Approval reference``."""
    return f"{section_title(section_of(name))} → {label_for(name)}"


def repairs(
    contract: Contract, reasons: Sequence[Reason], *,
    declared: RiskClass | None, computed: RiskClass, policy: Policy,
) -> tuple[Repair, ...]:
    """One entry per field that has reasons, in the order the reasons come."""
    by_field: dict[str, list[Reason]] = {}
    for reason in reasons:
        if reason.field is not None:
            by_field.setdefault(reason.field, []).append(reason)
    out = []
    for name, found in by_field.items():
        states: list[str] = []
        for reason in found:
            state = _state(contract.fields.get(name), reason, declared=declared,
                           computed=computed, policy=policy)
            if state not in states:
                states.append(state)
        out.append(Repair(field=name, where=where(name), state="; ".join(states),
                          need=found[0].fix))
    order = {spec.name: index for index, spec in enumerate(FIELDS)}
    return tuple(sorted(out, key=lambda r: order.get(r.field, len(order))))


def _state(value: FieldValue | None, reason: Reason, *, declared: RiskClass | None,
           computed: RiskClass, policy: Policy) -> str:
    code = reason.code
    if code in (Code.GK101, Code.GK102, Code.GK202, Code.GK203):
        if value is None:
            return "missing"
        if value.status == "placeholder":
            return f"a placeholder ({value.value!r})"
        return "left empty"
    if code is Code.GK103 and value is not None:
        spec = BUILTIN.get(reason.field or "")
        rule = spec.rule if spec and spec.rule else "a valid value"
        return f"{value.value!r}: it must be {rule}"
    if code is Code.GK105 and value is not None:
        return f"{value.value!r} does not match the policy's pattern " \
               f"{policy.approval_reference_raw}"
    if code is Code.GK201:
        return f"declared {declared}, but the change is {computed}"
    return reason.message


def style_for(contract: Contract, *, author: str | None, origin: str | None = None) -> Style:
    """The style the body already uses: a ```gatekeeper block when it has one (or tried
    to), or when a bot or an agent opened the pull request (by its account, its declared
    origin or the ``origin`` the evidence shows); the prose sections otherwise."""
    used_block = any(f.source == "block" for f in contract.fields.values()) or any(
        not isinstance(p, ReadProblem) or p.code is Code.GK106 for p in contract.problems)
    declared = contract.fields.get("change_origin")
    agent = origin == "agent" or (declared is not None and declared.status == "filled"
                                  and declared.value.strip().casefold() == "agent")
    bot = author is not None and author.casefold().endswith("[bot]")
    return "block" if used_block or agent or bot else "prose"


def suggest(
    contract: Contract, reasons: Sequence[Reason], policy: Policy, *,
    effective: RiskClass, author: str | None = None, origin: str | None = None,
) -> str:
    """The contract to paste in place of the Contract and Escalation sections (and any
    gatekeeper block): values kept, ``effective`` as the risk level, blanks marked.

    ``origin`` is the change origin the evidence shows: it fills a missing or
    under-declared origin when the evidence shows more than a human's work (that a
    person wrote it alone is theirs to say, never Gatekeeper's)."""
    entries = _entries(contract, reasons, policy, effective, origin)
    if style_for(contract, author=author, origin=origin) == "prose":
        text = _prose(entries)
        if not _unread(text, entries, policy):
            return text
    text = _block(entries)
    unread = _unread(text, entries, policy)
    if unread:
        # A value even the block cannot carry is asked for again rather than offered wrong.
        entries = [(entry[0], None, _need(entry[0], policy)) if entry[0] in unread else entry
                   for entry in entries]
        text = _block(entries)
    return text


# (field, value to keep or None, what a blank needs)
_Entry = tuple[str, str | None, str]


def _entries(contract: Contract, reasons: Sequence[Reason], policy: Policy,
             effective: RiskClass, origin: str | None) -> list[_Entry]:
    needs = {reason.field for reason in reasons
             if reason.field is not None and _by_editing(reason)}
    required = {spec.name for spec in FIELDS if spec.requirement == "always"}
    if effective is RiskClass.RED:
        required |= {spec.name for spec in FIELDS if spec.requirement == "red"}
    for risk_class in RiskClass:
        if risk_class.rank <= effective.rank:
            required |= set(policy.required_fields(risk_class))
    known = [spec.name for spec in FIELDS]
    names = known + sorted((required | set(contract.fields) | needs) - set(known))

    entries: list[_Entry] = []
    for name in names:
        if name == "risk_level":
            entries.append((name, effective.value, ""))
            continue
        if name == "change_origin" and name in needs and origin not in (None, "human"):
            entries.append((name, str(origin), ""))
            continue
        value = contract.fields.get(name)
        kept = _copyable(value.value) if value is not None and value.status == "filled" \
            and name not in needs else None
        if kept is not None:
            entries.append((name, kept, ""))
        elif name in needs or name in required:
            entries.append((name, None, _need(name, policy)))
    return entries


def _copyable(value: str) -> str | None:
    """The value on one line, or None when it holds characters a person cannot see (or
    YAML cannot carry): what is pasted must be what is seen, so such a value is asked for
    again instead of being offered back changed."""
    line = " ".join(value.split())
    if strip_invisible(line) != line or any(
            unicodedata.category(c) in ("Cf", "Cc", "Cn") for c in line):
        return None
    return line


def _need(name: str, policy: Policy) -> str:
    """What a blank asks for: what the field takes (not what was wrong before: a conflict
    with the prose is gone once the suggestion replaces both)."""
    spec = BUILTIN.get(name)
    if (spec is not None and spec.kind == "reference"
            and policy.approval_reference_raw != DEFAULT_APPROVAL_PATTERN):
        need = ("give the reference of the real approval, matching the policy's pattern "
                f"{policy.approval_reference_raw}")
    elif spec is not None:
        need = spec.fix
    else:
        need = policy.field_descriptions.get(name) or f"give the {label_for(name)}"
    # A blank is an HTML comment or a YAML comment: nothing in it may end either.
    return " ".join(need.replace("--", "-").split())


def _prose(entries: list[_Entry]) -> str:
    sections: dict[Section, list[str]] = {}
    for name, value, need in entries:
        shown = value if value is not None else f"<!-- {NEEDED} {need} -->"
        sections.setdefault(section_of(name), []).append(f"- **{label_for(name)}:** {shown}")
    parts = [f"## {section_title(section)}\n" + "\n".join(lines)
             for section, lines in sections.items()]
    return "\n\n".join(parts) + "\n"


def _block(entries: list[_Entry]) -> str:
    lines = ["```gatekeeper"]
    for name, value, need in entries:
        if value is None:
            lines.append(f'{name}: ""  # {NEEDED} {need}')
        else:
            # A JSON string is a YAML double-quoted scalar: the value reads back exactly.
            lines.append(f"{name}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("```")
    return "\n".join(lines) + "\n"


def _unread(text: str, entries: list[_Entry], policy: Policy) -> set[str]:
    """The fields of ``text`` that would not read back as the suggestion means them: a kept
    value read differently (or not at all), a blank read as filled. Pasting the suggestion
    must change nothing the author did not change."""
    read = parse_contract(text, aliases=policy.field_aliases, placeholders=policy.placeholders)
    if read.problems:
        return {name for name, _, _ in entries}
    unread = set()
    for name, value, _ in entries:
        got = read.fields.get(name)
        if value is None:
            if got is not None and got.status == "filled":
                unread.add(name)
        elif got is None or got.status != "filled" or " ".join(got.value.split()) != value:
            unread.add(name)
    return unread
