"""Pasting a suggested contract back, as an author would: each blank filled, the rest kept."""

from __future__ import annotations

import re

from gatekeeper.core.fields import FIELDS, normalize_label
from tests.support.bodies import good_value

LABELS = {normalize_label(spec.label): spec.name for spec in FIELDS}
PROSE_BLANK = re.compile(r"^- \*\*(?P<label>[^*]+):\*\* <!-- needed: [^>]*-->$")
BLOCK_BLANK = re.compile(r'^(?P<name>[a-z_]+): ""  # needed: .*$')
GOOD_VALUES = {spec.name: good_value(spec.name) for spec in FIELDS}


def fill(suggestion: str, values: dict[str, str]) -> str:
    """The suggestion with each blank replaced by ``values[field]`` (a policy's own field
    is found by its name as label: ``Security review`` for ``security_review``)."""
    out = []
    for line in suggestion.splitlines():
        prose, block = PROSE_BLANK.match(line), BLOCK_BLANK.match(line)
        if prose:
            label = normalize_label(prose["label"])
            name = LABELS.get(label, label.replace(" ", "_"))
            line = f"- **{prose['label']}:** {values[name]}"
        elif block:
            line = f'{block["name"]}: "{values[block["name"]]}"'
        out.append(line)
    return "\n".join(out) + "\n"


def pasted(suggestion: str, values: dict[str, str] | None = None) -> str:
    """A new body: a summary, then the suggestion with its blanks filled (by default with
    values that pass)."""
    filled = fill(suggestion, values or GOOD_VALUES)
    return "## Summary\nThe same change, its contract repaired.\n\n" + filled
