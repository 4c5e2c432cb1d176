"""verify: which of the GitHub rules a contract, its class and the policy call for, applied
to the evidence, with each reason on the contract line it is about."""

from __future__ import annotations

import pytest

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.facts import CheckRunFacts
from gatekeeper.core.authority.judge import COMMITS_CHECK, Need
from gatekeeper.core.authority.provenance import Origin
from gatekeeper.core.authority.verify import verify
from gatekeeper.core.model import Contract, FieldValue, RiskClass
from gatekeeper.core.policy.load import Policy
from tests.support.evidence import REPO, live
from tests.support.fixtures import load_policy_text

BASE = "version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
LINES = {"change_origin": 4, "accountable_owner": 5, "escalation_reviewer": 9,
         "approval_reference": 10, "test_evidence": 6}


def _contract(**values: str) -> Contract:
    return Contract({name: FieldValue(name, value, LINES[name], "filled")
                     for name, value in values.items()})


def _policy(extra: str = "") -> Policy:
    return load_policy_text(BASE + extra)


def _codes(found) -> list[str]:
    return [str(r.code) for r in found.findings.reasons]


def test_nothing_to_verify_for_a_green_human_change() -> None:
    verified = verify(_contract(change_origin="human"), RiskClass.GREEN, _policy(), live())
    assert verified.findings.reasons == [] and verified.findings.pending == []
    assert verified.provenance.origin is Origin.HUMAN and verified.provenance.commits_read


def test_an_origin_below_the_evidence_blocks_on_its_line() -> None:
    evidence = live(author="robot", author_is_bot=True, head_ref="robot/fix")
    verified = verify(_contract(change_origin="human"), RiskClass.GREEN,
                      _policy("provenance:\n  agent_branch_prefixes: [robot/]\n"), evidence)
    [reason] = verified.findings.reasons
    assert (str(reason.code), reason.field, reason.line) == ("GK204", "change_origin", 4)
    assert reason.message.startswith("declared change origin human but the pull request "
                                     "was opened by @robot")
    assert "(and 1 more signal)" in reason.message
    assert reason.message.endswith("the change is at least agent")
    assert reason.fix == ("declare Change origin: agent and name a human accountable owner "
                          "with write access")


@pytest.mark.parametrize("declared", ["agent", "Agent"])
def test_an_origin_at_or_above_the_evidence_passes(declared: str) -> None:
    evidence = live(author="robot", author_is_bot=True)
    assert _codes(verify(_contract(change_origin=declared), RiskClass.GREEN, _policy(),
                         evidence)) == []


def test_unread_commits_leave_a_lower_origin_pending_but_not_agent() -> None:
    unread = Evidence()
    human = verify(_contract(change_origin="human"), RiskClass.GREEN, _policy(), unread)
    [caveat] = human.findings.pending
    assert caveat.check == COMMITS_CHECK and caveat.pending
    assert human.findings.needs == {Need("commits")}
    agent = verify(_contract(change_origin="agent"), RiskClass.GREEN, _policy(), unread)
    assert agent.findings.pending == [] and agent.findings.needs == set()


def test_an_undeclared_origin_waits_on_nothing() -> None:
    verified = verify(_contract(), RiskClass.GREEN, _policy(), Evidence())
    assert verified.findings.pending == []


def test_an_agents_owner_is_judged_only_when_the_origin_is_agent() -> None:
    evidence = live(permissions={(REPO, "dave"): "read"})
    human = verify(_contract(change_origin="human", accountable_owner="@dave"),
                   RiskClass.GREEN, _policy(), evidence)
    assert _codes(human) == []
    agent = verify(_contract(change_origin="agent", accountable_owner="@dave"),
                   RiskClass.GREEN, _policy(), evidence)
    assert _codes(agent) == ["GK313"]
    assert agent.findings.reasons[0].line == LINES["accountable_owner"]


def test_the_evidence_makes_the_origin_agent_for_the_owner_rule_too() -> None:
    evidence = live(author="robot", author_is_bot=True, permissions={(REPO, "dave"): "read"})
    verified = verify(_contract(change_origin="ai-assisted", accountable_owner="@dave"),
                      RiskClass.GREEN, _policy(), evidence)
    assert _codes(verified) == ["GK204", "GK313"]


