"""Reading a pull request: its data, files, reviews, team members, and files at a ref."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from gatekeeper.core.evidence import ReviewRecord
from gatekeeper.core.model import ChangedPath
from gatekeeper.forge import FileList, ForgeUnavailable, PullRequestInfo
from gatekeeper.forge.github.authority import is_bot
from gatekeeper.forge.github.client import GitHubClientBase

# GitHub's REST API lists at most 3,000 files of a pull request.
FILES_CAP = 3000


class PullsMixin(GitHubClientBase):
    def pull_request(self, repo: str, number: int) -> PullRequestInfo:
        with self._guard(f"reading pull request {repo}#{number}",
                         permission="pull-requests: read",
                         subject=f"pull request {repo}#{number}"):
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
            )

    def changed_files(self, info: PullRequestInfo) -> FileList:
        """Every file of the pull request, page by page. ``complete`` is False when GitHub's
        list hits its cap or is shorter than the pull request's own count."""
        changes: list[ChangedPath] = []
        with self._guard("listing changed files", permission="pull-requests: read"):
            for item in self._pull(info.repo, info.number).get_files():
                changes.append(ChangedPath(path=item.filename, old_path=item.previous_filename))
        complete = info.changed_files <= len(changes) < FILES_CAP
        return FileList(changes=changes, complete=complete, expected=info.changed_files)

    def reviews(self, info: PullRequestInfo) -> tuple[ReviewRecord, ...]:
        with self._guard("listing reviews", permission="pull-requests: read"):
            return tuple(
                ReviewRecord(login=review.user.login if review.user else "",
                             state=review.state or "", commit_id=review.commit_id,
                             is_bot=is_bot(review.user))
                for review in self._pull(info.repo, info.number).get_reviews()
            )

    def open_pulls_for_head(self, repo: str, head: str) -> tuple[int, ...]:
        """The numbers of the open pull requests into ``repo`` from ``OWNER:BRANCH``."""
        _, data = self.request(f"finding the open pull request from {head}", "GET",
                               f"/repos/{repo}/pulls",
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
        self.request(f"reading team @{team}", "GET",
                     f"/orgs/{quote(org, safe='')}/teams/{quote(slug, safe='')}")
        members = set()
        for login in logins:
            try:
                _, data = self.request(f"checking membership of @{team}", "GET",
                                       f"/orgs/{quote(org, safe='')}/teams/{quote(slug, safe='')}"
                                       f"/memberships/{quote(login, safe='')}")
            except ForgeUnavailable as exc:
                if exc.status == 404:
                    continue
                raise
            if isinstance(data, dict) and data.get("state") == "active":
                members.add(login)
        return frozenset(members)

