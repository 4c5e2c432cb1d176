"""What GitHub's HTML sanitiser leaves of raw HTML in a pull request body.

GitHub renders a body's Markdown and then sanitises the HTML with an allow-list: tags on
it are kept (without most attributes: ``style``, ``hidden`` and ``class`` are dropped, so
content they would hide is shown); other tags are removed and their text kept, except
the tags whose content is removed with them (a script, a style sheet, a template, form
controls and embedded documents). The lists below are that allow-list, taken from
GitHub's published sanitisation filter (html-pipeline) and the elements browsers parse as
raw text. Every reader of HTML in the core asks this module, so a tag is treated the same
in a paragraph, a table cell, a value and the Markdown inside a ``<details>``.
"""

from __future__ import annotations

import re

# Kept as elements (their text shows).
ALLOWED = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "br", "b", "i", "strong", "em", "a",
    "pre", "code", "img", "tt", "div", "ins", "del", "sup", "sub", "p", "ol", "ul",
    "table", "thead", "tbody", "tfoot", "blockquote", "dl", "dt", "dd", "kbd", "q", "samp",
    "var", "hr", "ruby", "rt", "rp", "li", "tr", "td", "th", "s", "strike", "summary",
    "details", "caption", "figure", "figcaption", "abbr", "bdo", "cite", "dfn", "mark",
    "small", "span", "time", "wbr", "picture", "source", "u",
})
# Removed with everything inside them: nothing of theirs shows.
CONTENT_REMOVED = frozenset({
    "script", "style", "template", "noscript", "iframe", "noembed", "noframes", "xmp",
    "plaintext", "textarea", "select", "option", "object", "svg", "math", "title",
})
_NAMES = "|".join(sorted(CONTENT_REMOVED))
_REMOVED = re.compile(rf"<({_NAMES})\b[^>]*>.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_OPEN = re.compile(rf"<({_NAMES})\b[^>]*>$", re.IGNORECASE)
_CLOSE = re.compile(rf"</({_NAMES})\s*>$", re.IGNORECASE)


def without_removed(html: str) -> str:
    """``html`` without the elements GitHub removes with their content (lines kept)."""
    if "<" not in html:
        return html
    return _REMOVED.sub(lambda found: "\n" * found.group(0).count("\n"), html)


def opens_removed(tag: str) -> bool:
    """Whether an inline tag opens an element GitHub removes with its content."""
    return _OPEN.match(tag) is not None and not tag.endswith("/>")


def closes_removed(tag: str) -> bool:
    return _CLOSE.match(tag) is not None


_OPENS = re.compile(rf"<(?:{_NAMES})\b[^>]*(?<!/)>", re.IGNORECASE)
_CLOSES = re.compile(rf"</(?:{_NAMES})\s*>", re.IGNORECASE)


def removed_left_open(html: str) -> int:
    """How many elements removed with their content an HTML block opens and leaves open
    (negative: closes), so that the Markdown between the blocks is removed too."""
    if "<" not in html:
        return 0
    return len(_OPENS.findall(html)) - len(_CLOSES.findall(html))
