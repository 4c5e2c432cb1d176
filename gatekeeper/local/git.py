"""The local git repository: where its top level is, and what a range changed."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gatekeeper.core.model import ChangedPath
from gatekeeper.errors import GatekeeperError


def top_level(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder or a worktree file)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def changed_paths(revision_range: str, *, cwd: Path | None = None) -> list[ChangedPath]:
    """``git diff --name-status -M`` over ``BASE...HEAD``, renames with both paths."""
    if not revision_range or revision_range.startswith("-"):
        raise GatekeeperError(f"--diff takes a range such as main...HEAD, not {revision_range!r}")
    try:
        result = subprocess.run(
            ["git", "diff", "--name-status", "-M", "-z", revision_range, "--"],
            cwd=cwd, capture_output=True, check=False,
        )
    except FileNotFoundError:
        raise GatekeeperError("--diff needs git, and git is not installed") from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GatekeeperError(
            f"git diff {revision_range} failed: {detail[0] if detail else result.returncode}"
        )
    fields = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    changes: list[ChangedPath] = []
    position = 0
    while position < len(fields) and fields[position]:
        status = fields[position]
        if status[0] in "RC":
            changes.append(ChangedPath(path=fields[position + 2], old_path=fields[position + 1]))
            position += 3
        else:
            changes.append(ChangedPath(path=fields[position + 1]))
            position += 2
    return changes
