"""writes: atomic writes, and refreshing a generated file or checking that it is fresh."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from gatekeeper import writes


def test_a_write_makes_the_folders_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    writes.write_text_atomically(target, "héllo\n")
    assert target.read_text(encoding="utf-8") == "héllo\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.txt"]


def test_a_write_replaces_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    writes.write_text_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "new"


def test_the_file_gets_the_permissions_a_plain_open_would(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        writes.write_text_atomically(tmp_path / "out.txt", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path,
                                                               monkeypatch) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def refuse(source: str, destination: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(writes.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        writes.write_text_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_json_is_indented_unescaped_and_ends_in_a_newline(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    writes.write_json_atomically(target, {"name": "Zoë", "n": [1]})
    text = target.read_text(encoding="utf-8")
    assert text == '{\n  "name": "Zoë",\n  "n": [\n    1\n  ]\n}\n'
    assert json.loads(text) == {"name": "Zoë", "n": [1]}


def test_refresh_writes_a_missing_or_stale_file(tmp_path: Path, capsys) -> None:
    target = tmp_path / "gen" / "out.md"
    assert writes.refresh_generated(target, "new\n", check=False, command="make gen",
                                    root=tmp_path) == 0
    assert target.read_text(encoding="utf-8") == "new\n"
    assert capsys.readouterr().out == f"wrote {Path('gen/out.md')}\n"


def test_refresh_of_a_fresh_file_says_nothing(tmp_path: Path, capsys) -> None:
    target = tmp_path / "out.md"
    target.write_text("same\n", encoding="utf-8")
    for check in (False, True):
        assert writes.refresh_generated(target, "same\n", check=check, command="make gen",
                                        root=tmp_path) == 0
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("present", [True, False])
def test_check_only_says_which_command_refreshes(tmp_path: Path, capsys,
                                                  present: bool) -> None:
    target = tmp_path / "out.md"
    if present:
        target.write_text("old\n", encoding="utf-8")
    assert writes.refresh_generated(target, "new\n", check=True, command="make gen",
                                    root=tmp_path) == 1
    assert capsys.readouterr().err == "out.md is out of date: run make gen\n"
    assert target.exists() == present
    if present:
        assert target.read_text(encoding="utf-8") == "old\n"
