"""The double's state (repositories, pull requests, files, reviews, ...) and small value helpers."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, Literal, NamedTuple

from tests.support.github_double.authority import AUTHORITY_ROUTES

DEFAULT_TOKEN = "ghs_gatekeeperTestDoubleToken000000000000"


BOT_LOGIN = "github-actions[bot]"


BOT_ID = 41898282  # the real id of github-actions[bot]


FILES_CAP = 3000  # GitHub lists at most 3,000 files of a pull request


COMMENT_BODY_MAX = 65536


STATUS_DESCRIPTION_MAX = 140


LABEL_NAME_MAX = 50


LABEL_DESCRIPTION_MAX = 100


SAMPLE_FULL, SAMPLE_EVERY = 20, 25  # check="sample": the first 20 per operation, then 1 in 25


LARGE_FILE = 1024 * 1024  # contents API: above 1 MB, "encoding": "none" and no content


_DOCS = "https://docs.github.com/rest"


_DOCS_GRAPHQL = "https://docs.github.com/graphql"


_REASONS = {s.value: s.phrase for s in HTTPStatus}


# A changed file: "path" (modified), (status, path) or ("renamed", old_path, new_path);
# ("submodule", path) is a gitlink bump, listed as GitHub lists it: "modified", no trailing
# slash, a patch of "Subproject commit" lines.
FileSpec = str | tuple[str, str] | tuple[str, str, str]


Json = Any


Check = Literal["all", "sample", "off"]


class Request(NamedTuple):
    """One request the double received. ``path`` is relative to the REST prefix
    (``/repos/o/r/pulls/1``), or ``/graphql`` for GraphQL whatever the deployment."""

    method: str
    path: str
    query: dict[str, str]
    json: Json


def _iso(value: datetime | str | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, second precision, as GitHub's REST API sends it."""
    if value is None:
        return None
    dt = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _hexsha(*parts: object) -> str:
    return hashlib.sha1("\0".join(map(str, parts)).encode()).hexdigest()


def _blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _node_id(kind: str, ident: int | str) -> str:
    """GitHub's legacy global node id: base64 of ``0<len>:<Type><id>``."""
    return base64.b64encode(f"0{len(kind)}:{kind}{ident}".encode()).decode()


def _wrap64(data: bytes) -> str:
    """Base64 wrapped at 60 columns with a trailing newline, as the contents API sends it."""
    text = base64.b64encode(data).decode()
    return "".join(text[i : i + 60] + "\n" for i in range(0, len(text), 60))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass
class _User:
    login: str
    id: int
    type: str  # "User", "Bot" or "Organization"


@dataclass
class _Label:
    id: int
    name: str
    color: str
    description: str | None
    default: bool = False


@dataclass(frozen=True)
class _File:
    status: str
    filename: str
    previous_filename: str | None
    additions: int
    deletions: int
    sha: str | None
    submodule: bool = False


@dataclass
class _Review:
    id: int
    user: _User
    state: str
    commit_id: str | None
    submitted_at: str | None
    body: str


@dataclass
class _Comment:
    id: int
    repo: _Repo
    number: int
    body: str
    user: _User
    created_at: str
    updated_at: str


@dataclass
class _Status:
    id: int
    state: str
    context: str
    description: str | None
    target_url: str | None
    creator: _User
    created_at: str
    updated_at: str


@dataclass
class _LabelEvent:
    id: int
    kind: str  # "LabeledEvent" | "UnlabeledEvent"
    label: _Label
    actor: _User
    created_at: str


@dataclass
class _Pull:
    repo: _Repo
    number: int
    id: int
    title: str
    body: str | None
    user: _User
    head_sha: str
    base_sha: str
    base_ref: str
    head_ref: str
    head_repo: _Repo
    files: list[_File]
    changed_files: int | None
    draft: bool
    state: str
    created_at: str
    updated_at: str
    closed_at: str | None
    merged_at: str | None
    labels: list[_Label] = field(default_factory=list)
    comments: list[_Comment] = field(default_factory=list)
    reviews: list[_Review] = field(default_factory=list)
    label_events: list[_LabelEvent] = field(default_factory=list)
    # The pull request's issue events besides labels: (event, actor login, created_at).
    events: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def true_changed_files(self) -> int:
        return len(self.files) if self.changed_files is None else self.changed_files


