"""Every reason code is documented, and every code is produced where the docs say."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pytest

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.facts import ApprovalRecordFacts, CheckRunFacts
from gatekeeper.core.decide import could_not_evaluate
from gatekeeper.core.model import ChangedPath, Decision, PolicyOrigin
from gatekeeper.core.reasons import Code, Family
from tests.support.evidence import approved, commit, live
from tests.support.fixtures import EVALUATED_AT, REPO_ROOT, load_policy_text

DOC = REPO_ROOT / "docs" / "reason-codes.md"
HEADING = re.compile(r"^## (GK\d{3}) — (.+)$", re.MULTILINE)

Evaluator = Callable[..., Decision]


def documented() -> dict[str, str]:
    return dict(HEADING.findall(DOC.read_text(encoding="utf-8")))


def sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    starts = list(HEADING.finditer(text))
    return {
        match.group(1): text[match.end(): starts[i + 1].start() if i + 1 < len(starts) else None]
        for i, match in enumerate(starts)
    }


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    docs = documented()
    assert sorted(set(Code) - set(docs)) == [], "codes missing from docs/reason-codes.md"
    assert sorted(set(docs) - set(Code)) == [], "documented codes missing from Code"


def test_documented_titles_match_and_order_follows_codes() -> None:
    docs = documented()
    assert list(docs) == [str(c) for c in Code]
    assert docs == {str(c): c.summary for c in Code}


def test_no_stray_code_is_mentioned_in_the_docs() -> None:
    mentioned = set(re.findall(r"\bGK\d{3}\b", DOC.read_text(encoding="utf-8")))
    assert mentioned <= set(Code), sorted(mentioned - set(Code))


@pytest.mark.parametrize("code", [str(c) for c in Code])
def test_each_code_says_when_example_and_fix(code: str) -> None:
    section = sections()[code]
    for part in ("**When it fires:**", "**Example:**", "**Fix:**"):
        assert part in section, f"{code}: no {part}"
        after = section.split(part, 1)[1].strip()
        assert len(after) > 10, f"{code}: {part} is empty"


def test_incomplete_contract_families() -> None:
    assert [c for c in Code if c.incomplete_contract] == [
        c for c in Code if c[:3] in ("GK1", "GK2", "GK3")]
    assert not any(c.incomplete_contract for c in Code if c.startswith("GK9"))
    assert {c.family for c in Code if c.startswith("GK9")} == {Family.COULD_NOT_EVALUATE}
    assert Code.GK201.family is Family.RISK and Code.GK301.family is Family.AUTHORITY


# --- each GK1xx, GK2xx and GK3xx code, through evaluate() ----------------------------------

GOOD = {
    "risk": "- **Risk level:** {risk}",
    "owner": "- **Accountable owner:** @alice",
    "origin": "- **Change origin:** human",
    "tests": "- **Test evidence:** pytest -q: 12 passed",
}


def contract(risk: str = "GREEN", **replace: str) -> str:
    """A '## Contract' heading on line 1, then risk, owner, origin, tests on lines 2-5."""
    lines = {**GOOD, **replace}
    return "## Contract\n" + "\n".join(v.format(risk=risk) for v in lines.values()) + "\n"


ESCALATION = ("\n## Escalation\n"                              # lines 6, 7
              "- **Escalation reviewer:** @carol\n"            # 8
              "- **Approval reference:** APR-1234\n"           # 9
              "- **Rollback plan:** revert the pull request\n")  # 10

@dataclass
class Case:
    body: str
    expected: list[tuple[str, str | None, int | None]]
    paths: list[str] = field(default_factory=lambda: ["src/app.py"])
    policy: str | None = None
    evidence: Evidence | None = None


APPROVAL_POLICY = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
                   "authority:\n  require_escalation_approval: true\n")
RECORDS_POLICY = ("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
                  "authority:\n  require_escalation_approval: false\n"
                  "  approval_records: {repository: acme/approvals, label: approved}\n")

CASES: dict[str, list[Case]] = {
    "GK101": [
        Case(contract(owner="- **Accountable owner:** <!-- @handle -->"),
             [("GK101", "accountable_owner", 3)]),
        Case(contract(tests=""), [("GK101", "test_evidence", 1)]),
    ],
    "GK102": [
        Case(contract(origin="- **Change origin:** N/A"), [("GK102", "change_origin", 4)]),
        Case(contract(owner="- **Accountable owner:** ask-me"), [("GK102", "accountable_owner", 3)],
             policy="version: 1\nplaceholders: [ask-me]\n"),
    ],
    "GK103": [
        Case(contract(risk="PURPLE"), [("GK103", "risk_level", 2)]),
        Case(contract(owner="- **Accountable owner:** alice"), [("GK103", "accountable_owner", 3)]),
        Case(contract(origin="- **Change origin:** robot"), [("GK103", "change_origin", 4)]),
        Case(contract(tests="- **Test evidence:** CI"), [("GK103", "test_evidence", 5)]),
        Case(contract() + "- **Escalation reviewer:** security team\n",
             [("GK103", "escalation_reviewer", 6)]),
    ],
    "GK104": [
        Case(contract() + "\n```gatekeeper\nrisk_level: [RED\n```\n", [("GK104", None, 9)]),
        Case(contract() + "\n```gatekeeper\n- RED\n```\n", [("GK104", None, 7)]),
        Case("```gatekeeper\nrisk_level: GREEN\naccountable_owner: '@a'\nchange_origin: agent\n"
             "test_evidence: pytest ok\n```\n\n```gatekeeper\nrisk_level: RED\n```\n",
             [("GK104", None, 8)]),
    ],
    "GK105": [
        Case(contract() + "- **Approval reference:** approved by Bob\n",
             [("GK105", "approval_reference", 6)]),
        Case(contract(risk="RED") + ESCALATION.replace("APR-1234", "apr-1234"),
             [("GK105", "approval_reference", 9)], paths=["src/auth/x.py"]),
    ],
    "GK106": [
        Case(contract() + "\n```gatekeeper\naccountable_owner: '@mallory'\n```\n",
             [("GK106", "accountable_owner", 8)]),
    ],
    "GK107": [
        Case(contract(tests="- **Tests evidnce:** pytest: 3 passed"),
             [("GK107", "test_evidence", 5)]),
        Case("## Contract\n- **Risk levl:** GREEN\n" + "\n".join(list(GOOD.values())[1:])
             + "\n", [("GK107", "risk_level", 2)]),
    ],
    "GK201": [
        Case(contract(), [("GK201", "risk_level", 2)], paths=["package.json"]),
        Case(contract(risk="AMBER") + ESCALATION, [("GK201", "risk_level", 2)],
             paths=["src/auth/login.py"]),
    ],
    "GK202": [
        Case(contract(risk="RED"), [("GK202", "approval_reference", 1),
                                    ("GK202", "escalation_reviewer", 1),
                                    ("GK202", "rollback_plan", 1)],
             paths=["src/auth/login.py"]),
        Case(contract(risk="RED") + ESCALATION.replace("APR-1234", "TBD"),
             [("GK202", "approval_reference", 9)], paths=["src/auth/login.py"]),
        Case(contract(risk="RED") + ESCALATION.replace("@carol", "<!-- @handle -->"),
             [("GK202", "escalation_reviewer", 8)], paths=["db/migrations/0001.sql"]),
    ],
    "GK203": [
        Case(contract(risk="AMBER"), [("GK203", "rollback_plan", 1)], paths=["deploy/app.yaml"],
             policy="version: 1\nclasses:\n  AMBER:\n    paths: [deploy/]\n"
                    "    require: [rollback_plan]\n"),
        Case(contract(risk="RED") + ESCALATION, [("GK203", "ticket", 1)], paths=["vault/x"],
             policy="version: 1\nclasses:\n  RED:\n    paths: [vault/]\n    require: [ticket]\n"),
    ],
    "GK301": [
        Case(contract(risk="RED") + ESCALATION, [("GK301", "escalation_reviewer", 8)],
             paths=["src/auth/login.py"],
             policy="version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
                    "authority:\n  require_escalation_approval: true\n",
             evidence=live(reviews=(approved("mallory"),))),
    ],
    "GK302": [
        Case(contract(risk="RED") + ESCALATION, [("GK302", "escalation_reviewer", 8)],
             paths=["src/auth/login.py"],
             policy="version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
                    "authority:\n  require_escalation_approval: true\n",
             evidence=live(reviews=(approved("carol", "0" * 40),))),
    ],
    **{code: [Case(contract(risk="RED") + ESCALATION, [(code, "escalation_reviewer", 8)],
                   paths=["src/auth/login.py"], policy=APPROVAL_POLICY, evidence=evidence)]
       for code, evidence in {
           "GK304": live(permissions={("acme/app", "carol"): "read"}),
           "GK305": live(reviews=(approved("carol", bot=True),)),
           "GK306": live(author="carol"),
           "GK307": live(commits=(commit(), commit("alice", committer="carol"))),
       }.items()},
    "GK303": [
        Case(contract(risk="RED") + ESCALATION, [("GK303", "escalation_reviewer", 8)],
             paths=["src/auth/login.py"],
             policy="version: 1\nclasses:\n  RED:\n    paths: [auth/]\n"
                    "authority:\n  escalation_reviewers: ['@acme/security']\n"),
    ],
    **{code: [Case(contract(risk="RED") + ESCALATION, [(code, "approval_reference", 9)],
                   paths=["src/auth/login.py"], policy=RECORDS_POLICY,
                   evidence=live(approval_records={"APR-1234": record}))]
       for code, record in {
           "GK308": ApprovalRecordFacts("acme/approvals", 1234, "", exists=False),
           "GK309": ApprovalRecordFacts("acme/approvals", 1234, "u", exists=True,
                                        labelled=False, labelled_by="bob",
                                        mentions_pull_request=True),
           "GK310": ApprovalRecordFacts("acme/approvals", 1234, "u", exists=True,
                                        labelled=True, labelled_by="bob",
                                        mentions_pull_request=False),
           "GK311": ApprovalRecordFacts("acme/approvals", 1234, "u", exists=True,
                                        labelled=True, labelled_by="alice",
                                        mentions_pull_request=True),
       }.items()},
    "GK204": [
        Case(contract(), [("GK204", "change_origin", 4)],
             evidence=live(commits=(commit(message="fix\n\nCo-authored-by: Claude "
                                                   "<noreply@anthropic.com>"),))),
    ],
    "GK312": [
        Case(contract(origin="- **Change origin:** agent", owner="- **Accountable owner:** "
                      "@Copilot"), [("GK312", "accountable_owner", 3)],
             evidence=live()),
    ],
    "GK313": [
        Case(contract(origin="- **Change origin:** agent", owner="- **Accountable owner:** "
                      "@dave"), [("GK313", "accountable_owner", 3)],
             evidence=live(permissions={("acme/app", "dave"): "triage"})),
    ],
    "GK314": [
        Case(contract(origin="- **Change origin:** agent"), [("GK314", "accountable_owner", 3)],
             policy="version: 1\nprovenance:\n  agent_owner_must_approve: true\n",
             evidence=live(author="copilot-swe-agent[bot]", author_is_bot=True)),
    ],
    "GK315": [
        Case(contract(risk="RED", origin="- **Change origin:** agent",
                      owner="- **Accountable owner:** @carol") + ESCALATION,
             [("GK315", "escalation_reviewer", 8)], paths=["src/auth/login.py"],
             policy=APPROVAL_POLICY,
             evidence=live(author="copilot-swe-agent[bot]", author_is_bot=True)),
    ],
    "GK316": [
        Case(contract(risk="RED") + ESCALATION, [("GK316", "escalation_reviewer", 8)],
             paths=["src/auth/login.py"], policy=APPROVAL_POLICY,
             evidence=live(reviews=(replace(approved("carol"),
                                            submitted_at="2026-11-20T10:00:00Z"),),
                           base_changes=("2026-11-20T11:00:00Z",))),
    ],
    "GK108": [
        Case(contract(), [("GK108", "test_evidence", 5)],
             policy="version: 1\ntest_evidence:\n  require_checks: [tests]\n",
             evidence=live(check_runs={"tests": (CheckRunFacts("tests", "completed",
                                                               "failure"),)})),
    ],
}

GK9_MESSAGES = {
    "GK901": "the base branch's policy is invalid: .github/gatekeeper.yml:3: unknown key",
    "GK902": "could not list the changed files: HTTP 502",
    "GK903": "GitHub listed 3,000 of 4,200 changed files",
    "GK904": "could not read the pull request: HTTP 401",
    "GK905": "the event is for commit aaaaaaaaaaaa, but the pull request's head is now bbbb",
    "GK906": "could not post the commit status: HTTP 403",
    "GK907": "commit 0123456789ab of the merge group belongs to no open pull request",
    "GK908": "could not list the other pull requests on 0123456789ab: HTTP 502",
    "GK909": "the head commit cccccccccccc is also the head of #7, opened by someone with write",
    "GK910": "the repository's policy on main loosens the organisation policy: "
             "acme/app:.github/gatekeeper.yml:3: authority.require_escalation_approval: ...",
    "GK911": "not judged again: #7: its gate run 4242 is in_progress, and may have read the "
             "facts before they moved; re-run it when it ends",
    "GK915": "could not verify @carol's write permission on GitHub",
    "GK916": "cannot read the members of @acme/security: GitHub answered HTTP 404",
    "GK999": "Gatekeeper failed while evaluating: KeyError: 'x'",
}


# Codes about other pull requests than the one judged, produced by the live evaluation and
# exercised there (tests/unit/commands/test_verdict.py).
LIVE_CODES = {"GK220": "test_another_blocked_pull_request_on_the_commit_blocks_with_gk220",
              "GK221": "test_a_merge_group_blocks_when_an_earlier_member_blocks"}


def test_every_contract_risk_and_authority_code_has_cases() -> None:
    from tests.unit.commands import test_verdict

    exercised = set(CASES) | set(LIVE_CODES)
    assert all(hasattr(test_verdict, name) for name in LIVE_CODES.values())
    assert exercised == {c for c in Code if c.incomplete_contract}
    assert set(GK9_MESSAGES) == {c for c in Code if c.startswith("GK9")}


@pytest.mark.parametrize(
    ("code", "case"),
    [(code, case) for code, cases in CASES.items() for case in cases],
    ids=[f"{code}-{n}" for code, cases in CASES.items() for n in range(len(cases))],
)
def test_code_fires_with_field_and_line(code: str, case: Case, evaluate_body: Evaluator,
                                        valid_record: Callable[..., None]) -> None:
    policy = load_policy_text(case.policy) if case.policy else None
    decision = evaluate_body(case.body, [ChangedPath(p) for p in case.paths], policy,
                             evidence=case.evidence)
    assert [(r.code, r.field, r.line) for r in decision.reasons] == case.expected
    assert decision.outcome == "block"
    assert all(r.code == code for r in decision.reasons)
    assert all(r.message and r.fix for r in decision.reasons)
    record = decision.to_record()
    valid_record(record)
    assert [(r["code"], r["field"], r["line"]) for r in record["reasons"]] == case.expected


@pytest.mark.parametrize("code", sorted(GK9_MESSAGES))
def test_could_not_evaluate_codes_block_and_validate(code: str,
                                                     valid_record: Callable[..., None]) -> None:
    decision = could_not_evaluate(
        Code(code), GK9_MESSAGES[code], "re-run the check",
        policy=PolicyOrigin("acme/app:.github/gatekeeper.yml"),
        evaluated_at=EVALUATED_AT, version="1.2.3", identity="acme/app#42",
    )
    assert decision.blocked
    record = decision.to_record()
    valid_record(record)
    assert record["decision"] == "block"
    assert [(r["code"], r["message"], r["field"], r["line"]) for r in record["reasons"]] == [
        (code, GK9_MESSAGES[code], None, None)]
    assert record["red_paths"] == [] and record["exemptions"] == []
    # Stable: the same failure on the same pull request gives the same id.
    again = could_not_evaluate(Code(code), "other words", "x",
                               policy=PolicyOrigin("elsewhere"), evaluated_at=EVALUATED_AT,
                               version="1.2.3", identity="acme/app#42")
    assert again.id == decision.id
