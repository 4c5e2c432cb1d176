"""The suggested contract (core/suggest.py) with a policy's own fields and pattern, and the
style it picks; the round trip through the reader is the test that matters."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatekeeper import resources
from gatekeeper.core.body.contract import parse_contract
from gatekeeper.core.decide import evaluate
from gatekeeper.core.model import ChangedPath, Decision, RiskClass
from gatekeeper.core.policy.load import Policy, parse_policy
from gatekeeper.core.suggest import NEEDED, fixable, style_for
from gatekeeper.local.policy_source import default_policy
from tests.support.bodies import complete_body
from tests.support.suggestion import GOOD_VALUES, pasted
from tests.unit.core.test_properties import BODY, EXEMPTING, SETTINGS
from tests.unit.core.test_properties import PATHS as PROPERTY_PATHS

POLICY = """\
version: 1
classes:
  RED:
    paths: ["src/auth/"]
    require: [security_review]
fields:
  security_review:
    aliases: ["Security review"]
    description: link to the security team's review
approval_reference_pattern: "^SEC-[0-9]+$"
"""
PATHS = [ChangedPath("src/auth/keys.py")]


def _policy() -> Policy:
    return parse_policy(POLICY, file=".github/gatekeeper.yml", schema=resources.schema("policy"))


def _decide(body: str, author: str | None = "alice") -> Decision:
    return evaluate(body, PATHS, _policy(), contract_schema=resources.schema("contract"),
                    evaluated_at="2026-11-21T00:00:00Z", version="t", author=author)


def test_a_policys_own_field_and_pattern_are_asked_for_and_pass_once_given() -> None:
    decision = _decide(complete_body("RED", approval_reference="APR-1"))
    text = decision.suggested_contract or ""
    assert (f"- **Security review:** <!-- {NEEDED} link to the security team's review -->"
            in text)
    assert ("- **Approval reference:** <!-- needed: give the reference of the real approval, "
            "matching the policy's pattern ^SEC-[0-9]+$ -->") in text
    assert "APR-1" not in text  # an invalid value is not offered back
    filled = text.replace(
        "<!-- needed: give the reference of the real approval, matching the policy's "
        "pattern ^SEC-[0-9]+$ -->", "SEC-2291")
    filled = re.sub(r"<!-- needed: [^>]*-->", "https://reviews.example/acme/12", filled)
    again = _decide("## Summary\nKeys.\n\n" + filled)
    assert not again.blocked, [(r.code, r.message) for r in again.reasons]
    assert again.contract["security_review"] == "https://reviews.example/acme/12"


def test_a_blank_left_in_place_keeps_blocking_for_the_policy_field_too() -> None:
    text = _decide(complete_body("RED", approval_reference="APR-1")).suggested_contract or ""
    again = _decide("## Summary\nKeys.\n\n" + text)
    assert {"security_review", "approval_reference"} <= {r.field for r in again.reasons}


def test_style_follows_the_body_and_the_author() -> None:
    prose = parse_contract(complete_body("GREEN"))
    assert style_for(prose, author="alice") == "prose"
    assert style_for(prose, author="renovate[bot]") == "block"
    agent = parse_contract(complete_body("GREEN", change_origin="agent"))
    assert style_for(agent, author="alice") == "block"
    assert style_for(prose, author="alice", origin="agent") == "block"
    assert style_for(prose, author="alice", origin="ai-assisted") == "prose"
    broken_block = parse_contract("## Contract\n```gatekeeper\n: [\n```\n")
    assert style_for(broken_block, author=None) == "block"


def test_a_blank_cannot_close_the_comment_it_sits_in() -> None:
    policy_text = POLICY.replace("link to the security team's review",
                                 "link --> here <!-- or there")
    policy = parse_policy(policy_text, file="p.yml", schema=resources.schema("policy"))
    decision = evaluate(complete_body("RED"), PATHS, policy,
                        contract_schema=resources.schema("contract"),
                        evaluated_at="2026-11-21T00:00:00Z", version="t")
    line = next(line for line in (decision.suggested_contract or "").splitlines()
                if line.startswith("- **Security review:**"))
    assert line.count("-->") == 1 and line.endswith("-->")
    again = parse_contract(decision.suggested_contract or "", aliases=policy.field_aliases)
    assert "security_review" not in again.filled()


SHAPES = {
    "table": "## Contract\n| Risk level | Accountable owner | Change origin | Test evidence |\n"
             "|---|---|---|---|\n| GREEN | @bob | AI assisted | TBD |\n",
    "choice list": "## Contract\n**Risk level:**\n- [ ] GREEN\n- [x] AMBER\n- [ ] RED\n\n"
                   "- **Owner:** @bob\n- **Origin:** human\n",
    "near miss": "## Contract\n- **Risk levl:** GREEN\n- **Accountable owner:** @bob\n"
                 "- **Change origin:** human\n- **Test evidence:** ok run 3\n",
    "broken block": "```gatekeeper\nrisk_level: GREEN\nowner: @bob\n```\n",
    "empty body": "",
    "invalid values": "## Contract\n- **Risk level:** red (auth)\n- **Accountable owner:** bob\n"
                      "- **Change origin:** robot\n- **Test evidence:** ok\n",
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_shape_the_reader_accepts_gets_a_suggestion_that_passes(shape: str) -> None:
    default = default_policy()

    def decide(body: str) -> Decision:
        return evaluate(body, PATHS, default, contract_schema=resources.schema("contract"),
                        evaluated_at="2026-11-21T00:00:00Z", version="t", author="alice")

    first = decide(SHAPES[shape])
    assert first.blocked and first.suggested_contract is not None
    again = decide(pasted(first.suggested_contract, {**GOOD_VALUES, "ticket": "JIRA-7"}))
    assert not again.blocked, [(r.code, r.message) for r in again.reasons]
    assert again.declared_class is RiskClass.RED


@SETTINGS
@given(body=BODY, paths=PROPERTY_PATHS, bot=st.booleans(), own_policy=st.booleans())
def test_any_blocked_body_is_fixed_by_its_suggestion_with_the_blanks_filled(
    body: str, paths: list[ChangedPath | str], bot: bool, own_policy: bool,
) -> None:
    # The properties' policy adds a field of its own (ticket, alias jira) for RED and the
    # rollback plan for AMBER; its authority rule leaves a caveat here, not a block.
    policy = EXEMPTING if own_policy else default_policy()
    changes = [p if isinstance(p, ChangedPath) else ChangedPath(p) for p in paths]
    author = "coder[bot]" if bot else "alice"

    def decide(text: str) -> Decision:
        return evaluate(text, changes, policy, contract_schema=resources.schema("contract"),
                        evaluated_at="2026-11-21T00:00:00Z", version="t", author=author)

    first = decide(body)
    if first.suggested_contract is None:
        assert not first.blocked or first.kind != "judged" or not fixable(first.reasons)
        return
    again = decide(pasted(first.suggested_contract, {**GOOD_VALUES, "ticket": "JIRA-7"}))
    assert not again.blocked, (first.suggested_contract, [(r.code, r.message)
                                                          for r in again.reasons])


def test_an_origin_the_evidence_raises_is_filled_in_and_a_human_one_is_left_to_say() -> None:
    agent = evaluate(complete_body("GREEN"), [ChangedPath("docs/a.md")], default_policy(),
                     contract_schema=resources.schema("contract"),
                     evaluated_at="2026-11-21T00:00:00Z", version="t", author="coder[bot]")
    assert agent.blocked and "change_origin" in {r.field for r in agent.reasons}
    assert 'change_origin: "agent"' in (agent.suggested_contract or "")
    person = evaluate(complete_body("GREEN", change_origin="TBD"), [ChangedPath("docs/a.md")],
                      default_policy(), contract_schema=resources.schema("contract"),
                      evaluated_at="2026-11-21T00:00:00Z", version="t", author="alice")
    assert "- **Change origin:** <!-- needed: say who wrote the change" in (
        person.suggested_contract or "")
