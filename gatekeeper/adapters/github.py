"""GitHub, through PyGithub. The only module that imports it.

Every call either returns data or raises GitHubUnavailable carrying the HTTP status, so
the caller can block with a GK9xx reason instead of passing quietly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from github import Auth, Github, GithubException, GithubRetry, UnknownObjectException
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest

from gatekeeper.core.authority import ReviewRecord
from gatekeeper.core.model import ChangedPath

# GitHub's REST API lists at most 3,000 files of a pull request.
FILES_CAP = 3000
STICKY_MARKER = "<!-- gatekeeper:sticky-comment -->"
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
        retry = GithubRetry(total=retries, backoff_factor=backoff, secondary_rate_wait=backoff,
                            max_rate_limit_wait=120)
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
            self._pulls[key] = self._gh.get_repo(repo, lazy=True).get_pull(number)
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
                content = self._gh.get_repo(repo, lazy=True).get_contents(path, ref=ref)
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

    def _sticky_comments(self, pr: PullRequest) -> list[IssueComment]:
        return [
            comment for comment in pr.get_issue_comments()
            if STICKY_MARKER in (comment.body or "")
            and comment.user is not None and comment.user.type == "Bot"
        ]

    def has_sticky_comment(self, info: PullRequestInfo) -> bool:
        with self._guard("listing comments"):
            return bool(self._sticky_comments(self._pull(info.repo, info.number)))

    def upsert_sticky_comment(self, info: PullRequestInfo, body: str) -> str:
        """One comment per pull request, found by its hidden marker and edited in place."""
        text = f"{STICKY_MARKER}\n{body}"
        with self._guard("updating the pull request comment"):
            pr = self._pull(info.repo, info.number)
            ours = self._sticky_comments(pr)
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
            present = {label.name for label in pr.get_labels()}
            missing = sorted(wanted - present)
            if missing:
                pr.add_to_labels(*missing)
            for name in sorted((present & managed) - wanted):
                pr.remove_from_labels(name)

    def post_status(self, repo: str, sha: str, *, state: str, context: str, description: str,
                    target_url: str | None) -> None:
        payload: dict[str, Any] = {"state": state, "context": context,
                                   "description": description[:140]}
        if target_url:
            payload["target_url"] = target_url
        self.request("posting the commit status", "POST", f"/repos/{repo}/statuses/{sha}",
                     input=payload)
