"""core/text/yamltext.py: YAML with lines, and no alias bombs."""

from __future__ import annotations

import pytest

from gatekeeper.core.text import yamltext
from gatekeeper.errors import GatekeeperError


def test_load_keeps_lines() -> None:
    data, node = yamltext.load("a: 1\nb:\n  - x\n  - y\n", file="f.yml")
    assert data == {"a": 1, "b": ["x", "y"]}
    assert yamltext.line_of(node, ["b", 1]) == 4


def test_errors_name_the_file_and_line() -> None:
    with pytest.raises(GatekeeperError) as raised:
        yamltext.load("a: [\n", file="f.yml")
    assert raised.value.file == "f.yml" and raised.value.line is not None


def test_alias_bombs_are_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(6))
    with pytest.raises(GatekeeperError, match="too many values"):
        yamltext.load(bomb, file="f.yml")
