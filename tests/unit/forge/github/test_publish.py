"""Repository labels: created with a colour and a description when missing, and never
recreated or recoloured once they exist (a maintainer's choice stands)."""

from __future__ import annotations

import pytest

from gatekeeper.constants import LABEL_BLOCKED, LABEL_RED, LABEL_STYLES
from gatekeeper.forge import ForgeUnavailable
from gatekeeper.forge.github import GitHubForge
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO = "acme/widgets"


def _client(fake: FakeGitHub) -> GitHubForge:
    fake.add_repo(REPO)
    return GitHubForge(DEFAULT_TOKEN, api_url=fake.base_url, retries=2, backoff=0.01)


def test_a_missing_label_is_created_with_its_colour_and_description(
    github_double: FakeGitHub,
) -> None:
    client = _client(github_double)
    color, description = LABEL_STYLES[LABEL_RED]
    assert client.ensure_label(REPO, LABEL_RED, color=color, description=description)
    assert github_double.repo_labels(REPO) == {LABEL_RED: (color, description)}
    # The name is a path segment: the colon is quoted, as GitHub expects.
    get = next(r for r in github_double.requests if r.method == "GET")
    assert get.path == f"/repos/{REPO}/labels/gatekeeper%3Ared"
    assert not client.ensure_label(REPO, LABEL_RED, color=color, description=description)
    assert github_double.count("POST", r"/labels$") == 1


def test_a_label_a_maintainer_changed_is_left_as_it_is(github_double: FakeGitHub) -> None:
    client = _client(github_double)
    github_double.add_label(REPO, "Gatekeeper:Blocked", color="000000",
                            description="ours, not Gatekeeper's")
    color, description = LABEL_STYLES[LABEL_BLOCKED]
    assert not client.ensure_label(REPO, LABEL_BLOCKED, color=color, description=description)
    assert github_double.repo_labels(REPO) == {
        "Gatekeeper:Blocked": ("000000", "ours, not Gatekeeper's")}
    assert [r.method for r in github_double.requests] == ["GET"]


def test_a_label_created_meanwhile_is_not_an_error(github_double: FakeGitHub) -> None:
    client = _client(github_double)
    github_double.add_label(REPO, LABEL_RED, color="123456")
    # The read says "missing" (another run creates it between the read and the write).
    github_double.fail("GET", r"/labels/", status=404, times=1)
    color, description = LABEL_STYLES[LABEL_RED]
    assert not client.ensure_label(REPO, LABEL_RED, color=color, description=description)
    assert github_double.repo_labels(REPO) == {LABEL_RED: ("123456", None)}


def test_a_token_that_cannot_create_labels_raises_forge_unavailable(
    github_double: FakeGitHub,
) -> None:
    client = _client(github_double)
    github_double.fail("POST", r"/repos/acme/widgets/labels$", status=403, body={
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest"})
    with pytest.raises(ForgeUnavailable) as raised:
        client.ensure_label(REPO, LABEL_RED, color="b60205", description="x")
    assert raised.value.status == 403


def test_label_styles_are_what_github_accepts() -> None:
    for name, (color, description) in LABEL_STYLES.items():
        assert len(name) <= 50 and len(description) <= 100
        assert len(color) == 6 and int(color, 16) >= 0
