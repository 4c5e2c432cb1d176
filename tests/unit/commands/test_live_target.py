"""`gatekeeper validate --pr` when something is wrong with the token, the name or the host:
exit 2 at once with what to change, never a decision, never a retry of a refusal; and the
forms of --pr (URL, OWNER/REPO#N, #N, N, the current branch), also with a local body."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double, github_double_ghes

__all__ = ["github_double", "github_double_ghes"]

REPO = "acme/widgets"
BASE, HEAD = "b" * 40, "c" * 40
COMPLETE = complete_body()
FORBIDDEN = {"message": "Resource not accessible by integration",
             "documentation_url": "https://docs.github.com/rest"}


def _seed(fake: FakeGitHub, body: str = COMPLETE, number: int = 7,
          head_ref: str = "feature") -> None:
    if REPO not in {r.full_name for r in fake._repos.values()}:
        fake.add_repo(REPO)
    fake.add_pull(REPO, number, title="t", body=body, author="bob", head_sha=HEAD,
                  base_sha=BASE, files=["docs/a.md"], head_ref=head_ref)


def _no_gh(tmp_path: Path) -> str:
    """A PATH whose `gh` has no login, so the test never sees the machine's own."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    gh = folder / "gh"
    gh.write_text("#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/gh-calls\"\nexit 1\n",
                  encoding="utf-8")
    gh.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"


