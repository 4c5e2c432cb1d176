"""The real action.yml, end to end under act, against the GitHub test double.

Each scenario seeds the double, fires a real webhook payload at the workflow, and checks
what a maintainer would see: the job's result, the annotations, the one sticky comment,
the labels and (hardened mode) the commit status.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from gatekeeper.constants import LABEL_STYLES
from tests.e2e.act_harness import ActResult, e2e_workflow, require_act, run_action
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub

REPO_ROOT = Path(__file__).resolve().parents[2]
REPO = "acme/widgets"
BASE_SHA = "b" * 40
HEAD_SHA = "c" * 40
STICKY = "<!-- gatekeeper:sticky-comment -->"

CONTRACT = """\
## Summary
Rate-limit the login endpoint.

## Contract
- **Risk level:** RED
- **Accountable owner:** @bob
- **Change origin:** ai-assisted
- **Test evidence:** pytest tests/auth -q: 31 passed
"""
ESCALATION = """
## Escalation
- **Escalation reviewer:** @acme/security
- **Approval reference:** SEC-2291
- **Rollback plan:** revert the PR; the limiter is behind a flag, toggled on staging
"""
RED_FILES = ["src/auth/login.py", "tests/auth/test_login.py"]
# A later step reads the action's declared outputs, through env: as a user's would.
SHOW_OUTPUTS = """\
      - name: Show outputs
        if: always()
        shell: bash
        env:
          DECISION: ${{ steps.gk.outputs.decision }}
          CLASS: ${{ steps.gk.outputs.computed-class }}
          REASONS: ${{ steps.gk.outputs.reasons }}
          DECISION_FILE: ${{ steps.gk.outputs.decision-file }}
        run: |
          codes=$(python3 -c 'import json, os
          print(",".join(r["code"] for r in json.loads(os.environ["REASONS"])))')
          recorded=$(python3 -c 'import json, os
          print(json.load(open(os.environ["DECISION_FILE"]))["decision"])')
          echo "outputs=$DECISION/$CLASS/$codes/$recorded"
"""


@pytest.fixture(scope="module")
def act_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One act cache (and so one tool cache) per module: the first run installs
    Gatekeeper into a virtual environment, the others reuse it."""
    require_act()
    return tmp_path_factory.mktemp("act-cache")


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as double:
        double.add_repo(REPO)
        yield double
        double.assert_no_violations()


def _seed(fake: FakeGitHub, body: str, files: list[str] | None = None, *,
          title: str = "Rate-limit login", head_ref: str = "feature") -> None:
    fake.add_pull(REPO, 7, title=title, body=body, author="bob", head_sha=HEAD_SHA,
                  base_sha=BASE_SHA, head_ref=head_ref, files=files or RED_FILES)
    # An eligible member of the escalation team (write access, no commits) approved the
    # head: the embedded default policy requires it for RED.
    fake.add_team_member("acme", "security", "carol")
    fake.set_permission(REPO, "carol", "write")
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD_SHA)


def _run(fake: FakeGitHub, act_cache: Path, event: str, action: str, *,
         inputs: dict[str, str] | None = None, payload: dict[str, object] | None = None,
         ) -> ActResult:
    with_inputs = {"github-token": "${{ secrets.GITHUB_TOKEN }}", **(inputs or {})}
    result = run_action(
        REPO_ROOT, event, payload or fake.webhook_payload(event, action, REPO, 7),
        env={"GITHUB_API_URL": fake.base_url, "GITHUB_GRAPHQL_URL": fake.graphql_url,
             "GITHUB_REPOSITORY": REPO},
        secrets={"GITHUB_TOKEN": DEFAULT_TOKEN},
        workflow_text=e2e_workflow(events=(event,), with_inputs=with_inputs,
                                   after_steps=SHOW_OUTPUTS),
        action_cache=act_cache, timeout=600,
    )
    return result


def _codes(result: ActResult) -> list[str]:
    return sorted(a.properties.get("title", "") for a in result.errors())


def _sticky(fake: FakeGitHub) -> list[dict[str, object]]:
    return [c for c in fake.comments(REPO, 7) if STICKY in str(c["body"])]


def test_red_pr_without_escalation_blocks_then_passes_once_edited(
    fake: FakeGitHub, act_cache: Path,
) -> None:
    _seed(fake, CONTRACT)
    blocked = _run(fake, act_cache, "pull_request", "opened")
    assert not blocked.ok, blocked.describe()
    assert _codes(blocked) == ["GK202", "GK202", "GK202"], blocked.describe()
    assert len(_sticky(fake)) == 1
    assert "GK202" in str(_sticky(fake)[0]["body"])
    assert set(fake.labels(REPO, 7)) == {"gatekeeper:red", "gatekeeper:blocked"}
    assert fake.repo_labels(REPO) == {name: LABEL_STYLES[name] for name in fake.labels(REPO, 7)}
    assert "- **Risk level:** RED" in str(_sticky(fake)[0]["body"])
    assert "outputs=block/RED/GK202,GK202,GK202/block" in blocked.log, blocked.describe()

    fake.update_pull(REPO, 7, body=CONTRACT + ESCALATION)
    passed = _run(fake, act_cache, "pull_request", "edited")
    assert passed.ok, passed.describe()
    assert passed.errors() == []
    comments = _sticky(fake)
    assert len(comments) == 1, comments
    assert "passed" in str(comments[0]["body"])
    assert fake.labels(REPO, 7) == ["gatekeeper:red"]
    assert "outputs=pass/RED//pass" in passed.log, passed.describe()


def test_files_endpoint_failing_blocks_with_gk902(fake: FakeGitHub, act_cache: Path) -> None:
    # Over 100 files: the pages after the query's first cannot be read (GraphQL or REST).
    _seed(fake, CONTRACT + ESCALATION,
          ["src/auth/login.py", *[f"docs/page{i}.md" for i in range(149)]])
    fake.fail("POST", "^/graphql$", status=500, variables={"number": 7, "after": ...})
    fake.fail("GET", r"/pulls/7/files", status=500)
    result = _run(fake, act_cache, "pull_request", "synchronize")
    assert not result.ok
    assert _codes(result) == ["GK902"], result.describe()
    pages = [r for r in fake.requests
             if r.path == "/graphql" and "after" in ((r.json or {}).get("variables") or {})]
    assert len(pages) >= 2  # retried before giving up


def test_more_files_than_the_api_lists_fails_closed(fake: FakeGitHub, act_cache: Path) -> None:
    files = [f"docs/page{i}.md" for i in range(3001)]
    _seed(fake, CONTRACT.replace("RED", "GREEN"), files)
    result = _run(fake, act_cache, "pull_request", "opened")
    assert not result.ok
    assert _codes(result) == ["GK903"], result.describe()


def test_a_pr_cannot_weaken_its_own_policy(fake: FakeGitHub, act_cache: Path) -> None:
    weakened = "version: 1\nclasses:\n  RED:\n    paths: []\n"
    fake.set_file(REPO, ".github/gatekeeper.yml", HEAD_SHA, weakened)
    _seed(fake, CONTRACT.replace("RED", "GREEN"),
          [".github/gatekeeper.yml", "src/auth/login.py"])
    result = _run(fake, act_cache, "pull_request", "opened")
    assert not result.ok
    assert "GK201" in _codes(result), result.describe()
    assert any(".github/gatekeeper.yml" in a.message for a in result.errors())
    # Read only at the base (by REST or with the pull request's query), never at the head.
    read = [ref for ref, _ in fake.file_reads]
    assert read and all(ref == BASE_SHA for ref in read)


def test_hostile_title_body_and_branch_execute_nothing(
    fake: FakeGitHub, act_cache: Path, tmp_path: Path,
) -> None:
    marker = Path("/tmp") / f"gk-pwned-{uuid.uuid4().hex}"
    payloads = [f"$(touch {marker})", f"`touch {marker}`", "${{ github.token }}",
                f'"; touch {marker}; exit 0 #']
    hostile = " ".join(payloads)
    body = f"{hostile}\n\n" + CONTRACT.replace("@bob", f"@bob {hostile}")
    _seed(fake, body, title=hostile, head_ref=f"feature/$(touch${{IFS}}{marker})")
    result = _run(fake, act_cache, "pull_request", "opened")
    assert not marker.exists()
    assert not result.ok
    assert "GK103" in _codes(result), result.describe()  # the owner is not a handle
    assert "GK202" in _codes(result)


@pytest.mark.parametrize("event, action", [("pull_request_review", "submitted"),
                                           ("merge_group", "checks_requested")])
def test_review_and_merge_group_events_produce_a_decision(
    fake: FakeGitHub, act_cache: Path, event: str, action: str,
) -> None:
    _seed(fake, CONTRACT + ESCALATION)
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD_SHA)
    payload = None
    if event == "merge_group":
        fake.add_commit(REPO, "d" * 40, message="Merge pull request #7 from acme/feature",
                        parents=[BASE_SHA, HEAD_SHA])
        payload = fake.webhook_payload("pull_request", "opened", REPO, 7)
        payload = {
            "action": "checks_requested",
            "merge_group": {"head_sha": "d" * 40, "head_ref":
                            f"refs/heads/gh-readonly-queue/main/pr-7-{HEAD_SHA}",
                            "base_sha": BASE_SHA, "base_ref": "refs/heads/main"},
            "repository": payload["repository"],
        }
    result = _run(fake, act_cache, event, action, payload=payload)
    assert result.ok, result.describe()
    assert any(a.properties.get("title") == "Gatekeeper" and "pass" in a.message
               for a in result.annotations), result.describe()


