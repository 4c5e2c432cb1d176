"""The fenced ```gatekeeper block: a YAML mapping of field: value lines."""

from __future__ import annotations

from markdown_it.token import Token

from gatekeeper.core.body.reading import Occurrence, Reader
from gatekeeper.core.model import BodyProblem
from gatekeeper.errors import GatekeeperError

BLOCK_INFO = "gatekeeper"


_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"


def is_contract_block(token: Token) -> bool:
    words = token.info.strip().split()
    return bool(words) and words[0].casefold() == BLOCK_INFO


def read(reader: Reader, token: Token, offset: int, *, hidden: bool, in_section: bool) -> None:
    # The YAML parser loads only for a body that has a contract block.
    import yaml

    from gatekeeper.core.text import yamltext

    opener = offset + ((token.map[0] + 1) if token.map else 1)
    reader.blocks_seen += 1
    if reader.blocks_seen > 1:
        reader.problems.append(BodyProblem(
            "more than one ```gatekeeper block; keep exactly one", opener))
        return
    try:
        node = yamltext.compose(token.content, file="body", line_offset=opener)
    except GatekeeperError as exc:
        last = offset + token.map[1] if token.map else opener
        line = min(exc.line or opener, max(last, opener))
        reader.problems.append(BodyProblem(
            "the gatekeeper block is not valid YAML: "
            f"{exc.message.removeprefix('invalid YAML: ')}", line))
        return
    if node is None:
        return
    if not isinstance(node, yaml.MappingNode):
        reader.problems.append(BodyProblem(
            "the gatekeeper block must be a mapping of field: value lines", opener))
        return
    seen: dict[str, int] = {}
    values_seen: set[int] = set()
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        line = opener + key.start_mark.line + 1
        name = reader.name_of(key.value)
        if name is None:
            continue
        if name in seen:
            reader.problems.append(BodyProblem(
                f"duplicate key `{key.value}` in the gatekeeper block (also at line "
                f"{seen[name]}); give each field once", line))
            continue
        seen[name] = line
        if not isinstance(value, yaml.ScalarNode):
            reader.problems.append(BodyProblem(
                f"`{key.value}` in the gatekeeper block must be a single text value", line))
            continue
        if id(value) in values_seen:
            # "*r": the reader sees an alias, not the words it stands for.
            reader.problems.append(BodyProblem(
                f"`{key.value}` in the gatekeeper block is an alias (*name); write its "
                "value out", line))
            continue
        values_seen.add(id(value))
        if value.tag not in (_STR, _NULL):
            # `true`, `12`, `.nan`, `!!binary ...`, `!tag x`: not the words on the page.
            reader.problems.append(BodyProblem(
                f"`{key.value}` in the gatekeeper block must be text, not a YAML "
                f"{value.tag.rsplit(':', 1)[-1].lstrip('!') or 'tagged'} value; quote it", line))
            continue
        text = "" if value.tag == _NULL else str(value.value).strip()
        reader.offer(Occurrence(name, text, line, in_section=in_section, source="block",
                                hidden=hidden))
