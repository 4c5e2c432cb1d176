"""Label lines: ``Label: value`` in a paragraph or list item, a bold label, a label with
its value on the lines after it, a definition (``Risk level`` over ``: RED``), and the
value a waiting label takes from the paragraph after it.
"""

from __future__ import annotations

from markdown_it.token import Token

from gatekeeper.core.body.lines import (
    Label,
    Line,
    definition_value,
    logical_lines,
    looks_like_label,
    only_link,
    split_label,
)
from gatekeeper.core.body.reading import Occurrence, Reader
from gatekeeper.core.body.walk import Pending, Walk, belongs, in_section, offer, take_pending, where
from gatekeeper.core.fields import (
    OTHER_TEMPLATE_LABELS,
    is_placeholder,
    is_template_note,
    normalize_label,
    points_below,
)


def read_inline(walk: Walk, token: Token, offset: int) -> None:
    """A paragraph, list item or table-free inline: the value of a waiting label, or lines
    read label by label."""
    lines = logical_lines(token, in_item=bool(walk.items))
    for line in lines:
        line.number += offset
        if line.anchors:
            walk.reader.anchors.update(line.anchors)
    pending = walk.pending
    if pending is not None and belongs(walk):
        shown = [(line.number, text) for line in lines if (text := line.text.strip())]
        notes = 0
        while notes < len(shown) and is_template_note(shown[notes][1]):
            notes += 1  # "_(REQUIRED)_" under the label: the template's, not a value
        if shown and notes == len(shown):
            offer(walk, pending.name, " ".join(text for _, text in shown),
                  shown[0][0], own=pending.own)  # a placeholder, unless a value follows
            return
    if pending is not None:
        if not belongs(walk) or ends_value(walk.reader, lines[0], split_label(lines[0])):
            walk.pending = None
        else:
            shown = [(line.number, text) for line in lines if (text := line.text.strip())]
            while shown and is_template_note(shown[0][1]):
                shown.pop(0)
            if walk.reader.is_enum(pending.name):
                shown = shown[:1]  # an enum field takes its first line
            value = " ".join(text for _, text in shown)
            take_pending(walk, value, shown[0][0] if shown else 0,
                         anchor=only_link(lines[-1], value) if len(lines) == 1 else None)
            return
    read_lines(walk, lines)


def read_lines(walk: Walk, lines: list[Line]) -> None:
    reader = walk.reader
    labels = [split_label(line) for line in lines]
    if labels.count(None) == len(labels):
        for index in range(len(lines)):  # no line starts with a label: most paragraphs
            _unlabelled(walk, lines, index)
        return
    # Whether each line opens a new item, computed once: a label with nothing after it
    # takes the following lines of its paragraph up to the next such line (linear).
    opens = [found is not None and looks_like_label(line, found) for found, line in zip(
        labels, lines, strict=True)]
    # Where the run of lines after each line ends: at the next line that opens an item
    # other than the value's own words ("Unit tests: 31 passed" under "Test evidence:").
    ends: list[int] = [len(lines)] * len(lines)
    end = len(lines)
    stops: dict[tuple[str, str, bool], bool] = {}  # by label, value and boldness
    for index in range(len(lines) - 1, -1, -1):
        ends[index] = end
        found = labels[index]
        if not opens[index] or found is None:
            continue
        key = (found.label, found.value, found.bold)
        stop = stops.get(key)
        if stop is None:
            stop = stops[key] = ends_value(reader, lines[index], found)
        if stop:
            end = index

    def run_after(index: int) -> list[str]:
        # Joined only for a label with nothing after it, so the cost stays linear.
        return [text for later in lines[index + 1:ends[index]] if (text := later.text.strip())]

    last = len(lines) - 1
    for index, (line, found) in enumerate(zip(lines, labels, strict=True)):
        if found is None:
            _unlabelled(walk, lines, index)
            continue
        name = reader.name_of(found.label)
        if name is None:
            if opens[index]:
                reader.near_miss(found.label, line.number, in_section=in_section(walk))
            continue
        # "**Rollback plan:** _(required)_": the template's note, and the value may follow.
        # "Test evidence: see below": the value is what stands below, if anything does.
        note = found.value if is_template_note(found.value) or points_below(
            found.value) else ""
        own = "" if note else found.value
        run = [] if own else run_after(index)
        later = (run[0] if run else "") if reader.is_enum(name) else " ".join(run)
        value = own or later
        if value:
            anchor = only_link(line, own) if own else (
                only_link(lines[index + 1], later) if len(run) == 1 else None)
            offer(walk, name, value, line.number, anchor=anchor)
        elif index == last or not run:
            # Nothing after the label in its paragraph: the next block may hold the value
            # (a nested list, a paragraph after a hint comment, ticked choices).
            reader.offer(Occurrence(name, note, line.number, in_section=in_section(walk),
                                    where=where(walk)))
            walk.pending = Pending(name, tuple(walk.items), line.number, note=note)


def _unlabelled(walk: Walk, lines: list[Line], index: int) -> None:
    """A line that does not start with a label: a label alone in its paragraph, or one
    over the definition on the next line."""
    reader = walk.reader
    line = lines[index]
    last = len(lines) - 1
    if last == 0 and not line.task and (name := reader.name_of(line.text)):
        # "Tests" alone in its paragraph, over a list: a label, as a heading is.
        reader.offer(Occurrence(name, "", line.number, in_section=in_section(walk),
                                where=where(walk)))
        walk.pending = Pending(name, tuple(walk.items), line.number, heading=True)
        return
    # "Risk level" with ": GREEN" on the next line, as a definition list is written.
    definition = definition_value(lines[index + 1]) if index < last else None
    name = reader.name_of(line.text) if definition is not None else None
    if name is not None and definition is not None:
        offer(walk, name, definition, line.number)


def ends_value(reader: Reader, line: Line, found: Label | None) -> bool:
    """Whether a line after an empty label starts an item of its own rather than being the
    label's value: a bold label, a field, a label another template uses ("Release note:"),
    or a label left unfilled ("Reviewers: TBD"). "Unit tests: 31 passed" is a value."""
    if found is None or not looks_like_label(line, found):
        return False
    return (found.bold or not found.value or reader.name_of(found.label) is not None
            or normalize_label(found.label) in OTHER_TEMPLATE_LABELS
            or is_placeholder(found.value, field=""))
