"""Every workflow Gatekeeper ships or writes pins each action by full commit SHA, runs no
`${{ }}` inside a script, and is clean under actionlint and zizmor.

The set: the workflow `gatekeeper init` writes, docs/examples/*.yml, .github/workflows/*.yml
and action.yml itself.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import gatekeeper
from gatekeeper.commands.init import workflow_text
from gatekeeper.commands.init.workflows import default_pin
from gatekeeper.constants import GATEKEEPER_REPOSITORY

ROOT = Path(__file__).resolve().parents[2]
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
# `uses: owner/repo@<sha>  # <tag or note>` on one line
PINNED_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s+\S+@[0-9a-f]{40}\s+#\s*\S")


@pytest.fixture(scope="module")
def workflows(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    rendered = tmp_path_factory.mktemp("init") / ".github" / "workflows" / "gatekeeper.yml"
    rendered.parent.mkdir(parents=True)
    rendered.write_text(workflow_text(), encoding="utf-8")
    shipped = sorted((ROOT / "docs" / "examples").glob("*.yml"))
    shipped += sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    return [rendered, *shipped]


def _steps(document: dict[Any, Any]) -> list[dict[str, Any]]:
    if "runs" in document:
        return list(document["runs"].get("steps", []))
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def _bin(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


def test_every_uses_is_a_full_commit_sha_with_a_comment(workflows: list[Path]) -> None:
    for path in workflows:
        text = path.read_text(encoding="utf-8")
        for step in _steps(yaml.safe_load(text)):
            uses = step.get("uses")
            if uses is None or uses.startswith("./"):
                continue
            assert SHA_PIN.match(uses), f"{path}: {uses} is not pinned by commit SHA"
        for line in text.splitlines():
            if re.match(r"^\s*(?:-\s+)?uses:\s+[^.\s]", line):
                assert PINNED_LINE.match(line), f"{path}: no tag comment on {line.strip()}"


def test_the_default_action_ref_is_this_repository_at_this_builds_commit() -> None:
    commit = gatekeeper.BUILD.commit
    assert commit is not None and re.fullmatch(r"[0-9a-f]{40}", commit)
    assert default_pin().ref == f"{GATEKEEPER_REPOSITORY}@{commit}"
    assert f"uses: {default_pin().ref}  # " in workflow_text()


def test_no_expression_inside_a_run_script(workflows: list[Path]) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    documents = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in workflows]
    for document in [action, *documents]:
        for step in _steps(document):
            assert "${{" not in step.get("run", ""), step


def test_actionlint_is_clean(workflows: list[Path]) -> None:
    actionlint = _bin("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (test extra)")
    done = subprocess.run([actionlint, "-no-color", *map(str, workflows)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_unpinned_uses_is_clean(workflows: list[Path]) -> None:
    zizmor = _bin("zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed (test extra)")
    targets = [*map(str, workflows), str(ROOT / "action.yml")]
    done = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--format", "plain", *targets],
        capture_output=True, text=True, check=False)
    assert "unpinned-uses" not in done.stdout, done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
