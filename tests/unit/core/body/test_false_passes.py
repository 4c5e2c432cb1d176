"""Bodies that used to pass a RED change without the author's own complete contract."""

from __future__ import annotations

import pytest

from gatekeeper.core.body.contract import parse_contract
from tests.support.fixtures import run_evaluate

RED_PATHS = ["src/auth/session.py"]
OWN = ("## Contract\n"
       "- **Risk level:** RED\n"
       "- **Accountable owner:** @dana\n"
       "- **Change origin:** human\n"
       "- **Test evidence:** pytest -q: 12 passed\n")
ESCALATION = ("\n## Escalation\n"
              "- **Escalation reviewer:** @acme/security\n"
              "- **Approval reference:** SEC-2291\n"
              "- **Rollback plan:** {rollback}\n")
COMPLETE = OWN + ESCALATION.format(rollback="revert; tried on staging")
QUOTED_FIELDS = ("Risk level: RED\nAccountable owner: @dana\nChange origin: human\n"
                 "Test evidence: pytest -q: 12 passed\nEscalation reviewer: @acme/security\n"
                 "Approval reference: SEC-2291\nRollback plan: revert the PR\n")


def codes(body: str, paths: list[str] = RED_PATHS) -> list[str]:
    return [str(r.code) for r in run_evaluate(body, paths).reasons]


def test_the_honest_complete_body_passes() -> None:
    assert codes(COMPLETE) == []


def test_contract_quoted_from_another_pr_in_a_blockquote_blocks() -> None:
    quoted = "Backport of #812.\n\n" + "".join(f"> {line}\n" for line in
                                              QUOTED_FIELDS.splitlines())
    assert run_evaluate(quoted, RED_PATHS).outcome == "block"
    assert parse_contract(quoted).fields == {}


def test_contract_inside_original_prompt_details_blocks() -> None:
    for gap in ("\n", ""):
        body = (f"Did the task.\n\n<details>\n<summary>Original prompt</summary>\n{gap}"
                f"{QUOTED_FIELDS}{gap}</details>\n")
        assert parse_contract(body).fields == {}, gap


def test_quoted_old_block_never_overrides_the_authors_fields() -> None:
    body = (OWN.replace("@dana", "TBD") + ESCALATION.format(rollback="revert")
            + "\n> ```gatekeeper\n> accountable_owner: '@mallory'\n> approval_reference: X-1\n"
              "> ```\n")
    decision = run_evaluate(body, RED_PATHS)
    assert decision.contract.get("accountable_owner") is None
    assert decision.contract["approval_reference"] == "SEC-2291"
    assert [str(r.code) for r in decision.reasons] == ["GK102"]


def test_inline_code_examples_in_a_docs_pr_are_not_the_contract() -> None:
    body = ("Documents the contract fields:\n\n"
            "- `risk_level: RED` declares the class\n"
            "- `accountable_owner: @dana` names the owner\n"
            "- `Approval reference: SEC-2291` is the approval\n"
            "Write `Rollback plan: revert` in your body.\n")
    assert parse_contract(body).fields == {}
    assert run_evaluate(body, RED_PATHS).outcome == "block"


@pytest.mark.parametrize("after", [
    "\n**Release note:**\n```release-note\nNONE\n```\n",
    "\n#### Does this PR introduce a user-facing change?\nNONE\n",
    "\n**Reviewer checklist:**\n- [x] I read the diff\n- [x] Tests pass\n",
    "\n- [x] I read the contributing guide\n- [x] CI is green\n",
    "\n**Special notes for your reviewer:** none\n",
])
def test_an_empty_label_never_takes_the_next_section(after: str) -> None:
    body = OWN + ESCALATION.format(rollback="") + after
    decision = run_evaluate(body, RED_PATHS)
    assert "rollback_plan" not in decision.contract
    assert [(str(r.code), r.field) for r in decision.reasons] == [("GK202", "rollback_plan")]


@pytest.mark.parametrize("value", [
    "\u200b", "\u200b\u200d\ufeff", "&#8203;", "&nbsp;", "<b></b>", "<span></span>",
    "~~revert the PR~~", "———", "···", "…", "t.b.d.", "T.B.D", "tbc", "n.a.", "NONE!",
    "None.", "?", "??", "pending", "see above", "How to undo this change, and how it was "
    "checked!", "HOW TO UNDO THIS CHANGE AND HOW IT WAS CHECKED.", "-", "- - -", "***",
    "\u202e\u202c", "<!-- -->",
])
def test_values_that_render_as_nothing_or_a_non_answer_block(value: str) -> None:
    body = OWN + ESCALATION.format(rollback=value)
    decision = run_evaluate(body, RED_PATHS)
    assert decision.outcome == "block", value
    assert [(str(r.code), r.field) for r in decision.reasons] == [("GK202", "rollback_plan")]


def test_block_in_a_collapsed_details_does_not_override_visible_tbd() -> None:
    body = (OWN + ESCALATION.format(rollback="revert").replace("SEC-2291", "TBD")
            + "\n<details><summary>Machine-readable</summary>\n\n```gatekeeper\n"
              "approval_reference: SEC-9999\n```\n\n</details>\n")
    decision = run_evaluate(body, RED_PATHS)
    assert "approval_reference" not in decision.contract
    assert [(str(r.code), r.field) for r in decision.reasons] == [("GK202",
                                                                   "approval_reference")]


