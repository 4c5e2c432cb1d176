"""This repository judges itself with a Gatekeeper the pull request cannot change.

Its gate runs the action from the base branch (pull_request_target and workflow_run take
the workflow from the base or default branch; the checkout is the base commit, never the
pull request's), and its policy makes the checker, the action, what the action installs,
the schemas, the scripts, CI and the workflows RED.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from gatekeeper import resources
from gatekeeper.constants import GATEKEEPER_REPOSITORY
from gatekeeper.core.model import ChangedPath, RiskClass
from gatekeeper.core.policy.classify import classify
from gatekeeper.core.policy.load import Policy, parse_policy
from tests.support.fixtures import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
# Events whose workflow file GitHub takes from the base or default branch.
BASE_BRANCH_EVENTS = {"pull_request_target", "workflow_run", "merge_group", "issues"}
# A push runs the pushed branch's copy: only a job that runs on protected branches alone
# (reviewed code, like a base branch) may judge on it.
PROTECTED_ONLY = "github.ref_protected"
BASE_REF = "${{ github.event.merge_group.base_sha || github.sha }}"

OWN_RED = [
    "gatekeeper/cli/__init__.py", "gatekeeper/core/decide.py", "gatekeeper/default_policy.yml",
    "gatekeeper/templates/hardened/gatekeeper.yml", "action.yml", "scripts/action-install.sh",
    "scripts/lock.py", "schemas/policy.schema.json", "schemas/decision.schema.json",
    "requirements.lock", "requirements-action.lock", "requirements-action.urls",
    "scripts/action-wheels.py", "pyproject.toml", ".ci/run",
    ".github/workflows/gatekeeper.yml",
    ".github/workflows/gatekeeper-review.yml", ".github/workflows/new-one.yml",
    ".github/gatekeeper.yml", "CODEOWNERS",
]
NOT_RED = ["README.md", "docs/security.md", "tests/unit/core/test_decide.py",
           "examples/red-complete.md", "docs/gatekeeper/notes.md"]


@pytest.fixture(scope="module")
def own_policy() -> Policy:
    path = REPO_ROOT / ".github" / "gatekeeper.yml"
    return parse_policy(path.read_text(encoding="utf-8"), file=str(path),
                        schema=resources.schema("policy"))


@pytest.mark.parametrize("path", OWN_RED)
def test_the_checker_and_its_supply_chain_are_red(own_policy: Policy, path: str) -> None:
    assert classify([ChangedPath(path)], own_policy).computed_class is RiskClass.RED, path


@pytest.mark.parametrize("path", NOT_RED)
def test_ordinary_changes_are_not_red(own_policy: Policy, path: str) -> None:
    assert classify([ChangedPath(path)], own_policy).computed_class is not RiskClass.RED, path


def test_a_rename_out_of_the_checker_is_red(own_policy: Policy) -> None:
    change = ChangedPath("docs/old_cli.py", old_path="gatekeeper/cli.py")
    assert classify([change], own_policy).computed_class is RiskClass.RED


def test_the_own_policy_is_at_least_the_default(own_policy: Policy) -> None:
    default = parse_policy(resources.text("default_policy.yml"), file="default",
                           schema=resources.schema("policy"))
    red, amber = RiskClass.RED, RiskClass.AMBER
    assert set(default.classes[red].patterns) <= set(own_policy.classes[red].patterns)
    assert set(default.classes[amber].patterns) <= (
        set(own_policy.classes[amber].patterns) | set(own_policy.classes[red].patterns))
    # Everything else the default asks for, this repository asks for too.
    assert own_policy.require_escalation_approval >= default.require_escalation_approval
    assert own_policy.provenance == default.provenance
    assert set(default.required_checks) <= set(own_policy.required_checks)
    assert own_policy.approval_reference_raw == default.approval_reference_raw
    assert own_policy.allow_local_diff is default.allow_local_diff is False


def _triggers(document: dict[Any, Any]) -> set[str]:
    on = document[True]  # YAML 1.1 reads the key `on` as true
    return {on} if isinstance(on, str) else set(on)


def _steps(document: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def _runs_gatekeeper(step: dict[str, Any]) -> bool:
    uses = str(step.get("uses", ""))
    return uses.startswith("./") or uses.startswith(f"{GATEKEEPER_REPOSITORY}@")


def pull_request_code_judges_itself(document: dict[Any, Any]) -> list[str]:
    """Why a workflow would let a pull request's own code (or workflow) give its verdict."""
    problems = []
    steps = _steps(document)
    if not any(_runs_gatekeeper(step) for step in steps):
        return []
    events = _triggers(document)
    if "push" in events and all(PROTECTED_ONLY in str(job.get("if", ""))
                                for job in document["jobs"].values()):
        events -= {"push"}
    if events - BASE_BRANCH_EVENTS:
        problems.append(f"runs the action on {sorted(events - BASE_BRANCH_EVENTS)}, whose "
                        "workflow comes from the pull request")
    for step in steps:
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            ref = (step.get("with") or {}).get("ref")
            if ref != BASE_REF:
                problems.append(f"checks out {ref or 'the event default'}, not the base commit")
            if (step.get("with") or {}).get("persist-credentials") is not False:
                problems.append("keeps the token in the checkout")
    return problems


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_own_workflow_lets_a_pull_request_judge_itself(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert pull_request_code_judges_itself(document) == []


def test_the_own_gate_runs_the_action_on_every_pull_request_event_and_the_queue() -> None:
    events = set()
    for path in WORKFLOWS:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if any(_runs_gatekeeper(step) for step in _steps(document)):
            events |= _triggers(document)
    assert events == BASE_BRANCH_EVENTS | {"push"}


def test_the_old_self_judging_workflow_is_caught() -> None:
    # What this repository ran before: the pull request's checkout, then `uses: ./`.
    old = yaml.safe_load("""
on:
  pull_request:
  pull_request_review:
  merge_group:
permissions:
  pull-requests: write
jobs:
  gatekeeper:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          persist-credentials: false
      - uses: ./
""")
    problems = pull_request_code_judges_itself(old)
    assert any("pull_request" in p for p in problems)
    assert any("not the base commit" in p for p in problems)
    head = yaml.safe_load("""
on: pull_request_target
jobs:
  gatekeeper:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          ref: ${{ github.event.pull_request.head.sha }}
          persist-credentials: false
      - uses: ./
""")
    assert pull_request_code_judges_itself(head) == [
        "checks out ${{ github.event.pull_request.head.sha }}, not the base commit"]


def test_a_push_run_that_would_judge_from_any_branch_is_caught() -> None:
    text = """
on:
  push:
    branches: ['**']
permissions:
  statuses: write
jobs:
  rejudge:
    if: {guard}
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          ref: ${{{{ github.event.merge_group.base_sha || github.sha }}}}
          persist-credentials: false
      - uses: ./
"""
    unguarded = yaml.safe_load(text.format(guard="github.event_name == 'push'"))
    assert any("['push']" in p for p in pull_request_code_judges_itself(unguarded))
    guarded = yaml.safe_load(text.format(guard="github.ref_protected"))
    assert pull_request_code_judges_itself(guarded) == []
