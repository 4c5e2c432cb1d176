"""The regions open around the reader as it walks a body: quoted ``<details>`` (by their
summary, written in HTML or in Markdown), collapsed ``<details>``, HTML ``<blockquote>``
and sections under a heading over quoted material. What one HTML block opens and closes
is read by core/body/html_regions.py; this keeps the state between blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it.token import Token

from gatekeeper.core.body import html_regions


@dataclass
class _Details:
    quoted: bool  # its summary marks quoted material
    hidden: bool  # collapsed: without `open`
    summary_seen: bool


@dataclass
class Regions:
    quoted_details: int = 0  # depth inside a quoted <details>
    collapsed: int = 0  # depth inside a <details> without `open`
    html_quotes: int = 0  # depth inside an HTML <blockquote>
    details: list[_Details] = field(default_factory=list)
    # The words of a <summary> written as Markdown in blocks of their own, while it is
    # open: whether they mark the <details> as quoted is known only at </summary>.
    summary: list[str] | None = None
    quoted_heading: int = 0  # the level of a heading over quoted material
    # Whether the last HTML block opened quoted material (closed in it or not).
    opened_quote: bool = False

    @property
    def quoted(self) -> bool:
        """Inside quoted material: nothing here is the author's contract."""
        return self.quoted_details > 0 or self.html_quotes > 0

    @property
    def hidden(self) -> bool:
        return self.collapsed > 0

    def html_block(self, raw: str, *, skipping: bool,
                   read_shown: Callable[[str], None]) -> bool:
        """Open and close what the HTML block opens and closes; Markdown shown inside a
        ``<details>`` written without blank lines is passed to ``read_shown`` while its
        regions are open. False for a comment or other HTML, which changes nothing."""
        content = html_regions.without_comments(raw)
        self.opened_quote = False
        if self.summary is not None:
            at = html_regions.summary_closed_at(content)
            if at is None and not html_regions.details_closed(content):
                self.summary.append(content)
                return True
            self.summary.append(content[:at])
            self._end_summary()
            content = content[at:] if at is not None else content
        opens = html_regions.details_opened(content)
        closes = html_regions.details_closed(content)
        quote_opens, quote_closes = html_regions.quotes_opened_and_closed(content)
        summary_only = (not opens and bool(self.details) and not self.details[-1].summary_seen
                        and html_regions.has_summary(content))
        if not (opens or closes or quote_opens or quote_closes or summary_only):
            return False
        if summary_only:
            # <details>, a blank line, then <summary> in a block of its own.
            self.details[-1].summary_seen = True
            if html_regions.summary_marks_quoted(content):
                self._mark_quoted()
        was_quoted = self.quoted or skipping
        for quoted, hidden, summary_seen in opens:
            self.details.append(_Details(quoted, hidden, summary_seen))
            self.quoted_details += quoted
            self.collapsed += hidden
        self.html_quotes += quote_opens
        self.opened_quote = bool(quote_opens) or any(quoted for quoted, _, _ in opens)
        if not was_quoted and not self.quoted and not skipping and opens:
            inner = html_regions.shown_markdown(content)
            if inner.strip():
                read_shown(inner)
        self.html_quotes = max(0, self.html_quotes - quote_closes)
        for _ in range(closes):
            if self.details:
                closed = self.details.pop()
                self.quoted_details -= closed.quoted
                self.collapsed -= closed.hidden
        if self.details and html_regions.summary_left_open(content):
            # "<summary>", a blank line, then its words as Markdown ("### Original prompt").
            self.details[-1].summary_seen = True
            self.summary = [content[content.casefold().rfind("<summary"):]]
        return True

    def summary_words(self, inline: Token) -> None:
        """The words of a Markdown summary, up to a ``</summary>`` in the same paragraph."""
        words = self.summary if self.summary is not None else []
        for child in inline.children or ():
            if child.type == "html_inline" and child.content.casefold().startswith(
                    "</summary"):
                self.summary = words
                self._end_summary()
                return
            words.append(child.content)
        words.append("\n")
        self.summary = words

    def _end_summary(self) -> None:
        words = " ".join(self.summary or ())
        self.summary = None
        if html_regions.words_mark_quoted(words):
            self._mark_quoted()

    def _mark_quoted(self) -> None:
        if self.details and not self.details[-1].quoted:
            self.details[-1].quoted = True
            self.quoted_details += 1

    def heading(self, level: int, text: str) -> bool:
        """A heading ends a section over quoted material at its level or higher, and a
        heading such as "Original prompt" starts one. True when this heading starts one."""
        if self.quoted_heading and level <= self.quoted_heading:
            self.quoted_heading = 0
        if not html_regions.heading_marks_quoted(text):
            return False
        self.quoted_heading = level
        return True
