"""The change origin as the evidence shows it: human < ai-assisted < agent.

Evidence only raises the origin. Signals, each configurable in the policy's
``provenance`` section: the pull request's author is a bot or a known agent account; a
commit's author or committer is one; a commit message carries a ``Co-authored-by:`` trailer
naming an AI tool, or a "Generated with <tool>" line; the head branch starts with an
agent's prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from gatekeeper.core.evidence import CommitRecord, Evidence, Person


class Origin(StrEnum):
    HUMAN = "human"
    AI_ASSISTED = "ai-assisted"
    AGENT = "agent"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Origin | None:
        try:
            return cls(normalize_origin(text))
        except ValueError:
            return None


def normalize_origin(text: str) -> str:
    """How a declared origin is read: ``AI assisted``, ``ai_assisted`` -> ``ai-assisted``."""
    return "-".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())


_RANK = {Origin.HUMAN: 0, Origin.AI_ASSISTED: 1, Origin.AGENT: 2}


@dataclass(frozen=True)
class ProvenanceRules:
    agent_accounts: tuple[str, ...]
    ai_tools: tuple[str, ...]
    agent_branch_prefixes: tuple[str, ...]
    agent_owner_must_approve: bool = False

    def is_agent_account(self, login: str | None) -> bool:
        if not login:
            return False
        folded = login.casefold()
        return folded.endswith("[bot]") or folded in {a.casefold() for a in self.agent_accounts}


@dataclass(frozen=True)
class Signal:
    origin: Origin
    what: str  # e.g. "commit 1a2b3c4d5e6f has a Co-authored-by: Claude <...> trailer"


@dataclass(frozen=True)
class Provenance:
    """The computed origin, the signals that raised it, and whether commits were read."""

    origin: Origin
    signals: tuple[Signal, ...]
    commits_read: bool

    def strongest(self) -> Signal | None:
        top = [s for s in self.signals if s.origin is self.origin]
        return top[0] if top else None


_TRAILER = re.compile(r"^\s*co-authored-by\s*:\s*(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]*)>)?\s*$",
                      re.IGNORECASE | re.MULTILINE)
_GENERATED = re.compile(
    r"^\W*(?:generated|made|created|written|authored|coded)\s+(?:with|by|using|in)\s+(?P<rest>.+)$",
    re.IGNORECASE | re.MULTILINE)
# What may follow a tool's name in a trailer and still be the tool: "Claude Opus 4.5",
# "Cursor Agent", "aider (model)". A human "Claude Dupont" is not the tool.
_TOOL_SUFFIX_WORDS = frozenset({
    "code", "agent", "assistant", "ai", "bot", "cli", "opus", "sonnet", "haiku", "pro",
    "flash", "ultra", "mini", "max", "swe", "coding",
})
# GitHub's no-reply address: ID+login@users.noreply.github.com, or login@users.noreply...
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$", re.IGNORECASE)


def login_of(person: Person) -> str | None:
    """The account a commit names: GitHub's link, or the one in its no-reply address."""
    if person.login:
        return person.login
    match = _NOREPLY.match(person.email.strip())
    return match.group("login") if match else None


def _is_tool_name(name: str, tool: str) -> bool:
    name_words = re.sub(r"\(.*?\)", " ", name).casefold().split()
    tool_words = tool.casefold().split()
    if not tool_words or name_words[: len(tool_words)] != tool_words:
        return False
    rest = name_words[len(tool_words):]
    return all(w in _TOOL_SUFFIX_WORDS or any(c.isdigit() for c in w) for w in rest)


def _tool_in_email(email: str, tool: str) -> bool:
    folded, entry = email.strip().casefold(), tool.strip().casefold()
    if "@" in entry:
        return folded == entry
    if "." in entry:  # a domain: noreply@anthropic.com, cursoragent@cursor.com
        return folded.endswith("@" + entry) or folded.endswith("." + entry)
    return False


def _named_tool(text: str, rules: ProvenanceRules) -> str | None:
    for tool in rules.ai_tools:
        if " " not in tool and ("@" in tool or "." in tool):
            continue
        if re.search(rf"(?<![\w-]){re.escape(tool)}(?![\w-])", text, re.IGNORECASE):
            return tool
    return None


def _trailer_tool(name: str, email: str, rules: ProvenanceRules) -> str | None:
    for tool in rules.ai_tools:
        if _tool_in_email(email, tool) or _is_tool_name(name, tool):
            return tool
    login = _NOREPLY.match(email.strip())
    if login and rules.is_agent_account(login.group("login")):
        return login.group("login")
    return None


def _commit_signals(commit: CommitRecord, rules: ProvenanceRules) -> list[Signal]:
    short = commit.sha[:12]
    found: list[Signal] = []
    for role, person in (("author", commit.author), ("committer", commit.committer)):
        login = login_of(person)
        if person.is_bot or rules.is_agent_account(login):
            who = f"@{login}" if login else f"{person.name} <{person.email}>"
            found.append(Signal(Origin.AGENT, f"commit {short}'s {role} is {who}, an agent "
                                              "or bot account"))
    for match in _TRAILER.finditer(commit.message):
        name, email = match.group("name") or "", match.group("email") or ""
        tool = _trailer_tool(name, email, rules)
        if tool is not None:
            trailer = f"Co-authored-by: {name} <{email}>" if email else f"Co-authored-by: {name}"
            found.append(Signal(Origin.AI_ASSISTED,
                                f"commit {short} has a '{trailer.strip()}' trailer"))
    for match in _GENERATED.finditer(commit.message):
        tool = _named_tool(match.group("rest"), rules)
        if tool is not None:
            found.append(Signal(Origin.AI_ASSISTED,
                                f"commit {short} says '{match.group(0).strip()[:80]}'"))
    return found


def compute_origin(evidence: Evidence, rules: ProvenanceRules) -> Provenance:
    signals: list[Signal] = []
    if evidence.author and (evidence.author_is_bot or rules.is_agent_account(evidence.author)):
        signals.append(Signal(Origin.AGENT, f"the pull request was opened by @{evidence.author}, "
                                            "an agent or bot account"))
    if evidence.head_ref:
        for prefix in rules.agent_branch_prefixes:
            if evidence.head_ref.casefold().startswith(prefix.casefold()):
                signals.append(Signal(Origin.AGENT, f"the head branch {evidence.head_ref!r} "
                                                    f"starts with the agent prefix {prefix!r}"))
                break
    for commit in evidence.commits or ():
        signals.extend(_commit_signals(commit, rules))
    origin = max((s.origin for s in signals), key=lambda o: o.rank, default=Origin.HUMAN)
    return Provenance(origin=origin, signals=tuple(signals),
                      commits_read=evidence.commits is not None)
