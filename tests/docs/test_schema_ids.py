"""Each schema's $id resolves to the file itself in this repository at the major tag (which
the release workflow moves), and docs/schemastore-catalog.json is a SchemaStore catalog
entry for the policy schema, ready to submit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import gatekeeper
from gatekeeper.constants import (
    GATEKEEPER_REPOSITORY,
    MAJOR_TAG,
    POLICY_PATHS,
    SCHEMA_BASE,
    SCHEMA_ID,
)
from tests.support.fixtures import REPO_ROOT

SCHEMAS = sorted((REPO_ROOT / "schemas").glob("*.schema.json"))
RAW = f"https://raw.githubusercontent.com/{GATEKEEPER_REPOSITORY}/"


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_the_id_is_the_file_at_the_major_tag(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$id"] == f"{SCHEMA_BASE}{path.name}"
    # raw.githubusercontent.com/OWNER/REPO/REF/PATH: the path is the file's in the repository
    ref, _, in_repository = schema["$id"].removeprefix(RAW).partition("/")
    assert ref == MAJOR_TAG
    assert (REPO_ROOT / in_repository).resolve() == path.resolve()


def test_the_major_tag_is_the_versions_major() -> None:
    # the release workflow moves v<major> to every release: a 1.0 must update MAJOR_TAG
    assert "v" + gatekeeper.__version__.split(".")[0] == MAJOR_TAG


def test_the_schemastore_catalog_entry() -> None:
    entry = json.loads((REPO_ROOT / "docs" / "schemastore-catalog.json").read_text(
        encoding="utf-8"))
    assert set(entry) == {"name", "description", "fileMatch", "url"}
    assert entry["url"] == SCHEMA_ID
    assert entry["fileMatch"] == list(POLICY_PATHS)
    assert entry["name"] and not entry["description"].endswith(".")
