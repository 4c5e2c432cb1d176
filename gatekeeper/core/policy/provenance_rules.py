"""What the policy lists as evidence of a change's origin: agent and automation accounts,
the git identities AI tools commit under, AI tools named in trailers, agent branch
prefixes. Applied in core/authority/provenance.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProvenanceRules:
    agent_accounts: tuple[str, ...]
    ai_tools: tuple[str, ...]
    agent_branch_prefixes: tuple[str, ...]
    agent_owner_must_approve: bool = False
    automation_accounts: tuple[str, ...] = ()
    # git identities (author or committer) of AI tools: an exact email address, any
    # address at a domain ("domain:aider.chat"), or a name ending ("name-suffix: (aider)").
    agent_git_identities: tuple[str, ...] = ()

    def git_identity(self, name: str, email: str) -> str | None:
        """The entry of ``agent_git_identities`` a commit's name and email match, if any."""
        address = email.strip().casefold()
        shown = name.strip().casefold()
        for entry in self.agent_git_identities:
            kind, sep, value = entry.partition(":")
            folded = value.strip().casefold() if sep else ""
            if sep and kind == "domain" and folded:
                if address.endswith("@" + folded) or address.endswith("." + folded):
                    return entry
            elif sep and kind == "name-suffix" and value.strip():
                if shown.endswith(value.casefold().rstrip()) and shown != value.strip().casefold():
                    return entry
            elif "@" in entry and address and address == entry.strip().casefold():
                return entry
        return None

    def is_automation_account(self, login: str) -> bool:
        return login.casefold() in {a.casefold() for a in self.automation_accounts}

    def is_agent_account(self, login: str | None) -> bool:
        if not login:
            return False
        folded = login.casefold()
        return folded.endswith("[bot]") or folded in {a.casefold() for a in self.agent_accounts}
