"""The environment the Actions runner gives `gatekeeper action`, for in-process runs
against the GitHub double: the event payload written where GITHUB_EVENT_PATH says, the
API of the double, and the runner's files in ``tmp_path``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub


def runner_environ(fake: FakeGitHub, tmp_path: Path, repo: str, number: int, *,
                   event: str = "pull_request", action: str = "opened",
                   **inputs: str) -> dict[str, str]:
    """The runner's variables for ``event`` on pull request ``number`` of ``repo`` (its
    payload is the double's pull_request ``action`` webhook); ``inputs`` add or override."""
    path = tmp_path / "event.json"
    path.write_text(json.dumps(fake.webhook_payload("pull_request", action, repo, number)),
                    encoding="utf-8")
    return {"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(path),
            "GITHUB_API_URL": fake.base_url, "GITHUB_TOKEN": DEFAULT_TOKEN,
            "GITHUB_REPOSITORY": repo, "RUNNER_TEMP": str(tmp_path),
            "GITHUB_OUTPUT": str(tmp_path / "output"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"), **inputs}
