"""Headed sections: a heading that opens the Contract or Escalation section, a heading that
names a field ("### Approval", "## How was this tested?") over its value, and a heading
that holds a field and its value ("## Risk level: RED")."""

from __future__ import annotations

from markdown_it.token import Token

from gatekeeper.core.body.lines import logical_lines, slug, split_label
from gatekeeper.core.body.reading import SECTION_WORDS
from gatekeeper.core.body.shapes.label_lines import read_lines
from gatekeeper.core.body.walk import Pending, Walk, offer
from gatekeeper.core.fields import normalize_label


def read_heading(walk: Walk, inline: Token, line: int, level: int) -> None:
    lines = logical_lines(inline)
    base = lines[0].number if lines else 0
    for part in lines:
        part.number = line + part.number - base  # a setext heading's lines keep theirs
    text = " ".join(part.text for part in lines)
    label = normalize_label(text)
    walk.reader.heading_anchor(slug(text))
    walk.pending = None
    while walk.heads and walk.heads[-1][0] >= level:
        walk.heads.pop()
    walk.heads.append((level, label, " ".join(text.split())))
    walk.section = " ".join(head for _, head, _ in walk.heads)
    words = label.split()
    for word in SECTION_WORDS:
        if word in words:
            walk.reader.sections.setdefault(word, line)
    found = split_label(lines[0]) if lines else None
    name = walk.reader.name_of(found.label) if found is not None else None
    if name is not None and found is not None and found.value:
        if len(lines) > 1:
            # "risk_level: RED" lines over "---" (front matter): a setext heading on the
            # page, each line of which a reader sees as a field.
            read_lines(walk, lines)
            walk.pending = None
        else:
            offer(walk, name, found.value, line, own=True)
        return
    name = walk.reader.name_of(text)
    if name is not None:
        walk.pending = Pending(name, tuple(walk.items), line, heading=True, own=True)
