"""GitHub's API: the client, its retries, and how failures are reported.

``forge.github`` is the only package that talks to GitHub. Each audience has its own
module (pulls, publish, settings, graphql, the Actions runner context); ``GitHubForge``
in ``forge.github`` puts them together behind the Protocols of ``gatekeeper.forge``. Every
call goes through a ``Transport`` (``forge.github.transport``): PyGithub's requester by
default, or, for the action (``light=True``), the small urllib3 client of
``forge.github.light``, so that the action never imports PyGithub.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gatekeeper.forge import ForgeUnavailable
from gatekeeper.forge.github.auth import DEFAULT_API_URL
from gatekeeper.forge.github.errors import (
    connection_failure,
    permission_for,
    refusal,
    subject_of,
)
from gatekeeper.forge.github.paths import ref_path, repo_path
from gatekeeper.forge.github.transport import HttpStatusError, NoAnswer, Transport

# A host that does not answer is given up on quickly: one more try, a short connect timeout.
CONNECT_RETRIES = 1
CONNECT_TIMEOUT = 5.0


def message_of(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("message", ""))[:200]
    return ""


def _connect_timeout(requester: Any, read_timeout: int) -> None:
    """Give up on a host that does not answer after CONNECT_TIMEOUT seconds, while a slow
    answer still has ``read_timeout``. PyGithub takes one number and hands it to requests
    as is; requests also takes (connect, read), so the requester's copy is replaced."""
    name = "_Requester__timeout"
    if hasattr(requester, name):
        setattr(requester, name, (CONNECT_TIMEOUT, read_timeout))


class PyGithubTransport:
    """PyGithub's requester, with its ``GithubRetry``: what every command but the action
    uses."""

    def __init__(self, token: str | None, api_url: str | None, *, retries: int,
                 backoff: float, timeout: int):
        import logging

        from github import Auth, Github, GithubRetry
        from urllib3.util.retry import Retry

        # Importing PyGithub sets its logger to INFO on standard error, which prints every
        # refused request; Gatekeeper's own message says what failed and how to fix it.
        logging.getLogger("github").setLevel(logging.WARNING)

        # 401, 404 and a 403 that is not a rate limit are never retried (GithubRetry
        # retries 403 only for rate limits, and 5xx); connection failures once.
        retry = GithubRetry(
            total=retries, connect=min(retries, CONNECT_RETRIES),
            backoff_factor=backoff, secondary_rate_wait=backoff,
            max_rate_limit_wait=120,
            # Hand the last answer to PyGithub, so the error keeps GitHub's HTTP status.
            raise_on_status=False,
            # A POST whose response was lost may have taken effect: never send it twice.
            allowed_methods=Retry.DEFAULT_ALLOWED_METHODS,
        )
        self.gh = Github(
            auth=Auth.Token(token) if token else None,
            base_url=(api_url or DEFAULT_API_URL).rstrip("/"),
            retry=retry,
            timeout=timeout,
            per_page=100,
            seconds_between_requests=None,
            seconds_between_writes=None,
            user_agent="gatekeeper",
            lazy=True,
        )
        self.requester: Any = self.gh.requester
        _connect_timeout(self.requester, timeout)
        self.base_url: str = self.requester.base_url
        self.graphql_url: str = self.requester.graphql_url
        self._bare: Any = None

    def json(self, verb: str, url: str, *, parameters: dict[str, Any] | None = None,
             body: Any = None, retry: bool = True) -> tuple[dict[str, str], Any]:
        import requests
        from github import GithubException

        requester = self.requester if retry else self.bare_requester()
        try:
            headers, data = requester.requestJsonAndCheck(verb, url, parameters=parameters,
                                                          input=body)
        except GithubException as exc:
            raise HttpStatusError(exc.status, exc.data, dict(exc.headers or {})) from None
        except requests.RequestException as exc:
            from gatekeeper.forge.github.errors import cannot_connect

            where = exc.request.url if exc.request is not None and exc.request.url else \
                self.base_url
            raise NoAnswer(str(where), type(exc).__name__, connect=cannot_connect(exc)) \
                from None
        except ValueError as exc:
            raise NoAnswer(url, type(exc).__name__, connect=False) from None
        return dict(headers), data

    def bare_requester(self) -> Any:
        """Same auth, base URL, timeout and user agent; no urllib3-level retries."""
        if self._bare is None:
            from github.Requester import Requester

            self._bare = Requester(**{**self.requester.kwargs, "retry": 0})
        return self._bare


