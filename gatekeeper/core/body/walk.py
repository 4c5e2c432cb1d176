"""The state of the walk over a body: the label waiting for its value, the list items and
headings open around the reader, and whether it stands in the contract region. The walk
itself is core/body/contract.py; what each shape reads is in core/body/shapes/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gatekeeper.core.body.reading import SECTION_WORDS, Occurrence, Reader
from gatekeeper.core.body.regions import Regions


@dataclass
class Pending:
    """A label with no value yet: its value is the next block, if it belongs to it."""

    name: str
    items: tuple[int, ...]  # the list items open at the label
    line: int
    heading: bool = False  # the label stands alone (a heading, a summary, a bare line)
    own: bool = False  # a heading or summary naming the field: its value is in the region
    note: str = ""  # "see below": the value is the block below, or there is none


@dataclass
class Walk:
    reader: Reader
    section: str = ""
    pending: Pending | None = None
    held: Pending | None = None  # a label above a <details> whose summary is being read
    items: list[int] = field(default_factory=list)
    serial: int = 0
    regions: Regions = field(default_factory=Regions)
    heads: list[tuple[int, str, str]] = field(default_factory=list)  # level, key, as shown


def in_section(walk: Walk) -> bool:
    """Whether the walk stands in the contract region: a Contract or Escalation section,
    or a collapsed ``<details>`` whose summary names the contract."""
    return any(word in walk.section for word in SECTION_WORDS) or walk.regions.in_contract


def where(walk: Walk) -> str:
    """The heading the walk stands under, as the author wrote it (for help text)."""
    return walk.heads[-1][2] if walk.heads else ""


def offer(walk: Walk, name: str, value: str, line: int, *, own: bool = False,
          anchor: str | None = None) -> None:
    """``own``: the value stands under its own label (a heading or summary naming it);
    ``anchor``: the value is only a link to that place on the page."""
    walk.reader.offer(Occurrence(name, value, line, in_section=own or in_section(walk),
                                 where=where(walk), anchor=anchor))


def take_pending(walk: Walk, value: str, line: int, *, anchor: str | None = None) -> None:
    pending = walk.pending
    walk.pending = None
    if pending is not None and value.strip():
        offer(walk, pending.name, value, line, own=pending.own, anchor=anchor)


def belongs(walk: Walk) -> bool:
    pending = walk.pending
    return pending is not None and tuple(walk.items[:len(pending.items)]) == pending.items
