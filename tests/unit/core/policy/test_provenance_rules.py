"""provenance_rules: which accounts the policy says are agents, and which are automation."""

from __future__ import annotations

import pytest

from gatekeeper.core.policy.provenance_rules import ProvenanceRules

RULES = ProvenanceRules(agent_accounts=("Devin-AI", "copilot-swe-agent"), ai_tools=("Claude",),
                        agent_branch_prefixes=("codex/",),
                        automation_accounts=("pre-commit-ci[bot]", "Github-Actions"))


@pytest.mark.parametrize(("login", "agent"), [
    ("devin-ai", True), ("COPILOT-SWE-AGENT", True),
    ("renovate[bot]", True), ("Dependabot[BOT]", True),  # any GitHub App account
    ("alice", False), ("devin", False), ("bot", False), ("[bot]x", False),
    ("", False), (None, False),
])
def test_an_agent_account_is_listed_or_a_bot_whatever_its_case(login: str | None,
                                                               agent: bool) -> None:
    assert RULES.is_agent_account(login) is agent


@pytest.mark.parametrize(("login", "automation"), [
    ("github-actions", True), ("PRE-COMMIT-CI[bot]", True),
    ("renovate[bot]", False), ("alice", False), ("", False),
])
def test_an_automation_account_is_only_one_listed(login: str, automation: bool) -> None:
    assert RULES.is_automation_account(login) is automation


def test_no_lists_means_only_bots_are_agents() -> None:
    empty = ProvenanceRules((), (), ())
    assert empty.is_agent_account("x[bot]") and not empty.is_agent_account("devin-ai")
    assert not empty.is_automation_account("github-actions")
    assert empty.agent_owner_must_approve is False
