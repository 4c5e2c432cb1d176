"""publish_plan(): labels, comment and status text follow the decision and nothing else."""

from __future__ import annotations

from gatekeeper import resources
from gatekeeper.constants import LABEL_BLOCKED, LABEL_RED
from gatekeeper.core.decide import could_not_evaluate, evaluate
from gatekeeper.core.model import ChangedPath, Decision, PolicyOrigin
from gatekeeper.core.publishing import publish_plan
from gatekeeper.core.reasons import Code
from gatekeeper.local.policy_source import default_policy
from tests.support.bodies import complete_body


def _decide(body: str, *paths: str) -> Decision:
    return evaluate(body, [ChangedPath(p) for p in paths], default_policy(),
                    contract_schema=resources.schema("contract"),
                    evaluated_at="2026-11-21T00:00:00Z", version="t")


def test_a_blocked_red_change_names_its_first_field_and_counts_the_rest() -> None:
    plan = publish_plan(_decide(complete_body("RED", approval_reference="TBD",
                                              rollback_plan="", escalation_reviewer=""),
                                "src/auth/login.py"))
    assert plan.labels == frozenset({LABEL_RED, LABEL_BLOCKED})
    assert plan.comment == "write" and plan.status_state == "failure"
    assert plan.status_description == (
        "blocked: GK202 Escalation → Escalation reviewer: left empty (+2 more)")


def test_a_long_state_is_cut_to_githubs_140_characters_keeping_the_count() -> None:
    plan = publish_plan(_decide(complete_body("GREEN", risk_level="purple " * 50,
                                              test_evidence="TBD"), "docs/a.md"))
    assert len(plan.status_description) == 140
    assert plan.status_description.startswith("blocked: GK103 Contract → Risk level: 'purple")
    assert plan.status_description.endswith("… (+1 more)")


def test_a_pass_updates_only_and_drops_the_blocked_label() -> None:
    plan = publish_plan(_decide(complete_body("RED"), "src/auth/login.py"))
    assert plan.labels == frozenset({LABEL_RED}) and plan.comment == "update"
    assert (plan.status_state, plan.status_description) == ("success", "passed: class RED")


def test_could_not_evaluate_leaves_labels_alone_and_says_why() -> None:
    decision = could_not_evaluate(Code.GK902, "the changed files could not be listed",
                                  "re-run", policy=PolicyOrigin("p"),
                                  evaluated_at="2026-11-21T00:00:00Z", version="t")
    plan = publish_plan(decision)
    assert plan.labels is None and plan.status_state == "failure"
    assert plan.status_description == "blocked: GK902 the changed files could not be listed"
