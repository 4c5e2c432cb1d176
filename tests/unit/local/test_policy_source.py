"""policy_source: which policy is read: --policy, the one file at the git top level, or the
embedded default; both .yml and .yaml is an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gatekeeper import resources
from gatekeeper.constants import EMBEDDED_POLICY, POLICY_PATH, POLICY_PATHS
from gatekeeper.errors import GatekeeperError
from gatekeeper.local.policy_source import (
    PolicyText,
    candidate_paths,
    load_policy,
    policy_text,
    the_one_policy,
)

POLICY = "version: 1\nclasses:\n  RED:\n    paths: [docs/]\n"


def _repository(tmp_path: Path, *names: str) -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    (tmp_path / "src").mkdir()
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(POLICY, encoding="utf-8")
    return tmp_path


def test_the_default_path_has_a_yaml_twin_and_a_chosen_path_is_alone() -> None:
    assert candidate_paths(POLICY_PATH) == POLICY_PATHS
    assert set(POLICY_PATHS) == {".github/gatekeeper.yml", ".github/gatekeeper.yaml"}
    assert candidate_paths("ci/gk.yml") == ("ci/gk.yml",)


def test_the_one_policy_found_or_none() -> None:
    assert the_one_policy({"a.yml": None, "a.yaml": None}, where="here") is None
    assert the_one_policy({"a.yml": None, "a.yaml": "text"}, where="here") == ("a.yaml", "text")
    assert the_one_policy({"a.yml": "", "a.yaml": None}, where="here") == ("a.yml", "")


def test_two_policies_is_an_error_naming_both() -> None:
    with pytest.raises(GatekeeperError) as caught:
        the_one_policy({"a.yml": "1", "a.yaml": "2"}, where="acme/app at main")
    assert str(caught.value) == ("acme/app at main has both a.yml and a.yaml; keep one "
                                 "policy file and delete the other")


def test_an_explicit_policy_is_read_under_its_own_name(tmp_path: Path) -> None:
    repo = _repository(tmp_path, ".github/gatekeeper.yml", "ci/gk.yml")
    chosen = str(repo / "ci" / "gk.yml")
    assert policy_text(chosen, cwd=repo) == PolicyText(chosen, POLICY)
    with pytest.raises(GatekeeperError, match=r"^.*nope\.yml: policy not found$"):
        policy_text(str(repo / "nope.yml"), cwd=repo)


@pytest.mark.parametrize("name", POLICY_PATHS)
def test_the_policy_at_the_top_level_is_found_from_a_subfolder(tmp_path: Path,
                                                               name: str) -> None:
    repo = _repository(tmp_path, name)
    found = policy_text(None, cwd=repo / "src")
    assert found == PolicyText(str(repo / name), POLICY) and not found.embedded


def test_without_a_policy_file_the_embedded_default_is_read(tmp_path: Path) -> None:
    found = policy_text(None, cwd=_repository(tmp_path / "repo"))
    assert found.embedded and found.name == EMBEDDED_POLICY
    assert found.text == resources.text("default_policy.yml")
    # outside any repository the folder itself is looked in
    (tmp_path / "plain" / ".github").mkdir(parents=True)
    (tmp_path / "plain" / ".github" / "gatekeeper.yml").write_text(POLICY, encoding="utf-8")
    assert not policy_text(None, cwd=tmp_path / "plain").embedded


def test_both_names_at_the_top_level_is_an_error(tmp_path: Path) -> None:
    repo = _repository(tmp_path, *POLICY_PATHS)
    with pytest.raises(GatekeeperError, match=f"^{re.escape(str(repo))} has both "):
        policy_text(None, cwd=repo)


def test_a_loaded_policy_says_where_it_came_from(tmp_path: Path) -> None:
    repo = _repository(tmp_path, ".github/gatekeeper.yml")
    loaded = load_policy(None, cwd=repo)
    assert loaded.origin.source == str(repo / ".github" / "gatekeeper.yml")
    assert [str(c) for c in loaded.classes] == ["RED"]
    embedded = load_policy(None, cwd=_repository(tmp_path / "other"))
    assert embedded.origin.source == EMBEDDED_POLICY


def test_a_bad_policy_file_is_an_error_with_its_line(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    (repo / "bad.yml").write_text("version: 1\nclasses: [oops\n", encoding="utf-8")
    with pytest.raises(GatekeeperError) as caught:
        load_policy(str(repo / "bad.yml"), cwd=repo)
    assert caught.value.file == str(repo / "bad.yml") and caught.value.line is not None
