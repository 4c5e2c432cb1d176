"""Which occurrence of a field counts, and what the reader reports about the body.

Within the prose, a field in the Contract or Escalation section beats a stray line
elsewhere, and the first *filled* occurrence wins over an earlier empty one. The fenced
block fills what the prose left empty or as a placeholder; where both fill a field with
different values, the body blocks on the conflict (GK106). A block inside a collapsed
``<details>`` never overrides what the prose visibly shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from gatekeeper.core.body.lines import clean_label
from gatekeeper.core.fields import (
    BUILTIN,
    is_placeholder,
    label_for,
    normalize_label,
    section_of,
    section_title,
)
from gatekeeper.core.model import BodyProblem, Contract, FieldStatus, FieldValue
from gatekeeper.core.reasons import Code
from gatekeeper.core.text.normalize import lookalikes_folded, strip_invisible, visible

_NEAR_MISS_CUTOFF = 0.85
_NEAR_MISS_SHORTEST = 5  # "Risk" alone is too short to call "Rsik" a near miss
_NEAR_MISS_CHECKS = 400  # distinct label-like texts looked at for near misses, at most
_ENUM_TAIL = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*$")
_ENUM_SPLIT = re.compile(r"[\s,;/]+")
_INLINE_BOX = re.compile(r"\[([ xX])\]\s*([^\[\]]*)")
# Fields whose two different values are two different claims are those whose kind says so
# (FieldSpec.claim). Free text (test evidence, a rollback plan) is worded differently in
# prose and block without contradicting itself; there the prose, which the reviewer sees,
# is kept.
SECTION_WORDS = ("contract", "escalation")


@dataclass(frozen=True)
class ReadProblem(BodyProblem):
    """A problem with the body that has its own reason code and field."""

    code: Code = Code.GK104
    field: str | None = None


@dataclass(frozen=True)
class Occurrence:
    name: str
    value: str
    line: int
    in_section: bool = False
    source: Literal["prose", "block"] = "prose"
    hidden: bool = False  # in a collapsed <details>
    where: str = ""  # the heading it stands under, as written
    anchor: str | None = None  # the value is only a link to "#anchor" on the page
    contract_table: bool = False  # in a table of two fields or more


@dataclass(frozen=True)
class NearMiss:
    """A label close to a field's name, where the author wrote it."""

    label: str
    name: str
    line: int
    in_section: bool


def label_key(label: str) -> str:
    """A label as it is looked up: decoration removed, lookalike letters read as Latin."""
    return normalize_label(lookalikes_folded(clean_label(label)))


# What label_key() may drop from ASCII text besides spaces and punctuation: tags, entities
# and math (visible()), :shortcodes: and a parenthetical note (clean_label()).
_MAY_DROP_LETTERS = re.compile(r"[<&$():]")
_NOT_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())


def key_longer_than(label: str, longest: int) -> bool:
    """Whether ``label_key(label)`` is surely longer than ``longest``, known without
    computing it: an ASCII label with none of ``<&$():`` keeps every letter in its key.
    (Most lines of prose, asked whether they are a field's label, are answered here.)"""
    return (len(label) > longest and label.isascii() and _MAY_DROP_LETTERS.search(label) is None
            and len(label.encode().translate(None, _NOT_LETTERS)) > longest)


