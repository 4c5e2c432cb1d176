"""commits: a local range's commits as evidence: each one's people and whole message, the
head branch, git's errors as one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.core.authority.facts import Person
from gatekeeper.errors import GatekeeperError
from gatekeeper.local.commits import head_branch, local_evidence, range_commits


def _shas(git, repo: Path, log_range: str) -> list[str]:
    return git(repo, "log", "--format=%H", log_range).split()


@pytest.mark.parametrize("revision_range", ["main...feature", "main..feature", "main"])
def test_the_head_sides_commits_newest_first(repo: Path, git, revision_range: str) -> None:
    commits = range_commits(revision_range, cwd=repo)
    assert [c.sha for c in commits] == _shas(git, repo, "main..feature")
    newest, oldest = commits
    assert newest.message == "readme\n\nCo-authored-by: Bo <bo@example.com>\n"
    assert newest.author == Person("Dee", "12+dee@users.noreply.github.com")
    assert newest.committer == Person("Cy", "cy@example.com")
    assert oldest.message == "move tokens\n" and oldest.author == Person("Ann", "ann@example.com")
    assert newest.verified is None  # git does not say


def test_a_message_with_separators_keeps_its_fields(repo: Path, git) -> None:
    (repo / "x").write_text("x", encoding="utf-8")
    git(repo, "add", "x")
    git(repo, "commit", "-q", "-m", "odd \x1e\x1f %x00 message")
    [latest, *_] = range_commits("main...feature", cwd=repo)
    assert latest.message == "odd \x1e\x1f %x00 message\n"
    assert len(range_commits("main...feature", cwd=repo)) == 3


def test_an_empty_range_has_no_commits(repo: Path) -> None:
    assert range_commits("feature...feature", cwd=repo) == ()
    assert range_commits("feature", cwd=repo) == ()


def test_a_bad_range_is_git_logs_error(repo: Path) -> None:
    with pytest.raises(GatekeeperError, match=r"^git log main\.\.nope failed: "):
        range_commits("main...nope", cwd=repo)


def test_no_git_installed_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GatekeeperError, match=r"^--diff needs git, and git is not installed$"):
        range_commits("main...HEAD", cwd=tmp_path)


def test_the_head_branch_is_named_only_when_it_is_a_branch(repo: Path, git) -> None:
    assert head_branch("main...feature", cwd=repo) == "feature"
    assert head_branch("main..feature", cwd=repo) == "feature"
    assert head_branch("main", cwd=repo) == "feature"  # HEAD, on feature
    git(repo, "checkout", "-q", "--detach")
    assert head_branch("main", cwd=repo) is None
    assert head_branch("main...nope", cwd=repo) is None


def test_local_evidence_has_commits_and_branch_and_nothing_from_github(repo: Path) -> None:
    evidence = local_evidence("main...feature", cwd=repo)
    assert evidence.head_ref == "feature" and len(evidence.commits or ()) == 2
    assert evidence.reviews is None and evidence.pull_request is None
