"""Where a GitHub token and API host come from, outside Actions."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping


def find_token(environ: Mapping[str, str] = os.environ) -> str | None:
    """GITHUB_TOKEN, GH_TOKEN, else what `gh auth token` prints."""
    token = environ.get("GITHUB_TOKEN") or environ.get("GH_TOKEN")
    if token:
        return token
    try:
        found = subprocess.run(["gh", "auth", "token"], capture_output=True, text=True,
                               timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return (found.stdout.strip() or None) if found.returncode == 0 else None


def api_url(environ: Mapping[str, str] = os.environ) -> str | None:
    return environ.get("GITHUB_API_URL") or None


def graphql_url(environ: Mapping[str, str] = os.environ) -> str | None:
    return environ.get("GITHUB_GRAPHQL_URL") or None
