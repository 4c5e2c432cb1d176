"""Approval records: a reference resolves to an issue in the approvals repository that
carries the label, applied by an eligible account, and names this pull request."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gatekeeper.core.authority.facts import ApprovalRecordFacts
from gatekeeper.core.authority.records import (
    approval_record,
    named_pull_numbers,
    names_pull_request,
)
from gatekeeper.core.policy.provenance_rules import ProvenanceRules
from tests.support.evidence import PULL, live

RULES = ProvenanceRules(agent_accounts=(), ai_tools=(), agent_branch_prefixes=())
APPROVALS = "acme/approvals"
GOOD = ApprovalRecordFacts(repository=APPROVALS, number=12,
                           url="https://github.com/acme/approvals/issues/12", exists=True,
                           labelled=True, labelled_by="bob",
                           mentions_pull_request=True)


def _codes(record: ApprovalRecordFacts | None, reference: str = "APR-12") -> list[str]:
    records = {} if record is None else {reference: record}
    evidence = live(approval_records=records,
                    permissions={(APPROVALS, "bob"): "write", (APPROVALS, "eve"): "read"})
    found = approval_record(reference, APPROVALS, "approved", evidence, RULES, line=9)
    assert all(r.field == "approval_reference" and r.line == 9 for r in found.reasons)
    return [r.code for r in found.reasons]


def test_a_labelled_record_naming_the_pull_request_holds() -> None:
    assert _codes(GOOD) == []


def test_a_reference_without_a_number_names_no_issue() -> None:
    assert _codes(GOOD, reference="APR-X") == ["GK308"]


def test_an_unread_record_waits_for_github() -> None:
    evidence = live(approval_records={})
    found = approval_record("APR-12", APPROVALS, "approved", evidence, RULES, line=9)
    assert found.reasons == []
    assert [(n.kind, n.number, n.label) for n in found.needs] == [
        ("approval_record", 12, "approved")]


@pytest.mark.parametrize(("change", "code"), [
    ({"exists": False}, "GK308"),
    ({"is_pull_request": True}, "GK308"),
    ({"labelled": False}, "GK309"),
    ({"mentions_pull_request": False}, "GK310"),
    ({"labelled_by": None}, "GK311"),
    ({"labelled_by": "eve"}, "GK311"),  # read access only
    ({"labelled_by": "renovate[bot]", "labelled_by_bot": True}, "GK311"),
    ({"labelled_by": "alice"}, "GK311"),  # the pull request's own author
])
def test_each_way_a_record_falls_short(change: dict[str, object], code: str) -> None:
    assert _codes(replace(GOOD, **change)) == [code]  # type: ignore[arg-type]


def test_a_record_names_the_pr_only_where_a_reader_sees_it() -> None:
    def named(body: str, title: str = "Sign-off") -> bool:
        return names_pull_request(title, body, PULL, same_repository=False)

    assert named("Approves acme/app#7 after review.")
    assert named("", title="Approval for acme/app#7")
    assert named("See https://github.com/acme/app/pull/7 for the change.")
    assert named("See https://github.com/acme/app/issues/7.")
    assert not named("Approves acme/app#5.\n<!-- acme/app#7 -->")  # hidden in a comment
    assert not named("Approves acme/app#5.\n\n> acme/app#7 was asked for too")  # a quote
    assert not named("Approves `acme/app#7` as an example")  # code
    assert not named("Approves ~~acme/app#7~~ acme/app#5")  # struck through
    assert not named("Approves notacme/app#7 and acme/app#70")  # other references
    assert names_pull_request("", "Approves #7", PULL, same_repository=True)
    assert not names_pull_request("", "Approves #7", PULL, same_repository=False)
    assert not names_pull_request("", "Approves #70 and &#7;", PULL, same_repository=True)




# --- the pull requests a record may name (what a change to it re-judges) -------------------

def test_every_shape_a_record_names_a_pull_request_in_is_found() -> None:
    texts = ("Sign-off for #12", "acme/app#7, https://github.com/acme/app/pull/9 and "
             "https://github.com/acme/app/issues/10; <!-- #11 in a comment counts too -->",
             "`#13` and ACME/APP#14")
    assert named_pull_numbers(texts, "acme/app", "https://github.com") == {
        7, 9, 10, 11, 12, 13, 14}


@pytest.mark.parametrize("text", [
    "other/app#5", "notacme/app#5", "acme/app#5x", "acme/application#5", "&#39;",
    "https://github.com/other/app/pull/5", "https://example.com/acme/app/pull/5", "#",
    "issue#5", "#12345678901",
])
def test_what_names_no_pull_request_of_the_repository_is_not_found(text: str) -> None:
    assert named_pull_numbers((text,), "acme/app", "https://github.com") == frozenset()
