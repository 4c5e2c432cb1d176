"""Read the contract out of a pull request body.

The body is parsed as GitHub renders it (markdown-it-py with GFM tables and
strikethrough; task-list boxes are read from list items), never scanned with patterns
over the raw text. Only the author's own words count: blockquotes, quoted ``<details>``,
HTML comments, code blocks other than the contract block and inline code are skipped.
Every occurrence of a field is collected with its line; ``choose`` (core/body/reading.py)
picks the one that counts and reports conflicts with the fenced block.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from gatekeeper.core.body.html_regions import without_comments
from gatekeeper.core.body.lines import (
    Label,
    Line,
    definition_value,
    logical_lines,
    looks_like_label,
    split_label,
)
from gatekeeper.core.body.reading import Occurrence, Reader, ReadProblem, choose
from gatekeeper.core.body.shapes import block as contract_block
from gatekeeper.core.body.shapes import tables
from gatekeeper.core.body.walk import (
    SECTION_WORDS,
    Pending,
    Walk,
    belongs,
    choices,
    code_value,
    in_section,
    offer,
    take_pending,
)
from gatekeeper.core.fields import (
    OTHER_TEMPLATE_LABELS,
    is_placeholder,
    is_template_note,
    label_index,
    normalize_label,
)
from gatekeeper.core.model import Contract
from gatekeeper.core.text.visible import markdown

BLOCK_INFO = contract_block.BLOCK_INFO
_MAX_DEPTH = 4
# Tokens that open or close nothing the walk keeps track of: skipped at once.
_NOTHING_TO_READ = frozenset({"paragraph_open", "paragraph_close", "bullet_list_close",
                              "ordered_list_close"})
_REGION_TAG = re.compile(r"</?(?:details|blockquote)\b", re.IGNORECASE)
_HTML_HEADING = re.compile(r"\s*<h([1-6])\b[^>]*>(.*?)</h\1\s*>\s*$", re.IGNORECASE | re.DOTALL)


def _markdown() -> MarkdownIt:
    return markdown()


def parse_contract(
    body: str,
    *,
    aliases: dict[str, tuple[str, ...]] | None = None,
    placeholders: tuple[str, ...] = (),
) -> Contract:
    """Every contract field in ``body`` with its 1-based line and whether it is filled."""
    reader = Reader(index=label_index(aliases or {}), placeholders=placeholders)
    walk = Walk(reader)
    _walk(walk, body, 0, 0)
    return choose(reader)


def _walk(walk: Walk, text: str, offset: int, depth: int) -> None:
    tokens = _markdown().parse(text)
    position = 0
    quote = 0
    while position < len(tokens):
        token = tokens[position]
        kind = token.type
        position += 1
        if kind in _NOTHING_TO_READ:
            continue
        if kind == "blockquote_open":
            # Never the value; a label right above it (a hint quoted under a heading)
            # waits for the author's own words after it, as it does after a comment.
            quote += 1
            continue
        if kind == "blockquote_close":
            quote -= 1
            continue
        if kind == "html_block":
            _html_block(walk, token, offset, depth, skipping=bool(quote))
            continue
        regions = walk.regions
        if quote or regions.quoted:
            continue
        if regions.summary is not None:
            if kind == "inline":
                regions.summary_words(token)  # a summary's words are a title, not a field
                _summary_read(walk)
            continue
        if kind == "heading_open" and regions.heading(int(token.tag[1:] or 1),
                                                      tokens[position].content):
            walk.pending = None  # "## Original prompt": its section is quoted
            position += 2
            continue
        if regions.quoted_heading:
            continue
        line = offset + (token.map[0] + 1 if token.map else 1)
        if kind == "list_item_open":
            walk.serial += 1
            walk.items.append(walk.serial)
        elif kind == "list_item_close":
            closed = walk.items.pop() if walk.items else None
            if walk.pending is not None and closed in walk.pending.items:
                walk.pending = None
        elif kind == "heading_open":
            _heading(walk, tokens[position], line, int(token.tag[1:] or 1))
            position += 2
        elif kind == "fence" and contract_block.is_contract_block(token):
            walk.pending = None
            contract_block.read(walk.reader, token, offset, hidden=regions.hidden,
                                in_section=True)
        elif kind == "fence" and token.info.strip().casefold() == "math":
            walk.pending = None  # a formula GitHub typesets is not the author's words
        elif kind in ("fence", "code_block"):
            code_value(walk, token, line)
        elif kind == "hr":
            walk.pending = None  # a rule ends what an empty label could take
        elif kind == "table_open":
            position = _table(walk, tokens, position, offset)
        elif kind in ("bullet_list_open", "ordered_list_open") and walk.pending is not None:
            position = choices(walk, tokens, position, offset)
        elif kind == "inline":
            token = _before_inline_regions(walk, token, offset, depth)
            if token.content and not token.content.isspace():
                _inline(walk, token, offset)


def _html_block(walk: Walk, token: Token, offset: int, depth: int, *,
                skipping: bool) -> None:
    """``<details>`` and ``<blockquote>`` opens and closes (core/body/regions.py), and the
    Markdown a ``<details>`` without blank lines shows inside its one HTML block."""
    def read_shown(inner: str) -> None:
        if depth < _MAX_DEPTH:
            _walk(walk, inner, offset + (token.map[0] if token.map else 0), depth + 1)

    regions = walk.regions
    pending = walk.pending
    around_quote = skipping or regions.quoted
    summary_open = regions.summary is not None
    changed = regions.html_block(token.content, skipping=skipping, read_shown=read_shown)
    if summary_open and regions.summary is None:  # this block ended a Markdown summary
        pending, walk.held = walk.held, None
        changed = True
    if changed:
        if around_quote or regions.quoted or regions.opened_quote:
            walk.pending = pending  # quoted material under a label: the label waits
        else:
            walk.pending = None
            if regions.summary is not None and not summary_open:
                walk.held = pending  # quoted or not is known at </summary>
        return
    if skipping or regions.quoted or regions.summary is not None:
        return
    content = without_comments(token.content)
    line = offset + (token.map[0] + 1 if token.map else 1)
    heading = _HTML_HEADING.match(content)
    if heading is not None:
        # <h2>Original prompt</h2> or <h2>Contract</h2>: a heading, as ## is.
        walk.pending = None
        inline = _markdown().parseInline(heading.group(2))[0]
        level = int(heading.group(1))
        if not regions.heading(level, inline.content) and not regions.quoted_heading:
            _heading(walk, inline, line, level)
        return
    if regions.quoted_heading:
        return
    if "<table" in content.casefold():
        tables.read_rows(walk.reader, tables.html_rows(content, line),
                         in_section=in_section(walk))
        walk.pending = None
    elif content.strip():
        walk.pending = None  # an image, a rule, a <p>: what follows is not the label's
    # else a comment: a hint, never a value, and the label waits


def _summary_read(walk: Walk) -> None:
    """A Markdown summary has ended: a label held over it waits on if it marked a quote."""
    if walk.regions.summary is None:
        if walk.regions.quoted:
            walk.pending = walk.held
        walk.held = None


def _heading(walk: Walk, inline: Token, line: int, level: int) -> None:
    lines = logical_lines(inline)
    base = lines[0].number if lines else 0
    for part in lines:
        part.number = line + part.number - base  # a setext heading's lines keep theirs
    text = " ".join(part.text for part in lines)
    label = normalize_label(text)
    walk.pending = None
    while walk.heads and walk.heads[-1][0] >= level:
        walk.heads.pop()
    walk.heads.append((level, label))
    walk.section = " ".join(head for _, head in walk.heads)
    for word in SECTION_WORDS:
        if word in label.split():
            walk.reader.sections.setdefault(word, line)
    found = split_label(lines[0]) if lines else None
    name = walk.reader.name_of(found.label) if found is not None else None
    if name is not None and found is not None and found.value:
        if len(lines) > 1:
            # "risk_level: RED" lines over "---" (front matter): a setext heading on the
            # page, each line of which a reader sees as a field.
            _read_lines(walk, lines)
            walk.pending = None
        else:
            offer(walk, name, found.value, line)
        return
    name = walk.reader.name_of(text)
    if name is not None:
        walk.pending = Pending(name, tuple(walk.items), line, heading=True)


def _before_inline_regions(walk: Walk, token: Token, offset: int, depth: int) -> Token:
    """A ``<details>`` or ``<blockquote>`` opened or closed inside a paragraph ("Context:
    <details><summary>Original prompt</summary>"): a browser ends the paragraph there, and
    what follows is inside it. The paragraph up to the tag is read; the rest opens and
    closes regions as an HTML block does."""
    raw = token.content
    if "<" not in raw:
        return token  # no HTML in it: most paragraphs, and no child to look at
    children = token.children or []
    cursor = 0
    for index, child in enumerate(children):
        if child.type != "html_inline":
            continue
        found = raw.find(child.content, cursor)
        cursor = found + len(child.content) if found >= 0 else cursor
        if found < 0 or not _REGION_TAG.match(child.content):
            continue
        rest = raw[found:]
        line = offset + (token.map[0] if token.map else 0) + raw.count("\n", 0, found)

        def read_shown(inner: str, line: int = line) -> None:
            if depth < _MAX_DEPTH:
                _walk(walk, inner, line, depth + 1)

        head = token.copy(children=children[:index], content=raw[:found])
        if head.content.strip():
            _inline(walk, head, offset)
        walk.regions.html_block(rest, skipping=walk.regions.quoted, read_shown=read_shown)
        walk.pending = None
        return token.copy(children=[], content="")
    return token


def _inline(walk: Walk, token: Token, offset: int) -> None:
    lines = logical_lines(token, in_item=bool(walk.items))
    for line in lines:
        line.number += offset
    if walk.pending is not None and belongs(walk):
        shown = [(line.number, text) for line in lines if (text := line.text.strip())]
        notes = 0
        while notes < len(shown) and is_template_note(shown[notes][1]):
            notes += 1  # "_(REQUIRED)_" under the label: the template's, not a value
        if shown and notes == len(shown):
            offer(walk, walk.pending.name, " ".join(text for _, text in shown),
                   shown[0][0])  # a placeholder, unless a value follows
            return
    if walk.pending is not None:
        if not belongs(walk) or _ends_value(walk.reader, lines[0], split_label(lines[0])):
            walk.pending = None
        else:
            shown = [(line.number, text) for line in lines if (text := line.text.strip())]
            while shown and is_template_note(shown[0][1]):
                shown.pop(0)
            if walk.reader.is_enum(walk.pending.name):
                shown = shown[:1]  # an enum field takes its first line
            take_pending(walk, " ".join(text for _, text in shown),
                          shown[0][0] if shown else 0)
            return
    _read_lines(walk, lines)


def _read_lines(walk: Walk, lines: list[Line]) -> None:
    reader = walk.reader
    # Whether each line opens a new item, computed once: a label with nothing after it
    # takes the following lines of its paragraph up to the next such line (linear).
    labels = [split_label(line) for line in lines]
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
            stop = stops[key] = _ends_value(reader, lines[index], found)
        if stop:
            end = index

    def run_after(index: int) -> list[str]:
        # Joined only for a label with nothing after it, so the cost stays linear.
        return [text for later in lines[index + 1:ends[index]] if (text := later.text.strip())]

    last = len(lines) - 1
    for index, (line, found) in enumerate(zip(lines, labels, strict=True)):
        if found is None:
            # "Risk level" with ": GREEN" on the next line, as a definition list is written.
            definition = definition_value(lines[index + 1]) if index < last else None
            name = reader.name_of(line.text) if definition is not None else None
            if name is not None and definition is not None:
                offer(walk, name, definition, line.number)
            continue
        name = reader.name_of(found.label)
        if name is None:
            if opens[index]:
                reader.near_miss(found.label, line.number, in_section=in_section(walk))
            continue
        # "**Rollback plan:** _(required)_": the template's note, and the value may follow.
        note = found.value if is_template_note(found.value) else ""
        own = "" if note else found.value
        run = [] if own else run_after(index)
        later = (run[0] if run else "") if reader.is_enum(name) else " ".join(run)
        value = own or later
        if value:
            offer(walk, name, value, line.number)
        elif index == last or not run:
            # Nothing after the label in its paragraph: the next block may hold the value
            # (a nested list, a paragraph after a hint comment, ticked choices).
            reader.offer(Occurrence(name, note, line.number, in_section=in_section(walk)))
            walk.pending = Pending(name, tuple(walk.items), line.number)


def _ends_value(reader: Reader, line: Line, found: Label | None) -> bool:
    """Whether a line after an empty label starts an item of its own rather than being the
    label's value: a bold label, a field, a label another template uses ("Release note:"),
    or a label left unfilled ("Reviewers: TBD"). "Unit tests: 31 passed" is a value."""
    if found is None or not looks_like_label(line, found):
        return False
    return (found.bold or not found.value or reader.name_of(found.label) is not None
            or normalize_label(found.label) in OTHER_TEMPLATE_LABELS
            or is_placeholder(found.value, field=""))


def _table(walk: Walk, tokens: list[Token], position: int, offset: int) -> int:
    rows, end = tables.markdown_rows(tokens, position, offset)
    tables.read_rows(walk.reader, rows, in_section=in_section(walk))
    walk.pending = None
    return end


__all__ = ["BLOCK_INFO", "ReadProblem", "parse_contract"]
