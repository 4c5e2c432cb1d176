"""Bodies in the shapes real templates, people, bots and agents use (tests/fixtures/bodies).

Every fixture is written for these tests in the shape of a kind of body found in public
repositories; none is copied from one.
"""

from __future__ import annotations

import pytest

from gatekeeper.core.body.contract import parse_contract
from tests.support.fixtures import REPO_ROOT, run_evaluate

BODIES = REPO_ROOT / "tests" / "fixtures" / "bodies"
RED_PATHS = ["src/auth/session.py"]

RED_FULL = {
    "risk_level": "RED", "accountable_owner": "@dana", "escalation_reviewer": "@acme/security",
}

HONEST = {
    # shape: expected values (a subset), changed paths
    "table-vertical": ({**RED_FULL, "approval_reference": "SEC-4410",
                        "test_evidence": "pytest tests/auth -q: 58 passed"}, RED_PATHS),
    "table-horizontal": ({**RED_FULL, "change_origin": "ai-assisted",
                          "approval_reference": "SEC-4411"}, RED_PATHS),
    "tasklist-fields": ({**RED_FULL, "approval_reference": "SEC-4412"}, RED_PATHS),
    "choice-lists": ({**RED_FULL, "change_origin": "ai-assisted",
                      "approval_reference": "SEC-4413"}, RED_PATHS),
    "separators": ({**RED_FULL, "change_origin": "human", "approval_reference": "SEC-4414",
                    "test_evidence": "nox -s tests: 77 passed"}, RED_PATHS),
    "emoji-parenthetical": ({**RED_FULL, "change_origin": "ai-assisted",
                             "approval_reference": "SEC-4415"}, RED_PATHS),
    "hint-then-value": ({**RED_FULL, "change_origin": "human", "approval_reference": "SEC-4416",
                         "test_evidence": "pytest -q: 40 passed"}, RED_PATHS),
    "details-contract": ({"risk_level": "RED", "escalation_reviewer": "@acme/payments",
                          "approval_reference": "PAY-88"}, ["src/payments/client.py"]),
    "kubernetes-style": ({"risk_level": "RED", "escalation_reviewer": "@acme/sig-auth",
                          "approval_reference": "SIG-2291"}, RED_PATHS),
    "agent-body": ({**RED_FULL, "change_origin": "agent", "approval_reference": "SEC-4417"},
                   RED_PATHS),
    "dependabot": ({"risk_level": "AMBER", "change_origin": "agent"}, ["package-lock.json"]),
    "renovate": ({"risk_level": "AMBER", "accountable_owner": "@dana"}, ["package.json"]),
    "headed-aliases": ({**RED_FULL, "approval_reference": "SEC-4418",
                        "change_origin": "human"}, RED_PATHS),
    "matrix-table": ({**RED_FULL, "approval_reference": "SEC-4420", "change_origin": "human",
                      "test_evidence": "pytest tests/auth -q: 61 passed"}, RED_PATHS),
    "quoted-hints": ({**RED_FULL, "approval_reference": "SEC-4421",
                      "change_origin": "ai-assisted",
                      "test_evidence": "pytest -q: 212 passed; logged in and out on staging"},
                     RED_PATHS),
    "front-matter": ({**RED_FULL, "approval_reference": "SEC-4422", "change_origin": "agent"},
                     RED_PATHS),
    "html-table": ({**RED_FULL, "approval_reference": "SEC-4423", "change_origin": "human",
                    "test_evidence": "pytest tests/auth -q: 44 passed"}, RED_PATHS),
}


# Values taken from the header of the marked column, not from the row's own text.
CHOSEN_BY_COLUMN = {("matrix-table", "risk_level")}


def body(name: str) -> str:
    return (BODIES / f"{name}.md").read_text(encoding="utf-8")


def test_every_fixture_is_used() -> None:
    assert {p.stem for p in BODIES.glob("*.md") if p.name != "README.md"} == set(HONEST)


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_bodies_in_real_shapes_pass(name: str) -> None:
    expected, paths = HONEST[name]
    decision = run_evaluate(body(name), paths)
    assert [(r.code, r.message) for r in decision.reasons] == []
    assert decision.outcome != "block"
    for field, value in expected.items():
        assert decision.contract.get(field) == value, field


@pytest.mark.parametrize("name", sorted(HONEST))
def test_every_field_points_at_a_line_holding_its_value(name: str) -> None:
    text = body(name).splitlines()
    for value in parse_contract(body(name)).fields.values():
        if value.status != "filled" or value.source == "block":
            continue
        # the label's line, or (after a hint comment) one of the next two
        near = " ".join(text[value.line - 1:value.line + 2]).casefold()
        if (name, value.name) in CHOSEN_BY_COLUMN:
            # a table of choices: the row's line holds the label and the mark
            assert value.name.replace("_", " ") in near and " x " in near, (value, near)
            continue
        first = value.value.split()[0].casefold().strip("`.")
        assert first in near, (value, near)


def test_quoted_prompt_in_agent_body_is_not_read() -> None:
    contract = parse_contract(body("agent-body"))
    assert contract.fields["accountable_owner"].value == "@dana"
    assert contract.problems == ()  # the quoted block is not a second block


def test_reviewer_checklist_is_not_a_value() -> None:
    contract = parse_contract(body("choice-lists"))
    assert "CI is green" not in str(contract.fields)


@pytest.mark.parametrize("label", ["**Risk level 🔥:**", "Risk level ⚠️:", "**Risk level:** "])
def test_an_emoji_after_a_label_is_tolerated(label: str) -> None:
    field = parse_contract(f"## Contract\n- {label} RED\n").fields["risk_level"]
    assert (field.value.strip(), field.status) == ("RED", "filled")