@dataclass
class _Ruleset:
    id: int
    name: str
    target: str
    enforcement: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    rules: list[dict[str, Any]]
    bypass_actors: list[dict[str, Any]]
    created_at: str


@dataclass
class _Repo:
    full_name: str
    owner: _User
    name: str
    id: int
    default_branch: str
    private: bool
    created_at: str
    labels: dict[str, _Label] = field(default_factory=dict)  # casefolded name -> label
    pulls: dict[int, _Pull] = field(default_factory=dict)
    contents: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (ref, path)
    statuses: dict[str, list[_Status]] = field(default_factory=dict)
    protection: dict[str, dict[str, Any]] = field(default_factory=dict)
    rulesets: list[_Ruleset] = field(default_factory=list)
    workflows: list[dict[str, Any]] = field(default_factory=list)
    runs: list[Any] = field(default_factory=list)  # actions._Run
    commits: set[str] = field(default_factory=set)
    branches: set[str] = field(default_factory=set)  # besides the default branch
    # commit graph and branch tips, for compare, commits/{sha}/pulls and branches/{branch}
    history: dict[str, _Commit] = field(default_factory=dict)
    tips: dict[str, str] = field(default_factory=dict)


@dataclass
class _Commit:
    sha: str
    message: str
    parents: tuple[str, ...]
    date: str


@dataclass
class _Bucket:
    """One rate-limit resource (``core``, ``graphql``): an hourly window.

    Not enforcing, the window rolls over before ``remaining`` would reach 0, so a client
    that sleeps until ``X-RateLimit-Reset`` on 0 never hangs a benchmark; enforcing,
    requests past the limit are refused as GitHub refuses them."""

    resource: str
    limit: int
    used: int = 0
    reset: int = 0

    def take(self, now: int, *, enforce: bool) -> bool:
        """Count one request; False when it must be refused."""
        if now >= self.reset:
            self.reset, self.used = now + 3600, 0
        if self.used >= self.limit - (0 if enforce else 1):
            if enforce:
                return False
            self.reset, self.used = now + 3600, 0
        self.used += 1
        return True

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(self.limit - self.used, 0)),
            "X-RateLimit-Used": str(self.used), "X-RateLimit-Reset": str(self.reset),
            "X-RateLimit-Resource": self.resource,
        }

    def json(self, now: int) -> dict[str, int]:
        reset = self.reset if self.reset > now else now + 3600
        return {"limit": self.limit, "used": self.used,
                "remaining": max(self.limit - self.used, 0), "reset": reset}


@dataclass
class _Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int | None
    headers: dict[str, str]
    body: Json
    connection: bool = False
    apply: bool = False
    # GraphQL only: the fault answers only queries whose variables include these items
    variables: dict[str, Any] | None = None


@dataclass
class _Tamper:
    method: str
    pattern: re.Pattern[str]
    fn: Callable[[Json], Json]
    times: int | None


@dataclass
class _Response:
    status: int
    body: Json  # None: no body (204)
    headers: dict[str, str] = field(default_factory=dict)
    kind: Literal["ok", "error", "fault"] = "ok"


class _Fail(Exception):
    """Raised by route handlers to answer with a GitHub error."""

    def __init__(self, response: _Response):
        super().__init__(response.status)
        self.response = response


