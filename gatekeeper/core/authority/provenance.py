"""The change origin as the evidence shows it: human < ai-assisted < agent.

Evidence only raises the origin. Signals, each configurable in the policy's
``provenance`` section: the pull request's author is a bot or a known agent account; a
commit's author or committer is one, or commits under an AI tool's git identity (name and
email, with or without a GitHub account behind it); a commit message carries a
``Co-authored-by:`` trailer naming an AI tool, or a "Generated with <tool>" line; the
head branch starts with an agent's prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.policy.provenance_rules import ProvenanceRules

if TYPE_CHECKING:
    from gatekeeper.core.authority.facts import CommitRecord, Person


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


# Trailers that credit a tool: Co-authored-by (Claude Code, Cursor, Copilot), and the
# Assisted-by / Generated-by / Co-developed-by forms some projects ask for.
_TRAILER = re.compile(
    r"^\s*(?P<key>co-authored-by|assisted-by|generated-by|co-developed-by)\s*:\s*"
    r"(?P<name>[^<\n]*?)\s*(?:<(?P<email>[^>\n]*)>)?\s*$",
    re.IGNORECASE | re.MULTILINE)
_GENERATED = re.compile(
    r"^\W*(?:generated|made|created|written|authored|coded)\s+(?:with|by|using|in)\s+"
    r"(?P<rest>.+)$",
    re.IGNORECASE | re.MULTILINE)
# What may follow a tool's name and still be the tool: "Claude Opus 4.5", "Cursor Agent",
# "codex-cli". A person called "Claude Dupont" is not the tool.
_TOOL_SUFFIX_WORDS = frozenset({
    "code", "agent", "assistant", "ai", "bot", "cli", "opus", "sonnet", "haiku", "pro",
    "flash", "ultra", "mini", "max", "swe", "coding", "cascade", "chat", "app",
})
# GitHub's no-reply address: ID+login@users.noreply.github.com, or login@users.noreply...
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$", re.IGNORECASE)
# git's identity for commits GitHub itself makes (web edits, merges, API commits).
_GITHUB_COMMITTER_EMAIL = "noreply@github.com"
GITHUB_WEB_COMMITTER = "web-flow"
_MARKDOWN_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def login_of(person: Person) -> str | None:
    """The account a commit names: GitHub's link, or the one in its no-reply address."""
    if person.login:
        return person.login
    email = person.email.strip()
    if email.casefold() == _GITHUB_COMMITTER_EMAIL:
        return GITHUB_WEB_COMMITTER
    match = _NOREPLY.match(email)
    return match.group("login") if match else None


def co_authors(message: str) -> list[Person]:
    """The people a commit message names in ``Co-authored-by:`` trailers, with an email."""
    from gatekeeper.core.authority.facts import Person  # only where commits were read

    return [Person(name=(m.group("name") or "").strip(), email=m.group("email"))
            for m in _TRAILER.finditer(message)
            if m.group("key").casefold() == "co-authored-by" and m.group("email")]


def _words(text: str) -> list[str]:
    """Words as a reader splits a name: ``Claude-Code (aider)`` is claude, code, aider."""
    return re.findall(r"[^\W_]+(?:\.[^\W_]+)*", text.casefold())


def _starts_with_tool(words: list[str], tool: str) -> bool:
    tool_words = _words(tool)
    if not tool_words or words[: len(tool_words)] != tool_words:
        return False
    rest = words[len(tool_words):]
    return all(w in _TOOL_SUFFIX_WORDS or any(c.isdigit() for c in w) for w in rest)


def _tool_in_email(email: str, tool: str) -> bool:
    folded, entry = email.strip().casefold(), tool.strip().casefold()
    if "@" in entry:
        return folded == entry
    if "." in entry:  # a domain: noreply@anthropic.com, cursoragent@cursor.com
        return folded.endswith("@" + entry) or folded.endswith("." + entry)
    return False