def _validate(tmp_path: Path, *args: str, api: str | None, token: str | None = DEFAULT_TOKEN,
              cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env["PATH"] = _no_gh(tmp_path)
    if token is not None:
        env["GITHUB_TOKEN"] = token
    if api is not None:
        env["GITHUB_API_URL"] = api
    return subprocess.run([sys.executable, "-m", "gatekeeper", "validate", *args],
                          capture_output=True, text=True, env=env, cwd=cwd or tmp_path,
                          check=False, timeout=60, stdin=subprocess.DEVNULL)


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("gatekeeper: error: ")
    return result.stderr


def test_no_token_is_exit_2_at_once(github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed(github_double)
    result = _validate(tmp_path, "--pr", f"{REPO}#7", api=github_double.base_url, token=None)
    line = _one_error_line(result)
    assert "set GITHUB_TOKEN or GH_TOKEN, or run `gh auth login`" in line
    assert "GK904" not in line and "BLOCKED" not in result.stdout
    assert github_double.requests == []
    # gh was asked for the token of the API's host.
    host = f"127.0.0.1:{github_double.port}"
    assert (tmp_path / "bin" / "gh-calls").read_text(encoding="utf-8") == (
        f"auth token --hostname {host}\n")


def test_a_refused_token_is_exit_2_and_not_retried(github_double: FakeGitHub,
                                                   tmp_path: Path) -> None:
    _seed(github_double)
    result = _validate(tmp_path, "--pr", f"{REPO}#7", api=github_double.base_url,
                       token="ghp_wrong")
    line = _one_error_line(result)
    assert "HTTP 401 (Bad credentials)" in line
    assert "GitHub refused the token" in line and "`gh auth login`" in line
    assert github_double.count("POST", "^/graphql$") == 1


def test_a_forbidden_pull_request_names_the_permission(github_double: FakeGitHub,
                                                       tmp_path: Path) -> None:
    _seed(github_double)
    github_double.fail("POST", "^/graphql$", status=403, body=FORBIDDEN, times=5)
    result = _validate(tmp_path, "--pr", f"{REPO}#7", api=github_double.base_url)
    line = _one_error_line(result)
    assert "HTTP 403 (Resource not accessible by integration)" in line
    assert "it needs the pull-requests: read permission" in line
    assert github_double.count("POST", "^/graphql$") == 1


def test_a_pull_request_that_does_not_exist_is_exit_2(github_double: FakeGitHub,
                                                      tmp_path: Path) -> None:
    _seed(github_double)
    result = _validate(tmp_path, "--pr", f"{REPO}#99", api=github_double.base_url)
    line = _one_error_line(result)
    assert f"reading pull request {REPO}#99: HTTP 404" in line
    assert f"check that pull request {REPO}#99 exists" in line
    assert github_double.count("POST", "^/graphql$") == 1


def test_an_unreachable_host_is_named_and_given_up_on_quickly(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = f"http://127.0.0.1:{port}/api/v3"
    started = time.monotonic()
    result = _validate(tmp_path, "--pr", f"{REPO}#7", api=api)
    elapsed = time.monotonic() - started
    line = _one_error_line(result)
    assert f"could not connect to {api.removesuffix('/v3')}" in line
    assert "check GITHUB_API_URL" in line
    assert elapsed < 10, elapsed


def test_a_pull_request_url_is_accepted(github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed(github_double, body=COMPLETE.replace("@bob", "TBD"))
    url = f"{github_double.root_url}/{REPO}/pull/7/files"
    result = _validate(tmp_path, "--pr", url, "--format", "json", api=github_double.base_url)
    assert result.returncode == 1, result.stderr
    assert [r["code"] for r in json.loads(result.stdout)["reasons"]] == ["GK102"]


def test_an_enterprise_server_url_finds_its_api(github_double_ghes: FakeGitHub,
                                                tmp_path: Path) -> None:
    # No GITHUB_API_URL: the API is the one of the host the URL names (HOST/api/v3).
    _seed(github_double_ghes)
    url = f"{github_double_ghes.root_url}/{REPO}/pull/7"
    result = _validate(tmp_path, "--pr", url, api=None)
    assert result.returncode == 0, result.stderr
    # Read up front, then afresh by the evaluation: every read of a pull request is new.
    assert github_double_ghes.count("POST", "^/graphql$") == 1


def test_a_url_on_another_host_than_the_api_is_refused(github_double: FakeGitHub,
                                                       tmp_path: Path) -> None:
    result = _validate(tmp_path, "--pr", f"https://ghe.example.com/{REPO}/pull/7",
                       api=github_double.base_url)
    line = _one_error_line(result)
    assert "--pr names a pull request on ghe.example.com, but GITHUB_API_URL is" in line
    assert github_double.requests == []


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def clone(tmp_path: Path, github_double: FakeGitHub) -> Path:
    root = tmp_path / "clone"
    root.mkdir()
    _git(root, "init", "-q", "-b", "topic")
    _git(root, "remote", "add", "origin", f"{github_double.root_url}/{REPO}.git")
    return root


@pytest.mark.parametrize("reference", ["7", "#7"])
def test_a_number_takes_the_repository_from_origin(github_double: FakeGitHub, tmp_path: Path,
                                                  clone: Path, reference: str) -> None:
    _seed(github_double)
    result = _validate(tmp_path, "--pr", reference, "--format", "json",
                       api=github_double.base_url, cwd=clone)
    assert result.returncode == 0, result.stderr
    assert github_double.count("POST", "^/graphql$") == 1  # once: up front, kept for the evaluation


def test_no_value_is_the_current_branch_open_pull_request(github_double: FakeGitHub,
                                                         tmp_path: Path, clone: Path) -> None:
    _seed(github_double, number=7, head_ref="feature")
    _seed(github_double, number=8, head_ref="topic", body=COMPLETE.replace("@bob", "TBD"))
    result = _validate(tmp_path, "--pr", "--format", "json", api=github_double.base_url,
                       cwd=clone)
    assert result.returncode == 1, result.stderr
    assert [r["code"] for r in json.loads(result.stdout)["reasons"]] == ["GK102"]
    listed = [r for r in github_double.requests if r.path == f"/repos/{REPO}/pulls"]
    assert [(r.query.get("head"), r.query.get("state")) for r in listed] == [
        ("acme:topic", "open")]


def test_a_branch_without_a_pull_request_is_exit_2(github_double: FakeGitHub,
                                                   tmp_path: Path, clone: Path) -> None:
    _seed(github_double, head_ref="feature")
    result = _validate(tmp_path, "--pr", api=github_double.base_url, cwd=clone)
    line = _one_error_line(result)
    assert f"no open pull request into {REPO} from acme:topic" in line


def test_a_local_body_is_judged_against_the_live_pull_request(
    github_double: FakeGitHub, tmp_path: Path,
) -> None:
    # The pull request on GitHub touches src/auth/ and declares GREEN; the edited body
    # declares RED with its escalation and passes; an edit that still says GREEN blocks.
    github_double.add_repo(REPO)
    github_double.add_pull(REPO, 7, title="t", body=COMPLETE, author="bob", head_sha=HEAD,
                           base_sha=BASE, files=["src/auth/login.py"])
    github_double.add_team_member("acme", "security", "carol")
    github_double.set_permission(REPO, "carol", "write")
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    fixed = tmp_path / "body.md"
    fixed.write_text(complete_body("RED"), encoding="utf-8")
    passed = _validate(tmp_path, str(fixed), "--pr", f"{REPO}#7", "--format", "json",
                       api=github_double.base_url)
    assert passed.returncode == 0, passed.stdout
    record = json.loads(passed.stdout)
    assert record["red_paths"] == [{"path": "src/auth/login.py", "pattern": "auth/"}]
    live = _validate(tmp_path, "--pr", f"{REPO}#7", api=github_double.base_url)
    assert live.returncode == 1
    assert "GK201" in live.stdout
    still = tmp_path / "still.md"
    still.write_text(complete_body("GREEN").replace("@bob", "@carol"), encoding="utf-8")
    blocked = _validate(tmp_path, str(still), "--pr", f"{REPO}#7", api=github_double.base_url)
    assert blocked.returncode == 1
    assert f"{still}:5: GK201" in blocked.stdout
    # Reads only: REST GETs and GraphQL queries (a POST that writes nothing).
    assert {r.method for r in github_double.requests if r.path != "/graphql"} == {"GET"}


@pytest.mark.parametrize("command", [
    ("metrics", "--repo", REPO),
    ("replay", "--repo", REPO, "--baseline-policy", "a.yml", "--candidate-policy", "b.yml"),
])
def test_history_commands_without_a_token_stop_at_once(
    github_double: FakeGitHub, tmp_path: Path, command: tuple[str, ...],
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env |= {"PATH": _no_gh(tmp_path), "GITHUB_API_URL": github_double.base_url}
    result = subprocess.run([sys.executable, "-m", "gatekeeper", *command],
                            capture_output=True, text=True, env=env, cwd=tmp_path,
                            check=False, timeout=60, stdin=subprocess.DEVNULL)
    line = _one_error_line(result)
    assert "set GITHUB_TOKEN or GH_TOKEN, or run `gh auth login`" in line
    assert github_double.requests == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_graphql_gives_up_on_an_unreachable_host_and_names_it() -> None:
    from gatekeeper.forge import ForgeUnavailable
    from gatekeeper.forge.github import GitHubForge

    api = f"http://127.0.0.1:{_closed_port()}"
    sleeps: list[float] = []
    client = GitHubForge(DEFAULT_TOKEN, api)
    with pytest.raises(ForgeUnavailable) as caught:
        client.graphql("query { viewer { login } }", {}, sleep=sleeps.append, backoff=0.01)
    assert caught.value.status is None
    assert f"could not connect to {api}/graphql" in caught.value.hint
    assert sleeps == [0.01]  # one more try, not six


def test_a_connection_that_breaks_off_is_retried_and_carries_no_refusal_hint(
    github_double: FakeGitHub,
) -> None:
    from gatekeeper.forge import ForgeUnavailable
    from gatekeeper.forge.github import GitHubForge

    _seed(github_double)
    github_double.fail_connection("GET", r"/pulls/7$", times=10)
    client = GitHubForge(DEFAULT_TOKEN, github_double.base_url, retries=2, backoff=0.01)
    with pytest.raises(ForgeUnavailable) as caught:
        client.pull_request(REPO, 7)
    assert caught.value.hint == ""  # may pass on a rerun: a GK904 block, not a usage error
    assert github_double.count("GET", r"/pulls/7$") == 3


def test_a_body_given_as_the_pr_value_says_to_put_it_first(github_double: FakeGitHub,
                                                           tmp_path: Path) -> None:
    (tmp_path / "body.md").write_text(COMPLETE, encoding="utf-8")
    result = _validate(tmp_path, "--pr", "body.md", api=github_double.base_url)
    line = _one_error_line(result)
    assert "--pr takes a pull request URL" in line
    assert "put the body first: gatekeeper validate BODY --pr [PR]" in line


def test_metrics_with_a_refused_token_says_so_and_not_to_run_again(
    github_double: FakeGitHub, tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env |= {"PATH": _no_gh(tmp_path), "GITHUB_API_URL": github_double.base_url,
            "GITHUB_TOKEN": "ghp_wrong"}
    result = subprocess.run([sys.executable, "-m", "gatekeeper", "metrics", "--repo", REPO,
                             "--cache", str(tmp_path / "cache.sqlite")],
                            capture_output=True, text=True, env=env, cwd=tmp_path,
                            check=False, timeout=60, stdin=subprocess.DEVNULL)
    line = _one_error_line(result)
    assert "HTTP 401 (Bad credentials): GitHub refused the token" in line
    assert "run again" not in line and "did not answer" not in line
    assert github_double.count("POST", "^/graphql$") == 1


def test_a_host_that_does_not_answer_has_a_short_connect_timeout() -> None:
    from gatekeeper.forge.github import GitHubForge
    from gatekeeper.forge.github.client import CONNECT_TIMEOUT

    client = GitHubForge(DEFAULT_TOKEN, "https://ghe.example.com/api/v3", timeout=20)
    # requests takes (connect, read): a black-holed host costs seconds, a slow answer not.
    assert client.requester.kwargs["timeout"] == (CONNECT_TIMEOUT, 20)
    assert client.transport.bare_requester().kwargs["timeout"] == (CONNECT_TIMEOUT, 20)
    assert CONNECT_TIMEOUT <= 5
