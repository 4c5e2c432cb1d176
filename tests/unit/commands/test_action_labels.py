"""`gatekeeper action` keeps its labels self-explanatory: created with a colour and a
description on first use, a maintainer's later changes left alone."""

from __future__ import annotations

import io
import json
from pathlib import Path

from gatekeeper.commands.action import ActionOptions, run
from gatekeeper.constants import LABEL_BLOCKED, LABEL_RED, LABEL_STYLES, STICKY_MARKER
from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO = "acme/widgets"
NOW = "2026-11-21T00:00:00Z"


def _run(fake: FakeGitHub, tmp_path: Path, body: str, files: list[str]) -> tuple[int, str]:
    fake.add_pull(REPO, 7, title="t", body=body, author="bob", head_sha="c" * 40,
                  base_sha="b" * 40, files=files)
    event = tmp_path / "event.json"
    event.write_text(json.dumps(fake.webhook_payload("pull_request", "opened", REPO, 7)),
                     encoding="utf-8")
    environ = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
               "GITHUB_API_URL": fake.base_url, "GITHUB_TOKEN": DEFAULT_TOKEN,
               "GITHUB_REPOSITORY": REPO, "RUNNER_TEMP": str(tmp_path),
               "GITHUB_OUTPUT": str(tmp_path / "output"),
               "GITHUB_STEP_SUMMARY": str(tmp_path / "summary")}
    out = io.StringIO()
    return run(ActionOptions(environ, NOW), out), out.getvalue()


def test_a_blocked_red_change_creates_both_labels_styled(
    github_double: FakeGitHub, tmp_path: Path,
) -> None:
    github_double.add_repo(REPO)
    code, _ = _run(github_double, tmp_path, complete_body("GREEN"), ["src/auth/login.py"])
    assert code == 1
    assert sorted(github_double.labels(REPO, 7)) == [LABEL_BLOCKED, LABEL_RED]
    assert github_double.repo_labels(REPO) == {
        name: LABEL_STYLES[name] for name in (LABEL_RED, LABEL_BLOCKED)}
    sticky = github_double.comments(REPO, 7)[0]["body"]
    assert sticky.startswith(STICKY_MARKER)
    assert "- **Risk level:** RED" in sticky and "Gatekeeper runs again by itself." in sticky


def test_a_maintainers_label_colour_survives_a_run(
    github_double: FakeGitHub, tmp_path: Path,
) -> None:
    github_double.add_repo(REPO)
    github_double.add_label(REPO, LABEL_BLOCKED, color="5319e7", description="team colours")
    code, _ = _run(github_double, tmp_path, complete_body("GREEN", test_evidence="TBD"),
                   ["docs/a.md"])
    assert code == 1
    assert github_double.labels(REPO, 7) == [LABEL_BLOCKED]
    assert github_double.repo_labels(REPO) == {LABEL_BLOCKED: ("5319e7", "team colours")}
    assert github_double.count("POST", r"/repos/acme/widgets/labels$") == 0
