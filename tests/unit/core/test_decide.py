"""evaluate(): pass or block, with the codes, fields and body lines that explain it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gatekeeper.core.authority.facts import ReviewRecord
from gatekeeper.core.decide import could_not_evaluate, evaluate
from gatekeeper.core.model import ChangedPath, Decision, PolicyOrigin, RiskClass
from gatekeeper.core.policy.load import Policy
from gatekeeper.core.reasons import Code
from tests.support.evidence import live
from tests.support.fixtures import EVALUATED_AT, load_policy_text

Evaluator = Callable[..., Decision]
RecordCheck = Callable[..., None]

CONTRACT = """\
## Summary
Add rate limiting to the login endpoint.

## Contract
- **Risk level:** {risk}
- **Accountable owner:** @bob
- **Change origin:** human
- **Test evidence:** `pytest tests/auth -q`: 31 passed
"""

ESCALATION = """
## Escalation
- **Escalation reviewer:** @acme/security
- **Approval reference:** SEC-2291
- **Rollback plan:** revert the PR; the limiter is behind a flag
"""

EMPTY_ESCALATION = """
## Escalation
<!-- Required when the risk level is RED. -->
- **Escalation reviewer:** <!-- @handle or @org/team -->
- **Approval reference:** <!-- e.g. APR-1234 -->
- **Rollback plan:** <!-- how to undo this change, and how it was checked -->
"""


def codes(decision: Decision) -> list[tuple[str, str | None, int | None]]:
    return [(r.code, r.field, r.line) for r in decision.reasons]


def test_complete_green_contract_passes(evaluate_body: Evaluator,
                                        valid_record: RecordCheck) -> None:
    # With the commits read (a person's, no AI trailers), nothing is left to check.
    decision = evaluate_body(CONTRACT.format(risk="GREEN"), ["src/ui/view.py"],
                             evidence=live())
    assert decision.outcome == "pass"
    assert decision.blocked is False
    assert (decision.computed_class, decision.declared_class) == (RiskClass.GREEN,
                                                                  RiskClass.GREEN)
    record = decision.to_record()
    valid_record(record)
    assert record["decision"] == "pass"
    assert record["reasons"] == []
    assert record["red_paths"] == []
    assert record["evaluated_at"] == EVALUATED_AT
    assert record["policy"]["source"] == "policy.yml"


def test_red_class_change_requires_escalation_section(evaluate_body: Evaluator,
                                                      valid_record: RecordCheck) -> None:
    body = CONTRACT.format(risk="RED")
    decision = evaluate_body(body, ["src/auth/login.py"])
    assert decision.outcome == "block"
    assert decision.computed_class is RiskClass.RED
    # With no Escalation section the reasons point at the Contract heading (line 4).
    assert codes(decision) == [
        ("GK202", "approval_reference", 4),
        ("GK202", "escalation_reviewer", 4),
        ("GK202", "rollback_plan", 4),
    ]
    assert all("RED change" in r.message and "is missing" in r.message
               for r in decision.reasons)
    valid_record(decision.to_record())
    assert decision.to_record()["red_paths"] == [{"path": "src/auth/login.py",
                                                  "pattern": "auth/"}]

    # The template's empty section: each reason points at its own field's line.
    hinted = evaluate_body(body + EMPTY_ESCALATION, ["src/auth/login.py"])
    assert codes(hinted) == [
        ("GK202", "escalation_reviewer", 12),
        ("GK202", "approval_reference", 13),
        ("GK202", "rollback_plan", 14),
    ]
    assert all("is left empty" in r.message for r in hinted.reasons)

    complete = evaluate_body(body + ESCALATION, ["src/auth/login.py"])
    assert complete.outcome != "block", codes(complete)


def test_declaring_red_requires_escalation_even_on_green_paths(
        evaluate_body: Evaluator) -> None:
    decision = evaluate_body(CONTRACT.format(risk="RED"), ["docs/readme.md"])
    assert decision.computed_class is RiskClass.GREEN
    assert [c for c, _, _ in codes(decision)] == ["GK202", "GK202", "GK202"]


def test_escalation_section_need_not_be_filled_for_green(evaluate_body: Evaluator) -> None:
    decision = evaluate_body(CONTRACT.format(risk="GREEN") + EMPTY_ESCALATION, ["src/a.py"])
    assert decision.outcome != "block"


def test_over_declaring_is_allowed(evaluate_body: Evaluator) -> None:
    decision = evaluate_body(CONTRACT.format(risk="AMBER"), ["src/a.py"])
    assert decision.outcome != "block"
    assert (decision.computed_class, decision.declared_class) == (RiskClass.GREEN,
                                                                  RiskClass.AMBER)


def test_under_declared_names_paths_and_patterns(evaluate_body: Evaluator) -> None:
    decision = evaluate_body(CONTRACT.format(risk="GREEN"),
                             ["src/auth/session.py", "infra/main.tf", "src/app.py"])
    under = [r for r in decision.reasons if r.code == "GK201"]
    assert len(under) == 1
    assert (under[0].field, under[0].line) == ("risk_level", 5)
    assert under[0].message == ("declared GREEN but the change is RED: "
                                "src/auth/session.py (auth/), infra/main.tf (*.tf)")
    assert "RED" in under[0].fix and "Escalation" in under[0].fix


def test_under_declared_lists_five_paths_then_counts(evaluate_body: Evaluator) -> None:
    paths = [f"src/auth/m{n}.py" for n in range(8)]
    decision = evaluate_body(CONTRACT.format(risk="AMBER"), paths)
    under = next(r for r in decision.reasons if r.code == "GK201")
    assert under.message.startswith("declared AMBER but the change is RED: src/auth/m0.py")
    assert under.message.endswith("src/auth/m4.py (auth/) and 3 more")


def test_amber_under_declared_as_green(evaluate_body: Evaluator) -> None:
    decision = evaluate_body(CONTRACT.format(risk="GREEN"), ["package.json"])
    assert codes(decision) == [("GK201", "risk_level", 5)]
    assert decision.reasons[0].message == (
        "declared GREEN but the change is AMBER: package.json (package.json)")


def test_missing_risk_level_still_classifies(evaluate_body: Evaluator) -> None:
    body = CONTRACT.format(risk="<!-- GREEN, AMBER or RED -->")
    decision = evaluate_body(body, ["src/app.py"])
    assert decision.declared_class is None
    assert codes(decision) == [("GK101", "risk_level", 5)]
    assert decision.reasons[0].message == "Risk level is left empty"


def test_empty_body_lists_every_required_field(evaluate_body: Evaluator,
                                               valid_record: RecordCheck) -> None:
    decision = evaluate_body("", ["src/app.py"])
    assert codes(decision) == [
        ("GK101", "accountable_owner", None), ("GK101", "change_origin", None),
        ("GK101", "risk_level", None), ("GK101", "test_evidence", None),
    ]
    valid_record(decision.to_record())


def test_reasons_are_in_body_order(evaluate_body: Evaluator) -> None:
    body = ("- **Test evidence:** TBD\n- **Change origin:** robot\n"
            "- **Accountable owner:** bob\n- **Risk level:** GREEN\n")
    decision = evaluate_body(body, [])
    assert codes(decision) == [("GK102", "test_evidence", 1), ("GK103", "change_origin", 2),
                               ("GK103", "accountable_owner", 3)]


def test_normalized_values_are_accepted(evaluate_body: Evaluator) -> None:
    body = CONTRACT.format(risk="green").replace("human", "AI_Assisted")
    assert evaluate_body(body, []).outcome != "block"


def test_decision_id_is_a_stable_digest_of_the_inputs(evaluate_body: Evaluator) -> None:
    body = CONTRACT.format(risk="GREEN")
    first = evaluate_body(body, ["src/a.py"])
    assert first.id == evaluate_body(body, ["src/a.py"]).id
    assert first.id.startswith("gk-") and len(first.id) == 19
    assert first.id != evaluate_body(body + "\n", ["src/a.py"]).id
    assert first.id != evaluate_body(body, ["src/b.py"]).id
    assert first.id != evaluate_body(body, ["src/a.py"], author="bob").id


def test_blocked_decision_record_validates(evaluate_body: Evaluator,
                                           valid_record: RecordCheck) -> None:
    decision = evaluate_body(CONTRACT.format(risk="GREEN"),
                             ["src/auth/x.py", "package.json", "README.md"])
    record = decision.to_record()
    valid_record(record)
    assert record["decision"] == "block"
    assert record["computed_class"] == "RED"
    assert record["declared_class"] == "GREEN"
    assert record["red_paths"] == [{"path": "src/auth/x.py", "pattern": "auth/"}]
    assert record["amber_paths"] == [{"path": "package.json", "pattern": "package.json"}]
    assert all(reason["fix"] for reason in record["reasons"])


def test_evaluate_is_pure_over_its_inputs(default_policy: Policy) -> None:
    from gatekeeper import resources

    schema = resources.schema("contract")
    before = repr(schema)
    args = (CONTRACT.format(risk="GREEN"), [ChangedPath("src/auth/x.py")], default_policy)
    one = evaluate(*args, contract_schema=schema, evaluated_at=EVALUATED_AT, version="1")
    two = evaluate(*args, contract_schema=schema, evaluated_at=EVALUATED_AT, version="1")
    assert one == two
    assert repr(schema) == before, "evaluate() must not modify the shared contract schema"


# --- authority (GK3xx) --------------------------------------------------------------------

AUTHORITY_POLICY = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
                    "authority:\n  require_escalation_approval: true\n")
HEAD = "a" * 40
OLD = "b" * 40


def _red_complete(reviewer: str = "@acme/security") -> str:
    return CONTRACT.format(risk="RED") + ESCALATION.replace("@acme/security", reviewer)


def test_authority_is_pending_not_passed_without_github(evaluate_body: Evaluator) -> None:
    decision = evaluate_body(_red_complete(), ["auth/x.py"],
                             load_policy_text(AUTHORITY_POLICY))
    assert decision.outcome == "pending"
    caveat = decision.caveat("escalation_approval")
    assert caveat is not None and caveat.subject == "@acme/security" and caveat.pending
    assert caveat.detail == "a member of @acme/security's approval on GitHub"
    record = decision.to_record()
    assert record["decision"] == "pending"
    assert {"check": "escalation_approval", "detail": caveat.detail,
            "subject": "@acme/security", "pending": True} in record["caveats"]
    assert record["kind"] == "judged" and record["effective_class"] == "RED"
    assert record["contract"]["escalation_reviewer"] == "@acme/security"
    assert "risk_class" not in record["contract"]


@pytest.mark.parametrize(
    ("reviewer", "reviews", "members", "expected"),
    [
        ("@carol", [ReviewRecord("Carol", "APPROVED", HEAD)], {}, []),
        ("@carol", [ReviewRecord("carol", "APPROVED", OLD)], {}, ["GK302"]),
        ("@carol", [ReviewRecord("dave", "APPROVED", HEAD)], {}, ["GK301"]),
        ("@carol", [ReviewRecord("carol", "APPROVED", HEAD),
                    ReviewRecord("carol", "CHANGES_REQUESTED", HEAD)], {}, ["GK301"]),
        ("@carol", [ReviewRecord("carol", "APPROVED", HEAD),
                    ReviewRecord("carol", "COMMENTED", HEAD)], {}, []),
        ("@acme/security", [ReviewRecord("erin", "APPROVED", HEAD)],
         {"acme/security": frozenset({"erin"})}, []),
        ("@acme/security", [ReviewRecord("erin", "APPROVED", HEAD)],
         {"acme/security": frozenset({"frank"})}, ["GK301"]),
        ("@carol", [], {}, ["GK301"]),
    ],
)
def test_authority_checks_approval_on_head(
    reviewer: str, reviews: list[ReviewRecord], members: dict[str, frozenset[str]],
    expected: list[str], evaluate_body: Evaluator,
) -> None:
    permissions = {("acme/app", login): "write" for login in ("carol", "dave", "erin", "frank")}
    evidence = live(head_sha=HEAD, reviews=tuple(reviews), team_members=members,
                    permissions=permissions)
    decision = evaluate_body(_red_complete(reviewer), ["auth/x.py"],
                             load_policy_text(AUTHORITY_POLICY), evidence=evidence)
    assert codes(decision) == [(code, "escalation_reviewer", 11) for code in expected]


def test_could_not_evaluate_always_blocks(valid_record: RecordCheck) -> None:
    decision = could_not_evaluate(
        Code.GK902, "could not list the changed files: HTTP 502", "re-run the check",
        policy=PolicyOrigin("acme/app:.github/gatekeeper.yml", ref="main", sha="c" * 40),
        evaluated_at=EVALUATED_AT, version="1.0", identity="acme/app#7",
    )
    assert decision.outcome == "block"
    record = decision.to_record()
    valid_record(record)
    assert record["reasons"] == [{"code": "GK902", "message": "could not list the changed "
                                  "files: HTTP 502", "field": None, "line": None,
                                  "fix": "re-run the check"}]
    assert record["policy"] == {"source": "acme/app:.github/gatekeeper.yml", "ref": "main",
                                "sha": "c" * 40, "central": None}
    assert record["kind"] == "could_not_evaluate" and record["contract"] == {}


def test_could_not_evaluate_refuses_a_contract_code() -> None:
    with pytest.raises(ValueError, match="GK101"):
        could_not_evaluate(Code.GK101, "x", "y", policy=PolicyOrigin("p"),
                           evaluated_at=EVALUATED_AT, version="1.0")
