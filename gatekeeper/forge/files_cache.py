"""The changed-file list of a (base, head) pair, kept between runs of one repository.

A pull request's files are a function of its base and head commits, so a run started by a
body edit, a label or a review reads them again for nothing; a 2,999-file pull request
costs 30 requests each time. The action keeps each list it read in a folder (the job's
cache, which a workflow can carry between runs with ``actions/cache``), keyed by the
repository and both SHAs.

A cached list is data, never a verdict: it is used only when it lists exactly as many
files as the pull request says it changes (``changed_files``) and fewer than GitHub's
3,000 cap; otherwise the list is read afresh. An entry that cannot be read, parsed or
matched is ignored. Entries are written whole (a temporary file renamed into place), so a
run stopped while writing leaves no half list.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from gatekeeper.core.model import ChangedPath

FORMAT = 2  # [path, old path, submodule, may be a folder] per file


class FilesCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def _entry(self, repo: str, base: str, head: str) -> Path:
        key = hashlib.sha256(f"{repo.casefold()}\n{base}\n{head}".encode()).hexdigest()
        return self.folder / f"files-{key}.json"

    def get(self, repo: str, base: str, head: str, expected: int) -> list[ChangedPath] | None:
        """The list for (base, head), when one is kept and has ``expected`` files."""
        try:
            data = json.loads(self._entry(repo, base, head).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or \
                data.get("repo") != repo.casefold() or data.get("base") != base or \
                data.get("head") != head or not isinstance(data.get("files"), list):
            return None
        changes: list[ChangedPath] = []
        for item in data["files"]:
            if not isinstance(item, list) or len(item) != 4 or not isinstance(item[0], str) \
                    or not (item[1] is None or isinstance(item[1], str)) \
                    or not isinstance(item[2], bool) or not isinstance(item[3], bool):
                return None
            changes.append(ChangedPath(path=item[0], old_path=item[1], submodule=item[2],
                                       may_be_folder=item[3]))
        return changes if len(changes) == expected else None

    def put(self, repo: str, base: str, head: str, changes: list[ChangedPath]) -> None:
        """Keep a complete list; a folder that cannot be written is no error."""
        record = {"format": FORMAT, "repo": repo.casefold(), "base": base, "head": head,
                  "files": [[c.path, c.old_path, c.submodule, c.may_be_folder]
                            for c in changes]}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(record, out, separators=(",", ":"))
            os.replace(temporary, self._entry(repo, base, head))
        except OSError:
            return
