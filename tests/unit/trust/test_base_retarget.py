"""An approval is bound to the diff it saw: retargeting a pull request to another base
keeps its head and changes its diff, so an approval given before the retarget does not
count (GK316). Against the strict GitHub double."""

from __future__ import annotations

from gatekeeper.forge.github import GitHubForge
from gatekeeper.live.evaluation import evaluate_live
from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO = "acme/widgets"
PREP, MAIN, HEAD = "a" * 40, "b" * 40, "c" * 40
POLICY = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
          "authority:\n  require_escalation_approval: true\n")
RED_BODY = complete_body("RED", escalation_reviewer="@carol", approval_reference="APR-31")
OWNER_POLICY = "version: 1\nprovenance:\n  agent_owner_must_approve: true\n"


def _codes(fake: FakeGitHub) -> list[str]:
    client = GitHubForge(DEFAULT_TOKEN, fake.base_url, retries=1, backoff=0.01)
    decision = evaluate_live(client, REPO, 7, policy_path=".github/gatekeeper.yml",
                             evaluated_at="2026-11-21T00:00:00Z").decision
    fake.assert_no_violations()
    return [r.code for r in decision.reasons]


def _seed_retargeted(fake: FakeGitHub) -> None:
    """#7 was opened into ``prep`` (main plus a backdoor) with a harmless diff, approved
    on its head, then retargeted to ``main``: its diff is now the backdoor."""
    fake.add_repo(REPO)
    fake.set_branch(REPO, "main", MAIN)
    fake.set_branch(REPO, "prep", PREP)
    fake.set_file(REPO, ".github/gatekeeper.yml", MAIN, POLICY)
    fake.set_file(REPO, ".github/gatekeeper.yml", PREP, POLICY)
    fake.add_pull(REPO, 7, title="t", body=RED_BODY, author="bob", head_sha=HEAD,
                  base_sha=PREP, base_ref="prep", files=["docs/readme.md"],
                  created_at="2026-11-20T09:00:00Z")
    fake.set_permission(REPO, "carol", "maintain")
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD, submitted_at="2026-11-20T10:00:00Z")
    fake.update_pull(REPO, 7, base_ref="main", base_sha=MAIN, files=["src/auth/backdoor.py"],
                     updated_at="2026-11-20T11:00:00Z")


def test_an_approval_given_before_a_retarget_does_not_count(github_double: FakeGitHub) -> None:
    _seed_retargeted(github_double)
    assert _codes(github_double) == ["GK316"]


def test_an_approval_given_after_the_retarget_counts(github_double: FakeGitHub) -> None:
    _seed_retargeted(github_double)
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD,
                             submitted_at="2026-11-20T12:00:00Z")
    assert _codes(github_double) == []


def test_a_pull_request_never_retargeted_keeps_its_approval(github_double: FakeGitHub) -> None:
    github_double.add_repo(REPO)
    github_double.set_file(REPO, ".github/gatekeeper.yml", MAIN, POLICY)
    github_double.add_pull(REPO, 7, title="t", body=RED_BODY, author="bob", head_sha=HEAD,
                           base_sha=MAIN, files=["src/auth/a.py"])
    github_double.set_permission(REPO, "carol", "maintain")
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    assert _codes(github_double) == []


def test_an_agents_owner_approval_before_a_retarget_does_not_count(
    github_double: FakeGitHub,
) -> None:
    github_double.add_repo(REPO)
    github_double.set_branch(REPO, "main", MAIN)
    github_double.set_file(REPO, ".github/gatekeeper.yml", MAIN, OWNER_POLICY)
    github_double.add_pull(REPO, 7, title="t", body=complete_body(change_origin="agent"),
                           author="copilot-swe-agent[bot]", author_type="Bot", head_sha=HEAD,
                           base_sha=PREP, base_ref="prep", files=["src/app.py"])
    github_double.set_permission(REPO, "bob", "write")
    github_double.add_review(REPO, 7, "bob", "APPROVED", HEAD,
                             submitted_at="2026-11-20T10:00:00Z")
    assert _codes(github_double) == []
    github_double.update_pull(REPO, 7, base_ref="main", base_sha=MAIN,
                              updated_at="2026-11-20T11:00:00Z")
    assert _codes(github_double) == ["GK316"]
