"""The state of the walk over a body, and what a label with no value takes from the
block after it: a code block (a command), a list (ticked choices or the list as the
value). The walk itself is core/body/contract.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it.token import Token

from gatekeeper.core.body.lines import Line, logical_lines, looks_like_label
from gatekeeper.core.body.reading import Occurrence, Reader
from gatekeeper.core.body.regions import Regions

SECTION_WORDS = ("contract", "escalation")


@dataclass
class Pending:
    """A label with no value yet: its value is the next block, if it belongs to it."""

    name: str
    items: tuple[int, ...]  # the list items open at the label
    line: int
    heading: bool = False  # the label is a heading: what follows is its section


@dataclass
class Walk:
    reader: Reader
    section: str = ""
    pending: Pending | None = None
    held: Pending | None = None  # a label above a <details> whose summary is being read
    items: list[int] = field(default_factory=list)
    serial: int = 0
    regions: Regions = field(default_factory=Regions)
    heads: list[tuple[int, str]] = field(default_factory=list)


def in_section(walk: Walk) -> bool:
    return any(word in walk.section for word in SECTION_WORDS)


def offer(walk: Walk, name: str, value: str, line: int) -> None:
    walk.reader.offer(Occurrence(name, value, line, in_section=in_section(walk)))


def take_pending(walk: Walk, value: str, line: int) -> None:
    pending = walk.pending
    walk.pending = None
    if pending is not None and value.strip():
        offer(walk, pending.name, value, line)


def belongs(walk: Walk) -> bool:
    pending = walk.pending
    return pending is not None and tuple(walk.items[:len(pending.items)]) == pending.items


def code_value(walk: Walk, token: Token, line: int) -> None:
    """A code block under a label with no value (a command, a script) is its value."""
    if walk.pending is None or not belongs(walk):
        walk.pending = None
        return
    first = line + (1 if token.type == "fence" else 0)
    take_pending(walk, " ".join(token.content.split()), first)


def choices(walk: Walk, tokens: list[Token], position: int, offset: int) -> int:
    """A list right under a label with no value: ticked boxes, or the list as the value.

    Only the list's leading run of task items (or of plain items) is the value; items
    after it (``- **Accountable owner:** ...`` in the same list) are read as usual.
    """
    if not belongs(walk):
        walk.pending = None
        return position
    items: list[tuple[int, list[Line]]] = []  # (index of the item's open token, lines)
    depth = 0
    end = position
    while end < len(tokens):
        token = tokens[end]
        if token.type.endswith("_list_open"):
            depth += 1
        elif token.type.endswith("_list_close"):
            if depth == 0:
                break
            depth -= 1
        elif token.type == "list_item_open" and depth == 0:
            items.append((end, []))
        elif token.type == "inline" and items and not items[-1][1]:
            items[-1][1].extend(logical_lines(token, in_item=True))
        end += 1
    if not items or not items[0][1] or looks_like_label(items[0][1][0]):
        walk.pending = None
        return position  # the list holds other fields: read it as usual
    pending = walk.pending
    tasks = items[0][1][0].task is not None
    run: list[Line] = []
    stop = end
    for index, lines in items:
        if not lines or (lines[0].task is not None) != tasks or looks_like_label(lines[0]):
            stop = index
            break
        run.append(lines[0])
    if pending is None:
        return position
    enum = walk.reader.is_enum(pending.name)
    # A checklist is the value of a choice, and of a field that takes one (test evidence)
    # when it is right under the field's heading or nested in the label's own item; a
    # reviewer checklist after an empty label elsewhere is not its value.
    listed = walk.reader.takes_checklist(pending.name) and (pending.heading or pending.items)
    if tasks and not enum and not listed:
        walk.pending = None
        return position
    if tasks:
        ticked = [line for line in run if line.task]
        if ticked:
            take_pending(walk, (", " if enum else "; ").join(
                line.text.strip() for line in ticked), ticked[0].number + offset)
        walk.pending = None
    else:
        texts = [line.text.strip() for line in run if line.text.strip()]
        take_pending(walk, "; ".join(texts), run[0].number + offset)
    return stop
