"""A stateful, strict fake of GitHub's REST and GraphQL APIs, served on 127.0.0.1.

``FakeGitHub`` is a real HTTP server (``ThreadingHTTPServer`` on an ephemeral port, in a
daemon thread). Clients talk to it exactly as they talk to GitHub, e.g. PyGithub with
``Github(base_url=fake.base_url)``. It keeps state (repositories, pull requests, files,
contents per ref, reviews, comments, labels, statuses, teams, branch protection,
rulesets) that tests seed with keyword helpers, and it answers like GitHub does: same
status codes, same error bodies, absolute URLs rooted at its own base URL, ``Link``
pagination headers (on ``/repositories/{id}/...`` URLs, as GitHub sends them),
``X-RateLimit-*`` headers.

Strictness is the point:

* every response body it serves is checked with ``github_contract`` against GitHub's
  published OpenAPI description; a non-conforming body is recorded in
  ``fake.violations`` and served as a 500 carrying the reasons, so the client fails;
* request bodies are checked against the description's request schema and GitHub's
  server-side rules (status description <= 140 characters, comment body <= 65,536,
  label name <= 50, a new label's colour six hex digits and its description <= 100); a
  request GitHub would reject gets GitHub's 422 *and* a violation;
* unknown routes get a 404 *and* a violation ("unimplemented route");
* GraphQL queries are executed against GitHub's real schema (``github_contract``);
  an invalid query is answered like GitHub (HTTP 200, ``{"errors": [...]}``) *and*
  recorded as a violation.

The ``github_double`` pytest fixture yields a started double and asserts at teardown
that ``fake.violations == []``. Use it with
``from tests.support.github_double import github_double``.

API (all seeding helpers take keyword arguments and generate realistic ids, node ids,
URLs, ISO-8601 ``Z`` timestamps; SHAs must be full 40-hex):

* ``FakeGitHub(token=DEFAULT_TOKEN, identity="github-actions[bot]", identity_type="Bot",
  api_prefix="" | "/api/v3", check="all" | "sample" | "off", core_limit=5000,
  graphql_limit=5000, enforce_rate_limit=False, clock=None)``; ``start()``/``stop()``,
  context manager; ``base_url``, ``graphql_url``, ``root_url`` (web links), ``port``.
  ``check="sample"`` checks the first 20 responses per operation and status, then 1 in
  25 (for large benchmarks); ``"off"`` checks nothing. Keep ``"all"`` for tests.
* State: ``add_token``, ``add_repo``, ``add_pull``, ``update_pull``, ``add_commit``,
  ``set_file``, ``add_review``/``dismiss_review``, ``add_comment``, ``add_label``,
  ``add_team_member``, ``set_branch`` (a branch's tip), ``set_branch_protection``
  (+ ``FakeGitHub.protection(...)``),
  ``add_ruleset``, ``add_workflow``; read back with ``comments()``, ``labels()``,
  ``repo_labels()``, ``statuses()``; ``webhook_payload(event, action, repo, number)``.
* Faults: ``fail(method, path_regex, status=500, times=None, headers=None, body=None,
  retry_after=None, rate_limit_exhausted=False, reset_in=60, apply=False)``,
  ``fail_connection(method, path_regex, times=1)``, ``rate_limit_graphql(times)``,
  ``clear_faults()``; ``tamper(method, path_regex, fn)`` rewrites a body before the check.
* Inspection: ``requests`` (``Request(method, path, query, json)``), ``count(method,
  path_regex)``, ``violations``, ``undeclared``, ``injected``, ``assert_no_violations()``.
* GraphQL: ``graphql_data`` = ``None`` (state-backed ``graphql_root()``: ``repository
  {pullRequest, pullRequests}``, ``rateLimit``, ``viewer``), a dict, or a callable
  ``(query, variables) -> root``; executed by ``github_contract.execute_graphql``.

Error statuses GitHub's description does not declare for an operation (401 anywhere,
404 on the reviews list, 422 on the statuses endpoint, a 404 *with* a body on team
memberships, ...) are checked against GitHub's generic ``basic-error`` /
``validation-error`` schemas instead and listed in ``fake.undeclared``. Injected faults
are listed in ``fake.injected``; they are checked against the description when their
status is declared for the operation and exempt otherwise.

Known deviations from GitHub: requests without ``Authorization`` get 401 (GitHub
would serve public data anonymously); no conditional requests (ETag/304); labels in the
pulls *list* carry ``"description": ""`` instead of ``null`` (the description types that
one field as a string); GraphQL error messages are graphql-core's wording, not
GitHub's; ``html_url``-style links are rooted at the double's server root (as on GHES).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import fnmatch
import hashlib
import itertools
import json
import re
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, NamedTuple
from urllib.parse import parse_qsl, quote, unquote, urlencode

import graphql
import jsonschema
import pytest

from tests.support import github_contract
from tests.support.github_double_authority import AUTHORITY_ROUTES, AuthorityDouble

__all__ = [
    "BOT_ID",
    "BOT_LOGIN",
    "DEFAULT_TOKEN",
    "FILES_CAP",
    "FakeGitHub",
    "FileSpec",
    "Request",
    "github_double",
    "github_double_ghes",
]

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

# A changed file: "path" (modified), (status, path) or ("renamed", old_path, new_path).
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


# --- small value helpers --------------------------------------------------------------


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


# --- state ----------------------------------------------------------------------------


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


# --- HTTP plumbing ----------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeGitHub


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    server: _Server

    def _any(self) -> None:
        self.server.fake._handle(self)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _compile_route(template: str) -> re.Pattern[str]:
    pattern = ""
    for part in re.split(r"(\{[^{}]+\})", template):
        if part.startswith("{"):
            name = part[1:-1]
            pattern += f"(?P<{name}>.+)" if name in ("path", "branch", "ref") \
                else f"(?P<{name}>[^/]+)"
        else:
            pattern += re.escape(part)
    return re.compile(f"^{pattern}/?$")


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
    *AUTHORITY_ROUTES,
    ("GET", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls", "_commit_pulls"),
    ("GET", "/repos/{owner}/{repo}/compare/{basehead}", "_compare"),
    # after .../branches/{branch}/protection: {branch} may hold slashes
    ("GET", "/repos/{owner}/{repo}/branches/{branch}", "_get_branch"),
)
_ROUTES = tuple((m, _compile_route(t), t, h) for m, t, h in _ROUTE_TABLE)
_REPOSITORIES_ALIAS = re.compile(r"^/repositories/(\d+)(/.*)?$")


# --- contract helpers -------------------------------------------------------------------


@cache
def _error_validator(name: str) -> jsonschema.Draft4Validator:
    """GitHub's generic error schemas (``basic-error``, ``validation-error``); plain JSON
    Schema without ``$ref`` or ``nullable``, so they validate as they are."""
    schema = github_contract.openapi_responses().document["components"]["schemas"][name]
    translated = json.loads(json.dumps(schema).replace('"nullable": true', '"x-nullable": true'))
    return jsonschema.Draft4Validator(translated)


@cache
def _request_validator(method: str, template: str) -> Any:
    """A validator for the operation's JSON request body, or None when none is declared.

    Uses github_contract's translated document and registry (the same ones its response
    checks use), so request and response checks read the description identically."""
    api = github_contract.openapi_responses()
    op = api.document["paths"][template].get(method.lower(), {})
    media = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not media or "schema" not in media:
        return None
    tokens = ("paths", template, method.lower(), "requestBody", "content", "application/json")
    pointer = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in (*tokens, "schema"))
    ref = github_contract._BASE_URI + "#" + quote(pointer)
    return api._validator_cls(
        {"$ref": ref}, registry=api._registry, format_checker=api._format_checker
    )


_VALID_SUBTREES: set[tuple[str, bytes]] = set()


def _memo_ref(validator: Any, ref: str, instance: Any, schema: Any) -> Iterator[Any]:
    """``$ref`` that skips a JSON subtree already found valid against the same ``$ref``.

    Sound for this document: Draft 4, one document, no dynamic scope, so whether a
    subtree conforms to a ``$ref`` depends only on the ref and the subtree. Only
    *valid* verdicts are remembered; failures are always re-validated."""
    if not isinstance(instance, dict | list):
        yield from validator._validate_reference(ref=ref, instance=instance)
        return
    key = (ref, hashlib.blake2b(_encode(instance), digest_size=16).digest())
    if key in _VALID_SUBTREES:
        return
    errors = list(validator._validate_reference(ref=ref, instance=instance))
    if not errors:
        _VALID_SUBTREES.add(key)
    yield from errors


@cache
def _fast_validator(method: str, template: str, status: int) -> Any:
    """A memoizing validator for the operation's response schema (or None when the
    response declares no JSON schema). Built from github_contract's own translated
    document, registry, validator class and format checker."""
    api = github_contract.openapi_responses()
    _, op = api.operation(method, template)
    responses = op.get("responses", {})
    key = str(status) if str(status) in responses else f"{str(status)[0]}XX"
    if key not in responses:
        return None
    tokens = ("paths", template, method.lower(), "responses", key)
    pointer = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)
    response, pointer = api._deref(responses[key], pointer)
    if "schema" not in response.get("content", {}).get("application/json", {}):
        return None
    pointer += "/content/application~1json/schema"
    memo_cls = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        api._validator_cls, {"$ref": _memo_ref}
    )
    return memo_cls(
        {"$ref": github_contract._BASE_URI + "#" + quote(pointer)},
        registry=api._registry, format_checker=api._format_checker,
    )


@cache
def _declared(method: str, template: str, status: int) -> tuple[bool, bool]:
    """(status declared for the operation, declared with a body)."""
    api = github_contract.openapi_responses()
    _, op = api.operation(method, template)
    responses = op.get("responses", {})
    key = str(status) if str(status) in responses else f"{str(status)[0]}XX"
    if key not in responses:
        return False, False
    response, _ = api._deref(responses[key], "")
    return True, bool(response.get("content"))


# --- the double -------------------------------------------------------------------------


class FakeGitHub(AuthorityDouble):
    """A fake GitHub (REST + GraphQL) for tests; see the module docstring.

    ``api_prefix`` poses as GitHub Enterprise Server: ``"/api/v3"`` serves REST under
    ``http://127.0.0.1:PORT/api/v3`` and GraphQL at ``/api/graphql`` (PyGithub's rule);
    the default ``""`` serves REST at the root and GraphQL at ``/graphql``.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        identity: str = BOT_LOGIN,
        identity_type: str = "Bot",
        api_prefix: str = "",
        check: Check = "all",
        core_limit: int = 5000,
        graphql_limit: int = 5000,
        enforce_rate_limit: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._prefix = api_prefix.rstrip("/")
        graphql_base = self._prefix.removesuffix("/v3")
        self._graphql_path = graphql_base + "/graphql"
        self.check: Check = check
        self._sampled: dict[tuple[str, str, int], int] = {}
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.violations: list[str] = []
        self.undeclared: list[str] = []
        self.injected: list[tuple[str, str, int | None]] = []
        self.requests: list[Request] = []
        self.graphql_data: Callable[[str, Mapping[str, Any]], Any] | Mapping[str, Any] | None = (
            None
        )
        self._core = _Bucket("core", core_limit)
        self._graphql_bucket = _Bucket("graphql", graphql_limit)
        self.enforce_rate_limit = enforce_rate_limit
        self._lock = threading.RLock()
        self._ids = itertools.count(100_000_001)
        self._users: dict[str, _User] = {}
        self._repos: dict[str, _Repo] = {}
        self._repos_by_id: dict[int, _Repo] = {}
        self._comments: dict[int, _Comment] = {}
        self._teams: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
        self._team_ids: dict[tuple[str, str], int] = {}
        self._org_ids: dict[str, int] = {}
        self._faults: list[_Fault] = []
        self._tampers: list[_Tamper] = []
        self._graphql_rate_limited = 0
        self._graphql_reset_in = 60
        self._repo_json_cache: dict[tuple[int, bool], dict[str, Any]] = {}
        self._tokens: dict[str, _User] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._user(BOT_LOGIN, "Bot", ident=BOT_ID)
        self.add_token(token, identity, identity_type)

    # --- lifecycle --------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
            name=f"FakeGitHub:{server.server_address[1]}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeGitHub is not started")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        """The server root; also used for web (``html_url``) links, as on GHES."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The REST API base, what ``GITHUB_API_URL`` would hold."""
        return self.root_url + self._prefix

    @property
    def graphql_url(self) -> str:
        """The GraphQL endpoint, what ``GITHUB_GRAPHQL_URL`` would hold."""
        return self.root_url + self._graphql_path

    # --- seeding: identities, repositories, pulls ---------------------------------------

    def add_token(self, token: str, login: str, user_type: str = "User") -> None:
        """Accept ``token`` as the identity ``login`` (comments, statuses are by it)."""
        with self._lock:
            self._tokens[token] = self._user(login, user_type)

    def add_repo(
        self, full_name: str, default_branch: str = "main", *, private: bool = False,
        owner_type: str = "Organization",
    ) -> None:
        with self._lock:
            if full_name.casefold() in self._repos:
                raise ValueError(f"repository {full_name} already exists")
            owner_login, _, name = full_name.partition("/")
            if not owner_login or not name or "/" in name:
                raise ValueError(f"not an owner/name: {full_name!r}")
            repo = _Repo(
                full_name=full_name, owner=self._user(owner_login, owner_type), name=name,
                id=next(self._ids), default_branch=default_branch, private=private,
                created_at=self._now(),
            )
            self._repos[full_name.casefold()] = repo
            self._repos_by_id[repo.id] = repo

    def add_pull(
        self,
        repo: str,
        number: int,
        *,
        title: str,
        body: str | None,
        author: str = "octocat",
        author_type: str = "User",
        head_sha: str,
        base_sha: str,
        base_ref: str = "main",
        head_ref: str = "feature",
        head_repo: str | None = None,
        files: Sequence[FileSpec] = (),
        changed_files: int | None = None,
        draft: bool = False,
        state: str = "open",
        created_at: datetime | str | None = None,
        updated_at: datetime | str | None = None,
        closed_at: datetime | str | None = None,
        merged_at: datetime | str | None = None,
        labels: Iterable[str] = (),
    ) -> None:
        """Seed a pull request. ``changed_files`` (GitHub's own count) defaults to
        ``len(files)``; set it larger to model a list GitHub truncated."""
        with self._lock:
            r = self._repo(repo)
            if number in r.pulls:
                raise ValueError(f"{repo}#{number} already exists")
            _check_state(state)
            created = _iso(created_at) or self._now()
            merged = _iso(merged_at)
            closed = _iso(closed_at) or (merged if merged else None)
            if state == "closed" and closed is None:
                closed = created
            if merged and state != "closed":
                raise ValueError("a merged pull request is closed")
            fork = self._repo(head_repo) if head_repo else r
            pull = _Pull(
                repo=r, number=number, id=next(self._ids), title=title, body=body,
                user=self._user(author, author_type), head_sha=_sha(head_sha),
                base_sha=_sha(base_sha), base_ref=base_ref, head_ref=head_ref, head_repo=fork,
                files=[self._file(spec, head_sha) for spec in files],
                changed_files=changed_files, draft=draft, state=state, created_at=created,
                updated_at=_iso(updated_at) or created, closed_at=closed, merged_at=merged,
            )
            r.pulls[number] = pull
            r.commits.update((pull.head_sha, pull.base_sha))
            r.tips.setdefault(pull.base_ref, pull.base_sha)  # its base branch exists
            for name in labels:
                pull.labels.append(self._repo_label(r, name))

    def update_pull(self, repo: str, number: int, **changes: Any) -> None:
        """Change a seeded pull request (``body=`` for an ``edited`` event, ``head_sha=``
        and ``files=`` for ``synchronize``, ``state=``/``merged_at=``, ``labels=``...).
        ``updated_at`` moves to now unless given."""
        with self._lock:
            pull = self._pull(self._repo(repo), number)
            for key, value in changes.items():
                if key == "files":
                    head = changes.get("head_sha", pull.head_sha)
                    pull.files = [self._file(spec, head) for spec in value]
                elif key in ("head_sha", "base_sha"):
                    setattr(pull, key, _sha(value))
                    pull.repo.commits.add(_sha(value))
                elif key == "author":
                    pull.user = self._user(value, changes.get("author_type"))
                elif key == "author_type":
                    continue
                elif key == "labels":
                    pull.labels = [self._repo_label(pull.repo, name) for name in value]
                elif key in ("created_at", "updated_at", "closed_at", "merged_at"):
                    setattr(pull, key, _iso(value))
                elif key == "state":
                    _check_state(value)
                    pull.state = value
                    if value == "closed" and pull.closed_at is None:
                        pull.closed_at = self._now()
                    if value == "open":
                        pull.closed_at = pull.merged_at = None
                elif key == "head_repo":
                    pull.head_repo = self._repo(value)
                elif key in ("title", "body", "base_ref", "head_ref", "draft", "changed_files"):
                    setattr(pull, key, value)
                else:
                    raise TypeError(f"update_pull: unknown field {key!r}")
            if pull.merged_at and pull.closed_at is None:
                pull.state, pull.closed_at = "closed", pull.merged_at
            if "updated_at" not in changes:
                pull.updated_at = self._now()

    def add_commit(self, repo: str, sha: str, *, message: str | None = None,
                   parents: Sequence[str] = ()) -> None:
        """Make ``sha`` a known commit (statuses can be posted on it). Pull request head
        and base SHAs, and SHAs given to ``set_file``, are known already. ``message`` and
        ``parents`` put it in the commit graph that compare walks."""
        with self._lock:
            r = self._repo(repo)
            r.commits.add(_sha(sha))
            if message is not None or parents:
                r.commits.update(_sha(p) for p in parents)
                r.history[_sha(sha)] = _Commit(_sha(sha), message or "commit",
                                               tuple(_sha(p) for p in parents), self._now())

    def set_branch(self, repo: str, branch: str, sha: str) -> None:
        """Point ``branch`` at ``sha`` (the default branch is at no commit until set)."""
        with self._lock:
            r = self._repo(repo)
            r.tips[branch] = _sha(sha)
            r.branches.add(branch)
            r.commits.add(_sha(sha))

    def set_file(self, repo: str, path: str, ref: str, text: str | bytes | None) -> None:
        """Serve ``text`` at ``path`` for exactly ``ref`` (a SHA or branch name); ``None``
        removes it. Contents are per ref: a file set at the head SHA is not visible at
        the base SHA."""
        with self._lock:
            r = self._repo(repo)
            key = (ref, path.strip("/"))
            if text is None:
                r.contents.pop(key, None)
            else:
                r.contents[key] = text.encode() if isinstance(text, str) else bytes(text)
            if re.fullmatch(r"[0-9a-f]{40}", ref):
                r.commits.add(ref)

    def add_review(
        self, repo: str, number: int, login: str, state: str, commit_id: str | None,
        submitted_at: datetime | str | None = None, body: str = "", *, user_type: str = "User",
    ) -> int:
        if state not in ("APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"):
            raise ValueError(f"not a review state GitHub reports: {state!r}")
        with self._lock:
            pull = self._pull(self._repo(repo), number)
            submitted = None if state == "PENDING" else (_iso(submitted_at) or self._now())
            review = _Review(
                id=next(self._ids), user=self._user(login, user_type), state=state,
                commit_id=_sha(commit_id) if commit_id else None, submitted_at=submitted,
                body=body,
            )
            pull.reviews.append(review)
            return review.id

    def dismiss_review(self, repo: str, number: int, review_id: int) -> None:
        with self._lock:
            for review in self._pull(self._repo(repo), number).reviews:
                if review.id == review_id:
                    review.state = "DISMISSED"
                    return
            raise KeyError(review_id)

    def add_comment(
        self, repo: str, number: int, body: str, login: str = "octocat",
        user_type: str = "User", *, created_at: datetime | str | None = None,
    ) -> int:
        """Seed an issue comment on a pull request; returns its id."""
        with self._lock:
            return self._new_comment(
                self._pull(self._repo(repo), number), body, self._user(login, user_type),
                _iso(created_at),
            ).id

    def comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        """The comments on a pull request: ``{"id", "body", "login", "type"}``."""
        with self._lock:
            return [
                {"id": c.id, "body": c.body, "login": c.user.login, "type": c.user.type,
                 "created_at": c.created_at, "updated_at": c.updated_at}
                for c in self._pull(self._repo(repo), number).comments
            ]

    def labels(self, repo: str, number: int) -> list[str]:
        with self._lock:
            return [label.name for label in self._pull(self._repo(repo), number).labels]

    def repo_labels(self, repo: str) -> dict[str, tuple[str, str | None]]:
        """The repository's labels: name -> (colour, description)."""
        with self._lock:
            return {lb.name: (lb.color, lb.description) for lb in self._repo(repo).labels.values()}

    def statuses(self, repo: str, sha: str) -> list[dict[str, Any]]:
        """Statuses posted on ``sha``, oldest first."""
        with self._lock:
            return [
                {"state": s.state, "context": s.context, "description": s.description,
                 "target_url": s.target_url, "creator": s.creator.login}
                for s in self._repo(repo).statuses.get(sha, [])
            ]

    def add_label(
        self, repo: str, name: str, *, color: str = "ededed", description: str | None = None
    ) -> None:
        """Create a repository label (issue labels are auto-created when added)."""
        with self._lock:
            r = self._repo(repo)
            label = self._repo_label(r, name)
            label.color, label.description = color, description

    def add_team_member(
        self, org: str, team_slug: str, login: str, state: str = "active", role: str = "member"
    ) -> None:
        if state not in ("active", "pending") or role not in ("member", "maintainer"):
            raise ValueError("state is active|pending, role is member|maintainer")
        with self._lock:
            key = (org.casefold(), team_slug.casefold())
            self._team_ids.setdefault(key, next(self._ids))
            self._org_ids.setdefault(org.casefold(), next(self._ids))
            self._user(login)
            self._teams.setdefault(key, {})[login.casefold()] = (state, role)

    def set_branch_protection(
        self, repo: str, branch: str, protection: Mapping[str, Any] | None
    ) -> None:
        """Protection as GitHub returns it, minus the URLs the double fills in; ``None``
        unprotects. ``FakeGitHub.protection(...)`` builds a typical one."""
        with self._lock:
            r = self._repo(repo)
            if protection is None:
                r.protection.pop(branch, None)
            else:
                r.protection[branch] = copy.deepcopy(dict(protection))

    @staticmethod
    def protection(
        contexts: Sequence[str] = ("Gatekeeper Enforcement / gatekeeper",), *,
        strict: bool = True, enforce_admins: bool = False, approvals: int | None = 1,
        app_id: int | None = None, code_owners: bool = False,
        bypass_users: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """A typical branch protection (required checks, reviews, admin enforcement).
        ``app_id``: the app each check must come from (None: any source);
        ``bypass_users``: logins allowed to skip the pull request (served as users)."""
        result: dict[str, Any] = {
            "required_status_checks": {
                "strict": strict, "contexts": list(contexts),
                "checks": [{"context": c, "app_id": app_id} for c in contexts],
            },
            "enforce_admins": {"enabled": enforce_admins},
            "required_linear_history": {"enabled": False},
            "allow_force_pushes": {"enabled": False},
            "allow_deletions": {"enabled": False},
            "required_conversation_resolution": {"enabled": False},
        }
        if approvals is not None:
            result["required_pull_request_reviews"] = {
                "dismiss_stale_reviews": True, "require_code_owner_reviews": code_owners,
                "required_approving_review_count": approvals,
                "require_last_push_approval": False,
            }
            if bypass_users is not None:
                result["required_pull_request_reviews"]["bypass_pull_request_allowances"] = {
                    "users": list(bypass_users), "teams": [], "apps": []}
        return result

    def add_ruleset(
        self,
        repo: str,
        name: str,
        *,
        rules: Sequence[Mapping[str, Any]] = (),
        required_checks: Sequence[str] = (),
        enforcement: str = "active",
        target: str = "branch",
        include: Sequence[str] = ("~DEFAULT_BRANCH",),
        exclude: Sequence[str] = (),
        bypass_actors: Sequence[Mapping[str, Any]] = (),
        integration_id: int | None = None,
    ) -> int:
        """A repository ruleset. ``required_checks`` adds a ``required_status_checks``
        rule; ``rules`` are GitHub rule objects (``{"type": ..., "parameters": ...}``).
        Patterns follow GitHub: ``~DEFAULT_BRANCH``, ``~ALL``, ``refs/heads/<glob>``."""
        all_rules = [copy.deepcopy(dict(rule)) for rule in rules]
        if required_checks:
            all_rules.append({
                "type": "required_status_checks",
                "parameters": {
                    "strict_required_status_checks_policy": False,
                    "do_not_enforce_on_create": False,
                    "required_status_checks": [
                        {"context": c} if integration_id is None else
                        {"context": c, "integration_id": integration_id}
                        for c in required_checks],
                },
            })
        with self._lock:
            r = self._repo(repo)
            ruleset = _Ruleset(
                id=next(self._ids) % 1_000_000, name=name, target=target,
                enforcement=enforcement, include=tuple(include), exclude=tuple(exclude),
                rules=all_rules, bypass_actors=[dict(a) for a in bypass_actors],
                created_at=self._now(),
            )
            r.rulesets.append(ruleset)
            return ruleset.id

    def add_branch(self, repo: str, branch: str) -> None:
        """Make ``branch`` exist (the default branch, and a branch given to ``set_file`` or
        ``set_branch_protection``, exist already)."""
        with self._lock:
            self._repo(repo).branches.add(branch)

    def add_workflow(
        self, repo: str, path: str, name: str, state: str = "active"
    ) -> None:
        with self._lock:
            r = self._repo(repo)
            r.workflows.append({
                "id": next(self._ids), "name": name, "path": path, "state": state,
                "created_at": self._now(),
            })

    # --- faults, tampering, inspection ----------------------------------------------------

    def fail(
        self,
        method: str,
        path_regex: str,
        *,
        status: int = 500,
        times: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: Json = None,
        retry_after: int | None = None,
        rate_limit_exhausted: bool = False,
        reset_in: int = 60,
        apply: bool = False,
    ) -> None:
        """Answer matching requests (``method`` or ``"*"``; ``path_regex`` searched in
        the path relative to the API prefix, ``/graphql`` for GraphQL) with ``status``:
        ``times`` times, or forever when None. The body defaults to GitHub's for that
        status. ``retry_after`` adds ``Retry-After``; ``rate_limit_exhausted`` adds
        ``X-RateLimit-Remaining: 0`` and ``X-RateLimit-Reset`` and GitHub's primary
        rate-limit message (use with 403 or 429). ``apply=True`` lets the request take
        effect before the fault is answered (a write whose response was lost)."""
        hdrs = dict(headers or {})
        if retry_after is not None:
            hdrs["Retry-After"] = str(retry_after)
        if rate_limit_exhausted:
            hdrs.update({
                "X-RateLimit-Limit": str(self._core.limit), "X-RateLimit-Remaining": "0",
                "X-RateLimit-Used": str(self._core.limit),
                "X-RateLimit-Reset": str(int(self.clock().timestamp()) + reset_in),
                "X-RateLimit-Resource": "core",
            })
        if body is None:
            body = _fault_body(status, rate_limited=rate_limit_exhausted,
                               secondary=retry_after is not None)
        with self._lock:
            self._faults.append(_Fault(
                method=method.upper(), pattern=re.compile(path_regex), status=status,
                times=times, headers=hdrs, body=body, apply=apply,
            ))

    def fail_connection(self, method: str, path_regex: str, times: int = 1) -> None:
        """Close the connection without answering the next ``times`` matching requests."""
        with self._lock:
            self._faults.append(_Fault(
                method=method.upper(), pattern=re.compile(path_regex), status=0, times=times,
                headers={}, body=None, connection=True,
            ))

    def rate_limit_graphql(self, times: int = 1, *, reset_in: int = 60) -> None:
        """Answer the next ``times`` GraphQL requests as GitHub does when the GraphQL
        rate limit is exhausted: HTTP 200, ``{"errors": [{"type": "RATE_LIMITED", ...}]}``
        and ``X-RateLimit-Remaining: 0``."""
        with self._lock:
            self._graphql_rate_limited += times
            self._graphql_reset_in = reset_in

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._graphql_rate_limited = 0

    def tamper(
        self, method: str, path_regex: str, fn: Callable[[Json], Json], times: int | None = None
    ) -> None:
        """Pass matching response bodies through ``fn`` before they are checked and
        served (to prove the contract check catches a broken response)."""
        with self._lock:
            self._tampers.append(
                _Tamper(method.upper(), re.compile(path_regex), fn, times)
            )

    def count(self, method: str = "*", path_regex: str = "") -> int:
        """How many requests matched ``method`` (or ``"*"``) and ``path_regex``."""
        rx = re.compile(path_regex)
        with self._lock:
            return sum(
                1 for r in self.requests
                if (method == "*" or r.method == method.upper()) and rx.search(r.path)
            )

    def assert_no_violations(self) -> None:
        with self._lock:
            found = list(self.violations)
        assert found == [], "GitHub test double recorded violations:\n  " + "\n  ".join(found)

    # --- webhook payloads -----------------------------------------------------------------

    def webhook_payload(
        self, event: str, action: str, repo: str, number: int, **extra: Any
    ) -> dict[str, Any]:
        """A webhook payload for ``event``/``action`` on a seeded pull request: GitHub's
        real example (``github_contract.load_webhook``) with ``pull_request``,
        ``repository``, ``number``, ``sender`` (and ``review`` for review events)
        replaced by the double's current state; ``extra`` keys are set last. The
        ``pull_request.edited`` example is missing upstream; it is built from
        ``opened`` with ``action: edited`` (pass ``changes=``)."""
        fixture_action = "opened" if (event, action) == ("pull_request", "edited") else action
        payload = github_contract.load_webhook(event, fixture_action)
        payload["action"] = action
        with self._lock:
            r = self._repo(repo)
            pull = self._pull(r, number)
            if "pull_request" in payload:
                payload["pull_request"] = self._pull_json(pull)
            payload["repository"] = self._repo_json(r, full=False)
            if "number" in payload:
                payload["number"] = number
            payload["sender"] = self._user_json(pull.user)
            if event == "pull_request_review" and pull.reviews:
                payload["review"] = self._review_json(pull, pull.reviews[-1])
                payload["sender"] = self._user_json(pull.reviews[-1].user)
        if action == "edited":
            payload.setdefault("changes", {})
        payload.update(extra)
        return payload

    # --- internals: state helpers ---------------------------------------------------------

    def _now(self) -> str:
        value = _iso(self.clock())
        assert value is not None
        return value

    def _user(self, login: str, user_type: str | None = None, *, ident: int | None = None) -> _User:
        key = login.casefold()
        user = self._users.get(key)
        if user is None:
            kind = user_type or ("Bot" if login.endswith("[bot]") else "User")
            user = _User(login=login, id=ident or next(self._ids), type=kind)
            self._users[key] = user
        elif user_type is not None and user.type != user_type:
            raise ValueError(f"{login} is a {user.type}, not a {user_type}")
        return user

    def _repo(self, full_name: str) -> _Repo:
        repo = self._repos.get(full_name.casefold())
        if repo is None:
            raise KeyError(f"no repository {full_name!r}; add_repo() it first")
        return repo

    @staticmethod
    def _pull(repo: _Repo, number: int) -> _Pull:
        pull = repo.pulls.get(number)
        if pull is None:
            raise KeyError(f"no pull request {repo.full_name}#{number}")
        return pull

    def _file(self, spec: FileSpec, head_sha: str) -> _File:
        if isinstance(spec, str):
            status, old, path = "modified", None, spec
        elif len(spec) == 2:
            status, path = spec[0], spec[1]
            old = None
        elif len(spec) == 3 and spec[0] == "renamed":
            status, old, path = spec
        else:
            raise ValueError(f"bad file spec {spec!r}")
        if status not in ("added", "removed", "modified", "renamed", "copied", "changed"):
            raise ValueError(f"bad file status {status!r}")
        if status == "renamed" and old is None:
            raise ValueError("a renamed file needs ('renamed', old, new)")
        digest = hashlib.sha1(f"{head_sha}\0{path}".encode()).digest()
        adds = 0 if status == "removed" else 1 + digest[0] % 40
        dels = 0 if status in ("added", "renamed") else digest[1] % 20 + (status == "removed")
        return _File(
            status=status, filename=path, previous_filename=old, additions=adds, deletions=dels,
            sha=digest.hex(),
        )

    def _repo_label(self, repo: _Repo, name: str) -> _Label:
        key = name.casefold()
        label = repo.labels.get(key)
        if label is None:
            label = _Label(id=next(self._ids), name=name, color="ededed", description=None)
            repo.labels[key] = label
        return label

    def _new_comment(
        self, pull: _Pull, body: str, user: _User, created_at: str | None = None
    ) -> _Comment:
        now = created_at or self._now()
        comment = _Comment(
            id=next(self._ids), repo=pull.repo, number=pull.number, body=body, user=user,
            created_at=now, updated_at=now,
        )
        pull.comments.append(comment)
        self._comments[comment.id] = comment
        return comment

    def _label_event(self, pull: _Pull, kind: str, label: _Label, actor: _User) -> None:
        pull.label_events.append(_LabelEvent(
            id=next(self._ids), kind=kind, label=label, actor=actor, created_at=self._now()
        ))

    # --- internals: JSON builders ---------------------------------------------------------

    def _user_json(self, user: _User) -> dict[str, Any]:
        api = f"{self.base_url}/users/{quote(user.login)}"
        html = (
            f"{self.root_url}/apps/{user.login.removesuffix('[bot]')}"
            if user.type == "Bot" else f"{self.root_url}/{user.login}"
        )
        return {
            "login": user.login, "id": user.id, "node_id": _node_id(user.type, user.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
            "gravatar_id": "", "url": api, "html_url": html,
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs", "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events", "type": user.type,
            "user_view_type": "public", "site_admin": False,
        }

    def _repo_json(self, repo: _Repo, *, full: bool) -> dict[str, Any]:
        key = (repo.id, full)
        cached = self._repo_json_cache.get(key)
        if cached is not None:
            return cached
        api = f"{self.base_url}/repos/{repo.full_name}"
        html = f"{self.root_url}/{repo.full_name}"
        host = f"127.0.0.1:{self.port}"
        out: dict[str, Any] = {
            "id": repo.id, "node_id": _node_id("Repository", repo.id), "name": repo.name,
            "full_name": repo.full_name, "private": repo.private,
            "owner": self._user_json(repo.owner), "html_url": html, "description": None,
            "fork": False, "url": api,
            "forks_url": f"{api}/forks", "keys_url": f"{api}/keys{{/key_id}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "teams_url": f"{api}/teams", "hooks_url": f"{api}/hooks",
            "issue_events_url": f"{api}/issues/events{{/number}}",
            "events_url": f"{api}/events", "assignees_url": f"{api}/assignees{{/user}}",
            "branches_url": f"{api}/branches{{/branch}}", "tags_url": f"{api}/tags",
            "blobs_url": f"{api}/git/blobs{{/sha}}", "git_tags_url": f"{api}/git/tags{{/sha}}",
            "git_refs_url": f"{api}/git/refs{{/sha}}", "trees_url": f"{api}/git/trees{{/sha}}",
            "statuses_url": f"{api}/statuses/{{sha}}", "languages_url": f"{api}/languages",
            "stargazers_url": f"{api}/stargazers", "contributors_url": f"{api}/contributors",
            "subscribers_url": f"{api}/subscribers", "subscription_url": f"{api}/subscription",
            "commits_url": f"{api}/commits{{/sha}}",
            "git_commits_url": f"{api}/git/commits{{/sha}}",
            "comments_url": f"{api}/comments{{/number}}",
            "issue_comment_url": f"{api}/issues/comments{{/number}}",
            "contents_url": f"{api}/contents/{{+path}}",
            "compare_url": f"{api}/compare/{{base}}...{{head}}", "merges_url": f"{api}/merges",
            "archive_url": f"{api}/{{archive_format}}{{/ref}}",
            "downloads_url": f"{api}/downloads", "issues_url": f"{api}/issues{{/number}}",
            "pulls_url": f"{api}/pulls{{/number}}",
            "milestones_url": f"{api}/milestones{{/number}}",
            "notifications_url": f"{api}/notifications{{?since,all,participating}}",
            "labels_url": f"{api}/labels{{/name}}", "releases_url": f"{api}/releases{{/id}}",
            "deployments_url": f"{api}/deployments",
            "created_at": repo.created_at, "updated_at": repo.created_at,
            "pushed_at": repo.created_at,
            "git_url": f"git://{host}/{repo.full_name}.git",
            "ssh_url": f"git@{host}:{repo.full_name}.git", "clone_url": f"{html}.git",
            "svn_url": html, "homepage": None, "size": 1024, "stargazers_count": 0,
            "watchers_count": 0, "language": "Python", "has_issues": True,
            "has_projects": True, "has_downloads": True, "has_wiki": True,
            "has_pages": False, "has_discussions": False, "forks_count": 0,
            "mirror_url": None, "archived": False, "disabled": False,
            "open_issues_count": sum(p.state == "open" for p in repo.pulls.values()),
            "license": None, "allow_forking": True, "is_template": False,
            "web_commit_signoff_required": False, "topics": [],
            "visibility": "private" if repo.private else "public", "forks": 0,
            "open_issues": sum(p.state == "open" for p in repo.pulls.values()),
            "watchers": 0, "default_branch": repo.default_branch,
        }
        if full:
            out.update({
                "permissions": {"admin": False, "maintain": False, "push": True,
                                "triage": True, "pull": True},
                "allow_squash_merge": True, "allow_merge_commit": True,
                "allow_rebase_merge": True, "allow_auto_merge": False,
                "delete_branch_on_merge": False, "allow_update_branch": False,
                "network_count": 0, "subscribers_count": 0,
            })
            if repo.owner.type == "Organization":
                out["organization"] = self._user_json(repo.owner)
        else:
            # Counts move as pulls open/close; only the full form is refreshed per call.
            self._repo_json_cache[key] = out
        return out

    def _label_json(self, repo: _Repo, label: _Label, *, in_list: bool = False
                    ) -> dict[str, Any]:
        description = label.description
        if in_list and description is None:
            # GitHub sends null; its description types this one field as a plain string
            # in pull-request-simple (the pulls list) only. Deviation: "" there.
            description = ""
        return {
            "id": label.id, "node_id": _node_id("Label", label.id),
            "url": f"{self.base_url}/repos/{repo.full_name}/labels/{quote(label.name, safe='')}",
            "name": label.name, "color": label.color, "default": label.default,
            "description": description,
        }

    def _association(self, repo: _Repo, user: _User) -> str:
        if user.login.casefold() == repo.owner.login.casefold():
            return "OWNER"
        if user.type == "Bot":
            return "NONE"
        if any(user.login.casefold() in members for members in self._teams.values()):
            return "MEMBER"
        return "CONTRIBUTOR"

    def _pull_json(self, pull: _Pull, *, simple: bool = False) -> dict[str, Any]:
        repo = pull.repo
        api = f"{self.base_url}/repos/{repo.full_name}"
        url = f"{api}/pulls/{pull.number}"
        html = f"{self.root_url}/{repo.full_name}/pull/{pull.number}"
        issue = f"{api}/issues/{pull.number}"

        def part(ref: str, sha: str, r: _Repo) -> dict[str, Any]:
            return {
                "label": f"{r.owner.login}:{ref}", "ref": ref, "sha": sha,
                "user": self._user_json(r.owner), "repo": self._repo_json(r, full=False),
            }

        out: dict[str, Any] = {
            "url": url, "id": pull.id, "node_id": _node_id("PullRequest", pull.id),
            "html_url": html, "diff_url": f"{html}.diff", "patch_url": f"{html}.patch",
            "issue_url": issue, "number": pull.number, "state": pull.state, "locked": False,
            "title": pull.title, "user": self._user_json(pull.user), "body": pull.body,
            "created_at": pull.created_at, "updated_at": pull.updated_at,
            "closed_at": pull.closed_at, "merged_at": pull.merged_at,
            "merge_commit_sha": _hexsha("merge", repo.full_name, pull.number, pull.head_sha),
            "assignee": None, "assignees": [], "requested_reviewers": [],
            "requested_teams": [],
            "labels": [self._label_json(repo, lb, in_list=simple) for lb in pull.labels],
            "milestone": None, "draft": pull.draft,
            "commits_url": f"{url}/commits", "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{issue}/comments",
            "statuses_url": f"{api}/statuses/{pull.head_sha}",
            "head": part(pull.head_ref, pull.head_sha, pull.head_repo),
            "base": part(pull.base_ref, pull.base_sha, repo),
            "_links": {
                "self": {"href": url}, "html": {"href": html}, "issue": {"href": issue},
                "comments": {"href": f"{issue}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{api}/statuses/{pull.head_sha}"},
            },
            "author_association": self._association(repo, pull.user),
            "auto_merge": None, "active_lock_reason": None,
        }
        if not simple:
            out.update({
                "merged": pull.merged_at is not None,
                "mergeable": None if pull.state == "open" else False,
                "rebaseable": None, "mergeable_state": "unknown",
                "merged_by": self._user_json(repo.owner) if pull.merged_at else None,
                "comments": len(pull.comments), "review_comments": 0,
                "maintainer_can_modify": False,
                "commits": len(self._pull_commit_specs(pull)),
                "additions": sum(f.additions for f in pull.files),
                "deletions": sum(f.deletions for f in pull.files),
                "changed_files": pull.true_changed_files,
            })
        return out

    def _diff_entry(self, pull: _Pull, f: _File) -> dict[str, Any]:
        full = pull.head_repo.full_name
        path = quote(f.filename)
        entry: dict[str, Any] = {
            "sha": f.sha, "filename": f.filename, "status": f.status,
            "additions": f.additions, "deletions": f.deletions,
            "changes": f.additions + f.deletions,
            "blob_url": f"{self.root_url}/{full}/blob/{pull.head_sha}/{path}",
            "raw_url": f"{self.root_url}/{full}/raw/{pull.head_sha}/{path}",
            "contents_url": f"{self.base_url}/repos/{full}/contents/{path}?ref={pull.head_sha}",
        }
        if f.additions or f.deletions:
            entry["patch"] = f"@@ -1,{f.deletions} +1,{f.additions} @@"
        if f.previous_filename is not None:
            entry["previous_filename"] = f.previous_filename
        return entry

    def _review_json(self, pull: _Pull, review: _Review) -> dict[str, Any]:
        api_pull = f"{self.base_url}/repos/{pull.repo.full_name}/pulls/{pull.number}"
        html = f"{self.root_url}/{pull.repo.full_name}/pull/{pull.number}"
        out: dict[str, Any] = {
            "id": review.id, "node_id": _node_id("PullRequestReview", review.id),
            "user": self._user_json(review.user), "body": review.body, "state": review.state,
            "html_url": f"{html}#pullrequestreview-{review.id}",
            "pull_request_url": api_pull,
            "author_association": self._association(pull.repo, review.user),
            "_links": {"html": {"href": f"{html}#pullrequestreview-{review.id}"},
                       "pull_request": {"href": api_pull}},
            "commit_id": review.commit_id,
        }
        if review.submitted_at is not None:
            out["submitted_at"] = review.submitted_at
        return out

    def _comment_json(self, c: _Comment) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{c.repo.full_name}"
        url = f"{api}/issues/comments/{c.id}"
        return {
            "url": url,
            "html_url": f"{self.root_url}/{c.repo.full_name}/pull/{c.number}#issuecomment-{c.id}",
            "issue_url": f"{api}/issues/{c.number}", "id": c.id,
            "node_id": _node_id("IssueComment", c.id), "user": self._user_json(c.user),
            "created_at": c.created_at, "updated_at": c.updated_at,
            "author_association": self._association(c.repo, c.user), "body": c.body,
            "reactions": {
                "url": f"{url}/reactions", "total_count": 0, "+1": 0, "-1": 0, "laugh": 0,
                "hooray": 0, "confused": 0, "heart": 0, "rocket": 0, "eyes": 0,
            },
            "performed_via_github_app": None,
        }

    def _status_json(self, repo: _Repo, sha: str, s: _Status, *, simple: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "url": f"{self.base_url}/repos/{repo.full_name}/statuses/{sha}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{s.creator.id}?v=4",
            "id": s.id, "node_id": _node_id("StatusContext", s.id), "state": s.state,
            "description": s.description, "target_url": s.target_url, "context": s.context,
            "created_at": s.created_at, "updated_at": s.updated_at,
        }
        if not simple:
            out["creator"] = self._user_json(s.creator)
        return out

    # --- internals: request handling --------------------------------------------------------

    def _handle(self, h: _Handler) -> None:
        length = _int(h.headers.get("Content-Length"), 0)
        raw = h.rfile.read(length) if length > 0 else b""
        path, _, qs = h.path.partition("?")
        query = dict(parse_qsl(qs, keep_blank_values=True))
        body: Json
        try:
            body = json.loads(raw) if raw else None
            bad_json = False
        except ValueError:
            body, bad_json = raw.decode("utf-8", "replace"), True
        with self._lock:
            response = self._process(
                h.command, path, qs, query, body, bad_json, h.headers.get("Authorization")
            )
            if response is not None:
                payload, headers = self._finish_headers(response)
        if response is None:  # injected connection failure
            h.close_connection = True
            with contextlib.suppress(OSError):
                h.connection.shutdown(socket.SHUT_RDWR)
            return
        lines = [f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Status')}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if h.close_connection:
            lines.append("Connection: close")
        h.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload)
        h.wfile.flush()

    def _finish_headers(self, response: _Response) -> tuple[bytes, dict[str, str]]:
        payload = b"" if response.body is None else _encode(response.body)
        headers = {
            "Server": "GitHub.com",
            "Date": datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT"),
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Request-Id": f"{0xFA4E:04X}:{len(self.requests):08X}",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
        }
        if response.body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        headers["Content-Length"] = str(len(payload))
        headers.update(response.headers)
        return payload, headers

    def _process(
        self, method: str, path: str, qs: str, query: dict[str, str], body: Json,
        bad_json: bool, auth: str | None,
    ) -> _Response | None:
        is_graphql = path == self._graphql_path
        inside = is_graphql or path.startswith(self._prefix + "/")
        rel = "/graphql" if is_graphql else (path[len(self._prefix) :] if inside else path)
        self.requests.append(Request(method, rel, query, body))
        if not inside:
            self._violation(f"request outside the API prefix {self._prefix!r}: {method} {path}")
            return _github_error(404, "Not Found", kind="error")
        identity = self._identify(auth)
        if isinstance(identity, _Response):
            return self._finalize(method, None if is_graphql else self._template(method, rel),
                                  rel, identity)
        fault = self._take_fault(method, rel)
        if fault is not None and fault.connection:
            self.injected.append((method, rel, None))
            return None
        if is_graphql:
            if method != "POST":
                self._violation(f"unimplemented route: {method} {path}")
                return _github_error(404, "Not Found", kind="error")
            if fault is not None:
                self.injected.append((method, rel, fault.status))
                return _Response(fault.status, fault.body, dict(fault.headers), kind="fault")
            return self._graphql(identity, body, bad_json)
        match = _REPOSITORIES_ALIAS.match(rel)
        routed = rel
        if match:
            repo = self._repos_by_id.get(int(match.group(1)))
            if repo is not None:
                routed = f"/repos/{repo.full_name}{match.group(2) or ''}"
        template, handler, params = self._route(method, routed)
        if fault is not None:
            self.injected.append((method, rel, fault.status))
            if fault.apply and handler is not None:
                with contextlib.suppress(_Fail):
                    getattr(self, handler)(identity, params, query, body, qs=qs, rel=rel)
            response = _Response(fault.status, fault.body, dict(fault.headers), kind="fault")
            return self._finalize(method, template, rel, response)
        if handler is None:
            self._violation(f"unimplemented route: {method} {path}")
            return _github_error(404, "Not Found", kind="error")
        assert template is not None
        limited = self._count_rate(rel)
        if limited is not None:
            return self._finalize(method, template, rel, limited)
        if bad_json:
            self._violation(f"request body is not JSON: {method} {rel}")
            return self._finalize(method, template, rel,
                                  _github_error(400, "Problems parsing JSON", kind="error"))
        try:
            self._check_request(method, template, body)
            response = getattr(self, handler)(identity, params, query, body, qs=qs, rel=rel)
        except _Fail as fail:
            response = fail.response
        response.headers.update(self._core.headers())
        return self._finalize(method, template, rel, response)

    def _template(self, method: str, rel: str) -> str | None:
        template, _, _ = self._route(method, rel)
        return template

    @staticmethod
    def _route(method: str, rel: str) -> tuple[str | None, str | None, dict[str, str]]:
        for verb, rx, template, handler in _ROUTES:
            m = rx.match(rel) if verb == method else None
            if m is not None:
                return template, handler, {k: unquote(v) for k, v in m.groupdict().items()}
        return None, None, {}

    def _identify(self, auth: str | None) -> _User | _Response:
        if not auth:
            return _github_error(401, "Requires authentication", kind="error")
        scheme, _, token = auth.partition(" ")
        user = self._tokens.get(token.strip()) if scheme.lower() in ("token", "bearer") else None
        if user is None:
            return _github_error(401, "Bad credentials", kind="error")
        return user

    def _take_fault(self, method: str, rel: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method not in ("*", method) or not fault.pattern.search(rel):
                continue
            if fault.times is not None:
                if fault.times <= 0:
                    continue
                fault.times -= 1
            return fault
        return None

    def _count_rate(self, rel: str) -> _Response | None:
        if rel.startswith("/rate_limit"):
            return None  # GitHub does not count it
        if self._core.take(int(self.clock().timestamp()), enforce=self.enforce_rate_limit):
            return None
        response = _github_error(
            403, "API rate limit exceeded for installation ID 1.", kind="error",
            docs=f"{_DOCS}/overview/rate-limits-for-the-rest-api",
        )
        response.headers.update(self._core.headers())
        return response

    def _violation(self, message: str) -> None:
        self.violations.append(message)

    def _check_request(self, method: str, template: str, body: Json) -> None:
        if method in ("GET", "DELETE"):
            return
        validator = _request_validator(method, template)
        if validator is None:
            return
        if (method, template) == ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels") \
                and isinstance(body, list) and all(isinstance(x, str) for x in body):
            # GitHub also accepts a bare array of names (PyGithub sends one); the
            # description lists only the object form.
            return
        if body is None:
            errors = ["a JSON body is required"]
        else:
            errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(body)]
        if errors:
            self._violation(f"request to {method} {template} does not conform: {errors}")
            raise _Fail(_validation_failed(errors[0], docs=_DOCS))

    def _finalize(
        self, method: str, template: str | None, rel: str, response: _Response
    ) -> _Response:
        for t in self._tampers:
            if t.method in ("*", method) and t.pattern.search(rel) and t.times != 0:
                if t.times is not None:
                    t.times -= 1
                response.body = t.fn(copy.deepcopy(response.body))
        if template is None or not self._should_check(method, template, response.status):
            return response
        problems = self._conformance(method, template, response)
        if problems:
            for problem in problems:
                self._violation(problem)
            return _Response(
                500,
                {"message": "GitHub test double: this response does not conform to GitHub's "
                            "OpenAPI description", "violations": problems},
            )
        return response

    def _should_check(self, method: str, template: str, status: int) -> bool:
        if self.check == "all":
            return True
        if self.check == "off":
            return False
        key = (method, template, status)
        seen = self._sampled[key] = self._sampled.get(key, 0) + 1
        return seen <= SAMPLE_FULL or seen % SAMPLE_EVERY == 0

    def _conformance(self, method: str, template: str, response: _Response) -> list[str]:
        status, body = response.status, response.body
        declared, with_body = _declared(method, template, status)
        if declared and (with_body or body is None):
            return self._checked(method, template, status, body)
        label = f"{method} {template} -> {status}"
        if response.kind == "fault":
            return []  # undeclared injected status: exempt (listed in self.injected)
        if response.kind == "error" and status >= 400:
            self.undeclared.append(label)
            name = "validation-error" if status == 422 else "basic-error"
            errors = [e.message for e in _error_validator(name).iter_errors(body)]
            return [f"{label}: not a GitHub {name} body: {e}" for e in errors]
        return [f"{label}: status not declared by GitHub's description for this operation"]

    def _checked(self, method: str, template: str, status: int, body: Json) -> list[str]:
        """Check exactly what is served (the body re-read from its JSON encoding).

        A memoizing validator answers "valid" fast for subtrees seen before; any
        failure is reported by ``github_contract`` itself (``OpenAPIResponses.errors``,
        what ``check_rest_response`` raises on)."""
        served = None if body is None else json.loads(_encode(body))
        fast = _fast_validator(method, template, status)
        if fast is not None and next(iter(fast.iter_errors(served)), None) is None:
            return []
        return github_contract.openapi_responses().errors(method, template, status, served)

    # --- internals: pagination --------------------------------------------------------------

    def _page(
        self, items: Sequence[Any], query: Mapping[str, str], rel: str, *,
        default: int = 30, total: int | None = None,
    ) -> tuple[Sequence[Any], dict[str, str]]:
        per_page = min(max(_int(query.get("per_page"), default), 1), 100)
        page = max(_int(query.get("page"), 1), 1)
        count = len(items) if total is None else total
        last = max((count + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page : page * per_page] if page <= last else []
        return chunk, {"Link": link} if (link := self._links(rel, query, page, last)) else {}

    def _links(self, rel: str, query: Mapping[str, str], page: int, last: int) -> str:
        match = re.match(r"^/repos/([^/]+)/([^/]+)(/.*)?$", rel)
        path = rel
        if match:
            name = f"{unquote(match.group(1))}/{unquote(match.group(2))}"
            repo = self._repos.get(name.casefold())
            if repo is not None:
                path = f"/repositories/{repo.id}{match.group(3) or ''}"

        def url(n: int) -> str:
            params = {k: v for k, v in query.items() if k != "page"}
            params["page"] = str(n)
            return f"{self.base_url}{path}?{urlencode(params)}"

        parts = []
        if page > 1:
            parts.append(f'<{url(min(page - 1, last))}>; rel="prev"')
        if page < last:
            parts += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            parts.append(f'<{url(1)}>; rel="first"')
        return ", ".join(parts)

    # --- internals: REST routes -------------------------------------------------------------
    # Each takes (identity, path params, query, body, qs=, rel=) and returns a _Response.

    def _repo_of(self, params: Mapping[str, str]) -> _Repo:
        repo = self._repos.get(f"{params['owner']}/{params['repo']}".casefold())
        if repo is None or self._hidden(repo.full_name):
            raise _Fail(_github_error(404, "Not Found", docs=f"{_DOCS}/repos/repos"))
        return repo

    def _pull_of(self, params: Mapping[str, str], key: str = "pull_number") -> _Pull:
        repo = self._repo_of(params)
        number = _int(params[key], -1)
        pull = repo.pulls.get(number)
        if pull is None:
            raise _Fail(_github_error(404, "Not Found", docs=f"{_DOCS}/pulls/pulls"))
        return pull

    def _get_rate_limit(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                        body: Json, **_: Any) -> _Response:
        now = int(self.clock().timestamp())
        core = self._core.json(now)
        return _Response(200, {
            "resources": {
                "core": core, "search": _Bucket("search", 30).json(now),
                "graphql": self._graphql_bucket.json(now),
                "integration_manifest": _Bucket("integration_manifest", 5000).json(now),
                "code_search": _Bucket("code_search", 10).json(now),
            },
            "rate": core,
        })

    def _get_repo(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                  body: Json, **_: Any) -> _Response:
        return _Response(200, self._repo_json(self._repo_of(params), full=True))

    def _list_pulls(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                    body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        state = query.get("state", "open")
        sort = query.get("sort", "created")
        direction = query.get("direction", "desc" if sort == "created" else "asc")
        if state not in ("open", "closed", "all") or direction not in ("asc", "desc") \
                or sort not in ("created", "updated", "popularity", "long-running"):
            self._violation(f"GET {rel}: invalid state/sort/direction {dict(query)}")
            raise _Fail(_validation_failed("Validation Failed", docs=f"{_DOCS}/pulls/pulls"))
        pulls = [p for p in repo.pulls.values() if state == "all" or p.state == state]
        if "base" in query:
            pulls = [p for p in pulls if p.base_ref == query["base"]]
        if "head" in query:
            owner, _sep, ref = query["head"].partition(":")
            pulls = [p for p in pulls
                     if p.head_repo.owner.login.casefold() == owner.casefold()
                     and (not ref or p.head_ref == ref)]
        keyf: Callable[[_Pull], Any] = {
            "created": lambda p: (p.created_at, p.number),
            "updated": lambda p: (p.updated_at, p.number),
            "popularity": lambda p: (len(p.comments), p.number),
            "long-running": lambda p: (p.created_at, p.number),
        }[sort]
        pulls.sort(key=keyf, reverse=direction == "desc")
        chunk, headers = self._page(pulls, query, rel)
        return _Response(200, [self._pull_json(p, simple=True) for p in chunk], headers)

    def _get_pull(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                  body: Json, **_: Any) -> _Response:
        return _Response(200, self._pull_json(self._pull_of(params)))

    def _list_files(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                    body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params)
        listed = pull.files[:FILES_CAP]
        chunk, headers = self._page(listed, query, rel)
        return _Response(200, [self._diff_entry(pull, f) for f in chunk], headers)

    def _list_reviews(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params)
        visible = [r for r in pull.reviews if r.state != "PENDING" or r.user is me]
        chunk, headers = self._page(visible, query, rel)
        return _Response(200, [self._review_json(pull, r) for r in chunk], headers)

    def _get_contents(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        path = params["path"].strip("/")
        ref = query.get("ref") or repo.default_branch
        docs = f"{_DOCS}/repos/contents#get-repository-content"
        data = repo.contents.get((ref, path))
        if data is not None:
            return _Response(200, self._content_json(repo, ref, path, data, with_content=True))
        prefix = path + "/"
        children = sorted({
            p[len(prefix):].split("/", 1)[0] + ("/" if "/" in p[len(prefix):] else "")
            for (r, p) in repo.contents if r == ref and p.startswith(prefix)
        })
        if not children:
            raise _Fail(_github_error(404, "Not Found", docs=docs))
        listing = []
        for child in children:
            name = child.rstrip("/")
            full = f"{path}/{name}"
            if child.endswith("/"):
                listing.append(self._dir_json(repo, ref, full))
            else:
                listing.append(self._content_json(
                    repo, ref, full, repo.contents[(ref, full)], with_content=False
                ))
        return _Response(200, listing)

    def _content_links(self, repo: _Repo, ref: str, path: str, sha: str, kind: str
                       ) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{repo.full_name}"
        qpath = quote(path)
        self_url = f"{api}/contents/{qpath}?ref={quote(ref, safe='')}"
        git = f"{api}/git/{'trees' if kind == 'dir' else 'blobs'}/{sha}"
        tree = "tree" if kind == "dir" else "blob"
        html = f"{self.root_url}/{repo.full_name}/{tree}/{ref}/{qpath}"
        return {
            "url": self_url, "git_url": git, "html_url": html,
            "_links": {"self": self_url, "git": git, "html": html},
        }

    def _content_json(self, repo: _Repo, ref: str, path: str, data: bytes, *,
                      with_content: bool) -> dict[str, Any]:
        sha = _blob_sha(data)
        out: dict[str, Any] = {
            "type": "file", "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha,
            "size": len(data),
            "download_url": f"{self.root_url}/{repo.full_name}/raw/{ref}/{quote(path)}",
            **self._content_links(repo, ref, path, sha, "file"),
        }
        if with_content:
            large = len(data) > LARGE_FILE
            out["content"] = "" if large else _wrap64(data)
            out["encoding"] = "none" if large else "base64"
        return out

    def _dir_json(self, repo: _Repo, ref: str, path: str) -> dict[str, Any]:
        sha = _hexsha("tree", repo.full_name, ref, path)
        return {
            "type": "dir", "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha,
            "size": 0, "download_url": None, **self._content_links(repo, ref, path, sha, "dir"),
        }

    def _comment_of(self, params: Mapping[str, str]) -> _Comment:
        repo = self._repo_of(params)
        comment = self._comments.get(_int(params["comment_id"], -1))
        if comment is None or comment.repo is not repo:
            raise _Fail(_github_error(404, "Not Found",
                                      docs=f"{_DOCS}/issues/comments#get-an-issue-comment"))
        return comment

    def _get_comment(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                     body: Json, **_: Any) -> _Response:
        return _Response(200, self._comment_json(self._comment_of(params)))

    def _edit_comment(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, **_: Any) -> _Response:
        comment = self._comment_of(params)
        text = body["body"]
        self._check_comment_body(text)
        comment.body = text
        comment.updated_at = self._now()
        return _Response(200, self._comment_json(comment))

    def _delete_comment(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                        body: Json, **_: Any) -> _Response:
        comment = self._comment_of(params)
        pull = comment.repo.pulls[comment.number]
        pull.comments.remove(comment)
        del self._comments[comment.id]
        return _Response(204, None)

    def _list_comments(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                       body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        comments: Sequence[_Comment] = pull.comments
        if "since" in query:
            since = _parse_iso(query["since"])
            comments = [c for c in comments if _parse_iso(c.updated_at) >= since]
        chunk, headers = self._page(comments, query, rel)
        return _Response(200, [self._comment_json(c) for c in chunk], headers)

    def _check_comment_body(self, text: str) -> None:
        if len(text) > COMMENT_BODY_MAX:
            message = f"Body is too long (maximum is {COMMENT_BODY_MAX} characters)"
            self._violation(f"comment body of {len(text)} characters: {message}")
            raise _Fail(_validation_failed(
                message, resource="IssueComment", field="data", code="unprocessable",
                docs=f"{_DOCS}/issues/comments#create-an-issue-comment",
            ))

    def _create_comment(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                        body: Json, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        self._check_comment_body(body["body"])
        comment = self._new_comment(pull, body["body"], me)
        data = self._comment_json(comment)
        return _Response(201, data, {"Location": data["url"]})

    def _labels_response(self, pull: _Pull, query: Mapping[str, str], rel: str,
                         status: int = 200) -> _Response:
        chunk, headers = self._page(pull.labels, query, rel)
        return _Response(status, [self._label_json(pull.repo, lb) for lb in chunk], headers)

    def _list_labels(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                     body: Json, *, rel: str, **_: Any) -> _Response:
        return self._labels_response(self._pull_of(params, "issue_number"), query, rel)

    def _label_names(self, body: Json) -> list[str]:
        raw = body if isinstance(body, list) else (body or {}).get("labels", [])
        names = [x if isinstance(x, str) else x["name"] for x in raw]
        for name in names:
            if len(name) > LABEL_NAME_MAX or not name.strip():
                message = f"name is too long (maximum is {LABEL_NAME_MAX} characters)" \
                    if name.strip() else "name can't be blank"
                self._violation(f"label {name!r}: {message}")
                raise _Fail(_validation_failed(message, resource="Label", field="name",
                                               code="custom", docs=f"{_DOCS}/issues/labels"))
        return names

    def _add_labels(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                    body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        for name in self._label_names(body):
            label = self._repo_label(pull.repo, name)
            if label not in pull.labels:
                pull.labels.append(label)
                self._label_event(pull, "LabeledEvent", label, me)
        return self._labels_response(pull, {}, rel)

    def _set_labels(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                    body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        wanted = [self._repo_label(pull.repo, n) for n in self._label_names(body)]
        for label in [lb for lb in pull.labels if lb not in wanted]:
            pull.labels.remove(label)
            self._label_event(pull, "UnlabeledEvent", label, me)
        for label in wanted:
            if label not in pull.labels:
                pull.labels.append(label)
                self._label_event(pull, "LabeledEvent", label, me)
        return self._labels_response(pull, {}, rel)

    def _remove_all_labels(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                           body: Json, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        for label in list(pull.labels):
            pull.labels.remove(label)
            self._label_event(pull, "UnlabeledEvent", label, me)
        return _Response(204, None)

    def _remove_label(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        name = params["name"].casefold()
        for label in pull.labels:
            if label.name.casefold() == name:
                pull.labels.remove(label)
                self._label_event(pull, "UnlabeledEvent", label, me)
                return self._labels_response(pull, {}, rel)
        raise _Fail(_github_error(
            404, "Label does not exist",
            docs=f"{_DOCS}/issues/labels#remove-a-label-from-an-issue",
        ))

    def _get_repo_label(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                        body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        label = repo.labels.get(params["name"].casefold())
        if label is None:
            raise _Fail(_github_error(404, "Not Found",
                                      docs=f"{_DOCS}/issues/labels#get-a-label"))
        return _Response(200, self._label_json(repo, label))

    def _create_repo_label(self, me: _User, params: Mapping[str, str],
                           query: Mapping[str, str], body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        name, docs = self._label_names([body["name"]])[0], f"{_DOCS}/issues/labels#create-a-label"
        color = str(body.get("color") or "ededed").removeprefix("#")
        description = body.get("description")
        if not re.fullmatch(r"[0-9A-Fa-f]{6}", color):
            self._violation(f"label {name!r}: color {color!r} is not a 6-digit hex code")
            raise _Fail(_validation_failed("color is invalid", resource="Label", field="color",
                                           docs=docs))
        if description is not None and len(description) > LABEL_DESCRIPTION_MAX:
            self._violation(f"label {name!r}: description longer than {LABEL_DESCRIPTION_MAX}")
            raise _Fail(_validation_failed(
                f"description is too long (maximum is {LABEL_DESCRIPTION_MAX} characters)",
                resource="Label", field="description", docs=docs))
        if name.casefold() in repo.labels:
            # What GitHub answers when the label exists (names match case-insensitively).
            raise _Fail(_validation_failed("already_exists", resource="Label", field="name",
                                           code="already_exists", docs=docs))
        label = self._repo_label(repo, name)
        label.color, label.description = color.lower(), description
        data = self._label_json(repo, label)
        return _Response(201, data, {"Location": data["url"]})

    def _create_status(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                       body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        sha = params["sha"]
        docs = f"{_DOCS}/commits/statuses#create-a-commit-status"
        description = body.get("description")
        if description is not None and len(description) > STATUS_DESCRIPTION_MAX:
            message = f"description is too long (maximum is {STATUS_DESCRIPTION_MAX} characters)"
            self._violation(f"POST statuses/{sha}: {message}")
            raise _Fail(_validation_failed(message, resource="Status", field="description",
                                           code="custom", docs=docs))
        if sha not in repo.commits:
            raise _Fail(_github_error(422, f"No commit found for SHA: {sha}", docs=docs))
        now = self._now()
        status = _Status(
            id=next(self._ids), state=body["state"], context=body.get("context") or "default",
            description=description, target_url=body.get("target_url"), creator=me,
            created_at=now, updated_at=now,
        )
        repo.statuses.setdefault(sha, []).append(status)
        return _Response(201, self._status_json(repo, sha, status, simple=False))

    def _combined_status(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                         body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        ref = params["ref"]
        sha = ref
        for pull in repo.pulls.values():  # a branch name resolves to its pull's head
            if ref in (pull.head_ref, f"refs/heads/{pull.head_ref}"):
                sha = pull.head_sha
        if sha not in repo.commits:
            raise _Fail(_github_error(
                404, f"No commit found for SHA: {ref}",
                docs=f"{_DOCS}/commits/statuses#get-the-combined-status-for-a-specific-reference",
            ))
        latest: dict[str, _Status] = {}
        for status in repo.statuses.get(sha, []):
            latest[status.context] = status
        states = {s.state for s in latest.values()}
        combined = (
            "failure" if states & {"error", "failure"}
            else "pending" if not states or "pending" in states else "success"
        )
        ordered = sorted(latest.values(), key=lambda s: s.id, reverse=True)
        chunk, headers = self._page(ordered, query, rel, default=100)
        api = f"{self.base_url}/repos/{repo.full_name}"
        minimal = {k: v for k, v in self._repo_json(repo, full=False).items()
                   if k not in ("git_url", "ssh_url", "clone_url", "svn_url", "mirror_url",
                                "homepage", "language", "size", "default_branch")}
        return _Response(200, {
            "state": combined, "sha": sha, "total_count": len(latest),
            "statuses": [self._status_json(repo, sha, s, simple=True) for s in chunk],
            "repository": minimal, "commit_url": f"{api}/commits/{sha}",
            "url": f"{api}/commits/{sha}/status",
        }, headers)

    def _team_membership(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                         body: Json, **_: Any) -> _Response:
        key = (params["org"].casefold(), params["team_slug"].casefold())
        member = self._teams.get(key, {}).get(params["username"].casefold())
        if member is None:
            raise _Fail(_github_error(
                404, "Not Found",
                docs=f"{_DOCS}/teams/members#get-team-membership-for-a-user",
            ))
        state, role = member
        org_id, team_id = self._org_ids[key[0]], self._team_ids[key]
        login = self._user(params["username"]).login
        return _Response(200, {
            "url": f"{self.base_url}/organizations/{org_id}/team/{team_id}/memberships/"
                   f"{quote(login)}",
            "role": role, "state": state,
        })

    def _branch_protection(self, me: _User, params: Mapping[str, str],
                           query: Mapping[str, str], body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        branch = params["branch"]
        stored = repo.protection.get(branch)
        if stored is None:
            raise _Fail(_github_error(
                404, "Branch not protected",
                docs=f"{_DOCS}/branches/branch-protection#get-branch-protection",
            ))
        url = f"{self.base_url}/repos/{repo.full_name}/branches/{quote(branch, safe='')}/protection"
        out = copy.deepcopy(stored)
        out.setdefault("url", url)
        checks = out.get("required_status_checks")
        if isinstance(checks, dict):
            checks.setdefault("url", f"{url}/required_status_checks")
            checks.setdefault("contexts_url", f"{url}/required_status_checks/contexts")
        allowances = (out.get("required_pull_request_reviews") or {}).get(
            "bypass_pull_request_allowances")
        if isinstance(allowances, dict):
            allowances["users"] = [self._user_json(self._user(u)) if isinstance(u, str) else u
                                   for u in allowances.get("users") or ()]
        for key, suffix in (("enforce_admins", "enforce_admins"),
                            ("required_pull_request_reviews", "required_pull_request_reviews"),
                            ("required_signatures", "required_signatures")):
            if isinstance(out.get(key), dict):
                out[key].setdefault("url", f"{url}/{suffix}")
        return _Response(200, out)

    def _active_rules_for(self, repo: _Repo, branch: str) -> list[dict[str, Any]]:
        ref = f"refs/heads/{branch}"

        def matches(pattern: str) -> bool:
            if pattern == "~ALL":
                return True
            if pattern == "~DEFAULT_BRANCH":
                return branch == repo.default_branch
            return fnmatch.fnmatchcase(ref, pattern if pattern.startswith("refs/") else
                                       f"refs/heads/{pattern}")

        rules = []
        for rs in repo.rulesets:
            if rs.enforcement != "active" or rs.target != "branch":
                continue
            if any(map(matches, rs.include)) and not any(map(matches, rs.exclude)):
                for rule in rs.rules:
                    rules.append({**copy.deepcopy(rule), "ruleset_source_type": "Repository",
                                  "ruleset_source": repo.full_name, "ruleset_id": rs.id})
        return rules

    def _branch_rules(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        chunk, headers = self._page(self._active_rules_for(repo, params["branch"]), query, rel)
        return _Response(200, list(chunk), headers)

    def _list_rulesets(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                       body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        api = f"{self.base_url}/repos/{repo.full_name}"
        items = [{
            "id": rs.id, "name": rs.name, "target": rs.target, "source_type": "Repository",
            "source": repo.full_name, "enforcement": rs.enforcement,
            "node_id": _node_id("RepositoryRuleset", rs.id),
            "_links": {"self": {"href": f"{api}/rulesets/{rs.id}"},
                       "html": {"href": f"{self.root_url}/{repo.full_name}/rules/{rs.id}"}},
            "created_at": rs.created_at, "updated_at": rs.created_at,
        } for rs in repo.rulesets]
        chunk, headers = self._page(items, query, rel)
        return _Response(200, list(chunk), headers)

    def _graph_commit_json(self, repo: _Repo, sha: str) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{repo.full_name}"
        html = f"{self.root_url}/{repo.full_name}"
        c = repo.history.get(sha) or _Commit(sha, "commit", (), repo.created_at)
        person = {"name": "octocat", "email": "octocat@example.com", "date": c.date}
        tree = _hexsha("tree", sha)
        return {
            "url": f"{api}/commits/{sha}", "sha": sha, "node_id": _node_id("Commit", sha),
            "html_url": f"{html}/commit/{sha}", "comments_url": f"{api}/commits/{sha}/comments",
            "commit": {
                "url": f"{api}/git/commits/{sha}", "author": person, "committer": person,
                "message": c.message, "comment_count": 0,
                "tree": {"sha": tree, "url": f"{api}/git/trees/{tree}"},
                "verification": {"verified": False, "reason": "unsigned", "payload": None,
                                 "signature": None, "verified_at": None},
            },
            "author": None, "committer": None,
            "parents": [{"sha": p, "url": f"{api}/commits/{p}", "html_url": f"{html}/commit/{p}"}
                        for p in c.parents],
        }

    def _ancestors(self, repo: _Repo, sha: str) -> list[str]:
        """``sha`` and its ancestors in the commit graph, parents before children."""
        seen: set[str] = set()
        order: list[str] = []
        stack: list[tuple[str, bool]] = [(sha, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            c = repo.history.get(node)
            for parent in reversed(c.parents if c else ()):
                stack.append((parent, False))
        return order

    def _commit_pulls(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        sha = params["commit_sha"]
        if sha not in repo.commits:
            raise _Fail(_github_error(
                422, f"No commit found for SHA: {sha}",
                docs=f"{_DOCS}/commits/commits#list-pull-requests-associated-with-a-commit"))
        # GitHub associates a commit with the pull requests whose head it is (open, closed
        # or merged); the double keeps no per-pull commit list beyond the head.
        pulls = sorted((p for p in repo.pulls.values() if p.head_sha == sha),
                       key=lambda p: p.number, reverse=True)
        chunk, headers = self._page(pulls, query, rel)
        return _Response(200, [self._pull_json(p, simple=True) for p in chunk], headers)

    def _compare(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                 body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        base, sep, head = params["basehead"].partition("...")
        docs = f"{_DOCS}/commits/commits#compare-two-commits"
        if not sep or base not in repo.commits or head not in repo.commits:
            raise _Fail(_github_error(404, "Not Found", docs=docs))
        behind_set = set(self._ancestors(repo, base))
        head_line = self._ancestors(repo, head)
        ahead = [sha for sha in head_line if sha not in behind_set]
        behind = behind_set - set(head_line)
        common = [sha for sha in head_line if sha in behind_set]
        if not common:
            raise _Fail(_github_error(404, f"No common ancestor between {base} and {head}.",
                                      docs=docs))
        status = ("identical" if not ahead and not behind else "ahead" if not behind
                  else "behind" if not ahead else "diverged")
        chunk, headers = self._page(ahead, query, rel, default=250)
        html = f"{self.root_url}/{repo.full_name}/compare/{base}...{head}"
        return _Response(200, {
            "url": f"{self.base_url}/repos/{repo.full_name}/compare/{base}...{head}",
            "html_url": html, "permalink_url": html, "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch", "base_commit": self._graph_commit_json(repo, base),
            "merge_base_commit": self._graph_commit_json(repo, common[-1]), "status": status,
            "ahead_by": len(ahead), "behind_by": len(behind), "total_commits": len(ahead),
            "commits": [self._graph_commit_json(repo, sha) for sha in chunk],
        }, headers)

    def _get_branch(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                    body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        name = params["branch"]
        sha = repo.tips.get(name)
        if sha is None:
            raise _Fail(_github_error(404, "Branch not found",
                                      docs=f"{_DOCS}/branches/branches#get-a-branch"))
        api = f"{self.base_url}/repos/{repo.full_name}/branches/{quote(name, safe='')}"
        protected = name in repo.protection
        return _Response(200, {
            "name": name, "commit": self._graph_commit_json(repo, sha),
            "_links": {"self": api,
                       "html": f"{self.root_url}/{repo.full_name}/tree/{quote(name)}"},
            "protected": protected,
            "protection": {"enabled": protected, "required_status_checks": {
                "enforcement_level": "non_admins" if protected else "off",
                "contexts": [], "checks": []}},
            "protection_url": f"{api}/protection",
        })

    def _get_ruleset(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                     body: Json, **_: Any) -> _Response:
        """GitHub returns ``bypass_actors`` only to a token that may edit the ruleset; the
        double's tokens may (drop the key with ``tamper`` to play a reader)."""
        repo = self._repo_of(params)
        found = [rs for rs in repo.rulesets if str(rs.id) == params["ruleset_id"]]
        if not found:
            raise _Fail(_github_error(404, "Not Found",
                                      docs=f"{_DOCS}/repos/rules#get-a-repository-ruleset"))
        rs = found[0]
        api = f"{self.base_url}/repos/{repo.full_name}"
        return _Response(200, {
            "id": rs.id, "name": rs.name, "target": rs.target, "source_type": "Repository",
            "source": repo.full_name, "enforcement": rs.enforcement,
            "bypass_actors": copy.deepcopy(rs.bypass_actors),
            "current_user_can_bypass": "never",
            "node_id": _node_id("RepositoryRuleset", rs.id),
            "_links": {"self": {"href": f"{api}/rulesets/{rs.id}"},
                       "html": {"href": f"{self.root_url}/{repo.full_name}/rules/{rs.id}"}},
            "conditions": {"ref_name": {"include": list(rs.include),
                                        "exclude": list(rs.exclude)}},
            "rules": copy.deepcopy(rs.rules),
            "created_at": rs.created_at, "updated_at": rs.created_at,
        })

    def _get_git_ref(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                     body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        ref = params["ref"]
        branch = ref.removeprefix("heads/")
        known = ({repo.default_branch} | repo.branches | set(repo.protection)
                 | {r for r, _ in repo.contents})
        if not ref.startswith("heads/") or branch not in known:
            raise _Fail(_github_error(404, "Not Found",
                                      docs=f"{_DOCS}/git/refs#get-a-reference"))
        sha = _hexsha("branch", repo.full_name, branch)
        api = f"{self.base_url}/repos/{repo.full_name}/git"
        return _Response(200, {
            "ref": f"refs/{ref}", "node_id": _node_id("Ref", f"{repo.id}:{ref}"),
            "url": f"{api}/refs/{quote(ref)}",
            "object": {"type": "commit", "sha": sha, "url": f"{api}/commits/{sha}"},
        })

    def _list_workflows(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                        body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        api = f"{self.base_url}/repos/{repo.full_name}/actions/workflows"
        html = f"{self.root_url}/{repo.full_name}"
        chunk, headers = self._page(repo.workflows, query, rel)
        return _Response(200, {
            "total_count": len(repo.workflows),
            "workflows": [{
                "id": w["id"], "node_id": _node_id("Workflow", w["id"]), "name": w["name"],
                "path": w["path"], "state": w["state"], "created_at": w["created_at"],
                "updated_at": w["created_at"], "url": f"{api}/{w['id']}",
                "html_url": f"{html}/blob/{repo.default_branch}/{w['path']}",
                "badge_url": f"{html}/workflows/{quote(w['name'])}/badge.svg",
            } for w in chunk],
        }, headers)

    # --- GraphQL ----------------------------------------------------------------------------

    def _graphql(self, me: _User, body: Json, bad_json: bool) -> _Response:
        bucket = self._graphql_bucket
        now = int(self.clock().timestamp())
        allowed = bucket.take(now, enforce=self.enforce_rate_limit)
        headers = bucket.headers()
        if self._graphql_rate_limited > 0 or not allowed:
            if allowed:
                self._graphql_rate_limited -= 1
                self.injected.append(("POST", "/graphql", 200))
                headers["X-RateLimit-Reset"] = str(now + self._graphql_reset_in)
            headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Used": str(bucket.limit)})
            who = "installation ID 1" if me.type == "Bot" else f"user ID {me.id}"
            return _Response(200, {"errors": [{
                "type": "RATE_LIMITED", "code": "graphql_rate_limit",
                "message": f"API rate limit exceeded for {who}.",
            }]}, headers)
        if bad_json or not isinstance(body, dict) or not isinstance(body.get("query"), str):
            self._violation(f"GraphQL request without a query string: {body!r:.200}")
            return _Response(200, {"errors": [{
                "message": "A query attribute must be specified and must be a string."
            }]}, headers)
        query: str = body["query"]
        variables = body.get("variables") or {}
        provider = self.graphql_data
        if provider is None:
            data: Any = self.graphql_root(viewer=me.login)
        elif callable(provider):
            data = provider(query, variables)
        else:
            data = provider
        result = github_contract.execute_graphql(
            query, variables, data, operation_name=body.get("operationName")
        )
        formatted = result.formatted
        if result.errors:
            messages = [e.message for e in result.errors]
            self._violation(f"GraphQL query failed against GitHub's schema: {messages}")
            if formatted.get("data") is None:
                formatted.pop("data", None)
        return _Response(200, formatted, headers)

    def graphql_root(self, viewer: str = BOT_LOGIN) -> dict[str, Any]:
        """The default GraphQL ``Query`` root, backed by the double's state: ``repository``
        (``pullRequest(number)``, ``pullRequests(...)``), ``rateLimit``, ``viewer``.
        Wrap or extend it in a ``graphql_data`` callable for fields it does not supply."""

        def repository(info: Any, owner: str, name: str, **_: Any) -> dict[str, Any] | None:
            repo = self._repos.get(f"{owner}/{name}".casefold())
            return None if repo is None else self._gql_repo(repo)

        bucket = self._graphql_bucket.json(int(self.clock().timestamp()))
        return {
            "repository": repository,
            "rateLimit": {
                "limit": bucket["limit"], "cost": 1, "used": bucket["used"],
                "remaining": bucket["remaining"], "nodeCount": 0,
                "resetAt": _iso(datetime.fromtimestamp(bucket["reset"], UTC)),
            },
            "viewer": lambda info, **_: self._gql_actor(self._user(viewer)),
        }

    def _gql_actor(self, user: _User) -> dict[str, Any]:
        kind = "Bot" if user.type == "Bot" else ("Organization" if user.type == "Organization"
                                                 else "User")
        return {
            "__typename": kind, "login": user.login, "id": _node_id(kind, user.id),
            "databaseId": user.id,
            "url": f"{self.root_url}/{user.login}",
            "avatarUrl": lambda info, **_: f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
            "resourcePath": f"/{user.login}",
        }

    def _gql_repo(self, repo: _Repo) -> dict[str, Any]:
        def pull_request(info: Any, number: int) -> dict[str, Any] | None:
            pull = repo.pulls.get(number)
            return None if pull is None else self._gql_pull(pull)

        def pull_requests(info: Any, states: list[str] | None = None,
                          baseRefName: str | None = None, headRefName: str | None = None,
                          labels: list[str] | None = None,
                          orderBy: Mapping[str, str] | None = None,
                          **page: Any) -> dict[str, Any]:
            pulls = list(repo.pulls.values())
            if states:
                pulls = [p for p in pulls if _gql_state(p) in states]
            if baseRefName:
                pulls = [p for p in pulls if p.base_ref == baseRefName]
            if headRefName:
                pulls = [p for p in pulls if p.head_ref == headRefName]
            if labels:
                wanted = {n.casefold() for n in labels}
                pulls = [p for p in pulls if wanted & {lb.name.casefold() for lb in p.labels}]
            if orderBy:
                attr = "updated_at" if orderBy.get("field") == "UPDATED_AT" else "created_at"
                pulls.sort(key=lambda p: (getattr(p, attr), p.number),
                           reverse=orderBy.get("direction") == "DESC")
            else:
                pulls.sort(key=lambda p: p.number)
            return _connection(info, pulls, self._gql_pull, **page)

        return {
            "__typename": "Repository", "id": _node_id("Repository", repo.id),
            "databaseId": repo.id, "name": repo.name, "nameWithOwner": repo.full_name,
            "url": f"{self.root_url}/{repo.full_name}", "isPrivate": repo.private,
            "owner": self._gql_actor(repo.owner),
            "defaultBranchRef": {"name": repo.default_branch,
                                 "prefix": "refs/heads/", "id": _node_id("Ref", repo.id)},
            "pullRequest": pull_request, "pullRequests": pull_requests,
        }

    def _gql_pull(self, pull: _Pull) -> dict[str, Any]:
        repo = pull.repo
        url = f"{self.root_url}/{repo.full_name}/pull/{pull.number}"

        def reviews(info: Any, states: list[str] | None = None, author: str | None = None,
                    **page: Any) -> dict[str, Any]:
            items = [r for r in pull.reviews if not states or r.state in states]
            if author:
                items = [r for r in items if r.user.login.casefold() == author.casefold()]
            return _connection(info, items, lambda r: self._gql_review(pull, r), **page)

        def files(info: Any, **page: Any) -> dict[str, Any]:
            return _connection(info, pull.files[:FILES_CAP], _gql_file, **page)

        def labels(info: Any, **page: Any) -> dict[str, Any]:
            return _connection(info, pull.labels, _gql_label, **page)

        def comments(info: Any, **page: Any) -> dict[str, Any]:
            return _connection(info, pull.comments, self._gql_comment, **page)

        def commits(info: Any, **page: Any) -> dict[str, Any]:
            return _connection(info, self._pull_commit_specs(pull), self._gql_pull_commit,
                               **page)

        def timeline(info: Any, itemTypes: list[str] | None = None, since: str | None = None,
                     **page: Any) -> dict[str, Any]:
            events: list[tuple[str, Any]] = [
                (e.created_at, ("event", e)) for e in pull.label_events
            ]
            events += [(r.submitted_at or pull.created_at, ("review", r)) for r in pull.reviews]
            events += [(c.created_at, ("comment", c)) for c in pull.comments]
            events.sort(key=lambda item: item[0])
            kinds = {"event": None, "review": "PULL_REQUEST_REVIEW", "comment": "ISSUE_COMMENT"}
            chosen = []
            for at, (what, obj) in events:
                type_name = ("LABELED_EVENT" if obj.kind == "LabeledEvent" else "UNLABELED_EVENT") \
                    if what == "event" else kinds[what]
                if itemTypes and type_name not in itemTypes:
                    continue
                if since and _parse_iso(at) < _parse_iso(since):
                    continue
                chosen.append((what, obj))
            return _connection(info, chosen, self._gql_timeline_item(pull), **page)

        return {
            "__typename": "PullRequest", "id": _node_id("PullRequest", pull.id),
            "databaseId": pull.id, "fullDatabaseId": str(pull.id), "number": pull.number,
            "title": pull.title, "body": pull.body or "", "url": url, "permalink": url,
            "resourcePath": f"/{repo.full_name}/pull/{pull.number}",
            "state": _gql_state(pull), "isDraft": pull.draft,
            "merged": pull.merged_at is not None, "closed": pull.state == "closed",
            "createdAt": pull.created_at, "updatedAt": pull.updated_at,
            "publishedAt": pull.created_at, "closedAt": pull.closed_at,
            "mergedAt": pull.merged_at, "lastEditedAt": None,
            "changedFiles": pull.true_changed_files,
            "additions": sum(f.additions for f in pull.files),
            "deletions": sum(f.deletions for f in pull.files),
            "baseRefName": pull.base_ref, "headRefName": pull.head_ref,
            "baseRefOid": pull.base_sha, "headRefOid": pull.head_sha,
            "author": self._gql_actor(pull.user),
            "authorAssociation": self._association(repo, pull.user),
            "reviews": reviews, "files": files, "labels": labels, "comments": comments,
            "timelineItems": timeline, "commits": commits,
            "repository": lambda info, **_: self._gql_repo(repo),
        }

    def _gql_review(self, pull: _Pull, review: _Review) -> dict[str, Any]:
        return {
            "__typename": "PullRequestReview", "id": _node_id("PullRequestReview", review.id),
            "databaseId": review.id, "fullDatabaseId": str(review.id),
            "author": self._gql_actor(review.user), "state": review.state,
            "body": review.body, "submittedAt": review.submitted_at,
            "createdAt": review.submitted_at or pull.created_at,
            "commit": None if review.commit_id is None else {
                "__typename": "Commit", "oid": review.commit_id,
                "id": _node_id("Commit", review.commit_id[:12]),
            },
            "authorAssociation": self._association(pull.repo, review.user),
            "url": f"{self.root_url}/{pull.repo.full_name}/pull/{pull.number}"
                   f"#pullrequestreview-{review.id}",
        }

    def _gql_comment(self, c: _Comment) -> dict[str, Any]:
        return {
            "__typename": "IssueComment", "id": _node_id("IssueComment", c.id),
            "databaseId": c.id, "fullDatabaseId": str(c.id), "body": c.body,
            "author": self._gql_actor(c.user), "createdAt": c.created_at,
            "updatedAt": c.updated_at,
            "url": f"{self.root_url}/{c.repo.full_name}/pull/{c.number}#issuecomment-{c.id}",
        }

    def _gql_timeline_item(self, pull: _Pull) -> Callable[[tuple[str, Any]], dict[str, Any]]:
        def build(item: tuple[str, Any]) -> dict[str, Any]:
            what, obj = item
            if what == "review":
                return self._gql_review(pull, obj)
            if what == "comment":
                return self._gql_comment(obj)
            return {
                "__typename": obj.kind, "id": _node_id(obj.kind, obj.id),
                "createdAt": obj.created_at, "label": _gql_label(obj.label),
                "actor": self._gql_actor(obj.actor),
            }

        return build


# --- module-level helpers -----------------------------------------------------------------


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


def _gql_state(pull: _Pull) -> str:
    if pull.merged_at is not None:
        return "MERGED"
    return "CLOSED" if pull.state == "closed" else "OPEN"


def _gql_label(label: _Label) -> dict[str, Any]:
    return {
        "__typename": "Label", "id": _node_id("Label", label.id), "name": label.name,
        "color": label.color, "description": label.description,
        "isDefault": label.default,
    }


_CHANGE_TYPES = {"added": "ADDED", "removed": "DELETED", "modified": "MODIFIED",
                 "renamed": "RENAMED", "copied": "COPIED", "changed": "CHANGED"}


def _gql_file(f: _File) -> dict[str, Any]:
    return {
        "__typename": "PullRequestChangedFile", "path": f.filename,
        "additions": f.additions, "deletions": f.deletions,
        "changeType": _CHANGE_TYPES[f.status], "viewerViewedState": "UNVIEWED",
    }


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _uncursor(cursor: str, name: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        return int(text.removeprefix("cursor:v2:"))
    except (ValueError, UnicodeDecodeError):
        raise graphql.GraphQLError(
            f"`{cursor}` does not appear to be a valid cursor for `{name}`."
        ) from None


def _connection(
    info: Any, items: Sequence[Any], build: Callable[[Any], dict[str, Any]], *,
    first: int | None = None, last: int | None = None, after: str | None = None,
    before: str | None = None, **_: Any,
) -> dict[str, Any]:
    """A GraphQL connection over ``items`` with GitHub's pagination rules: ``first`` or
    ``last`` is required and at most 100. Nodes are built only for the page."""
    name = info.field_name
    if first is None and last is None:
        raise graphql.GraphQLError(
            f"You must provide a `first` or `last` value to properly paginate the "
            f"`{name}` connection."
        )
    for arg, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= 100:
            raise graphql.GraphQLError(
                f"Requesting {value} records on the `{name}` connection exceeds the "
                f"`{arg}` limit of 100 records."
            )
    start = _uncursor(after, name) + 1 if after else 0
    end = _uncursor(before, name) if before else len(items)
    lo, hi = start, max(end, start)
    if first is not None:
        hi = min(hi, lo + first)
    if last is not None:
        lo = max(lo, hi - last)
    page = [(i, build(items[i])) for i in range(lo, min(hi, len(items)))]
    return {
        "totalCount": len(items),
        "nodes": [node for _, node in page],
        "edges": [{"cursor": _cursor(i), "node": node} for i, node in page],
        "pageInfo": {
            "hasNextPage": hi < min(end, len(items)), "hasPreviousPage": lo > start or start > 0,
            "startCursor": _cursor(page[0][0]) if page else None,
            "endCursor": _cursor(page[-1][0]) if page else None,
        },
    }


# --- pytest fixtures ------------------------------------------------------------------------


@pytest.fixture
def github_double() -> Iterator[FakeGitHub]:
    """A started ``FakeGitHub`` (api.github.com layout); fails the test at teardown if the
    double recorded any violation."""
    with FakeGitHub() as fake:
        yield fake
        fake.assert_no_violations()


@pytest.fixture
def github_double_ghes() -> Iterator[FakeGitHub]:
    """Like ``github_double``, posing as GitHub Enterprise Server (``/api/v3``)."""
    with FakeGitHub(api_prefix="/api/v3") as fake:
        yield fake
        fake.assert_no_violations()

