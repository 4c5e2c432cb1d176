"""Agents seen by their git identity: a commit authored or committed under an AI tool's
name and email raises the origin, with or without a GitHub account behind it."""

from __future__ import annotations

import pytest

from gatekeeper.core.authority.evidence import CommitRecord, Evidence, Person
from gatekeeper.core.authority.provenance import Origin, compute_origin
from gatekeeper.local.policy_source import default_policy

HUMAN = Person("Bob", "bob@example.com", "bob")


def _origin(author: Person, committer: Person = HUMAN, head_ref: str = "feature") -> Origin:
    commit = CommitRecord("c" * 40, "change", author, committer)
    evidence = Evidence(head_sha="c" * 40, author="bob", head_ref=head_ref, commits=(commit,))
    return compute_origin(evidence, default_policy().provenance).origin


@pytest.mark.parametrize(("name", "email"), [
    ("Claude", "noreply@anthropic.com"),
    ("Cursor Agent", "cursoragent@cursor.com"),
    ("openhands", "openhands@all-hands.dev"),
    ("Codex", "noreply@openai.com"),
    ("Amp", "amp@ampcode.com"),
    ("aider", "noreply@aider.chat"),
    ("opencode-agent[bot]", "opencode-agent[bot]@users.noreply.github.com"),
])
def test_an_ai_tools_git_identity_as_author_or_committer_is_an_agent(name: str,
                                                                     email: str) -> None:
    tool = Person(name, email)  # no GitHub account linked
    assert _origin(tool) is Origin.AGENT
    assert _origin(HUMAN, committer=tool) is Origin.AGENT


def test_aiders_name_suffix_is_ai_assisted() -> None:
    assert _origin(Person("Bob (aider)", "bob@example.com")) is Origin.AI_ASSISTED


def test_people_at_the_vendors_domains_are_people() -> None:
    assert _origin(Person("Claude Dupont", "claude@anthropic.com")) is Origin.HUMAN
    assert _origin(Person("Jo", "jo@cursor.com")) is Origin.HUMAN
    assert _origin(Person("Jo", "jo@users.noreply.github.com")) is Origin.HUMAN


def test_a_commit_by_github_actions_is_no_longer_taken_for_automation() -> None:
    bot = Person("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com",
                 "github-actions[bot]", is_bot=True)
    assert _origin(bot) is Origin.AGENT


@pytest.mark.parametrize("branch", ["openhands-fix-issue-12", "opencode/issue12-20260101"])
def test_newer_agent_branch_names_are_agents(branch: str) -> None:
    assert _origin(HUMAN, head_ref=branch) is Origin.AGENT


def test_a_policy_can_list_its_own_identities() -> None:
    from gatekeeper import resources
    from gatekeeper.core.policy.load import parse_policy

    policy = parse_policy("version: 1\nprovenance:\n  agent_git_identities: "
                          "['domain:agents.acme.dev']\n", file="p.yml",
                          schema=resources.schema("policy"))
    commit = CommitRecord("c" * 40, "x", Person("Bot", "x@agents.acme.dev"), HUMAN)
    origin = compute_origin(Evidence(commits=(commit,)), policy.provenance).origin
    assert origin is Origin.AGENT
