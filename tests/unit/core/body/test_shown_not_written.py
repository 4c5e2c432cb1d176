"""What the page shows, not what the source holds: values reversed by a bidi override,
struck with combining marks or spelled in lookalike letters; words in HTML attributes;
quotes opened mid-paragraph; HTML headings; rules between a label and the next text; the
template's own words; YAML that is not text. And the honest shapes next to them: values
that start like labels, results with a plan for later, notes after a handle or an enum.
"""

from __future__ import annotations

import pytest

from gatekeeper.core.body.contract import parse_contract
from tests.support.fixtures import run_evaluate
from tests.unit.core.body.test_false_passes import ESCALATION, OWN, RED_PATHS

SECTION = "\n## Escalation\n- **Escalation reviewer:** @acme/security\n" \
          "- **Approval reference:** SEC-2291\n"
FIELDS = ("- **Escalation reviewer:** @acme/security\n- **Approval reference:** SEC-2291\n"
          "- **Rollback plan:** revert the PR\n")
ALL_ESCALATION = [("GK202", "approval_reference"), ("GK202", "escalation_reviewer"),
                  ("GK202", "rollback_plan")]


def codes(body: str) -> list[tuple[str, str | None]]:
    return [(str(r.code), r.field) for r in run_evaluate(body, RED_PATHS).reasons]


def filled(body: str) -> dict[str, str]:
    return {name: f.value for name, f in parse_contract(body).fields.items()
            if f.status == "filled"}


def with_rollback(plan: str) -> str:
    return OWN + ESCALATION.format(rollback=plan)


# --- what the page shows ---------------------------------------------------------------

@pytest.mark.parametrize("plan", [
    "\u202eDBT",  # shown as TBD
    "\u13a2\u13f4\u13a0",  # Cherokee letters that look like TBD
    "\u01ac\u0181\u018a",  # Latin letters with a hook
    "r\u0336e\u0336v\u0336e\u0336r\u0336t\u0336",  # struck through with combining marks
])
def test_a_placeholder_in_disguise_blocks(plan: str) -> None:
    assert codes(with_rollback(plan)) == [("GK202", "rollback_plan")]


def test_words_left_after_combining_strikes_are_judged() -> None:
    assert codes(with_rollback("r\u0336m\u0336 revert the PR, checked on staging")) == []


@pytest.mark.parametrize("plan", ["\u0420\u0435\u0432\u0435\u0440\u0442 PR",
                                  "\u05d1\u05d9\u05d8\u05d5\u05dc \u05d4-PR \u200f"])
def test_plans_in_other_scripts_stay_answers(plan: str) -> None:
    assert codes(with_rollback(plan)) == []


@pytest.mark.parametrize("tag", ['<a title="\n{line}\n">\n</a>', "<img alt='\n{line}\n'>",
                                 '<abbr title="\n{line}\n">x</abbr>'])
def test_words_in_an_html_attribute_are_not_shown(tag: str) -> None:
    body = OWN + SECTION + ("<details>\n<summary>Notes</summary>\n"
                            + tag.format(line="- **Rollback plan:** revert the PR")
                            + "\n</details>\n")
    assert codes(body) == [("GK202", "rollback_plan")]


@pytest.mark.parametrize("opening, closing", [
    ("Context: <details><summary>Original prompt</summary>", "</details>"),
    ("As requested <blockquote>", "</blockquote>"),
])
def test_a_quote_opened_mid_paragraph_is_quoted(opening: str, closing: str) -> None:
    body = OWN + f"\n## Escalation\n{opening}\n\n{FIELDS}\n{closing}\n"
    assert sorted(codes(body)) == ALL_ESCALATION


def test_a_details_opened_mid_paragraph_shows_its_own_fields() -> None:
    body = (OWN + "\n## Escalation\nSee <details><summary>Escalation</summary>\n\n"
            f"{FIELDS}\n</details>\n")
    assert codes(body) == []


@pytest.mark.parametrize("summary", ["\u041eriginal pr\u043empt",
                                     "\u1d0f\u0280\u026a\u0262\u026a\u0274\u1d00\u029f "
                                     "\u1d18\u0280\u1d0f\u1d0d\u1d18\u1d1b"])
