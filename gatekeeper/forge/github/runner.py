"""The GitHub Actions runner: which event fired, for which pull request, with what inputs."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gatekeeper.constants import (
    DEFAULT_COMMENT_AUTHOR,
    GATE_WORKFLOW,
    HARDENED_STATUS_CONTEXT_FORMAT,
    POLICY_PATH,
)
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import MergeGroupEvent, PushEvent, RecordEvent, WorkflowRunEvent

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target", "pull_request_review")
# A fact outside the pull requests moved: a push to a base branch (its policy) or a change
# to an approval record. The open pull requests it concerns are judged again.
REJUDGE_EVENTS = ("push", "issues")
# workflow_run: the hardened set-up's re-evaluation, started by an unprivileged workflow.
SUPPORTED_EVENTS = (*PULL_REQUEST_EVENTS, "merge_group", "workflow_run", *REJUDGE_EVENTS)
# gh-readonly-queue/<base>/pr-<number>-<sha>
_QUEUE_REF = re.compile(r"/pr-(\d+)-[0-9a-f]{7,64}$")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True)
class ActionInputs:
    policy_path: str
    comment: bool
    comment_author: str
    labels: bool
    status_context: str
    hardened: bool = False
    # The organisation's central policy (OWNER/REPO[:PATH][@REF]) and, when the runner
    # fetched the policy repository (as an action), the folder it is in.
    org_policy: str = ""
    org_policy_root: str = ""
    # The simple set-up's gate workflow (its file name), whose runs a re-judgement re-runs.
    gate_workflow: str = GATE_WORKFLOW

    @property
    def posts_status(self) -> bool:
        """Whether the set-up posts a commit status (hardened) rather than letting the
        job's own check run be the verdict (simple)."""
        return bool(self.status_context) or self.hardened

    def status_context_for(self, branch: str) -> str:
        """The commit status context for a pull request into ``branch``; empty when the
        set-up posts no status (the simple one: the job is the required check)."""
        if self.status_context:
            return self.status_context.replace("{branch}", branch)
        if self.hardened:
            return HARDENED_STATUS_CONTEXT_FORMAT.format(branch=branch)
        return ""


@dataclass(frozen=True)
class Target:
    """The pull request to judge, and the commit the event names (a hint: the pull
    request's head is read from the API, and that is the commit judged)."""

    repo: str
    number: int | None  # None for workflow_run: found through the API
    status_sha: str | None
    is_merge_group: bool
    base_ref: str = ""  # the event's base branch, for naming a status when the API fails
    group: MergeGroupEvent | None = None
    run: WorkflowRunEvent | None = None


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
        hardened=_flag(environ, "GATEKEEPER_HARDENED", False),
        org_policy=environ.get("GATEKEEPER_ORG_POLICY", "").strip(),
        org_policy_root=environ.get("GATEKEEPER_ORG_POLICY_ROOT", "").strip(),
        gate_workflow=_workflow_file(environ.get("GATEKEEPER_GATE_WORKFLOW", "")),
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
        base = (pull.get("base") or {}).get("ref")
        return Target(repo=repo, number=number, status_sha=head, is_merge_group=False,
                      base_ref=base if isinstance(base, str) else "")
    if context.event_name == "workflow_run":
        return Target(repo=repo, number=None, status_sha=None, is_merge_group=False,
                      run=_workflow_run(event))
    group = event.get("merge_group") or {}
    head_ref, head_sha = group.get("head_ref", ""), group.get("head_sha", "")
    base_sha, base_ref = group.get("base_sha", ""), group.get("base_ref", "")
    match = _QUEUE_REF.search(head_ref) if isinstance(head_ref, str) else None
    if match is None or not _is_sha(head_sha) or not _is_sha(base_sha) \
            or not isinstance(base_ref, str) or not base_ref:
        raise GatekeeperError(f"cannot tell the pull request from merge group ref {head_ref!r}")
    branch = base_ref.removeprefix("refs/heads/")
    return Target(repo=repo, number=int(match.group(1)), status_sha=head_sha,
                  is_merge_group=True, base_ref=branch,
                  group=MergeGroupEvent(head_sha=head_sha, base_sha=base_sha, base_ref=branch))


def _workflow_file(raw: str) -> str:
    """The gate workflow's file name (a path under .github/workflows/ is shortened)."""
    name = raw.strip().removeprefix("./").removeprefix(".github/workflows/") or GATE_WORKFLOW
    if "/" in name or not name.endswith((".yml", ".yaml")):
        raise GatekeeperError(f"input gate-workflow names a workflow file in "
                              f".github/workflows/, such as {GATE_WORKFLOW}, not {raw!r}")
    return name


def rejudge_event_of(context: RunnerContext) -> PushEvent | RecordEvent:
    """What a push or issues event says. Raises GatekeeperError on a payload without it."""
    event = context.event
    if context.event_name == "push":
        ref, deleted = event.get("ref"), event.get("deleted")
        if not isinstance(ref, str):
            raise GatekeeperError("the push payload has no ref")
        branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
        return PushEvent(branch=None if deleted is True else branch)
    issue, action = event.get("issue"), event.get("action")
    if not isinstance(issue, dict) or not isinstance(issue.get("number"), int) \
            or not isinstance(action, str):
        raise GatekeeperError("the issues payload has no issue number and action")
    default_branch = (event.get("repository") or {}).get("default_branch")
    if not isinstance(default_branch, str) or not default_branch:
        raise GatekeeperError("the issues payload names no default branch")
    label = (event.get("label") or {}).get("name")
    changes = event.get("changes") or {}
    texts = [issue.get("title"), issue.get("body"),
             (changes.get("title") or {}).get("from"), (changes.get("body") or {}).get("from")]
    return RecordEvent(
        number=issue["number"], action=action,
        label=label if isinstance(label, str) else None,
        labels=tuple(str(item.get("name")) for item in issue.get("labels") or ()
                     if isinstance(item, dict) and isinstance(item.get("name"), str)),
        texts=tuple(text for text in texts if isinstance(text, str) and text),
        default_branch=default_branch,
    )


def _is_sha(value: object) -> bool:
    return isinstance(value, str) and _SHA.fullmatch(value) is not None


def _workflow_run(event: dict[str, Any]) -> WorkflowRunEvent:
    run = event.get("workflow_run")
    if not isinstance(run, dict):
        raise GatekeeperError("the workflow_run payload has no workflow_run")
    here = (event.get("repository") or {}).get("id")
    numbers = []
    for pull in run.get("pull_requests") or ():
        number = pull.get("number") if isinstance(pull, dict) else None
        base_repo = ((pull.get("base") or {}).get("repo") or {}).get("id") \
            if isinstance(pull, dict) else None
        if isinstance(number, int) and (here is None or base_repo in (None, here)):
            numbers.append(number)
    head_sha, branch = run.get("head_sha"), run.get("head_branch")
    owner = ((run.get("head_repository") or {}).get("owner") or {}).get("login")
    found = WorkflowRunEvent(
        numbers=tuple(numbers),
        head_sha=head_sha if _is_sha(head_sha) else None,
        head_owner=owner if isinstance(owner, str) and owner else None,
        head_branch=branch if isinstance(branch, str) and branch else None,
    )
    if not found.numbers and found.head_sha is None and found.head_branch is None:
        raise GatekeeperError("the workflow_run payload names no pull request, head SHA or "
                              "branch")
    return found