def test_hardened_mode_posts_pending_then_the_verdict_on_the_head(
    fake: FakeGitHub, act_cache: Path,
) -> None:
    _seed(fake, CONTRACT)
    result = _run(fake, act_cache, "pull_request_target", "opened",
                  inputs={"status-context": "gatekeeper/contract"},
                  # pull_request_target carries the pull_request payload
                  payload=fake.webhook_payload("pull_request", "opened", REPO, 7))
    assert not result.ok
    statuses = fake.statuses(REPO, HEAD_SHA)
    # pending before the install, pending again once the head is known, then the verdict
    assert [(s["context"], s["state"]) for s in statuses] == [
        ("gatekeeper/contract", "pending"), ("gatekeeper/contract", "pending"),
        ("gatekeeper/contract", "failure")]
    assert str(statuses[-1]["description"]).startswith("blocked: GK202")


def test_a_run_stopped_while_installing_leaves_pending_not_an_old_success(
    fake: FakeGitHub, act_cache: Path,
) -> None:
    _seed(fake, CONTRACT + ESCALATION)
    fake.add_commit(REPO, HEAD_SHA)
    context = "gatekeeper/contract (main)"
    payload = fake.webhook_payload("pull_request", "opened", REPO, 7)
    passed = _run(fake, act_cache, "pull_request_target", "opened",
                  inputs={"hardened": "true"}, payload=payload)
    assert passed.ok, passed.describe()
    assert fake.statuses(REPO, HEAD_SHA)[-1]["state"] == "success"
    # The escalation reviewer withdraws; the next run dies in the install step.
    result = run_action(
        REPO_ROOT, "pull_request_target", payload,
        env={"GITHUB_API_URL": fake.base_url, "GITHUB_REPOSITORY": REPO,
             "GATEKEEPER_INSTALL_PYTHON": "/nonexistent/python3"},
        secrets={"GITHUB_TOKEN": DEFAULT_TOKEN},
        workflow_text=e2e_workflow(events=("pull_request_target",), with_inputs={
            "github-token": "${{ secrets.GITHUB_TOKEN }}", "hardened": "true"}),
        action_cache=act_cache, timeout=600)
    assert not result.ok, result.describe()
    last = fake.statuses(REPO, HEAD_SHA)[-1]
    assert (last["context"], last["state"]) == (context, "pending"), result.describe()