def test_visible_block_still_fills_a_placeholder_in_the_prose() -> None:
    body = (OWN + ESCALATION.format(rollback="revert").replace("SEC-2291", "TBD")
            + "\n```gatekeeper\napproval_reference: SEC-9999\n```\n")
    assert run_evaluate(body, RED_PATHS).outcome != "block"


@pytest.mark.parametrize("reference", ["SEC-\uff12\uff12\uff19\uff11", "SEC-\u0661\u0662",
                                       "SEC-\u0967\u0968", "\uff33EC-2291"])
def test_approval_references_are_ascii_only(reference: str) -> None:
    body = OWN + ESCALATION.format(rollback="revert").replace("SEC-2291", reference)
    assert [(str(r.code), r.field) for r in run_evaluate(body, RED_PATHS).reasons] == [
        ("GK105", "approval_reference")]


@pytest.mark.parametrize("owner", ["@dan\u0430", "@\uff44ana", "@da\u200bna"])
def test_handles_are_ascii_only(owner: str) -> None:
    body = COMPLETE.replace("@dana", owner)
    assert [(str(r.code), r.field) for r in run_evaluate(body, RED_PATHS).reasons] == [
        ("GK103", "accountable_owner")]


def test_duplicate_keys_in_the_block_are_an_error() -> None:
    body = ("```gatekeeper\nrisk_level: RED\naccountable_owner: '@dana'\n"
            "accountable_owner: '@mallory'\n```\n")
    contract = parse_contract(body)
    assert [(p.line, "duplicate key" in p.message) for p in contract.problems] == [(4, True)]
    assert contract.fields["accountable_owner"].value == "@dana"


def test_conflict_between_block_and_prose_names_both_lines() -> None:
    body = COMPLETE + "\n```gatekeeper\nrisk_level: GREEN\n```\n"
    [reason] = run_evaluate(body, RED_PATHS).reasons
    assert (str(reason.code), reason.field, reason.line) == ("GK106", "risk_level", 13)
    assert "line 2" in reason.message and "line 13" in reason.message


def test_first_filled_occurrence_in_the_contract_section_wins() -> None:
    body = ("Risk level: GREEN (from the old description)\n\n" + COMPLETE.replace(
        "- **Accountable owner:** @dana\n",
        "- **Accountable owner:** TBD\n- **Accountable owner:** @dana\n"))
    decision = run_evaluate(body, RED_PATHS)
    assert decision.outcome != "block"
    assert decision.contract["risk_level"] == "RED"
    assert decision.contract["accountable_owner"] == "@dana"


@pytest.mark.parametrize(("label", "field", "suggestion"), [
    ("Risk levl", "risk_level", "Risk level"),
    ("Acountable owner", "accountable_owner", "Accountable owner"),
    ("Tests evidence", "test_evidence", "Test evidence"),
    ("Rollbak plan", "rollback_plan", "Rollback plan"),
])
def test_near_miss_labels_get_their_own_reason_at_their_line(
        label: str, field: str, suggestion: str) -> None:
    lines = COMPLETE.splitlines()
    index = next(n for n, line in enumerate(lines) if suggestion in line)
    lines[index] = lines[index].replace(suggestion, label)
    [reason] = run_evaluate("\n".join(lines) + "\n", RED_PATHS).reasons
    assert (str(reason.code), reason.field, reason.line) == ("GK107", field, index + 1)
    assert reason.message == (f"unknown label {label!r} at line {index + 1}; "
                              f"did you mean {suggestion!r}?")


def test_missing_field_points_at_its_section() -> None:
    body = COMPLETE.replace("- **Approval reference:** SEC-2291\n", "")
    [reason] = run_evaluate(body, RED_PATHS).reasons
    assert (reason.field, reason.line) == ("approval_reference", 7)


@pytest.mark.parametrize(("field", "value", "rule"), [
    ("Risk level", "PURPLE", "one of GREEN, AMBER, RED"),
    ("Accountable owner", "dana", "one @handle"),
    ("Test evidence", "CI", "at least 3 characters"),
    ("Change origin", "robot", "one of human, ai-assisted, agent"),
])
def test_malformed_names_the_rule(field: str, value: str, rule: str) -> None:
    lines = [line if field not in line else f"- **{field}:** {value}"
             for line in COMPLETE.splitlines()]
    reasons = run_evaluate("\n".join(lines) + "\n", RED_PATHS).reasons
    assert any(str(r.code) == "GK103" and rule in r.message for r in reasons), reasons


@pytest.mark.parametrize(("risk", "origin"), [
    ("RED (touches auth)", "ai-assisted (editor completions)"),
    ("RED.", "human."),
    ("red 🔴", "Agent 🤖"),
    ("**RED**", "AI assisted"),
])
def test_enum_values_tolerate_notes_and_punctuation(risk: str, origin: str) -> None:
    body = COMPLETE.replace(": RED", f": {risk}").replace(": human", f": {origin}")
    decision = run_evaluate(body, RED_PATHS)
    assert decision.outcome != "block", decision.reasons
    assert decision.contract["risk_level"] == "RED"


