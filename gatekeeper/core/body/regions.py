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
from gatekeeper.core.text.github_html import removed_left_open


@dataclass
class _Details:
    quoted: bool  # its summary marks quoted material, or it is collapsed and unnamed
    hidden: bool  # collapsed: without `open`
    summary_seen: bool
    contract: bool = False  # its summary names the contract


def _names_nothing(words: str) -> str | None:
    return None


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
    # What a summary's words name: "contract", a field's name, or None.
    names: Callable[[str], str | None] = _names_nothing
    contract_details: int = 0  # depth inside <details> whose summary names the contract
    # A field named by the summary of a <details> just opened: what it shows is its value.
    named_field: str | None = None

    @property
    def in_contract(self) -> bool:
        return self.contract_details > 0

    def take_named_field(self) -> str | None:
        name, self.named_field = self.named_field, None
        return name

    # Depth inside an element GitHub removes with its content (<template>, <script>).
    removed: int = 0

    @property
    def quoted(self) -> bool:
        """Inside quoted material (or material GitHub does not show): nothing here is the
        author's contract."""
        return self.quoted_details > 0 or self.html_quotes > 0 or self.removed > 0

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
        balance = removed_left_open(content)
        if balance:
            self.removed = max(0, self.removed + balance)
            return True
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
            self._summary_known(html_regions.summary_text(content))
        was_quoted = self.quoted or skipping
        quoted_before = self.quoted_details
        for quoted, hidden, summary in opens:
            self.details.append(_Details(quoted, hidden, summary is not None))
            self.quoted_details += quoted
            self.collapsed += hidden
            if not quoted and summary is not None:
                self._summary_known(summary)
        self.html_quotes += quote_opens
        self.opened_quote = bool(quote_opens) or self.quoted_details > quoted_before
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
                self.contract_details -= closed.contract
                self.named_field = None
        if self.details and html_regions.summary_left_open(content):
            # "<summary>", a blank line, then its words as Markdown ("### Original prompt").
            self.details[-1].summary_seen = True
            self.summary = [content[content.casefold().rfind("<summary"):]]
        elif self.details and not self.details[-1].summary_seen and opens:
            self._summary_known(None)  # collapsed with no summary: "Details", unnamed
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
        self._summary_known(html_regions.shown_summary(words))

    def _summary_known(self, words: str | None) -> None:
        """The summary of the innermost <details> is known (None: it has none). Quoted
        material is skipped; a collapsed <details> counts only when its summary names the
        contract (then it is part of the contract region) or a field (then what it shows
        is that field's value)."""
        if not self.details:
            return
        current = self.details[-1]
        if words is not None and html_regions.words_mark_quoted(words):
            self._mark_quoted()
            return
        named = self.names(words) if words else None
        if named == "contract":
            if not current.contract:
                current.contract = True
                self.contract_details += 1
        elif named is not None:
            self.named_field = named
        elif current.hidden:
            self._mark_quoted()  # collapsed and about something else: not the contract

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
