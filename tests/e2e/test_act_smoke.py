"""Smoke tests for the act harness, using a trivial composite action built in tmp_path.

They prove the harness works before the real action is tested with it: the step runs on
the host, sees the event payload, a failing step fails the run, and a step reaches a
local HTTP server through GITHUB_API_URL. No Docker and no network are used.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.act_harness import DUMMY_TOKEN, e2e_workflow, require_act, run_action

ACTION_YML = """\
name: smoke
description: trivial composite action for the act harness smoke test
inputs:
  github-token:
    description: token
    required: false
    default: ${{ github.token }}
  exit-code:
    description: exit code of the second step
    required: false
    default: "0"
  probe:
    description: when "true", GET $GITHUB_API_URL/repos/acme/widgets/pulls/7
    required: false
    default: "false"
outputs:
  verdict:
    description: verdict
    value: ${{ steps.main.outputs.verdict }}
runs:
  using: composite
  steps:
    - shell: bash
      run: >-
        python3 -c "import os,json; print(os.environ['GITHUB_EVENT_PATH']);
        print(open(os.environ['GITHUB_EVENT_PATH']).read()[:200])"
    - id: main
      shell: bash
      env:
        GK_TOKEN: ${{ inputs.github-token }}
        GK_EXIT: ${{ inputs.exit-code }}
        GK_PROBE: ${{ inputs.probe }}
      run: python3 "$GITHUB_ACTION_PATH/smoke.py"
"""

SMOKE_PY = """\
import json
import os
import sys
import urllib.request

with open(os.environ["GITHUB_EVENT_PATH"], encoding="utf-8") as fh:
    event = json.load(fh)
for name in ("GITHUB_EVENT_NAME", "GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_GRAPHQL_URL"):
    print(f"{name}={os.environ.get(name, '')}")
print("HAS_TOKEN=" + str(bool(os.environ.get("GK_TOKEN"))))
print("PR_NUMBER=" + str((event.get("pull_request") or {}).get("number")))
with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as fh:
    fh.write("verdict=" + ("red" if os.environ["GK_EXIT"] != "0" else "green") + "\\n")
with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
    fh.write("## smoke summary\\n")
if os.environ["GK_PROBE"] == "true":
    req = urllib.request.Request(
        os.environ["GITHUB_API_URL"] + "/repos/acme/widgets/pulls/7",
        headers={"Authorization": "Bearer " + os.environ["GK_TOKEN"]},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        print("PROBE=" + str(resp.status) + " " + resp.read().decode())
if os.environ["GK_EXIT"] != "0":
    print("::error title=GK101::smoke step failed on purpose")
sys.exit(int(os.environ["GK_EXIT"]))
"""


def _payload(action: str = "opened") -> dict[str, Any]:
    return {
        "action": action,
        "number": 7,
        "pull_request": {
            "number": 7,
            "title": "feat: add widget",
            "head": {"sha": "a" * 40, "ref": "feature"},
            "base": {"sha": "b" * 40, "ref": "main"},
        },
        "repository": {"full_name": "acme/widgets"},
    }


@pytest.fixture(scope="module")
def act_exe() -> str:
    return require_act()


@pytest.fixture
def action_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "action"
    repo.mkdir()
    (repo / "action.yml").write_text(ACTION_YML, encoding="utf-8")
    (repo / "smoke.py").write_text(SMOKE_PY, encoding="utf-8")
    return repo


@dataclass
class _Server:
    url: str
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Authorization)


@pytest.fixture
def api_server() -> Iterator[_Server]:
    state = _Server(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, self.headers.get("Authorization", "")))
            body = json.dumps({"number": 7, "changed_files": 1}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_step_runs_and_sees_the_event(act_exe: str, action_repo: Path) -> None:
    payload = _payload()
    result = run_action(
        action_repo, "pull_request", payload, {}, workflow_text=e2e_workflow(), timeout=120
    )
    assert result.ok, result.describe()
    assert result.job_results == {"gatekeeper": "success"}, result.describe()
    log = result.log
    # The brief's one-liner: the event path, then the payload itself.
    assert "/event.json\n" in log, result.describe()
    assert json.dumps(payload)[:60] in log, result.describe()
    assert "GITHUB_EVENT_NAME=pull_request" in log
    assert "GITHUB_REPOSITORY=acme/widgets" in log
    assert "PR_NUMBER=7" in log
    assert "HAS_TOKEN=True" in log
    assert result.outputs("gk") == {"verdict": "green"}
    assert "## smoke summary" in result.summaries.get("gk/main", "")
    assert DUMMY_TOKEN not in result.stdout  # act masks secrets
    assert result.elapsed < 60


def test_failing_step_makes_act_fail(act_exe: str, action_repo: Path) -> None:
    wf = e2e_workflow(with_inputs={"github-token": "${{ secrets.GITHUB_TOKEN }}", "exit-code": "1"})
    result = run_action(action_repo, "pull_request", _payload(), {}, workflow_text=wf)
    assert result.returncode != 0, result.describe()
    assert result.job_results == {"gatekeeper": "failure"}, result.describe()
    assert "Job 'gatekeeper' failed" in result.stderr
    errors = result.errors()
    assert [(a.message, a.properties.get("title")) for a in errors] == [
        ("smoke step failed on purpose", "GK101")
    ], result.describe()
    assert result.outputs("gk") == {"verdict": "red"}
    assert ("Main", ("gk",), "failure") in result.step_results


def test_step_reaches_local_api_server(
    act_exe: str, action_repo: Path, api_server: _Server
) -> None:
    wf = e2e_workflow(with_inputs={"github-token": "${{ secrets.GITHUB_TOKEN }}", "probe": "true"})
    result = run_action(
        action_repo,
        "pull_request",
        _payload(),
        {"GITHUB_API_URL": api_server.url},
        workflow_text=wf,
    )
    assert result.ok, result.describe()
    assert api_server.requests == [("/repos/acme/widgets/pulls/7", f"Bearer {DUMMY_TOKEN}")]
    assert 'PROBE=200 {"number": 7' in result.log
    assert f"GITHUB_API_URL={api_server.url}\n" in result.log
    assert f"GITHUB_GRAPHQL_URL={api_server.url}/graphql\n" in result.log


@pytest.mark.parametrize(
    ("event_name", "payload"),
    [
        ("pull_request_target", _payload("synchronize")),
        (
            "pull_request_review",
            {**_payload("submitted"), "review": {"state": "approved", "user": {"login": "r"}}},
        ),
        (
            "merge_group",
            {
                "action": "checks_requested",
                "merge_group": {
                    "head_sha": "c" * 40,
                    "head_ref": "refs/heads/gh-readonly-queue/main/pr-7-" + "b" * 40,
                    "base_sha": "b" * 40,
                    "base_ref": "refs/heads/main",
                },
                "repository": {"full_name": "acme/widgets"},
            },
        ),
    ],
)
def test_other_event_names_run(
    act_exe: str, action_repo: Path, event_name: str, payload: dict[str, Any]
) -> None:
    wf = e2e_workflow(events=("pull_request", event_name))
    result = run_action(action_repo, event_name, payload, {}, workflow_text=wf)
    assert result.ok, result.describe()
    assert f"GITHUB_EVENT_NAME={event_name}\n" in result.log


def test_event_without_trigger_fails(act_exe: str, action_repo: Path) -> None:
    result = run_action(
        action_repo, "merge_group", {"action": "checks_requested"}, {}, workflow_text=e2e_workflow()
    )
    assert result.returncode != 0
    assert "Could not find any stages to run" in result.stderr + result.stdout