class GitHubClientBase:
    def __init__(
        self,
        token: str | None,
        api_url: str | None = None,
        *,
        retries: int = 3,
        backoff: float = 0.5,
        timeout: int = 20,
        light: bool = False,
    ):
        self.retries, self.backoff = retries, backoff
        self.transport: Transport
        if light:
            from gatekeeper.forge.github.light import Urllib3Transport

            self.transport = Urllib3Transport(
                token, api_url, retries=retries, backoff=backoff, timeout=timeout,
                connect_timeout=CONNECT_TIMEOUT, connect_retries=CONNECT_RETRIES)
        else:
            self.transport = PyGithubTransport(token, api_url, retries=retries,
                                               backoff=backoff, timeout=timeout)

    @property
    def requester(self) -> Any:
        """PyGithub's requester (the default transport only)."""
        transport = self.transport
        if not isinstance(transport, PyGithubTransport):
            raise AttributeError("the light transport has no PyGithub requester")
        return transport.requester

    @contextmanager
    def _guard(self, what: str, *, permission: str | None = None,
               subject: str | None = None) -> Iterator[None]:
        """GitHub's failures as ForgeUnavailable; a refusal (401, 403 that is not a rate
        limit, 404) or an unreachable host carries a hint that says what to change:
        ``permission`` is the token permission the call needs, ``subject`` what a 404 means
        is missing."""
        try:
            yield
        except HttpStatusError as exc:
            detail = message_of(exc.data)
            raise ForgeUnavailable(what, exc.status, detail, hint=refusal(
                exc.status, detail, permission=permission, subject=subject)) from None
        except NoAnswer as exc:
            hint = connection_failure(exc.url) if exc.connect else ""
            raise ForgeUnavailable(what, None, exc.detail, hint=hint) from None

    def request(self, what: str, verb: str, url: str, *,
                parameters: dict[str, Any] | None = None,
                input: Any = None) -> tuple[dict[str, str], Any]:
        """One REST call: (headers, JSON data)."""
        with self._guard(what, permission=permission_for(verb, url), subject=subject_of(url)):
            return self.transport.json(verb, url, parameters=parameters, body=input)

    def paged(self, what: str, url: str, *, parameters: dict[str, Any] | None = None,
              limit: int = 3000) -> Iterator[dict[str, Any]]:
        """The objects of a paginated REST list, 100 a page, at most ``limit``."""
        page, seen = 1, 0
        while True:
            _, data = self.request(what, "GET", url,
                                   parameters={**(parameters or {}), "per_page": 100,
                                               "page": page})
            if not isinstance(data, list):
                raise ForgeUnavailable(what, 200, "not a JSON list")
            yield from (item for item in data if isinstance(item, dict))
            seen += len(data)
            if len(data) < 100 or seen >= limit:
                return
            page += 1

    def file_at(self, repo: str, path: str, ref: str) -> str | None:
        """A file's text at a commit, or None when the file does not exist there."""
        what = f"reading {path} at {ref[:12]}"
        # Each part of the path one encoded segment, its slashes kept.
        url = f"{repo_path(repo)}/contents/{ref_path(path)}"
        with self._guard(what, permission="contents: read", subject=f"repository {repo}"):
            try:
                _, data = self.transport.json("GET", url, parameters={"ref": ref})
            except HttpStatusError as exc:
                if exc.status == 404:
                    return None
                raise
        if not isinstance(data, dict) or data.get("type") != "file":
            raise ForgeUnavailable(what, 200, "not a file")
        try:
            return base64.b64decode(str(data.get("content") or ""), validate=False
                                    ).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise ForgeUnavailable(what, 200, "not UTF-8 text") from None
