"""evaluate_live() and `gatekeeper validate --pr` against the GitHub test double."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper.forge.github import GitHubForge
from gatekeeper.live.evaluation import evaluate_live
from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double, github_double_ghes

__all__ = ["github_double", "github_double_ghes"]

REPO = "acme/widgets"
BASE, HEAD, OLD_HEAD = "b" * 40, "c" * 40, "e" * 40
RED_BODY = complete_body("RED", change_origin="agent", approval_reference="SEC-12")
AUTHORITY_POLICY = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
                    "authority:\n  require_escalation_approval: true\n")


def _seed(fake: FakeGitHub, body: str = RED_BODY, files: tuple[str, ...] = ("src/auth/a.py",),
          policy: str | None = AUTHORITY_POLICY, author: str = "bob") -> None:
    fake.add_repo(REPO)
    fake.add_pull(REPO, 7, title="t", body=body, author=author, head_sha=HEAD, base_sha=BASE,
                  files=list(files))
    if policy is not None:
        fake.set_file(REPO, ".github/gatekeeper.yml", BASE, policy)
    # The owner of this agent's change and the reviewers can write; GitHub is asked.
    for login in ("bob", "carol", "mallory"):
        fake.set_permission(REPO, login, "write")


def _decide(fake: FakeGitHub) -> list[str]:
    client = GitHubForge(DEFAULT_TOKEN, fake.base_url, retries=1, backoff=0.01)
    result = evaluate_live(client, REPO, 7, policy_path=".github/gatekeeper.yml",
                           evaluated_at="2026-11-21T00:00:00Z")
    return [r.code for r in result.decision.reasons]


def test_team_member_approval_on_the_head_passes(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.add_team_member("acme", "security", "carol")
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    assert _decide(github_double) == []


def test_claimed_approval_github_does_not_show_blocks(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.add_team_member("acme", "security", "carol")
    github_double.add_review(REPO, 7, "carol", "COMMENTED", HEAD)
    github_double.add_review(REPO, 7, "mallory", "APPROVED", HEAD)  # not in the team
    assert _decide(github_double) == ["GK301"]


def test_approval_of_an_older_commit_blocks(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.add_commit(REPO, OLD_HEAD)
    github_double.add_team_member("acme", "security", "carol")
    github_double.add_review(REPO, 7, "carol", "APPROVED", OLD_HEAD)
    assert _decide(github_double) == ["GK302"]


def test_changes_requested_after_approval_withdraws_it(github_double: FakeGitHub) -> None:
    _seed(github_double, body=RED_BODY.replace("@acme/security", "@carol"))
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    github_double.add_review(REPO, 7, "carol", "CHANGES_REQUESTED", HEAD)
    assert _decide(github_double) == ["GK301"]


def test_a_failing_membership_read_blocks_with_gk904(github_double: FakeGitHub) -> None:
    _seed(github_double)
    github_double.add_team_member("acme", "security", "carol")
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    github_double.fail("GET", r"/teams/security/memberships/", status=502)
    assert _decide(github_double) == ["GK904"]


def test_a_team_the_token_cannot_read_says_so_and_how_to_fix_it(
    github_double: FakeGitHub,
) -> None:
    _seed(github_double)
    github_double.add_team_member("acme", "security", "carol")
    github_double.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    github_double.deny_team_reads(403)  # what the workflow's GITHUB_TOKEN gets
    client = GitHubForge(DEFAULT_TOKEN, github_double.base_url, retries=1, backoff=0.01)
    decision = evaluate_live(client, REPO, 7, policy_path=".github/gatekeeper.yml",
                             evaluated_at="2026-11-21T00:00:00Z").decision
    [reason] = decision.reasons
    assert reason.code == "GK916" and "HTTP 403" in reason.message
    assert "GitHub App token" in reason.fix and "escalation_reviewers" in reason.fix


def test_exemption_applies_to_a_bot_and_is_reported(github_double: FakeGitHub) -> None:
    policy = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\nexemptions:\n"
              "  - name: lockfile bumps\n    authors: ['dependabot[bot]']\n"
              "    paths: [package-lock.json]\n")
    _seed(github_double, body="Bumps lodash.", files=("package-lock.json",), policy=policy,
          author="dependabot[bot]")
    client = GitHubForge(DEFAULT_TOKEN, github_double.base_url, retries=1, backoff=0.01)
    decision = evaluate_live(client, REPO, 7, policy_path=".github/gatekeeper.yml",
                             evaluated_at="2026-11-21T00:00:00Z").decision
    assert not decision.blocked
    assert [(e.name, e.author) for e in decision.exemptions] == [
        ("lockfile bumps", "dependabot[bot]")]


def test_invalid_base_policy_blocks_with_gk901(github_double: FakeGitHub) -> None:
    _seed(github_double, policy="version: 1\nbogus: true\n")
    assert _decide(github_double) == ["GK901"]


def test_missing_base_policy_uses_the_embedded_default(github_double: FakeGitHub) -> None:
    _seed(github_double, policy=None, body=RED_BODY.replace("SEC-12", "TBD"))
    # The embedded default requires the escalation approval too (authority on by default).
    assert sorted(_decide(github_double)) == ["GK202", "GK301"]


def test_base_policy_saved_as_yaml_is_read(github_double: FakeGitHub) -> None:
    _seed(github_double, policy=None, files=("docs/a.md",),
          body=RED_BODY.replace("RED", "GREEN"))
    github_double.set_file(REPO, ".github/gatekeeper.yaml", BASE,
                           "version: 1\nclasses:\n  RED:\n    paths: [docs/]\n"
                           "authority:\n  require_escalation_approval: false\n")
    client = GitHubForge(DEFAULT_TOKEN, github_double.base_url, retries=1, backoff=0.01)
    decision = evaluate_live(client, REPO, 7, policy_path=".github/gatekeeper.yml",
                             evaluated_at="2026-11-21T00:00:00Z").decision
    assert [r.code for r in decision.reasons] == ["GK201"]
    assert decision.policy.source == f"{REPO}:.github/gatekeeper.yaml"


def test_base_branch_with_both_policy_files_blocks_naming_both(
    github_double: FakeGitHub,
) -> None:
    _seed(github_double)
    github_double.set_file(REPO, ".github/gatekeeper.yaml", BASE, "version: 1\n")
    client = GitHubForge(DEFAULT_TOKEN, github_double.base_url, retries=1, backoff=0.01)
    decision = evaluate_live(client, REPO, 7, policy_path=".github/gatekeeper.yml",
                             evaluated_at="2026-11-21T00:00:00Z").decision
    assert [r.code for r in decision.reasons] == ["GK901"]
    assert "has both .github/gatekeeper.yml and .github/gatekeeper.yaml" in (
        decision.reasons[0].message)


def test_enterprise_server_api_base(github_double_ghes: FakeGitHub) -> None:
    _seed(github_double_ghes)
    github_double_ghes.add_team_member("acme", "security", "carol")
    github_double_ghes.add_review(REPO, 7, "carol", "APPROVED", HEAD)
    assert "/api/v3" in github_double_ghes.base_url
    assert _decide(github_double_ghes) == []


def _validate_pr(fake: FakeGitHub, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env |= {"GITHUB_TOKEN": DEFAULT_TOKEN, "GITHUB_API_URL": fake.base_url}
    return subprocess.run([sys.executable, "-m", "gatekeeper", "validate", *args],
                          capture_output=True, text=True, env=env, cwd=Path(__file__).parent,
                          check=False, timeout=120)


def test_validate_pr_reproduces_the_decision_and_posts_nothing(
    github_double: FakeGitHub,
) -> None:
    _seed(github_double)
    result = _validate_pr(github_double, "--pr", f"{REPO}#7")
    assert result.returncode == 1, result.stderr
    assert f"{REPO}#7:11: GK301 no approving review from a member of @acme/security" in (
        result.stdout)
    assert "Traceback" not in result.stderr
    # Reads only: REST GETs and GraphQL queries (a POST that writes nothing).
    assert {r.method for r in github_double.requests if r.path != "/graphql"} == {"GET"}


@pytest.mark.parametrize("extra", [("body.md", "src/a.py"), ("--diff", "main...HEAD"),
                                   ("--policy", "p.yml")])
def test_validate_pr_refuses_local_paths_and_policy(github_double: FakeGitHub,
                                                    extra: tuple[str, ...]) -> None:
    result = _validate_pr(github_double, *extra, "--pr", f"{REPO}#7")
    assert result.returncode == 2
    assert result.stderr.startswith("gatekeeper: error: --pr takes the files, reviews and "
                                    "policy from GitHub")


@pytest.mark.parametrize("reference", ["acme/widgets", "acme#7", "acme/widgets#x",
                                       "https://github.com/acme/widgets/issues/7"])
def test_validate_pr_rejects_a_malformed_reference(github_double: FakeGitHub,
                                                    reference: str) -> None:
    result = _validate_pr(github_double, "--pr", reference)
    assert result.returncode == 2
    assert "--pr takes a pull request URL, OWNER/REPO#N, #N or N" in result.stderr
    assert github_double.requests == []
