"""The GitHub Actions runner's files: step outputs and the job summary."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path


def _append(path: str, text: str) -> None:
    with Path(path).open("a", encoding="utf-8") as handle:
        handle.write(text)


def set_outputs(environ: Mapping[str, str], outputs: Mapping[str, str]) -> bool:
    """Write step outputs to ``$GITHUB_OUTPUT``; False when not running in Actions."""
    target = environ.get("GITHUB_OUTPUT")
    if not target:
        return False
    chunks = []
    for name, value in outputs.items():
        # A fresh delimiter per value, so no value can end the block early.
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        chunks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    _append(target, "".join(chunks))
    return True


def append_summary(environ: Mapping[str, str], markdown: str) -> bool:
    target = environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    _append(target, markdown if markdown.endswith("\n") else markdown + "\n")
    return True
