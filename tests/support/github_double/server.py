"""The double's HTTP server, its route table and the contract checks of requests and responses."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlencode

from tests.support.github_double.state import (
    _DOCS,
    _REASONS,
    _REPOSITORIES_ALIAS,
    _ROUTE_TABLE,
    BOT_ID,
    BOT_LOGIN,
    DEFAULT_TOKEN,
    Check,
    Json,
    Request,
    _Bucket,
    _Comment,
    _encode,
    _Fail,
    _Fault,
    _github_error,
    _int,
    _iso,
    _Repo,
    _Response,
    _Tamper,
    _User,
)

if TYPE_CHECKING:
    from tests.support.github_double import FakeGitHub


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


_ROUTES = tuple((m, _compile_route(t), t, h) for m, t, h in _ROUTE_TABLE)


class DoubleServer:
    """The double's HTTP plumbing: state, routing, faults, rate limits and the contract checks
of every request and response."""

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
        # (ref, path) of each file read, whichever API read it
        self.file_reads: list[tuple[str, str]] = []
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
        fault = self._take_fault(method, rel, body)
        if fault is not None and fault.connection:
            self.injected.append((method, rel, None))
            return None
        if is_graphql:
            if method != "POST":
                self._violation(f"unimplemented route: {method} {path}")
                return _github_error(404, "Not Found", kind="error")
            if fault is not None:
                self.injected.append((method, rel, fault.status))
                return self._finalize(method, None, rel, _Response(
                    fault.status, fault.body, dict(fault.headers), kind="fault"))
            # Tampers apply to GraphQL answers as to REST ones (no OpenAPI check: the
            # query was executed against GitHub's schema).
            return self._finalize(method, None, rel, self._graphql(identity, body, bad_json))
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

    def _take_fault(self, method: str, rel: str, body: Json = None) -> _Fault | None:
        for fault in self._faults:
            if fault.method not in ("*", method) or not fault.pattern.search(rel):
                continue
            if fault.variables is not None:
                given = body.get("variables") if isinstance(body, dict) else None
                if not isinstance(given, dict) or any(
                        k not in given or (v is not ... and given[k] != v)
                        for k, v in fault.variables.items()):
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

    def _repo_of(self, params: Mapping[str, str]) -> _Repo:
        repo = self._repos.get(f"{params['owner']}/{params['repo']}".casefold())
        if repo is None or self._hidden(repo.full_name):
            raise _Fail(_github_error(404, "Not Found", docs=f"{_DOCS}/repos/repos"))
        return repo
