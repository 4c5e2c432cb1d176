"""Each reason code says once what it is: summary, family, fix and whether editing fixes it."""

from __future__ import annotations

import pytest

from gatekeeper.core.reasons import Code, Family, parse_code, reason_words


@pytest.mark.parametrize("code", list(Code))
def test_every_code_has_a_summary_and_the_family_of_its_hundreds(code: Code) -> None:
    assert code.summary and code.summary == code.summary.strip()
    expected = {"1": Family.CONTRACT, "2": Family.RISK, "3": Family.AUTHORITY,
                "9": Family.COULD_NOT_EVALUATE}[code.value[2]]
    assert code.family is expected
    assert code.incomplete_contract is (expected is not Family.COULD_NOT_EVALUATE)


def test_editing_the_description_fixes_contract_and_risk_codes_but_a_check() -> None:
    by_editing = {code for code in Code if code.fixed_by_editing}
    assert Code.GK101 in by_editing and Code.GK201 in by_editing
    assert Code.GK108 not in by_editing  # a required check must pass: no edit fixes it
    assert not any(code.family in (Family.AUTHORITY, Family.COULD_NOT_EVALUATE)
                   for code in by_editing)


def test_the_body_problems_say_their_fix() -> None:
    for code in (Code.GK104, Code.GK106, Code.GK107):
        assert code.fix
    assert Code.GK101.fix is None  # a missing field's fix is the field's own


def test_a_stored_code_is_parsed_or_left_unknown() -> None:
    assert parse_code("GK202") is Code.GK202
    assert parse_code("GK000") is None
    assert reason_words("GK202") == "GK202 (RED escalation incomplete)"
    assert reason_words("GK000") == "GK000"
