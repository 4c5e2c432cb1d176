"""CODEOWNERS read the way GitHub reads it, and the check that the policy and the
workflows have owners whose review is required."""

from __future__ import annotations

from gatekeeper.commands.doctor.codeowners import (
    NEW_WORKFLOW,
    check_codeowners,
    owners_of,
    parse_codeowners,
)
from gatekeeper.forge import ProtectionFacts, RuleFacts, RulesFacts

WANTED = (("the policy", ".github/gatekeeper.yml"), ("the workflows", NEW_WORKFLOW))
REVIEWED = ProtectionFacts("protected", code_owner_reviews=True)
OWNED = "/.github/ @acme/maintainers\n"


def test_comments_blank_lines_and_negations_are_skipped() -> None:
    rules = parse_codeowners("# a comment\n\n!/secret @nobody\n*.py @py  # trailing @x\n")
    assert [(r.line, r.owners) for r in rules] == [(4, ("@py",))]
    assert rules[0].pattern.text.split()[0] == "*.py"


def test_the_last_matching_line_decides() -> None:
    rules = parse_codeowners("* @everyone\n/.github/ @ci\n/.github/gatekeeper.yml\n")
    rule, owners = owners_of(rules, ".github/gatekeeper.yml")
    assert rule is not None and rule.line == 3 and owners == ()
    rule, owners = owners_of(rules, ".github/workflows/ci.yml")
    assert rule is not None and rule.line == 2 and owners == ("@ci",)
    assert owners_of(rules, "src/main.py")[1] == ("@everyone",)
    assert owners_of(parse_codeowners(""), "anything") == (None, ())


def test_a_folder_star_owns_the_folders_own_files_only() -> None:
    rules = parse_codeowners("/docs/* @docs\napps/ @apps\n")
    assert owners_of(rules, "docs/intro.md")[1] == ("@docs",)
    assert owners_of(rules, "docs/deep/page.md") == (None, ())
    assert owners_of(rules, "src/apps/x/main.py")[1] == ("@apps",)
    assert not rules[1].matches("apps")  # a folder pattern does not match a file of its name


def test_unparsable_patterns_are_skipped() -> None:
    rules = parse_codeowners("/docs/[abc @bad\n/ok @good\n")
    assert [r.owners for r in rules] == [("@good",)]


def test_owned_and_reviewed_passes() -> None:
    result = check_codeowners((".github/CODEOWNERS", OWNED), "", WANTED, REVIEWED,
                              RulesFacts(), "main")
    assert result.ok
    assert result.detail.startswith(".github/CODEOWNERS on main gives the policy")


def test_a_ruleset_may_require_code_owner_review() -> None:
    rules = RulesFacts(rules=(RuleFacts("pull_request", "ruleset 1", code_owner_review=True),))
    result = check_codeowners(("CODEOWNERS", OWNED), "", WANTED,
                              ProtectionFacts("unprotected"), rules, "main")
    assert result.ok


def test_owners_whose_review_nothing_requires_fail() -> None:
    rules = RulesFacts(rules=(RuleFacts("pull_request", "ruleset 1"),))
    result = check_codeowners(("CODEOWNERS", OWNED), "", WANTED,
                              ProtectionFacts("protected"), rules, "main")
    assert not result.ok and not result.unread
    assert "nothing requires code owner review" in result.detail
    assert "Require review from Code Owners" in result.fix


def test_unowned_paths_are_named_with_the_line_that_emptied_them() -> None:
    text = "/.github/ @acme/maintainers\n/.github/gatekeeper.yml\n"
    result = check_codeowners(("docs/CODEOWNERS", text), "", WANTED, REVIEWED,
                              RulesFacts(), "main")
    assert not result.ok
    assert result.detail == ("docs/CODEOWNERS on main gives no owner to the policy "
                             "(.github/gatekeeper.yml, emptied by line 2)")
    nobody = check_codeowners(("CODEOWNERS", "/src/ @dev\n"), "", WANTED, REVIEWED,
                              RulesFacts(), "main")
    assert nobody.detail == (f"CODEOWNERS on main gives no owner to the policy "
                             f"(.github/gatekeeper.yml); the workflows ({NEW_WORKFLOW})")
    assert "in CODEOWNERS" in nobody.fix


def test_no_codeowners_fails_and_an_unreadable_one_is_unread() -> None:
    missing = check_codeowners(None, "", WANTED, REVIEWED, RulesFacts(), "main")
    assert not missing.ok and not missing.unread
    assert missing.detail.startswith("no CODEOWNERS on main")
    assert "`/.github/gatekeeper.yml @your-org/maintainers`" in missing.fix
    unread = check_codeowners(None, "HTTP 403 reading CODEOWNERS", WANTED, REVIEWED,
                              RulesFacts(), "main")
    assert unread.unread and unread.detail == "HTTP 403 reading CODEOWNERS"
