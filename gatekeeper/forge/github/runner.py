"""The GitHub Actions runner: which event fired, for which pull request, with what inputs."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gatekeeper.constants import DEFAULT_COMMENT_AUTHOR, POLICY_PATH
from gatekeeper.errors import GatekeeperError

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target", "pull_request_review")
SUPPORTED_EVENTS = (*PULL_REQUEST_EVENTS, "merge_group")
# gh-readonly-queue/<base>/pr-<number>-<sha>
_QUEUE_REF = re.compile(r"/pr-(\d+)-[0-9a-f]{7,64}$")


@dataclass(frozen=True)
class ActionInputs:
    policy_path: str
    comment: bool
    comment_author: str
    labels: bool
    status_context: str


@dataclass(frozen=True)
class Target:
    """The pull request to judge, and the commit a status belongs on."""

    repo: str
    number: int
    status_sha: str
    is_merge_group: bool


@dataclass(frozen=True)
class RunnerContext:
    environ: Mapping[str, str]
    event_name: str
    event: dict[str, Any]
    repository: str
    api_url: str
    server_url: str
    run_url: str | None
    token: str | None
    workspace: Path | None
    temp_dir: Path
    inputs: ActionInputs


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().casefold()
    if not raw:
        return default
    if raw in ("true", "yes", "1", "on"):
        return True
    if raw in ("false", "no", "0", "off"):
        return False
    raise GatekeeperError(f"input {name} must be true or false, not {raw!r}")


def read_context(environ: Mapping[str, str]) -> RunnerContext:
    event_name = environ.get("GITHUB_EVENT_NAME", "")
    if not event_name:
        raise GatekeeperError("GITHUB_EVENT_NAME is not set: `gatekeeper action` runs inside "
                              "GitHub Actions; use `gatekeeper validate` locally")
    if event_name not in SUPPORTED_EVENTS:
        raise GatekeeperError(
            f"event {event_name!r} is not supported; Gatekeeper runs on "
            f"{', '.join(SUPPORTED_EVENTS)}"
        )
    event_path = environ.get("GITHUB_EVENT_PATH", "")
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GatekeeperError(f"cannot read the event payload: {exc}", file=event_path) from None
    if not isinstance(event, dict):
        raise GatekeeperError("the event payload is not a JSON object", file=event_path)

    repository = environ.get("GITHUB_REPOSITORY") or (
        (event.get("repository") or {}).get("full_name", "")
    )
    server_url = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    run_id = environ.get("GITHUB_RUN_ID")
    workspace = environ.get("GITHUB_WORKSPACE")
    temp_dir = Path(environ.get("RUNNER_TEMP") or "/tmp") / "gatekeeper"
    inputs = ActionInputs(
        policy_path=environ.get("GATEKEEPER_POLICY_PATH") or POLICY_PATH,
        comment=_flag(environ, "GATEKEEPER_COMMENT", True),
        comment_author=environ.get("GATEKEEPER_COMMENT_AUTHOR", "").strip()
        or DEFAULT_COMMENT_AUTHOR,
        labels=_flag(environ, "GATEKEEPER_LABELS", True),
        status_context=environ.get("GATEKEEPER_STATUS_CONTEXT", "").strip(),
    )
    return RunnerContext(
        environ=environ,
        event_name=event_name,
        event=event,
        repository=repository,
        api_url=environ.get("GITHUB_API_URL") or "https://api.github.com",
        server_url=server_url,
        run_url=f"{server_url}/{repository}/actions/runs/{run_id}" if run_id else None,
        token=environ.get("GITHUB_TOKEN") or None,
        workspace=Path(workspace) if workspace else None,
        temp_dir=temp_dir,
        inputs=inputs,
    )


def target_of(context: RunnerContext) -> Target:
    """The pull request an event is about. Raises GatekeeperError when it names none."""
    event = context.event
    repo = (event.get("repository") or {}).get("full_name") or context.repository
    if not repo:
        raise GatekeeperError("the event names no repository")
    if context.event_name in PULL_REQUEST_EVENTS:
        pull = event.get("pull_request") or {}
        number, head = pull.get("number"), (pull.get("head") or {}).get("sha")
        if not isinstance(number, int) or not isinstance(head, str):
            raise GatekeeperError(f"the {context.event_name} payload has no pull_request "
                                  "number and head SHA")
        return Target(repo=repo, number=number, status_sha=head, is_merge_group=False)
    group = event.get("merge_group") or {}
    head_ref, head_sha = group.get("head_ref", ""), group.get("head_sha", "")
    match = _QUEUE_REF.search(head_ref) if isinstance(head_ref, str) else None
    if match is None or not isinstance(head_sha, str) or not head_sha:
        raise GatekeeperError(f"cannot tell the pull request from merge group ref {head_ref!r}")
    return Target(repo=repo, number=int(match.group(1)), status_sha=head_sha,
                  is_merge_group=True)
