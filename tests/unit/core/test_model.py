"""model: the shapes' own logic: class ranks, outcomes, blocking on more, the record."""

from __future__ import annotations

import pytest

from gatekeeper.core.model import (
    RECORD_SCHEMA_VERSION,
    BodyProblem,
    Caveat,
    ChangedPath,
    Classification,
    Contract,
    Exemption,
    FieldValue,
    PathMatch,
    Reason,
    RiskClass,
    highest,
)
from gatekeeper.core.reasons import Code
from tests.support.decisions import decision as build

GREEN, AMBER, RED = RiskClass.GREEN, RiskClass.AMBER, RiskClass.RED


@pytest.mark.parametrize(("text", "parsed"), [
    ("RED", RED), (" amber ", AMBER), ("Green\n", GREEN), ("", None), ("PURPLE", None),
    ("RE D", None),
])
def test_a_class_is_parsed_whatever_its_case_and_spacing(text: str,
                                                         parsed: RiskClass | None) -> None:
    assert RiskClass.parse(text) is parsed


def test_classes_rank_and_print_as_their_name() -> None:
    assert [c.rank for c in (GREEN, AMBER, RED)] == [0, 1, 2]
    assert str(RED) == "RED" and f"{AMBER}" == "AMBER"


@pytest.mark.parametrize(("classes", "top"), [
    ([], GREEN), ([GREEN], GREEN), ([AMBER, GREEN], AMBER), ([GREEN, RED, AMBER], RED),
])
def test_highest_is_the_highest_rank_and_green_for_none(classes: list[RiskClass],
                                                        top: RiskClass) -> None:
    assert highest(classes) is top


def test_a_contract_gives_only_its_filled_fields() -> None:
    contract = Contract({
        "risk": FieldValue("risk", "RED", 3, "filled"),
        "rollback": FieldValue("rollback", "TBD", 4, "placeholder"),
        "owner": FieldValue("owner", "", 5, "empty"),
    }, problems=(BodyProblem("bad block", 9),))
    assert contract.filled() == {"risk": "RED"}


def test_a_path_and_a_rename_list_their_paths_old_first() -> None:
    assert ChangedPath("a").all_paths() == ("a",)
    assert ChangedPath("new", old_path="old").all_paths() == ("old", "new")


def test_a_classification_lists_the_matches_of_one_class_in_order() -> None:
    matches = (PathMatch("a", RED, "a*"), PathMatch("b", AMBER, "b*"), PathMatch("c", RED, "c"))
    classification = Classification(RED, matches, paths_judged=3)
    assert [m.path for m in classification.paths_in(RED)] == ["a", "c"]
    assert classification.paths_in(GREEN) == []


PENDING = Caveat("escalation_approval", "approval not read yet", "alice", pending=True)
NOTED = Caveat("changed_paths", "the list was cut at 3000")


@pytest.mark.parametrize(("blocked", "caveats", "outcome"), [
    (False, (), "pass"),
    (False, (NOTED,), "pass"),
    (False, (NOTED, PENDING), "pending"),
    (True, (PENDING,), "block"),
])
def test_the_outcome_blocks_first_then_waits_on_pending_checks(
        blocked: bool, caveats: tuple[Caveat, ...], outcome: str) -> None:
    decision = build(blocked=blocked, caveats=caveats)
    assert decision.outcome == outcome
    assert decision.pending_checks() == tuple(c for c in caveats if c.pending)


def test_a_caveat_is_found_by_its_check_and_more_can_be_added() -> None:
    decision = build(caveats=(NOTED,))
    assert decision.caveat("changed_paths") is NOTED
    assert decision.caveat("escalation_approval") is None
    more = decision.with_caveats((PENDING,))
    assert more.caveats == (NOTED, PENDING) and decision.caveats == (NOTED,)
    assert more.outcome == "pending"


def test_blocking_by_nothing_more_is_the_same_decision() -> None:
    decision = build()
    assert decision.blocked_by(()) is decision


def test_blocking_by_more_blocks_adds_the_reasons_and_names_a_new_verdict() -> None:
    decision = build(reasons=(Reason(Code.GK101, "own", "fix it"),))
    extra = (Reason(Code.GK101, "another pull request on the commit", "split"),)
    blocked = decision.blocked_by(extra)
    assert blocked.blocked and blocked.outcome == "block"
    assert blocked.reasons == decision.reasons + extra
    assert blocked.id != decision.id and blocked.id.startswith("gk-") and len(blocked.id) == 19
    assert decision.blocked_by(extra).id == blocked.id  # the same verdict, the same id
    other = (Reason(Code.GK101, "a different message", "split"),)
    assert decision.blocked_by(other).id != blocked.id


def test_the_record_carries_every_part(valid_record) -> None:
    decision = build(
        blocked=True,
        reasons=(Reason(Code.GK101, "no rollback", "add one", "rollback", 7),),
        exemptions=(Exemption("bots", "dependabot[bot]", ("package.json",)),),
        caveats=(NOTED,), computed_origin="human", origin_evidence=("no agent trailer",),
        suggested_contract="Risk: RED\n",
    )
    record = decision.to_record()
    valid_record(record)
    assert record["schema_version"] == RECORD_SCHEMA_VERSION
    assert (record["decision"], record["kind"]) == ("block", "judged")
    assert (record["computed_class"], record["declared_class"],
            record["effective_class"]) == ("RED", "AMBER", "RED")
    assert record["red_paths"] == [{"path": "src/auth/a.py", "pattern": "src/auth/"}]
    assert record["amber_paths"] == [{"path": "docs/x.md", "pattern": "docs/"}]
    assert record["reasons"] == [{"code": str(Code.GK101), "message": "no rollback",
                                  "field": "rollback", "line": 7, "fix": "add one"}]
    assert record["exemptions"] == [{"name": "bots", "author": "dependabot[bot]",
                                     "paths": ["package.json"]}]
    assert record["caveats"] == [{"check": "changed_paths", "detail": NOTED.detail,
                                  "subject": None, "pending": False}]
    assert record["policy"] == {"source": "embedded-default", "ref": None, "sha": "ab" * 32,
                                "central": None}
    assert record["origin_evidence"] == ["no agent trailer"]
    assert record["suggested_contract"] == "Risk: RED\n"
    assert record["contract"] == {"risk": "AMBER"}
    assert record["contract"] is not decision.contract


def test_the_record_of_an_undeclared_class_is_null(valid_record) -> None:
    record = build(declared_class=None).to_record()
    valid_record(record)
    assert record["declared_class"] is None and record["decision"] == "pass"
