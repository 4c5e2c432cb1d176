"""Which open pull requests a moved fact re-judges, and re-running the simple set-up's gate:
the selection rules with a stand-in forge (the same paths against the GitHub double are in
tests/unit/commands/test_action_rejudge.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from gatekeeper.core.policy.load import ApprovalRecords, Policy
from gatekeeper.forge import ForgeUnavailable, GateRun, PullSummary, PushEvent, RecordEvent
from gatekeeper.live.rejudge import after_push, after_record_change, rerun_gate
from gatekeeper.local.policy_source import default_policy

REPO = "acme/widgets"
SITE = "https://github.com"
HEAD = "c" * 40


@dataclass
class _Forge:
    open_into: dict[str, list[int]] = field(default_factory=dict)
    runs: list[GateRun] = field(default_factory=list)
    refused: bool = False
    rerun_ids: list[int] = field(default_factory=list)

    def open_pulls_into(self, repo: str, base: str, *, limit: int) -> tuple[PullSummary, ...]:
        return tuple(PullSummary(n, "open", HEAD, base)
                     for n in self.open_into.get(base, [])[:limit + 1])

    def gate_runs(self, repo: str, workflow: str, head_sha: str) -> tuple[GateRun, ...]:
        if self.refused:
            raise ForgeUnavailable("listing runs", 403, "Resource not accessible")
        return tuple(self.runs)

    def rerun(self, repo: str, run_id: int) -> None:
        self.rerun_ids.append(run_id)


def test_a_push_selects_the_open_pull_requests_into_its_branch() -> None:
    forge = _Forge(open_into={"main": [7, 3], "release": [9]})
    selection = after_push(forge, REPO, PushEvent("main"), limit=50)
    assert (selection.numbers, selection.beyond) == ((7, 3), False)
    assert after_push(forge, REPO, PushEvent(None), limit=50).numbers == ()


def test_a_push_concerning_more_than_the_limit_says_so() -> None:
    forge = _Forge(open_into={"main": [1, 2, 3]})
    selection = after_push(forge, REPO, PushEvent("main"), limit=2)
    assert (selection.numbers, selection.beyond) == ((1, 2), True)


def _records(repository: str = REPO) -> Policy:
    return replace(default_policy(), approval_records=ApprovalRecords(repository, "approved"))


def _event(*texts: str, labels: tuple[str, ...] = ("approved",), label: str | None = None,
           number: int = 31) -> RecordEvent:
    return RecordEvent(number=number, action="edited", label=label, labels=labels,
                       texts=texts, default_branch="main")


def test_a_record_selects_what_it_names_now_and_before_an_edit() -> None:
    event = _event("Sign-off", "Approves #7 (see #31).", "Approves #7 and acme/widgets#9.")
    selection = after_record_change(event, _records(), REPO, SITE, limit=50)
    assert selection.numbers == (7, 9)  # never the record itself


def test_a_label_just_removed_still_makes_it_a_record() -> None:
    event = _event("Approves #7.", labels=(), label="approved")
    assert after_record_change(event, _records(), REPO, SITE, limit=50).numbers == (7,)


@pytest.mark.parametrize(("policy_repo", "labels", "why"), [
    (REPO, ("bug",), "not an approval record"),
    ("acme/approvals", ("approved",), "keeps no approval records in acme/widgets"),
    (None, ("approved",), "keeps no approval records"),
])
def test_an_issue_that_is_no_record_here_selects_nothing(policy_repo: str | None,
                                                        labels: tuple[str, ...],
                                                        why: str) -> None:
    policy = default_policy() if policy_repo is None else _records(policy_repo)
    selection = after_record_change(_event("Approves #7.", labels=labels), policy, REPO, SITE,
                                    limit=50)
    assert selection.numbers == () and why in selection.why


def test_a_record_naming_more_than_the_limit_says_so() -> None:
    event = _event(" ".join(f"#{n}" for n in range(1, 6)))
    selection = after_record_change(event, _records(), REPO, SITE, limit=3)
    assert (selection.numbers, selection.beyond) == ((1, 2, 3), True)


def _run(run_id: int, status: str = "completed", event: str = "pull_request") -> GateRun:
    return GateRun(id=run_id, event=event, status=status, head_sha=HEAD,
                   created_at="2026-11-20T10:00:00Z")


def test_the_newest_gate_run_is_re_run() -> None:
    forge = _Forge(runs=[_run(9, event="push"), _run(8, event="pull_request_review"), _run(5)])
    outcome = rerun_gate(forge, REPO, 7, HEAD, "gatekeeper.yml")
    assert (outcome.run_id, outcome.problem, forge.rerun_ids) == (8, "", [8])


@pytest.mark.parametrize(("forge", "problem"), [
    (_Forge(runs=[_run(8, status="in_progress")]), "is in_progress"),
    (_Forge(runs=[_run(8, event="schedule")]), "has no run on its head"),
    (_Forge(refused=True), "Resource not accessible"),
])
def test_a_gate_run_that_cannot_be_re_run_is_a_problem(forge: _Forge, problem: str) -> None:
    outcome = rerun_gate(forge, REPO, 7, HEAD, "gatekeeper.yml")
    assert problem in outcome.problem and forge.rerun_ids == []
