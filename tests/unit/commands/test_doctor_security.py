"""`gatekeeper doctor` on what the security model relies on (docs/security.md): the
required check pinned to GitHub Actions (or the hardened status context naming the
branch), who may bypass the rules, CODEOWNERS over the gate's own files, and a branch
that does not exist. Against the GitHub test double, in a real process."""

from __future__ import annotations

import pytest

from gatekeeper.commands.doctor.codeowners import owners_of, parse_codeowners
from gatekeeper.constants import HARDENED_STATUS_CONTEXT_FORMAT, POLICY_PATH
from tests.support.github_double import FakeGitHub, github_double, github_double_ghes
from tests.unit.commands.test_doctor import (
    ACTIONS,
    HARDENED,
    PULL_REQUEST_RULE,
    REPO,
    Cli,
    _assert_clean,
    _doctor,
    _line,
    _protected,
    _seed,
)

__all__ = ["github_double", "github_double_ghes"]  # the fixtures, used by name

HARDENED_DEFAULT = HARDENED.replace("        with:\n          status-context: "
                                    "gatekeeper/contract ({branch})\n", "")
assert HARDENED_DEFAULT != HARDENED


# --- the required check is pinned to the app that runs the gate -------------------------


def test_a_required_check_from_any_source_fails(github_double: FakeGitHub,
                                                gatekeeper_cli: Cli) -> None:
    # Any token that may write statuses could post "gatekeeper: success" on a commit.
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected(("gatekeeper",), app_id=None))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1, result.stdout
    line = _line(result.stdout, "required check")
    assert line.startswith("  FAIL")
    assert 'requires "gatekeeper" from any source' in line
    assert "fix: pin it to GitHub Actions" in result.stdout
    assert '"integration_id": 15368' in result.stdout
    _assert_clean(result)


def test_a_required_check_pinned_to_another_app_fails(github_double: FakeGitHub,
                                                      gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected(("gatekeeper",), app_id=99))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    assert "from app 99, not GitHub Actions (15368)" in _line(result.stdout, "required check")


