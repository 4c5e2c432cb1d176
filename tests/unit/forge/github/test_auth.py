"""auth: which GitHub host an API URL is, and where its token comes from outside Actions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gatekeeper.errors import GatekeeperError
from gatekeeper.forge.github.auth import (
    DEFAULT_API_URL,
    api_url,
    api_url_for_host,
    find_token,
    graphql_url,
    require_token,
    web_host,
)

GHES = "https://ghe.example.com/api/v3"


@pytest.fixture
def gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A ``gh`` first on PATH that prints a token only for ghe.example.com; the script's
    text can be replaced by writing ``gh.script``."""
    script = tmp_path / "gh"
    script.write_text('#!/bin/sh\n[ "$*" = "auth token --hostname ghe.example.com" ] && '
                      'echo ghs_enterprise && exit 0\nexit 1\n', encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    return script


@pytest.fixture
def no_gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))


@pytest.mark.parametrize(("api", "host"), [
    (None, "github.com"), (DEFAULT_API_URL, "github.com"),
    ("https://API.GitHub.com/", "github.com"),
    (GHES, "ghe.example.com"), ("http://GHE.example.com:8080/api/v3", "ghe.example.com:8080"),
])
def test_the_web_host_of_an_api(api: str | None, host: str) -> None:
    assert web_host(api) == host


def test_the_api_of_a_web_host() -> None:
    assert api_url_for_host("GitHub.com") == DEFAULT_API_URL
    assert api_url_for_host("ghe.example.com") == GHES
    assert api_url_for_host("localhost:3000", scheme="http") == "http://localhost:3000/api/v3"


def test_the_environment_names_the_api_or_nothing() -> None:
    assert api_url({}) is None and api_url({"GITHUB_API_URL": ""}) is None
    assert api_url({"GITHUB_API_URL": GHES}) == GHES
    assert graphql_url({}) is None and graphql_url({"GITHUB_GRAPHQL_URL": ""}) is None
    assert graphql_url({"GITHUB_GRAPHQL_URL": "https://h/api/graphql"}) == "https://h/api/graphql"


def test_github_token_comes_before_gh_token_and_before_gh(gh: Path) -> None:
    assert find_token({"GITHUB_TOKEN": "a", "GH_TOKEN": "b"}, api=GHES) == "a"
    assert find_token({"GITHUB_TOKEN": "", "GH_TOKEN": "b"}, api=GHES) == "b"


def test_gh_is_asked_for_the_api_host_token(gh: Path) -> None:
    assert find_token({}, api=GHES) == "ghs_enterprise"
    assert find_token({}, api="https://api.github.com") is None
    assert find_token({"GITHUB_API_URL": GHES}) == "ghs_enterprise"
    # an explicit api wins over GITHUB_API_URL
    assert find_token({"GITHUB_API_URL": GHES}, api=DEFAULT_API_URL) is None


def test_gh_printing_nothing_is_no_token(gh: Path) -> None:
    gh.write_text("#!/bin/sh\necho\nexit 0\n", encoding="utf-8")
    assert find_token({}, api=GHES) is None


def test_without_gh_there_is_no_token(no_gh: None) -> None:
    assert find_token({}, api=GHES) is None
    assert find_token({"GH_TOKEN": "t"}) == "t"


def test_a_required_token_is_found_or_the_error_says_how_to_give_one(no_gh: None) -> None:
    assert require_token({"GH_TOKEN": "t"}) == "t"
    with pytest.raises(GatekeeperError) as public:
        require_token({})
    assert str(public.value) == ("no GitHub token for github.com: set GITHUB_TOKEN or "
                                 "GH_TOKEN, or run `gh auth login`")
    with pytest.raises(GatekeeperError, match=r"no GitHub token for ghe\.example\.com: .*"
                                              r"`gh auth login` \(with --hostname "
                                              r"ghe\.example\.com\)$"):
        require_token({"GITHUB_API_URL": GHES})
