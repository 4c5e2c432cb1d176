"""Authority as GitHub shows it: evaluate_live() against the strict test double, which
serves permissions, commits, approval records and check runs as GitHub's OpenAPI
description says they look."""

from __future__ import annotations

import pytest

from gatekeeper.forge.github import GitHubForge
from gatekeeper.live.evaluation import evaluate_live
from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO, RECORDS = "acme/widgets", "acme/approvals"
BASE, HEAD, OLD = "b" * 40, "c" * 40, "e" * 40
POLICY = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
          "authority:\n  require_escalation_approval: true\n")
RECORD_POLICY = POLICY + "  approval_records: {repository: acme/approvals, label: approved}\n"
RED_BODY = complete_body("RED", escalation_reviewer="@carol", approval_reference="APR-31")


def _seed(fake: FakeGitHub, body: str = RED_BODY, policy: str = POLICY,
          author: str = "bob", head_ref: str = "feature", author_type: str = "User") -> None:
    fake.add_repo(REPO)
    fake.add_pull(REPO, 7, title="t", body=body, author=author, author_type=author_type,
                  head_sha=HEAD, base_sha=BASE, head_ref=head_ref, files=["src/auth/a.py"])
    fake.set_file(REPO, ".github/gatekeeper.yml", BASE, policy)
    fake.set_permission(REPO, "carol", "maintain")


def _codes(fake: FakeGitHub) -> list[str]:
    client = GitHubForge(DEFAULT_TOKEN, fake.base_url, retries=1, backoff=0.01)
    decision = evaluate_live(client, REPO, 7, policy_path=".github/gatekeeper.yml",
                             evaluated_at="2026-11-21T00:00:00Z").decision
    fake.assert_no_violations()
    assert decision.outcome != "pending", "the live evaluation never leaves anything pending"
    return [r.code for r in decision.reasons]


def test_an_eligible_maintainers_approval_passes(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    assert _codes(github_double) == []


def test_a_sock_puppet_approval_blocks(github_double: FakeGitHub) -> None:
    # The author names an account they control; GitHub says it can only read.
    _seed(github_double, body=RED_BODY.replace("@carol", "@bobs-other-account"))
    github_double.add_review(REPO, 7, "bobs-other-account", "APPROVED", HEAD)
    assert _codes(github_double) == ["GK304"]


def test_an_approver_who_pushed_a_commit_blocks(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.set_commits(REPO, 7, [{"author": "bob"}, {"author": "carol"}])
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    assert _codes(github_double) == ["GK307"]


def test_self_approval_by_the_author_blocks(github_double: FakeGitHub) -> None:
    _seed(github_double, body=RED_BODY.replace("@carol", "@bob"))
    github_double.set_permission(REPO, "bob", "admin")
    github_double.add_review(REPO, 7, "bob", "APPROVED", HEAD)
    assert _codes(github_double) == ["GK306"]


def test_a_bot_approval_blocks(github_double: FakeGitHub) -> None:
    _seed(github_double, body=RED_BODY.replace("@carol", "@acme/security"))
    github_double.add_team_member("acme", "security", "approver-app[bot]")
    github_double.set_permission(REPO, "approver-app[bot]", "write")
    github_double.add_review(REPO, 7, "approver-app[bot]", "APPROVED", HEAD, user_type="Bot")
    assert _codes(github_double) == ["GK305"]


def test_a_stale_approval_blocks(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.add_commit(REPO, OLD)
    github_double.add_review(REPO, 7, "carol", "APPROVED", OLD)
    assert _codes(github_double) == ["GK302"]


# --- origin ---------------------------------------------------------------------------------

GREEN_HUMAN = complete_body()


def _seed_green(fake: FakeGitHub, body: str = GREEN_HUMAN, **kwargs: str) -> None:
    fake.add_repo(REPO)
    fake.add_pull(REPO, 7, title="t", body=body, head_sha=HEAD, base_sha=BASE,
                  files=["src/app.py"], **kwargs)
    fake.set_file(REPO, ".github/gatekeeper.yml", BASE, POLICY)


def test_an_ai_co_author_trailer_declared_human_blocks(github_double: FakeGitHub) -> None:
    _seed_green(github_double, author="bob")
    github_double.set_commits(REPO, 7, [
        {"author": "bob", "message": "Add x\n\nCo-authored-by: Claude <noreply@anthropic.com>"}])
    assert _codes(github_double) == ["GK204"]


def test_the_same_commit_declared_ai_assisted_passes(github_double: FakeGitHub) -> None:
    _seed_green(github_double, body=complete_body(change_origin="ai-assisted"), author="bob")
    github_double.set_commits(REPO, 7, [
        {"author": "bob", "message": "Add x\n\nCo-authored-by: Claude <noreply@anthropic.com>"}])
    assert _codes(github_double) == []


def test_a_pr_by_an_agents_bot_account_declared_human_blocks(github_double: FakeGitHub) -> None:
    _seed_green(github_double, author="copilot-swe-agent[bot]", author_type="Bot",
                head_ref="copilot/fix-12")
    github_double.set_permission(REPO, "bob", "write")
    assert _codes(github_double) == ["GK204"]


def test_an_agents_pr_with_a_human_owner_with_write_access_passes(
    github_double: FakeGitHub,
) -> None:
    _seed_green(github_double, body=complete_body(change_origin="agent"),
                author="copilot-swe-agent[bot]", author_type="Bot")
    github_double.set_permission(REPO, "bob", "write")
    assert _codes(github_double) == []
    github_double.set_permission(REPO, "bob", "read")
    assert _codes(github_double) == ["GK313"]


def _seed_exempt(fake: FakeGitHub) -> None:
    """A lockfile bump by Dependabot, under a policy that exempts exactly that."""
    policy = ("version: 1\nexemptions:\n  - name: lockfiles\n    authors: ['dependabot[bot]']\n"
              "    paths: [package-lock.json]\n")
    fake.add_repo(REPO)
    fake.add_pull(REPO, 7, title="Bump", body="Bumps lodash.", author="dependabot[bot]",
                  author_type="Bot", head_sha=HEAD, base_sha=BASE, files=["package-lock.json"])
    fake.set_file(REPO, ".github/gatekeeper.yml", BASE, policy)


def test_an_exempt_bots_branch_with_someone_elses_commit_is_judged(
    github_double: FakeGitHub,
) -> None:
    _seed_exempt(github_double)
    github_double.set_commits(REPO, 7, [{"author": "dependabot[bot]", "committer": "web-flow"}])
    assert _codes(github_double) == []
    github_double.set_commits(REPO, 7, [{"author": "dependabot[bot]"},
                                        {"author": "mallory"}])
    assert "GK101" in _codes(github_double)


# --- approval records -----------------------------------------------------------------------

def _seed_record(fake: FakeGitHub, *, body: str | None = None, labeller: str = "dana",
                 label: bool = True) -> None:
    _seed(fake, policy=RECORD_POLICY)
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    fake.add_repo(RECORDS)
    fake.add_issue(RECORDS, 31, title="Security sign-off",
                   body=body if body is not None else f"Approves {REPO}#7 after review.")
    fake.set_permission(RECORDS, "dana", "write")
    if label:
        fake.label_issue(RECORDS, 31, "approved", labeller)


def test_a_labelled_record_that_names_the_pr_passes(github_double: FakeGitHub) -> None:
    _seed_record(github_double)
    assert _codes(github_double) == []


def test_a_reference_without_a_record_blocks(github_double: FakeGitHub) -> None:
    _seed(github_double, policy=RECORD_POLICY)
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    github_double.add_repo(RECORDS)
    assert _codes(github_double) == ["GK308"]


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"label": False}, "GK309"),
    ({"body": "Approves acme/widgets#70."}, "GK310"),  # another pull request
    ({"labeller": "bob"}, "GK311"),  # the author labelled their own record
    ({"labeller": "eve"}, "GK311"),  # eve can only read the approvals repository
])
def test_a_record_that_does_not_authorise_blocks(kwargs: dict[str, object], code: str,
                                                 github_double: FakeGitHub) -> None:
    _seed_record(github_double, **kwargs)  # type: ignore[arg-type]
    assert _codes(github_double) == [code]


