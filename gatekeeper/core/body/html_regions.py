"""What an HTML block of a pull request body does to what a reader of the rendered page
sees: the ``<details>`` it opens (collapsed or open, marked as quoted material by its
summary or not) and closes, the ``<blockquote>`` elements it opens and closes, and the
Markdown it shows inside. Text in, facts out; the walk in core/body/contract.py keeps the
state of the regions open around it.
"""

from __future__ import annotations

import re

from gatekeeper.core.text.github_html import without_removed
from gatekeeper.core.text.normalize import lookalikes_folded, visible

_QUOTED_SUMMARY = re.compile(
    r"original (?:prompt|task|issue|request|description|pr|pull request|message)|quot|"
    r"repl(?:y|ied)|wrote|previous|backport|cherry|copied|forwarded|transcript|"
    r"conversation|comment from|release notes|changelog|commits|prompt|instruction|"
    r"upstream|old description|description of",
    re.IGNORECASE,
)
_DETAILS_OPEN = re.compile(r"<details\b[^>]*>", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
# Bounded, so that a body of unclosed <summary> tags is read in linear time.
_SUMMARY = re.compile(r"<summary\b[^>]{0,200}>(.{0,2048}?)</summary\s*>",
                      re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"</?(?:details|summary|p|div|br|b|i|strong|em|span)\b[^>]*>",
                   re.IGNORECASE)
_HTML_QUOTE = re.compile(r"<blockquote\b.*?(?:</blockquote\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_QUOTE_OPEN = re.compile(r"<blockquote\b[^>]*>", re.IGNORECASE)
_QUOTE_CLOSE = re.compile(r"</blockquote\s*>", re.IGNORECASE)
# Tags inside an HTML comment are not tags: `<!-- </details> -->` closes nothing.
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_SUMMARY_OPEN = re.compile(r"<summary\b[^>]*>", re.IGNORECASE)
_SUMMARY_CLOSE = re.compile(r"</summary\s*>", re.IGNORECASE)
# A heading over quoted material: what follows, up to the next heading of its level or
# higher, is not the author's contract. Narrower than a summary's words, as a heading
# such as "Changelog" may well head the author's own text.
_QUOTED_HEADING = re.compile(
    r"original (?:prompt|task|issue|request|description|pr|pull request|message)"
    r"|^quot(?:e|ed|ing)\b|^(?:the )?prompt(?: used| given)?$|transcript"
    r"|^conversation\b|(?:previous|old) description|backported from|cherry.picked from",
    re.IGNORECASE,
)
# How far after a <details> its <summary> is looked for: bounded, so a body of unclosed
# summaries stays linear.
_SUMMARY_REACH = 2048

# A <details> an HTML block opens: (quoted by its summary, collapsed, its summary's words
# as shown, None when it has no summary).
DetailsOpen = tuple[bool, bool, str | None]


def _shown(text: str) -> str:
    """Words as a reader takes them: a Cyrillic O in "Original prompt" is read as Latin."""
    return lookalikes_folded(visible(text))


_ATTRIBUTES = re.compile(
    r"<([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|"
    r"[^\s\"'=<>`]+))?)+)\s*(/?)>")


def _tag_name_only(match: re.Match[str]) -> str:
    return f"<{match.group(1)}{match.group(3)}>" + "\n" * match.group(0).count("\n")


def _blank_keeping_lines(match: re.Match[str]) -> str:
    return "\n" * match.group(0).count("\n")


def without_comments(content: str) -> str:
    """The block with its HTML comments blanked, line breaks kept."""
    return _COMMENT.sub(_blank_keeping_lines, content)


def words_mark_quoted(words: str) -> bool:
    """Whether the words of a summary, read as GitHub shows them, mark a quote."""
    return bool(_QUOTED_SUMMARY.search(_shown(words)))


def summary_marks_quoted(text: str) -> bool:
    """Whether a <details> summary marks what follows as quoted, read as GitHub shows it
    (tags, entities, invisible characters and line breaks do not hide the words)."""
    found = _SUMMARY.search(text) or _SUMMARY_OPEN.search(text)
    words = found.group(1) if found is not None and found.groups() else text
    return bool(_QUOTED_SUMMARY.search(_shown(words)))


def details_opened(content: str) -> list[DetailsOpen]:
    """Each <details> the block opens, with what its own summary says."""
    opens = list(_DETAILS_OPEN.finditer(content))
    found: list[DetailsOpen] = []
    for index, match in enumerate(opens):
        reach = opens[index + 1].start() if index + 1 < len(opens) else len(content)
        window = content[match.end():min(reach, match.end() + _SUMMARY_REACH)]
        summary = _SUMMARY.search(window)
        words = _shown(summary.group(1)) if summary is not None else None
        quoted = bool(words and _QUOTED_SUMMARY.search(words))
        hidden = " open" not in match.group(0).casefold()
        found.append((quoted, hidden, words))
    return found


def summary_text(content: str) -> str | None:
    """The words of the first <summary> of the block, as shown."""
    found = _SUMMARY.search(content) or _SUMMARY_OPEN.search(content)
    if found is None:
        return None
    return _shown(found.group(1)) if found.groups() else ""


def shown_summary(words: str) -> str:
    """A summary's collected words (tags and Markdown markers included), as shown."""
    return _shown(_SUMMARY_OPEN.sub(" ", _SUMMARY_CLOSE.sub(" ", words)))


def details_closed(content: str) -> int:
    return len(_DETAILS_CLOSE.findall(content))


def quotes_opened_and_closed(content: str) -> tuple[int, int]:
    return len(_QUOTE_OPEN.findall(content)), len(_QUOTE_CLOSE.findall(content))


def heading_marks_quoted(text: str) -> bool:
    return bool(_QUOTED_HEADING.search(_shown(text)))


def summary_left_open(content: str) -> bool:
    """Whether the block ends inside a <summary>: its Markdown follows in other blocks."""
    opened = [match.start() for match in _SUMMARY_OPEN.finditer(content)]
    closed = [match.start() for match in _SUMMARY_CLOSE.finditer(content)]
    return bool(opened) and (not closed or opened[-1] > closed[-1])


def summary_closed_at(content: str) -> int | None:
    """Where the first ``</summary>`` of the block is, if it has one."""
    found = _SUMMARY_CLOSE.search(content)
    return found.start() if found is not None else None


def has_summary(content: str) -> bool:
    """A <summary> (of a <details> opened by an earlier block)."""
    return _SUMMARY_OPEN.search(content) is not None


def shown_markdown(content: str) -> str:
    """The Markdown a <details> written without blank lines shows: its summaries and the
    HTML blockquotes inside it blanked, the tags around the text removed, lines kept."""
    # Attribute values (a title="...", an alt="...") are tooltips, never shown as text;
    # a <script> or <template> is removed with its content.
    content = _ATTRIBUTES.sub(_tag_name_only, without_removed(content))
    inner = _HTML_QUOTE.sub(_blank_keeping_lines, _SUMMARY.sub(_blank_keeping_lines, content))
    return _TAGS.sub("", inner)
