"""Who may bypass the gate, judged from the protection and ruleset facts alone."""

from __future__ import annotations

from gatekeeper.commands.doctor.bypass import check_bypass
from gatekeeper.forge import BypassFacts, ProtectionFacts, RuleFacts, RulesFacts

LOCKED = ProtectionFacts("protected", enforce_admins=True)
CHECKS_RULE = RuleFacts("required_status_checks", "ruleset 1 of acme/app")


def test_nobody_may_bypass_passes_without_warnings() -> None:
    result = check_bypass(LOCKED, RulesFacts(), "main")
    assert (result.ok, result.label) == (True, "PASS")
    assert result.detail == "nobody may bypass the rules on main"
    assert check_bypass(ProtectionFacts("unprotected"), RulesFacts(), "main").warnings == ()


def test_each_way_round_the_gate_is_one_warning() -> None:
    protection = ProtectionFacts("protected", enforce_admins=False,
                                 pull_request_bypass=("user alice", "team acme/ops"))
    rules = RulesFacts(bypass=(BypassFacts("ruleset 7", ("app renovate",)),
                               BypassFacts("ruleset 8", None)))
    result = check_bypass(protection, rules, "main")
    assert result.ok and result.label == "WARN"
    assert result.detail == "5 ways to bypass the rules on main"
    assert result.warnings == (
        "branch protection on main does not apply to administrators (enforce_admins is "
        "off): an admin can merge without the check",
        "branch protection on main lets user alice skip the pull request",
        "branch protection on main lets team acme/ops skip the pull request",
        "ruleset 7: app renovate may bypass it",
        "cannot see who may bypass ruleset 8: GitHub shows the bypass list only to a token "
        "that may edit the ruleset",
    )
    assert "bypass lists" in result.fix


def test_one_way_is_singular() -> None:
    rules = RulesFacts(bypass=(BypassFacts("ruleset 7", ("user bob",)),))
    assert check_bypass(LOCKED, rules, "dev").detail == "1 way to bypass the rules on dev"


def test_unreadable_rulesets_leave_it_unknown() -> None:
    result = check_bypass(LOCKED, RulesFacts(error="HTTP 403 on rulesets"), "main")
    assert result.unread and not result.ok
    assert result.detail == ("not known who may bypass the rules on main: HTTP 403 on "
                             "rulesets")


def test_unreadable_protection_is_unknown_unless_a_ruleset_enforces_the_gate() -> None:
    unreadable = ProtectionFacts("unreadable", status=404)
    result = check_bypass(unreadable, RulesFacts(), "main")
    assert result.unread
    assert result.detail.endswith("cannot read the branch protection of main (HTTP 404)")
    assert "(HTTP error)" in check_bypass(ProtectionFacts("unreadable"), RulesFacts(),
                                          "main").detail
    for kind in ("required_status_checks", "workflows"):
        enforced = check_bypass(unreadable, RulesFacts(rules=(RuleFacts(kind, "r"),)), "main")
        assert enforced.ok and not enforced.unread
    # A ruleset that enforces something else does not hold the gate.
    other = RulesFacts(rules=(RuleFacts("pull_request", "r"),))
    assert check_bypass(unreadable, other, "main").unread
