"""Which occurrence of a field counts, and what the reader reports about the body.

Within the prose, a field in the Contract or Escalation section beats a stray line
elsewhere, and the first *filled* occurrence wins over an earlier empty one. The fenced
block fills what the prose left empty or as a placeholder; where both fill a field with
different values, the body blocks on the conflict (GK106). A block inside a collapsed
``<details>`` never overrides what the prose visibly shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from gatekeeper.core.body.lines import clean_label
from gatekeeper.core.fields import BUILTIN, is_placeholder, label_for, normalize_label
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
    _names: dict[str, str | None] = field(default_factory=dict)
    _close: dict[str, str | None] = field(default_factory=dict)
    _near_fields: set[tuple[str, bool]] = field(default_factory=set)

    def name_of(self, label: str) -> str | None:
        cached = self._names.get(label, "")
        if cached != "":
            return cached
        name = self.index.get(label_key(label))
        if len(self._names) < 4096:
            self._names[label] = name
        return name

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


def _status(reader: Reader, name: str, value: str, *, rendered: bool) -> FieldStatus:
    # Prose is rendered (a bare tag shows nothing); the block's YAML is shown as written.
    if not (visible(value) if rendered else strip_invisible(value).strip()):
        return "empty"
    if is_placeholder(value, field=name, extra=reader.placeholders):
        return "placeholder"
    return "filled"


def _value(reader: Reader, occurrence: Occurrence) -> FieldValue:
    value = canonical(occurrence.name, occurrence.value)
    return FieldValue(name=occurrence.name, value=value, line=occurrence.line,
                      status=_status(reader, occurrence.name, value,
                                     rendered=occurrence.source == "prose"),
                      source=occurrence.source)


def _best(values: list[tuple[Occurrence, FieldValue]]) -> tuple[Occurrence, FieldValue]:
    # Filled in its section first; then a placeholder the author wrote in its section (an
    # explicit TBD there is not overridden by a stray line elsewhere); then a filled stray
    # line; then the rest.
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


def choose(reader: Reader) -> Contract:
    grouped: dict[str, list[tuple[Occurrence, FieldValue]]] = {}
    for occurrence in reader.prose:
        grouped.setdefault(occurrence.name, []).append((occurrence, _value(reader, occurrence)))
    fields: dict[str, FieldValue] = {}
    chosen: dict[str, Occurrence] = {}
    for name, values in grouped.items():
        chosen[name], fields[name] = _best(values)
    sectioned = bool(reader.sections)
    problems = list(reader.problems)
    for occurrence in reader.block:
        value = _value(reader, occurrence)
        prose = fields.get(occurrence.name)
        if prose is None:
            fields[occurrence.name] = value
        elif prose.status == "filled" and value.status == "filled":
            stray = sectioned and not chosen[occurrence.name].in_section
            if stray and not occurrence.hidden:
                fields[occurrence.name] = value  # the block beats a stray line elsewhere
            elif _claim(occurrence.name) and not _same(prose.value, value.value):
                problems.append(ReadProblem(
                    f"{label_for(occurrence.name)} is {prose.value!r} at line {prose.line} "
                    f"but {value.value!r} in the gatekeeper block at line {value.line}",
                    value.line, code=Code.GK106, field=occurrence.name))
        elif value.status == "filled" and not occurrence.hidden:
            fields[occurrence.name] = value
    for near in sorted(reader.near, key=lambda miss: (not miss.in_section, miss.line)):
        label, name, line = near.label, near.name, near.line
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
    return Contract(fields=fields, problems=tuple(problems), section_lines=dict(reader.sections))
