"""Text from a body or a payload reaches a REST path as exactly one encoded segment.

A team slug such as ``sec?x=1``, ``a/../b`` or ``x#y`` must not pick another endpoint:
``@acme/..`` sent as is becomes ``/orgs/acme/memberships/alice`` (organisation
membership, which every organisation member passes) once the client resolves the dot
segment.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gatekeeper.forge import ForgeUnavailable
from gatekeeper.forge.github import GitHubForge
from gatekeeper.forge.github.paths import UnsafeSegment, repo_name, repo_path, segment
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

TEAM_ROUTE = "/orgs/{org}/teams/{team_slug}"
MEMBERSHIP_ROUTE = "/orgs/{org}/teams/{team_slug}/memberships/{username}"
HEAD = "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c"


def _client(fake: FakeGitHub) -> GitHubForge:
    return GitHubForge(DEFAULT_TOKEN, api_url=fake.base_url, retries=0, backoff=0.01)


@pytest.mark.parametrize("value, encoded", [
    ("security", "security"),
    ("a/../b", "a%2F..%2Fb"),
    ("x?y=1", "x%3Fy%3D1"),
    ("x#frag", "x%23frag"),
    ("%2E%2E", "%252E%252E"),
    ("a..b", "a..b"),
])
def test_a_segment_is_percent_encoded_whole(value: str, encoded: str) -> None:
    assert segment(value) == encoded


@pytest.mark.parametrize("value", ["", ".", "..", "..."])
def test_a_dot_segment_is_refused(value: str) -> None:
    with pytest.raises(UnsafeSegment):
        segment(value)


def test_a_repository_is_two_segments() -> None:
    assert repo_name("acme/widgets") == "acme/widgets"
    assert repo_path("acme/wid?gets") == "/repos/acme/wid%3Fgets"
    for bad in ("widgets", "acme/..", "../x"):
        with pytest.raises(UnsafeSegment):
            repo_name(bad)


@pytest.mark.parametrize("slug", ["sec?x=1", "a/../b", "x#frag", "team/..", "q?a=../../b#c"])
def test_a_hostile_team_slug_reaches_the_team_route_as_one_segment(
    github_double: FakeGitHub, slug: str,
) -> None:
    github_double.add_team_member("acme", slug, "alice")

    members = _client(github_double).team_members_among(f"acme/{slug}", ["alice", "bob"])

    assert members == {"alice"}
    sent = [(r.path, github_double._template("GET", r.path)) for r in github_double.requests]
    team = f"/orgs/acme/teams/{segment(slug)}"
    assert sent == [(team, TEAM_ROUTE), (f"{team}/memberships/alice", MEMBERSHIP_ROUTE),
                    (f"{team}/memberships/bob", MEMBERSHIP_ROUTE)]
    assert github_double.violations == []


@pytest.mark.parametrize("slug", ["..", ".", ""])
def test_a_dot_team_slug_sends_nothing_and_blocks(github_double: FakeGitHub, slug: str) -> None:
    # Unquoted, "@acme/.." would ask GET /orgs/acme/memberships/alice: organisation
    # membership, "active" for every member of the organisation.
    with pytest.raises(ForgeUnavailable) as caught:
        _client(github_double).team_members_among(f"acme/{slug}", ["alice"])
    assert caught.value.status is None
    assert github_double.requests == []


def test_a_status_sha_from_the_payload_stays_in_the_status_route(
    github_double: FakeGitHub,
) -> None:
    github_double.add_repo("acme/widgets")
    github_double.add_commit("acme/widgets", HEAD)
    client = _client(github_double)

    with pytest.raises(ForgeUnavailable) as caught:
        client.post_status("acme/widgets", "../../../orgs/acme", state="success",
                           context="gatekeeper/contract", description="d", target_url=None)
    assert caught.value.status == 422  # GitHub: no commit with that SHA
    [request] = github_double.requests
    assert request.path == "/repos/acme/widgets/statuses/..%2F..%2F..%2Forgs%2Facme"
    assert github_double._template("POST", request.path) == "/repos/{owner}/{repo}/statuses/{sha}"

    with pytest.raises(ForgeUnavailable) as refused:
        client.post_status("acme/widgets", "..", state="success", context="c",
                           description="d", target_url=None)
    assert refused.value.status is None
    assert len(github_double.requests) == 1

    client.post_status("acme/widgets", HEAD, state="success", context="gatekeeper/contract",
                       description="ok", target_url=None)
    assert [s["state"] for s in github_double.statuses("acme/widgets", HEAD)] == ["success"]


def test_a_repository_name_from_the_payload_cannot_leave_the_repos_route(
    github_double: FakeGitHub,
) -> None:
    with pytest.raises(ForgeUnavailable) as caught:
        _client(github_double).pull_request("acme/..", 7)
    assert caught.value.status is None
    assert github_double.requests == []


# --- every REST path the forge builds goes through paths.py ---------------------------------

_SEGMENT_CALLS = {"segment", "repo_path", "repo_name", "ref_path"}
FORGE = Path(__file__).resolve().parents[4] / "gatekeeper" / "forge" / "github"


def _called(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id
    return None


def _integer(part: ast.FormattedValue) -> bool:
    """``{number:d}``: formatted as an integer, which fails for anything else."""
    spec = part.format_spec
    return (isinstance(spec, ast.JoinedStr) and len(spec.values) == 1
            and isinstance(spec.values[0], ast.Constant) and spec.values[0].value == "d")


def unquoted_path_values(source: str) -> list[str]:
    """The values interpolated raw into an f-string REST path (``/repos/...``, ``/orgs/...``
    or ``{repo_path(...)}/...``)."""
    raw = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.JoinedStr) or not node.values:
            continue
        first = node.values[0]
        is_path = (isinstance(first, ast.Constant) and str(first.value).startswith("/")) or (
            isinstance(first, ast.FormattedValue) and _called(first.value) == "repo_path")
        if not is_path:
            continue
        raw += [ast.unparse(part.value) for part in node.values
                if isinstance(part, ast.FormattedValue)
                and _called(part.value) not in _SEGMENT_CALLS and not _integer(part)]
    return raw


def test_the_forge_modules_are_found() -> None:
    assert len(list(FORGE.glob("*.py"))) >= 5, FORGE


@pytest.mark.parametrize("module", sorted(FORGE.glob("*.py")), ids=lambda p: p.name)
def test_every_rest_path_in_the_forge_is_built_from_encoded_segments(module: Path) -> None:
    assert unquoted_path_values(module.read_text(encoding="utf-8")) == []


def test_the_path_check_finds_a_raw_value() -> None:
    source = ('def f(repo, team, sha):\n'
              '    a = f"/repos/{repo}/statuses/{segment(sha)}"\n'
              '    b = f"{repo_path(repo)}/teams/{team}"\n'
              '    c = f"checking @{team}"\n'
              '    d = f"{repo_path(repo)}/issues/{number:d}/{number}"\n')
    assert unquoted_path_values(source) == ["repo", "team", "number"]


def test_a_ref_keeps_its_slashes_and_nothing_else() -> None:
    from gatekeeper.forge.github.paths import ref_path

    assert ref_path("feature/log?in#1") == "feature/log%3Fin%231"
    with pytest.raises(UnsafeSegment):
        ref_path("feature/../../../orgs")
