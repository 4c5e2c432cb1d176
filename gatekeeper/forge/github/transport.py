"""How a request reaches GitHub: one JSON call, and the two ways it can fail.

``GitHubClientBase`` sends every REST and GraphQL call through a ``Transport``. Two
implement it: ``http.Urllib3Transport``, a small client on urllib3 (the HTTP library
PyGithub itself stands on), which the action uses because it imports in milliseconds and
needs nothing but urllib3; and ``client.PyGithubTransport``, PyGithub's requester, which
the other commands use. Both report a non-2xx answer as ``HttpStatusError`` and a request
that got no answer as ``NoAnswer``, so the error handling above them is one.
"""

from __future__ import annotations

from typing import Any, Protocol


class HttpStatusError(Exception):
    """GitHub answered with a status that is not 2xx (after any retries)."""

    def __init__(self, status: int, data: Any, headers: dict[str, str]):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.data = data
        self.headers = headers


class NoAnswer(Exception):
    """No usable answer: a connection that failed or broke off, a timeout, a body that is
    not JSON. ``connect``: no connection could be made at all (asking again will not help)."""

    def __init__(self, url: str, detail: str, *, connect: bool):
        super().__init__(detail)
        self.url = url
        self.detail = detail
        self.connect = connect


class Transport(Protocol):
    base_url: str
    graphql_url: str

    def json(self, verb: str, url: str, *, parameters: dict[str, Any] | None = None,
             body: Any = None, retry: bool = True) -> tuple[dict[str, str], Any]:
        """One call: (response headers, decoded JSON or None). ``url`` is a path below the
        API base or an absolute URL on the API's own host (anything else is refused).
        ``retry`` False: no transport-level retries (the caller decides every wait)."""
        ...
