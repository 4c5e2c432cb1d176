"""GraphQL through the client's transport, with GitHub's rate limits honoured."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from gatekeeper.forge import ForgeUnavailable
from gatekeeper.forge.github.client import CONNECT_RETRIES, GitHubClientBase, message_of
from gatekeeper.forge.github.errors import connection_failure, refusal
from gatekeeper.forge.github.transport import HttpStatusError, NoAnswer

# A host that cannot be connected to at all is tried this often, however many attempts
# other failures get.
CONNECT_ATTEMPTS = 1 + CONNECT_RETRIES


class GraphQLMixin(GitHubClientBase):
    # GITHUB_GRAPHQL_URL, when the runner names one.
    graphql_url_override: str | None = None

    def graphql_endpoint(self, override: str | None = None) -> str:
        """``GITHUB_GRAPHQL_URL`` when given, else derived from the API URL the way GitHub
        lays it out: ``https://api.github.com`` -> ``https://api.github.com/graphql``,
        GHES ``https://HOST/api/v3`` -> ``https://HOST/api/graphql``."""
        override = override or self.graphql_url_override
        if override:
            return override.rstrip("/")
        return self.transport.graphql_url

    def graphql(
        self,
        query: str,
        variables: dict[str, Any],
        *,
        what: str = "GraphQL query",
        url: str | None = None,
        attempts: int = 6,
        backoff: float = 1.0,
        secondary_wait: float = 60.0,
        max_wait: float = 1800.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        on_wait: Callable[[str, float], None] | None = None,
    ) -> dict[str, Any]:
        """POST one GraphQL query and return its ``data``.

        Retries what GitHub says is temporary: 5xx, connection failures, 403/429 rate
        limits (``Retry-After``, else ``X-RateLimit-Reset`` when no requests remain, else
        ``secondary_wait``), and HTTP 200 bodies whose ``errors`` say RATE_LIMITED or that
        the query timed out. Other waits back off exponentially from ``backoff``. Anything
        else, or running out of ``attempts``, raises ForgeUnavailable with the status
        (200 for an error body). ``sleep`` and ``clock`` are injectable for tests.

        The body is inspected here (PyGithub's ``Requester.graphql_query`` turns a
        200-with-errors body into a made-up status 400). The transport is asked with its
        own retries off, so that every wait is decided (and visible) here, with GitHub's
        headers at hand. An error of type NOT_FOUND (HTTP 200) is not retried and carries
        the hint of a 404 (check the name; a private repository the token cannot see).
        """
        target = self.graphql_endpoint(url)
        self._graphql_allowed(target, what)
        payload = {"query": query, "variables": variables}
        attempt = 0
        while True:
            attempt += 1
            wait: float | None
            try:
                headers, data = self.transport.json("POST", target, body=payload, retry=False)
            except HttpStatusError as exc:
                status: int | None = exc.status
                detail = message_of(exc.data)
                wait = self._graphql_wait(exc.status, exc.headers or {}, detail, attempt,
                                          backoff, secondary_wait, clock)
            except NoAnswer as exc:
                status, detail = None, exc.detail
                wait = backoff * 2.0 ** (attempt - 1)
                if exc.connect and attempt >= CONNECT_ATTEMPTS:
                    raise ForgeUnavailable(what, None, detail,
                                           hint=connection_failure(target)) from None
            else:
                errors = data.get("errors") if isinstance(data, dict) else None
                result = data.get("data") if isinstance(data, dict) else None
                if not errors and isinstance(result, dict):
                    return result
                status = 200
                detail, kind = self._graphql_error_kind(errors)
                if kind == "rate":
                    wait = self._graphql_wait(429, headers, detail, attempt, backoff,
                                              secondary_wait, clock)
                elif kind == "transient":
                    wait = backoff * 2.0 ** (attempt - 1)
                elif kind == "missing":
                    raise ForgeUnavailable(what, status, detail, hint=refusal(
                        404, detail, permission=None, subject=None))
                else:
                    wait = None
            if wait is None:
                raise ForgeUnavailable(what, status, detail, hint=refusal(
                    status, detail, permission=None, subject=None))
            if attempt >= attempts:
                raise ForgeUnavailable(what, status, f"{detail}; gave up after {attempt} tries")
            if wait > max_wait:
                raise ForgeUnavailable(what, status, f"{detail}; GitHub asks to wait "
                                        f"{wait:.0f} s, more than {max_wait:.0f} s")
            if on_wait is not None:
                shown = f"HTTP {status}" if status else "no response"
                on_wait(f"{what}: {shown} {detail}".strip(), wait)
            sleep(wait)

    def _graphql_allowed(self, target: str, what: str) -> None:
        # PyGithub's requester only sends the token to its own host and port.
        api = urllib.parse.urlsplit(self.transport.base_url)
        graphql = urllib.parse.urlsplit(target)
        if graphql.scheme not in ("http", "https") or not graphql.hostname:
            raise ForgeUnavailable(what, None, f"GraphQL URL {target!r} is not an http(s) URL")
        if (graphql.scheme, graphql.netloc) != (api.scheme, api.netloc):
            raise ForgeUnavailable(what, None, f"GraphQL URL {target!r} is not on the API's "
                                    f"host {api.netloc!r} (GITHUB_API_URL)")

    @staticmethod
    def _graphql_error_kind(errors: Any) -> tuple[str, str]:
        """(message, kind): kind is "rate", "transient", "missing" or "fatal"."""
        if not isinstance(errors, list) or not errors:
            return "no data in the response", "transient"
        first = errors[0] if isinstance(errors[0], dict) else {}
        message = str(first.get("message", ""))[:200]
        types = {str(e.get("type", "")) for e in errors if isinstance(e, dict)}
        text = " ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict)).lower()
        if "RATE_LIMITED" in types or "rate limit" in text:
            return message, "rate"
        if "timeout" in text or "something went wrong" in text:
            return message, "transient"
        if types == {"NOT_FOUND"}:
            return message, "missing"
        return message, "fatal"

    @staticmethod
    def _graphql_wait(status: int, headers: dict[str, Any], message: str, attempt: int,
                      backoff: float, secondary_wait: float,
                      clock: Callable[[], float]) -> float | None:
        """Seconds to wait before retrying, or None when retrying cannot help."""
        lowered = {str(k).lower(): str(v) for k, v in headers.items()}
        retry_after = lowered.get("retry-after", "")
        if retry_after.strip().isdigit():
            return float(retry_after.strip())
        exhausted = lowered.get("x-ratelimit-remaining", "").strip() == "0"
        reset = lowered.get("x-ratelimit-reset", "").strip()
        if exhausted and reset.isdigit():
            return max(0.0, float(reset) - clock()) + 1.0
        if status in (403, 429):
            if status == 429 or "rate limit" in message.lower():
                return max(secondary_wait, backoff * 2.0 ** (attempt - 1))
            return None
        if status >= 500:
            return backoff * 2.0 ** (attempt - 1)
        return None

