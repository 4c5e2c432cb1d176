"""`gatekeeper init` in a repository that has its own pull request template: the contract
goes into that template (once), the rest of it stays as it was, and no second template
appears beside it."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gatekeeper.commands.init.pr_template import add_contract, existing_templates
from gatekeeper.constants import TEMPLATE_PATH
from gatekeeper.core import fields

Cli = Callable[..., subprocess.CompletedProcess[str]]
THEIRS = ("## What this changes\n<!-- Describe it. -->\n\n## Checklist\n"
          "- [ ] Tests added\n- [ ] Docs updated\n")
FILLED = {
    "<!-- GREEN, AMBER or RED -->": "RED",
    "<!-- @handle of the person answerable for this change -->": "@alice",
    "<!-- human, ai-assisted or agent -->": "human",
    "<!-- command run and its result, or a link to the run -->": "`pytest -q`: 31 passed",
    "<!-- @handle or @org/team -->": "@acme/security",
    "<!-- e.g. APR-1234 -->": "APR-2291",
    "<!-- how to undo this change, and how it was checked -->": "revert; tried on staging",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def _sections() -> str:
    return "\n".join([fields.template_section("contract"), fields.template_section("escalation")])


# Every place GitHub looks, in the cases people write them.
PLACES = [
    "pull_request_template.md",
    "PULL_REQUEST_TEMPLATE.md",
    ".github/PULL_REQUEST_TEMPLATE.md",
    ".github/pull_request_template.txt",
    "docs/pull_request_template.md",
    "Docs/Pull_Request_Template.md",
    ".github/PULL_REQUEST_TEMPLATE/feature.md",
    "docs/pull_request_template/bugfix.txt",
    "PULL_REQUEST_TEMPLATE/default.md",
]


@pytest.mark.parametrize("place", PLACES)
def test_an_existing_template_gets_the_contract_and_no_second_template_appears(
    repo: Path, gatekeeper_cli: Cli, place: str,
) -> None:
    target = repo / place
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(THEIRS, encoding="utf-8")

    result = gatekeeper_cli("init", cwd=repo)

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"extended\s+{re.escape(place)}", result.stdout), result.stdout
    text = target.read_text(encoding="utf-8")
    assert text == THEIRS + "\n" + _sections()
    files = {p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file()}
    templates = {p for p in files if not p.startswith(".git/") and "template" in p.casefold()}
    assert templates == {place}, templates


def test_extending_is_idempotent_byte_for_byte(repo: Path, gatekeeper_cli: Cli) -> None:
    target = repo / ".github" / "PULL_REQUEST_TEMPLATE.md"
    target.parent.mkdir(parents=True)
    target.write_text(THEIRS, encoding="utf-8")
    gatekeeper_cli("init", cwd=repo)
    once = target.read_bytes()
    mtime = target.stat().st_mtime_ns

    again = gatekeeper_cli("init", cwd=repo)

    assert again.returncode == 0
    assert "Nothing changed" in again.stdout
    assert target.read_bytes() == once and target.stat().st_mtime_ns == mtime
    assert once.count(b"## Contract") == 1 and once.count(b"## Escalation") == 1


def test_every_template_of_a_template_folder_gets_the_contract(repo: Path,
                                                               gatekeeper_cli: Cli) -> None:
    folder = repo / ".github" / "PULL_REQUEST_TEMPLATE"
    folder.mkdir(parents=True)
    (folder / "feature.md").write_text(THEIRS, encoding="utf-8")
    (folder / "release.md").write_text("Release notes:\n", encoding="utf-8")
    (folder / "notes.json").write_text("{}", encoding="utf-8")  # not a template

    result = gatekeeper_cli("init", cwd=repo)

    assert result.returncode == 0, result.stdout
    for name in ("feature.md", "release.md"):
        assert (folder / name).read_text(encoding="utf-8").endswith(_sections())
    assert (folder / "notes.json").read_text(encoding="utf-8") == "{}"
    assert not (repo / TEMPLATE_PATH).exists()


def test_crlf_template_stays_crlf_and_the_rest_is_untouched(repo: Path,
                                                            gatekeeper_cli: Cli) -> None:
    target = repo / "docs" / "pull_request_template.md"
    target.parent.mkdir()
    theirs = THEIRS.replace("\n", "\r\n").encode()
    target.write_bytes(theirs)

    gatekeeper_cli("init", cwd=repo)

    data = target.read_bytes()
    assert data.startswith(theirs)
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.endswith(_sections().replace("\n", "\r\n").encode())


def test_a_template_with_the_contract_in_its_own_words_is_left_alone(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    own = ("## Risk\n- **Risk:** <!-- GREEN, AMBER or RED -->\n- **Owner:** @someone\n"
           "- **Origin:** human\n- **Test evidence:** ...\n\n## RED changes\n"
           "- **Escalation reviewer:**\n- **Approval reference:**\n- **Rollback plan:**\n")
    target = repo / ".github" / "pull_request_template.md"
    target.parent.mkdir()
    target.write_text(own, encoding="utf-8")

    result = gatekeeper_cli("init", cwd=repo)

    assert result.returncode == 0, result.stdout
    assert re.search(rf"unchanged\s+{re.escape('.github/pull_request_template.md')}",
                     result.stdout)
    assert target.read_text(encoding="utf-8") == own


def test_a_template_with_part_of_the_contract_is_not_touched_even_with_force(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    partial = "## Contract\n- **Risk level:** <!-- GREEN, AMBER or RED -->\n"
    target = repo / "PULL_REQUEST_TEMPLATE.md"
    target.write_text(partial, encoding="utf-8")

    for extra in ((), ("--force",)):
        result = gatekeeper_cli("init", *extra, cwd=repo)
        assert result.returncode == 1, result.stdout
        assert re.search(r"exists, partial\s+PULL_REQUEST_TEMPLATE\.md\s+has contract fields "
                         r"but not Accountable owner, Change origin, Test evidence",
                         result.stdout), result.stdout
        assert target.read_text(encoding="utf-8") == partial
    assert not (repo / TEMPLATE_PATH).exists()


def test_force_never_replaces_an_existing_template(repo: Path, gatekeeper_cli: Cli) -> None:
    target = repo / ".github" / "PULL_REQUEST_TEMPLATE.md"
    target.parent.mkdir()
    target.write_text(THEIRS, encoding="utf-8")

    gatekeeper_cli("init", "--force", cwd=repo)

    assert target.read_text(encoding="utf-8").startswith(THEIRS)


def test_the_extended_template_filled_in_passes_and_left_empty_blocks(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    target = repo / ".github" / "PULL_REQUEST_TEMPLATE.md"
    target.parent.mkdir()
    target.write_text(THEIRS, encoding="utf-8")
    gatekeeper_cli("init", cwd=repo)
    body = target.read_text(encoding="utf-8")
    for hint, value in FILLED.items():
        body = body.replace(hint, value)
    (repo / "filled.md").write_text(body, encoding="utf-8")

    passed = gatekeeper_cli("validate", "filled.md", "src/auth/login.py", cwd=repo)
    assert passed.returncode == 0, passed.stdout
    blocked = gatekeeper_cli("validate", str(target), "src/auth/login.py", cwd=repo)
    assert blocked.returncode == 1, blocked.stdout


def test_no_template_anywhere_writes_gatekeepers_own(repo: Path, gatekeeper_cli: Cli) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "template_notes.md").write_text("not a PR template\n", encoding="utf-8")

    gatekeeper_cli("init", cwd=repo)

    assert (repo / TEMPLATE_PATH).read_text(encoding="utf-8") == fields.pull_request_template()
    assert existing_templates(repo) == [TEMPLATE_PATH]


def test_add_contract_adds_only_the_missing_section() -> None:
    contract_only = "Intro\n\n" + fields.template_section("contract")
    extension = add_contract(contract_only)
    assert extension.status == "extended"
    assert extension.text == contract_only + "\n" + fields.template_section("escalation")
    assert add_contract(extension.text).status == "complete"
    assert add_contract("").text == _sections()
