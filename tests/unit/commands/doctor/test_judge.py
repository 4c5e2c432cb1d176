"""The branch's enforcement judged from typed facts: the required check and its source,
pull requests, and the policy file."""

from __future__ import annotations

import re

from gatekeeper import resources
from gatekeeper.commands.doctor.judge import (
    accepted_contexts,
    check_policy,
    check_pull_requests,
    check_required,
    hardened_context,
)
from gatekeeper.commands.doctor.workflow import WorkflowFacts
from gatekeeper.constants import CHECK_DISPLAY_NAME, GITHUB_ACTIONS_APP_ID, JOB_ID
from gatekeeper.forge import FileFacts, ProtectionFacts, RequiredCheck, RuleFacts, RulesFacts

ACTIONS = GITHUB_ACTIONS_APP_ID
NONE = ProtectionFacts("unprotected")


def _protected(*checks: RequiredCheck) -> ProtectionFacts:
    return ProtectionFacts("protected", checks=checks,
                           required_contexts=tuple(c.context for c in checks))


def _ruleset(*checks: RequiredCheck, name: str = "ruleset 1") -> RulesFacts:
    return RulesFacts(rules=(RuleFacts("required_status_checks", name, checks=checks,
                                       required_contexts=tuple(c.context for c in checks)),))


def test_accepted_contexts_of_a_plain_workflow() -> None:
    facts = WorkflowFacts(check_names=("gate", "Gatekeeper / gate"),
                          status_contexts=("s ({branch})",))
    assert accepted_contexts(facts, ("extra", "gate"), branch="main") == (
        JOB_ID, CHECK_DISPLAY_NAME, "gate", "Gatekeeper / gate", "s (main)", "extra")


def test_accepted_contexts_of_a_hardened_workflow_are_its_statuses_only() -> None:
    assert accepted_contexts(WorkflowFacts(hardened=True), branch="dev") == (
        hardened_context("dev"),)
    assert hardened_context("dev") == "gatekeeper/contract (dev)"
    facts = WorkflowFacts(hardened=True, check_names=("gate",), status_contexts=("mine",))
    assert accepted_contexts(facts, ("x",), branch="dev") == ("mine", "x")


def test_a_check_pinned_to_github_actions_passes() -> None:
    result = check_required(_protected(RequiredCheck("Gatekeeper", ACTIONS)), RulesFacts(),
                            [JOB_ID, "gatekeeper"], "main")
    assert result.ok and not result.warnings
    assert result.detail == ('branch protection on main requires "Gatekeeper", pinned to '
                             "GitHub Actions")


def test_a_check_from_any_source_or_another_app_fails() -> None:
    anyone = check_required(_protected(RequiredCheck("gatekeeper")), RulesFacts(),
                            [JOB_ID], "main")
    assert not anyone.ok and not anyone.unread
    assert "from any source" in anyone.detail and f'"integration_id": {ACTIONS}' in anyone.fix
    other = check_required(NONE, _ruleset(RequiredCheck("gatekeeper", 99)),
                           [JOB_ID], "main")
    assert not other.ok
    assert other.detail == (f'ruleset 1 on main requires "gatekeeper" from app 99, not GitHub '
                            f"Actions ({ACTIONS}), which runs the gate")


def test_a_pinned_requirement_wins_over_an_unpinned_one() -> None:
    result = check_required(_protected(RequiredCheck("gatekeeper")),
                            _ruleset(RequiredCheck("gatekeeper", ACTIONS)), [JOB_ID], "main")
    assert result.ok and result.detail.startswith("ruleset 1 on main requires")


def test_on_enterprise_server_any_pinned_app_is_trusted() -> None:
    result = check_required(_protected(RequiredCheck("gatekeeper", 7)), RulesFacts(),
                            [JOB_ID], "main", app=None)
    assert result.ok and result.detail.endswith("pinned to app 7")


def test_a_hardened_status_warns_when_unpinned_or_not_naming_the_branch() -> None:
    clean = check_required(_protected(RequiredCheck(hardened_context("main"), ACTIONS)),
                           RulesFacts(), [hardened_context("main")], "main", hardened=True)
    assert clean.ok and clean.warnings == ()
    result = check_required(_protected(RequiredCheck("gk")), RulesFacts(), ["gk"], "main",
                            hardened=True)
    assert result.ok and len(result.warnings) == 2
    assert "does not name main" in result.warnings[0]
    assert "may come from any source" in result.warnings[1]
    assert result.fix == ('post and require "gatekeeper/contract (main)" instead; pin it to '
                          "GitHub Actions as its expected source")


