"""`gatekeeper doctor --org`: which repositories of an organisation are gated, from batched
GraphQL (each query executed against GitHub's schema by the double); exit 1 when any is
not, 2 when the organisation cannot be read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper import formats
from gatekeeper.commands.doctor.org import DoctorOrgOptions, diagnose_org
from gatekeeper.commands.doctor.org_judge import Unreadable, judge_repository
from gatekeeper.forge.github import GitHubForge
from gatekeeper.forge.github.org import PAGE
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

HEAD = "c" * 40
GATE_WORKFLOW = {"type": "workflows", "parameters": {"workflows": [
    {"path": ".github/workflows/gatekeeper.yml", "repository_id": 1, "sha": "d" * 40}]}}
PULL_REQUEST = {"type": "pull_request", "parameters": {
    "required_approving_review_count": 1, "dismiss_stale_reviews_on_push": True,
    "require_code_owner_review": False, "require_last_push_approval": False,
    "required_review_thread_resolution": False}}


def _organisation(fake: FakeGitHub) -> None:
    for name in ("acme/app-one", "acme/app-two", "acme/legacy", "acme/mirror", "acme/policy"):
        fake.add_repo(name)
    fake.add_org_ruleset("acme", "gatekeeper", rules=[GATE_WORKFLOW, PULL_REQUEST],
                         repositories=("app-*",),
                         bypass_actors=[{"actor_id": 1, "actor_type": "OrganizationAdmin",
                                         "bypass_mode": "pull_request"}])
    # A ruleset in evaluate mode enforces nothing: the policy repository stays ungated.
    fake.add_org_ruleset("acme", "evaluate only", rules=[GATE_WORKFLOW], enforcement="evaluate")
    fake.set_file("acme/app-one", ".github/gatekeeper.yml", "main", "version: 1\n")
    fake.add_pull("acme/app-one", 1, title="t", body="b", head_sha=HEAD, base_sha="b" * 40,
                  state="closed", merged_at="2026-11-20T10:00:00Z")
    fake.add_check_run("acme/app-one", HEAD, "gatekeeper")
    fake.set_repo_flags("acme/legacy", archived=True)
    fake.set_repo_flags("acme/mirror", fork=True)
    fake.set_branch_protection("acme/mirror", "main", FakeGitHub.protection(("gatekeeper",)))


def _diagnose(fake: FakeGitHub, **options: object) -> object:
    client = GitHubForge(DEFAULT_TOKEN, fake.base_url, retries=1, backoff=0.01)
    return diagnose_org(client, DoctorOrgOptions(org="acme", **options),  # type: ignore[arg-type]
                        graphql_url=fake.graphql_url)


def test_each_repository_is_judged_and_the_count_ends_it(github_double: FakeGitHub) -> None:
    _organisation(github_double)
    verdict = _diagnose(github_double, central=True)
    by_name = {r.name: r for r in verdict.repositories}  # type: ignore[attr-defined]
    one = by_name["acme/app-one"]
    assert one.enforced and one.pull_request_required and one.dismiss_stale
    assert one.required_by == ("organisation ruleset 'gatekeeper' (workflows)",)
    assert one.bypass == ("organisation admins (pull_request) on organisation ruleset "
                          "'gatekeeper'",)
    assert one.policy == "central policy, tightened by the repository's"
    assert one.ran_recently is True
    two = by_name["acme/app-two"]
    assert two.enforced  # app-* covers it too
    assert two.policy == "central policy" and two.ran_recently is None
    assert by_name["acme/legacy"].archived
    mirror = by_name["acme/mirror"]
    assert mirror.fork and mirror.enforced
    assert mirror.required_by == ("branch protection (required status check)",)
    policy = by_name["acme/policy"]
    assert not policy.enforced
    assert policy.problems == ("no active rule on main requires the Gatekeeper workflow or "
                               "check", "no active rule on main requires a pull request")
    assert verdict.summary() == "3 of 4 repositories enforced"  # type: ignore[attr-defined]
    assert verdict.queries == 1  # type: ignore[attr-defined]
    text = formats.DOCTOR_ORG.renderer("text")(verdict)  # type: ignore[arg-type]
    assert "  SKIP  acme/legacy (archived)" in text and "  FAIL  acme/policy" in text
    assert "  PASS  acme/mirror (fork), branch main" in text
    assert text.endswith("3 of 4 repositories enforced (1 GraphQL queries).\n")


def test_a_policy_file_without_a_central_policy_is_the_repositorys_own(
    github_double: FakeGitHub,
) -> None:
    _organisation(github_double)
    by_name = {r.name: r for r in _diagnose(github_double).repositories}  # type: ignore[attr-defined]
    assert by_name["acme/app-one"].policy == "the repository's own policy"
    assert by_name["acme/app-two"].policy == "the embedded default"


def test_a_gate_that_never_ran_on_merged_pull_requests_is_reported(
    github_double: FakeGitHub,
) -> None:
    _organisation(github_double)
    github_double.add_pull("acme/app-two", 3, title="t", body="b", head_sha="e" * 40,
                           base_sha="b" * 40, state="closed", merged_at="2026-11-20T10:00:00Z")
    github_double.add_check_run("acme/app-two", "e" * 40, "lint")
    verdict = _diagnose(github_double)
    two = next(r for r in verdict.repositories if r.name == "acme/app-two")  # type: ignore[attr-defined]
    assert two.ran_recently is False


def test_many_repositories_take_one_query_per_page(github_double: FakeGitHub) -> None:
    for index in range(2 * PAGE + 3):
        github_double.add_repo(f"acme/r{index:03d}")
    github_double.add_org_ruleset("acme", "gate", rules=[GATE_WORKFLOW])
    verdict = _diagnose(github_double)
    assert verdict.queries == 3  # type: ignore[attr-defined]
    assert github_double.count("POST", r"/graphql") == 3
    assert all(r.enforced for r in verdict.repositories)  # type: ignore[attr-defined]


def test_truncated_rules_are_unreadable_never_a_pass() -> None:
    node = {"nameWithOwner": "acme/a", "defaultBranchRef": {
        "name": "main", "rules": {"totalCount": 80, "nodes": [GATE_WORKFLOW]}}}
    with pytest.raises(Unreadable, match="80 rules on main, 1 read"):
        judge_repository(node, central=False)


def _doctor(fake: FakeGitHub, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env |= {"GITHUB_TOKEN": DEFAULT_TOKEN, "GITHUB_API_URL": fake.base_url,
            "GITHUB_GRAPHQL_URL": fake.graphql_url}
    return subprocess.run([sys.executable, "-m", "gatekeeper", "doctor", *args],
                          capture_output=True, text=True, env=env, cwd=Path(__file__).parent,
                          check=False, timeout=120)


def test_doctor_org_exits_1_when_any_repository_is_not_enforced(
    github_double: FakeGitHub,
) -> None:
    _organisation(github_double)
    result = _doctor(github_double, "--org", "acme", "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert (data["enforced"], data["repositories_counted"], data["ok"]) == (3, 4, False)
    assert {r["repository"] for r in data["repositories"] if not r["enforced"]} == {
        "acme/legacy", "acme/policy"}


def test_doctor_org_exits_0_when_every_repository_is_enforced(
    github_double: FakeGitHub,
) -> None:
    github_double.add_repo("acme/only")
    github_double.add_org_ruleset("acme", "gate", rules=[GATE_WORKFLOW])
    result = _doctor(github_double, "--org", "acme")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("1 of 1 repositories enforced (1 GraphQL queries).\n")


def test_doctor_org_exits_2_when_it_cannot_read(github_double: FakeGitHub) -> None:
    _organisation(github_double)
    github_double.fail("POST", r"/graphql", status=401)
    result = _doctor(github_double, "--org", "acme")
    assert result.returncode == 2
    assert "cannot read the organisation acme" in result.stderr
    unknown = _doctor(github_double, "--org", "nobody")
    assert unknown.returncode == 2


def test_doctor_org_usage(github_double: FakeGitHub) -> None:
    assert _doctor(github_double).returncode == 2
    assert _doctor(github_double, "--org", "acme", "--repo", "acme/a").returncode == 2
    assert _doctor(github_double, "--org", "acme", "--branch", "x").returncode == 2
    assert _doctor(github_double, "--repo", "acme/a", "--org-policy", "acme/p").returncode == 2

