"""YAML reading that keeps line numbers and refuses alias bombs and duplicate keys.

YAML's loaders keep the last of two equal keys and drop the first without a word: a
policy with ``RED:`` twice would lose its first list of RED paths. ``load`` refuses it,
naming both lines; ``duplicate_key`` finds one in any composed document.
"""

from __future__ import annotations

from typing import Any

import yaml

from gatekeeper.errors import GatekeeperError

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Anchors let a few lines of YAML describe a huge tree; cap the expanded size.
MAX_EXPANDED_NODES = 200_000


def compose(text: str, *, file: str, line_offset: int = 0) -> yaml.Node | None:
    """Parse YAML into its node graph (values stay as written, marks keep lines)."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise GatekeeperError(f"invalid YAML: {problem}", file=file, line=line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 + line_offset
        raise GatekeeperError(
            f"invalid YAML: character {exc.character!r} is not allowed", file=file, line=line,
        ) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise GatekeeperError(f"invalid YAML: {message}", file=file) from None


def expanded_size(node: yaml.Node, limit: int = MAX_EXPANDED_NODES) -> int:
    """Number of nodes once aliases are expanded, stopping early past ``limit``."""
    memo: dict[int, int] = {}

    def size(current: yaml.Node, depth: int) -> int:
        if depth > 200:
            return limit + 1
        key = id(current)
        if key in memo:
            return memo[key]
        total = 1
        memo[key] = limit + 1  # a cycle counts as unbounded
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > limit:
                    break
        elif isinstance(current, yaml.SequenceNode):
            for item in current.value:
                total += size(item, depth + 1)
                if total > limit:
                    break
        memo[key] = total
        return total

    return size(node, 0)


def duplicate_key(node: yaml.Node) -> tuple[str, int, int] | None:
    """The first key written twice in one mapping, anywhere in the document: (the key,
    the line of its first use, the line of the second); None when every key is unique."""
    seen_nodes: set[int] = set()
    stack: list[yaml.Node] = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            first: dict[tuple[str, str], int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    name = (key.tag, key.value)
                    line = key.start_mark.line + 1
                    if name in first:
                        return key.value, first[name], line
                    first[name] = line
                else:
                    stack.append(key)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


def load(text: str, *, file: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML into plain data, returning the node graph too for line lookups. A key
    written twice in one mapping is an error naming both lines."""
    node = compose(text, file=file)
    if node is None:
        return None, None
    if expanded_size(node) > MAX_EXPANDED_NODES:
        raise GatekeeperError(
            "YAML expands to too many values (anchors and aliases)", file=file,
            line=node.start_mark.line + 1,
        )
    duplicate = duplicate_key(node)
    if duplicate is not None:
        key, first, second = duplicate
        raise GatekeeperError(
            f"duplicate key {key!r} on lines {first} and {second}: YAML would keep line "
            f"{second}'s and drop line {first}'s without a word; merge them into one",
            file=file, line=second,
        )
    loader = _Loader("")
    try:
        return loader.construct_document(node), node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise GatekeeperError(
            f"invalid YAML: {exc.problem}", file=file,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise GatekeeperError(f"invalid YAML: {exc}", file=file) from None
    finally:
        loader.dispose()


def line_of(node: yaml.Node | None, path: list[str | int]) -> int | None:
    """1-based line of the value at ``path`` (keys and list indexes) in a composed document."""
    if node is None:
        return None
    current = node
    for step in path:
        if isinstance(current, yaml.MappingNode) and isinstance(step, str):
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.value == step:
                    current = value
                    break
            else:
                break
        elif isinstance(current, yaml.SequenceNode) and isinstance(step, int):
            if 0 <= step < len(current.value):
                current = current.value[step]
            else:
                break
        else:
            break
    return current.start_mark.line + 1
