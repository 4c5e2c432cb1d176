"""files: bodies and changed-file lists read strictly, each refusal with its file and line."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from gatekeeper.core.model import ChangedPath
from gatekeeper.errors import GatekeeperError
from gatekeeper.local.files import (
    MAX_BODY_CHARS,
    parse_changed_lines,
    read_body,
    read_changed_files,
    read_text,
)


def _file(tmp_path: Path, data: bytes, name: str = "body.md") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _raises(source: str, **kwargs) -> GatekeeperError:
    with pytest.raises(GatekeeperError) as caught:
        read_text(source, what="pull request body", **{"max_bytes": 100, **kwargs})
    return caught.value


def test_a_file_is_read_as_utf8_without_its_bom(tmp_path: Path) -> None:
    source = _file(tmp_path, "\ufeffRisk: RED ✓\n".encode())
    assert read_text(source, what="body", max_bytes=100) == (source, "Risk: RED ✓\n")


def test_standard_input_is_read_under_its_own_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"piped\n")))
    assert read_text("-", what="body", max_bytes=100) == ("<stdin>", "piped\n")


def test_a_missing_file_or_a_folder_is_named(tmp_path: Path) -> None:
    missing = _raises(str(tmp_path / "nope.md"))
    assert (missing.message, missing.file) == ("pull request body not found",
                                               str(tmp_path / "nope.md"))
    folder = _raises(str(tmp_path))
    assert folder.message == "pull request body is a directory, not a file"


def test_a_file_past_the_limit_is_refused(tmp_path: Path) -> None:
    assert read_text(_file(tmp_path, b"x" * 100), what="b", max_bytes=100)[1] == "x" * 100
    error = _raises(_file(tmp_path, b"x" * 101))
    assert error.message == "pull request body is larger than 100 bytes"


def test_a_nul_byte_is_binary_on_its_line(tmp_path: Path) -> None:
    source = _file(tmp_path, b"one\ntwo\nth\0ree\n")
    error = _raises(source)
    assert str(error) == f"{source}:3: pull request body is a binary file (NUL byte), not text"


def test_invalid_utf8_names_the_byte_its_offset_and_line(tmp_path: Path) -> None:
    source = _file(tmp_path, b"ok\nbad \xff here\n")
    error = _raises(source)
    assert (error.file, error.line) == (source, 2)
    assert error.message == "pull request body is not valid UTF-8 (byte 0xff at offset 7)"


def test_a_body_longer_than_github_allows_is_refused(tmp_path: Path) -> None:
    fits = _file(tmp_path, "é".encode() * MAX_BODY_CHARS)
    assert len(read_body(fits)[1]) == MAX_BODY_CHARS
    too_long = _file(tmp_path, b"x" * (MAX_BODY_CHARS + 1), "long.md")
    with pytest.raises(GatekeeperError, match=r"body is 65,537 characters; GitHub's limit is "
                                              r"65,536$"):
        read_body(too_long)


def test_plain_paths_and_name_status_lines() -> None:
    text = ("src/a.py\n"
            "  spaced/b.py  \r\n"
            "\n"
            "M\tsrc/c.py\n"
            "R100\told/d.py\tnew/d.py\n"
            "C75\tsrc/e.py\tsrc/f.py\n"
            "D\tgone.py\n"
            "no\ttab status.py\n")
    assert parse_changed_lines(text, file="files.txt") == [
        ChangedPath("src/a.py"), ChangedPath("spaced/b.py"), ChangedPath("src/c.py"),
        ChangedPath("new/d.py", old_path="old/d.py"),
        ChangedPath("src/f.py", old_path="src/e.py"),
        ChangedPath("gone.py"), ChangedPath("no\ttab status.py"),
    ]


@pytest.mark.parametrize(("text", "line", "needs"), [
    ("a.py\nR100\tonly-one.py\n", 2, "'R100' needs two paths"),
    ("M\ta.py\tb.py\n", 1, "'M' needs one path"),
])
def test_a_name_status_line_with_the_wrong_paths_names_its_line(text: str, line: int,
                                                                needs: str) -> None:
    with pytest.raises(GatekeeperError) as caught:
        parse_changed_lines(text, file="files.txt")
    assert str(caught.value) == f"files.txt:{line}: name-status line {needs}"


def test_a_changed_files_list_is_read_from_its_file(tmp_path: Path) -> None:
    source = _file(tmp_path, b"R090\ta\tb\nc\n", "files.txt")
    assert read_changed_files(source) == [ChangedPath("b", old_path="a"), ChangedPath("c")]
    with pytest.raises(GatekeeperError, match="changed-files list not found"):
        read_changed_files(str(tmp_path / "none.txt"))