@dataclass
class Reader:
    index: dict[str, str]
    placeholders: tuple[str, ...]
    sections: dict[str, int] = field(default_factory=dict)
    prose: list[Occurrence] = field(default_factory=list)
    block: list[Occurrence] = field(default_factory=list)
    problems: list[BodyProblem] = field(default_factory=list)
    near: list[NearMiss] = field(default_factory=list)
    blocks_seen: int = 0
    contract_tables: int = 0  # tables that hold two fields or more
    anchors: set[str] = field(default_factory=set)  # the page's own #anchors
    _names: dict[str, str | None] = field(default_factory=dict)
    _close: dict[str, str | None] = field(default_factory=dict)
    _near_fields: set[tuple[str, bool]] = field(default_factory=set)
    _slugs: dict[str, int] = field(default_factory=dict)
    _longest: int = -1  # the length of the longest label in the index

    def name_of(self, label: str) -> str | None:
        cached = self._names.get(label, "")
        if cached != "":
            return cached
        if self._longest < 0:
            self._longest = max(map(len, self.index), default=0)
        if key_longer_than(label, self._longest):
            return None  # longer than every label: no field's
        name = self.index.get(label_key(label))
        if len(self._names) < 4096:
            self._names[label] = name
        return name

    def heading_anchor(self, slug: str) -> None:
        """A heading's anchor, numbered as GitHub numbers a repeated one ("tests-1")."""
        seen = self._slugs.get(slug, 0)
        self._slugs[slug] = seen + 1
        self.anchors.add(f"{slug}-{seen}" if seen else slug)

    def is_label_of(self, name: str, value: str) -> bool:
        """Whether ``value`` is the field's label (or an alias of it) written again."""
        return self.index.get(label_key(value)) == name

    def summary_names(self, words: str) -> str | None:
        """What a ``<details>`` summary names: "contract" (the contract, its Contract or
        Escalation section), a field's name (its label), or None."""
        key = label_key(words)
        if any(word in key.split() for word in (*SECTION_WORDS, "gatekeeper")):
            return "contract"
        return self.index.get(key)

    def has_region(self) -> bool:
        """Whether the body has a contract region: a Contract or Escalation section, the
        fenced block, or a contract table. Only a body without one is read label by label
        wherever labels stand."""
        return bool(self.sections) or self.blocks_seen > 0 or self.contract_tables > 0

    def is_enum(self, name: str) -> bool:
        spec = BUILTIN.get(name)
        return spec is not None and bool(spec.choices)

    def takes_checklist(self, name: str) -> bool:
        spec = BUILTIN.get(name)
        return spec is not None and spec.checklist

    def choice_of(self, name: str, text: str) -> str | None:
        """The choice of the enum field ``name`` that ``text`` names, if it names one."""
        spec = BUILTIN.get(name)
        value = canonical(name, text)
        return value if spec is not None and value in spec.choices else None

    def near_miss(self, label: str, line: int, *, in_section: bool = False) -> None:
        """A label close to a field's name: remembered with its line and suggestion."""
        key = label_key(label)
        if len(key) < _NEAR_MISS_SHORTEST or len(key) > 40:
            return
        if key in self._close:
            name = self._close[key]
        elif len(self._close) < _NEAR_MISS_CHECKS:
            import difflib  # only a body with an unknown label-like text needs it

            close = difflib.get_close_matches(key, list(self.index), n=1,
                                              cutoff=_NEAR_MISS_CUTOFF)
            name = self.index[close[0]] if close else None
            self._close[key] = name
        else:
            return
        if name is not None and (name, in_section) not in self._near_fields:
            # The first near miss of each field, in its section and elsewhere, is kept.
            self._near_fields.add((name, in_section))
            self.near.append(NearMiss(label.strip(), name, line, in_section))

    def offer(self, occurrence: Occurrence) -> None:
        (self.block if occurrence.source == "block" else self.prose).append(occurrence)


