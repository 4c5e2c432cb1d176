"""Atomic file writes: readers see the old file or the new one, never half of one."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


def write_text_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private; give it the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json_atomically(path: Path, data: object) -> None:
    write_text_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def refresh_generated(path: Path, wanted: str, *, check: bool, command: str,
                      root: Path) -> int:
    """A generated file: rewrite it when it differs from ``wanted`` (exit status 0), or,
    with ``check``, only say that it is out of date (1) and which ``command`` makes it."""
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if current == wanted:
        return 0
    shown = path.relative_to(root)
    if check:
        print(f"{shown} is out of date: run {command}", file=sys.stderr)
        return 1
    write_text_atomically(path, wanted)
    print(f"wrote {shown}")
    return 0
