"""The pull request template: find the ones a repository already has, and add the contract.

GitHub reads a pull request template named ``pull_request_template.md`` (any case; ``.txt``
too) at the repository root, in ``.github/`` or in ``docs/``, and a choice of templates
from a ``PULL_REQUEST_TEMPLATE/`` folder in any of those places. When a repository has
any of them, `init` adds the contract and escalation sections (generated from the field
registry, like the template it writes) to each one that lacks them, at the end, leaving
the rest of the file as it is, and never writes a second template beside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gatekeeper.core import fields
from gatekeeper.core.body.contract import parse_contract

_PLACES = ("", ".github", "docs")
_FILE = re.compile(r"^pull_request_template\.(?:md|txt)$", re.IGNORECASE)
_FOLDER = re.compile(r"^pull_request_template$", re.IGNORECASE)
_IN_FOLDER = (".md", ".txt")

Status = Literal["complete", "extended", "partial"]


@dataclass(frozen=True)
class Extension:
    """What adding the contract to one template gives."""

    status: Status
    text: str  # the template with the missing sections appended ("extended")
    missing: tuple[str, ...] = ()  # labels a partly present section lacks ("partial")


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return []


def existing_templates(root: Path) -> list[str]:
    """Every pull request template GitHub would offer, relative to ``root``, in order."""
    places = [root] + [entry for entry in _entries(root)
                       if entry.is_dir() and entry.name.casefold() in _PLACES[1:]]
    found: list[Path] = []
    for place in places:
        for entry in _entries(place):
            if entry.is_file() and _FILE.match(entry.name):
                found.append(entry)
            elif entry.is_dir() and _FOLDER.match(entry.name):
                found += [inner for inner in _entries(entry)
                          if inner.is_file() and inner.suffix.casefold() in _IN_FOLDER]
    return [path.relative_to(root).as_posix() for path in found]


def add_contract(text: str) -> Extension:
    """``text`` with each contract section it lacks appended; ``partial`` when a section is
    there but some of its required fields are not (the author's own layout, left for them
    to fix)."""
    present = parse_contract(text).fields
    newline = "\r\n" if "\r\n" in text else "\n"
    added: list[str] = []
    missing: list[str] = []
    for section in ("contract", "escalation"):
        specs = [spec for spec in fields.FIELDS if spec.section == section]
        if not any(spec.name in present for spec in specs):
            added.append(fields.template_section(section))
        else:
            # An optional field the author's layout leaves out is not missing.
            missing += [spec.label for spec in specs
                        if spec.name not in present and spec.requirement != "optional"]
    if missing:
        return Extension("partial", text, tuple(missing))
    if not added:
        return Extension("complete", text)
    tail = "\n".join(added).replace("\n", newline)
    separator = "" if not text or text.endswith(newline) else newline
    if text.strip():
        separator += newline
    return Extension("extended", text + separator + tail)
