"""Read the contract out of a pull request body.

The body is parsed as GitHub renders it (markdown-it-py with GFM tables and
strikethrough; task-list boxes are read from list items), never scanned with patterns
over the raw text. Only the author's own words count: blockquotes, quoted ``<details>``,
collapsed ``<details>`` whose summary names neither the contract nor a field, HTML
comments, code blocks other than the contract block and inline code are skipped.

One pass over the tokens: what the walk does with a token is looked up by its type in
``_DISPATCH``; each shape a value takes is a module of core/body/shapes/. Every occurrence
of a field is collected with its line; ``choose`` (core/body/reading.py) picks the one
that counts and reports conflicts with the fenced block.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from gatekeeper.core.body.html_regions import without_comments
from gatekeeper.core.body.lines import html_anchors
from gatekeeper.core.body.reading import Reader, ReadProblem, choose
from gatekeeper.core.body.regions import Regions
from gatekeeper.core.body.shapes import block as contract_block
from gatekeeper.core.body.shapes import tables
from gatekeeper.core.body.shapes.choices import choices
from gatekeeper.core.body.shapes.code import code_value
from gatekeeper.core.body.shapes.heading import read_heading
from gatekeeper.core.body.shapes.label_lines import read_inline
from gatekeeper.core.body.walk import Pending, Walk, in_section
from gatekeeper.core.fields import label_index
from gatekeeper.core.model import Contract
from gatekeeper.core.text.visible import markdown

BLOCK_INFO = contract_block.BLOCK_INFO
_MAX_DEPTH = 4
# Tokens that open or close nothing the walk keeps track of: skipped at once.
_NOTHING_TO_READ = frozenset({"paragraph_open", "paragraph_close", "bullet_list_close",
                              "ordered_list_close"})
_REGION_TAG = re.compile(r"</?(?:details|blockquote)\b", re.IGNORECASE)
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]:")
_HTML_HEADING = re.compile(r"\s*<h([1-6])\b[^>]*>(.*?)</h\1\s*>\s*$", re.IGNORECASE | re.DOTALL)


def _markdown() -> MarkdownIt:
    return markdown()


def parse_contract(
    body: str,
    *,
    aliases: dict[str, tuple[str, ...]] | None = None,
    placeholders: tuple[str, ...] = (),
    approval_pattern: re.Pattern[str] | None = None,
) -> Contract:
    """Every contract field in ``body`` with its 1-based line and whether it is filled.

    ``approval_pattern`` is the policy's pattern for approval references: a reference
    written inside a sentence is the one token of the sentence that matches it."""
    reader = Reader(index=label_index(aliases or {}), placeholders=placeholders)
    walk = Walk(reader, regions=Regions(names=reader.summary_names))
    _walk(walk, body, 0, 0)
    return choose(reader, approval_pattern=approval_pattern)


@dataclass(slots=True)
class _Cursor:
    tokens: list[Token]
    position: int  # the token after the one being read
    offset: int  # body line of the text's first line, minus one
    depth: int  # how deep in Markdown shown inside HTML blocks


def _walk(walk: Walk, text: str, offset: int, depth: int) -> None:
    tokens = _markdown().parse(text)
    cursor = _Cursor(tokens, 0, offset, depth)
    regions = walk.regions
    quote = 0
    end = len(tokens)
    while cursor.position < end:
        token = tokens[cursor.position]
        kind = token.type
        cursor.position += 1
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
        if quote or regions.quoted:
            continue
        if regions.summary is not None:
            if kind == "inline":
                regions.summary_words(token)  # a summary's words are a title, not a field
                _summary_read(walk, _line(token, offset))
            continue
        if kind == "heading_open" and regions.heading(int(token.tag[1:] or 1),
                                                      tokens[cursor.position].content):
            walk.pending = None  # "## Original prompt": its section is quoted
            cursor.position += 2
            continue
        if regions.quoted_heading:
            continue
        handler = _DISPATCH.get(kind)
        if handler is not None:
            handler(walk, cursor, token)


def _line(token: Token, offset: int) -> int:
    return offset + (token.map[0] + 1 if token.map else 1)


# What the walk does with each token type it reads (a new shape: one module in shapes/
# and one row here).

def _item_open(walk: Walk, cursor: _Cursor, token: Token) -> None:
    walk.serial += 1
    walk.items.append(walk.serial)


def _item_close(walk: Walk, cursor: _Cursor, token: Token) -> None:
    closed = walk.items.pop() if walk.items else None
    if walk.pending is not None and closed in walk.pending.items:
        walk.pending = None


def _heading_open(walk: Walk, cursor: _Cursor, token: Token) -> None:
    read_heading(walk, cursor.tokens[cursor.position], _line(token, cursor.offset),
                 int(token.tag[1:] or 1))
    cursor.position += 2


def _fence(walk: Walk, cursor: _Cursor, token: Token) -> None:
    if contract_block.is_contract_block(token):
        walk.pending = None
        contract_block.read(walk.reader, token, cursor.offset, hidden=walk.regions.hidden,
                            in_section=True)
    elif token.info.strip().casefold() == "math":
        walk.pending = None  # a formula GitHub typesets is not the author's words
    else:
        code_value(walk, token, _line(token, cursor.offset))


def _code_block(walk: Walk, cursor: _Cursor, token: Token) -> None:
    code_value(walk, token, _line(token, cursor.offset))


def _rule(walk: Walk, cursor: _Cursor, token: Token) -> None:
    walk.pending = None  # a rule ends what an empty label could take


def _table(walk: Walk, cursor: _Cursor, token: Token) -> None:
    rows, cursor.position = tables.markdown_rows(cursor.tokens, cursor.position, cursor.offset)
    tables.read_rows(walk.reader, rows, in_section=in_section(walk), where=_where(walk))
    walk.pending = None


def _list_open(walk: Walk, cursor: _Cursor, token: Token) -> None:
    if walk.pending is not None:
        cursor.position = choices(walk, cursor.tokens, cursor.position, cursor.offset)


def _inline(walk: Walk, cursor: _Cursor, token: Token) -> None:
    if token.content.startswith("[^") and _FOOTNOTE.match(token.content):
        # "[^1]: ...": a footnote, shown (when referenced at all) under the body, never
        # the author's answer in its place.
        walk.pending = None
        return
    token = _before_inline_regions(walk, token, cursor.offset, cursor.depth)
    if token.content and not token.content.isspace():
        read_inline(walk, token, cursor.offset)


_DISPATCH: dict[str, Callable[[Walk, _Cursor, Token], None]] = {
    "list_item_open": _item_open,
    "list_item_close": _item_close,
    "heading_open": _heading_open,
    "fence": _fence,
    "code_block": _code_block,
    "hr": _rule,
    "table_open": _table,
    "bullet_list_open": _list_open,
    "ordered_list_open": _list_open,
    "inline": _inline,
}


def _where(walk: Walk) -> str:
    return walk.heads[-1][2] if walk.heads else ""


def _html_block(walk: Walk, token: Token, offset: int, depth: int, *,
                skipping: bool) -> None:
    """``<details>`` and ``<blockquote>`` opens and closes (core/body/regions.py), and the
    Markdown a ``<details>`` without blank lines shows inside its one HTML block."""
    line = _line(token, offset)

    def read_shown(inner: str) -> None:
        _named_value(walk, line)
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
            _named_value(walk, line)
        return
    if skipping or regions.quoted or regions.summary is not None:
        return
    content = without_comments(token.content)
    if "=" in content:
        walk.reader.anchors.update(html_anchors(content))
    heading = _HTML_HEADING.match(content)
    if heading is not None:
        # <h2>Original prompt</h2> or <h2>Contract</h2>: a heading, as ## is.
        walk.pending = None
        inline = _markdown().parseInline(heading.group(2))[0]
        level = int(heading.group(1))
        if not regions.heading(level, inline.content) and not regions.quoted_heading:
            read_heading(walk, inline, line, level)
        return
    if regions.quoted_heading:
        return
    if "<table" in content.casefold():
        tables.read_rows(walk.reader, tables.html_rows(content, line),
                         in_section=in_section(walk), where=_where(walk))
        walk.pending = None
    elif content.strip():
        walk.pending = None  # an image, a rule, a <p>: what follows is not the label's
    # else a comment: a hint, never a value, and the label waits


def _named_value(walk: Walk, line: int) -> None:
    """A ``<details>`` whose summary is a field's label: what it shows is that value."""
    name = walk.regions.take_named_field()
    if name is not None:
        walk.pending = Pending(name, tuple(walk.items), line, heading=True, own=True)


