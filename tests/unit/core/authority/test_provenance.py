"""The change origin the evidence shows: the pull request's author, its head branch, and
each commit's author, committer, trailers and "Generated with" lines. Agents are also seen
by their git identity: a commit authored or committed under an AI tool's name and email
raises the origin, with or without a GitHub account behind it."""

from __future__ import annotations

import pytest

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.facts import CommitRecord, Person
from gatekeeper.core.authority.provenance import (
    Origin,
    Provenance,
    Signal,
    co_authors,
    compute_origin,
    login_of,
    normalize_origin,
)
from gatekeeper.core.policy.provenance_rules import ProvenanceRules
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


# --- compute_origin, signal by signal ---------------------------------------------------

RULES = ProvenanceRules(agent_accounts=("devin-ai-integration[bot]", "agent-acme"),
                        ai_tools=("Claude", "Claude Code", "Devin", "anthropic.com"),
                        agent_branch_prefixes=("claude/",),
                        automation_accounts=("pre-commit-ci[bot]",))
SHA = "1a2b3c4d5e6f" + "0" * 28


def _provenance(*messages: str, committer: Person = HUMAN, **evidence: object) -> Provenance:
    """The evidence of a pull request by @bob whose commits (one per message) Bob wrote."""
    commits = tuple(CommitRecord(SHA, m, HUMAN, committer) for m in messages)
    fields: dict[str, object] = {"author": "bob", "head_ref": "feature", "commits": commits}
    fields.update(evidence)
    return compute_origin(Evidence(**fields), RULES)  # type: ignore[arg-type]


def test_no_signal_is_human_and_says_whether_commits_were_read() -> None:
    read = _provenance("plain change")
    assert read == Provenance(Origin.HUMAN, (), commits_read=True)
    assert read.strongest() is None
    unread = compute_origin(Evidence(author="bob"), RULES)
    assert unread.origin is Origin.HUMAN and not unread.commits_read


def test_an_agent_or_bot_author_of_the_pull_request_is_an_agent() -> None:
    by_agent = _provenance(author="Agent-Acme", commits=None)
    assert by_agent.origin is Origin.AGENT
    assert by_agent.signals == (Signal(Origin.AGENT, "the pull request was opened by "
                                                     "@Agent-Acme, an agent or bot account"),)
    assert _provenance(author="renovate", author_is_bot=True).origin is Origin.AGENT


def test_an_agent_branch_prefix_is_one_signal_in_any_case() -> None:
    result = _provenance(head_ref="Claude/fix-login")
    assert result.origin is Origin.AGENT
    assert result.signals[0].what == ("the head branch 'Claude/fix-login' starts with the "
                                      "agent prefix 'claude/'")
    assert _provenance(head_ref="feature/claude/x").origin is Origin.HUMAN


def test_a_co_author_trailer_naming_a_tool_is_ai_assisted() -> None:
    result = _provenance("fix\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    assert result.origin is Origin.AI_ASSISTED
    assert result.strongest() == Signal(
        Origin.AI_ASSISTED,
        "commit 1a2b3c4d5e6f has a 'Co-authored-by: Claude <noreply@anthropic.com>' trailer")
    # The same name with a person's address is a colleague called Claude.
    assert _provenance("fix\n\nCo-authored-by: Claude <claude.d@example.com>").origin \
        is Origin.HUMAN
    assert _provenance("fix\n\nCo-authored-by: Alice <alice@example.com>").origin \
        is Origin.HUMAN


def test_a_generated_with_line_naming_a_tool_is_ai_assisted() -> None:
    result = _provenance("fix\n\nGenerated with [Claude Code](https://claude.ai/code)")
    assert result.origin is Origin.AI_ASSISTED
    assert result.signals[0].what.startswith("commit 1a2b3c4d5e6f says 'Generated with ")
    assert _provenance("Authored by Devin Smith").origin is Origin.HUMAN
    assert _provenance("Written with Devin for the refactor").origin is Origin.AI_ASSISTED


def test_an_agent_account_committing_is_an_agent_but_automation_is_not() -> None:
    agent = Person("Devin", "x@example.com", "devin-ai-integration[bot]", is_bot=True)
    result = _provenance("change", committer=agent)
    assert result.origin is Origin.AGENT
    assert result.signals[0].what == ("commit 1a2b3c4d5e6f's committer is "
                                      "@devin-ai-integration[bot], an agent or bot account")
    ci = Person("pre-commit-ci[bot]", "ci@example.com", "pre-commit-ci[bot]", is_bot=True)
    assert _provenance("format", committer=ci).origin is Origin.HUMAN


def test_the_strongest_signal_decides_and_is_named_first() -> None:
    result = _provenance("fix\n\nCo-authored-by: Claude <noreply@anthropic.com>",
                         head_ref="claude/x")
    assert result.origin is Origin.AGENT
    assert [s.origin for s in result.signals] == [Origin.AGENT, Origin.AI_ASSISTED]
    assert result.strongest() == result.signals[0]


@pytest.mark.parametrize(("text", "parsed"), [
    ("AI assisted", Origin.AI_ASSISTED), (" ai_assisted ", Origin.AI_ASSISTED),
    ("Agent", Origin.AGENT), ("HUMAN", Origin.HUMAN), ("robot", None), ("", None),
])
def test_a_declared_origin_is_read_loosely(text: str, parsed: Origin | None) -> None:
    assert Origin.parse(text) is parsed


def test_origins_are_ranked_and_normalized() -> None:
    assert Origin.HUMAN.rank < Origin.AI_ASSISTED.rank < Origin.AGENT.rank
    assert normalize_origin("  AI -- Assisted ") == "ai-assisted"


def test_the_account_a_commit_names() -> None:
    assert login_of(Person("A", "a@example.com", "alice")) == "alice"
    assert login_of(Person("A", "123+alice@users.noreply.github.com")) == "alice"
    assert login_of(Person("A", "alice@users.noreply.github.com")) == "alice"
    assert login_of(Person("GitHub", "noreply@github.com")) == "web-flow"
    assert login_of(Person("A", "a@example.com")) is None


def test_co_authors_are_the_trailers_with_an_email() -> None:
    message = ("fix\n\nCo-authored-by: Alice <a@example.com>\n"
               "co-authored-by : Bob Smith <bob@example.com>\n"
               "Co-authored-by: Nobody\nAssisted-by: Claude <noreply@anthropic.com>\n")
    assert co_authors(message) == [Person("Alice", "a@example.com"),
                                   Person("Bob Smith", "bob@example.com")]