# Stands in for an earlier job on the same runner: it leaves what the previous install
# script trusted (a virtual environment marked `.complete` in the tool cache, under the
# very name that script computed) and compiled bytecode beside the action's sources that
# Python would load without looking at the source (an unchecked-hash .pyc). Each planted
# program prints PLANTED and writes the file named by PLANT_MARKER.
PLANT_STEPS = """\
      - name: A previous job leaves things on the runner
        shell: bash
        run: |
          set -euo pipefail
          evil_py='import os, sys; print("PLANTED python")
          open(os.environ["PLANT_MARKER"], "w").write("ran"); sys.exit(0)'
          digest="$(find pyproject.toml gatekeeper schemas -type f -not -path '*/__pycache__/*' \\
            -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
          for tag in py311 py312 py313 py314; do
            venv="$RUNNER_TOOL_CACHE/gatekeeper/$tag-$digest"
            mkdir -p "$venv/bin"
            printf '#!/bin/sh\\necho PLANTED venv; echo ran > "$PLANT_MARKER"\\n' \\
              > "$venv/bin/python"
            chmod +x "$venv/bin/python"
            cp "$venv/bin/python" "$venv/bin/gatekeeper"
            touch "$venv/.complete"
          done
          mkdir -p "$RUNNER_TOOL_CACHE/uv/bin"
          cp "$venv/bin/python" "$RUNNER_TOOL_CACHE/uv/bin/uv"
          python3 - "$evil_py" <<'PLANT'
          import py_compile, sys, tempfile, importlib.util, os
          for module in ("__main__", "action", "__init__"):
              module = f"gatekeeper/{module}.py"
              with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
                  fh.write(sys.argv[1])
              target = importlib.util.cache_from_source(module)
              os.makedirs(os.path.dirname(target), exist_ok=True)
              py_compile.compile(fh.name, cfile=target, doraise=True,
                                 invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
          PLANT
          find "$RUNNER_TOOL_CACHE/gatekeeper" gatekeeper/__pycache__ -type f | sort
"""


