"""What the commands share on the command line: OWNER/REPO, --quiet and where a repository
comes from."""

from __future__ import annotations

import io

import click
import pytest

from gatekeeper.cli import options


def test_a_repository_is_owner_slash_repo() -> None:
    assert options.REPOSITORY.convert(" acme/app ", None, None) == "acme/app"
    for bad in ("acme", "acme/app/x", "acme/a b", "https://github.com/acme/app"):
        with pytest.raises(click.BadParameter):
            options.REPOSITORY.convert(bad, None, None)


def test_quiet_holds_back_the_output_of_a_success_only(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(options.settings, "quiet", True)

    def succeeds(out: io.StringIO) -> int:
        out.write("all good\n")
        return 0

    def blocks(out: io.StringIO) -> int:
        out.write("BLOCKED\n")
        return 1

    with pytest.raises(SystemExit) as ok:
        options.run(succeeds)  # type: ignore[arg-type]
    assert ok.value.code == 0 and capsys.readouterr().out == ""
    with pytest.raises(SystemExit) as blocked:
        options.run(blocks)  # type: ignore[arg-type]
    assert blocked.value.code == 1 and capsys.readouterr().out == "BLOCKED\n"


def test_a_given_repository_is_used_with_the_api_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3")
    assert options.repository("acme/app") == ("acme/app", "https://ghe.example.com/api/v3")