def canonical(name: str, value: str) -> str:
    """An enum value with a trailing note, period or emoji tolerated: ``RED (auth)``."""
    spec = BUILTIN.get(name)
    if spec is not None and spec.token:
        # One token: a trailing period or comma is punctuation, not part of it, and so are
        # quotes round it ('"@dana"', as YAML-style lines quote a handle).
        # A note in parentheses after it is the author's aside: "@bob (Bob Smith)",
        # "SEC-2291 (approved in #security)".
        stripped = _unquoted(_ENUM_TAIL.sub("", value.strip()) or value.strip()).rstrip(".,;")
        return stripped if any(c.isalnum() for c in stripped) else value.strip()
    if spec is None or not spec.choices:
        return value.strip()
    text = visible(value).strip()
    boxes = _INLINE_BOX.findall(text)
    if len(boxes) >= 2:
        # "[ ] GREEN [ ] AMBER [x] RED" on one line: the ticked choices.
        text = ", ".join(choice.strip() for mark, choice in boxes if mark != " ")
    text = _ENUM_TAIL.sub("", text)
    text = text.strip(" .!,;:*_`\"'")
    words = [w for w in _ENUM_SPLIT.split(text) if any(c.isalnum() for c in w)]
    folded = "-".join(w.casefold().replace("_", "-") for w in words[:2])
    for choice in spec.choices:
        key = choice.casefold()
        if words and words[0].casefold().replace("_", "-").strip(".!:") == key:
            return choice if len(words) == 1 or not _names_other(words[1:], spec.choices) \
                else value.strip()
        if folded == key:
            return choice
    return value.strip()


_QUOTES = {'"': '"', "'": "'", "`": "`", "\u201c": "\u201d", "\u2018": "\u2019"}


def _unquoted(text: str) -> str:
    if len(text) > 2 and _QUOTES.get(text[0]) == text[-1]:
        return text[1:-1].strip()
    return text


def _names_other(words: list[str], choices: tuple[str, ...]) -> bool:
    keys = {c.casefold() for c in choices}
    return any(w.casefold().strip(".!") in keys for w in words)


def _status(reader: Reader, occurrence: Occurrence, value: str, *,
            rendered: bool) -> FieldStatus:
    # Prose is rendered (a bare tag shows nothing); the block's YAML is shown as written.
    name = occurrence.name
    if not (visible(value) if rendered else strip_invisible(value).strip()):
        return "empty"
    if is_placeholder(value, field=name, extra=reader.placeholders):
        return "placeholder"
    if len(value) <= 80 and reader.is_label_of(name, value):
        return "placeholder"  # the label again ("Test evidence: Test evidence") says nothing
    if occurrence.anchor is not None and occurrence.anchor not in reader.anchors:
        return "placeholder"  # a link to a place the page does not have
    return "filled"


def _value(reader: Reader, occurrence: Occurrence) -> FieldValue:
    value = canonical(occurrence.name, occurrence.value)
    return FieldValue(name=occurrence.name, value=value, line=occurrence.line,
                      status=_status(reader, occurrence, value,
                                     rendered=occurrence.source == "prose"),
                      source=occurrence.source)


def _best(values: list[tuple[Occurrence, FieldValue]]) -> tuple[Occurrence, FieldValue]:
    # Filled in its section first; then a placeholder the author wrote in its section (an
    # explicit TBD there is not overridden by a stray line elsewhere); then a filled stray
    # line (in a body with no contract region); then the rest.
    def rank(pair: tuple[Occurrence, FieldValue]) -> tuple[int, int]:
        occurrence, value = pair
        if value.status == "filled":
            order = 0 if occurrence.in_section else 2
        elif value.status == "placeholder" and occurrence.in_section:
            order = 1
        else:
            order = 3 if occurrence.in_section else 4
        return order, occurrence.line
    return min(values, key=rank)


def _same(a: str, b: str) -> bool:
    return " ".join(visible(a).casefold().split()) == " ".join(visible(b).casefold().split())


def _claim(name: str) -> bool:
    spec = BUILTIN.get(name)
    return spec is not None and spec.claim


def _outside_note(occurrence: Occurrence, value: FieldValue) -> str:
    section = section_title(section_of(occurrence.name))
    under = f"under '{occurrence.where}' " if occurrence.where else ""
    return (f"{label_for(occurrence.name)} appears {under}at line {occurrence.line}, outside "
            f"the {section} section, and counts only there; move it there")