def test_nothing_left_on_the_runner_is_run(
    fake: FakeGitHub, act_cache: Path, tmp_path: Path,
) -> None:
    _seed(fake, CONTRACT + ESCALATION)
    marker = tmp_path / "planted-code-ran"
    result = run_action(
        REPO_ROOT, "pull_request", fake.webhook_payload("pull_request", "opened", REPO, 7),
        env={"GITHUB_API_URL": fake.base_url, "GITHUB_GRAPHQL_URL": fake.graphql_url,
             "GITHUB_REPOSITORY": REPO, "PLANT_MARKER": str(marker)},
        secrets={"GITHUB_TOKEN": DEFAULT_TOKEN},
        workflow_text=e2e_workflow(before_steps=PLANT_STEPS, after_steps=SHOW_OUTPUTS),
        action_cache=act_cache, timeout=600,
    )
    assert result.ok, result.describe()
    log = result.log
    assert "/.complete" in log and "__main__.cpython" in log, result.describe()  # planted
    printed = {line.strip() for line in log.splitlines()}
    assert not printed & {"PLANTED venv", "PLANTED python"}, result.describe()
    assert not marker.exists(), result.describe()
    assert "Installed requirements-action.lock with uv into " in log, result.describe()
    assert "outputs=pass/RED//pass" in log, result.describe()


# A GitHub-hosted runner's pip: no configuration file, no package source in the
# environment (the steps inherit this machine's; pip reads an empty list setting as none).
HOSTED_PIP = {"PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": ""}


@pytest.mark.parametrize("runner", ["hosted", "mirror"])
def test_pip_installs_by_url_unless_the_runner_names_a_mirror(
    fake: FakeGitHub, act_cache: Path, runner: str,
) -> None:
    """Without uv, the runner's pip installs each wheel by its URL and hash, reading no
    index; a runner that sets PIP_INDEX_URL (here PyPI's own index, standing in for a
    mirror) gets the index install of requirements-action.lock instead."""
    _seed(fake, CONTRACT + ESCALATION)
    env = {"GITHUB_API_URL": fake.base_url, "GITHUB_GRAPHQL_URL": fake.graphql_url,
           "GITHUB_REPOSITORY": REPO, "GATEKEEPER_INSTALL_UV": "", **HOSTED_PIP}
    if runner == "mirror":
        env["PIP_INDEX_URL"] = "https://pypi.org/simple"
    result = run_action(
        REPO_ROOT, "pull_request", fake.webhook_payload("pull_request", "opened", REPO, 7),
        env=env, secrets={"GITHUB_TOKEN": DEFAULT_TOKEN},
        workflow_text=e2e_workflow(after_steps=SHOW_OUTPUTS), action_cache=act_cache,
        timeout=600,
    )
    assert result.ok, result.describe()
    log = result.log
    if runner == "hosted":
        assert "Installed requirements-action.lock with pip (direct) into " in log, \
            result.describe()
        assert "Installing from the package index" not in log
    else:
        assert "Installing from the package index: the runner configures where pip finds " \
            "packages (PIP_INDEX_URL)" in log, result.describe()
        assert "Installed requirements-action.lock with pip (index) into " in log
    assert "outputs=pass/RED//pass" in log, result.describe()


@pytest.fixture(autouse=True)
def _no_ambient_github(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "RUNNER_")):
            monkeypatch.delenv(name)
