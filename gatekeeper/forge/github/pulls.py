"""Reading a pull request: its data, files, reviews, team members, and files at a ref."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from gatekeeper.core.authority.facts import ReviewRecord
from gatekeeper.core.model import ChangedPath
from gatekeeper.forge import (
    CommitSummary,
    FileList,
    ForgeUnavailable,
    PullRequestInfo,
    PullSummary,
)
from gatekeeper.forge.files_cache import FilesCache
from gatekeeper.forge.github import snapshot
from gatekeeper.forge.github.authority import is_bot
from gatekeeper.forge.github.errors import refusal
from gatekeeper.forge.github.graphql import GraphQLMixin
from gatekeeper.forge.github.paths import ref_path, repo_path, segment
from gatekeeper.forge.github.snapshot import PullSnapshot
from gatekeeper.forge.github.timeline import TimelineMixin

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


class PullsMixin(GraphQLMixin, TimelineMixin):
    """The pull request, its files, reviews, labels and comments, the base tip and the
    policy at it: one GraphQL query (``forge.github.snapshot``) the first time a pull
    request is read, REST only for what that query could not give in full."""

    # One GraphQL query per pull request (the evaluation's reads); False: REST, one call
    # per thing (what doctor and the tests of single endpoints use).
    snapshot_reads: bool = False
    # The policy paths to read with the pull request (GitHubForge sets them).
    policy_paths: tuple[str, ...] = ()
    # Repository labels whose existence is read with the pull request (the ones the action
    # may add), so that making a missing one reads nothing more.
    label_names: tuple[str, ...] = ()
    files_cache: FilesCache | None = None
    _snapshots: dict[tuple[str, int], PullSnapshot]
    _tips: dict[tuple[str, str], str]
    _blobs: dict[tuple[str, str, str], str | None]
    _kept: set[tuple[str, int]]
    # repository -> the casefolded names of ``label_names`` it has
    _repo_labels: dict[str, set[str]]

    def _read_state(self) -> None:
        if not hasattr(self, "_snapshots"):
            self._snapshots, self._tips, self._blobs, self._kept = {}, {}, {}, set()
            self._repo_labels = {}

    def pull_request(self, repo: str, number: int, *, keep: bool = False) -> PullRequestInfo:
        """The pull request as GitHub shows it now: every call reads it afresh (the first
        with its files, reviews, comments, base tip and policy; later ones its own fields
        and labels only). ``keep``: a read made up front (to check access) that the next
        call returns instead of reading again, so the evaluation reads it once."""
        self._read_state()
        key = (repo.casefold(), number)
        if key in self._kept:
            self._kept.discard(key)
            return self._snapshots[key].info
        if not self.snapshot_reads:
            info = self._pull_from_rest(repo, number)
            if keep:
                self._snapshots[key] = PullSnapshot(info=info, labels=None)
                self._kept.add(key)
            return info
        full = key not in self._snapshots
        owner, _, name = repo.partition("/")
        variables: dict[str, Any] = {"owner": owner, "name": name, "number": number}
        paths = self.policy_paths if full else ()
        labels = self.label_names if full else ()
        variables |= {f"p{i}": path for i, path in enumerate(paths)}
        variables |= {f"l{i}": name for i, name in enumerate(labels)}
        what = f"reading pull request {repo}#{number}"
        try:
            data = self.graphql(snapshot.query(paths, full=full, labels=labels), variables,
                                what=what,
                                attempts=1 + min(self.retries, 2), backoff=self.backoff)
        except ForgeUnavailable as exc:
            hint = refusal(exc.status, exc.detail, permission="pull-requests: read",
                           subject=f"pull request {repo}#{number}") or exc.hint
            raise ForgeUnavailable(what, exc.status, exc.detail, hint=hint) from None
        where = data.get("repository") if isinstance(data, dict) else None
        pull = where.get("pullRequest") if isinstance(where, dict) else None
        if not isinstance(pull, dict):
            raise ForgeUnavailable(what, 404, "Not Found", hint=refusal(
                404, "", permission="pull-requests: read",
                subject=f"pull request {repo}#{number}"))
        try:
            found = snapshot.parse(repo, pull, paths)
        except (ValueError, TypeError, KeyError) as exc:
            raise ForgeUnavailable(what, 200, str(exc)) from None
        if not full:
            before = self._snapshots[key]
            same = (before.info.head_sha, before.info.base_sha) == \
                (found.info.head_sha, found.info.base_sha)
            found = replace(before, info=found.info, labels=found.labels,
                            files=before.files if same else None)
        self._snapshots[key] = found
        if keep:
            self._kept.add(key)
        if labels and isinstance(where, dict):
            self._repo_labels[repo.casefold()] = {
                name.casefold() for index, name in enumerate(labels)
                if isinstance(where.get(f"l{index}"), dict)}
        if found.base_tip is not None:
            self._tips[(repo.casefold(), found.info.base_ref)] = found.base_tip
            for path, text in (found.policy or {}).items():
                self._blobs[(repo.casefold(), found.base_tip, path)] = text
        return found.info

    def _pull_from_rest(self, repo: str, number: int) -> PullRequestInfo:
        what = f"reading pull request {repo}#{number}"
        with self._guard(what, permission="pull-requests: read",
                         subject=f"pull request {repo}#{number}"):
            _, pr = self.transport.json("GET", f"{repo_path(repo)}/pulls/{number:d}")
        head, base = (pr.get("head") or {}, pr.get("base") or {}) if isinstance(pr, dict) \
            else ({}, {})
        if not isinstance(pr, dict) or not isinstance(head.get("sha"), str) or \
                not isinstance(base.get("sha"), str):
            raise ForgeUnavailable(what, 200, "no head or base commit")
        user = pr.get("user") if isinstance(pr.get("user"), dict) else None
        return PullRequestInfo(
            repo=repo, number=int(pr.get("number") or number), title=str(pr.get("title") or ""),
            body=str(pr.get("body") or ""), author=str((user or {}).get("login") or ""),
            head_sha=head["sha"], head_ref=str(head.get("ref") or ""), base_sha=base["sha"],
            base_ref=str(base.get("ref") or ""), changed_files=int(pr.get("changed_files") or 0),
            draft=bool(pr.get("draft")), html_url=str(pr.get("html_url") or ""),
            author_is_bot=is_bot(user), commits=int(pr.get("commits") or 0),
            head_repo=str((head.get("repo") or {}).get("full_name") or ""),
            is_open=pr.get("state") in (None, "open"))

    def _snapshot(self, info: PullRequestInfo) -> PullSnapshot | None:
        """What the query read of this pull request, while its head and base are still
        those of ``info``."""
        self._read_state()
        found = self._snapshots.get((info.repo.casefold(), info.number))
        if found is None or (found.info.head_sha, found.info.base_sha) != \
                (info.head_sha, info.base_sha):
            return None
        return found

    def _forget(self, info: PullRequestInfo, *, comments: bool = False,
                labels: bool = False) -> None:
        """Drop what a write is about to make stale."""
        self._read_state()
        key = (info.repo.casefold(), info.number)
        found = self._snapshots.get(key)
        if found is not None:
            self._snapshots[key] = replace(
                found, comments=None if comments else found.comments,
                labels=None if labels else found.labels)

    def changed_files(self, info: PullRequestInfo) -> FileList:
        """Every file of the pull request. ``complete`` is False when GitHub's list hits its
        cap or is shorter than the pull request's own count.

        From the query when its first page held them all; else from the files cache (when
        one is given) when it holds exactly ``changed_files`` files for this base and head,
        the query's first page among them; else the next pages from GraphQL, 100 a page,
        while the head and base stay those of ``info``; a list with a rename or copy (whose
        old path GraphQL does not give) from REST, page by page. A list read whole is kept
        in the cache."""
        read = self._snapshot(info)
        if read is not None and read.files is not None:
            changes = list(read.files)
        else:
            first = read.first_files if read is not None else None
            cache = self.files_cache
            cached = cache.get(info.repo, info.base_sha, info.head_sha, info.changed_files) \
                if cache is not None and info.changed_files < FILES_CAP else None
            if cached is not None and (first is None or {c.path for c in first.paths} <=
                                       {c.path for c in cached}):
                return FileList(changes=cached, complete=True, expected=info.changed_files)
            graphql = self._files_from_graphql(info, first) \
                if first is not None and not first.renamed else None
            changes = graphql if graphql is not None else self._files_from_rest(info)
            if cache is not None and info.changed_files == len(changes) < FILES_CAP:
                cache.put(info.repo, info.base_sha, info.head_sha, changes)
        complete = info.changed_files <= len(changes) < FILES_CAP
        return FileList(changes=changes, complete=complete, expected=info.changed_files)

    def _files_from_rest(self, info: PullRequestInfo) -> list[ChangedPath]:
        return [
            ChangedPath(path=str(item.get("filename", "")),
                        old_path=item.get("previous_filename") or None,
                        submodule=is_submodule_patch(item.get("patch")))
            for item in self.paged("listing changed files",
                                   f"{repo_path(info.repo)}/pulls/{info.number:d}/files",
                                   limit=FILES_CAP)
        ]

    def _files_from_graphql(self, info: PullRequestInfo,
                            first: snapshot.FilesPage) -> list[ChangedPath] | None:
        """The whole list, the query's first page and then the next ones; None when a page
        holds a rename or copy (REST then reads the list). A page read while the head or
        base was another is no page of this list: that fails (ForgeUnavailable)."""
        what = f"listing the changed files of {info.repo}#{info.number}"
        owner, _, name = info.repo.partition("/")
        changes, page = list(first.paths), first
        while page.cursor is not None and len(changes) < FILES_CAP:
            variables = {"owner": owner, "name": name, "number": info.number,
                         "after": page.cursor}
            data = self.graphql(snapshot.files_query(), variables, what=what,
                                attempts=1 + min(self.retries, 2), backoff=self.backoff)
            where = data.get("repository")
            pull = where.get("pullRequest") if isinstance(where, dict) else None
            if not isinstance(pull, dict):
                raise ForgeUnavailable(what, 404, "Not Found")
            if (pull.get("headRefOid"), pull.get("baseRefOid")) != \
                    (info.head_sha, info.base_sha):
                raise ForgeUnavailable(what, 200, "the pull request's head or base moved "
                                       "while its files were listed")
            found = snapshot.files_page(pull.get("files"))
            if found is None:
                raise ForgeUnavailable(what, 200, "not a list of files")
            if found.renamed:
                return None
            if not found.paths and found.cursor is not None:
                raise ForgeUnavailable(what, 200, "an empty page before the end")
            changes += found.paths
            page = found
        return changes

    def reviews(self, info: PullRequestInfo) -> tuple[ReviewRecord, ...]:
        read = self._snapshot(info)
        if read is not None and read.reviews is not None:
            return read.reviews
        return tuple(
            ReviewRecord(login=str((item.get("user") or {}).get("login") or ""),
                         state=str(item.get("state") or ""),
                         commit_id=item.get("commit_id") or None,
                         is_bot=is_bot(item.get("user")),
                         submitted_at=str(item["submitted_at"]) if item.get("submitted_at")
                         else None)
            for item in self.paged("listing reviews",
                                   f"{repo_path(info.repo)}/pulls/{info.number:d}/reviews")
        )

    def base_changes(self, info: PullRequestInfo) -> tuple[str, ...]:
        """When the base branch was changed: as the query read it, else from REST."""
        read = self._snapshot(info)
        if read is not None and read.base_changes is not None:
            return read.base_changes
        return TimelineMixin.base_changes(self, info)

    def file_at(self, repo: str, path: str, ref: str) -> str | None:
        """A file's text at a commit: the policy the query read at the base tip, else
        REST."""
        self._read_state()
        key = (repo.casefold(), ref, path)
        if key in self._blobs:
            return self._blobs[key]
        return super().file_at(repo, path, ref)

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
        """The branch's tip: as the query read it together with the pull request into it
        (one moment for both), else from REST."""
        self._read_state()
        tip = self._tips.get((repo.casefold(), branch))
        if tip is not None:
            return tip
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
