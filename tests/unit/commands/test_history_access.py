"""What metrics and replay share: the cache's place and key, progress on a terminal, a
session over one repository (its bases, its records, the policy to replay with), output."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gatekeeper import resources
from gatekeeper.commands.history_access import (
    CACHE_FILE,
    GitHubAccess,
    Progress,
    Session,
    default_cache_path,
    digest,
    emit,
)
from gatekeeper.errors import GatekeeperError
from gatekeeper.history.fetch import RetrySettings
from tests.support.github_double import FakeGitHub
from tests.support.metrics_synth import REPO, TOKEN, SynthGitHub, generate


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as double:
        yield double


def _access(fake: FakeGitHub, tmp_path: Path) -> GitHubAccess:
    return GitHubAccess(token=TOKEN, api_url=fake.base_url, graphql_url=None,
                        cache_path=tmp_path / "cache.sqlite",
                        retry=RetrySettings(sleep=lambda _: None))


def test_the_cache_lives_in_the_user_cache_folder(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    assert default_cache_path() == tmp_path / "gatekeeper" / CACHE_FILE


def test_the_cache_key_names_the_host_and_the_repository_in_one_case() -> None:
    assert GitHubAccess(None, None, None).cache_key("Acme/App") == "api.github.com/acme/app"
    ghes = GitHubAccess(None, "https://GHE.example.com/api/v3/", None)
    assert ghes.cache_key("acme/app") == "ghe.example.com/api/v3/acme/app"


def test_progress_overwrites_one_line_on_a_terminal_only() -> None:
    pipe = io.StringIO()
    quiet = Progress(pipe, "metrics")
    quiet("page 1")
    quiet.done()
    assert pipe.getvalue() == ""
    quiet.note("waiting 5 s")
    assert pipe.getvalue() == "metrics: waiting 5 s\n"

    terminal = Terminal()
    live = Progress(terminal, "metrics")
    live("page 1")
    assert terminal.getvalue() == "\r\x1b[2Kmetrics: page 1"
    live.note("resumed")  # clears the status line first
    assert terminal.getvalue().endswith("metrics: page 1\r\x1b[2Kmetrics: resumed\n")
    live.done()  # nothing shown any more: nothing to clear
    assert terminal.getvalue().endswith("resumed\n")


def test_a_session_opens_on_the_default_branch_and_syncs_its_records(
        fake: FakeGitHub, tmp_path: Path) -> None:
    dataset = generate(seed=1, weeks=1, per_week=5)
    fake.graphql_data = SynthGitHub(dataset).provider
    session = Session.open(_access(fake, tmp_path), REPO, (), Progress(io.StringIO(), "m"))
    try:
        assert session.bases == ("main",)
        assert session.info.name_with_owner == REPO
        records = session.sync(None)
        assert sorted(r.number for r in records) == sorted(
            p.number for p in dataset.pulls if p.base == "main")
        assert all(r.base == "main" for r in records)
        policy, key = session.policy(None)
        assert key == digest(dataset.policy_text)
        assert policy.origin.source == f"{REPO}:.github/gatekeeper.yml"
        assert policy.origin.ref == "main" and policy.origin.sha == dataset.head_oid
    finally:
        session.cache.close()
    assert fake.violations == []


def test_named_bases_are_kept_once_each_in_order(fake: FakeGitHub, tmp_path: Path) -> None:
    fake.graphql_data = SynthGitHub(generate(seed=1, weeks=1, per_week=5)).provider
    session = Session.open(_access(fake, tmp_path), REPO, ("dev", "main", "dev"),
                           Progress(io.StringIO(), "m"))
    session.cache.close()
    assert session.bases == ("dev", "main")


def test_a_repository_without_a_policy_replays_with_the_default(fake: FakeGitHub,
                                                                tmp_path: Path) -> None:
    synth = SynthGitHub(generate(seed=1, weeks=1, per_week=5))

    def provider(query: str, variables: Any) -> Any:
        root = synth.provider(query, variables)
        repository = root["repository"]

        def without_policy(info: Any, owner: str, name: str, **kw: Any) -> Any:
            found = repository(info, owner, name, **kw)
            return {**found, "object": lambda info, **_: None}

        return {**root, "repository": without_policy}

    fake.graphql_data = provider
    session = Session.open(_access(fake, tmp_path), REPO, (), Progress(io.StringIO(), "m"))
    session.cache.close()
    assert session.info.policy_text is None
    _, key = session.policy(None)
    assert key == digest(resources.text("default_policy.yml"))


def test_an_explicit_policy_file_wins(fake: FakeGitHub, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fake.graphql_data = SynthGitHub(generate(seed=1, weeks=1, per_week=5)).provider
    session = Session.open(_access(fake, tmp_path), REPO, (), Progress(io.StringIO(), "m"))
    session.cache.close()
    policy_file = tmp_path / "mine.yml"
    policy_file.write_text(resources.text("default_policy.yml"))
    monkeypatch.chdir(tmp_path)
    policy, key = session.policy(str(policy_file))
    assert policy.origin.source == str(policy_file)
    assert key == policy.origin.sha and len(key) == 64  # the file's own digest
    assert key != digest(resources.text("default_policy.yml"))


def test_a_bad_repository_name_or_an_unknown_repository_is_refused(
        fake: FakeGitHub, tmp_path: Path) -> None:
    fake.graphql_data = SynthGitHub(generate(seed=1, weeks=1, per_week=5)).provider
    with pytest.raises(GatekeeperError, match="--repo takes OWNER/REPO, not 'acme'"):
        Session.open(_access(fake, tmp_path), "acme", (), Progress(io.StringIO(), "m"))
    assert fake.requests == []
    with pytest.raises(GatekeeperError, match="not found"):
        Session.open(_access(fake, tmp_path), "acme/nothing", (),
                     Progress(io.StringIO(), "m"))


def test_digest_is_a_short_sha256() -> None:
    assert digest("") == "e3b0c44298fc1c14"
    assert digest("a") != digest("b") and len(digest("a")) == 16


def test_emit_writes_to_stdout_or_to_the_file(tmp_path: Path) -> None:
    out = io.StringIO()
    emit("report\n", None, out)
    assert out.getvalue() == "report\n"
    target = tmp_path / "report.txt"
    emit("to file\n", target, out)
    assert target.read_text() == "to file\n" and out.getvalue() == "report\n"
