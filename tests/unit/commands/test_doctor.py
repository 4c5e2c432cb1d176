"""`gatekeeper doctor` against the GitHub test double (tests/support/github_double/).

Each test seeds a repository in ``FakeGitHub`` and runs the real command in a separate
process with ``GITHUB_API_URL`` pointing at the double, as a user would run it.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from gatekeeper.commands.doctor import check_workflow
from gatekeeper.commands.init import policy_text, workflow_text
from gatekeeper.constants import GITHUB_ACTIONS_APP_ID, POLICY_PATH, WORKFLOW_PATH
from gatekeeper.forge import FileFacts, RulesFacts
from gatekeeper.forge.github.settings import rule_facts
from tests.support.fixtures import REPO_ROOT
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double, github_double_ghes

__all__ = ["github_double", "github_double_ghes"]  # the fixtures, used by name

Cli = Callable[..., subprocess.CompletedProcess[str]]
REPO = "acme/widgets"
ROOT = REPO_ROOT
HARDENED = (ROOT / "docs" / "examples" / "gatekeeper-hardened.yml").read_text(encoding="utf-8")
ACTIONS = GITHUB_ACTIONS_APP_ID
CODEOWNERS = "# maintainers own the gate\n* @acme/devs\n/.github/ @acme/maintainers\n"
PULL_REQUEST_RULE = {"type": "pull_request", "parameters": {
    "dismiss_stale_reviews_on_push": True, "require_code_owner_review": True,
    "require_last_push_approval": False, "required_approving_review_count": 0,
    "required_review_thread_resolution": False,
}}


def _seed(fake: FakeGitHub, *, branch: str = "main", policy: str | None = None,
          workflow: str | None = None, codeowners: str | None = CODEOWNERS) -> None:
    fake.add_repo(REPO, default_branch=branch)
    fake.set_file(REPO, POLICY_PATH, branch, policy_text() if policy is None else policy)
    fake.set_file(REPO, WORKFLOW_PATH, branch, workflow_text() if workflow is None else workflow)
    if codeowners is not None:
        fake.set_file(REPO, ".github/CODEOWNERS", branch, codeowners)


def _protected(contexts: tuple[str, ...] = ("Gatekeeper Enforcement / gatekeeper",),
               **settings: Any) -> dict[str, Any]:
    """Protection as doctor wants it: the check pinned to GitHub Actions, code owner
    review, administrators included."""
    chosen: dict[str, Any] = {"app_id": ACTIONS, "code_owners": True, "enforce_admins": True}
    return FakeGitHub.protection(contexts, **{**chosen, **settings})


def _doctor(cli: Cli, fake: FakeGitHub, *args: str) -> subprocess.CompletedProcess[str]:
    return cli("doctor", "--repo", REPO, *args,
               env={"GITHUB_API_URL": fake.base_url, "GITHUB_TOKEN": DEFAULT_TOKEN})


def _line(output: str, check: str) -> str:
    found = [line for line in output.splitlines()
             if re.match(rf"  (PASS|WARN|FAIL|UNREAD)  {check}\b", line)]
    assert len(found) == 1, output
    return found[0]


def _assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout


# --- The four checks on a well set-up repository -----------------------------------------


@pytest.mark.parametrize("context", ["Gatekeeper Enforcement / gatekeeper", "gatekeeper"])
def test_protected_branch_requiring_the_check_passes(
    github_double: FakeGitHub, gatekeeper_cli: Cli, context: str,
) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected((context, "lint")))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"gatekeeper doctor: {REPO}, branch main\n")
    assert f'PASS  required check  branch protection on main requires "{context}", pinned ' \
        "to GitHub Actions" in result.stdout
    assert "PASS  pull requests" in result.stdout
    assert "1 approving review" in _line(result.stdout, "pull requests")
    assert f"PASS  policy          {POLICY_PATH} on main is valid" in result.stdout
    assert "PASS  workflow" in result.stdout
    assert "FAIL" not in result.stdout
    assert "PASS  bypass          nobody may bypass the rules on main" in result.stdout
    assert "PASS  code owners     .github/CODEOWNERS on main gives the policy and the " \
        "workflows owners" in result.stdout
    assert result.stdout.rstrip().endswith("All 7 checks pass: GitHub enforces Gatekeeper on main.")
    _assert_clean(result)


def test_default_branch_comes_from_the_repository(github_double: FakeGitHub,
                                                  gatekeeper_cli: Cli) -> None:
    _seed(github_double, branch="trunk")
    github_double.set_branch_protection(REPO, "trunk", _protected())

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "branch trunk" in result.stdout.splitlines()[0]
    paths = [(r.method, r.path) for r in github_double.requests]
    assert ("GET", f"/repos/{REPO}") in paths
    assert ("GET", f"/repos/{REPO}/branches/trunk/protection") in paths


def test_branch_option_skips_the_repository_lookup(github_double: FakeGitHub,
                                                   gatekeeper_cli: Cli) -> None:
    _seed(github_double, branch="main")
    github_double.set_file(REPO, POLICY_PATH, "release", policy_text())
    github_double.set_file(REPO, WORKFLOW_PATH, "release", workflow_text())
    github_double.set_file(REPO, ".github/CODEOWNERS", "release", CODEOWNERS)
    github_double.set_branch_protection(REPO, "release", _protected())

    result = _doctor(gatekeeper_cli, github_double, "--branch", "release")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "branch release" in result.stdout.splitlines()[0]
    assert ("GET", f"/repos/{REPO}") not in [(r.method, r.path) for r in github_double.requests]


# --- Branch protection and rulesets -----------------------------------------------------


def test_branch_without_protection_fails(github_double: FakeGitHub, gatekeeper_cli: Cli) -> None:
    _seed(github_double)

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1, result.stdout + result.stderr
    required = _line(result.stdout, "required check")
    assert required.startswith("  FAIL")
    assert "main has no branch protection; no ruleset requires it" in required
    pulls = _line(result.stdout, "pull requests")
    assert "nothing requires a pull request on main" in pulls
    # Every failure says how to fix it, on the line below.
    assert re.search(r'FAIL  required check .*\n        fix: require the status check '
                     r'"gatekeeper" on main', result.stdout)
    assert re.search(r"FAIL  pull requests .*\n        fix: turn on \"Require a pull request",
                     result.stdout)
    assert "PASS  policy" in result.stdout and "PASS  workflow" in result.stdout
    assert "PASS  policy" in result.stdout and "PASS  workflow" in result.stdout
    assert "4 of 7 checks failed" in result.stdout
    _assert_clean(result)


def test_protection_requiring_other_checks_only_fails(github_double: FakeGitHub,
                                                      gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main",
                                        _protected(("ci / build", "lint")))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    required = _line(result.stdout, "required check")
    assert required.startswith("  FAIL")
    assert 'branch protection requires "ci / build", "lint" but not "gatekeeper"' in required
    assert _line(result.stdout, "pull requests").startswith("  PASS")


def test_protection_without_pull_request_reviews_fails_that_check(
    github_double: FakeGitHub, gatekeeper_cli: Cli,
) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected(approvals=None))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    assert _line(result.stdout, "required check").startswith("  PASS")
    assert _line(result.stdout, "pull requests").startswith("  FAIL")


def test_a_ruleset_can_require_the_check_and_pull_requests(github_double: FakeGitHub,
                                                          gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    ruleset = github_double.add_ruleset(REPO, "Gatekeeper", required_checks=["gatekeeper"],
                                        rules=[PULL_REQUEST_RULE], integration_id=ACTIONS)

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (f'PASS  required check  ruleset {ruleset} of repository {REPO} on main requires '
            '"gatekeeper", pinned to GitHub Actions') in result.stdout
    assert f"PASS  pull requests   ruleset {ruleset} of repository {REPO} requires a pull " \
           "request on main" in result.stdout


def test_a_ruleset_for_other_checks_or_branches_does_not_count(
    github_double: FakeGitHub, gatekeeper_cli: Cli,
) -> None:
    _seed(github_double)
    github_double.add_ruleset(REPO, "CI", required_checks=["build"])
    github_double.add_ruleset(REPO, "Releases", required_checks=["gatekeeper"],
                              rules=[PULL_REQUEST_RULE], include=["release/*"])
    github_double.add_ruleset(REPO, "Draft", required_checks=["gatekeeper"],
                              enforcement="evaluate")

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    required = _line(result.stdout, "required check")
    assert 'rulesets require "build" only' in required
    assert _line(result.stdout, "pull requests").startswith("  FAIL")


def test_forbidden_protection_gives_a_clear_line_not_a_crash(github_double: FakeGitHub,
                                                            gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected())
    github_double.fail("GET", r"/branches/main/protection$", status=403)

    result = _doctor(gatekeeper_cli, github_double)

    # Not read is not a verdict: nothing it could not read passes, and doctor exits 2.
    assert result.returncode == 2, result.stdout + result.stderr
    required = _line(result.stdout, "required check")
    assert required.startswith("  UNREAD")
    assert _line(result.stdout, "bypass").startswith("  UNREAD")
    assert "cannot read branch protection (HTTP 403): the token needs admin read" in required
    assert "cannot read branch protection (HTTP 403)" in _line(result.stdout, "pull requests")
    assert "run doctor with a repository admin's token" in result.stdout
    assert "PASS  policy" in result.stdout and "PASS  workflow" in result.stdout
    assert result.stderr == ""
    _assert_clean(result)


def test_forbidden_protection_is_fine_when_a_ruleset_requires_the_gate(
    github_double: FakeGitHub, gatekeeper_cli: Cli,
) -> None:
    _seed(github_double)
    github_double.add_ruleset(REPO, "Gatekeeper", required_checks=["gatekeeper"],
                              rules=[PULL_REQUEST_RULE], integration_id=ACTIONS)
    github_double.fail("GET", r"/branches/main/protection$", status=403)

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout + result.stderr


def test_unreadable_rulesets_are_reported(github_double: FakeGitHub,
                                          gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.fail("GET", r"/rules/branches/main$", status=500)

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 2
    assert "cannot read the rulesets (" in _line(result.stdout, "required check")
    assert "PASS  bypass" not in result.stdout
    _assert_clean(result)


# --- The policy and the workflow on the branch --------------------------------------------


def test_missing_policy_and_workflow_fail_with_the_init_fix(github_double: FakeGitHub,
                                                           gatekeeper_cli: Cli) -> None:
    github_double.add_repo(REPO)
    github_double.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    assert f"no {POLICY_PATH} on main: the embedded default policy applies" in \
        _line(result.stdout, "policy")
    assert f"no {WORKFLOW_PATH} on main" in _line(result.stdout, "workflow")
    assert result.stdout.count("fix: run `gatekeeper init`") == 2


def test_invalid_policy_fails_naming_the_line(github_double: FakeGitHub,
                                              gatekeeper_cli: Cli) -> None:
    _seed(github_double, policy="version: 1\nclasses:\n  RED:\n    pathz: [src/auth/]\n")
    github_double.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    policy = _line(result.stdout, "policy")
    assert f"{POLICY_PATH} on main is invalid: {POLICY_PATH}@main:" in policy
    assert "pathz" in policy


@pytest.mark.parametrize(("on", "missing"), [
    ("on: [pull_request, pull_request_review, merge_group]",
     "pull_request types edited, ready_for_review"),
    ("on:\n  pull_request:\n    types: [opened, edited, synchronize, reopened, "
     "ready_for_review]\n  merge_group:\n",
     "pull_request_review (submitted, dismissed)"),
    ("on:\n  pull_request:\n    types: [opened, edited, synchronize, reopened, "
     "ready_for_review]\n  pull_request_review:\n    types: [submitted]\n",
     "pull_request_review types dismissed; merge_group (checks_requested)"),
])
def test_workflow_missing_events_fails(github_double: FakeGitHub, gatekeeper_cli: Cli,
                                       on: str, missing: str) -> None:
    workflow = ("name: Gatekeeper Enforcement\n" + on + "\njobs:\n  gatekeeper:\n"
                "    runs-on: ubuntu-latest\n    steps:\n      - uses: ./\n")
    _seed(github_double, workflow=workflow)
    github_double.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    line = _line(result.stdout, "workflow")
    assert f"does not listen to {missing}" in line, line
    assert "gatekeeper init --force" in result.stdout


def test_hardened_workflow_and_its_status_context_pass(github_double: FakeGitHub,
                                                       gatekeeper_cli: Cli) -> None:
    _seed(github_double, workflow=HARDENED)  # status-context: gatekeeper/contract ({branch})
    github_double.set_branch_protection(REPO, "main",
                                        _protected(("gatekeeper/contract (main)",)))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout + result.stderr
    assert '"gatekeeper/contract (main)"' in _line(result.stdout, "required check")
    assert "hardened: pull_request_target" in _line(result.stdout, "workflow")


def test_status_context_option_names_another_accepted_check(github_double: FakeGitHub,
                                                            gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected(("org/contract",)))

    without = _doctor(gatekeeper_cli, github_double)
    with_option = _doctor(gatekeeper_cli, github_double, "--status-context", "org/contract")

    assert without.returncode == 1
    assert with_option.returncode == 0, with_option.stdout


def test_hardened_workflow_that_checks_out_the_pull_request_fails(
    github_double: FakeGitHub, gatekeeper_cli: Cli,
) -> None:
    unsafe = HARDENED.replace(
        "    steps:\n",
        "    steps:\n      - uses: actions/checkout@v4\n        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n",
    )
    _seed(github_double, workflow=unsafe)
    github_double.set_branch_protection(REPO, "main", _protected(("gatekeeper/contract",)))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    assert "checks out the pull request's code under pull_request_target" in \
        _line(result.stdout, "workflow")


# --- Where doctor cannot start ---------------------------------------------------------------


def test_unknown_repository_is_exit_2_with_a_clear_message(github_double: FakeGitHub,
                                                           gatekeeper_cli: Cli) -> None:
    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 2
    assert f"cannot read repository {REPO} (HTTP 404" in result.stderr
    _assert_clean(result)


def test_bad_repo_argument_is_usage_error(gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("doctor", "--repo", "not-a-repo", env={"GITHUB_TOKEN": "x"})

    assert result.returncode == 2
    assert "Invalid value for '--repo': takes OWNER/REPO" in result.stderr


def test_github_enterprise_server_api_url_is_honoured(github_double_ghes: FakeGitHub,
                                                      gatekeeper_cli: Cli) -> None:
    assert github_double_ghes.base_url.endswith("/api/v3")
    _seed(github_double_ghes)
    github_double_ghes.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double_ghes)

    assert result.returncode == 0, result.stdout + result.stderr


# --- The workflow judgement, without a server ----------------------------------------------


def _judge(text: str | FileFacts | None,
           rules: tuple[dict[str, Any], ...] = ()) -> tuple[bool, str]:
    file = text if isinstance(text, FileFacts) else FileFacts(text)
    facts = RulesFacts(tuple(rule_facts(rule) for rule in rules))
    result, _ = check_workflow(file, WORKFLOW_PATH, "main", facts)
    return result.ok, result.detail


def test_the_workflow_init_writes_passes() -> None:
    assert _judge(workflow_text()) == (True, f"{WORKFLOW_PATH} on main listens to every event "
                                             "the gate needs (pull_request, "
                                             "pull_request_review, merge_group)")


def test_hardened_workflow_without_a_status_context_posts_the_branch_context() -> None:
    ok, detail = _judge(HARDENED.replace("        with:\n          status-context: "
                                         "gatekeeper/contract\n", ""))
    assert ok, detail
    assert 'commit status "gatekeeper/contract (main)"' in detail


def test_a_required_workflow_from_an_organisation_ruleset_counts() -> None:
    rule = {"type": "workflows", "ruleset_source_type": "Organization",
            "ruleset_source": "acme", "ruleset_id": 7,
            "parameters": {"workflows": [{"path": ".github/workflows/gatekeeper.yml",
                                          "repository_id": 42, "ref": "refs/tags/v1"}]}}
    ok, detail = _judge(None, (rule,))
    assert ok
    assert "ruleset 7 of organisation acme runs .github/workflows/gatekeeper.yml" in detail


@pytest.mark.parametrize("text", ["{", "just text", "on: 3\njobs: {}\n"])
def test_broken_workflows_fail_without_crashing(text: str) -> None:
    ok, _ = _judge(text)
    assert not ok


def test_unreadable_workflow_fails() -> None:
    ok, detail = _judge(FileFacts(error="cannot read it (HTTP 500)"))
    assert not ok and detail == "cannot read it (HTTP 500)"


def test_a_refused_token_is_named_as_such(github_double: FakeGitHub,
                                          gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    result = gatekeeper_cli("doctor", "--repo", REPO, "--branch", "main",
                            env={"GITHUB_API_URL": github_double.base_url,
                                 "GITHUB_TOKEN": "ghp_not_a_valid_token"})

    assert result.returncode == 2
    assert "PASS" not in result.stdout
    assert "cannot read branch protection (HTTP 401): GitHub refused the token" in \
        _line(result.stdout, "required check")
    _assert_clean(result)


def test_stale_approvals_that_survive_a_push_fail(github_double: FakeGitHub,
                                                  gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    rule = {**PULL_REQUEST_RULE, "parameters": {**PULL_REQUEST_RULE["parameters"],
                                                "dismiss_stale_reviews_on_push": False}}
    github_double.add_ruleset(REPO, "Gatekeeper", required_checks=["gatekeeper"],
                              rules=[rule], integration_id=ACTIONS)

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1, result.stdout
    line = _line(result.stdout, "stale reviews")
    assert line.startswith("  FAIL") and "survives a push" in line
    assert "Dismiss stale pull request approvals" in result.stdout


def test_stale_approvals_dismissed_by_branch_protection_pass(github_double: FakeGitHub,
                                                             gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    protection = _protected()
    github_double.set_branch_protection(REPO, "main", protection)
    assert _line(_doctor(gatekeeper_cli, github_double).stdout,
                 "stale reviews").startswith("  PASS")
    protection["required_pull_request_reviews"]["dismiss_stale_reviews"] = False
    github_double.set_branch_protection(REPO, "main", protection)
    assert _line(_doctor(gatekeeper_cli, github_double).stdout,
                 "stale reviews").startswith("  FAIL")


def test_github_out_of_reach_is_one_line_naming_the_url_and_exit_2(
    gatekeeper_cli: Cli,
) -> None:
    url = "http://127.0.0.1:9/api/v3"
    result = gatekeeper_cli("doctor", "--repo", REPO, "--branch", "main",
                            env={"GITHUB_API_URL": url, "GITHUB_TOKEN": "ghp_x"})

    assert result.returncode == 2, result.stdout + result.stderr
    assert "PASS" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "127.0.0.1:9" in lines[0], result.stderr
    assert "token" not in lines[0].casefold()


def test_a_workflow_pinned_at_another_gatekeeper_commit_is_a_warning(
    github_double: FakeGitHub, gatekeeper_cli: Cli,
) -> None:
    other = "fedcba9876543210fedcba9876543210fedcba98"
    _seed(github_double, workflow=workflow_text(f"gatekeeper-dev/gatekeeper@{other}"))
    github_double.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout + result.stderr
    assert _line(result.stdout, "workflow").startswith("  WARN  workflow")
    assert re.search(rf"warning: {re.escape(WORKFLOW_PATH)} pins gatekeeper-dev/gatekeeper@"
                     rf"{other}, but this gatekeeper is .*\(commit [0-9a-f]{{40}}",
                     result.stdout)
