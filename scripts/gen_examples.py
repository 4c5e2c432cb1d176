"""Write docs/examples/*.yml and this repository's own gate from the shipped templates.

    python scripts/gen_examples.py          # rewrite the examples
    python scripts/gen_examples.py --check  # exit 1 when one is out of date

The templates in gatekeeper/templates/ are the source of truth (what `gatekeeper init`
writes). The examples are them with the default action reference; this repository's own
hardened gate (.github/workflows/gatekeeper*.yml) is them with `--action-ref ./`, so it runs
the action as it is on the base branch. tests/docs/test_examples_drift.py fails on drift.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gatekeeper.commands.init.workflows import EXAMPLES, HARDENED, render  # noqa: E402

EXAMPLES_DIR = ROOT / "docs" / "examples"
OWN_REF = "./"


def expected() -> dict[Path, str]:
    """Every generated file and what it must say."""
    files = {}
    for template in EXAMPLES:
        assert template.example is not None
        files[EXAMPLES_DIR / template.example] = render(template)
    for template in HARDENED:
        files[ROOT / template.path] = render(template, OWN_REF)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when an example drifts")
    check = parser.parse_args().check
    stale = []
    for path, text in expected().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.relative_to(ROOT).as_posix())
        if not check:
            path.write_text(text, encoding="utf-8")
    if check and stale:
        print(f"out of date: {' '.join(stale)}; run python scripts/gen_examples.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
