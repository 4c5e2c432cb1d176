"""The changed-file list of a (base, head) pair kept between runs: data that is used only
when it is exactly the pull request's list, never a verdict."""

from __future__ import annotations

import json
from pathlib import Path

from gatekeeper.core.model import ChangedPath
from gatekeeper.forge.files_cache import FilesCache

BASE, HEAD = "b" * 40, "c" * 40
FILES = [ChangedPath("src/app.py"), ChangedPath("docs/new.md", old_path="docs/old.md"),
         ChangedPath("vendor/auth", submodule=True), ChangedPath("src/x", may_be_folder=True)]


def test_a_kept_list_comes_back_for_the_same_pair_and_count(tmp_path: Path) -> None:
    cache = FilesCache(tmp_path / "cache")
    cache.put("Acme/App", BASE, HEAD, FILES)
    assert cache.get("acme/app", BASE, HEAD, expected=4) == FILES


def test_another_pair_or_count_finds_nothing(tmp_path: Path) -> None:
    cache = FilesCache(tmp_path)
    cache.put("acme/app", BASE, HEAD, FILES)
    assert cache.get("acme/app", BASE, HEAD, expected=5) is None
    assert cache.get("acme/app", HEAD, BASE, expected=4) is None
    assert cache.get("acme/other", BASE, HEAD, expected=4) is None


def test_an_entry_that_is_not_the_keys_own_is_ignored(tmp_path: Path) -> None:
    cache = FilesCache(tmp_path)
    cache.put("acme/app", BASE, HEAD, FILES)
    (entry,) = tmp_path.glob("files-*.json")
    record = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps({**record, "head": "d" * 40}), encoding="utf-8")
    assert cache.get("acme/app", BASE, HEAD, expected=4) is None
    for broken in ("{", json.dumps({**record, "files": [["a.py"]]}),
                   json.dumps({**record, "format": 99})):
        entry.write_text(broken, encoding="utf-8")
        assert cache.get("acme/app", BASE, HEAD, expected=4) is None


def test_a_folder_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    cache = FilesCache(blocker / "cache")
    cache.put("acme/app", BASE, HEAD, FILES)
    assert cache.get("acme/app", BASE, HEAD, expected=4) is None
