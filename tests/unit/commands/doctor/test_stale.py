"""doctor's stale-reviews check: an approval must not survive a push or a retarget."""

from __future__ import annotations

from gatekeeper.commands.doctor.stale import check_stale_approvals
from gatekeeper.forge import ProtectionFacts, RuleFacts, RulesFacts

NONE = ProtectionFacts("unprotected")


def test_a_ruleset_that_dismisses_stale_approvals_passes() -> None:
    rules = RulesFacts((RuleFacts("pull_request", "ruleset 4 of acme/app",
                                  dismiss_stale_reviews_on_push=True),))
    result = check_stale_approvals(NONE, rules, "main")
    assert result.ok and "ruleset 4 of acme/app" in result.detail


def test_branch_protection_that_dismisses_stale_approvals_passes() -> None:
    protection = ProtectionFacts("protected", requires_pull_request=True,
                                 dismiss_stale_reviews=True)
    assert check_stale_approvals(protection, RulesFacts(), "main").ok


def test_a_pull_request_rule_that_keeps_stale_approvals_fails_with_the_fix() -> None:
    rules = RulesFacts((RuleFacts("pull_request", "ruleset 4 of acme/app"),))
    result = check_stale_approvals(NONE, rules, "main")
    assert not result.ok and not result.unread
    assert "survives a push" in result.detail and "Dismiss stale" in (result.fix or "")


def test_nothing_requiring_a_pull_request_fails() -> None:
    result = check_stale_approvals(NONE, RulesFacts(), "main")
    assert not result.ok and "nothing requires a pull request" in result.detail


def test_rules_it_could_not_read_are_unread_never_passed() -> None:
    result = check_stale_approvals(ProtectionFacts("unreadable", status=403),
                                   RulesFacts(error="HTTP 403 reading the rules"), "main")
    assert not result.ok and result.unread
    assert result.detail == "not known: HTTP 403 reading the rules"
