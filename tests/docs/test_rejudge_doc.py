"""docs/security.md says exactly which events re-judge a pull request: every trigger of the
workflows `gatekeeper init` writes is in its table, the table names none they lack, and
the merge queue is named as the backstop for what is not re-triggered."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gatekeeper.commands.init.workflows import HARDENED, SIMPLE_SET_UP
from gatekeeper.core.text import yamltext

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = {"simple": [t.resource for t in SIMPLE_SET_UP],
             "hardened": [t.resource for t in HARDENED]}


def _section() -> str:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    start = text.index("### What re-judges a pull request")
    return text[start:text.index("\n## ", start)]


def _triggers(template: str) -> dict[str, list[str]]:
    text = (ROOT / "gatekeeper" / "templates" / template).read_text(encoding="utf-8")
    # Only the top-level "on:" block: the rest holds placeholders init fills in.
    block = re.search(r"^on:\n(?:(?:[ #].*)?\n)*", text, re.MULTILINE)
    assert block, f"{template} has no on: block"
    data, _ = yamltext.load(block.group(0), file=template)
    on: dict[str, Any] = data[True] if True in data else data["on"]
    return {event: list((spec or {}).get("types", [])) for event, spec in on.items()}


def _rows() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in _section().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in ("simple", "hardened", "both"):
            for event_part in cells[1].split(", then "):
                found = re.match(r"`(\w+)` \(([^)]*)\)", event_part)
                assert found, f"unreadable event cell: {cells[1]}"
                types = re.findall(r"`(\w+)`", found.group(2))
                rows.append((cells[0], found.group(1), types))
    return rows


def test_every_trigger_init_writes_is_documented_and_no_other() -> None:
    documented = {(setup if setup != "both" else s, event, tuple(types))
                  for setup, event, types in _rows()
                  for s in (("simple", "hardened") if setup == "both" else (setup,))}
    written = {(setup, event, tuple(types))
               for setup, templates in TEMPLATES.items()
               for template in templates
               for event, types in _triggers(template).items()}
    assert documented == written


def test_what_is_not_re_triggered_is_named_with_the_merge_queue_as_backstop() -> None:
    section = _section()
    assert "**Not re-triggered**" in section
    for fact in ("central policy tightened", "approval record in another repository",
                 "lost write access"):
        assert fact in section
    assert "**The backstop is the merge queue.**" in section
