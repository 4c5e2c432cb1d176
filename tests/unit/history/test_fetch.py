"""GitHubForge.graphql: endpoints, and which failures it retries (and how long it waits)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gatekeeper.commands.history_access import GitHubAccess
from gatekeeper.commands.metrics import MetricsOptions
from gatekeeper.commands.metrics import run as run_metrics
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable
from gatekeeper.forge.github import GitHubForge
from gatekeeper.history.fetch import RetrySettings
from tests.support.github_double import FakeGitHub
from tests.support.metrics_synth import REPO, TOKEN, SynthGitHub, generate, run_export

QUERY = "query { viewer { login } }"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as double:
        yield double


def client(fake: FakeGitHub) -> GitHubForge:
    return GitHubForge(TOKEN, fake.base_url)


@pytest.mark.parametrize(("api", "graphql"), [
    ("https://api.github.com", "https://api.github.com/graphql"),
    ("https://ghe.example.com/api/v3", "https://ghe.example.com/api/graphql"),
    ("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"),
])
def test_graphql_url_is_derived_from_the_api_url(api: str, graphql: str) -> None:
    assert GitHubForge(None, api).graphql_endpoint() == graphql
    assert GitHubForge(None, api).graphql_endpoint(graphql + "/") == graphql


def test_a_graphql_url_on_another_host_is_refused(fake: FakeGitHub) -> None:
    with pytest.raises(ForgeUnavailable, match="not on the API's host"):
        client(fake).graphql(QUERY, {}, url="https://elsewhere.example/graphql")
    assert fake.requests == []


def test_enterprise_layout_works_end_to_end(tmp_path: Path) -> None:
    dataset = generate(seed=3, weeks=2, per_week=20, rollout_week=1)
    with FakeGitHub(api_prefix="/api/v3") as ghes:
        ghes.graphql_data = SynthGitHub(dataset).provider
        derived = run_export(ghes, tmp_path / "a.sqlite")
        explicit = run_export(ghes, tmp_path / "b.sqlite", graphql_url=ghes.graphql_url)
        assert ghes.violations == []
        assert ghes.graphql_url.endswith("/api/graphql")
    assert derived.code == explicit.code == 0 and derived.text == explicit.text


def test_github_graphql_url_is_read_from_the_environment(
        fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gatekeeper.cli import history

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.base_url)
    monkeypatch.setenv("GITHUB_GRAPHQL_URL", "https://elsewhere.example/graphql")
    access = history.history_access(str(tmp_path / "c.sqlite"), 100, 0.001)
    assert access.graphql_url == "https://elsewhere.example/graphql"
    options = MetricsOptions(repo=REPO, since=None, until=None, bases=(),
                             output_format="json", output=None)
    with pytest.raises(GatekeeperError, match=r"elsewhere\.example"):
        run_metrics(options, io.StringIO(), access=access, stderr=io.StringIO())
    assert fake.requests == []  # the configured URL was used, and refused before sending


def test_retry_after_is_honoured(fake: FakeGitHub) -> None:
    fake.fail("POST", "^/graphql$", status=403, retry_after=12, times=1)
    waits: list[float] = []
    data = client(fake).graphql(QUERY, {}, sleep=waits.append, backoff=0.001)
    assert data["viewer"]["login"]
    assert waits == [12.0]


def test_rate_limit_reset_is_honoured(fake: FakeGitHub) -> None:
    fake.rate_limit_graphql(times=1, reset_in=100)
    waits: list[float] = []
    seen: list[str] = []
    client(fake).graphql(QUERY, {}, sleep=waits.append, backoff=0.001,
                         on_wait=lambda why, _: seen.append(why))
    assert waits and 99 <= waits[0] <= 102
    assert "RATE_LIMITED" not in seen[0] and "rate limit" in seen[0].lower()


def test_server_errors_back_off_exponentially_then_give_up(fake: FakeGitHub) -> None:
    fake.fail("POST", "^/graphql$", status=503, times=None)
    waits: list[float] = []
    with pytest.raises(ForgeUnavailable) as caught:
        client(fake).graphql(QUERY, {}, sleep=waits.append, backoff=0.5, attempts=4)
    assert caught.value.status == 503
    assert waits == [0.5, 1.0, 2.0]
    assert fake.count("POST", "^/graphql$") == 4


@pytest.mark.parametrize(("status", "body"), [
    (403, None),  # "Resource not accessible by integration": permissions, not a limit
    (401, None),
    (200, {"errors": [{"type": "NOT_FOUND", "path": ["repository"],
                       "message": "Could not resolve to a Repository with the name 'x/y'."}]}),
])
def test_failures_that_retrying_cannot_fix_stop_at_once(
        fake: FakeGitHub, status: int, body: object) -> None:
    fake.fail("POST", "^/graphql$", status=status, body=body, times=None)
    waits: list[float] = []
    with pytest.raises(ForgeUnavailable) as caught:
        client(fake).graphql(QUERY, {}, sleep=waits.append)
    assert caught.value.status == status
    assert (waits, fake.count("POST", "^/graphql$")) == ([], 1)


def test_a_wait_longer_than_allowed_fails_instead_of_hanging(fake: FakeGitHub) -> None:
    fake.rate_limit_graphql(times=1, reset_in=7200)
    with pytest.raises(ForgeUnavailable, match="more than 60 s"):
        client(fake).graphql(QUERY, {}, sleep=lambda _: None, max_wait=60)


def test_a_missing_repository_is_a_usage_error(fake: FakeGitHub, tmp_path: Path) -> None:
    fake.graphql_data = SynthGitHub(generate(seed=1, weeks=1, per_week=5)).provider
    access = GitHubAccess(token=TOKEN, api_url=fake.base_url, graphql_url=None,
                          cache_path=tmp_path / "c.sqlite",
                          retry=RetrySettings(sleep=lambda _: None))
    options = MetricsOptions(repo="acme/nothing", since=None, until=None, bases=(),
                             output_format="json", output=None)
    with pytest.raises(GatekeeperError, match="not found"):
        run_metrics(options, io.StringIO(), access=access, stderr=io.StringIO())
    assert json.dumps(fake.violations) == "[]"
