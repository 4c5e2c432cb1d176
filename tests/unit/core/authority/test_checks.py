"""Required checks passed on the head, and an exemption's account made every commit."""

from __future__ import annotations

import pytest

from gatekeeper.core.authority.checks import exemption_commits, required_checks
from gatekeeper.core.authority.facts import CheckRunFacts
from gatekeeper.core.authority.judge import Findings
from tests.support.evidence import commit, live


def test_a_check_that_passed_on_the_head_is_evidence() -> None:
    runs = {"tests": (CheckRunFacts("tests", "completed", "success"),)}
    found = required_checks(("tests",), live(check_runs=runs))
    assert found.reasons == [] and not found.needs


@pytest.mark.parametrize(("runs", "words"), [
    ((), "has not run on the head commit"),
    ((CheckRunFacts("tests", "in_progress", None),), "is in progress on the head commit"),
    ((CheckRunFacts("tests", "completed", "failure"),), "concluded failure on the head commit"),
])
def test_a_check_that_did_not_pass_blocks_with_gk108(runs: tuple[CheckRunFacts, ...],
                                                     words: str) -> None:
    found = required_checks(("tests",), live(check_runs={"tests": runs}))
    assert [(r.code, r.message, r.field) for r in found.reasons] == [
        ("GK108", f"required check 'tests' {words}", "test_evidence")]


def test_an_unread_check_waits_for_github() -> None:
    found = required_checks(("tests",), live(check_runs={}))
    assert found.reasons == []
    assert [(n.kind, n.subject) for n in found.needs] == [("check_runs", "tests")]


def test_an_exemption_holds_when_every_commit_is_the_accounts_and_signed() -> None:
    findings = Findings()
    mine = commit("dependabot[bot]", "web-flow", verified=True)
    assert exemption_commits("dependabot[bot]", live(commits=(mine,)), findings) is None
    assert not findings.needs


def test_an_exemption_falls_on_someone_elses_or_an_unsigned_commit() -> None:
    bot = commit("dependabot[bot]", verified=True)
    other = commit("mallory", sha="d" * 40)
    why = exemption_commits("dependabot[bot]", live(commits=(bot, other)), Findings())
    assert why == "commit dddddddddddd was authored by @mallory, not @dependabot[bot]"
    unsigned = commit("dependabot[bot]", verified=False)
    why = exemption_commits("dependabot[bot]", live(commits=(unsigned,)), Findings())
    assert why is not None and "is not signed" in why


def test_an_exemption_waits_while_the_commits_are_unread() -> None:
    findings = Findings()
    assert exemption_commits("dependabot[bot]", live(commits=None), findings) is None
    assert [n.kind for n in findings.needs] == ["commits"]
