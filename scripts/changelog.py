#!/usr/bin/env python3
"""Read CHANGELOG.md (Keep a Changelog): the section of one version, for its GitHub release.

    python scripts/changelog.py section 1.2.0   # the body of "## [1.2.0] - DATE"
    python scripts/changelog.py check           # every section well formed

Exit 1, naming what is wrong, when the version has no section or it is empty: a release is
never published without its notes. Stdlib only.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"
# "## [1.2.0] - 2026-12-04" or "## [Unreleased]"
HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$")
KINDS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


def sections(text: str) -> dict[str, str]:
    """Each version's heading name and its body (up to the next version or the links)."""
    found: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading is not None or re.match(r"^\[[^\]]+\]: ", line):
            if current is not None:
                found[current] = "\n".join(lines).strip() + "\n"
            current = heading.group("version") if heading is not None else None
            lines = []
            continue
        if current is not None:
            lines.append(line)
    if current is not None:
        found[current] = "\n".join(lines).strip() + "\n"
    return found


def problems(text: str) -> list[str]:
    """What makes the changelog not Keep a Changelog."""
    found: list[str] = []
    headings = [HEADING.match(line) for line in text.splitlines() if line.startswith("## ")]
    if any(h is None for h in headings):
        found.append("a version heading is not '## [VERSION] - YYYY-MM-DD' or '## [Unreleased]'")
    names = [h.group("version") for h in headings if h is not None]
    if not names or names[0] != "Unreleased":
        found.append("the first section must be '## [Unreleased]'")
    for heading in headings:
        if heading is not None and heading.group("version") != "Unreleased" \
                and heading.group("date") is None:
            found.append(f"[{heading.group('version')}] has no date")
    for line in text.splitlines():
        if line.startswith("### ") and line[4:].strip() not in KINDS:
            found.append(f"'{line}' is not one of {', '.join(KINDS)}")
    for name in names:
        if f"\n[{name}]: " not in text:
            found.append(f"[{name}] has no link at the end of the file")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    section = commands.add_parser("section")
    section.add_argument("version")
    commands.add_parser("check")
    parser.add_argument("--file", type=Path, default=CHANGELOG)
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    if args.command == "check":
        for problem in problems(text):
            print(f"{args.file.name}: {problem}", file=sys.stderr)
        return 1 if problems(text) else 0
    body = sections(text).get(args.version)
    if not body or not body.strip():
        print(f"{args.file.name} has no section for {args.version}: rename [Unreleased] to "
              f"[{args.version}] - DATE before tagging (docs/releasing.md)", file=sys.stderr)
        return 1
    sys.stdout.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