def test_a_ruleset_check_without_integration_id_fails(github_double: FakeGitHub,
                                                      gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.add_ruleset(REPO, "Gatekeeper", required_checks=["gatekeeper"],
                              rules=[PULL_REQUEST_RULE])

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    line = _line(result.stdout, "required check")
    assert line.startswith("  FAIL") and "from any source" in line


def test_a_pinned_ruleset_wins_over_unpinned_protection(github_double: FakeGitHub,
                                                        gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected(("gatekeeper",), app_id=None))
    github_double.add_ruleset(REPO, "Gatekeeper", required_checks=["gatekeeper"],
                              rules=[PULL_REQUEST_RULE], integration_id=ACTIONS)

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout
    assert "pinned to GitHub Actions" in _line(result.stdout, "required check")


def test_on_enterprise_server_any_pinned_app_is_accepted(github_double_ghes: FakeGitHub,
                                                         gatekeeper_cli: Cli) -> None:
    # GitHub Actions has another app id on each GitHub Enterprise Server.
    _seed(github_double_ghes)
    github_double_ghes.set_branch_protection(REPO, "main", _protected(app_id=7))
    pinned = _doctor(gatekeeper_cli, github_double_ghes)
    github_double_ghes.set_branch_protection(REPO, "main", _protected(app_id=None))
    unpinned = _doctor(gatekeeper_cli, github_double_ghes)

    assert pinned.returncode == 0, pinned.stdout
    assert "pinned to app 7" in _line(pinned.stdout, "required check")
    assert unpinned.returncode == 1
    assert "from any source" in _line(unpinned.stdout, "required check")


# --- hardened: the status context names the branch --------------------------------------


def test_hardened_default_context_names_the_branch(github_double: FakeGitHub,
                                                   gatekeeper_cli: Cli) -> None:
    context = HARDENED_STATUS_CONTEXT_FORMAT.format(branch="main")
    assert context == "gatekeeper/contract (main)"
    _seed(github_double, workflow=HARDENED_DEFAULT)
    github_double.set_branch_protection(REPO, "main", _protected((context,)))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout
    line = _line(result.stdout, "required check")
    assert line.startswith("  PASS") and f'the commit status "{context}"' in line
    assert f'commit status "{context}"' in _line(result.stdout, "workflow")


def test_a_status_context_naming_the_branch_is_read_for_the_branch(
    github_double: FakeGitHub, gatekeeper_cli: Cli,
) -> None:
    # The shipped hardened example says `status-context: gatekeeper/contract ({branch})`.
    assert "gatekeeper/contract ({branch})" in HARDENED
    _seed(github_double, workflow=HARDENED)
    github_double.set_branch_protection(REPO, "main", _protected(("gatekeeper/contract (main)",)))
    result = _doctor(gatekeeper_cli, github_double)
    assert result.returncode == 0, result.stdout
    assert _line(result.stdout, "required check").startswith("  PASS")


@pytest.mark.parametrize("required", ["gatekeeper", "gatekeeper/contract (develop)",
                                      "gatekeeper/contract"])
def test_hardened_requiring_another_context_fails(github_double: FakeGitHub,
                                                  gatekeeper_cli: Cli, required: str) -> None:
    # The job's check run lands on the base branch's commit, and a context for another
    # branch is what a second pull request on the same commit would post.
    _seed(github_double, workflow=HARDENED_DEFAULT)
    github_double.set_branch_protection(REPO, "main", _protected((required,)))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1, result.stdout
    line = _line(result.stdout, "required check")
    assert f'requires "{required}" but not "gatekeeper/contract (main)"' in line
    assert 'fix: require the status check "gatekeeper/contract (main)"' in result.stdout


def test_hardened_context_without_the_branch_warns(github_double: FakeGitHub,
                                                   gatekeeper_cli: Cli) -> None:
    # A workflow that names one context for every branch.
    fixed = HARDENED.replace("gatekeeper/contract ({branch})", "gatekeeper/contract")
    _seed(github_double, workflow=fixed)
    github_double.set_branch_protection(REPO, "main", _protected(("gatekeeper/contract",)))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout
    assert _line(result.stdout, "required check").startswith("  WARN")
    assert ('warning: the status context "gatekeeper/contract" does not name main'
            in result.stdout)
    assert "may come from any source" not in result.stdout  # pinned


def test_hardened_context_from_any_source_warns(github_double: FakeGitHub,
                                                gatekeeper_cli: Cli) -> None:
    context = HARDENED_STATUS_CONTEXT_FORMAT.format(branch="main")
    _seed(github_double, workflow=HARDENED_DEFAULT)
    github_double.set_branch_protection(REPO, "main", _protected((context,), app_id=None))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout
    assert _line(result.stdout, "required check").startswith("  WARN")
    assert f'warning: "{context}" may come from any source' in result.stdout
    assert "fix: pin it to GitHub Actions as its expected source" in result.stdout


# --- who may bypass --------------------------------------------------------------------


def test_each_ruleset_bypass_actor_is_a_warning(github_double: FakeGitHub,
                                                gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    ruleset = github_double.add_ruleset(
        REPO, "Gatekeeper", required_checks=["gatekeeper"], rules=[PULL_REQUEST_RULE],
        integration_id=ACTIONS, bypass_actors=[
            {"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"},
            {"actor_id": 29110, "actor_type": "Integration", "bypass_mode": "always"},
            {"actor_id": 812, "actor_type": "Team", "bypass_mode": "pull_request"},
            {"actor_id": None, "actor_type": "OrganizationAdmin", "bypass_mode": "always"},
        ])

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout  # warnings do not fail
    assert _line(result.stdout, "bypass").startswith("  WARN  bypass          4 ways")
    name = f"ruleset {ruleset} of repository {REPO}"
    warnings = [line.strip() for line in result.stdout.splitlines()
                if line.strip().startswith("warning:")]
    assert warnings == [
        f"warning: {name}: repository admins may bypass it",
        f"warning: {name}: app id 29110 may bypass it",
        f"warning: {name}: team id 812 (through a pull request) may bypass it",
        f"warning: {name}: organisation admins may bypass it",
    ]
    assert "All 7 checks pass (4 warnings)" in result.stdout
    assert github_double.count("GET", rf"/rulesets/{ruleset}$") == 1
    github_double.assert_no_violations()


def test_a_hidden_bypass_list_is_said_to_be_unknown(github_double: FakeGitHub,
                                                    gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.add_ruleset(REPO, "Gatekeeper", required_checks=["gatekeeper"],
                              rules=[PULL_REQUEST_RULE], integration_id=ACTIONS)
    # A token that may not edit the ruleset gets it without bypass_actors.
    github_double.tamper("GET", r"/rulesets/\d+$",
                         lambda body: {k: v for k, v in body.items() if k != "bypass_actors"})

    result = _doctor(gatekeeper_cli, github_double)

    assert "cannot see who may bypass ruleset" in result.stdout
    assert _line(result.stdout, "bypass").startswith("  WARN")


def test_classic_protection_admins_and_allowances_are_warnings(github_double: FakeGitHub,
                                                               gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.set_branch_protection(
        REPO, "main", _protected(enforce_admins=False, bypass_users=["release-bot"]))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout
    assert ("warning: branch protection on main does not apply to administrators "
            "(enforce_admins is off)") in result.stdout
    assert "warning: branch protection on main lets user release-bot skip the pull request" \
        in result.stdout
    assert "Do not allow bypassing the above settings" in result.stdout
    github_double.assert_no_violations()


# --- CODEOWNERS covers the gate's own files ----------------------------------------------


def test_no_codeowners_fails(github_double: FakeGitHub, gatekeeper_cli: Cli) -> None:
    _seed(github_double, codeowners=None)
    github_double.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    assert "no CODEOWNERS on main" in _line(result.stdout, "code owners")
    # All three places GitHub looks were asked for.
    for path in (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"):
        assert github_double.count("GET", rf"/contents/{path}$") == 1, path


@pytest.mark.parametrize("place", ["CODEOWNERS", "docs/CODEOWNERS"])
def test_codeowners_is_found_in_the_other_places(github_double: FakeGitHub,
                                                 gatekeeper_cli: Cli, place: str) -> None:
    _seed(github_double, codeowners=None)
    github_double.set_file(REPO, place, "main", "/.github/ @acme/maintainers\n"
                                                f"/{place} @acme/maintainers\n")
    github_double.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 0, result.stdout
    assert f"PASS  code owners     {place} on main" in result.stdout


def test_the_first_place_wins(github_double: FakeGitHub, gatekeeper_cli: Cli) -> None:
    # GitHub uses .github/CODEOWNERS when it exists, whatever the root one says.
    _seed(github_double, codeowners="/src/ @acme/devs\n")
    github_double.set_file(REPO, "CODEOWNERS", "main", "* @acme/maintainers\n")
    github_double.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    line = _line(result.stdout, "code owners")
    assert f".github/CODEOWNERS on main gives no owner to the policy ({POLICY_PATH})" in line


def test_a_later_line_without_owners_unowns_the_policy(github_double: FakeGitHub,
                                                       gatekeeper_cli: Cli) -> None:
    _seed(github_double, codeowners="/.github/ @acme/maintainers\n"
                                    "/.github/gatekeeper.yml\n")
    github_double.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    assert f"the policy ({POLICY_PATH}, emptied by line 2)" in _line(result.stdout,
                                                                      "code owners")


def test_owned_files_without_required_code_owner_review_fail(github_double: FakeGitHub,
                                                             gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected(code_owners=False))

    result = _doctor(gatekeeper_cli, github_double)

    assert result.returncode == 1
    assert "nothing requires code owner review" in _line(result.stdout, "code owners")
    assert 'fix: turn on "Require review from Code Owners"' in result.stdout


def test_codeowners_patterns_follow_github() -> None:
    rules = parse_codeowners(
        "# comment\n"
        "*.yml @yaml-team  # trailing comment\n"
        "/docs/* @docs\n"
        "apps/ @apps\n"
        "!/secret @nobody\n"
        "/.github/workflows/ @ci  @acme/sec\n"
    )
    assert owners_of(rules, ".github/workflows/new-workflow.yml")[1] == ("@ci", "@acme/sec")
    assert owners_of(rules, "config/app.yml")[1] == ("@yaml-team",)
    # `docs/*` is the folder's own files only; `apps/` is any folder named apps.
    assert owners_of(rules, "docs/intro.md")[1] == ("@docs",)
    assert owners_of(rules, "docs/deep/page.md")[1] == ()
    assert owners_of(rules, "src/apps/x/main.py")[1] == ("@apps",)
    # Negation is not supported: the line is ignored.
    assert owners_of(rules, "secret")[1] == ()


# --- a branch that does not exist --------------------------------------------------------


def test_a_missing_branch_is_one_clear_line(github_double: FakeGitHub,
                                            gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.set_branch_protection(REPO, "main", _protected())

    result = _doctor(gatekeeper_cli, github_double, "--branch", "mian")

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"branch mian does not exist in {REPO} (its default branch is main)" in lines[0]
    assert "FAIL" not in result.stderr
    _assert_clean(result)
    github_double.assert_no_violations()


def test_a_branch_in_a_repository_the_token_cannot_see_names_the_repository(
        github_double: FakeGitHub, gatekeeper_cli: Cli) -> None:
    result = _doctor(gatekeeper_cli, github_double, "--branch", "main")  # no such repository

    assert result.returncode == 2
    assert f"cannot read repository {REPO} (HTTP 404" in result.stderr
    assert "does not exist" not in result.stderr
    _assert_clean(result)


def test_a_branch_with_a_slash_is_found(github_double: FakeGitHub,
                                        gatekeeper_cli: Cli) -> None:
    _seed(github_double)
    github_double.add_branch(REPO, "release/2.0")

    result = _doctor(gatekeeper_cli, github_double, "--branch", "release/2.0")

    assert result.returncode == 1  # it exists, and is not set up
    assert "branch release/2.0" in result.stdout.splitlines()[0]
    assert github_double.count("GET", r"/git/ref/heads/release/2\.0$") == 1
    github_double.assert_no_violations()
