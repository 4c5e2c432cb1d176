"""The sticky comment and the job summary, as GitHub renders them.

Each example is a snapshot (``snapshots/<example>.comment.md`` and ``.summary.md``; run
with ``GATEKEEPER_UPDATE_SNAPSHOTS=1`` to rewrite them after a deliberate change, and
read the diff). Every rendering is also checked as markdown-it-py parses it: no live HTML
but the footer's, no mention in plain text, no invisible character, tables whose rows
keep their cells, and a suggested contract that comes out of its fence unchanged. The
suggestion is pasted back, blanks filled, and must pass.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from gatekeeper import resources
from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.decide import could_not_evaluate, evaluate
from gatekeeper.core.fields import BUILTIN, FIELDS, normalize_label
from gatekeeper.core.model import ChangedPath, Contract, Decision, PolicyOrigin, Reason
from gatekeeper.core.policy.load import Policy, parse_policy
from gatekeeper.core.reasons import Code
from gatekeeper.core.suggest import NEEDED, fixable
from gatekeeper.core.suggest import repairs as suggest_repairs
from gatekeeper.local.policy_source import default_policy
from gatekeeper.reporters.markdown import (
    COMMENT_LIMIT,
    RERUN,
    REVIEW_RERUN,
    comment,
    escape,
    summary,
)
from tests.support.bodies import complete_body, good_value
from tests.support.evidence import commit, live
from tests.support.markdown_render import MENTION, Rendered, render
from tests.support.suggestion import BLOCK_BLANK, LABELS, PROSE_BLANK, pasted

SNAPSHOTS = Path(__file__).parent / "snapshots"
NOW = "2026-11-21T00:00:00Z"
VERSION = "0.0.0+snapshot"
RUN_URL = "https://github.com/acme/widgets/actions/runs/77"
BASE_TIP = PolicyOrigin("acme/widgets:.github/gatekeeper.yml", ref="main", sha="b" * 40)
BASE_POLICY = """\
version: 1
classes:
  RED:
    paths: ["src/auth/", ".github/workflows/"]
  AMBER:
    paths: ["src/"]
exemptions:
  - name: lockfile updates by Dependabot
    authors: ["dependabot[bot]"]
    paths: ["package-lock.json", "poetry.lock"]