# (method, OpenAPI path template, handler name). First match wins.
_ROUTE_TABLE: tuple[tuple[str, str, str], ...] = (
    ("GET", "/rate_limit", "_get_rate_limit"),
    ("GET", "/repos/{owner}/{repo}", "_get_repo"),
    ("GET", "/repos/{owner}/{repo}/pulls", "_list_pulls"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", "_get_pull"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files", "_list_files"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "_list_reviews"),
    ("GET", "/repos/{owner}/{repo}/contents/{path}", "_get_contents"),
    ("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "_get_comment"),
    ("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "_edit_comment"),
    ("DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "_delete_comment"),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "_list_comments"),
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "_create_comment"),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "_list_labels"),
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "_add_labels"),
    ("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "_set_labels"),
    ("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "_remove_all_labels"),
    ("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", "_remove_label"),
    ("GET", "/repos/{owner}/{repo}/labels/{name}", "_get_repo_label"),
    ("POST", "/repos/{owner}/{repo}/labels", "_create_repo_label"),
    ("POST", "/repos/{owner}/{repo}/statuses/{sha}", "_create_status"),
    ("GET", "/repos/{owner}/{repo}/commits/{ref}/status", "_combined_status"),
    ("GET", "/orgs/{org}/teams/{team_slug}/memberships/{username}", "_team_membership"),
    ("GET", "/repos/{owner}/{repo}/branches/{branch}/protection", "_branch_protection"),
    ("GET", "/repos/{owner}/{repo}/rules/branches/{branch}", "_branch_rules"),
    ("GET", "/repos/{owner}/{repo}/rulesets", "_list_rulesets"),
    ("GET", "/repos/{owner}/{repo}/rulesets/{ruleset_id}", "_get_ruleset"),
    ("GET", "/repos/{owner}/{repo}/git/ref/{ref}", "_get_git_ref"),
    ("GET", "/repos/{owner}/{repo}/actions/workflows", "_list_workflows"),
    ("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", "_list_workflow_runs"),
    ("POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun", "_rerun_workflow_run"),
    *AUTHORITY_ROUTES,
    ("GET", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls", "_commit_pulls"),
    ("GET", "/repos/{owner}/{repo}/compare/{basehead}", "_compare"),
    # after .../branches/{branch}/protection: {branch} may hold slashes
    ("GET", "/repos/{owner}/{repo}/branches/{branch}", "_get_branch"),
)


_REPOSITORIES_ALIAS = re.compile(r"^/repositories/(\d+)(/.*)?$")


_VALID_SUBTREES: set[tuple[str, bytes]] = set()


def _check_state(state: str) -> None:
    if state not in ("open", "closed"):
        raise ValueError(f"state is 'open' or 'closed', not {state!r}")


def _sha(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{40}", value):
        raise ValueError(f"not a full lowercase 40-hex SHA: {value!r}")
    return value


def _encode(body: Json) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _github_error(
    status: int, message: str, *, kind: Literal["error", "fault"] = "error",
    docs: str = _DOCS,
) -> _Response:
    return _Response(
        status, {"message": message, "documentation_url": docs, "status": str(status)},
        kind=kind,
    )


def _validation_failed(
    message: str, *, resource: str | None = None, field: str | None = None,
    code: str = "invalid", docs: str = _DOCS,
) -> _Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if resource:
        error["resource"] = resource
    if field:
        error["field"] = field
    return _Response(422, {"message": "Validation Failed", "errors": [error],
                           "documentation_url": docs, "status": "422"}, kind="error")


def _fault_body(status: int, *, rate_limited: bool, secondary: bool) -> dict[str, Any]:
    if rate_limited:
        return {"message": "API rate limit exceeded for installation ID 1.",
                "documentation_url": f"{_DOCS}/overview/rate-limits-for-the-rest-api",
                "status": str(status)}
    if secondary or status == 429:
        return {"message": "You have exceeded a secondary rate limit. Please wait a few "
                           "minutes before you try again.",
                "documentation_url": f"{_DOCS}/overview/rate-limits-for-the-rest-api"
                                     "#about-secondary-rate-limits",
                "status": str(status)}
    messages = {
        400: "Problems parsing JSON", 401: "Bad credentials",
        403: "Resource not accessible by integration", 404: "Not Found",
        409: "Conflict", 410: "Gone", 422: "Validation Failed", 500: "Server Error",
        502: "Server Error", 503: "Service Unavailable",
        504: "We couldn't respond to your request in time. Sorry about that. Please try "
             "resubmitting your request and contact us if the problem persists.",
    }
    body: dict[str, Any] = {"message": messages.get(status, _REASONS.get(status, "Error"))}
    if status < 500:
        body["documentation_url"] = _DOCS
        body["status"] = str(status)
    if status == 422:
        body["errors"] = [{"code": "invalid", "message": "Validation Failed"}]
    return body


_CHANGE_TYPES = {"added": "ADDED", "removed": "DELETED", "modified": "MODIFIED",
                 "renamed": "RENAMED", "copied": "COPIED", "changed": "CHANGED"}