def test_a_quote_marker_in_lookalike_letters_still_marks_a_quote(summary: str) -> None:
    for wrapper in (f"<details><summary>{summary}</summary>\n\n{FIELDS}\n</details>\n",
                    f"## {summary}\n\n{FIELDS}"):
        assert sorted(codes(OWN + "\n" + wrapper)) == ALL_ESCALATION, wrapper


def test_an_html_heading_over_quoted_material_is_a_quoted_section() -> None:
    body = OWN + "\n<h2>Original prompt</h2>\n\n" + FIELDS
    assert sorted(codes(body)) == ALL_ESCALATION


def test_an_html_heading_is_a_section_and_a_label() -> None:
    body = OWN + "\n<h2>Escalation</h2>\n\n" + FIELDS.replace(
        "- **Rollback plan:** revert the PR\n", "\n<h3>Rollback plan</h3>\n\nrevert the PR\n")
    assert codes(body) == []
    assert filled(body)["rollback_plan"] == "revert the PR"


@pytest.mark.parametrize("between", ["---", "***", "<hr>", '<img src="x.png">',
                                     '<p align="center">Thanks</p>'])
def test_an_empty_label_never_takes_text_past_a_rule_or_html(between: str) -> None:
    for label in ("**Rollback plan:**", "### Rollback plan"):
        body = OWN + SECTION + f"\n{label}\n\n{between}\n\nThanks for reviewing!\n"
        assert "rollback_plan" not in filled(body), (label, between)


def test_a_hint_comment_still_lets_the_value_follow() -> None:
    body = OWN + SECTION + "\n**Rollback plan:**\n\n<!-- how to undo it -->\n\nrevert it\n"
    assert filled(body)["rollback_plan"] == "revert it"


# --- the template's own words and non-answers ----------------------------------------------

@pytest.mark.parametrize("field, text", [
    ("Escalation reviewer", "@org/team"), ("Rollback plan", "how to undo this change"),
    ("Rollback plan", "and how it was checked"), ("Test evidence", "a link to the run"),
    ("Test evidence", "not run"), ("Test evidence", "untested"), ("Test evidence", "no tests"),
    ("Test evidence", "skipped"), ("Test evidence", "LGTM"), ("Rollback plan", "true"),
    ("Rollback plan", "idk"), ("Rollback plan", "?? not sure"),
])
def test_the_templates_words_and_non_answers_are_placeholders(field: str, text: str) -> None:
    body = OWN + ESCALATION.format(rollback="revert the PR")
    body = "\n".join(f"- **{field}:** {text}" if line.startswith(f"- **{field}:**") else line
                     for line in body.splitlines()) + "\n"
    assert parse_contract(body).fields[field.lower().replace(" ", "_")].status == "placeholder"


@pytest.mark.parametrize("evidence", [
    "pytest -q: 31 passed; the e2e suite will be run again after deploy",
    "To be safe I ran the full suite: 412 passed",
    "We will see no regressions: pytest -q 31 passed",
    "Going to staging was fine; pytest 31 passed",
])
def test_results_beside_plans_for_later_are_evidence(evidence: str) -> None:
    assert codes(OWN.replace("pytest -q: 12 passed", evidence)
                 + ESCALATION.format(rollback="revert")) == []


@pytest.mark.parametrize("evidence", ["will run tests after review", "tests to be run on staging",
                                      "we are going to test it on staging"])
def test_tests_not_yet_run_are_no_evidence(evidence: str) -> None:
    body = OWN.replace("pytest -q: 12 passed", evidence) + ESCALATION.format(rollback="revert")
    assert codes(body) == [("GK102", "test_evidence")]


# --- the gatekeeper block is text ------------------------------------------------------------

@pytest.mark.parametrize("line", ["test_evidence: true", "test_evidence: .nan",
                                  "test_evidence: !!binary dGJk", "test_evidence: !foo ran it",
                                  "test_evidence: 2026-11-20"])
def test_a_block_value_that_is_not_text_is_an_error(line: str) -> None:
    body = f"```gatekeeper\nrisk_level: RED\n{line}\n```\n"
    contract = parse_contract(body)
    assert "test_evidence" not in contract.fields
    assert any("must be text" in problem.message for problem in contract.problems)


