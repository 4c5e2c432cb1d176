"""Whether text output is coloured: ``--color``, then ``NO_COLOR``, then ``FORCE_COLOR``, then
whether the output is a terminal.

``--color always`` and ``--color never`` decide outright. Under ``--color auto`` (the
default), ``NO_COLOR`` set to a non-empty value turns colour off (https://no-color.org: an
empty ``NO_COLOR=`` means nothing), ``FORCE_COLOR`` set to a non-empty value turns it on
(for CI logs and pagers that render it), and otherwise colour is used on a terminal only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TextIO

ColorChoice = Literal["auto", "always", "never"]
CHOICES: tuple[ColorChoice, ...] = ("auto", "always", "never")


def wants_color(choice: str, out: TextIO, environ: Mapping[str, str]) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    if environ.get("NO_COLOR", ""):
        return False
    if environ.get("FORCE_COLOR", ""):
        return True
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())
