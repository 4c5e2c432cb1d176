"""`gatekeeper metrics --org`, `--shard` and `metrics merge` on the command line (the
equality of merged shards and one run is proven in test_org_shards.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]


def _metrics(fake: FakeGitHub, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env |= {"GITHUB_TOKEN": DEFAULT_TOKEN, "GITHUB_API_URL": fake.base_url,
            "GITHUB_GRAPHQL_URL": fake.graphql_url}
    return subprocess.run([sys.executable, "-m", "gatekeeper", "metrics",
                           "--cache", str(tmp_path / "cache.sqlite"), *args],
                          capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
                          timeout=300)


def test_usage(github_double: FakeGitHub, tmp_path: Path) -> None:
    assert _metrics(github_double, tmp_path).returncode == 2
    assert _metrics(github_double, tmp_path, "--repo", "a/b", "--shard", "1/2").returncode == 2
    assert _metrics(github_double, tmp_path, "--org", "acme", "--shard", "3/2").returncode == 2
    missing = _metrics(github_double, tmp_path, "merge", str(tmp_path / "none.json"))
    assert missing.returncode == 2 and "shard not found" in missing.stderr

