"""Publishing the verdict: the sticky comment, the labels, the commit status."""

from __future__ import annotations

from typing import Any

from github import UnknownObjectException
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest

from gatekeeper.constants import DEFAULT_COMMENT_AUTHOR, STICKY_MARKER
from gatekeeper.forge import ForgeUnavailable, PullRequestInfo
from gatekeeper.forge.github.client import GitHubClientBase
from gatekeeper.forge.github.paths import repo_path, segment


class PublishMixin(GitHubClientBase):
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

    def ensure_label(self, repo: str, name: str, *, color: str, description: str) -> bool:
        """Create the label with its colour and description when the repository lacks it.

        One that exists is left alone, so a maintainer's colour or description stands; a
        422 on create means it was created meanwhile (names match case-insensitively)."""
        url = f"{repo_path(repo)}/labels"
        with self._guard(f"reading the label {name}"):
            try:
                self.requester.requestJsonAndCheck("GET", f"{url}/{segment(name)}")
                return False
            except UnknownObjectException:
                pass
        try:
            self.request(f"creating the label {name}", "POST", url,
                         input={"name": name, "color": color, "description": description})
        except ForgeUnavailable as exc:
            if exc.status == 422:
                return False
            raise
        return True

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
        self.request("posting the commit status", "POST",
                     f"{repo_path(repo)}/statuses/{segment(sha)}", input=payload)

