"""Authority end to end: the real action under act, against the GitHub test double.

A sock-puppet approval blocks and an eligible maintainer's passes; an AI co-author trailer
declared human blocks and passes declared ai-assisted; a pull request by an agent's bot
account declared human blocks; an approval reference resolves to a labelled record that
names the pull request, or blocks.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_action_e2e import (
    BASE_SHA,
    CONTRACT,
    ESCALATION,
    HEAD_SHA,
    RED_FILES,
    REPO,
    _codes,
    _run,
    act_cache,
    fake,
)
from tests.support.github_double import FakeGitHub

__all__ = ["act_cache", "fake"]

BODY = (CONTRACT + ESCALATION).replace("@acme/security", "@carol")
RECORDS_POLICY = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
                  "authority:\n  approval_records: {repository: acme/approvals, "
                  "label: approved}\n")


def _pull(fake: FakeGitHub, body: str, *, author: str = "bob", author_type: str = "User",
          files: list[str] | None = None, head_ref: str = "feature") -> None:
    fake.add_pull(REPO, 7, title="Rate-limit login", body=body, author=author,
                  author_type=author_type, head_sha=HEAD_SHA, base_sha=BASE_SHA,
                  head_ref=head_ref, files=files or RED_FILES)


def test_a_sock_puppet_blocks_and_an_eligible_maintainer_passes(
    fake: FakeGitHub, act_cache: Path,
) -> None:
    _pull(fake, BODY)
    fake.set_permission(REPO, "carol", "read")  # the author's second account
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD_SHA)
    blocked = _run(fake, act_cache, "pull_request", "opened")
    assert not blocked.ok and _codes(blocked) == ["GK304"], blocked.describe()
    assert any("has read access" in a.message for a in blocked.errors())

    fake.set_permission(REPO, "carol", "maintain")
    passed = _run(fake, act_cache, "pull_request_review", "submitted")
    assert passed.ok and passed.errors() == [], passed.describe()


def test_an_ai_co_author_declared_human_blocks_and_passes_as_ai_assisted(
    fake: FakeGitHub, act_cache: Path,
) -> None:
    human = CONTRACT.replace("RED", "GREEN").replace("ai-assisted", "human")
    _pull(fake, human, files=["src/ui/view.py"])
    fake.set_commits(REPO, 7, [{"author": "bob", "message":
                                "Add view\n\nCo-authored-by: Claude <noreply@anthropic.com>"}])
    blocked = _run(fake, act_cache, "pull_request", "opened")
    assert not blocked.ok and _codes(blocked) == ["GK204"], blocked.describe()
    assert any("Co-authored-by: Claude" in a.message for a in blocked.errors())

    fake.update_pull(REPO, 7, body=human.replace("human", "ai-assisted"))
    passed = _run(fake, act_cache, "pull_request", "edited")
    assert passed.ok, passed.describe()


def test_a_pr_by_an_agents_bot_account_declared_human_blocks(
    fake: FakeGitHub, act_cache: Path,
) -> None:
    human = CONTRACT.replace("RED", "GREEN").replace("ai-assisted", "human")
    _pull(fake, human, author="copilot-swe-agent[bot]", author_type="Bot",
          files=["src/ui/view.py"], head_ref="copilot/fix-login")
    fake.set_permission(REPO, "bob", "write")
    blocked = _run(fake, act_cache, "pull_request", "opened")
    assert not blocked.ok and _codes(blocked) == ["GK204"], blocked.describe()
    assert any("copilot-swe-agent[bot]" in a.message for a in blocked.errors())


def test_an_approval_reference_resolves_to_a_labelled_record_or_blocks(
    fake: FakeGitHub, act_cache: Path,
) -> None:
    fake.set_file(REPO, ".github/gatekeeper.yml", BASE_SHA, RECORDS_POLICY)
    _pull(fake, BODY)
    fake.set_permission(REPO, "carol", "write")
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD_SHA)
    fake.add_repo("acme/approvals")
    missing = _run(fake, act_cache, "pull_request", "opened")
    assert not missing.ok and _codes(missing) == ["GK308"], missing.describe()

    fake.add_issue("acme/approvals", 2291, title="Login rate limit",
                   body=f"Security review of {REPO}#7.")
    fake.set_permission("acme/approvals", "dana", "write")
    fake.label_issue("acme/approvals", 2291, "approved", "dana")
    passed = _run(fake, act_cache, "pull_request", "synchronize")
    assert passed.ok, passed.describe()
