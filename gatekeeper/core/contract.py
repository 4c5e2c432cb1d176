"""Read the contract out of a pull request body.

The body is parsed as Markdown (markdown-it-py), never scanned with patterns over the raw
text: fields are found in list items, paragraphs and headed sections, template hints are
HTML comments, and a fenced ``gatekeeper`` YAML block wins over the prose field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from gatekeeper.core import yamltext
from gatekeeper.core.fields import is_placeholder, label_index, normalize_label
from gatekeeper.core.model import BodyProblem, Contract, FieldStatus, FieldValue
from gatekeeper.errors import GatekeeperError

BLOCK_INFO = "gatekeeper"
_MAX_LABEL = 60
_SECTION_ANCHORS = ("contract", "escalation")


@dataclass
class _Line:
    number: int
    text: str = ""
    hinted: bool = False


@dataclass
class _Pending:
    """A label with nothing after it, waiting for its value in the blocks below it."""

    name: str
    level: int  # the label's token level; -1 for a heading (runs to the next heading)
    parts: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class _Reading:
    index: dict[str, str]
    placeholders: tuple[str, ...]
    prose: dict[str, FieldValue] = field(default_factory=dict)
    block: dict[str, FieldValue] = field(default_factory=dict)
    problems: list[BodyProblem] = field(default_factory=list)
    sections: dict[str, int] = field(default_factory=dict)
    blocks_seen: int = 0
    pending: _Pending | None = None


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark")


def parse_contract(
    body: str,
    *,
    aliases: dict[str, tuple[str, ...]] | None = None,
    placeholders: tuple[str, ...] = (),
) -> Contract:
    """Every contract field in ``body`` with its 1-based line and whether it is filled."""
    reading = _Reading(index=label_index(aliases or {}), placeholders=placeholders)
    tokens = _markdown().parse(body)
    for position, token in enumerate(tokens):
        if token.type == "fence" and _is_contract_block(token):
            _read_block(reading, token)
        elif token.type == "heading_open":
            _read_heading(reading, tokens[position + 1], token)
        elif token.type == "inline" and position and tokens[position - 1].type != "heading_open":
            _read_inline(reading, token)
        elif token.type in ("fence", "code_block") and reading.pending is not None:
            _read_code(reading, token)
    fields = dict(reading.prose)
    for name, value in reading.block.items():
        if value.status == "filled" or name not in fields:
            fields[name] = value
    return Contract(
        fields=fields,
        problems=tuple(reading.problems),
        section_lines=dict(reading.sections),
    )


def _is_contract_block(token: Token) -> bool:
    words = token.info.strip().split()
    return bool(words) and words[0].casefold() == BLOCK_INFO


def _status(reading: _Reading, name: str, value: str) -> FieldStatus:
    if not value:
        return "empty"
    if is_placeholder(value, field=name, extra=reading.placeholders):
        return "placeholder"
    return "filled"


def _record(reading: _Reading, name: str, value: str, line: int, hinted: bool,
            level: int) -> None:
    if name in reading.prose:
        return
    status = _status(reading, name, value)
    reading.prose[name] = FieldValue(name=name, value=value, line=line, status=status)
    # A label with nothing after it takes its value from the blocks below it (a nested
    # list, or the paragraphs under a heading), unless a hint comment says it is empty.
    reading.pending = _Pending(name, level) if status == "empty" and not hinted else None


def _continue_pending(reading: _Reading, token: Token, lines: list[_Line]) -> bool:
    """Add ``token``'s text to a waiting label's value; False when the label's value ended."""
    pending = reading.pending
    if pending is None:
        return False
    first = lines[0].text.partition(":")
    starts_field = bool(first[1]) and normalize_label(first[0]) in reading.index
    # Blocks inside the label's list item (a nested list, a loose paragraph) continue it.
    if starts_field or (pending.level >= 0 and token.level < pending.level):
        reading.pending = None
        return False
    texts = [line.text.strip() for line in lines if line.text.strip()]
    if texts:
        pending.parts += texts
        pending.line = pending.line or next(line.number for line in lines if line.text.strip())
        value = " ".join(pending.parts)
        reading.prose[pending.name] = FieldValue(
            name=pending.name, value=value, line=pending.line,
            status=_status(reading, pending.name, value),
        )
    return True


