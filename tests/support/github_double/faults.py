"""The test-facing fault injection and inspection of the double."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from tests.support.github_double.state import (
    Json,
    _Fault,
    _fault_body,
    _Tamper,
)


class Faults:
    """Injected faults and what the double received."""

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
        variables: Mapping[str, object] | None = None,
    ) -> None:
        """Answer matching requests (``method`` or ``"*"``; ``path_regex`` searched in
        the path relative to the API prefix, ``/graphql`` for GraphQL) with ``status``:
        ``times`` times, or forever when None. The body defaults to GitHub's for that
        status. ``retry_after`` adds ``Retry-After``; ``rate_limit_exhausted`` adds
        ``X-RateLimit-Remaining: 0`` and ``X-RateLimit-Reset`` and GitHub's primary
        rate-limit message (use with 403 or 429). ``apply=True`` lets the request take
        effect before the fault is answered (a write whose response was lost).
        ``variables`` (GraphQL): only queries whose variables include these items fail,
        e.g. ``{"number": 7}`` for the reads of pull request #7; a value ``...`` matches
        any value (``{"number": 7, "after": ...}``: the pages after the first)."""
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
                variables=None if variables is None else dict(variables),
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
