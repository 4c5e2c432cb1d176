"""Reading what authority rests on: commits and who made them, permissions, approval
records and their label history, check runs."""

from __future__ import annotations

import re
from typing import Any

from github.GitCommit import GitCommit

from gatekeeper.core.evidence import (
    ApprovalRecordFacts,
    CheckRunFacts,
    CommitRecord,
    Person,
    PullRequestRef,
)
from gatekeeper.forge import CommitList, ForgeUnavailable, PullRequestInfo
from gatekeeper.forge.github.client import GitHubClientBase
from gatekeeper.forge.github.paths import repo_path, segment

_MAX_PAGES = 30


def is_bot(user: Any) -> bool:
    """GitHub marks app accounts with type Bot; their logins end in [bot]."""
    if user is None:
        return False
    login = str(getattr(user, "login", "") or "")
    return str(getattr(user, "type", "") or "") == "Bot" or login.endswith("[bot]")


def _person(git_side: Any, account: Any) -> Person:
    return Person(
        name=str(getattr(git_side, "name", "") or ""),
        email=str(getattr(git_side, "email", "") or ""),
        login=account.login if account is not None else None,
        is_bot=is_bot(account),
    )


def mentions(text: str, pull: PullRequestRef, *, same_repository: bool) -> bool:
    """Whether ``text`` names the pull request: its URL, OWNER/REPO#N, or #N in its own
    repository. The number must end there: #12 does not name #123."""
    targets = [re.escape(f"{pull.repo}#{pull.number}")]
    if pull.url:
        targets.append(re.escape(pull.url.rstrip("/")))
    if same_repository:
        targets.append(rf"(?<![\w/])#{pull.number}")
    pattern = rf"(?:{'|'.join(targets)})(?!\d)"
    return re.search(pattern, text, re.IGNORECASE) is not None


class AuthorityMixin(GitHubClientBase):
    def commits(self, info: PullRequestInfo) -> CommitList:
        found: list[CommitRecord] = []
        with self._guard("listing the pull request's commits"):
            for commit in self._pull(info.repo, info.number).get_commits():
                git: GitCommit = commit.commit
                found.append(CommitRecord(
                    sha=commit.sha, message=git.message or "",
                    author=_person(git.author, commit.author),
                    committer=_person(git.committer, commit.committer),
                ))
        expected = info.commits or len(found)
        return CommitList(commits=tuple(found), complete=len(found) >= expected,
                          expected=expected)

    def permission(self, repo: str, login: str) -> str:
        try:
            _, data = self.request(
                f"reading @{login}'s permission on {repo}", "GET",
                f"{repo_path(repo)}/collaborators/{segment(login)}/permission")
        except ForgeUnavailable as exc:
            if exc.status == 404:  # not a collaborator, or no such account
                return "none"
            raise
        if not isinstance(data, dict):
            raise ForgeUnavailable(f"reading @{login}'s permission", 200, "not an object")
        return str(data.get("role_name") or data.get("permission") or "none")

    def approval_record(self, repo: str, number: int, label: str,
                        pull: PullRequestRef) -> ApprovalRecordFacts:
        url = f"{repo_path(repo)}/issues/{number:d}"
        what = f"reading approval record {repo}#{number}"
        try:
            _, issue = self.request(what, "GET", url)
        except ForgeUnavailable as exc:
            if exc.status in (404, 410):
                return ApprovalRecordFacts(repository=repo, number=number, url="", exists=False)
            raise
        if not isinstance(issue, dict):
            raise ForgeUnavailable(what, 200, "not an object")
        wanted = label.casefold()
        labelled = any(str(item.get("name", "")).casefold() == wanted
                       for item in issue.get("labels") or [] if isinstance(item, dict))
        applied_by: dict[str, Any] | None = None
        for event in self._pages(f"reading the events of {repo}#{number}", f"{url}/events"):
            name = str((event.get("label") or {}).get("name", "")).casefold()
            if name != wanted:
                continue
            if event.get("event") == "labeled":
                applied_by = event.get("actor")
            elif event.get("event") == "unlabeled":
                applied_by = None
        text = f"{issue.get('title') or ''}\n{issue.get('body') or ''}"
        actor = applied_by if isinstance(applied_by, dict) else None
        return ApprovalRecordFacts(
            repository=repo, number=number, url=str(issue.get("html_url") or ""),
            exists=True,
            is_pull_request=bool(issue.get("pull_request")),
            labelled=labelled,
            labelled_by=str(actor["login"]) if actor and actor.get("login") else None,
            labelled_by_bot=actor is not None and (
                actor.get("type") == "Bot" or str(actor.get("login", "")).endswith("[bot]")),
            mentions_pull_request=mentions(text, pull,
                                           same_repository=repo.casefold() == pull.repo.casefold()),
        )

    def check_runs(self, repo: str, sha: str, name: str) -> tuple[CheckRunFacts, ...]:
        runs: list[dict[str, Any]] = []
        url = f"{repo_path(repo)}/commits/{segment(sha)}/check-runs"
        for page in range(1, _MAX_PAGES + 1):
            _, data = self.request(f"reading the runs of check {name!r}", "GET", url,
                                   parameters={"check_name": name, "per_page": 100,
                                               "page": page})
            batch = data.get("check_runs", []) if isinstance(data, dict) else []
            runs += [run for run in batch if isinstance(run, dict)]
            if len(batch) < 100:
                break
        runs.sort(key=lambda run: str(run.get("started_at") or ""), reverse=True)
        return tuple(CheckRunFacts(name=str(run.get("name", "")), status=str(run.get("status")),
                                   conclusion=run.get("conclusion")) for run in runs
                     if run.get("name") == name)

    def _pages(self, what: str, url: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for page in range(1, _MAX_PAGES + 1):
            _, data = self.request(what, "GET", f"{url}?per_page=100&page={page}")
            batch = data if isinstance(data, list) else []
            items += [item for item in batch if isinstance(item, dict)]
            if len(batch) < 100:
                return items
        raise ForgeUnavailable(what, 200, f"more than {_MAX_PAGES * 100} items")

