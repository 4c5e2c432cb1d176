"""Logical lines of a Markdown inline token, and the label a line starts with.

A line keeps only what GitHub shows: struck-through text and HTML tags are dropped, HTML
comments mark the line as hinted, inline code is kept as text but can never be a label.
Everything here is linear in the length of the inline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown_it.token import Token

from gatekeeper.core.text.github_html import closes_removed, opens_removed
from gatekeeper.core.text.normalize import visible

_STRUCK_OPEN = re.compile(r"<(?:del|s|strike)(?:\s[^<>]*)?>$", re.IGNORECASE)
_STRUCK_CLOSE = re.compile(r"</(?:del|s|strike)\s*>$", re.IGNORECASE)
# <br> is a line break on the page: what follows it is a new line of the same source line.
_LINE_BREAK = re.compile(r"<br\s*/?>$", re.IGNORECASE)
# <code>, <kbd>, <samp>, <tt>, <var>: GitHub shows their words as code, as it does `text`.
_CODE_OPEN = re.compile(r"<(?:code|kbd|samp|tt|var)(?:\s[^<>]*)?>$", re.IGNORECASE)

MAX_LABEL = 60
_TASK = re.compile(r"^\s*\[([ xX])\]\s+")
# Separators between a label and its value: ":", fullwidth colon, em and en dashes, "=",
# and a hyphen with spaces round it.
_SEPARATOR = re.compile(r"\s*(?::|\uff1a|\u2014|\u2013|=|\s-\s)\s*")
_SEPARATOR_MARK = re.compile("[:\uff1a\u2014\u2013=-]")  # one of them is in each separator
# (A colon that opens an emoji shortcode, "**Rollback plan** :shrug:", is the value.)
_LEADING_SEPARATOR = re.compile(
    r"^\s*(?::(?![a-z0-9_+-]+:)|\uff1a|\u2014|\u2013|=|-(?=\s+\S))\s*")
# What may stand before a label besides symbols: a :shortcode:, a keycap emoji ("1️⃣",
# a digit, # or * with the enclosing keycap mark), or list numbering ("1.", "2)").
_DECORATION_AT = re.compile(r":[a-z0-9_+-]+:\s*|[0-9#*]\ufe0f?\u20e3\s*|\d{1,2}[.)]\s+")
_TITLE = re.compile(r"^[^\W\d_]+(?:[\s()'/&,?]+[^\W\d_]*)*$")
_PARENTHETICAL = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass
class Line:
    number: int
    parts: list[str] = field(default_factory=list)
    hinted: bool = False
    code_at: int | None = None  # offset of the first inline code span in the text
    strong: str | None = None  # the text of a bold span the line starts with
    strong_end: int = 0  # offset in the text where that bold span ends
    task: bool | None = None  # a task-list box: ticked or not
    # Links to a place on the page ("#anchor"): the fragment and the link's visible text.
    links: list[tuple[str, str]] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # <a name="x">, <span id="x">

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def length(self) -> int:
        return sum(len(part) for part in self.parts)


def logical_lines(token: Token, *, in_item: bool = False) -> list[Line]:
    """The inline's visible text split at its source lines."""
    raw = token.content
    cursor = 0
    number = (token.map[0] + 1) if token.map else 1
    lines = [Line(number)]
    struck = 0  # struck-through or removed by GitHub's sanitiser: not shown as text
    strong_depth = 0
    strong_start: int | None = None
    strong_parts: list[str] = []
    link: tuple[str, int, Line] | None = None  # an open link to "#...": fragment, start
    for child in token.children or ():
        kind = child.type
        line = lines[-1]
        if kind == "text":  # most children: looked at first
            if not struck:
                text = child.content
                if in_item and line is lines[0] and not line.parts and line.task is None:
                    box = _TASK.match(text)
                    if box:
                        line.task = box.group(1) != " "
                        text = text[box.end():]
                line.parts.append(text)
                if strong_start is not None:
                    strong_parts.append(text)
            continue
        if kind == "link_open":
            href = str(child.attrs.get("href", ""))
            link = (href[1:], line.length(), line) if href.startswith("#") else None
            continue
        if kind == "link_close":
            if link is not None and link[2] is line:
                line.links.append((link[0], line.text[link[1]:]))
            link = None
            continue
        if kind in ("softbreak", "hardbreak"):
            found = raw.find("\n", cursor)
            cursor = found + 1 if found >= 0 else cursor
            number += 1
            lines.append(Line(number))
        elif kind == "s_open":
            struck += 1
        elif kind == "s_close":
            struck = max(0, struck - 1)
        elif kind == "strong_open":
            strong_depth += 1
            if strong_depth == 1 and line.strong is None and decoration(line.text):
                strong_start = line.length()
                strong_parts = []
        elif kind == "strong_close":
            strong_depth = max(0, strong_depth - 1)
            if strong_depth == 0 and strong_start is not None:
                line.strong = "".join(strong_parts)
                line.strong_end = line.length()
                strong_start = None
        elif kind == "html_inline":
            found = raw.find(child.content, cursor)
            if found >= 0:
                cursor = found + len(child.content)
            breaks = child.content.count("\n")
            if "=" in child.content and not child.content.startswith("<!--"):
                line.anchors.extend(html_anchors(child.content))
            if child.content.startswith("<!--"):
                line.hinted = True
            elif opens_removed(child.content):
                struck += 1  # <script>, <template>, <textarea>: GitHub removes the text
            elif closes_removed(child.content):
                struck = max(0, struck - 1)
            elif _LINE_BREAK.match(child.content):
                lines.append(Line(number))
                continue
            elif _STRUCK_OPEN.match(child.content):
                struck += 1  # <del>, <s>, <strike>: withdrawn words, as ~~text~~
            elif _STRUCK_CLOSE.match(child.content):
                struck = max(0, struck - 1)
            elif _CODE_OPEN.match(child.content) and line.code_at is None:
                line.code_at = line.length()  # an example in code, never a label
            number += breaks
            if breaks:
                line.number = line.number  # the text stays on its first line
        elif kind == "code_inline":
            found = raw.find(child.markup, cursor)
            if found >= 0:
                end = raw.find(child.markup, found + len(child.markup))
                end = end if end >= 0 else found
                breaks = raw.count("\n", found, end)
                cursor = end + len(child.markup)
            else:
                breaks = 0
            if not struck:
                if line.code_at is None:
                    line.code_at = line.length()
                line.parts.append(child.content)
                if strong_start is not None:
                    strong_parts.append(child.content)
            number += breaks
    return lines


