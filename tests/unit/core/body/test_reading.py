"""core/body/reading.py: which occurrence counts, and what the reader reports."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from gatekeeper.core.body.reading import (
    Occurrence,
    Reader,
    canonical,
    choose,
    key_longer_than,
    label_key,
)
from gatekeeper.core.fields import label_index
from gatekeeper.core.reasons import Code
from tests.unit.core.test_properties import SETTINGS


def reader() -> Reader:
    return Reader(index=label_index({}), placeholders=())


def test_in_a_body_with_a_region_only_the_region_counts() -> None:
    read = reader()
    read.sections["contract"] = 3
    read.offer(Occurrence("risk_level", "GREEN", 1, where="Notes"))
    read.offer(Occurrence("risk_level", "RED", 4, in_section=True))
    read.offer(Occurrence("rollback_plan", "revert", 9, where="Notes"))
    contract = choose(read)
    assert contract.fields["risk_level"].value == "RED"
    assert "rollback_plan" not in contract.fields
    assert contract.outside["rollback_plan"].startswith(
        "Rollback plan appears under 'Notes' at line 9, outside the Escalation section")


def test_without_a_region_the_first_filled_occurrence_counts() -> None:
    read = reader()
    read.offer(Occurrence("risk_level", "TBD", 1))
    read.offer(Occurrence("risk_level", "AMBER", 2))
    assert choose(read).fields["risk_level"].value == "AMBER"


def test_a_contract_table_is_the_region_of_a_body_without_sections() -> None:
    read = reader()
    read.contract_tables = 1
    read.offer(Occurrence("risk_level", "RED", 2, contract_table=True))
    read.offer(Occurrence("accountable_owner", "@m", 8))
    assert set(choose(read).fields) == {"risk_level"}


def test_the_block_conflicting_with_the_prose_on_a_claim_blocks() -> None:
    read = reader()
    read.sections["contract"] = 1
    read.offer(Occurrence("risk_level", "GREEN", 2, in_section=True))
    read.offer(Occurrence("risk_level", "RED", 9, source="block"))
    problems = choose(read).problems
    assert [getattr(p, "code", None) for p in problems] == [Code.GK106]


def test_the_label_again_and_a_link_to_nowhere_are_no_answers() -> None:
    read = reader()
    read.offer(Occurrence("test_evidence", "Test evidence", 1))
    read.offer(Occurrence("rollback_plan", "the runbook", 2, anchor="runbook"))
    fields = choose(read).fields
    assert fields["test_evidence"].status == "placeholder"
    assert fields["rollback_plan"].status == "placeholder"
    read.anchors.add("runbook")
    assert choose(read).fields["rollback_plan"].status == "filled"


def test_a_reference_in_a_sentence() -> None:
    pattern = re.compile(r"^[A-Z][A-Z0-9]+-\d+$")
    read = reader()
    read.offer(Occurrence("approval_reference", "granted as SEC-12.", 1))
    assert choose(read, approval_pattern=pattern).fields["approval_reference"].value == "SEC-12"
    assert choose(read).fields["approval_reference"].value == "granted as SEC-12"


def test_summaries_name_the_contract_or_a_field() -> None:
    read = reader()
    assert read.summary_names("Gatekeeper contract") == "contract"
    assert read.summary_names("How has this been tested?") == "test_evidence"
    assert read.summary_names("Release notes") is None


def test_heading_anchors_are_numbered_as_github_numbers_them() -> None:
    read = reader()
    read.heading_anchor("tests")
    read.heading_anchor("tests")
    assert read.anchors == {"tests", "tests-1"}


def test_canonical_values() -> None:
    assert canonical("risk_level", "**red** (auth)") == "RED"
    assert canonical("accountable_owner", '"@dana"') == "@dana"
    assert canonical("change_origin", "AI assisted") == "ai-assisted"


_LABEL_TEXT = st.lists(st.sampled_from(
    ["Risk", " level", "a", "Z", "1", "12. ", " ", "\t", ":", ":shrug:", "(", ")", "(note)",
     "<b>", "</b>", "&amp;", "&#8203;", "$x$", "*", "_", "-", ".", "?", "\u0422", "\u00e9",
     "\u200b", "\ufb01"]), max_size=40).map("".join)


@SETTINGS
@given(_LABEL_TEXT, st.integers(min_value=0, max_value=30))
def test_a_key_said_to_be_longer_is_longer(label: str, longest: int) -> None:
    if key_longer_than(label, longest):
        assert len(label_key(label)) > longest


def test_a_line_longer_than_every_label_is_no_field_but_a_long_alias_is_found() -> None:
    prose = "first, canary migration cookie bucket staging migration replica cookie service"
    assert key_longer_than(prose, 44)
    assert reader().name_of(prose) is None
    alias = "the risk level that this change carries for production and its users"
    aliased = Reader(index=label_index({"risk_level": (alias,)}), placeholders=())
    assert aliased.name_of(alias.capitalize()) == "risk_level"
    assert aliased.name_of("**" + alias + ":**") == "risk_level"
    # Letters that a tag, an entity, math, a shortcode or a note may hide are not counted.
    for hiding in ("<b></b>" * 12, "&amp;" * 12, "$xx$" * 12, ":shrug:" * 12,
                   "Risk level (" + "note " * 12 + ")"):
        assert len(label_key(hiding)) < 44 < len(hiding)
        assert not key_longer_than(hiding, 44)
    assert reader().name_of(":" + "x" * 60 + ": Risk level") == "risk_level"
