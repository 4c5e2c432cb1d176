"""Record the commit a build of Gatekeeper comes from, in ``gatekeeper/_build.py``.

The version comes from the repository's tags (hatch-vcs); this hook adds the full commit SHA
it was built from, and whether the working tree had uncommitted changes, so that
``gatekeeper --version``, the decision record and ``gatekeeper init`` name the exact code.

Where the commit comes from, in order:
1. git, when the source tree is a git checkout (a clone, ``pip install git+https://...``);
2. ``.git_archival.txt``, which ``git archive`` fills in (``export-subst`` in
   ``.gitattributes``), for GitHub's source tarballs of a tag or commit;
3. an existing ``gatekeeper/_build.py``, which an sdist carries from the build that made it,
   so a wheel built from the sdist keeps its commit.
Otherwise the commit is unknown (``None``): the CLI says so, and ``gatekeeper init`` says how
to pin the action by hand.

The file is generated, never tracked (``.gitignore``), and shipped in both the wheel and the
sdist.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUILD_FILE = "gatekeeper/_build.py"
_SHA = re.compile(r"^[0-9a-f]{40}$")
_TEMPLATE = '''\
"""What this build of Gatekeeper is: written by hatch_build.py at build time, not tracked."""

VERSION = {version!r}
COMMIT = {commit!r}
DIRTY = {dirty!r}
'''


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _from_git(root: Path) -> tuple[str, bool] | None:
    if not (root / ".git").exists():
        return None
    head = (_git(root, "rev-parse", "HEAD") or "").strip()
    if not _SHA.match(head):
        return None
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return head, bool(status and status.strip())


def _from_archive(root: Path) -> str | None:
    try:
        text = (root / ".git_archival.txt").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r"^node:\s*([0-9a-f]{40})\s*$", text, re.MULTILINE)
    return match.group(1) if match else None


def _from_previous(root: Path) -> tuple[str, bool] | None:
    try:
        text = (root / BUILD_FILE).read_text(encoding="utf-8")
    except OSError:
        return None
    commit = re.search(r"^COMMIT = '([0-9a-f]{40})'$", text, re.MULTILINE)
    if commit is None:
        return None
    return commit.group(1), "DIRTY = True" in text


def build_info(root: Path) -> tuple[str | None, bool]:
    """The commit this tree is built from (None when unknown) and whether it had changes."""
    found = _from_git(root)
    if found is not None:
        return found
    archived = _from_archive(root)
    if archived is not None:
        return archived, False
    previous = _from_previous(root)
    if previous is not None:
        return previous
    return None, False


class BuildInfoHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        commit, dirty = build_info(root)
        text = _TEMPLATE.format(version=self.metadata.version, commit=commit, dirty=dirty)
        target = root / BUILD_FILE
        try:
            current = target.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != text:
            target.write_text(text, encoding="utf-8")
        build_data["artifacts"].append(f"/{BUILD_FILE}")
