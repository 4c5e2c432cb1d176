"""The local git repository: its top level, what a range changed, where its remote points.

Every git command here runs at the top level with the options that make its output the
same whatever the user's configuration says: ``--no-relative`` (``diff.relative``),
``--no-ext-diff`` (``diff.external``), ``--no-color``, ``-M`` (``diff.renames``) and
``--ignore-submodules=none`` (``diff.ignoreSubmodules``).
"""

from __future__ import annotations

from pathlib import Path

from gatekeeper.core.model import ChangedPath
from gatekeeper.errors import GatekeeperError

# The options that make `git diff` list every changed path of the whole repository, with
# renames and submodules, however diff.relative, diff.renames, diff.external,
# diff.ignoreSubmodules or color.* are configured. ``--raw`` gives each side's mode, so a
# gitlink (mode 160000) is known for the submodule it is.
DIFF_OPTIONS = ("--no-relative", "--no-ext-diff", "--no-color", "--no-textconv",
                "--ignore-submodules=none", "--raw", "-M", "-z")
GITLINK_MODE = "160000"


def top_level(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder or a worktree file)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def run_git(args: list[str], *, cwd: Path | None, what: str) -> str:
    """Run ``git -C <cwd> ARGS``; its standard output, or a GatekeeperError naming ``what``."""
    command = ["git", *(["-C", str(cwd)] if cwd is not None else []), *args]
    # Loaded only when git runs: a validate that runs none never pays for it.
    import subprocess

    try:
        result = subprocess.run(command, capture_output=True, check=False)
    except FileNotFoundError:
        raise GatekeeperError(f"{what} needs git, and git is not installed") from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GatekeeperError(f"{what} failed: {detail[0] if detail else result.returncode}")
    return result.stdout.decode("utf-8", "surrogateescape")


def git_top_level(cwd: Path | None) -> Path:
    """The work tree's top level as git itself reports it."""
    shown = run_git(["rev-parse", "--show-toplevel"], cwd=cwd,
                    what="finding the git top level (git rev-parse --show-toplevel)")
    return Path(shown.strip())


def changed_paths(revision_range: str, *, cwd: Path | None = None) -> list[ChangedPath]:
    """``git diff --raw -M`` over ``BASE...HEAD`` for the whole repository, renames with
    both paths and submodules marked, whatever the git configuration and the folder it is
    run from."""
    if not revision_range or revision_range.startswith("-"):
        raise GatekeeperError(f"--diff takes a range such as main...HEAD, not {revision_range!r}")
    root = git_top_level(cwd)
    output = run_git(["diff", *DIFF_OPTIONS, revision_range, "--"], cwd=root,
                     what=f"git diff {revision_range}")
    fields = output.split("\0")
    changes: list[ChangedPath] = []
    position = 0
    while position < len(fields) and fields[position]:
        # ":<old mode> <new mode> <old sha> <new sha> <status>", then one or two paths.
        meta = fields[position].lstrip(":").split()
        old_mode, new_mode, status = meta[0], meta[1], meta[-1]
        submodule = GITLINK_MODE in (old_mode, new_mode)
        if status[0] in "RC":
            changes.append(ChangedPath(path=fields[position + 2], old_path=fields[position + 1],
                                       submodule=submodule))
            position += 3
        else:
            changes.append(ChangedPath(path=fields[position + 1], submodule=submodule))
            position += 2
    return changes