_HTML_ANCHOR = re.compile(r"""\s(?:id|name)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_SLUG_DROP = re.compile(r"[^\w\- ]")


def html_anchors(html: str) -> list[str]:
    """The places an HTML tag names on the page (``id`` and ``name``), as GitHub keeps
    them (it prefixes ``user-content-``, and a link to the bare name reaches it)."""
    return [name.casefold() for name in _HTML_ANCHOR.findall(html)]


def slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as
    hyphens."""
    return _SLUG_DROP.sub("", visible(text).casefold()).replace(" ", "-")


def only_link(line: Line, value: str) -> str | None:
    """The anchor a value links to when the value is nothing but a link to a place on the
    page ("[see the tests](#tests)"): it answers only if the page has that place."""
    wanted = " ".join(value.split())
    for fragment, text in line.links:
        if wanted and " ".join(text.split()) == wanted:
            return unquote(fragment).casefold().removeprefix("user-content-")
    return None


def decoration(text: str) -> bool:
    """True for nothing but emoji, symbols, keycaps, numbering and :shortcodes: (what may
    stand before a label)."""
    return _decoration_end(text) == len(text)


def _decoration_end(text: str) -> int:
    position = 0
    while True:
        if position < len(text) and text[position].isalpha():
            return position  # a letter: no decoration starts with one (most labels)
        shortcode = _DECORATION_AT.match(text, position)
        if shortcode is not None:
            position = shortcode.end()
        elif position < len(text) and not (text[position].isalnum() or text[position] in "_*"):
            position += 1
        else:
            return position


@dataclass(frozen=True)
class Label:
    label: str  # normalized-ready label text (emoji, shortcodes, parenthetical removed)
    value: str
    bold: bool


def clean_label(text: str) -> str:
    """The label without what decorates it: emoji, keycaps, numbering and :shortcodes:
    before it, a colon, emoji or a parenthetical note after it."""
    text = visible(text)
    start = _decoration_end(text)  # an emoji, keycap, number or symbol before the label
    end = len(text)
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in "_*)"):
        end -= 1  # an emoji, symbol or colon after it
    text = text[start:end].strip()
    if not text.endswith(")"):
        return text  # no parenthetical note can end it
    return _PARENTHETICAL.sub("", text).strip()


def split_label(line: Line) -> Label | None:
    """The label the line starts with and the rest of the line, if it has one."""
    text = line.text
    if line.strong is not None and line.strong.strip():
        rest = text[line.strong_end:]
        strong = line.strong
        # "**Risk level:** RED", "**Risk level** — RED", "**Risk level** RED"
        inner = _SEPARATOR.search(strong)
        if inner is not None and inner.end() < len(strong.rstrip()):
            label, value = strong[:inner.start()], strong[inner.end():] + rest
        else:
            label = strong
            value = _LEADING_SEPARATOR.sub("", rest, count=1)
        if len(label) <= MAX_LABEL:
            return Label(clean_label(label), value.strip(), True)
        return None
    if _SEPARATOR_MARK.search(text, 0, 2 * MAX_LABEL + 8) is None:
        return None  # most lines of prose: no separator where a label could end
    start = _decoration_end(text[:MAX_LABEL])  # at most MAX_LABEL
    if _SEPARATOR_MARK.search(text, start, start + MAX_LABEL + 8) is None:
        return None
    found = _SEPARATOR.search(text, start, start + MAX_LABEL + 8)
    if found is None or found.start() - start > MAX_LABEL or found.start() == start:
        return None
    if text.startswith("://", found.start()):
        return None  # a link, not a label
    if line.code_at is not None and line.code_at < found.end():
        return None  # an inline code example is never a label
    return Label(clean_label(text[:found.start()]), text[found.end():].strip(), False)


_DEFINITION = re.compile(r"^\s*[:\uff1a]\s+")


def definition_value(line: Line) -> str | None:
    """The value of a definition-style line (``: GREEN`` under ``Risk level``), if it is one."""
    found = _DEFINITION.match(line.text)
    return line.text[found.end():].strip() if found is not None else None


def looks_like_label(line: Line, found: Label | None = None) -> bool:
    """A line that opens a new item ("Release note: NONE", "**Reviewers:**")."""
    found = found if found is not None else split_label(line)
    if found is None:
        return False
    words = found.label.split()
    if found.bold:
        return True
    # "Release note: NONE", "Reviewers: @x"; not "pytest -q: 40 passed"
    return 0 < len(words) <= 6 and bool(_TITLE.match(found.label))