def _read_heading(reading: _Reading, inline: Token, opener: Token) -> None:
    line = (opener.map[0] + 1) if opener.map else 1
    label = normalize_label(inline.content.rstrip(":"))
    reading.pending = None
    if label in _SECTION_ANCHORS:
        reading.sections.setdefault(label, line)
    name = reading.index.get(label)
    if name is not None and name not in reading.prose:
        reading.pending = _Pending(name, level=-1)


def _read_inline(reading: _Reading, token: Token) -> None:
    lines = _logical_lines(token)
    if _continue_pending(reading, token, lines):
        return
    for position, line in enumerate(lines):
        label, colon, rest = line.text.partition(":")
        is_label = colon and len(label) <= _MAX_LABEL
        name = reading.index.get(normalize_label(label)) if is_label else None
        if name is None:
            continue
        value = rest.strip()
        if not value and not line.hinted:
            # Continuation lines of the same paragraph carry the value.
            following = []
            for later in lines[position + 1:]:
                later_label, later_colon, _ = later.text.partition(":")
                if later_colon and normalize_label(later_label) in reading.index:
                    break
                if later.text.strip():
                    following.append(later.text.strip())
            value = " ".join(following)
        _record(reading, name, value, line.number, line.hinted, token.level)


def _read_code(reading: _Reading, token: Token) -> None:
    """A code block under a label-only field (a command, a script) is its value."""
    first = (token.map[0] + 1) if token.map else 1
    offset = 1 if token.type == "fence" else 0
    lines = [_Line(first + offset + n, text)
             for n, text in enumerate(token.content.splitlines())]
    if lines:
        # A fence sits one level above the inline text of the list item it belongs to.
        inline_level = Token("inline", "", 0, level=token.level + 1)
        _continue_pending(reading, inline_level, lines)


def _logical_lines(token: Token) -> list[_Line]:
    """The inline's text split at line breaks, with HTML comments removed and flagged."""
    number = (token.map[0] + 1) if token.map else 1
    lines = [_Line(number)]
    for child in token.children or ():
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            number += 1
            lines.append(_Line(number))
        elif kind == "html_inline":
            if child.content.startswith("<!--"):
                lines[-1].hinted = True
            else:
                lines[-1].text += " ".join(child.content.split())
            number += child.content.count("\n")
        elif kind in ("text", "code_inline", "image"):
            lines[-1].text += child.content
    return lines


def _read_block(reading: _Reading, token: Token) -> None:
    opener = (token.map[0] + 1) if token.map else 1
    reading.blocks_seen += 1
    if reading.blocks_seen > 1:
        reading.problems.append(BodyProblem(
            "more than one ```gatekeeper block; keep exactly one", opener))
        return
    try:
        node = yamltext.compose(token.content, file="body", line_offset=opener)
    except GatekeeperError as exc:
        last = token.map[1] if token.map else opener  # an unclosed fence ends with the body
        line = min(exc.line or opener, max(last, opener))
        reading.problems.append(BodyProblem(f"the gatekeeper block is not valid YAML: "
                                            f"{exc.message.removeprefix('invalid YAML: ')}",
                                            line))
        return
    if node is None:
        return
    if not isinstance(node, yaml.MappingNode):
        reading.problems.append(BodyProblem(
            "the gatekeeper block must be a mapping of field: value lines", opener))
        return
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        name = reading.index.get(normalize_label(key.value))
        if name is None or name in reading.block:
            continue
        line = opener + key.start_mark.line + 1
        if not isinstance(value, yaml.ScalarNode):
            reading.problems.append(BodyProblem(
                f"`{key.value}` in the gatekeeper block must be a single text value", line))
            continue
        text = "" if value.tag == "tag:yaml.org,2002:null" else str(value.value).strip()
        reading.block[name] = FieldValue(
            name=name, value=text, line=line,
            status=_status(reading, name, text), source="block",
        )
