"""This repository's own gate, the real .github/workflows/gatekeeper.yml, under act.

The workflow runs on pull_request_target, checks out the base commit and runs the action
from it; the policy (this repository's .github/gatekeeper.yml) comes from the base branch
through the API. act cannot run actions/checkout offline with a `ref:`, so its one step is
replaced by a copy of this (base) checkout into the workspace; every other line of the
workflow runs as written. A pull request that edits the checker is RED: declared GREEN it gets a
failure status on its head commit, and with the escalation it passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gatekeeper.constants import HARDENED_STATUS_CONTEXT_FORMAT, POLICY_PATH
from tests.e2e.act_harness import SOURCE_ENV, ActResult, require_act, run_action
from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub

REPO_ROOT = Path(__file__).resolve().parents[2]
MAIN_CONTEXT = HARDENED_STATUS_CONTEXT_FORMAT.format(branch="main")
REPO = "gatekeeper-dev/gatekeeper"
BASE_SHA, HEAD_SHA = "b" * 40, "c" * 40
CHECKER = ["gatekeeper/live/evaluation.py", "action.yml"]
CHECKOUT = re.compile(r"      - uses: actions/checkout@[0-9a-f]{40}.*?persist-credentials: false\n",
                      re.DOTALL)
COPY = ("      - name: The base commit, as the checkout step gives it\n"
        "        shell: bash\n"
        f'        run: cp -a "${{{SOURCE_ENV}:?}}/." "$GITHUB_WORKSPACE/"\n')


def _own_workflow() -> str:
    text = (REPO_ROOT / ".github" / "workflows" / "gatekeeper.yml").read_text(encoding="utf-8")
    replaced, count = CHECKOUT.subn(COPY, text)
    assert count == 1, "the own gate no longer has its one checkout step"
    return replaced


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    require_act()
    with FakeGitHub() as double:
        double.add_repo(REPO)
        own_policy = (REPO_ROOT / POLICY_PATH).read_text(encoding="utf-8")
        double.set_file(REPO, POLICY_PATH, BASE_SHA, own_policy)
        yield double
        double.assert_no_violations()


def _run(fake: FakeGitHub, tmp_path: Path, body: str, *,
         approved_by: str | None = None) -> ActResult:
    fake.add_pull(REPO, 7, title="Speed up evaluation", body=body, author="bob",
                  head_sha=HEAD_SHA, base_sha=BASE_SHA, head_ref="faster", files=CHECKER)
    if approved_by is not None:  # the escalation reviewer, who can write, approves the head
        fake.add_review(REPO, 7, approved_by, "APPROVED", HEAD_SHA)
    return run_action(
        REPO_ROOT, "pull_request_target",
        # pull_request_target carries the pull_request payload
        fake.webhook_payload("pull_request", "synchronize", REPO, 7),
        env={"GITHUB_API_URL": fake.base_url, "GITHUB_GRAPHQL_URL": fake.graphql_url,
             "GITHUB_REPOSITORY": REPO},
        secrets={"GITHUB_TOKEN": DEFAULT_TOKEN},
        workflow=".github/workflows/gatekeeper.yml", workflow_text=_own_workflow(),
        action_cache=tmp_path / "act-cache", timeout=600,
    )


def test_an_edit_of_the_checker_declared_green_fails_its_own_gate(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    result = _run(fake, tmp_path, complete_body("GREEN"))

    assert not result.ok, result.describe()
    [status] = fake.statuses(REPO, HEAD_SHA)[-1:]
    assert (status["context"], status["state"]) == (MAIN_CONTEXT, "failure")
    assert str(status["description"]).startswith("blocked: GK202 Escalation"), status
    # Under-declared: the paths are RED by this repository's own patterns.
    under = [a for a in result.errors() if a.properties.get("title") == "GK201"]
    assert under, result.describe()
    assert "declared GREEN" in under[0].message, result.describe()


def test_an_edit_of_the_checker_with_its_escalation_passes(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    body = complete_body("RED", escalation_reviewer="@carol", approval_reference="SEC-12")
    fake.set_permission(REPO, "carol", "maintain")
    result = _run(fake, tmp_path, body, approved_by="carol")

    assert result.ok, result.describe()
    [status] = fake.statuses(REPO, HEAD_SHA)[-1:]
    assert (status["context"], status["state"]) == (MAIN_CONTEXT, "success")


def test_an_edit_of_the_checker_without_the_reviewers_approval_fails(
    fake: FakeGitHub, tmp_path: Path,
) -> None:
    body = complete_body("RED", escalation_reviewer="@carol", approval_reference="SEC-12")
    fake.set_permission(REPO, "carol", "maintain")
    result = _run(fake, tmp_path, body)

    assert not result.ok, result.describe()
    [status] = fake.statuses(REPO, HEAD_SHA)[-1:]
    assert (status["context"], status["state"]) == (MAIN_CONTEXT, "failure")
    assert "GK301" in {a.properties.get("title") for a in result.errors()}, result.describe()
