"""A reviewer who clicked "Update branch" can still approve; an approver named as a
co-author on any commit cannot. Against the strict GitHub double."""

from __future__ import annotations

from tests.support.github_double import FakeGitHub, github_double
from tests.unit.live.test_evaluation_authority import HEAD, REPO, _codes, _seed

__all__ = ["github_double"]

FIRST, BASE_TIP = "d" * 40, "9" * 40


def test_a_reviewer_who_clicked_update_branch_may_approve(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.set_commits(REPO, 7, [
        {"sha": FIRST, "author": "bob"},
        # GitHub's merge of the base into the branch: committed and signed by GitHub,
        # authored by whoever clicked, its second parent on the base.
        {"sha": HEAD, "author": "carol", "committer": "web-flow", "parents": [FIRST, BASE_TIP],
         "message": "Merge branch 'main' into feature"},
    ])
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    assert _codes(github_double) == []


def test_a_merge_the_reviewer_made_themselves_still_counts_as_theirs(
    github_double: FakeGitHub,
) -> None:
    _seed(github_double)
    github_double.set_commits(REPO, 7, [
        {"sha": FIRST, "author": "bob"},
        {"sha": HEAD, "author": "carol", "parents": [FIRST, BASE_TIP],
         "message": "Merge branch 'main' into feature"},  # pushed by carol, not GitHub
    ])
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    assert _codes(github_double) == ["GK307"]


def test_an_approver_named_as_co_author_on_a_humans_commit_does_not_count(
    github_double: FakeGitHub,
) -> None:
    _seed(github_double)
    github_double.set_commits(REPO, 7, [
        {"author": "bob", "message": "Add x\n\nCo-authored-by: Carol "
                                     "<1234+carol@users.noreply.github.com>"}])
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    assert _codes(github_double) == ["GK307"]