@pytest.mark.parametrize("alias", ["Test plan", "Testing", "Testing done",
                                   "How did you test this change?", "Verification"])
def test_test_evidence_aliases(alias: str) -> None:
    body = COMPLETE.replace("Test evidence", alias)
    assert run_evaluate(body, RED_PATHS).outcome != "block"


@pytest.mark.parametrize(("old", "alias"), [("Rollback plan", "Rollback instructions"),
                                            ("Risk level", "Risk"), ("Risk level", "Risk tier")])
def test_other_aliases(old: str, alias: str) -> None:
    assert run_evaluate(COMPLETE.replace(old, alias), RED_PATHS).outcome != "block"


def test_missing_field_without_a_section_says_where_to_add_it() -> None:
    body = "Risk level: GREEN\nOwner: @dana\nOrigin: human\n"
    [reason] = run_evaluate(body, ["README.md"]).reasons
    assert reason.field == "test_evidence" and reason.line is None
    assert "under a '## Contract' heading" in reason.message


# --- found by an adversarial review: HTML quoting, summaries, comments, struck text ------

ESCALATION_ONLY = ESCALATION.format(rollback="revert the PR; tried on staging")


@pytest.mark.parametrize("wrapped", [
    "<blockquote>\n\n{e}\n</blockquote>\n",
    "<BLOCKQUOTE cite=\"https://example.com\">\n\n{e}\n</BLOCKQUOTE>\n",
    "<div><blockquote>\n\n{e}\n</blockquote></div>\n",
    "<details>\n<summary><b>Original</b> prompt</summary>\n\n{e}\n</details>\n",
    "<details>\n<summary>Original&nbsp;prompt</summary>\n\n{e}\n</details>\n",
    "<details>\n<summary>Orig\u200binal\nprompt</summary>\n\n{e}\n</details>\n",
    "<details>\n\n<summary>Original prompt</summary>\n\n{e}\n</details>\n",
    "<details><summary>Copilot prompt</summary>\n\n{e}</details>\n",
    "<details><summary>Agent instructions</summary>\n\n{e}</details>\n",
    "<details><summary>Original prompt</summary>\n\n<!-- </details> -->\n\n{e}\n</details>\n",
])
def test_an_escalation_quoted_in_html_does_not_count(wrapped: str) -> None:
    body = OWN + "\n" + wrapped.format(e=ESCALATION_ONLY)
    assert set(codes(body)) == {"GK202"}


def test_a_comment_that_mentions_details_hides_nothing() -> None:
    body = "<!-- <details><summary>Original prompt</summary> -->\n\n" + COMPLETE
    assert codes(body) == []


@pytest.mark.parametrize("struck", ["<del>revert the PR</del>", "<s>revert the PR</s>",
                                    "<strike>revert the PR</strike>"])
def test_html_struck_text_is_no_answer(struck: str) -> None:
    assert codes(OWN + ESCALATION.format(rollback=struck)) == ["GK202"]


def test_a_struck_approval_reference_is_no_reference() -> None:
    body = OWN + ESCALATION_ONLY.replace("SEC-2291", "<s>SEC-2291</s>")
    assert codes(body) == ["GK202"]


def test_struck_words_beside_a_real_answer_leave_the_answer() -> None:
    body = OWN + ESCALATION.format(rollback="<del>none</del> revert the PR; tried on staging")
    assert codes(body) == []


@pytest.mark.parametrize("rollback", ["to be added", "will add later", "none yet",
                                      "not needed", "N/A - docs only", "see description",
                                      "ditto"])
def test_more_non_answers_are_placeholders(rollback: str) -> None:
    assert codes(OWN + ESCALATION.format(rollback=rollback)) == ["GK202"]


@pytest.mark.parametrize("owner", ["@TBD", "@todo", "@your-handle", "@someone", "@me"])
def test_a_stand_in_handle_is_no_owner(owner: str) -> None:
    assert codes(COMPLETE.replace("@dana", owner)) == ["GK102"]


def test_a_stray_line_does_not_override_a_tbd_in_the_section() -> None:
    body = ("## Summary\n- Rollback plan: documented in RUNBOOK.md\n\n"
            + OWN + ESCALATION.format(rollback="TBD"))
    assert codes(body) == ["GK202"]


def test_a_line_outside_the_contract_region_fills_nothing() -> None:
    # The body has a contract region (its Contract and Escalation sections): a field it
    # leaves out is missing, and the help says where the label was seen.
    body = ("## Summary\nRollback plan: revert the PR; tried on staging\n\n" + OWN
            + ESCALATION.format(rollback="").replace("- **Rollback plan:** \n", ""))
    assert codes(body) == ["GK202"]
    contract = parse_contract(body)
    assert "rollback_plan" not in contract.fields
    assert contract.outside["rollback_plan"].startswith(
        "Rollback plan appears under 'Summary' at line 2, outside the Escalation section")