def test_a_label_removed_after_approval_no_longer_counts(github_double: FakeGitHub) -> None:
    _seed_record(github_double)
    github_double.unlabel_issue(RECORDS, 31, "approved", "dana")
    assert _codes(github_double) == ["GK309"]


def test_required_checks_come_from_the_head_commit(github_double: FakeGitHub) -> None:
    policy = POLICY + "test_evidence:\n  require_checks: [tests]\n"
    _seed_green(github_double)
    github_double.set_file(REPO, ".github/gatekeeper.yml", BASE, policy)
    assert _codes(github_double) == ["GK108"]
    github_double.add_check_run(REPO, HEAD, "tests", "completed", "failure")
    assert _codes(github_double) == ["GK108"]
    github_double.add_check_run(REPO, HEAD, "tests", "completed", "success")
    assert _codes(github_double) == []


def test_a_failing_permission_read_blocks_with_gk904(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    github_double.fail("GET", r"/collaborators/carol/permission", status=502, times=10)
    assert _codes(github_double) == ["GK904"]


# --- found in review ------------------------------------------------------------------------

def test_a_custom_role_counts_by_the_base_permission_github_reports(
    github_double: FakeGitHub,
) -> None:
    _seed(github_double)
    github_double.set_permission(REPO, "carol", "security-reviewer", base="write")
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    assert _codes(github_double) == []
    github_double.set_permission(REPO, "carol", "auditor", base="read")
    assert _codes(github_double) == ["GK304"]


def test_an_approvals_repository_the_token_cannot_see_blocks_as_unread(
    github_double: FakeGitHub,
) -> None:
    # Not "no such record": GitHub did not answer, so the check could not be made.
    _seed_record(github_double)
    github_double.hide_repository(RECORDS)
    client = GitHubForge(DEFAULT_TOKEN, github_double.base_url, retries=1, backoff=0.01)
    decision = evaluate_live(client, REPO, 7, policy_path=".github/gatekeeper.yml",
                             evaluated_at="2026-11-21T00:00:00Z").decision
    [reason] = decision.reasons
    assert reason.code == "GK904" and "cannot see this repository" in reason.message


def test_a_record_naming_the_pr_only_in_a_hidden_comment_blocks(
    github_double: FakeGitHub,
) -> None:
    _seed_record(github_double, body=f"Approves {REPO}#5.\n<!-- {REPO}#7 -->")
    assert _codes(github_double) == ["GK310"]


def test_an_exemption_with_a_commit_typed_in_the_bots_name_is_judged(
    github_double: FakeGitHub,
) -> None:
    _seed_exempt(github_double)
    github_double.set_commits(REPO, 7, [
        {"author": "dependabot[bot]", "committer": "web-flow"},
        {"author": None, "committer": None, "author_name": "dependabot[bot]",
         "author_email": "dependabot[bot]@users.noreply.github.com",
         "committer_name": "GitHub", "committer_email": "noreply@github.com",
         "message": "pin lodash to a fork"}])
    assert "GK101" in _codes(github_double)