def test_a_block_alias_is_an_error() -> None:
    body = ("```gatekeeper\nescalation_reviewer: &r '@acme/security'\nrollback_plan: *r\n"
            "```\n")
    contract = parse_contract(body)
    assert "rollback_plan" not in contract.fields
    assert [p.line for p in contract.problems] == [3]


def test_quoted_block_values_are_text() -> None:
    body = "```gatekeeper\ntest_evidence: 'true: 31 passed'\nrollback_plan: \"2026\"\n```\n"
    assert filled(body) == {"test_evidence": "true: 31 passed", "rollback_plan": "2026"}


# --- honest shapes -------------------------------------------------------------------------

@pytest.mark.parametrize("section", [
    "### Test plan\nUnit tests: 31 passed (`pytest -q`)\n",
    "- **Test evidence:**\n  Unit: 31 passed\n  E2E: 12 passed\n",
    "### Test evidence\nCI: https://ci.example.com/runs/9 (green)\n",
    "- **Test evidence:**\n  Command: pytest -q, result: 31 passed\n",
])
def test_a_value_that_starts_like_a_label_is_the_value(section: str) -> None:
    body = OWN.replace("- **Test evidence:** pytest -q: 12 passed\n", section) + \
        ESCALATION.format(rollback="revert")
    assert codes(body) == []


@pytest.mark.parametrize("after", ["Release note: NONE", "Reviewers: TBD", "Fixes: #12",
                                   "Special notes: none", "**Release note:** none"])
def test_another_templates_label_after_an_empty_one_is_not_its_value(after: str) -> None:
    body = OWN + SECTION + f"\n**Rollback plan:**\n{after}\n"
    assert "rollback_plan" not in filled(body)


@pytest.mark.parametrize("field, text, expected", [
    ("Risk level", "RED: touches auth", "RED"),
    ("Risk level", "[ ] GREEN [ ] AMBER [x] RED", "RED"),
    ("Approval reference", "SEC-2291 (approved in #security)", "SEC-2291"),
    ("Accountable owner", "@dana (Dana Lee)", "@dana"),
    ("Escalation reviewer", "@acme/security (on-call: @carol)", "@acme/security"),
])
def test_notes_after_a_value_are_asides(field: str, text: str, expected: str) -> None:
    body = OWN + ESCALATION.format(rollback="revert the PR")
    body = "\n".join(f"- **{field}:** {text}" if line.startswith(f"- **{field}:**") else line
                     for line in body.splitlines()) + "\n"
    assert filled(body)[field.lower().replace(" ", "_")] == expected
    assert codes(body) == []


def test_two_ticked_boxes_on_one_line_are_no_single_answer() -> None:
    body = OWN.replace("- **Risk level:** RED", "- **Risk level:** [x] GREEN [ ] AMBER [x] RED")
    assert ("GK103", "risk_level") in codes(body + ESCALATION.format(rollback="revert"))


@pytest.mark.parametrize("section", [
    "- **Test evidence:**\n  - [x] `pytest tests/auth -q`: 31 passed\n"
    "  - [x] manual login on staging\n",
    "\n## Testing\n- [x] `pytest tests/auth -q`: 31 passed\n- [ ] load test\n"
    "- [x] manual login on staging\n",
])
def test_a_ticked_checklist_of_tests_is_the_evidence(section: str) -> None:
    body = OWN.replace("- **Test evidence:** pytest -q: 12 passed\n", section) + \
        ESCALATION.format(rollback="revert")
    assert filled(body)["test_evidence"] == (
        "pytest tests/auth -q: 31 passed; manual login on staging")
    assert codes(body) == []


@pytest.mark.parametrize("section", [
    "- **Test evidence:**\n  - [ ] `pytest -q`\n  - [ ] manual login\n",
    "\n**Test evidence:**\n\n- [x] I read the contributing guide\n- [x] CI is green\n",
])
def test_an_unticked_or_unrelated_checklist_is_no_evidence(section: str) -> None:
    body = OWN.replace("- **Test evidence:** pytest -q: 12 passed\n", section) + \
        ESCALATION.format(rollback="revert")
    assert "test_evidence" not in filled(body)
    assert run_evaluate(body, RED_PATHS).outcome == "block"
