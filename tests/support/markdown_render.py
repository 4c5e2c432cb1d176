"""Markdown as GitHub renders a comment or a job summary, for tests that check what a
reader sees: which text is plain, which is code, what the tables hold, which HTML is live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

# GitHub turns these into mentions and references when they stand in plain text.
MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass(frozen=True)
class Rendered:
    tokens: list[Token]
    html: str

    def _inline(self) -> list[Token]:
        return [child for token in self.tokens if token.type == "inline"
                for child in token.children or ()]

    @property
    def plain_text(self) -> str:
        """The text outside code spans and fenced blocks, one piece a line."""
        return "\n".join(t.content for t in self._inline() if t.type == "text")

    @property
    def code_spans(self) -> list[str]:
        return [t.content for t in self._inline() if t.type == "code_inline"]

    @property
    def fences(self) -> list[tuple[str, str]]:
        return [(t.info, t.content) for t in self.tokens if t.type == "fence"]

    @property
    def live_html(self) -> list[str]:
        """Raw HTML GitHub would render as HTML (inline or as a block)."""
        blocks = [t.content for t in self.tokens if t.type == "html_block"]
        return blocks + [t.content for t in self._inline() if t.type == "html_inline"]

    @property
    def links(self) -> list[str]:
        return [str(t.attrs.get("href")) for t in self._inline() if t.type == "link_open"]

    def tables(self) -> list[list[list[str]]]:
        """Each table as rows of cells; a cell's text is its inline source."""
        tables: list[list[list[str]]] = []
        in_cell = False
        for token in self.tokens:
            if token.type == "table_open":
                tables.append([])
            elif token.type == "tr_open":
                tables[-1].append([])
            elif token.type in ("th_open", "td_open"):
                tables[-1][-1].append("")
                in_cell = True
            elif token.type in ("th_close", "td_close"):
                in_cell = False
            elif token.type == "inline" and in_cell:
                tables[-1][-1][-1] = token.content
        return tables


def render(markdown: str) -> Rendered:
    md = _markdown()
    return Rendered(tokens=md.parse(markdown), html=md.render(markdown))
