"""A merge group judged as a whole, its members told from the queue's commits, and the
pull requests a workflow_run is about, against the GitHub double."""

from __future__ import annotations

import pytest

from gatekeeper.forge import MergeGroupEvent, WorkflowRunEvent
from gatekeeper.forge.github import GitHubForge
from gatekeeper.live.merge_group import _named, evaluate_merge_group, pulls_of_run
from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double
from tests.support.merge_queue import queue

__all__ = ["github_double"]

REPO = "acme/widgets"
BASE, H7, H8, M7, M8 = "b" * 40, "c" * 40, "8" * 40, "1" * 40, "2" * 40
POLICY = ".github/gatekeeper.yml"
NOW = "2026-11-21T00:00:00Z"
GREEN = complete_body()


@pytest.fixture
def fake(github_double: FakeGitHub) -> FakeGitHub:
    github_double.add_repo(REPO)
    return github_double


def _forge(fake: FakeGitHub) -> GitHubForge:
    return GitHubForge(DEFAULT_TOKEN, fake.base_url, retries=1, backoff=0.01)


def _pull(fake: FakeGitHub, number: int, body: str, head: str, *, base_ref: str = "main",
          head_ref: str = "feature", state: str = "open") -> None:
    fake.add_pull(REPO, number, title="t", body=body, author="bob", head_sha=head,
                  base_sha=BASE, base_ref=base_ref, head_ref=head_ref, files=["docs/a.md"],
                  state=state)


def _judge(fake: FakeGitHub, number: int = 8, head: str = M8) -> tuple[str, list[str], str]:
    result = evaluate_merge_group(_forge(fake), REPO, number,
                                  MergeGroupEvent(head_sha=head, base_sha=BASE,
                                                  base_ref="main"),
                                  policy_path=POLICY, evaluated_at=NOW)
    decision = result.decision
    assert result.sha == head
    return decision.outcome, [str(r.code) for r in decision.reasons], \
        " ".join(r.message for r in decision.reasons)


def _two(fake: FakeGitHub, body7: str = GREEN, body8: str = GREEN) -> None:
    _pull(fake, 7, body7, H7, head_ref="seven")
    _pull(fake, 8, body8, H8, head_ref="eight")
    queue(fake, REPO, BASE, [(7, H7, "seven"), (8, H8, "eight")], [M7, M8])


@pytest.mark.parametrize(("subject", "number"), [
    ("Merge pull request #12 from acme/fix", 12),
    ("Fix the thing (#34)", 34),
    ("Fix (#1) and more (#35)  \n\nbody (#99)", 35),
    ("Merge pull request #12 from ", None),  # GitHub always names the branch
    ("Mention #12 in passing", None),
    ("(#7) at the start", None),
])
def test_a_queue_commit_names_its_pull_request_in_its_subject(subject: str,
                                                              number: int | None) -> None:
    assert _named(subject) == number


def test_a_group_of_passing_pull_requests_passes(fake: FakeGitHub) -> None:
    _two(fake)
    kind, codes, _ = _judge(fake)
    assert (kind, codes) == ("pass", [])


def test_an_earlier_member_that_blocks_blocks_the_group_naming_it(fake: FakeGitHub) -> None:
    _two(fake, body7="")
    kind, codes, message = _judge(fake)
    assert kind == "block" and codes == ["GK221"]
    assert "pull request #7, earlier in this merge group, is blocked" in message


def test_the_named_pull_request_blocks_on_its_own_reasons(fake: FakeGitHub) -> None:
    _two(fake, body8="")
    kind, codes, _ = _judge(fake)
    assert kind == "block" and "GK221" not in codes and codes


def test_a_member_into_another_branch_cannot_be_judged(fake: FakeGitHub) -> None:
    _pull(fake, 7, GREEN, H7, base_ref="dev", head_ref="seven")
    _pull(fake, 8, GREEN, H8, head_ref="eight")
    queue(fake, REPO, BASE, [(7, H7, "seven"), (8, H8, "eight")], [M7, M8])
    kind, codes, message = _judge(fake)
    assert kind == "block" and codes == ["GK907"]
    assert "pull request #7 is into dev, not the merge group's base main" in message


def test_a_rebased_commit_belongs_to_the_open_pull_request_whose_head_it_is(
        fake: FakeGitHub) -> None:
    _pull(fake, 8, GREEN, H8)
    fake.add_commit(REPO, H8, message="work without a number", parents=[BASE])
    assert _judge(fake, head=H8)[:2] == ("pass", [])
    # A commit no open pull request has as its head cannot be told.
    orphan = "9" * 40
    fake.add_commit(REPO, orphan, message="nobody's", parents=[H8])
    kind, codes, message = _judge(fake, head=orphan)
    assert kind == "block" and codes == ["GK907"]
    assert f"commit {orphan[:12]} of the merge group belongs to no open pull request" in message


def test_a_failing_api_blocks_the_group_as_could_not_evaluate(fake: FakeGitHub) -> None:
    _two(fake)
    fake.fail("GET", r"/compare/", status=500)
    kind, codes, message = _judge(fake)
    assert kind == "block" and codes == ["GK907"]
    assert "could not list the merge group's commits and pull requests" in message


def test_a_workflow_runs_pull_requests_come_from_its_payload_or_the_api(
        fake: FakeGitHub) -> None:
    forge = _forge(fake)
    assert pulls_of_run(forge, REPO, WorkflowRunEvent((9, 3, 9), None, None, None)) == (3, 9)
    _pull(fake, 7, GREEN, H7, head_ref="seven")
    _pull(fake, 6, GREEN, H7, head_ref="seven-closed", state="closed")
    by_head = WorkflowRunEvent((), H7, "acme", "seven")
    assert pulls_of_run(forge, REPO, by_head) == (7,)
    fake.add_commit(REPO, "d" * 40)  # a head no pull request has: found by its branch
    by_branch = WorkflowRunEvent((), "d" * 40, "acme", "seven")
    assert pulls_of_run(forge, REPO, by_branch) == (7,)
    assert pulls_of_run(forge, REPO, WorkflowRunEvent((), None, None, None)) == ()