def test_a_red_changes_reviewer_must_be_listed_and_then_is_not_asked_for_approval() -> None:
    policy = _policy("authority:\n  escalation_reviewers: ['@carol']\n")
    verified = verify(_contract(escalation_reviewer="@mallory"), RiskClass.RED, policy,
                      live(reviews=()))
    assert _codes(verified) == ["GK303"]
    assert verified.findings.reasons[0].line == LINES["escalation_reviewer"]


def test_a_red_changes_reviewer_must_have_approved_the_head() -> None:
    contract = _contract(escalation_reviewer="@carol")
    assert _codes(verify(contract, RiskClass.RED, _policy(), live())) == []
    missing = verify(contract, RiskClass.RED, _policy(), live(reviews=()))
    assert _codes(missing) == ["GK301"]
    assert missing.findings.reasons[0].line == LINES["escalation_reviewer"]
    unread = verify(contract, RiskClass.RED, _policy(), live(reviews=None))
    assert Need("reviews") in unread.findings.needs


def test_no_approval_is_asked_below_red_or_when_the_policy_does_not_require_it() -> None:
    contract = _contract(escalation_reviewer="@carol")
    assert _codes(verify(contract, RiskClass.AMBER, _policy(), live(reviews=()))) == []
    off = _policy("authority:\n  require_escalation_approval: false\n")
    assert _codes(verify(contract, RiskClass.RED, off, live(reviews=()))) == []


RECORDS = ("authority:\n  require_escalation_approval: false\n"
           "  approval_records: {repository: acme/approvals, label: approved}\n")


def test_an_approval_record_is_read_only_for_a_well_formed_reference() -> None:
    policy = _policy(RECORDS)
    wanted = verify(_contract(approval_reference="APR-12"), RiskClass.RED, policy, live())
    [need] = [n for n in wanted.findings.needs if n.kind == "approval_record"]
    assert (need.scope, need.number, need.label) == ("acme/approvals", 12, "approved")
    for reference in ("see the ticket", "APR-12 and more"):
        found = verify(_contract(approval_reference=reference), RiskClass.RED, policy, live())
        assert found.findings.needs == set() and found.findings.reasons == []


def test_no_approval_record_without_the_policy_naming_where_they_live() -> None:
    found = verify(_contract(approval_reference="APR-12"), RiskClass.RED, _policy(), live())
    assert found.findings.needs == set()


CHECKS = "test_evidence:\n  require_checks: [ci]\n"


def test_a_failed_required_check_blocks_on_the_test_evidence_line() -> None:
    failed = live(check_runs={"ci": (CheckRunFacts("ci", "completed", "failure"),)})
    with_line = verify(_contract(test_evidence="CI"), RiskClass.GREEN, _policy(CHECKS), failed)
    [reason] = with_line.findings.reasons
    assert (str(reason.code), reason.field, reason.line) == ("GK108", "test_evidence", 6)
    assert "concluded failure" in reason.message
    without = verify(_contract(), RiskClass.GREEN, _policy(CHECKS), failed)
    assert without.findings.reasons[0].line is None


def test_an_unread_required_check_is_pending_once() -> None:
    found = verify(_contract(), RiskClass.GREEN, _policy(CHECKS), live())
    assert [c.subject for c in found.findings.pending] == ["ci"]
    assert Need("check_runs", "ci") in found.findings.needs
    passed = live(check_runs={"ci": (CheckRunFacts("ci", "completed", "success"),)})
    assert verify(_contract(), RiskClass.GREEN, _policy(CHECKS), passed).findings.pending == []


def test_an_unfilled_field_is_not_verified() -> None:
    contract = Contract({"escalation_reviewer": FieldValue("escalation_reviewer", "TBD", 9,
                                                           "placeholder")})
    found = verify(contract, RiskClass.RED, _policy(), live(reviews=()))
    assert found.findings.reasons == []

