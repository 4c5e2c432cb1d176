"""Files that ship with Gatekeeper: the JSON Schemas, the default policy, the templates."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def _schema_dir() -> Path:
    # Installed wheels carry schemas/ as gatekeeper/_schemas; a source checkout has it
    # at the repository root, which stays the single copy.
    packaged = _PACKAGE / "_schemas"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "schemas"


@cache
def schema(name: str) -> dict[str, Any]:
    """One of contract, policy, decision, metrics, metrics-org, metrics-org-shard,
    doctor-org."""
    path = _schema_dir() / f"{name}.schema.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def json_data(name: str) -> Any:
    """A JSON file shipped inside the package, such as default_policy.json."""
    return json.loads(text(name))


def text(name: str) -> str:
    """A text file shipped inside the package, such as default_policy.yml."""
    return resources.files("gatekeeper").joinpath(name).read_text(encoding="utf-8")
