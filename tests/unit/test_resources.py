"""resources: the schemas and the files shipped inside the package."""

from __future__ import annotations

import json

import pytest

from gatekeeper import resources

REPO_SCHEMAS = resources._PACKAGE.parent / "schemas"


@pytest.mark.parametrize("name", ["contract", "policy", "decision", "metrics"])
def test_each_schema_is_the_repositorys_single_copy(name: str) -> None:
    loaded = resources.schema(name)
    on_disk = json.loads((REPO_SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert loaded == on_disk
    assert resources.schema(name) is loaded  # read once


def test_an_unknown_schema_is_a_missing_file() -> None:
    with pytest.raises(FileNotFoundError):
        resources.schema("no-such")


def test_a_packaged_schema_folder_wins_over_the_checkout(tmp_path, monkeypatch) -> None:
    (tmp_path / "_schemas").mkdir()
    monkeypatch.setattr(resources, "_PACKAGE", tmp_path)
    assert resources._schema_dir() == tmp_path / "_schemas"
    (tmp_path / "_schemas").rmdir()
    assert resources._schema_dir() == tmp_path.parent / "schemas"


def test_text_and_json_data_read_the_shipped_files() -> None:
    folder = resources._PACKAGE
    assert resources.text("default_policy.yml") == \
        (folder / "default_policy.yml").read_text(encoding="utf-8")
    assert resources.text("templates/workflow.yml") == \
        (folder / "templates" / "workflow.yml").read_text(encoding="utf-8")
    assert resources.json_data("default_policy.json") == \
        json.loads((folder / "default_policy.json").read_text(encoding="utf-8"))


def test_a_missing_shipped_file_raises() -> None:
    with pytest.raises(FileNotFoundError):
        resources.text("no-such.yml")
