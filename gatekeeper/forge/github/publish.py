"""Publishing the verdict: the sticky comment, the labels, the commit status."""

from __future__ import annotations

from typing import Any

from gatekeeper.constants import COMMENT_FOOTER_PREFIX, DEFAULT_COMMENT_AUTHOR, STICKY_MARKER
from gatekeeper.forge import ForgeUnavailable, PullRequestInfo
from gatekeeper.forge.github.paths import repo_path, segment
from gatekeeper.forge.github.pulls import PullsMixin
from gatekeeper.forge.github.snapshot import StickyCandidate


class PublishMixin(PullsMixin):
    """Writes only what changed: the comments and labels the pull request's query read
    decide what to write, and an unchanged comment or label set writes nothing."""

    def _comments(self, info: PullRequestInfo) -> tuple[StickyCandidate, ...]:
        read = self._snapshot(info)
        if read is not None and read.comments is not None:
            return read.comments
        return tuple(
            StickyCandidate(id=int(item["id"]), body=str(item.get("body") or ""),
                            author=str((item.get("user") or {}).get("login") or ""))
            for item in self.paged(
                "listing comments",
                f"{repo_path(info.repo)}/issues/{info.number:d}/comments")
            if isinstance(item.get("id"), int))

    def _sticky_comments(self, info: PullRequestInfo, author: str) -> list[StickyCandidate]:
        # Anyone can paste the marker; only the comments Gatekeeper's identity wrote count.
        return [comment for comment in self._comments(info)
                if STICKY_MARKER in comment.body
                and comment.author.casefold() == author.casefold()]

    def has_sticky_comment(self, info: PullRequestInfo,
                           author: str = DEFAULT_COMMENT_AUTHOR) -> bool:
        with self._guard("listing comments"):
            return bool(self._sticky_comments(info, author))

    def upsert_sticky_comment(self, info: PullRequestInfo, body: str,
                              author: str = DEFAULT_COMMENT_AUTHOR) -> str:
        """One comment per pull request, found by its hidden marker and its author (the
        token's identity) and edited in place only when its text changed; duplicates by
        that author are removed."""
        text = f"{STICKY_MARKER}\n{body}"
        issues = f"{repo_path(info.repo)}/issues"
        ours = self._sticky_comments(info, author)
        if not ours:
            self._forget(info, comments=True)
            self.request("creating the pull request comment", "POST",
                         f"{issues}/{info.number:d}/comments", input={"body": text})
            return "created"
        keep, extra = ours[0], ours[1:]
        self._forget(info, comments=True)
        if _essence(keep.body) != _essence(text):
            self.request("updating the pull request comment", "PATCH",
                         f"{issues}/comments/{keep.id:d}", input={"body": text})
        for duplicate in extra:
            self.request("removing a duplicate comment", "DELETE",
                         f"{issues}/comments/{duplicate.id:d}")
        return "updated"

    def ensure_label(self, repo: str, name: str, *, color: str, description: str) -> bool:
        """Create the label with its colour and description when the repository lacks it.

        One that exists is left alone, so a maintainer's colour or description stands; a
        422 on create means it was created meanwhile (names match case-insensitively).
        Whether it exists comes with the pull request's query when it asked (``label_names``),
        else from a read of its own."""
        url = f"{repo_path(repo)}/labels"
        self._read_state()
        known = self._repo_labels.get(repo.casefold())
        if known is not None and name.casefold() in {n.casefold() for n in self.label_names}:
            if name.casefold() in known:
                return False
        else:
            try:
                self.request(f"reading the label {name}", "GET", f"{url}/{segment(name)}")
                return False
            except ForgeUnavailable as exc:
                if exc.status != 404:
                    raise
        try:
            self.request(f"creating the label {name}", "POST", url,
                         input={"name": name, "color": color, "description": description})
        except ForgeUnavailable as exc:
            if exc.status == 422:
                return False
            raise
        if known is not None:
            known.add(name.casefold())
        return True

    def sync_labels(self, info: PullRequestInfo, wanted: set[str], managed: set[str]) -> None:
        """Add the wanted labels and remove the other managed ones; leave the rest alone.
        Nothing is written when the labels are already as wanted."""
        read = self._snapshot(info)
        if read is not None and read.labels is not None:
            present = set(read.labels)
        else:
            present = {str(item.get("name", "")) for item in self.paged(
                "listing labels", f"{repo_path(info.repo)}/issues/{info.number:d}/labels")}
        # GitHub matches label names case-insensitively.
        folded_present = {name.casefold() for name in present}
        folded_wanted = {name.casefold() for name in wanted}
        folded_managed = {name.casefold() for name in managed}
        url = f"{repo_path(info.repo)}/issues/{info.number:d}/labels"
        self._forget(info, labels=True)
        missing = sorted(n for n in wanted if n.casefold() not in folded_present)
        if missing:
            self.request("adding labels", "POST", url, input=missing)
        for name in sorted(present):
            folded = name.casefold()
            if folded in folded_managed and folded not in folded_wanted:
                try:
                    self.request(f"removing the label {name}", "DELETE",
                                 f"{url}/{segment(name)}")
                except ForgeUnavailable as exc:
                    if exc.status != 404:  # removed meanwhile
                        raise

    def labels_to_add(self, info: PullRequestInfo, wanted: set[str]) -> set[str]:
        """The wanted labels the pull request lacks, as its query read them (all of
        ``wanted`` when they were not read)."""
        read = self._snapshot(info)
        if read is None or read.labels is None:
            return set(wanted)
        present = {name.casefold() for name in read.labels}
        return {name for name in wanted if name.casefold() not in present}

    def post_status(self, repo: str, sha: str, *, state: str, context: str, description: str,
                    target_url: str | None) -> None:
        payload: dict[str, Any] = {"state": state, "context": context,
                                   "description": description[:140]}
        if target_url:
            payload["target_url"] = target_url
        self.request("posting the commit status", "POST",
                     f"{repo_path(repo)}/statuses/{segment(sha)}", input=payload)



def _essence(text: str) -> str:
    """The comment without its run footer (its last line: decision id, run link), which
    every run changes."""
    return text.rstrip().rsplit("\n" + COMMENT_FOOTER_PREFIX, 1)[0].rstrip()
