"""Authority rules, both directions: what an honest pull request needs to pass, and each
way an author or an agent could fake authority, blocked with its own reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.facts import ApprovalRecordFacts, CheckRunFacts
from gatekeeper.core.authority.judge import Need
from gatekeeper.core.decide import settle_pending
from gatekeeper.core.model import Decision
from tests.support.bodies import complete_body
from tests.support.evidence import HEAD, OLD, PULL, REPO, approved, commit, live
from tests.support.fixtures import load_policy_text

Evaluator = Callable[..., Decision]
RED = ["src/auth/login.py"]
APPROVAL = "version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
RECORDS = (APPROVAL + "authority:\n  require_escalation_approval: false\n"
           "  approval_records: {repository: acme/approvals, label: approved}\n")


def _body(**values: str) -> str:
    return complete_body("RED", **{"escalation_reviewer": "@carol",
                                   "approval_reference": "APR-12", **values})


def _codes(decision: Decision) -> list[str]:
    return [r.code for r in decision.reasons]


# --- who may approve ------------------------------------------------------------------------

def test_an_eligible_maintainers_approval_of_the_head_passes(evaluate_body: Evaluator) -> None:
    decision = evaluate_body(_body(), RED, load_policy_text(APPROVAL), evidence=live())
    assert decision.outcome == "pass", decision.reasons


@pytest.mark.parametrize(("evidence", "code", "words"), [
    # a sock puppet: an account the author controls, without write access
    (live(permissions={(REPO, "carol"): "read"}), "GK304", "has read access"),
    (live(permissions={(REPO, "carol"): "triage"}), "GK304", "has triage access"),
    (live(permissions={(REPO, "carol"): "none"}), "GK304", "has none access"),
    (live(reviews=(approved("carol", bot=True),)), "GK305", "bot or agent"),
    (live(author="carol"), "GK306", "opened this pull request"),
    # self-approval through a pushed commit, as author or as committer
    (live(commits=(commit(), commit("carol"))), "GK307", "authored or committed"),
    (live(commits=(commit("alice", committer="Carol"),)), "GK307", "authored or committed"),
    (live(reviews=(approved("carol", OLD),)), "GK302", "older commit"),
    (live(reviews=()), "GK301", "no approving review"),
    (live(reviews=(approved("carol"), approved("carol").__class__(
        "carol", "DISMISSED", HEAD))), "GK301", "no approving review"),
])
def test_an_approval_that_does_not_count_blocks_with_its_own_reason(
    evidence: Evidence, code: str, words: str, evaluate_body: Evaluator,
) -> None:
    decision = evaluate_body(_body(), RED, load_policy_text(APPROVAL), evidence=evidence)
    assert _codes(decision) == [code]
    assert words in decision.reasons[0].message
    assert decision.reasons[0].field == "escalation_reviewer"


def test_maintain_and_admin_count_as_write(evaluate_body: Evaluator) -> None:
    for role in ("maintain", "admin"):
        evidence = live(permissions={(REPO, "carol"): role})
        assert evaluate_body(_body(), RED, load_policy_text(APPROVAL),
                             evidence=evidence).outcome == "pass"


def test_one_eligible_team_member_is_enough_and_ineligible_ones_are_named(
    evaluate_body: Evaluator,
) -> None:
    body = _body(escalation_reviewer="@acme/security")
    members = {"acme/security": frozenset({"carol", "sock"})}
    sock_only = live(reviews=(approved("sock"),), team_members=members,
                     permissions={(REPO, "sock"): "read"})
    decision = evaluate_body(body, RED, load_policy_text(APPROVAL), evidence=sock_only)
    assert _codes(decision) == ["GK304"] and "@sock" in decision.reasons[0].message
    both = live(reviews=(approved("sock"), approved("carol")), team_members=members,
                permissions={(REPO, "sock"): "read", (REPO, "carol"): "write"})
    assert evaluate_body(body, RED, load_policy_text(APPROVAL), evidence=both).outcome == "pass"


def test_a_reviewer_outside_the_policys_list_blocks_even_locally(
    evaluate_body: Evaluator,
) -> None:
    policy = load_policy_text(APPROVAL + "authority:\n  escalation_reviewers: ['@acme/security']\n")
    decision = evaluate_body(_body(escalation_reviewer="@mallory"), RED, policy)
    assert _codes(decision) == ["GK303"]
    listed = evaluate_body(_body(escalation_reviewer="@Acme/Security"), RED, policy)
    assert "GK303" not in _codes(listed)


def test_the_rules_ask_for_exactly_what_they_lack(evaluate_body: Evaluator) -> None:
    policy = load_policy_text(APPROVAL)
    first = evaluate_body(_body(), RED, policy,
                          evidence=Evidence(head_sha=HEAD, pull_request=PULL, author="alice"))
    assert {n.kind for n in first.needs} == {"reviews", "commits"}
    second = evaluate_body(_body(), RED, policy,
                           evidence=live(permissions={}))
    assert Need("permission", "carol", REPO) in second.needs
    assert second.outcome == "pending"
    # From the forge, what could not be read blocks: no pending there.
    settled = settle_pending(second)
    assert settled.outcome == "block" and _codes(settled) == ["GK915"]


def test_a_team_the_token_cannot_read_blocks_and_says_how_to_fix_it(
    evaluate_body: Evaluator,
) -> None:
    evidence = live(team_unreadable={"acme/security": "GitHub answered HTTP 403"})
    decision = evaluate_body(_body(escalation_reviewer="@acme/security"), RED,
                             load_policy_text(APPROVAL), evidence=evidence)
    assert _codes(decision) == ["GK916"]
    assert "GitHub App token" in decision.reasons[0].fix


# --- approval records -----------------------------------------------------------------------

def _record(**changes: object) -> ApprovalRecordFacts:
    base = dict(repository="acme/approvals", number=12, url="u", exists=True, labelled=True,
                labelled_by="bob", mentions_pull_request=True)
    base.update(changes)
    return ApprovalRecordFacts(**base)  # type: ignore[arg-type]


def test_a_labelled_record_naming_the_pr_passes(evaluate_body: Evaluator) -> None:
    evidence = live(approval_records={"APR-12": _record()},
                    permissions={("acme/approvals", "bob"): "write"})
    decision = evaluate_body(_body(), RED, load_policy_text(RECORDS), evidence=evidence)
    assert decision.outcome == "pass", decision.reasons


@pytest.mark.parametrize(("record", "permission", "code"), [
    (_record(exists=False), "write", "GK308"),
    (_record(is_pull_request=True), "write", "GK308"),
    (_record(labelled=False), "write", "GK309"),
    (_record(mentions_pull_request=False), "write", "GK310"),
    (_record(labelled_by="alice"), "write", "GK311"),  # the author labelled it
    (_record(labelled_by="bob"), "read", "GK311"),  # no write access to the records
    (_record(labelled_by="bot[bot]", labelled_by_bot=True), "write", "GK311"),
    (_record(labelled_by=None), "write", "GK311"),
])
def test_a_fabricated_or_borrowed_record_blocks(record: ApprovalRecordFacts, permission: str,
                                                code: str, evaluate_body: Evaluator) -> None:
    evidence = live(approval_records={"APR-12": record},
                    permissions={("acme/approvals", "bob"): permission})
    decision = evaluate_body(_body(), RED, load_policy_text(RECORDS), evidence=evidence)
    assert _codes(decision) == [code]
    assert decision.reasons[0].field == "approval_reference"


def test_a_record_is_pending_locally_and_asked_for_by_number(evaluate_body: Evaluator) -> None:
    decision = evaluate_body(_body(approval_reference="APR-0042"), RED,
                             load_policy_text(RECORDS))
    assert decision.outcome == "pending"
    assert Need("approval_record", "APR-0042", "acme/approvals", number=42,
                label="approved") in decision.needs


# --- change origin --------------------------------------------------------------------------

AI_TRAILERS = [
    "Co-authored-by: Claude <noreply@anthropic.com>",
    "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>",
    "Co-authored-by: Cursor <cursoragent@cursor.com>",
    "Co-authored-by: Cursor Agent <cursoragent@cursor.com>",
    "co-authored-by: aider (openai/gpt-5) <noreply@aider.chat>",
    "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
    "Co-authored-by: Gemini <gemini@example.org>",
]


@pytest.mark.parametrize("trailer", AI_TRAILERS)
def test_an_ai_co_author_declared_human_blocks_and_passes_as_ai_assisted(
    trailer: str, evaluate_body: Evaluator,
) -> None:
    evidence = live(commits=(commit(message=f"Add limiter\n\n{trailer}\n"),))
    human = evaluate_body(complete_body(), ["src/app.py"], evidence=evidence)
    assert _codes(human) == ["GK204"]
    assert "trailer" in human.reasons[0].message and human.computed_origin == "ai-assisted"
    assisted = evaluate_body(complete_body(change_origin="ai-assisted"), ["src/app.py"],
                             evidence=evidence)
    assert assisted.outcome == "pass", assisted.reasons
    assert assisted.to_record()["origin_evidence"]


@pytest.mark.parametrize("line", ["🤖 Generated with [Claude Code](https://claude.ai/code)",
                                  "Generated with Copilot", "Made with Cursor"])
def test_a_generated_with_line_is_evidence(line: str, evaluate_body: Evaluator) -> None:
    evidence = live(commits=(commit(message=f"Refactor\n\n{line}\n"),))
    assert _codes(evaluate_body(complete_body(), ["src/app.py"], evidence=evidence)) == ["GK204"]


@pytest.mark.parametrize("message", [
    "Co-authored-by: Claude Dupont <claude.dupont@example.com>",  # a person named Claude
    "Co-authored-by: Maria Cursor <maria@example.com>",
    "Made with love in Lisbon",
    "Generated with the protobuf compiler",
    "Fix the cursor position in the editor",
])
def test_people_and_ordinary_words_are_not_ai_evidence(message: str,
                                                       evaluate_body: Evaluator) -> None:
    evidence = live(commits=(commit(message=f"Change\n\n{message}\n"),))
    decision = evaluate_body(complete_body(), ["src/app.py"], evidence=evidence)
    assert decision.outcome == "pass", decision.reasons
    assert decision.computed_origin == "human"


@pytest.mark.parametrize("evidence", [
    live(author="copilot-swe-agent[bot]", author_is_bot=True),
    live(author="Copilot"),
    live(author="devin-ai-integration[bot]"),
    live(head_ref="codex/fix-login"),
    live(head_ref="claude/issue-12"),
    live(commits=(commit("chatgpt-codex-connector[bot]"),)),
    live(commits=(commit("alice", committer="cursor[bot]"),)),
])
def test_an_agents_change_declared_human_blocks(evidence: Evidence,
                                                evaluate_body: Evaluator) -> None:
    decision = evaluate_body(complete_body(accountable_owner="@alice"), ["src/app.py"],
                             evidence=evidence)
    assert _codes(decision) == ["GK204"] and decision.computed_origin == "agent"
    agent = evaluate_body(complete_body(change_origin="agent", accountable_owner="@alice"),
                          ["src/app.py"], evidence=evidence)
    assert agent.outcome == "pass", agent.reasons


def test_evidence_only_raises_the_origin(evaluate_body: Evaluator) -> None:
    decision = evaluate_body(complete_body(change_origin="agent", accountable_owner="@alice"),
                             ["src/app.py"], evidence=live())
    assert decision.outcome == "pass" and decision.computed_origin == "human"


def test_the_origin_is_pending_locally_without_commits(evaluate_body: Evaluator) -> None:
    decision = evaluate_body(complete_body(), ["src/app.py"])
    assert decision.outcome == "pending"
    assert [c.check for c in decision.pending_checks()] == ["commits"]
    # An origin declared as agent cannot be raised: nothing is left for GitHub there.
    agent = evaluate_body(complete_body(change_origin="agent"), ["src/app.py"])
    assert "commits" not in [c.check for c in agent.pending_checks()]


def test_the_policy_extends_the_signals(evaluate_body: Evaluator) -> None:
    policy = load_policy_text("version: 1\nprovenance:\n  agent_branch_prefixes: [bots/]\n"
                              "  ai_tools: [Acme Assist]\n")
    on_branch = evaluate_body(complete_body(), ["src/app.py"], policy,
                              evidence=live(head_ref="bots/x"))
    assert _codes(on_branch) == ["GK204"]
    trailer = live(commits=(commit(message="x\n\nCo-authored-by: Acme Assist <a@b.c>"),))
    assert _codes(evaluate_body(complete_body(), ["src/app.py"], policy,
                                evidence=trailer)) == ["GK204"]


# --- an agent's accountable owner -----------------------------------------------------------

AGENT_PR = dict(author="copilot-swe-agent[bot]", author_is_bot=True)


@pytest.mark.parametrize(("owner", "permissions", "code"), [
    ("@Copilot", {}, "GK312"),
    ("@dave", {(REPO, "dave"): "read"}, "GK313"),
])
def test_an_agents_change_needs_a_human_owner_with_write_access(
    owner: str, permissions: dict[tuple[str, str], str], code: str, evaluate_body: Evaluator,
) -> None:
    evidence = live(permissions={(REPO, "carol"): "write", **permissions}, **AGENT_PR)
    decision = evaluate_body(complete_body(change_origin="agent", accountable_owner=owner),
                             ["src/app.py"], evidence=evidence)
    assert _codes(decision) == [code]


def test_owner_approval_when_the_policy_asks_for_it(evaluate_body: Evaluator) -> None:
    policy = load_policy_text("version: 1\nprovenance:\n  agent_owner_must_approve: true\n")
    body = complete_body(change_origin="agent", accountable_owner="@alice")
    missing = evaluate_body(body, ["src/app.py"], policy, evidence=live(**AGENT_PR))
    assert _codes(missing) == ["GK314"]
    given = live(reviews=(approved("alice"),), **AGENT_PR)
    assert evaluate_body(body, ["src/app.py"], policy, evidence=given).outcome == "pass"


# --- exemptions and required checks ---------------------------------------------------------

EXEMPT = ("version: 1\nexemptions:\n  - name: lockfiles\n    authors: ['dependabot[bot]']\n"
          "    paths: [package-lock.json]\n")


def test_an_exemption_holds_only_when_every_commit_is_the_exempt_accounts(
    evaluate_body: Evaluator,
) -> None:
    policy = load_policy_text(EXEMPT)
    own = live(author="dependabot[bot]", commits=(
        commit("dependabot[bot]", committer="web-flow"),))
    exempt = evaluate_body("Bumps lodash.", ["package-lock.json"], policy, evidence=own)
    assert exempt.kind == "exempt" and exempt.outcome == "pass"
    hijacked = live(author="dependabot[bot]", commits=(
        commit("dependabot[bot]"), commit("mallory", sha="d" * 40)))
    judged = evaluate_body("Bumps lodash.", ["package-lock.json"], policy, evidence=hijacked)
    assert judged.kind == "judged" and judged.blocked
    refused = judged.caveat("exemption_refused")
    assert refused is not None and "@mallory" in refused.detail and not refused.pending


def test_an_exemption_is_pending_locally(evaluate_body: Evaluator) -> None:
    decision = evaluate_body("Bumps lodash.", ["package-lock.json"],
                             load_policy_text(EXEMPT), author="dependabot[bot]")
    assert decision.kind == "exempt" and decision.outcome == "pending"


@pytest.mark.parametrize(("runs", "words"), [
    ((), "has not run"),
    ((CheckRunFacts("tests", "in_progress", None),), "is in progress"),
    ((CheckRunFacts("tests", "completed", "failure"),), "concluded failure"),
    ((CheckRunFacts("tests", "completed", "success"),), None),
])
def test_required_checks_are_confirmed_by_github(runs: tuple[CheckRunFacts, ...],
                                                 words: str | None,
                                                 evaluate_body: Evaluator) -> None:
    policy = load_policy_text("version: 1\ntest_evidence:\n  require_checks: [tests]\n")
    decision = evaluate_body(complete_body(), ["src/app.py"], policy,
                             evidence=live(check_runs={"tests": runs}))
    if words is None:
        assert decision.outcome == "pass"
    else:
        assert _codes(decision) == ["GK108"] and words in decision.reasons[0].message


def test_pending_is_in_the_record_and_valid(evaluate_body: Evaluator,
                                            valid_record: Callable[..., None]) -> None:
    decision = evaluate_body(_body(), RED, load_policy_text(APPROVAL))
    record = decision.to_record()
    valid_record(record)
    assert record["decision"] == "pending"
    assert {c["check"] for c in record["caveats"] if c["pending"]} == {
        "escalation_approval", "commits"}


# --- found in review: ways around, and honest authors wrongly blocked -----------------------

def test_the_person_who_set_an_agent_going_cannot_approve_its_change(
    evaluate_body: Evaluator,
) -> None:
    policy = load_policy_text(APPROVAL)
    agent_commit = commit("copilot-swe-agent[bot]", message=(
        "Fix refresh\n\nCo-authored-by: carol <4242+carol@users.noreply.github.com>"))
    evidence = live(author="copilot-swe-agent[bot]", author_is_bot=True,
                    commits=(agent_commit,))
    body = _body(change_origin="agent", accountable_owner="@alice")
    assert _codes(evaluate_body(body, RED, policy, evidence=evidence)) == ["GK307"]
    # A co-author on a person's commit wrote the change too: the approval does not count.
    human = live(commits=(commit("alice", message="x\n\nCo-authored-by: carol <c@x.io>"),))
    assert _codes(evaluate_body(_body(), RED, policy, evidence=human)) == ["GK307"]
    # Someone else named as co-author leaves carol's approval standing.
    other = live(commits=(commit("alice", message="x\n\nCo-authored-by: dave <d@x.io>"),))
    assert evaluate_body(_body(), RED, policy, evidence=other).outcome == "pass"


def test_the_owner_of_an_agents_change_cannot_also_authorise_it(
    evaluate_body: Evaluator,
) -> None:
    evidence = live(author="copilot-swe-agent[bot]", author_is_bot=True)
    body = _body(change_origin="agent", accountable_owner="@carol")
    assert _codes(evaluate_body(body, RED, load_policy_text(APPROVAL),
                                evidence=evidence)) == ["GK315"]


def test_an_approver_who_pushed_under_a_no_reply_address_still_pushed(
    evaluate_body: Evaluator,
) -> None:
    from gatekeeper.core.authority.facts import CommitRecord, Person

    unlinked = Person("Carol", "4242+carol@users.noreply.github.com")  # GitHub linked none
    pushed = CommitRecord("d" * 40, "fixup", unlinked, unlinked, verified=False)
    evidence = live(commits=(commit(), pushed))
    assert _codes(evaluate_body(_body(), RED, load_policy_text(APPROVAL),
                                evidence=evidence)) == ["GK307"]


def test_an_exemption_wants_githubs_link_and_signature_not_a_typed_address(
    evaluate_body: Evaluator,
) -> None:
    from gatekeeper.core.authority.facts import CommitRecord, Person

    policy = load_policy_text(EXEMPT)
    spoofed = CommitRecord("e" * 40, "pin lodash to a fork",
                           Person("dependabot[bot]", "dependabot[bot]@users.noreply.github.com"),
                           Person("GitHub", "noreply@github.com"), verified=False)
    own = commit("dependabot[bot]", committer="web-flow")
    evidence = live(author="dependabot[bot]", author_is_bot=True, commits=(own, spoofed))
    decision = evaluate_body("Bumps lodash.", ["package-lock.json"], policy, evidence=evidence)
    assert decision.kind == "judged" and decision.blocked
    unsigned = live(author="dependabot[bot]", author_is_bot=True,
                    commits=(commit("dependabot[bot]", verified=False),))
    refused = evaluate_body("Bumps lodash.", ["package-lock.json"], policy, evidence=unsigned)
    caveat = refused.caveat("exemption_refused")
    assert caveat is not None and "not signed" in caveat.detail


def test_an_exemption_does_not_waive_required_checks(evaluate_body: Evaluator) -> None:
    policy = load_policy_text(EXEMPT + "test_evidence:\n  require_checks: [tests]\n")
    evidence = live(author="dependabot[bot]", author_is_bot=True,
                    commits=(commit("dependabot[bot]", committer="web-flow"),),
                    check_runs={"tests": (CheckRunFacts("tests", "completed", "failure"),)})
    decision = evaluate_body("Bumps lodash.", ["package-lock.json"], policy, evidence=evidence)
    assert decision.kind == "exempt" and _codes(decision) == ["GK108"]


@pytest.mark.parametrize("message", [
    "Co-authored-by: Claude-Code <x@y.z>",
    "Generated with claude-code",
    "Generated using ChatGPT-4o",
    "Co-authored-by: Windsurf Cascade <w@y.z>",
    "Assisted-by: Claude",
    "Generated-by: Claude Code",
    "Co-developed-by: Gemini 2.5 Pro <g@y.z>",
    "Co-authored-by:Claude <noreply@anthropic.com>",
])
def test_more_ways_tools_sign_their_work(message: str, evaluate_body: Evaluator) -> None:
    evidence = live(commits=(commit(message=f"Change\n\n{message}\n"),))
    assert evaluate_body(complete_body(), ["src/app.py"],
                         evidence=evidence).computed_origin == "ai-assisted"


@pytest.mark.parametrize("message", [
    "Co-authored-by: Devin <devin.jones@acme.example>",
    "Co-authored-by: Claude <claude.martin@acme.example>",
    "Authored by Devin Smith",
])
def test_colleagues_named_like_tools_are_people(message: str, evaluate_body: Evaluator) -> None:
    evidence = live(commits=(commit(message=f"Change\n\n{message}\n"),))
    assert evaluate_body(complete_body(), ["src/app.py"],
                         evidence=evidence).computed_origin == "human"


def test_an_aider_commit_is_ai_assisted_and_formatting_bots_are_not_agents(
    evaluate_body: Evaluator,
) -> None:
    from gatekeeper.core.authority.facts import CommitRecord, Person

    aider = Person("Bob Smith (aider)", "bob@example.com", "bob")
    assisted = live(commits=(CommitRecord("a" * 40, "x", aider, aider, verified=False),))
    assert evaluate_body(complete_body(), ["src/app.py"],
                         evidence=assisted).computed_origin == "ai-assisted"
    autofix = live(commits=(commit(), commit("pre-commit-ci[bot]", sha="b" * 40)))
    decision = evaluate_body(complete_body(), ["src/app.py"], evidence=autofix)
    assert decision.computed_origin == "human" and decision.outcome == "pass"
