"""The output formats of the commands that are not decisions, one place per command: the
command line offers exactly these, and each command's renderers are keyed by them (a
test keeps the two in step)."""

from __future__ import annotations

from typing import Final

DOCTOR_ORG: Final = ("text", "json")
METRICS: Final = ("csv", "json", "markdown")
