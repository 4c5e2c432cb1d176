"""GitHub through PyGithub: the client, its retries, and how failures are reported.

``forge.github`` is the only package that imports PyGithub. Each audience has its own
module (pulls, publish, settings, graphql, the Actions runner context); ``GitHubForge``
in ``forge.github`` puts them together behind the Protocols of ``gatekeeper.forge``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from github import Auth, Github, GithubException, GithubRetry, UnknownObjectException
from github.PullRequest import PullRequest
from urllib3.util.retry import Retry

from gatekeeper.forge import ForgeUnavailable
from gatekeeper.forge.github.auth import DEFAULT_API_URL
from gatekeeper.forge.github.errors import (
    cannot_connect,
    connection_failure,
    permission_for,
    refusal,
    subject_of,
)
from gatekeeper.forge.github.paths import repo_name

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


class GitHubClientBase:
    def __init__(
        self,
        token: str | None,
        api_url: str | None = None,
        *,
        retries: int = 3,
        backoff: float = 0.5,
        timeout: int = 20,
    ):
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
        self._gh = Github(
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
        _connect_timeout(self._gh.requester, timeout)
        self._pulls: dict[tuple[str, int], PullRequest] = {}

    @property
    def requester(self) -> Any:
        return self._gh.requester

    @contextmanager
    def _guard(self, what: str, *, permission: str | None = None,
               subject: str | None = None) -> Iterator[None]:
        """GitHub's failures as ForgeUnavailable; a refusal (401, 403 that is not a rate
        limit, 404) or an unreachable host carries a hint that says what to change:
        ``permission`` is the token permission the call needs, ``subject`` what a 404 means
        is missing."""
        try:
            yield
        except GithubException as exc:
            detail = message_of(exc.data)
            raise ForgeUnavailable(what, exc.status, detail, hint=refusal(
                exc.status, detail, permission=permission, subject=subject)) from None
        except requests.RequestException as exc:
            url = exc.request.url if exc.request is not None and exc.request.url else \
                self.requester.base_url
            hint = connection_failure(str(url)) if cannot_connect(exc) else ""
            raise ForgeUnavailable(what, None, type(exc).__name__, hint=hint) from None

    def request(self, what: str, verb: str, url: str, **kwargs: Any) -> tuple[dict[str, Any], Any]:
        """One REST call through PyGithub's requester: (headers, JSON data)."""
        with self._guard(what, permission=permission_for(verb, url), subject=subject_of(url)):
            result: tuple[dict[str, Any], Any] = self.requester.requestJsonAndCheck(
                verb, url, **kwargs
            )
        return result

    def _pull(self, repo: str, number: int) -> PullRequest:
        key = (repo, number)
        if key not in self._pulls:
            self._pulls[key] = self._gh.get_repo(repo_name(repo)).get_pull(number)
        return self._pulls[key]

    def file_at(self, repo: str, path: str, ref: str) -> str | None:
        """A file's text at a commit, or None when the file does not exist there."""
        what = f"reading {path} at {ref[:12]}"
        with self._guard(what, permission="contents: read", subject=f"repository {repo}"):
            try:
                content = self._gh.get_repo(repo_name(repo)).get_contents(path, ref=ref)
            except UnknownObjectException:
                return None
            if isinstance(content, list) or content.type != "file":
                raise ForgeUnavailable(what, 200, "not a file")
            try:
                return content.decoded_content.decode("utf-8")
            except (AssertionError, ValueError, UnicodeDecodeError):
                raise ForgeUnavailable(what, 200, "not UTF-8 text") from None
