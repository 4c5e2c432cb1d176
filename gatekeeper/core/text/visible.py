"""Markdown as GitHub renders a pull request body or an issue, and the words a reader sees.

One parser configuration for every reader of Markdown in the core: GitHub Flavored
Markdown's tables and strikethrough on CommonMark, with strikethrough by one tilde or two
as GitHub renders it (``~withdrawn~`` is struck; a run of three is text).
``visible_text`` is what a person reading the rendered page sees: no HTML comments or
other raw HTML, no code, no quoted material, no struck-through words.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

_HIDDEN_BLOCKS = ("blockquote_open", "html_block", "code_block", "fence")


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"strikethrough_single_tilde": True})
    return parser.enable(["table", "strikethrough"])


def visible_text(text: str) -> str:
    words: list[str] = []
    quoted = 0
    for token in markdown().parse(text):
        if token.type == "blockquote_open":
            quoted += 1
        elif token.type == "blockquote_close":
            quoted -= 1
        if quoted or token.type in _HIDDEN_BLOCKS or token.type != "inline":
            continue
        struck = 0
        for child in token.children or ():
            if child.type == "s_open":
                struck += 1
            elif child.type == "s_close":
                struck -= 1
            elif child.type == "text" and not struck:
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append("\n")
        words.append("\n")
    return "".join(words)