def _names(rules: ProvenanceRules) -> list[str]:
    return [t for t in rules.ai_tools if " " in t or not ("@" in t or "." in t)]


def _trailer_tool(name: str, email: str, rules: ProvenanceRules) -> str | None:
    for tool in rules.ai_tools:
        if _tool_in_email(email, tool):
            return tool
    noreply = _NOREPLY.match(email.strip())
    if noreply and rules.is_agent_account(noreply.group("login")):
        return noreply.group("login")
    words = _words(re.sub(r"\(([^)]*)\)", r" \1 ", name))
    local = email.strip().casefold().partition("@")[0]
    for tool in _names(rules):
        if not _starts_with_tool(words, tool):
            continue
        # A one-word name ("Devin", "Claude") with a person's address is a colleague of
        # that name; with the tool's own, no or a no-reply address, it is the tool.
        if len(words) > 1 or not email or noreply or local == "".join(_words(tool)):
            return tool
    return None


def _named_tool(text: str, rules: ProvenanceRules) -> str | None:
    """The tool a "Generated with ..." line names right after its verb, if any: its name
    and suffixes, then the end of the line or a joining word ("... Claude Code for the
    refactor"), never more of a name ("Authored by Devin Smith")."""
    words = _words(_MARKDOWN_LINK_TARGET.sub("]", text))
    if words[:1] == ["the"]:
        words = words[1:]
    for tool in _names(rules):
        size = len(_words(tool))
        end = size
        while end < len(words) and (words[end] in _TOOL_SUFFIX_WORDS
                                    or any(c.isdigit() for c in words[end])):
            end += 1
        if _starts_with_tool(words[:end], tool) and (
                end == len(words) or words[end] in _CONNECTORS):
            return tool
    return None


_CONNECTORS = frozenset({"and", "for", "to", "in", "on", "via", "from", "with", "using",
                         "by", "at", "as", "under", "of"})


def _commit_signals(commit: CommitRecord, rules: ProvenanceRules) -> list[Signal]:
    short = commit.sha[:12]
    found: list[Signal] = []
    for role, person in (("author", commit.author), ("committer", commit.committer)):
        login = login_of(person)
        # Formatting and update bots (pre-commit-ci, github-actions) commit on people's
        # branches; they are automation, not a coding agent.
        automation = login is not None and rules.is_automation_account(login)
        identity = None if automation else rules.git_identity(person.name, person.email)
        if not automation and (person.is_bot or rules.is_agent_account(login)):
            who = f"@{login}" if login else f"{person.name} <{person.email}>"
            found.append(Signal(Origin.AGENT, f"commit {short}'s {role} is {who}, an agent "
                                              "or bot account"))
        elif identity is not None:
            # An agent that commits under its own git identity, with or without a GitHub
            # account behind it ("Cursor Agent <cursoragent@cursor.com>").
            level = Origin.AI_ASSISTED if identity.startswith("name-suffix:") else Origin.AGENT
            found.append(Signal(level, f"commit {short}'s {role} is '{person.name} "
                                       f"<{person.email}>', an AI tool's git identity "
                                       f"({identity})"))
        elif re.search(r"\((?:[^)]*)\)", person.name):
            inner = re.findall(r"\(([^)]*)\)", person.name)
            if any(_named_tool(part, rules) for part in inner):
                found.append(Signal(Origin.AI_ASSISTED, f"commit {short}'s {role} is "
                                                        f"'{person.name}'"))
    for match in _TRAILER.finditer(commit.message):
        name, email = match.group("name") or "", match.group("email") or ""
        tool = _trailer_tool(name, email, rules)
        if tool is not None:
            shown = f"{match.group('key')}: {name} <{email}>" if email else (
                f"{match.group('key')}: {name}")
            found.append(Signal(Origin.AI_ASSISTED,
                                f"commit {short} has a '{shown.strip()}' trailer"))
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
