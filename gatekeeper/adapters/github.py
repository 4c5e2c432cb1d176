"""GitHub, through PyGithub. The only module that imports it.

Every call either returns data or raises GitHubUnavailable carrying the HTTP status, so
the caller can block with a GK9xx reason instead of passing quietly.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from github import Auth, Github, GithubException, GithubRetry, UnknownObjectException
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest
from github.Requester import Requester
from urllib3.util.retry import Retry

from gatekeeper.core.authority import ReviewRecord
from gatekeeper.core.model import ChangedPath

# GitHub's REST API lists at most 3,000 files of a pull request.
FILES_CAP = 3000
STICKY_MARKER = "<!-- gatekeeper:sticky-comment -->"
# Comments made with the workflow's GITHUB_TOKEN are authored by this bot.
DEFAULT_COMMENT_AUTHOR = "github-actions[bot]"
DEFAULT_API_URL = "https://api.github.com"


class GitHubUnavailable(Exception):
    """GitHub did not give an answer Gatekeeper can judge on."""

    def __init__(self, what: str, status: int | None, detail: str = ""):
        self.what = what
        self.status = status
        self.detail = detail
        shown = f"HTTP {status}" if status else "no response"
        super().__init__(f"{what}: {shown}{f' ({detail})' if detail else ''}")


@dataclass(frozen=True)
class PullRequestInfo:
    repo: str
    number: int
    title: str
    body: str
    author: str
    head_sha: str
    head_ref: str
    base_sha: str
    base_ref: str
    changed_files: int
    draft: bool
    html_url: str


@dataclass(frozen=True)
class FileList:
    changes: list[ChangedPath]
    complete: bool
    expected: int


def _message(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("message", ""))[:200]
    return ""


class GitHubClient:
    def __init__(
        self,
        token: str | None,
        api_url: str | None = None,
        *,
        retries: int = 3,
        backoff: float = 0.5,
        timeout: int = 20,
    ):
        retry = GithubRetry(
            total=retries, backoff_factor=backoff, secondary_rate_wait=backoff,
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
        self._pulls: dict[tuple[str, int], PullRequest] = {}

    @property
    def requester(self) -> Any:
        return self._gh.requester

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        try:
            yield
        except GithubException as exc:
            raise GitHubUnavailable(what, exc.status, _message(exc.data)) from None
        except requests.RequestException as exc:
            raise GitHubUnavailable(what, None, type(exc).__name__) from None

    def request(self, what: str, verb: str, url: str, **kwargs: Any) -> tuple[dict[str, Any], Any]:
        """One REST call through PyGithub's requester: (headers, JSON data)."""
        with self._guard(what):
            result: tuple[dict[str, Any], Any] = self.requester.requestJsonAndCheck(
                verb, url, **kwargs
            )
        return result

    def _pull(self, repo: str, number: int) -> PullRequest:
        key = (repo, number)
        if key not in self._pulls:
            self._pulls[key] = self._gh.get_repo(repo).get_pull(number)
        return self._pulls[key]

    def pull_request(self, repo: str, number: int) -> PullRequestInfo:
        with self._guard(f"reading pull request {repo}#{number}"):
            pr = self._pull(repo, number)
            return PullRequestInfo(
                repo=repo,
                number=pr.number,
                title=pr.title or "",
                body=pr.body or "",
                author=pr.user.login if pr.user else "",
                head_sha=pr.head.sha,
                head_ref=pr.head.ref,
                base_sha=pr.base.sha,
                base_ref=pr.base.ref,
                changed_files=pr.changed_files or 0,
                draft=bool(pr.draft),
                html_url=pr.html_url or "",
            )

    def changed_files(self, info: PullRequestInfo) -> FileList:
        """Every file of the pull request, page by page. ``complete`` is False when GitHub's
        list hits its cap or is shorter than the pull request's own count."""
        changes: list[ChangedPath] = []
        with self._guard("listing changed files"):
            for item in self._pull(info.repo, info.number).get_files():
                changes.append(ChangedPath(path=item.filename, old_path=item.previous_filename))
        complete = info.changed_files <= len(changes) < FILES_CAP
        return FileList(changes=changes, complete=complete, expected=info.changed_files)

    def file_at(self, repo: str, path: str, ref: str) -> str | None:
        """A file's text at a commit, or None when the file does not exist there."""
        what = f"reading {path} at {ref[:12]}"
        with self._guard(what):
            try:
                content = self._gh.get_repo(repo).get_contents(path, ref=ref)
            except UnknownObjectException:
                return None
            if isinstance(content, list) or content.type != "file":
                raise GitHubUnavailable(what, 200, "not a file")
            try:
                return content.decoded_content.decode("utf-8")
            except (AssertionError, ValueError, UnicodeDecodeError):
                raise GitHubUnavailable(what, 200, "not UTF-8 text") from None

    def reviews(self, info: PullRequestInfo) -> tuple[ReviewRecord, ...]:
        with self._guard("listing reviews"):
            return tuple(
                ReviewRecord(login=review.user.login if review.user else "",
                             state=review.state or "", commit_id=review.commit_id)
                for review in self._pull(info.repo, info.number).get_reviews()
            )

    def team_members_among(self, team: str, logins: Iterable[str]) -> frozenset[str]:
        """Which of ``logins`` are active members of ``org/team``."""
        org, _, slug = team.partition("/")
        members = set()
        for login in logins:
            try:
                _, data = self.request(f"checking membership of @{team}", "GET",
                                       f"/orgs/{org}/teams/{slug}/memberships/{login}")
            except GitHubUnavailable as exc:
                if exc.status == 404:
                    continue
                raise
            if isinstance(data, dict) and data.get("state") == "active":
                members.add(login)
        return frozenset(members)

    @staticmethod
    def _sticky_comments(pr: PullRequest, author: str) -> list[IssueComment]:
        # Anyone can paste the marker; only the comments Gatekeeper's identity wrote count.
        return [
            comment for comment in pr.get_issue_comments()
            if STICKY_MARKER in (comment.body or "")
            and comment.user is not None and comment.user.login.casefold() == author.casefold()
        ]

    def has_sticky_comment(self, info: PullRequestInfo,
                           author: str = DEFAULT_COMMENT_AUTHOR) -> bool:
        with self._guard("listing comments"):
            return bool(self._sticky_comments(self._pull(info.repo, info.number), author))

    def upsert_sticky_comment(self, info: PullRequestInfo, body: str,
                              author: str = DEFAULT_COMMENT_AUTHOR) -> str:
        """One comment per pull request, found by its hidden marker and its author (the
        token's identity) and edited in place; duplicates by that author are removed."""
        text = f"{STICKY_MARKER}\n{body}"
        with self._guard("updating the pull request comment"):
            pr = self._pull(info.repo, info.number)
            ours = self._sticky_comments(pr, author)
            if not ours:
                pr.create_issue_comment(text)
                return "created"
            keep, extra = ours[0], ours[1:]
            if keep.body != text:
                keep.edit(text)
            for duplicate in extra:
                duplicate.delete()
            return "updated"

    def sync_labels(self, info: PullRequestInfo, wanted: set[str], managed: set[str]) -> None:
        """Add the wanted labels and remove the other managed ones; leave the rest alone."""
        with self._guard("updating labels"):
            pr = self._pull(info.repo, info.number)
            # GitHub matches label names case-insensitively.
            present = {label.name for label in pr.get_labels()}
            folded_present = {name.casefold() for name in present}
            folded_wanted = {name.casefold() for name in wanted}
            folded_managed = {name.casefold() for name in managed}
            missing = sorted(n for n in wanted if n.casefold() not in folded_present)
            if missing:
                pr.add_to_labels(*missing)
            for name in sorted(present):
                folded = name.casefold()
                if folded in folded_managed and folded not in folded_wanted:
                    pr.remove_from_labels(name)

    def post_status(self, repo: str, sha: str, *, state: str, context: str, description: str,
                    target_url: str | None) -> None:
        payload: dict[str, Any] = {"state": state, "context": context,
                                   "description": description[:140]}
        if target_url:
            payload["target_url"] = target_url
        self.request("posting the commit status", "POST", f"/repos/{repo}/statuses/{sha}",
                     input=payload)

    # --- Repository settings, for `gatekeeper doctor` ------------------------------------

    def repository(self, repo: str) -> dict[str, Any]:
        """``GET /repos/{repo}``: the repository, including its ``default_branch``."""
        _, data = self.request(f"reading repository {repo}", "GET", f"/repos/{repo}")
        if not isinstance(data, dict):
            raise GitHubUnavailable(f"reading repository {repo}", 200, "not a JSON object")
        return data

    def branch_protection(self, repo: str, branch: str) -> dict[str, Any]:
        """Classic branch protection. Raises GitHubUnavailable: 404 when the branch is not
        protected (or the token may not see it), 403 when the token lacks admin read."""
        from urllib.parse import quote

        what = f"reading branch protection of {branch}"
        _, data = self.request(what, "GET",
                               f"/repos/{repo}/branches/{quote(branch)}/protection")
        if not isinstance(data, dict):
            raise GitHubUnavailable(what, 200, "not a JSON object")
        return data

    def branch_rules(self, repo: str, branch: str) -> list[dict[str, Any]]:
        """Every active ruleset rule that applies to ``branch`` (repository and organisation
        rulesets), page by page."""
        from urllib.parse import quote

        what = f"reading the rules for branch {branch}"
        rules: list[dict[str, Any]] = []
        page = 1
        while True:
            _, data = self.request(what, "GET", f"/repos/{repo}/rules/branches/{quote(branch)}",
                                   parameters={"per_page": 100, "page": page})
            if not isinstance(data, list):
                raise GitHubUnavailable(what, 200, "not a JSON list")
            rules += [rule for rule in data if isinstance(rule, dict)]
            if len(data) < 100:
                return rules
            page += 1

    # --- GraphQL, for `gatekeeper metrics` and `gatekeeper replay --repo` -------------------

    def graphql_endpoint(self, override: str | None = None) -> str:
        """``GITHUB_GRAPHQL_URL`` when given, else derived from the API URL the way GitHub
        lays it out: ``https://api.github.com`` -> ``https://api.github.com/graphql``,
        GHES ``https://HOST/api/v3`` -> ``https://HOST/api/graphql``."""
        if override:
            return override.rstrip("/")
        derived: str = self.requester.graphql_url
        return derived

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
        """POST one GraphQL query through PyGithub's requester and return its ``data``.

        Retries what GitHub says is temporary: 5xx, connection failures, 403/429 rate
        limits (``Retry-After``, else ``X-RateLimit-Reset`` when no requests remain, else
        ``secondary_wait``), and HTTP 200 bodies whose ``errors`` say RATE_LIMITED or that
        the query timed out. Other waits back off exponentially from ``backoff``. Anything
        else, or running out of ``attempts``, raises GitHubUnavailable with the status
        (200 for an error body). ``sleep`` and ``clock`` are injectable for tests.

        PyGithub's ``Requester.graphql_query`` turns a 200-with-errors body into a
        GithubException with a made-up status 400, which cannot be told from a real 400
        nor carries the error type reliably, so the body is inspected here instead. The
        requester used has urllib3 retries off, so that every wait is decided (and
        visible) here, with GitHub's headers at hand.
        """
        target = self.graphql_endpoint(url)
        self._graphql_allowed(target, what)
        requester = self._graphql_requester()
        payload = {"query": query, "variables": variables}
        attempt = 0
        while True:
            attempt += 1
            wait: float | None
            try:
                headers, data = requester.requestJsonAndCheck("POST", target, input=payload)
            except GithubException as exc:
                status: int | None = exc.status
                detail = _message(exc.data)
                wait = self._graphql_wait(exc.status, exc.headers or {}, detail, attempt,
                                          backoff, secondary_wait, clock)
            except (requests.RequestException, ValueError) as exc:
                status, detail = None, type(exc).__name__
                wait = backoff * 2.0 ** (attempt - 1)
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
                else:
                    wait = None
            if wait is None:
                raise GitHubUnavailable(what, status, detail)
            if attempt >= attempts:
                raise GitHubUnavailable(what, status, f"{detail}; gave up after {attempt} tries")
            if wait > max_wait:
                raise GitHubUnavailable(what, status, f"{detail}; GitHub asks to wait "
                                        f"{wait:.0f} s, more than {max_wait:.0f} s")
            if on_wait is not None:
                shown = f"HTTP {status}" if status else "no response"
                on_wait(f"{what}: {shown} {detail}".strip(), wait)
            sleep(wait)

    def _graphql_requester(self) -> Requester:
        found: Requester | None = getattr(self, "_graphql_requester_instance", None)
        if found is None:
            # Same auth, base URL, timeout and user agent; no urllib3-level retries.
            found = Requester(**{**self.requester.kwargs, "retry": 0})
            self._graphql_requester_instance = found
        return found

    def _graphql_allowed(self, target: str, what: str) -> None:
        # PyGithub's requester only sends the token to its own host and port.
        api = urllib.parse.urlsplit(self.requester.base_url)
        graphql = urllib.parse.urlsplit(target)
        if graphql.scheme not in ("http", "https") or not graphql.hostname:
            raise GitHubUnavailable(what, None, f"GraphQL URL {target!r} is not an http(s) URL")
        if (graphql.scheme, graphql.netloc) != (api.scheme, api.netloc):
            raise GitHubUnavailable(what, None, f"GraphQL URL {target!r} is not on the API's "
                                    f"host {api.netloc!r} (GITHUB_API_URL)")

    @staticmethod
    def _graphql_error_kind(errors: Any) -> tuple[str, str]:
        """(message, kind): kind is "rate", "transient" or "fatal"."""
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