def test_a_required_gatekeeper_workflow_counts_as_the_check() -> None:
    rules = RulesFacts(rules=(RuleFacts("workflows", "ruleset 2",
                                        workflow_paths=("org/gatekeeper.yml",)),))
    result = check_required(NONE, rules, [JOB_ID], "main")
    assert result.ok
    assert result.detail == "ruleset 2 requires the workflow org/gatekeeper.yml on main"


def test_nothing_required_says_what_is_there_instead() -> None:
    unprotected = check_required(NONE, RulesFacts(), [], "main")
    assert not unprotected.ok and not unprotected.unread
    assert unprotected.detail == "main has no branch protection; no ruleset requires it"
    assert f'require the status check "{JOB_ID}" on main' in unprotected.fix
    others = check_required(ProtectionFacts("protected", required_contexts=("lint",)),
                            _ruleset(RequiredCheck("tests")), ["gk"], "main")
    assert others.detail == ('branch protection requires "lint" but not "gk"; rulesets '
                             'require "tests" only')
    bare = check_required(ProtectionFacts("protected"), RulesFacts(), ["gk"], "main")
    assert bare.detail == "branch protection requires no status check; no ruleset requires it"


def test_unreadable_protection_or_rulesets_leave_the_check_unread() -> None:
    refused = check_required(ProtectionFacts("unreadable", status=401), RulesFacts(),
                             ["gk"], "main")
    assert refused.unread and "GitHub refused the token" in refused.detail
    assert refused.fix.endswith("or run doctor with a repository admin's token")
    forbidden = check_required(ProtectionFacts("unreadable", status=403), RulesFacts(),
                               ["gk"], "main")
    assert "(HTTP 403): the token needs admin read" in forbidden.detail
    rules = check_required(NONE, RulesFacts(error="rulesets: HTTP 500"), ["gk"], "main")
    assert rules.unread and rules.detail.endswith("; rulesets: HTTP 500")


def test_pull_requests_required_by_protection_or_a_ruleset() -> None:
    one = check_pull_requests(ProtectionFacts("protected", requires_pull_request=True,
                                              approving_reviews=1), RulesFacts(), "main")
    assert one.ok and one.detail == ("branch protection on main requires a pull request "
                                     "(1 approving review)")
    two = check_pull_requests(ProtectionFacts("protected", requires_pull_request=True,
                                              approving_reviews=2), RulesFacts(), "main")
    assert two.detail.endswith("(2 approving reviews)")
    unknown = check_pull_requests(ProtectionFacts("protected", requires_pull_request=True),
                                  RulesFacts(), "main")
    assert unknown.detail == "branch protection on main requires a pull request"
    ruled = check_pull_requests(NONE, RulesFacts(rules=(RuleFacts("pull_request", "r 5"),)),
                                "main")
    assert ruled.ok and ruled.detail == "r 5 requires a pull request on main"


def test_no_pull_request_required_fails_or_is_unread() -> None:
    direct = check_pull_requests(NONE, RulesFacts(), "main")
    assert not direct.ok and not direct.unread
    assert direct.detail == "nothing requires a pull request on main, so a direct push skips " \
                            "the gate"
    unread = check_pull_requests(ProtectionFacts("unreadable", status=404),
                                 RulesFacts(error="rules: HTTP 403"), "main")
    assert unread.unread and unread.detail.endswith("; rules: HTTP 403")
    assert "(HTTP 404)" in unread.detail
    assert check_pull_requests(NONE, RulesFacts(error="e"), "main").unread


def test_the_policy_is_valid_absent_invalid_or_unread() -> None:
    path = ".github/gatekeeper.yml"
    unread = check_policy(FileFacts(error="HTTP 403"), path, "main")
    assert unread.unread and unread.detail == "HTTP 403"
    absent = check_policy(FileFacts(None), path, "main")
    assert not absent.ok and not absent.unread
    assert absent.detail.startswith(f"no {path} on main: the embedded default policy applies")
    invalid = check_policy(FileFacts("version: [\n"), path, "main")
    assert not invalid.ok and invalid.detail.startswith(f"{path} on main is invalid: ")
    assert f"gatekeeper validate --policy {path}" in invalid.fix


def test_a_valid_policy_passes_with_its_pattern_counts() -> None:
    result = check_policy(FileFacts(resources.text("default_policy.yml")),
                          ".github/gatekeeper.yml", "main")
    assert result.ok
    assert re.fullmatch(r"\.github/gatekeeper\.yml on main is valid \(RED \d+ patterns, "
                        r"AMBER \d+ patterns\)", result.detail), result.detail