def choose(reader: Reader, *, approval_pattern: re.Pattern[str] | None = None) -> Contract:
    region = reader.has_region()
    grouped: dict[str, list[tuple[Occurrence, FieldValue]]] = {}
    strays: dict[str, tuple[Occurrence, FieldValue]] = {}
    for occurrence in reader.prose:
        value = _value(reader, occurrence)
        if occurrence.contract_table and not reader.sections:
            occurrence = replace(occurrence, in_section=True)  # the table is the region
        if region and not occurrence.in_section:
            # Outside the contract region: never the answer, only where help points.
            if value.status == "filled":
                strays.setdefault(occurrence.name, (occurrence, value))
            continue
        grouped.setdefault(occurrence.name, []).append((occurrence, value))
    fields: dict[str, FieldValue] = {}
    chosen: dict[str, Occurrence] = {}
    for name, values in grouped.items():
        chosen[name], fields[name] = _best(values)
    problems = list(reader.problems)
    for occurrence in reader.block:
        value = _value(reader, occurrence)
        prose = fields.get(occurrence.name)
        if prose is None:
            fields[occurrence.name] = value
        elif prose.status == "filled" and value.status == "filled":
            stray = not chosen[occurrence.name].in_section
            if stray and not occurrence.hidden:
                fields[occurrence.name] = value  # the block beats a stray line elsewhere
            elif _claim(occurrence.name) and not _same(prose.value, value.value):
                problems.append(ReadProblem(
                    f"{label_for(occurrence.name)} is {prose.value!r} at line {prose.line} "
                    f"but {value.value!r} in the gatekeeper block at line {value.line}",
                    value.line, code=Code.GK106, field=occurrence.name))
        elif value.status == "filled" and not occurrence.hidden:
            fields[occurrence.name] = value
    if approval_pattern is not None:
        _reference_in_sentence(fields, problems, approval_pattern)
    for near in sorted(reader.near, key=lambda miss: (not miss.in_section, miss.line)):
        label, name, line = near.label, near.name, near.line
        if region and not near.in_section:
            continue  # outside the region, the right label would not count either
        current = fields.get(name)
        if current is not None and current.status == "filled" and (
                not near.in_section or current.source == "block"
                or chosen[name].in_section):
            # Filled where it counts. A near miss in the section beside a value found
            # only on a stray line elsewhere is what the author meant to fill: reported.
            continue
        if any(isinstance(p, ReadProblem) and p.field == name and p.code is Code.GK107
               for p in problems):
            continue
        problems.append(ReadProblem(
            f"unknown label {label!r} at line {line}; did you mean {label_for(name)!r}?",
            line, code=Code.GK107, field=name))
    outside = {name: _outside_note(occurrence, value)
               for name, (occurrence, value) in strays.items()
               if name not in fields or fields[name].status != "filled"}
    return Contract(fields=fields, problems=tuple(problems), section_lines=dict(reader.sections),
                    outside=outside)


_SENTENCE_TOKEN = re.compile(r"[^\s,;:()\[\]{}<>\"'`*]+")


def _reference_in_sentence(fields: dict[str, FieldValue], problems: list[BodyProblem],
                           pattern: re.Pattern[str]) -> None:
    """"Approved by the board as APR-2291 on Monday": the one token of the sentence that
    matches the policy's pattern is the reference; two such tokens are an error naming
    both, and none leaves the value as it is (to fail the pattern)."""
    field = fields.get("approval_reference")
    if field is None or field.status != "filled" or pattern.fullmatch(field.value):
        return
    words = visible(field.value).split()
    if len(words) < 2:
        return
    found: list[str] = []
    for token in _SENTENCE_TOKEN.findall(" ".join(words)):
        token = token.rstrip(".!?")
        if pattern.fullmatch(token) and token not in found:
            found.append(token)
    if len(found) == 1:
        fields["approval_reference"] = replace(field, value=found[0])
    elif len(found) > 1:
        named = " and ".join(repr(token) for token in found[:3])
        problems.append(ReadProblem(
            f"{label_for('approval_reference')} names {len(found)} references, {named}, "
            f"at line {field.line}; give exactly one", field.line, code=Code.GK105,
            field="approval_reference"))
