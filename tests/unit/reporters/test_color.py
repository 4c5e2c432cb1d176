"""Colour: --color decides outright; under auto, NO_COLOR and FORCE_COLOR count only when
non-empty, and otherwise only a terminal gets colour."""

from __future__ import annotations

import io

import pytest

from gatekeeper.reporters.color import wants_color


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("choice", "tty", "environ", "expected"), [
    ("always", False, {"NO_COLOR": "1"}, True),
    ("never", True, {"FORCE_COLOR": "1"}, False),
    ("auto", True, {}, True),
    ("auto", False, {}, False),
    ("auto", True, {"NO_COLOR": "1"}, False),
    ("auto", True, {"NO_COLOR": ""}, True),  # an empty NO_COLOR means nothing
    ("auto", False, {"FORCE_COLOR": "1"}, True),
    ("auto", False, {"FORCE_COLOR": ""}, False),
    ("auto", False, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
])
def test_color_choice(choice: str, tty: bool, environ: dict[str, str], expected: bool) -> None:
    out = Terminal() if tty else io.StringIO()
    assert wants_color(choice, out, environ) is expected
