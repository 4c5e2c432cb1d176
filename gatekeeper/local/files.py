"""Read PR bodies and changed-file lists from files or standard input, strictly."""

from __future__ import annotations

import os
import posixpath
import re
import sys
from pathlib import Path

from gatekeeper.core.model import ChangedPath
from gatekeeper.errors import GatekeeperError

# GitHub stores at most 65,536 characters in a pull request body.
MAX_BODY_CHARS = 65_536
_MAX_BODY_BYTES = MAX_BODY_CHARS * 4
MAX_LIST_BYTES = 64 * 1024 * 1024
_STATUS = re.compile(r"[ACDMRTUXB][0-9]{0,3}")


def read_text(source: str, *, what: str, max_bytes: int) -> tuple[str, str]:
    """Decode a file (or ``-`` for stdin) as UTF-8 text; returns (display name, text)."""
    name = "<stdin>" if source == "-" else source
    try:
        if source == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with Path(source).open("rb") as handle:
                data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise GatekeeperError(f"{what} not found", file=name) from None
    except IsADirectoryError:
        raise GatekeeperError(f"{what} is a directory, not a file", file=name) from None
    except OSError as exc:
        raise GatekeeperError(f"cannot read {what}: {exc.strerror or exc}", file=name) from None
    if len(data) > max_bytes:
        raise GatekeeperError(f"{what} is larger than {max_bytes:,} bytes", file=name)
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise GatekeeperError(f"{what} is a binary file (NUL byte), not text", file=name,
                              line=line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise GatekeeperError(
            f"{what} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            file=name, line=line,
        ) from None
    return name, text


def repository_paths(paths: tuple[str, ...] | list[str], *, cwd: Path) -> list[str]:
    """Paths given on the command line as repository paths: relative to ``cwd`` (as git and
    ruff read them) inside a repository, so ``login.py`` in ``src/auth`` is
    ``src/auth/login.py``; outside one, relative to ``cwd`` itself. An empty path, and one
    (absolute or with ``..``) that leaves the repository, is an error naming it."""
    from gatekeeper.local.git import top_level

    here = Path(os.path.abspath(cwd))
    root = top_level(here) or here
    return [_repository_path(path, here, root) for path in paths]


def _repository_path(path: str, here: Path, root: Path) -> str:
    if not path.strip():
        raise GatekeeperError(f"an empty path {path!r} names no file; give a path in the "
                              "repository")
    full = posixpath.normpath(posixpath.join(here.as_posix(), path))
    inside = _relative(full, root.as_posix())
    if inside is None and os.path.isabs(path):
        # An absolute path through a symbolic link to the repository is still in it.
        inside = _relative(os.path.realpath(full), os.path.realpath(root))
    if inside == "":
        raise GatekeeperError(f"the path {path!r} is the repository itself; give a path in it")
    if inside is None:
        raise GatekeeperError(f"the path {path!r} is outside the repository ({root}); give a "
                              "path in it, relative to the current folder")
    return inside + "/" if path.endswith("/") else inside


def _relative(full: str, root: str) -> str | None:
    """``full`` as a path under ``root`` ("" for the root itself), or None outside it."""
    root = root.rstrip("/") or "/"
    if full == root:
        return ""
    prefix = root if root.endswith("/") else root + "/"
    return full[len(prefix):] if full.startswith(prefix) else None


def read_body(source: str) -> tuple[str, str]:
    name, text = read_text(source, what="pull request body", max_bytes=_MAX_BODY_BYTES)
    if len(text) > MAX_BODY_CHARS:
        raise GatekeeperError(
            f"pull request body is {len(text):,} characters; GitHub's limit is "
            f"{MAX_BODY_CHARS:,}", file=name,
        )
    return name, text


def parse_changed_lines(text: str, *, file: str) -> list[ChangedPath]:
    """Plain paths, one per line, or ``git diff --name-status`` lines (renames as R100)."""
    changes: list[ChangedPath] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) > 1 and _STATUS.fullmatch(fields[0]):
            status, paths = fields[0], fields[1:]
            if status[0] in "RC" and len(paths) == 2:
                changes.append(ChangedPath(path=paths[1], old_path=paths[0]))
            elif status[0] not in "RC" and len(paths) == 1:
                changes.append(ChangedPath(path=paths[0]))
            else:
                raise GatekeeperError(
                    f"name-status line {status!r} needs "
                    f"{'two paths' if status[0] in 'RC' else 'one path'}",
                    file=file, line=number,
                )
        else:
            changes.append(ChangedPath(path=line.strip()))
    return changes


def read_changed_files(source: str) -> list[ChangedPath]:
    name, text = read_text(source, what="changed-files list", max_bytes=MAX_LIST_BYTES)
    return parse_changed_lines(text, file=name)
