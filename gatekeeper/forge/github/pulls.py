"""Reading a pull request: its data, files, reviews, team members, and files at a ref."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from gatekeeper.core.authority.evidence import ReviewRecord
from gatekeeper.core.model import ChangedPath
from gatekeeper.forge import (
    CommitSummary,
    FileList,
    ForgeUnavailable,
    PullRequestInfo,
    PullSummary,
)
from gatekeeper.forge.github.authority import is_bot
from gatekeeper.forge.github.client import GitHubClientBase
from gatekeeper.forge.github.paths import ref_path, repo_path, segment

# GitHub's REST API lists at most 3,000 files of a pull request.
FILES_CAP = 3000
# A gitlink's patch: hunk headers aside, only "Subproject commit <sha>" lines (GitHub's file
# list shows a submodule bump as one "modified" entry without a trailing slash).
_SUBPROJECT = re.compile(r"[-+ ]?Subproject commit [0-9a-f]{40,64}(?:-dirty)?")


def is_submodule_patch(patch: str | None) -> bool:
    """Whether a file entry's ``patch`` is a submodule's: every line a ``Subproject commit``
    line or a hunk header, at least one of the former."""
    if not patch:
        return False
    lines = [line for line in patch.splitlines()
             if line and not line.startswith(("@@", "\\ No newline"))]
    return bool(lines) and all(_SUBPROJECT.fullmatch(line) for line in lines)


# More commits than this in one merge group is not judged (the group blocks instead).
COMPARE_CAP = 1000


def _summary(data: Any) -> PullSummary:
    if not isinstance(data, dict):
        raise ForgeUnavailable("reading a pull request list", 200, "not an object")
    number, head, base = data.get("number"), data.get("head") or {}, data.get("base") or {}
    if not isinstance(number, int) or not isinstance(head.get("sha"), str):
        raise ForgeUnavailable("reading a pull request list", 200, "no number or head SHA")
    return PullSummary(number=number, state=str(data.get("state", "")),
                       head_sha=head["sha"], base_ref=str(base.get("ref", "")))


class PullsMixin(GitHubClientBase):
    def pull_request(self, repo: str, number: int) -> PullRequestInfo:
        """The pull request as GitHub shows it now: every call reads it afresh."""
        with self._guard(f"reading pull request {repo}#{number}",
                         permission="pull-requests: read",
                         subject=f"pull request {repo}#{number}"):
            self._pulls.pop((repo, number), None)
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
                author_is_bot=is_bot(pr.user),
                commits=pr.commits or 0,
                head_repo=pr.head.repo.full_name if pr.head.repo else "",
            )

    def changed_files(self, info: PullRequestInfo) -> FileList:
        """Every file of the pull request, page by page. ``complete`` is False when GitHub's
        list hits its cap or is shorter than the pull request's own count."""
        changes: list[ChangedPath] = []
        with self._guard("listing changed files", permission="pull-requests: read"):
            for item in self._pull(info.repo, info.number).get_files():
                changes.append(ChangedPath(path=item.filename, old_path=item.previous_filename,
                                           submodule=is_submodule_patch(item.patch)))
        complete = info.changed_files <= len(changes) < FILES_CAP
        return FileList(changes=changes, complete=complete, expected=info.changed_files)

    def reviews(self, info: PullRequestInfo) -> tuple[ReviewRecord, ...]:
        with self._guard("listing reviews", permission="pull-requests: read"):
            return tuple(
                ReviewRecord(login=review.user.login if review.user else "",
                             state=review.state or "", commit_id=review.commit_id,
                             is_bot=is_bot(review.user),
                             submitted_at=(review.submitted_at.isoformat()
                                           if review.submitted_at else None))
                for review in self._pull(info.repo, info.number).get_reviews()
            )

    def open_pulls_for_head(self, repo: str, head: str) -> tuple[int, ...]:
        """The numbers of the open pull requests into ``repo`` from ``OWNER:BRANCH``."""
        _, data = self.request(f"finding the open pull request from {head}", "GET",
                               f"{repo_path(repo)}/pulls",
                               parameters={"state": "open", "head": head, "per_page": 100})
        if not isinstance(data, list):
            raise ForgeUnavailable(f"finding the open pull request from {head}", 200,
                                   "not a JSON list")
        return tuple(item["number"] for item in data
                     if isinstance(item, dict) and isinstance(item.get("number"), int))

    def team_members_among(self, team: str, logins: Iterable[str]) -> frozenset[str]:
        """Which of ``logins`` are active members of ``org/team``. The team is read first, so
        a team the token cannot see is an error (its HTTP status), not "no members"."""
        org, _, slug = team.partition("/")
        # Each part one encoded segment: "@acme/.." must not become /orgs/acme/memberships/
        # (organisation membership); a name no team can have is refused, never sent.
        team_path = f"/orgs/{segment(org)}/teams/{segment(slug)}"
        self.request(f"reading team @{team}", "GET", team_path)
        members = set()
        for login in logins:
            try:
                _, data = self.request(f"checking membership of @{team}", "GET",
                                       f"{team_path}/memberships/{segment(login)}")
            except ForgeUnavailable as exc:
                if exc.status == 404:
                    continue
                raise
            if isinstance(data, dict) and data.get("state") == "active":
                members.add(login)
        return frozenset(members)


    def _paged(self, what: str, url: str, key: str | None = None,
               limit: int = COMPARE_CAP) -> Iterator[Any]:
        """Items of a paginated list (``key``: the list inside an object answer)."""
        page, seen = 1, 0
        while True:
            _, data = self.request(what, "GET", url, parameters={"per_page": 100, "page": page})
            items = data.get(key) if key is not None and isinstance(data, dict) else data
            if not isinstance(items, list):
                raise ForgeUnavailable(what, 200, "not a list")
            yield from items
            seen += len(items)
            total = data.get("total_commits") if isinstance(data, dict) else None
            if len(items) < 100 or (isinstance(total, int) and seen >= total):
                return
            if seen >= limit:
                raise ForgeUnavailable(what, 200, f"more than {limit:,} items")
            page += 1

    def branch_head(self, repo: str, branch: str) -> str:
        what = f"reading the tip of branch {branch}"
        _, data = self.request(what, "GET", f"{repo_path(repo)}/branches/{ref_path(branch)}")
        sha = (data.get("commit") or {}).get("sha") if isinstance(data, dict) else None
        if not isinstance(sha, str) or not sha:
            raise ForgeUnavailable(what, 200, "no commit SHA")
        return sha

    def pulls_for_commit(self, repo: str, sha: str) -> tuple[PullSummary, ...]:
        return tuple(_summary(item) for item in self._paged(
            f"listing the pull requests of commit {sha[:12]}",
            f"{repo_path(repo)}/commits/{segment(sha)}/pulls"))

    def pulls_for_branch(self, repo: str, owner: str, branch: str) -> tuple[PullSummary, ...]:
        what = f"listing the pull requests of branch {branch}"
        _, data = self.request(what, "GET", f"{repo_path(repo)}/pulls",
                               parameters={"state": "open", "head": f"{owner}:{branch}",
                                           "per_page": 100})
        if not isinstance(data, list):
            raise ForgeUnavailable(what, 200, "not a list")
        return tuple(_summary(item) for item in data)

    def compare(self, repo: str, base: str, head: str) -> tuple[CommitSummary, ...]:
        commits = []
        for item in self._paged(f"comparing {base[:12]}...{head[:12]}",
                                f"{repo_path(repo)}/compare/{segment(base)}...{segment(head)}",
                                key="commits"):
            sha = item.get("sha") if isinstance(item, dict) else None
            if not isinstance(sha, str):
                raise ForgeUnavailable("comparing commits", 200, "a commit without a SHA")
            commits.append(CommitSummary(
                sha=sha, message=str((item.get("commit") or {}).get("message", "")),
                parents=tuple(str(p.get("sha", "")) for p in item.get("parents") or ()),
            ))
        return tuple(commits)
