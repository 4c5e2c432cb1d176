"""A list right under a label with no value: ticked choices, or the list as the value."""

from __future__ import annotations

from markdown_it.token import Token

from gatekeeper.core.body.lines import Line, logical_lines, looks_like_label, split_label
from gatekeeper.core.body.walk import Walk, belongs, take_pending


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
    def a_field(line: Line) -> bool:
        # "- **Accountable owner:** ...", "- Risk level: RED": the list holds fields; a
        # step such as "1. Upload it offline, go online: it uploads" is the value's own.
        found = split_label(line)
        return found is not None and looks_like_label(line, found) and (
            found.bold or walk.reader.name_of(found.label) is not None)

    if not items or not items[0][1] or a_field(items[0][1][0]):
        walk.pending = None
        return position  # the list holds other fields: read it as usual
    pending = walk.pending
    tasks = items[0][1][0].task is not None
    run: list[Line] = []
    stop = end
    for index, lines in items:
        if not lines or (lines[0].task is not None) != tasks or a_field(lines[0]):
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