"""
_RED_PATHS = [f"src/auth/part{i}.py" for i in range(6)] + [".github/workflows/ci.yml"]


def _base_policy() -> Policy:
    return parse_policy(BASE_POLICY, file=".github/gatekeeper.yml",
                        schema=resources.schema("policy"), origin=BASE_TIP)


@dataclass(frozen=True)
class Example:
    body: str
    paths: tuple[str, ...]
    author: str = "alice"
    base_policy: bool = False
    # What GitHub shows (commits, reviews); None: a local run that read nothing.
    evidence: Evidence | None = None

    def policy(self) -> Policy:
        return _base_policy() if self.base_policy else default_policy()

    def decide(self, body: str | None = None) -> Decision:
        return evaluate(
            self.body if body is None else body, [ChangedPath(p) for p in self.paths],
            self.policy(), contract_schema=resources.schema("contract"), evaluated_at=NOW,
            version=VERSION, author=self.author, evidence=self.evidence,
        )


EXAMPLES: dict[str, Example] = {
    # RED declared, the Escalation section left out; seven RED paths, five are named.
    "blocked_red": Example(complete_body("RED", escalation=False),
                           ("README.md", *_RED_PATHS), base_policy=True),
    "placeholder": Example(complete_body("RED", approval_reference="TBD", rollback_plan="-"),
                           ("src/auth/login.py",)),
    "under_declared": Example(complete_body("GREEN"), ("src/auth/session.py", "docs/a.md")),
    "exempt": Example("Bump lockfile.\n", ("package-lock.json",), author="dependabot[bot]",
                      base_policy=True, evidence=live(
                          author="dependabot[bot]", author_is_bot=True,
                          commits=(commit("dependabot[bot]"),))),
    "pass": Example(complete_body("AMBER"), ("src/app/view.py", "docs/a.md"),
                    base_policy=True, evidence=live()),
    # A bot's pull request is answered with a ```gatekeeper block.
    "agent_block": Example(
        "## Summary\nDone by an agent.\n\n## Contract\n- **Risk level:** GREEN\n"
        "- **Change origin:** agent\n- **Test evidence:** pytest -q: 12 passed\n",
        ("src/auth/token.py",), author="coder-agent[bot]"),
    # Prose and block disagree; the block is malformed on another key.
    "block_conflict": Example(
        complete_body("GREEN") + "\n```gatekeeper\nchange_origin: agent\nrisk_level: [RED]\n```\n",
        ("docs/a.md",)),
}


def _could_not_evaluate() -> Decision:
    return could_not_evaluate(
        Code.GK902, "the changed files could not be listed: HTTP 502 (bad gateway)",
        "re-run the check; if GitHub keeps failing, check githubstatus.com",
        policy=BASE_TIP, evaluated_at=NOW, version=VERSION, identity="acme/widgets#7")


def _decision(name: str) -> Decision:
    return _could_not_evaluate() if name == "could_not_evaluate" else EXAMPLES[name].decide()


ALL = [*EXAMPLES, "could_not_evaluate"]


def _snapshot(name: str, text: str, decision: Decision) -> None:
    # The id is a digest of the inputs and Gatekeeper's hashing, not of how the page reads.
    text = text.replace(decision.id, "gk-" + "0" * 16)
    path = SNAPSHOTS / name
    if os.environ.get("GATEKEEPER_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no snapshot {path}; run with GATEKEEPER_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its snapshot"


@pytest.mark.parametrize("name", ALL)
def test_comment_and_summary_match_their_snapshots(name: str) -> None:
    decision = _decision(name)
    _snapshot(f"{name}.comment.md", comment(decision, run_url=RUN_URL), decision)
    _snapshot(f"{name}.summary.md", summary(decision), decision)


def _invisible(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text
            if unicodedata.category(c) in ("Cf", "Cc") and c != "\n"]


def _gfm_cells(row: str) -> int:
    """Cells in a table row as GitHub's cmark-gfm splits it: on every ``|`` that is not
    the second half of a backslash pair, code spans or not."""
    count, index = 0, 0
    while index < len(row):
        if row[index] == "\\":
            index += 1
        elif row[index] == "|":
            count += 1
        index += 1
    return count - 1


def _check_rendering(markdown: str, decision: Decision) -> Rendered:
    rendered = render(markdown)
    for block in re.split(r"\n(?!\|)", markdown):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        assert len({_gfm_cells(row) for row in rows}) <= 1, rows
    assert _invisible(markdown) == []
    assert not MENTION.search(rendered.plain_text), rendered.plain_text
    assert set(rendered.live_html) <= {"<sub>", "</sub>"}, rendered.live_html
    assert set(rendered.links) <= {RUN_URL}, rendered.links
    for table in rendered.tables():
        assert all(len(row) == len(table[0]) for row in table), table
    if decision.suggested_contract is not None:
        assert ("markdown", decision.suggested_contract) in rendered.fences
    return rendered


@pytest.mark.parametrize("name", ALL)
def test_renderings_are_safe_and_say_how_to_rerun_once(name: str) -> None:
    decision = _decision(name)
    for markdown in (comment(decision, run_url=RUN_URL), summary(decision)):
        _check_rendering(markdown, decision)
        fixable = name not in ("pass", "exempt", "could_not_evaluate")
        assert markdown.count(RERUN) == (1 if fixable else 0)
        assert (decision.suggested_contract is not None) == fixable


# --- what to paste, pasted back ---------------------------------------------------------

FIXABLE = [name for name in EXAMPLES if name not in ("pass", "exempt")]


@pytest.mark.parametrize("name", FIXABLE)
def test_the_suggestion_pasted_with_its_blanks_filled_passes(name: str) -> None:
    example = EXAMPLES[name]
    suggestion = example.decide().suggested_contract
    assert suggestion is not None
    again = example.decide(pasted(suggestion))
    assert not again.blocked, [(r.code, r.message) for r in again.reasons]
    assert again.declared_class is again.computed_class or again.declared_class is not None


@pytest.mark.parametrize("name", FIXABLE)
def test_the_suggestion_pasted_as_it_is_still_blocks_on_every_blank(name: str) -> None:
    example = EXAMPLES[name]
    suggestion = example.decide().suggested_contract
    assert suggestion is not None
    blanks = {m["name"] for m in map(BLOCK_BLANK.match, suggestion.splitlines()) if m} | {
        LABELS[normalize_label(m["label"])]
        for m in map(PROSE_BLANK.match, suggestion.splitlines()) if m}
    assert blanks, "an example with nothing to fill"
    again = example.decide("## Summary\nx\n\n" + suggestion)
    assert again.blocked
    assert blanks <= {r.field for r in again.reasons}


def test_a_placeholder_pasted_into_a_blank_still_blocks() -> None:
    example = EXAMPLES["placeholder"]
    suggestion = example.decide().suggested_contract
    assert suggestion is not None
    values = {spec.name: good_value(spec.name) for spec in FIELDS}
    values["approval_reference"] = "APR-XXXX"
    again = example.decide(pasted(suggestion, values))
    assert [r.field for r in again.reasons] == ["approval_reference"]


def test_the_suggestion_keeps_the_authors_values_and_the_computed_class() -> None:
    decision = EXAMPLES["under_declared"].decide()
    text = decision.suggested_contract or ""
    assert "- **Risk level:** RED" in text
    for name in ("accountable_owner", "change_origin", "test_evidence"):
        assert f"- **{BUILTIN[name].label}:** {good_value(name)}" in text
    assert "## Escalation" in text and text.count(f"<!-- {NEEDED}") == 3
    assert decision.to_record()["suggested_contract"] == text


def test_a_bot_or_a_block_gets_a_block_and_prose_gets_prose() -> None:
    agent = EXAMPLES["agent_block"].decide().suggested_contract or ""
    assert agent.startswith("```gatekeeper\n") and 'risk_level: "RED"' in agent
    assert 'change_origin: "agent"' in agent and 'accountable_owner: ""  # needed:' in agent
    conflict = EXAMPLES["block_conflict"].decide().suggested_contract or ""
    assert conflict.startswith("```gatekeeper\n") and 'change_origin: ""  # needed:' in conflict
    assert (EXAMPLES["placeholder"].decide().suggested_contract or "").startswith("## Contract")


def test_a_value_that_would_not_read_back_as_prose_is_offered_in_a_block() -> None:
    # Escaped stars read as stars; written back as prose they would be emphasis.
    body = complete_body("GREEN", test_evidence="ran \\*every\\* test: 3 passed")
    example = Example(body, ("src/auth/x.py",))
    decision = example.decide()
    assert decision.contract["test_evidence"] == "ran *every* test: 3 passed"
    suggestion = decision.suggested_contract or ""
    assert suggestion.startswith("```gatekeeper\n")
    assert 'test_evidence: "ran *every* test: 3 passed"' in suggestion
    again = example.decide(pasted(suggestion))
    assert not again.blocked and again.contract["test_evidence"] == "ran *every* test: 3 passed"


def test_pass_and_could_not_evaluate_offer_nothing_to_paste() -> None:
    assert EXAMPLES["pass"].decide().suggested_contract is None
    assert EXAMPLES["exempt"].decide().suggested_contract is None
    record = _could_not_evaluate().to_record()
    assert record["suggested_contract"] is None


# --- words a reader can act on ------------------------------------------------------------


def test_reasons_are_grouped_by_field_and_named_by_section() -> None:
    text = comment(EXAMPLES["placeholder"].decide())
    assert ("- **Escalation → Approval reference:** a placeholder \\('TBD'\\); give the "
            "reference of the real approval, such as APR-1234 (GK202)") in text
    assert "- **Escalation → Rollback plan:** a placeholder \\('-'\\);" in text
    assert "line " not in text.split("**Paste this**")[0]
    assert text.count("Approval reference") == 2  # the reason, and its blank in the paste


def test_why_red_names_five_paths_with_their_patterns_then_a_count() -> None:
    text = comment(EXAMPLES["blocked_red"].decide())
    why = next(line for line in text.splitlines() if line.startswith("**Why RED:**"))
    assert why.count("(`src/auth/`)") == 5 and why.endswith("and 2 more")
    assert "README.md" not in why


def test_a_pass_summary_shows_its_work() -> None:
    decision = EXAMPLES["pass"].decide()
    rendered = render(summary(decision))
    facts, contract = rendered.tables()[0], rendered.tables()[1]
    assert ["Computed class", "AMBER"] in facts and ["Declared class", "AMBER"] in facts
    assert ["Paths judged", "2"] in facts
    assert ["Policy", "`acme/widgets:.github/gatekeeper.yml` at the tip of `main` "
            "(`bbbbbbbbbbbb`)"] in facts
    for spec in FIELDS[:4]:
        assert [f"Contract → {spec.label}", f"`{good_value(spec.name)}`"] in contract \
            or spec.name == "risk_level"
    assert ["Contract → Risk level", "`AMBER`"] in contract


def test_the_embedded_default_and_an_exemption_are_named() -> None:
    embedded = render(summary(EXAMPLES["under_declared"].decide())).tables()[0]
    assert ["Policy", "the embedded default, because the repository has no policy file"] \
        in embedded
    exempt = render(summary(EXAMPLES["exempt"].decide())).tables()[0]
    assert ["Exemption", "lockfile updates by Dependabot: author `dependabot[bot]`, 1 path"] \
        in exempt
    assert "Exempt by policy: lockfile updates by Dependabot" in comment(
        EXAMPLES["exempt"].decide())


# --- hostile text ------------------------------------------------------------------------

HOSTILE_PATHS = ("src/auth/a|b.py", "src/auth/``x`.py", "src/auth/<details>.py",
                 "src/auth/x-->y.py", "src/auth/\u202eevil.py", "src/auth/|`|.py")
# (The <details> is in a code span: opened bare in the paragraph it would, as on GitHub,
# hide the rest of the value from the reader, and from the contract.)
HOSTILE_VALUE = ("ran `pytest` | `<details><summary>x</summary>` --> @org/everyone \u200b a\\|b"
                 " \U000e0041\u2066 [x](https://evil.example) #12 acme/other#3 ok")


def _hostile() -> Decision:
    body = complete_body("GREEN", test_evidence=HOSTILE_VALUE,
                         accountable_owner="@org/everyone")
    return Example(body, HOSTILE_PATHS).decide()


@pytest.mark.parametrize("surface", ["comment", "summary"])
def test_nothing_from_the_pull_request_breaks_out_of_a_code_span_or_cell(surface: str) -> None:
    decision = _hostile()
    markdown = comment(decision) if surface == "comment" else summary(decision)
    rendered = _check_rendering(markdown, decision)
    spans = rendered.code_spans
    assert [m.path for m in decision.classification.matches] == list(HOSTILE_PATHS)
    # The comment names five RED paths; the summary lists them all.
    for path in HOSTILE_PATHS[:5] if surface == "comment" else HOSTILE_PATHS:
        shown = path.replace("\u202e", "<U+202E>")
        assert shown in spans, (shown, spans)
    assert "<details" not in rendered.html and "-->" not in rendered.html.replace("--&gt;", "")
    if surface == "summary":
        tables = rendered.tables()
        red = next(t for t in tables if t[0] == ["Path", "Pattern"])
        assert len(red) == 1 + len(HOSTILE_PATHS)


def test_invisible_characters_are_shown_by_name_and_handles_are_code() -> None:
    text = summary(_hostile())
    assert "\u200b" not in text and "\u2060" not in text and "<U+200B>" in text
    assert "`@org/everyone`" in text


def _all_text(decisions: Sequence[Decision]) -> str:
    return "".join(comment(d) + summary(d) for d in decisions)


def test_no_rendering_contains_an_invisible_character() -> None:
    assert _invisible(_all_text([_decision(name) for name in ALL] + [_hostile()])) == []
    # A value with characters nobody can see is asked for again, not offered back.
    hostile = Example(complete_body("RED", test_evidence=HOSTILE_VALUE, escalation=False),
                      ("src/auth/x.py",)).decide()
    suggestion = hostile.suggested_contract or ""
    assert "- **Test evidence:** <!-- needed: give the command" in suggestion
    assert "evil.example" not in suggestion and _invisible(suggestion) == []


def test_an_approval_still_missing_says_a_review_reruns_the_check() -> None:
    passed = EXAMPLES["placeholder"].decide(complete_body("RED"))
    assert not passed.blocked
    reason = Reason(Code.GK301, "@acme/security has not approved the head commit",
                    "ask @acme/security for an approving review", field="escalation_reviewer",
                    line=10)
    assert not fixable([reason])
    decision = replace(passed, blocked=True, reasons=(reason,), repairs=suggest_repairs(
        Contract(fields={}), [reason], declared=None, computed=passed.computed_class,
        policy=default_policy()))
    text = comment(decision)
    assert ("- **Escalation → Escalation reviewer:** `@acme/security` has not approved the "
            "head commit; ask `@acme/security` for an approving review (GK301)") in text
    assert RERUN not in text and text.count(REVIEW_RERUN) == 1 and "Paste this" not in text
    _check_rendering(text, decision)


def test_a_comment_too_long_for_github_leaves_the_paste_to_the_summary() -> None:
    long_plan = "revert the pull request, then " + "check the staging run again; " * 2300
    example = Example(complete_body("RED", approval_reference="TBD", rollback_plan=long_plan),
                      ("src/auth/login.py",))
    decision = example.decide()
    assert decision.suggested_contract is not None and len(decision.suggested_contract) > 65_536
    text = comment(decision)
    assert len(text) <= COMMENT_LIMIT and "Paste this" not in text
    assert "Escalation → Approval reference" in text and "in the job summary" in text
    assert decision.suggested_contract in summary(decision)


def test_a_local_pending_decision_says_what_is_left_for_github() -> None:
    decision = Example(complete_body("RED"), ("src/auth/login.py",)).decide()
    assert decision.outcome == "pending"
    text = summary(decision)
    assert text.startswith("## Gatekeeper: ⏳ pending") and "✅" not in text
    assert "### Still to check on GitHub" in text
    details = [c.detail for c in decision.pending_checks()]
    assert details and all(escape(d) in text and escape(d) in comment(decision)
                           for d in details)
    _check_rendering(text, decision)
