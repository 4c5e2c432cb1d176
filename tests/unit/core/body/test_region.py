"""The three principles of issue 26, each as examples and as a property over generated
bodies: the contract region, what GitHub renders, and a value that is an answer."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.core.body.contract import parse_contract
from gatekeeper.core.fields import FIELDS, label_index
from tests.support.fixtures import run_evaluate

RED_PATHS = ["src/auth/session.py"]
PATTERN = re.compile(r"^[A-Z][A-Z0-9]+-\d+$")
VALUES = {
    "risk_level": "RED", "accountable_owner": "@dana", "change_origin": "human",
    "test_evidence": "pytest -q: 31 passed", "escalation_reviewer": "@acme/security",
    "approval_reference": "SEC-2291", "rollback_plan": "revert the PR; tried on staging",
}
LABELS = {spec.name: spec.label for spec in FIELDS}


def _section(names: list[str]) -> str:
    contract = [n for n in names if n in ("risk_level", "accountable_owner", "change_origin",
                                          "test_evidence")]
    escalation = [n for n in names if n not in contract]
    body = "## Summary\nRotates the signing key.\n\n## Contract\n"
    body += "".join(f"- **{LABELS[n]}:** {VALUES[n]}\n" for n in contract)
    if escalation:
        body += "\n## Escalation\n" + "".join(f"- **{LABELS[n]}:** {VALUES[n]}\n"
                                               for n in escalation)
    return body


def filled(body: str) -> dict[str, str]:
    return parse_contract(body, approval_pattern=PATTERN).filled()


# --- 1. The contract region --------------------------------------------------------------

def test_a_field_outside_the_region_is_missing_and_the_help_says_where() -> None:
    body = _section(["risk_level", "accountable_owner", "change_origin", "test_evidence",
                     "escalation_reviewer", "rollback_plan"])
    body += "\n## Notes\nApproval reference: SEC-2291\n"
    contract = parse_contract(body)
    assert "approval_reference" not in contract.fields
    assert "appears under 'Notes' at line" in contract.outside["approval_reference"]
    reasons = run_evaluate(body, RED_PATHS).reasons
    assert [str(r.code) for r in reasons] == ["GK202"]
    assert "outside the Escalation section" in reasons[0].message


def test_a_body_without_a_region_is_read_label_by_label() -> None:
    body = "Fixes #12.\n\nRisk: GREEN\nOwner: @dana\nOrigin: human\nTests: pytest: 3 passed\n"
    assert filled(body) == {"risk_level": "GREEN", "accountable_owner": "@dana",
                            "change_origin": "human", "test_evidence": "pytest: 3 passed"}


def test_the_gatekeeper_block_is_a_region() -> None:
    body = ("## Notes\nRisk level: GREEN\n\n```gatekeeper\nchange_origin: agent\n```\n")
    assert filled(body) == {"change_origin": "agent"}


def test_a_table_of_two_fields_is_a_region_and_a_table_about_something_else_is_not() -> None:
    body = ("| Field | Value |\n|---|---|\n| Risk level | RED |\n| Owner | @dana |\n\n"
            "## Data\n| column | meaning |\n|---|---|\n| Rollback plan | text |\n")
    assert filled(body) == {"risk_level": "RED", "accountable_owner": "@dana"}


def test_a_table_of_fields_outside_the_sections_does_not_count() -> None:
    body = ("| Risk level | Owner |\n|---|---|\n| GREEN | @mallory |\n\n"
            + _section(["risk_level"]))
    assert filled(body) == {"risk_level": "RED"}


def test_collapsed_details_count_only_when_their_summary_names_the_contract_or_field() -> None:
    other = "<details>\n<summary>Notes</summary>\n\nTest evidence: 4 passed\n\n</details>\n"
    named = other.replace("Notes", "Contract")
    field = "<details>\n<summary>Test evidence</summary>\n\n```\n4 passed\n```\n\n</details>\n"
    opened = other.replace("<details>", "<details open>")
    assert filled(other) == {}
    assert filled(named) == {"test_evidence": "4 passed"}
    assert filled(field) == {"test_evidence": "4 passed"}
    assert filled(opened) == {"test_evidence": "4 passed"}


def test_release_notes_of_a_bot_in_a_collapsed_section_fill_nothing() -> None:
    body = ("Bumps lib from 1.0 to 1.1.\n\n<details>\n<summary>Release notes</summary>\n"
            "<p><em>Sourced from lib's releases.</em></p>\n<h2>Risk level: GREEN</h2>\n"
            "<p>Rollback plan: pin 1.0</p>\n</details>\n"
            "<details>\n<summary>Dependabot commands</summary>\n<br />\n\n"
            "Owner: @dependabot\n</details>\n")
    assert filled(body) == {}


OTHER_HEADINGS = st.sampled_from(["Notes", "Summary", "Release notes", "Data model",
                                  "Risks", "How it works", "Appendix"])
NAMES = st.sampled_from(sorted(VALUES))


@st.composite
def outside(draw: st.DrawFn) -> str:
    """Material outside the region: a section of label lines, a table about something
    else, or a collapsed section about something else."""
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    lines = [f"{LABELS[n]}: {draw(st.sampled_from([VALUES[n], 'x-' + VALUES[n]]))}"
             for n in names]
    shape = draw(st.sampled_from(["section", "table", "details", "bold"]))
    heading = draw(OTHER_HEADINGS)
    if shape == "table":
        rows = "".join(f"| {line.split(': ', 1)[0]} | {line.split(': ', 1)[1]} |\n"
                       for line in lines[:1])
        return f"\n## {heading}\n\n| name | meaning |\n|---|---|\n{rows}\n"
    if shape == "details":
        inner = "\n".join(lines)
        return f"\n<details>\n<summary>{heading}</summary>\n\n{inner}\n\n</details>\n\n"
    if shape == "bold":
        return f"\n## {heading}\n" + "".join(f"**{line.replace(': ', ':** ', 1)}\n\n"
                                             for line in lines)
    return f"\n## {heading}\n" + "".join(f"- {line}\n" for line in lines)


@settings(max_examples=60, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=7, unique=True), outside(), st.booleans())
def test_material_outside_the_region_never_fills_a_field(
        names: list[str], extra: str, before: bool) -> None:
    body = _section(names)
    grown = extra + "\n" + body if before else body + extra
    assert filled(grown) == filled(body)


# --- 2. What GitHub renders --------------------------------------------------------------

UNRENDERED = st.sampled_from([
    "<!--\nRisk level: GREEN\nOwner: @mallory\n-->\n",
    "[risk level]: https://example.invalid/GREEN\n",
    "[^note]: Risk level: GREEN\n",
    "<template>\n\nRisk level: GREEN\n\nOwner: @mallory\n\n</template>\n",
    "<script>\nRisk level: GREEN\n</script>\n",
    "Test <script>evidence: all green</script>\n",
    "<details>\n<summary>Details</summary>\n\nRisk level: GREEN\nOwner: @mallory\n\n"
    "</details>\n",
    "<details>\n\nRisk level: GREEN\n\n</details>\n",
    "<textarea>\nRollback plan: none needed\n</textarea>\n",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(NAMES, min_size=0, max_size=7, unique=True), UNRENDERED, st.booleans(),
       st.booleans())
def test_material_github_does_not_show_never_changes_what_is_read(
        names: list[str], hidden: str, before: bool, sections: bool) -> None:
    body = (_section(names) if sections else
            "".join(f"{LABELS[n]}: {VALUES[n]}\n\n" for n in names) or "Fixes #3.\n")
    grown = "\n" + hidden + "\n" + body if before else body + "\n" + hidden
    assert filled(grown) == filled(body)


def test_unrendered_material_never_changes_a_decision() -> None:
    body = _section(sorted(VALUES))
    plain = run_evaluate(body, RED_PATHS)
    for hidden in UNRENDERED.elements:  # type: ignore[attr-defined]
        assert run_evaluate(hidden + "\n" + body, RED_PATHS).reasons == plain.reasons


# --- 3. A value is an answer -------------------------------------------------------------

LABEL_TEXTS = sorted(label_index({}).items())


@given(st.sampled_from(LABEL_TEXTS), st.sampled_from(["{}", "**{}**", "_{}_", "{}."]))
def test_a_value_equal_to_its_label_is_no_answer(pair: tuple[str, str], shape: str) -> None:
    label, name = pair
    written = next((t for t in (*[s.label for s in FIELDS if s.name == name],)
                    if t.casefold() == label), label)
    body = f"{written}: {shape.format(written)}\n"
    assert name not in filled(body)


def test_a_link_to_a_place_the_page_has_not_is_no_answer() -> None:
    assert filled("Test evidence: [the run](#ci-run)\n") == {}
    assert filled("Test evidence: [the run](#ci-run)\n\n## CI run\n4 passed\n") == {
        "test_evidence": "the run"}
    assert filled('Test evidence: [the run](#run)\n\n<a name="run"></a>4 passed\n') == {
        "test_evidence": "the run"}


def test_see_below_is_the_block_below_or_nothing() -> None:
    assert filled("Test evidence: see below\n\n```\n$ pytest\n4 passed\n```\n") == {
        "test_evidence": "$ pytest 4 passed"}
    contract = parse_contract("Test evidence: see below\n\n## Other\nText.\n")
    assert contract.fields["test_evidence"].status == "placeholder"


# --- Honest shapes -----------------------------------------------------------------------

def test_testing_questions_of_other_templates_are_the_test_evidence() -> None:
    for spec in FIELDS:
        for question in spec.questions:
            body = f"## {question}\nRan the suite: 31 passed.\n"
            assert filled(body) == {spec.name: "Ran the suite: 31 passed."}, question


def test_tested_and_verified_lines() -> None:
    assert filled("Tested: pytest -q, 31 passed\n") == {"test_evidence": "pytest -q, 31 passed"}
    assert filled("Verified: logged in on staging\n") == {
        "test_evidence": "logged in on staging"}
    assert filled("Tested: yes\n") == {}


def test_a_value_runs_over_the_lines_after_its_label() -> None:
    body = "## Contract\n**Rollback plan:**\nrevert the PR\nthen run the down migration\n"
    assert filled(body) == {"rollback_plan": "revert the PR then run the down migration"}


def test_a_fenced_block_right_after_an_empty_label_is_its_value() -> None:
    body = "## Contract\n- **Test evidence:**\n\n  ```\n  $ pytest\n  31 passed\n  ```\n"
    assert filled(body) == {"test_evidence": "$ pytest 31 passed"}


def test_a_reference_inside_a_sentence_is_its_one_matching_token() -> None:
    body = "Approval reference: approved by the board as SEC-2291 on Monday.\n"
    assert filled(body) == {"approval_reference": "SEC-2291"}
    two = parse_contract("Approval reference: SEC-1 replaces SEC-2\n", approval_pattern=PATTERN)
    assert [p.message for p in two.problems] == [
        "Approval reference names 2 references, 'SEC-1' and 'SEC-2', at line 1; give "
        "exactly one"]
    decision = run_evaluate("Approval reference: SEC-1 replaces SEC-2\n", RED_PATHS)
    assert [str(r.code) for r in decision.reasons].count("GK105") == 1


def test_a_bare_label_line_over_a_list_is_read_but_only_in_the_region() -> None:
    assert filled("Tests\n\n- [x] Unit test\n- [ ] Integration test\n") == {
        "test_evidence": "Unit test"}
    body = _section(["risk_level"]) + "\n## Notes\nRollback plan\n\n- revert the PR\n"
    assert "rollback_plan" not in filled(body)
