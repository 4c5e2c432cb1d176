"""docs/configuration.md is generated from schemas/policy.schema.json and must not drift."""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gatekeeper import resources
from gatekeeper.core.policy.load import parse_policy
from tests.support.fixtures import REPO_ROOT, load_script

ROOT = REPO_ROOT
DOC = ROOT / "docs" / "configuration.md"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_script("gen_config_docs")


def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (ROOT / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
    return loaded


def test_configuration_doc_matches_the_schema(generator: ModuleType) -> None:
    assert DOC.read_text(encoding="utf-8") == generator.generate(), (
        "docs/configuration.md is out of date with schemas/policy.schema.json or "
        "gatekeeper/default_policy.yml: run `python scripts/gen_config_docs.py`"
    )


def _keys(node: dict[str, Any], schema: dict[str, Any], prefix: str = "") -> list[str]:
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    keys = []
    for name, child in (node.get("properties") or {}).items():
        key = f"{prefix}.{name}" if prefix else name
        keys.append(key)
        keys += _keys(child, schema, key)
        items = child.get("items")
        if isinstance(items, dict) and "properties" in items:
            keys += _keys(items, schema, f"{key}[]")
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        keys += _keys(extra, schema, f"{prefix}.<name>")
    return keys


def test_every_key_of_the_schema_has_a_row() -> None:
    doc = DOC.read_text(encoding="utf-8")
    schema = _schema()
    keys = _keys(schema, schema)
    assert {"version", "classes.RED.paths", "exemptions[].authors", "fields.<name>.aliases",
            "changed_files.allow_local_diff"} <= set(keys)
    for key in keys:
        assert re.search(rf"^\| `{re.escape(key)}`", doc, re.MULTILINE), key


def test_a_changed_schema_changes_the_doc(generator: ModuleType) -> None:
    schema = _schema()
    changed = copy.deepcopy(schema)
    changed["properties"]["new_setting"] = {"type": "boolean", "default": True,
                                            "description": "A setting added later."}
    default_policy = resources.text("default_policy.yml")
    before = generator.render(schema, default_policy)
    after = generator.render(changed, default_policy)
    assert before != after
    assert "| `new_setting` | boolean | `true` | A setting added later. |" in after


def test_check_mode_reports_drift(generator: ModuleType, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert generator.main(["--check"]) == 0
    stale = tmp_path / "docs" / "configuration.md"
    stale.parent.mkdir()
    stale.write_text("# stale\n", encoding="utf-8")
    monkeypatch.setattr(generator, "ROOT", tmp_path)
    monkeypatch.setattr(generator, "OUTPUT", stale)

    assert generator.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert generator.main([]) == 0
    assert stale.read_text(encoding="utf-8") == generator.generate()


def test_yaml_examples_in_the_doc_are_valid_policies() -> None:
    blocks = re.findall(r"^```yaml\n(.*?)^```", DOC.read_text(encoding="utf-8"),
                        re.MULTILINE | re.DOTALL)
    assert len(blocks) == 2
    for number, block in enumerate(blocks):
        parse_policy(block, file=f"configuration.md block {number}",
                     schema=resources.schema("policy"))


def test_readme_and_contract_doc_show_the_real_blocked_output(tmp_path: Path) -> None:
    example = "examples/red-missing-escalation"
    # As in a repository without a policy file (this one has its own, .github/gatekeeper.yml).
    (tmp_path / "examples").mkdir()
    for suffix in (".md", ".files"):
        shutil.copy(ROOT / f"{example}{suffix}", tmp_path / f"{example}{suffix}")
    result = subprocess.run(
        [sys.executable, "-m", "gatekeeper", "validate", f"{example}.md",
         "--changed-files", f"{example}.files", "--default-policy"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")},
    )
    assert result.returncode == 1
    shown = (f"$ gatekeeper validate {example}.md --changed-files {example}.files "
             "--default-policy\n"
             f"{result.stdout}")
    for doc in ("README.md", "docs/contract.md"):
        assert shown in (ROOT / doc).read_text(encoding="utf-8"), doc


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_security_doc_names_only_tests_that_exist() -> None:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    references = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text)
    assert len(references) >= 20
    missing = [f"{file}::{name}" for file, name in references
               if not (ROOT / file).is_file() or name not in _test_functions(ROOT / file)]
    assert missing == [], "docs/security.md names tests that do not exist"


OWN_DOCS = ["README.md", "docs/getting-started.md", "docs/contract.md", "docs/rollout.md",
            "docs/TECHNICAL_BRIEF.md", "docs/security.md", "docs/configuration.md"]


@pytest.mark.parametrize("doc", OWN_DOCS)
def test_relative_links_point_at_files_that_exist(doc: str) -> None:
    path = ROOT / doc
    links = re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))
    broken = []
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        file = (path.parent / target) if target else path
        missing_anchor = bool(anchor) and file.suffix == ".md" and (
            not file.exists() or anchor not in _anchors(file))
        if not file.exists() or missing_anchor:
            broken.append(link)
    assert broken == []


def _anchors(path: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"),
                  flags=re.MULTILINE | re.DOTALL)
    headings = re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}