def _summary_read(walk: Walk, line: int) -> None:
    """A Markdown summary has ended: a label held over it waits on if it marked a quote."""
    if walk.regions.summary is None:
        if walk.regions.quoted:
            walk.pending = walk.held
        walk.held = None
        _named_value(walk, line)


def _before_inline_regions(walk: Walk, token: Token, offset: int, depth: int) -> Token:
    """A ``<details>`` or ``<blockquote>`` opened or closed inside a paragraph ("Context:
    <details><summary>Original prompt</summary>"): a browser ends the paragraph there, and
    what follows is inside it. The paragraph up to the tag is read; the rest opens and
    closes regions as an HTML block does."""
    raw = token.content
    if "<" not in raw or _REGION_TAG.search(raw) is None:
        return token  # no such tag in it (an inline tag's text is part of the paragraph's)
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
            _named_value(walk, line + 1)
            if depth < _MAX_DEPTH:
                _walk(walk, inner, line, depth + 1)

        head = token.copy(children=children[:index], content=raw[:found])
        if head.content.strip():
            read_inline(walk, head, offset)
        walk.regions.html_block(rest, skipping=walk.regions.quoted, read_shown=read_shown)
        walk.pending = None
        _named_value(walk, line + 1)
        return token.copy(children=[], content="")
    return token


__all__ = ["BLOCK_INFO", "ReadProblem", "parse_contract"]
