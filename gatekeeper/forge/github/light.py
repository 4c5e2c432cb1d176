"""A small GitHub client on urllib3, for the action's hot path.

Why not PyGithub there: importing any module of PyGithub runs ``github/__init__.py``, which
imports all of its 176 modules and, through PyJWT, ``cryptography`` (226 ms with bytecode,
far more on a runner that compiles it first), and its wheels with their ``cryptography``,
``cffi`` and ``pynacl`` are most of the action's download. The action needs none of that:
every call it makes is a REST or GraphQL call that returns JSON. Why urllib3 and not
requests: requests is urllib3 plus charset detection, IDNA and certifi's CA bundle, none
of which a call to GitHub's JSON API needs; urllib3 alone is one small wheel and about 40
modules. Certificates are the system's (``SSL_CERT_FILE``, ``REQUESTS_CA_BUNDLE`` or
``CURL_CA_BUNDLE`` name another bundle, as they do for requests), and ``HTTPS_PROXY`` /
``NO_PROXY`` are honoured.

Retries follow PyGithub's (``GithubRetry``) where the action relies on them: a 5xx answer
or a broken connection is asked again with exponential backoff, a host that cannot be
connected to at all is tried once more, a POST or PATCH is never sent twice (its answer
may have been lost after it took effect), and a rate limit is waited out when GitHub says
how long (``Retry-After``, or the reset time when no requests remain) and that is at most
``max_rate_wait`` seconds. 401, 404 and other 403s are never retried.
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import urllib3
from urllib3.exceptions import ConnectTimeoutError, HTTPError, MaxRetryError

from gatekeeper.forge.github.transport import HttpStatusError, NoAnswer

_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_DEFAULT_API = "https://api.github.com"


def graphql_url_for(base_url: str) -> str:
    """GitHub's layout: ``https://api.github.com`` -> ``.../graphql``; GitHub Enterprise
    Server ``https://HOST/api/v3`` -> ``https://HOST/api/graphql``."""
    if base_url.endswith("/api/v3"):
        return base_url[: -len("/v3")] + "/graphql"
    return base_url + "/graphql"


class Urllib3Transport:
    def __init__(self, token: str | None, base_url: str | None = None, *, retries: int = 3,
                 backoff: float = 0.5, timeout: float = 20, connect_timeout: float = 5.0,
                 connect_retries: int = 1, max_rate_wait: float = 120.0,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time):
        self.base_url = (base_url or _DEFAULT_API).rstrip("/")
        self.graphql_url = graphql_url_for(self.base_url)
        self._retries, self._backoff = retries, backoff
        self._connect_retries = min(retries, connect_retries)
        self._max_rate_wait = max_rate_wait
        self._sleep, self._clock = sleep, clock
        self.timeout = urllib3.Timeout(connect=connect_timeout, read=timeout)
        self._headers = {
            "Accept": "application/vnd.github+json",
            "User-Agent": "gatekeeper",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        if token:
            self._headers["Authorization"] = f"token {token}"
        self._own = urllib.parse.urlsplit(self.base_url)
        self._pool = _pool_for(self.base_url)

    def _absolute(self, url: str) -> str:
        """A path below the API base, or a URL on the API's own host: the token is never
        sent anywhere else."""
        if url.startswith("/"):
            return self.base_url + url
        parts = urllib.parse.urlsplit(url)
        if (parts.scheme, parts.netloc) != (self._own.scheme, self._own.netloc):
            raise NoAnswer(url, f"{url!r} is not on the API's host {self._own.netloc!r}",
                           connect=False)
        return url

    def json(self, verb: str, url: str, *, parameters: dict[str, Any] | None = None,
             body: Any = None, retry: bool = True) -> tuple[dict[str, str], Any]:
        verb = verb.upper()
        full = self._absolute(url)
        if parameters:
            full += ("&" if "?" in full else "?") + urllib.parse.urlencode(parameters)
        headers = dict(self._headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        retries = self._retries if retry else 0
        connect_tries = self._connect_retries if retry else 0
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._pool.request(verb, full, body=payload, headers=headers,
                                              timeout=self.timeout, retries=False,
                                              redirect=False, preload_content=True)
            except (HTTPError, OSError) as exc:
                reason = exc.reason if isinstance(exc, MaxRetryError) else exc
                connect = isinstance(reason, ConnectTimeoutError)
                may_retry = attempt <= (connect_tries if connect else retries) and (
                    connect or verb in _IDEMPOTENT)
                if not may_retry:
                    raise NoAnswer(full, type(reason).__name__, connect=connect) from None
                self._sleep(self._backoff * 2.0 ** (attempt - 1))
                continue
            answer = {k.lower(): v for k, v in response.headers.items()}
            status = response.status
            data = _decode(response.data, full)
            if 200 <= status < 300:
                return answer, data
            wait = self._wait(status, answer, data, attempt) if attempt <= retries else None
            if wait is None or (status >= 500 and verb not in _IDEMPOTENT):
                raise HttpStatusError(status, data, answer)
            self._sleep(wait)

    def _wait(self, status: int, headers: dict[str, str], data: Any,
              attempt: int) -> float | None:
        if status >= 500:
            return self._backoff * 2.0 ** (attempt - 1)
        if status not in (403, 429):
            return None
        message = str(data.get("message", "")) if isinstance(data, dict) else ""
        retry_after = headers.get("retry-after", "").strip()
        if retry_after.isdigit():
            wait = float(retry_after)
        elif headers.get("x-ratelimit-remaining", "").strip() == "0" and \
                headers.get("x-ratelimit-reset", "").strip().isdigit():
            wait = max(0.0, float(headers["x-ratelimit-reset"]) - self._clock()) + 1.0
        elif status == 429 or "rate limit" in message.lower():
            wait = self._backoff * 2.0 ** (attempt - 1)
        else:
            return None
        return wait if wait <= self._max_rate_wait else None


def _decode(raw: bytes, url: str) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise NoAnswer(url, "the answer is not JSON", connect=False) from None


def _pool_for(base_url: str) -> urllib3.PoolManager:
    ca = (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
          or None)
    host = urllib.parse.urlsplit(base_url).hostname or ""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(urllib.parse.urlsplit(base_url).scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        return urllib3.ProxyManager(proxy, num_pools=2, ca_certs=ca)
    return urllib3.PoolManager(num_pools=2, ca_certs=ca)
