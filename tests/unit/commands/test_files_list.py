"""The changed-file list the action judges: read over GraphQL pages while the head and base
stay put, from REST when a rename's old path is needed, and from the files cache only where
a pull request cannot have written it (docs/security.md)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.commands.action import ActionOptions, run
from gatekeeper.core.model import ChangedPath
from gatekeeper.forge.files_cache import FilesCache
from tests.support.action_runner import runner_environ
from tests.support.bodies import complete_body
from tests.support.github_double import FakeGitHub, github_double

__all__ = ["github_double"]

REPO = "acme/widgets"
BASE, HEAD, MOVED = "b" * 40, "c" * 40, "e" * 40
NOW = "2026-11-21T00:00:00Z"
POLICY = ".github/gatekeeper.yml"
RED_POLICY = "version: 1\nclasses:\n  RED:\n    paths: [src/auth/]\n"
HARMLESS = [f"docs/f{i:04}.md" for i in range(249)]


def _act(fake: FakeGitHub, tmp_path: Path, event: str, **extra: str) -> dict[str, Any]:
    environ = runner_environ(fake, tmp_path, REPO, 7, event=event, action="edited",
                             GATEKEEPER_COMMENT="false", GATEKEEPER_LABELS="false", **extra)
    run(ActionOptions(environ, NOW), io.StringIO())
    found = next(tmp_path.glob("gatekeeper/decision-*.json"))
    record: dict[str, Any] = json.loads(found.read_text())
    found.unlink()
    return record


@pytest.fixture
def fake(github_double: FakeGitHub) -> FakeGitHub:
    github_double.add_repo(REPO)
    github_double.set_branch(REPO, "main", BASE)
    github_double.set_file(REPO, POLICY, BASE, RED_POLICY)
    return github_double


def _pull(fake: FakeGitHub, files: list[Any]) -> None:
    fake.add_pull(REPO, 7, title="t", body=complete_body(), author="bob", head_sha=HEAD,
                  base_sha=BASE, files=files)


def _codes(record: dict[str, Any]) -> list[str]:
    return [r["code"] for r in record["reasons"]]


def test_a_red_path_on_a_later_page_is_found_over_graphql(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, [*HARMLESS[:200], "src/auth/login.py", *HARMLESS[200:]])
    record = _act(fake, tmp_path, "pull_request_target")
    assert record["computed_class"] == "RED"
    # the pull request's query (files 1-100), then two pages (101-200, 201-250)
    assert fake.count("GET", r"/files") == 0 and fake.count("POST", "^/graphql$") == 3


def test_the_head_moving_between_pages_of_files_blocks_with_gk902(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, HARMLESS)
    fake.tamper("POST", "^/graphql$",
                lambda body: (fake.update_pull(REPO, 7, head_sha=MOVED), body)[1], times=1)
    record = _act(fake, tmp_path, "pull_request_target")
    assert _codes(record) == ["GK902"]
    assert "moved while its files were listed" in record["reasons"][0]["message"]


def test_a_page_of_files_that_cannot_be_read_blocks_with_gk902(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, HARMLESS)
    # The second page (after the 100th file); the pull request's own query answers.
    after = base64.b64encode(b"cursor:v2:99").decode()
    fake.fail("POST", "^/graphql$", status=502, variables={"number": 7, "after": after})
    record = _act(fake, tmp_path, "pull_request_target")
    assert _codes(record) == ["GK902"]


def test_a_rename_on_a_later_page_is_read_from_rest_with_its_old_path(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, [*HARMLESS[:150], ("renamed", "src/auth/session.py", "docs/session.py"),
                 *HARMLESS[150:]])
    record = _act(fake, tmp_path, "pull_request_target")
    assert record["computed_class"] == "RED"  # moved out of src/auth/: still RED
    assert fake.count("GET", r"/pulls/7/files") == 3


def _poison(tmp_path: Path, files: list[str]) -> str:
    """A cache entry for (BASE, HEAD) with as many files as the pull request, all harmless:
    what a workflow running a pull request's own code could leave in its cache."""
    folder = tmp_path / "files-cache"
    FilesCache(folder).put(REPO, BASE, HEAD, [ChangedPath(path=p) for p in files])
    return str(folder)


@pytest.mark.parametrize("event", ["pull_request", "pull_request_review"])
def test_the_files_cache_is_ignored_where_a_pull_request_could_have_written_it(
    fake: FakeGitHub, tmp_path: Path, event: str,
) -> None:
    _pull(fake, [*HARMLESS[:200], "src/auth/login.py", *HARMLESS[200:]])
    cache = _poison(tmp_path, [*HARMLESS, "docs/zzz.md"])
    record = _act(fake, tmp_path, event, GATEKEEPER_FILES_CACHE=cache)
    assert record["computed_class"] == "RED"


def test_a_cached_list_without_the_first_page_the_query_read_is_read_afresh(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, ["src/auth/login.py", *HARMLESS])
    cache = _poison(tmp_path, [*HARMLESS, "docs/zzz.md"])
    record = _act(fake, tmp_path, "pull_request_target", GATEKEEPER_FILES_CACHE=cache)
    assert record["computed_class"] == "RED"
    # and the list read afresh replaced the entry
    kept = FilesCache(Path(cache)).get(REPO, BASE, HEAD, 250)
    assert kept is not None and "src/auth/login.py" in {c.path for c in kept}


def test_a_cached_list_of_another_length_is_read_afresh(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    _pull(fake, [*HARMLESS[:200], "src/auth/login.py", *HARMLESS[200:]])
    cache = _poison(tmp_path, HARMLESS)  # 249 files, the pull request has 250
    record = _act(fake, tmp_path, "pull_request_target", GATEKEEPER_FILES_CACHE=cache)
    assert record["computed_class"] == "RED"
