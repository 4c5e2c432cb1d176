"""The double's pull request endpoints."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from tests.support.github_double.state import (
    _DOCS,
    FILES_CAP,
    FileSpec,
    Json,
    _Commit,
    _Fail,
    _File,
    _github_error,
    _hexsha,
    _int,
    _node_id,
    _Pull,
    _Repo,
    _Response,
    _Review,
    _User,
    _validation_failed,
)


class PullRoutes:
    """Pull requests, their files, reviews and commits' pull requests; compare."""

    @staticmethod
    def _pull(repo: _Repo, number: int) -> _Pull:
        pull = repo.pulls.get(number)
        if pull is None:
            raise KeyError(f"no pull request {repo.full_name}#{number}")
        return pull

    def _file(self, spec: FileSpec, head_sha: str) -> _File:
        if isinstance(spec, str):
            status, old, path = "modified", None, spec
        elif len(spec) == 2:
            status, path = spec[0], spec[1]
            old = None
        elif len(spec) == 3 and spec[0] == "renamed":
            status, old, path = spec
        else:
            raise ValueError(f"bad file spec {spec!r}")
        if status == "submodule":
            digest = hashlib.sha1(f"{head_sha}\0{path}".encode()).digest()
            return _File(status="modified", filename=path, previous_filename=None,
                         additions=1, deletions=1, sha=digest.hex(), submodule=True)
        if status not in ("added", "removed", "modified", "renamed", "copied", "changed"):
            raise ValueError(f"bad file status {status!r}")
        if status == "renamed" and old is None:
            raise ValueError("a renamed file needs ('renamed', old, new)")
        digest = hashlib.sha1(f"{head_sha}\0{path}".encode()).digest()
        adds = 0 if status == "removed" else 1 + digest[0] % 40
        dels = 0 if status in ("added", "renamed") else digest[1] % 20 + (status == "removed")
        return _File(
            status=status, filename=path, previous_filename=old, additions=adds, deletions=dels,
            sha=digest.hex(),
        )

    def _pull_json(self, pull: _Pull, *, simple: bool = False) -> dict[str, Any]:
        repo = pull.repo
        api = f"{self.base_url}/repos/{repo.full_name}"
        url = f"{api}/pulls/{pull.number}"
        html = f"{self.root_url}/{repo.full_name}/pull/{pull.number}"
        issue = f"{api}/issues/{pull.number}"

        def part(ref: str, sha: str, r: _Repo) -> dict[str, Any]:
            return {
                "label": f"{r.owner.login}:{ref}", "ref": ref, "sha": sha,
                "user": self._user_json(r.owner), "repo": self._repo_json(r, full=False),
            }

        out: dict[str, Any] = {
            "url": url, "id": pull.id, "node_id": _node_id("PullRequest", pull.id),
            "html_url": html, "diff_url": f"{html}.diff", "patch_url": f"{html}.patch",
            "issue_url": issue, "number": pull.number, "state": pull.state, "locked": False,
            "title": pull.title, "user": self._user_json(pull.user), "body": pull.body,
            "created_at": pull.created_at, "updated_at": pull.updated_at,
            "closed_at": pull.closed_at, "merged_at": pull.merged_at,
            "merge_commit_sha": _hexsha("merge", repo.full_name, pull.number, pull.head_sha),
            "assignee": None, "assignees": [], "requested_reviewers": [],
            "requested_teams": [],
            "labels": [self._label_json(repo, lb, in_list=simple) for lb in pull.labels],
            "milestone": None, "draft": pull.draft,
            "commits_url": f"{url}/commits", "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{issue}/comments",
            "statuses_url": f"{api}/statuses/{pull.head_sha}",
            "head": part(pull.head_ref, pull.head_sha, pull.head_repo),
            "base": part(pull.base_ref, pull.base_sha, repo),
            "_links": {
                "self": {"href": url}, "html": {"href": html}, "issue": {"href": issue},
                "comments": {"href": f"{issue}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{api}/statuses/{pull.head_sha}"},
            },
            "author_association": self._association(repo, pull.user),
            "auto_merge": None, "active_lock_reason": None,
        }
        if not simple:
            out.update({
                "merged": pull.merged_at is not None,
                "mergeable": None if pull.state == "open" else False,
                "rebaseable": None, "mergeable_state": "unknown",
                "merged_by": self._user_json(repo.owner) if pull.merged_at else None,
                "comments": len(pull.comments), "review_comments": 0,
                "maintainer_can_modify": False,
                "commits": len(self._pull_commit_specs(pull)),
                "additions": sum(f.additions for f in pull.files),
                "deletions": sum(f.deletions for f in pull.files),
                "changed_files": pull.true_changed_files,
            })
        return out

    def _diff_entry(self, pull: _Pull, f: _File) -> dict[str, Any]:
        full = pull.head_repo.full_name
        path = quote(f.filename)
        entry: dict[str, Any] = {
            "sha": f.sha, "filename": f.filename, "status": f.status,
            "additions": f.additions, "deletions": f.deletions,
            "changes": f.additions + f.deletions,
            "blob_url": f"{self.root_url}/{full}/blob/{pull.head_sha}/{path}",
            "raw_url": f"{self.root_url}/{full}/raw/{pull.head_sha}/{path}",
            "contents_url": f"{self.base_url}/repos/{full}/contents/{path}?ref={pull.head_sha}",
        }
        if f.submodule:
            old = hashlib.sha1(f"old\0{f.sha}".encode()).hexdigest()
            entry["patch"] = (f"@@ -1 +1 @@\n-Subproject commit {old}\n"
                              f"+Subproject commit {f.sha}")
        elif f.additions or f.deletions:
            entry["patch"] = f"@@ -1,{f.deletions} +1,{f.additions} @@"
        if f.previous_filename is not None:
            entry["previous_filename"] = f.previous_filename
        return entry

    def _review_json(self, pull: _Pull, review: _Review) -> dict[str, Any]:
        api_pull = f"{self.base_url}/repos/{pull.repo.full_name}/pulls/{pull.number}"
        html = f"{self.root_url}/{pull.repo.full_name}/pull/{pull.number}"
        out: dict[str, Any] = {
            "id": review.id, "node_id": _node_id("PullRequestReview", review.id),
            "user": self._user_json(review.user), "body": review.body, "state": review.state,
            "html_url": f"{html}#pullrequestreview-{review.id}",
            "pull_request_url": api_pull,
            "author_association": self._association(pull.repo, review.user),
            "_links": {"html": {"href": f"{html}#pullrequestreview-{review.id}"},
                       "pull_request": {"href": api_pull}},
            "commit_id": review.commit_id,
        }
        if review.submitted_at is not None:
            out["submitted_at"] = review.submitted_at
        return out

    def _pull_of(self, params: Mapping[str, str], key: str = "pull_number") -> _Pull:
        repo = self._repo_of(params)
        number = _int(params[key], -1)
        pull = repo.pulls.get(number)
        if pull is None:
            raise _Fail(_github_error(404, "Not Found", docs=f"{_DOCS}/pulls/pulls"))
        return pull

    def _list_pulls(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                    body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        state = query.get("state", "open")
        sort = query.get("sort", "created")
        direction = query.get("direction", "desc" if sort == "created" else "asc")
        if state not in ("open", "closed", "all") or direction not in ("asc", "desc") \
                or sort not in ("created", "updated", "popularity", "long-running"):
            self._violation(f"GET {rel}: invalid state/sort/direction {dict(query)}")
            raise _Fail(_validation_failed("Validation Failed", docs=f"{_DOCS}/pulls/pulls"))
        pulls = [p for p in repo.pulls.values() if state == "all" or p.state == state]
        if "base" in query:
            pulls = [p for p in pulls if p.base_ref == query["base"]]
        if "head" in query:
            owner, _sep, ref = query["head"].partition(":")
            pulls = [p for p in pulls
                     if p.head_repo.owner.login.casefold() == owner.casefold()
                     and (not ref or p.head_ref == ref)]
        keyf: Callable[[_Pull], Any] = {
            "created": lambda p: (p.created_at, p.number),
            "updated": lambda p: (p.updated_at, p.number),
            "popularity": lambda p: (len(p.comments), p.number),
            "long-running": lambda p: (p.created_at, p.number),
        }[sort]
        pulls.sort(key=keyf, reverse=direction == "desc")
        chunk, headers = self._page(pulls, query, rel)
        return _Response(200, [self._pull_json(p, simple=True) for p in chunk], headers)

    def _get_pull(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                  body: Json, **_: Any) -> _Response:
        return _Response(200, self._pull_json(self._pull_of(params)))

    def _list_files(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                    body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params)
        listed = pull.files[:FILES_CAP]
        chunk, headers = self._page(listed, query, rel)
        return _Response(200, [self._diff_entry(pull, f) for f in chunk], headers)

    def _list_reviews(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params)
        visible = [r for r in pull.reviews if r.state != "PENDING" or r.user is me]
        chunk, headers = self._page(visible, query, rel)
        return _Response(200, [self._review_json(pull, r) for r in chunk], headers)

    def _graph_commit_json(self, repo: _Repo, sha: str) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{repo.full_name}"
        html = f"{self.root_url}/{repo.full_name}"
        c = repo.history.get(sha) or _Commit(sha, "commit", (), repo.created_at)
        person = {"name": "octocat", "email": "octocat@example.com", "date": c.date}
        tree = _hexsha("tree", sha)
        return {
            "url": f"{api}/commits/{sha}", "sha": sha, "node_id": _node_id("Commit", sha),
            "html_url": f"{html}/commit/{sha}", "comments_url": f"{api}/commits/{sha}/comments",
            "commit": {
                "url": f"{api}/git/commits/{sha}", "author": person, "committer": person,
                "message": c.message, "comment_count": 0,
                "tree": {"sha": tree, "url": f"{api}/git/trees/{tree}"},
                "verification": {"verified": False, "reason": "unsigned", "payload": None,
                                 "signature": None, "verified_at": None},
            },
            "author": None, "committer": None,
            "parents": [{"sha": p, "url": f"{api}/commits/{p}", "html_url": f"{html}/commit/{p}"}
                        for p in c.parents],
        }

    def _ancestors(self, repo: _Repo, sha: str) -> list[str]:
        """``sha`` and its ancestors in the commit graph, parents before children."""
        seen: set[str] = set()
        order: list[str] = []
        stack: list[tuple[str, bool]] = [(sha, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            c = repo.history.get(node)
            for parent in reversed(c.parents if c else ()):
                stack.append((parent, False))
        return order

    def _commit_pulls(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        sha = params["commit_sha"]
        if sha not in repo.commits:
            raise _Fail(_github_error(
                422, f"No commit found for SHA: {sha}",
                docs=f"{_DOCS}/commits/commits#list-pull-requests-associated-with-a-commit"))
        # GitHub associates a commit with the pull requests whose head it is (open, closed
        # or merged); the double keeps no per-pull commit list beyond the head.
        pulls = sorted((p for p in repo.pulls.values() if p.head_sha == sha),
                       key=lambda p: p.number, reverse=True)
        chunk, headers = self._page(pulls, query, rel)
        return _Response(200, [self._pull_json(p, simple=True) for p in chunk], headers)

    def _compare(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                 body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        base, sep, head = params["basehead"].partition("...")
        docs = f"{_DOCS}/commits/commits#compare-two-commits"
        if not sep or base not in repo.commits or head not in repo.commits:
            raise _Fail(_github_error(404, "Not Found", docs=docs))
        behind_set = set(self._ancestors(repo, base))
        head_line = self._ancestors(repo, head)
        ahead = [sha for sha in head_line if sha not in behind_set]
        behind = behind_set - set(head_line)
        common = [sha for sha in head_line if sha in behind_set]
        if not common:
            raise _Fail(_github_error(404, f"No common ancestor between {base} and {head}.",
                                      docs=docs))
        status = ("identical" if not ahead and not behind else "ahead" if not behind
                  else "behind" if not ahead else "diverged")
        chunk, headers = self._page(ahead, query, rel, default=250)
        html = f"{self.root_url}/{repo.full_name}/compare/{base}...{head}"
        return _Response(200, {
            "url": f"{self.base_url}/repos/{repo.full_name}/compare/{base}...{head}",
            "html_url": html, "permalink_url": html, "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch", "base_commit": self._graph_commit_json(repo, base),
            "merge_base_commit": self._graph_commit_json(repo, common[-1]), "status": status,
            "ahead_by": len(ahead), "behind_by": len(behind), "total_commits": len(ahead),
            "commits": [self._graph_commit_json(repo, sha) for sha in chunk],
        }, headers)
