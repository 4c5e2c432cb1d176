"""core/body/shapes/code.py: a code block under an empty label is its value."""

from __future__ import annotations

from gatekeeper.core.body.reading import Reader
from gatekeeper.core.body.shapes.code import code_value
from gatekeeper.core.body.walk import Pending, Walk
from gatekeeper.core.fields import label_index
from gatekeeper.core.text.visible import markdown


def test_a_fence_under_a_waiting_label_is_its_value_from_its_first_line() -> None:
    walk = Walk(Reader(index=label_index({}), placeholders=()))
    walk.pending = Pending("test_evidence", (), 1)
    token = markdown().parse("```\n$ pytest\n4 passed\n```\n")[0]
    code_value(walk, token, 3)
    assert [(o.value, o.line) for o in walk.reader.prose] == [("$ pytest 4 passed", 4)]


def test_a_code_block_with_no_label_waiting_is_an_example() -> None:
    walk = Walk(Reader(index=label_index({}), placeholders=()))
    code_value(walk, markdown().parse("```\nRisk level: GREEN\n```\n")[0], 1)
    assert walk.reader.prose == []
