"""The runner adapter on GitHub's real webhook payloads, and hostile text in GitHub output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gatekeeper.core.decide import could_not_evaluate
from gatekeeper.core.model import PolicyOrigin
from gatekeeper.core.reasons import Code
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import PushEvent, RecordEvent
from gatekeeper.forge.github.runner import read_context, rejudge_event_of, target_of
from gatekeeper.reporters.markdown import code, comment, escape
from tests.support import github_contract
from tests.support.markdown_render import MENTION, render


def _environ(tmp_path: Path, event_name: str, payload: dict[str, object]) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    return {"GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event),
            "GITHUB_RUN_ID": "77", "RUNNER_TEMP": str(tmp_path)}


@pytest.mark.parametrize("event, action", [
    ("pull_request", "opened"), ("pull_request", "synchronize"), ("pull_request", "reopened"),
    ("pull_request", "ready_for_review"), ("pull_request_review", "submitted"),
    ("pull_request_review", "dismissed"),
])
def test_pull_request_events_target_the_payloads_pull_request(
    tmp_path: Path, event: str, action: str,
) -> None:
    payload = github_contract.load_webhook(event, action)
    target = target_of(read_context(_environ(tmp_path, event, payload)))
    pull = payload["pull_request"]
    assert (target.repo, target.number, target.status_sha) == (
        payload["repository"]["full_name"], pull["number"], pull["head"]["sha"])
    assert not target.is_merge_group


def test_pull_request_target_reads_like_pull_request(tmp_path: Path) -> None:
    payload = github_contract.load_webhook("pull_request", "opened")
    target = target_of(read_context(_environ(tmp_path, "pull_request_target", payload)))
    assert target.number == payload["pull_request"]["number"]


def test_merge_group_targets_the_queued_pull_request_and_head(tmp_path: Path) -> None:
    payload = github_contract.load_webhook("merge_group", "checks_requested")
    target = target_of(read_context(_environ(tmp_path, "merge_group", payload)))
    assert target.number == 104
    assert target.status_sha == payload["merge_group"]["head_sha"]
    assert target.is_merge_group


def test_merge_group_without_a_pull_request_ref_is_an_error(tmp_path: Path) -> None:
    payload = github_contract.load_webhook("merge_group", "checks_requested")
    payload["merge_group"]["head_ref"] = "refs/heads/main"
    with pytest.raises(GatekeeperError, match="merge group ref"):
        target_of(read_context(_environ(tmp_path, "merge_group", payload)))


@pytest.mark.parametrize("event", ["release", "schedule", "workflow_dispatch"])
def test_other_events_are_refused(tmp_path: Path, event: str) -> None:
    payload = github_contract.load_webhook("pull_request", "opened")
    with pytest.raises(GatekeeperError, match="not supported"):
        read_context(_environ(tmp_path, event, payload))


# --- re-judging events: a push, a change to an issue ---------------------------------------

@pytest.mark.parametrize(("changes", "branch"), [
    ({"ref": "refs/heads/main"}, "main"),
    ({"ref": "refs/heads/release/2.x"}, "release/2.x"),
    ({"ref": "refs/tags/simple-tag"}, None),  # GitHub's example as it is
    ({"ref": "refs/heads/main", "deleted": True}, None),
])
def test_a_push_names_the_branch_it_moved(tmp_path: Path, changes: dict[str, object],
                                          branch: str | None) -> None:
    payload = github_contract.load_webhook("push", "") | changes
    context = read_context(_environ(tmp_path, "push", payload))
    assert rejudge_event_of(context) == PushEvent(branch=branch)


def test_an_edited_issue_gives_its_texts_before_and_after(tmp_path: Path) -> None:
    payload = github_contract.load_webhook("issues", "edited")
    payload["issue"].update(title="Sign-off", body="Approves #7.")
    payload["changes"] = {"body": {"from": "Approves #7 and #9."}, "title": {"from": "Old"}}
    event = rejudge_event_of(read_context(_environ(tmp_path, "issues", payload)))
    assert event == RecordEvent(number=payload["issue"]["number"], action="edited",
                                label=None, labels=("bug",),
                                texts=("Sign-off", "Approves #7.", "Old",
                                       "Approves #7 and #9."),
                                default_branch="master")


def test_an_unlabeled_issue_names_the_label_it_lost(tmp_path: Path) -> None:
    payload = github_contract.load_webhook("issues", "unlabeled")
    payload["issue"]["labels"] = []
    event = rejudge_event_of(read_context(_environ(tmp_path, "issues", payload)))
    assert isinstance(event, RecordEvent)
    assert (event.action, event.label, event.labels) == ("unlabeled", "bug", ())


@pytest.mark.parametrize("broken", [{"issue": None}, {"action": None},
                                    {"repository": {"full_name": "o/r"}}])
def test_an_issues_payload_without_what_it_needs_is_an_error(tmp_path: Path,
                                                             broken: dict[str, object]) -> None:
    payload = github_contract.load_webhook("issues", "labeled") | broken
    with pytest.raises(GatekeeperError, match="issues payload"):
        rejudge_event_of(read_context(_environ(tmp_path, "issues", payload)))


@pytest.mark.parametrize(("raw", "name"), [("", "gatekeeper.yml"), ("gate.yaml", "gate.yaml"),
                                           (".github/workflows/gate.yml", "gate.yml")])
def test_the_gate_workflow_input_is_a_workflow_file_name(tmp_path: Path, raw: str,
                                                         name: str) -> None:
    environ = _environ(tmp_path, "push", github_contract.load_webhook("push", ""))
    assert read_context(environ | {"GATEKEEPER_GATE_WORKFLOW": raw}).inputs.gate_workflow \
        == name


@pytest.mark.parametrize("raw", ["../x.yml", "gatekeeper", "a/b.yml"])
def test_a_gate_workflow_that_is_no_workflow_file_is_refused(tmp_path: Path, raw: str) -> None:
    environ = _environ(tmp_path, "push", github_contract.load_webhook("push", ""))
    with pytest.raises(GatekeeperError, match="gate-workflow"):
        read_context(environ | {"GATEKEEPER_GATE_WORKFLOW": raw})


def test_inputs_are_read_from_the_environment(tmp_path: Path) -> None:
    environ = _environ(tmp_path, "pull_request", github_contract.load_webhook(
        "pull_request", "opened"))
    environ |= {"GATEKEEPER_COMMENT": "false", "GATEKEEPER_LABELS": "TRUE",
                "GATEKEEPER_STATUS_CONTEXT": " gatekeeper/contract ",
                "GATEKEEPER_POLICY_PATH": "policy/gk.yml"}
    inputs = read_context(environ).inputs
    assert (inputs.comment, inputs.labels, inputs.status_context, inputs.policy_path) == (
        False, True, "gatekeeper/contract", "policy/gk.yml")
    environ["GATEKEEPER_COMMENT"] = "maybe"
    with pytest.raises(GatekeeperError, match="GATEKEEPER_COMMENT"):
        read_context(environ)


HOSTILE = "x\n::error title=GK000::forged%0A @org/everyone <img src=x> [a](http://e) `$(id)`"


def test_markdown_escape_defuses_mentions_markup_and_html() -> None:
    text = escape(HOSTILE)
    assert "\n" not in text
    # The handle is shown as code, which GitHub never turns into a mention; nothing
    # invisible is slipped into it for a reader to copy.
    assert "`@org/everyone`" in text and "\u2060" not in text
    assert not MENTION.search(render(text).plain_text)
    assert "<img" not in text and "&lt;img src=x&gt;" in text
    assert "\\[a\\]\\(http://e\\)" in text
    assert code("a`b") == "``a`b``"


def test_comment_never_pings_or_renders_pr_text() -> None:
    decision = could_not_evaluate(Code.GK902, HOSTILE, "@alice fix it", policy=PolicyOrigin("p"),
                                  evaluated_at="2026-11-21T00:00:00Z", version="t")
    text = comment(decision, run_url="https://github.com/o/r/actions/runs/1")
    assert not MENTION.search(render(text).plain_text)
    assert "`@alice`" in text and "`@org/everyone`" in text
    assert "<img" not in text
    assert "GK902" in text and "[details](https://github.com/o/r/actions/runs/1)" in text


def test_gatekeeper_action_on_another_event_exits_2(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    environ |= _environ(tmp_path, "release", {"action": "published"})
    result = subprocess.run([sys.executable, "-m", "gatekeeper", "action"], env=environ,
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "gatekeeper: error: event 'release' is not supported; Gatekeeper runs on "
        "pull_request, pull_request_target, pull_request_review, merge_group, workflow_run, "
        "push, issues"]
