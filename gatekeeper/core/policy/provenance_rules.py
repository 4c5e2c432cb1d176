"""What the policy lists as evidence of a change's origin: agent and automation accounts,
AI tools named in trailers, agent branch prefixes. Applied in core/authority/provenance.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProvenanceRules:
    agent_accounts: tuple[str, ...]
    ai_tools: tuple[str, ...]
    agent_branch_prefixes: tuple[str, ...]
    agent_owner_must_approve: bool = False
    automation_accounts: tuple[str, ...] = ()

    def is_automation_account(self, login: str) -> bool:
        return login.casefold() in {a.casefold() for a in self.automation_accounts}

    def is_agent_account(self, login: str | None) -> bool:
        if not login:
            return False
        folded = login.casefold()
        return folded.endswith("[bot]") or folded in {a.casefold() for a in self.agent_accounts}
