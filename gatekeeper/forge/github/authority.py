"""Reading what authority rests on: commits and who made them, permissions, approval
records and their label history, check runs."""

from __future__ import annotations

from typing import Any

from gatekeeper.core.authority.facts import (
    ApprovalRecordFacts,
    CheckRunFacts,
    CommitRecord,
    Person,
    PullRequestRef,
)
from gatekeeper.core.authority.records import names_pull_request
from gatekeeper.forge import CommitList, ForgeUnavailable, PullRequestInfo
from gatekeeper.forge.github.client import GitHubClientBase
from gatekeeper.forge.github.paths import repo_path, segment

_MAX_PAGES = 30
_BASE_ROLES = frozenset({"admin", "maintain", "write", "triage", "read", "none"})


def is_bot(user: Any) -> bool:
    """GitHub marks app accounts with type Bot; their logins end in [bot]. ``user`` is a
    PyGithub object or a JSON object as the API returns it."""
    if user is None:
        return False

    def field(name: str) -> str:
        value = user.get(name) if isinstance(user, dict) else getattr(user, name, "")
        return str(value or "")

    return field("type") == "Bot" or field("login").endswith("[bot]")


def _person(git_side: Any, account: Any) -> Person:
    """git's name and email, and the account GitHub linked them to (JSON objects)."""
    side = git_side if isinstance(git_side, dict) else {}
    linked = account if isinstance(account, dict) else None
    return Person(
        name=str(side.get("name") or ""),
        email=str(side.get("email") or ""),
        login=str(linked["login"]) if linked and linked.get("login") else None,
        is_bot=is_bot(linked),
    )


class AuthorityMixin(GitHubClientBase):
    def commits(self, info: PullRequestInfo) -> CommitList:
        found: list[CommitRecord] = []
        url = f"{repo_path(info.repo)}/pulls/{info.number:d}/commits"
        for item in self._pages("listing the pull request's commits", url):
            git: dict[str, Any] = item.get("commit") or {}
            verification: dict[str, Any] = git.get("verification") or {}
            found.append(CommitRecord(
                sha=str(item.get("sha") or ""), message=str(git.get("message") or ""),
                author=_person(git.get("author"), item.get("author")),
                committer=_person(git.get("committer"), item.get("committer")),
                verified=verification.get("verified") is True,
                parents=tuple(str(p.get("sha") or "") for p in item.get("parents") or ()
                              if isinstance(p, dict)),
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
            if exc.status != 404:
                raise
            # No such account, or a repository this token cannot see: only the second is
            # "could not read", and it must not read as "no access".
            self._visible(repo)
            return "none"
        if not isinstance(data, dict):
            raise ForgeUnavailable(f"reading @{login}'s permission", 200, "not an object")
        role = str(data.get("role_name") or "")
        # A custom role's name says nothing of its base; `permission` (admin, write, read,
        # none) does. maintain and triage are named by role_name.
        if role in _BASE_ROLES:
            return role
        return str(data.get("permission") or "none")

    def _visible(self, repo: str) -> None:
        """Raise ForgeUnavailable when the token cannot see ``repo`` at all."""
        try:
            self.request(f"reading repository {repo}", "GET", repo_path(repo))
        except ForgeUnavailable as exc:
            if exc.status in (403, 404):
                raise ForgeUnavailable(
                    f"reading repository {repo}", exc.status,
                    "the token cannot see this repository; give the workflow a token with "
                    "read access to it (a GitHub App token for another repository)") from None
            raise

    def approval_record(self, repo: str, number: int, label: str,
                        pull: PullRequestRef) -> ApprovalRecordFacts:
        url = f"{repo_path(repo)}/issues/{number:d}"
        what = f"reading approval record {repo}#{number}"
        try:
            _, issue = self.request(what, "GET", url)
        except ForgeUnavailable as exc:
            if exc.status not in (404, 410):
                raise
            self._visible(repo)
            return ApprovalRecordFacts(repository=repo, number=number, url="", exists=False)
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
        actor = applied_by if isinstance(applied_by, dict) else None
        return ApprovalRecordFacts(
            repository=repo, number=number, url=str(issue.get("html_url") or ""),
            exists=True,
            is_pull_request=bool(issue.get("pull_request")),
            labelled=labelled,
            labelled_by=str(actor["login"]) if actor and actor.get("login") else None,
            labelled_by_bot=is_bot(actor),
            mentions_pull_request=names_pull_request(
                str(issue.get("title") or ""), str(issue.get("body") or ""), pull,
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

