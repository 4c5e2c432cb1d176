"""The double's GraphQL endpoint."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import graphql

from tests.support import github_contract
from tests.support.github_double.state import (
    _CHANGE_TYPES,
    BOT_LOGIN,
    FILES_CAP,
    Json,
    _blob_sha,
    _Comment,
    _File,
    _iso,
    _Label,
    _node_id,
    _parse_iso,
    _Pull,
    _Repo,
    _Response,
    _Review,
    _User,
)


def _gql_state(pull: _Pull) -> str:
    if pull.merged_at is not None:
        return "MERGED"
    return "CLOSED" if pull.state == "closed" else "OPEN"


def _gql_label(label: _Label) -> dict[str, Any]:
    return {
        "__typename": "Label", "id": _node_id("Label", label.id), "name": label.name,
        "color": label.color, "description": label.description,
        "isDefault": label.default,
    }


def _gql_file(f: _File) -> dict[str, Any]:
    return {
        "__typename": "PullRequestChangedFile", "path": f.filename,
        "additions": f.additions, "deletions": f.deletions,
        "changeType": _CHANGE_TYPES[f.status], "viewerViewedState": "UNVIEWED",
    }


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _uncursor(cursor: str, name: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        return int(text.removeprefix("cursor:v2:"))
    except (ValueError, UnicodeDecodeError):
        raise graphql.GraphQLError(
            f"`{cursor}` does not appear to be a valid cursor for `{name}`."
        ) from None


def _connection(
    info: Any, items: Sequence[Any], build: Callable[[Any], dict[str, Any]], *,
    first: int | None = None, last: int | None = None, after: str | None = None,
    before: str | None = None, **_: Any,
) -> dict[str, Any]:
    """A GraphQL connection over ``items`` with GitHub's pagination rules: ``first`` or
    ``last`` is required and at most 100. Nodes are built only for the page."""
    name = info.field_name
    if first is None and last is None:
        raise graphql.GraphQLError(
            f"You must provide a `first` or `last` value to properly paginate the "
            f"`{name}` connection."
        )
    for arg, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= 100:
            raise graphql.GraphQLError(
                f"Requesting {value} records on the `{name}` connection exceeds the "
                f"`{arg}` limit of 100 records."
            )
    start = _uncursor(after, name) + 1 if after else 0
    end = _uncursor(before, name) if before else len(items)
    lo, hi = start, max(end, start)
    if first is not None:
        hi = min(hi, lo + first)
    if last is not None:
        lo = max(lo, hi - last)
    page = [(i, build(items[i])) for i in range(lo, min(hi, len(items)))]
    return {
        "totalCount": len(items),
        "nodes": [node for _, node in page],
        "edges": [{"cursor": _cursor(i), "node": node} for i, node in page],
        "pageInfo": {
            "hasNextPage": hi < min(end, len(items)), "hasPreviousPage": lo > start or start > 0,
            "startCursor": _cursor(page[0][0]) if page else None,
            "endCursor": _cursor(page[-1][0]) if page else None,
        },
    }


class GraphQLRoutes:
    """GraphQL, executed against GitHub's published schema, over the double's state."""

    def _graphql(self, me: _User, body: Json, bad_json: bool) -> _Response:
        bucket = self._graphql_bucket
        now = int(self.clock().timestamp())
        allowed = bucket.take(now, enforce=self.enforce_rate_limit)
        headers = bucket.headers()
        if self._graphql_rate_limited > 0 or not allowed:
            if allowed:
                self._graphql_rate_limited -= 1
                self.injected.append(("POST", "/graphql", 200))
                headers["X-RateLimit-Reset"] = str(now + self._graphql_reset_in)
            headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Used": str(bucket.limit)})
            who = "installation ID 1" if me.type == "Bot" else f"user ID {me.id}"
            return _Response(200, {"errors": [{
                "type": "RATE_LIMITED", "code": "graphql_rate_limit",
                "message": f"API rate limit exceeded for {who}.",
            }]}, headers)
        if bad_json or not isinstance(body, dict) or not isinstance(body.get("query"), str):
            self._violation(f"GraphQL request without a query string: {body!r:.200}")
            return _Response(200, {"errors": [{
                "message": "A query attribute must be specified and must be a string."
            }]}, headers)
        query: str = body["query"]
        variables = body.get("variables") or {}
        provider = self.graphql_data
        if provider is None:
            data: Any = self.graphql_root(viewer=me.login)
        elif callable(provider):
            data = provider(query, variables)
        else:
            data = provider
        result = github_contract.execute_graphql(
            query, variables, data, operation_name=body.get("operationName")
        )
        formatted = result.formatted
        if result.errors:
            messages = [e.message for e in result.errors]
            self._violation(f"GraphQL query failed against GitHub's schema: {messages}")
            if formatted.get("data") is None:
                formatted.pop("data", None)
        return _Response(200, formatted, headers)

    def graphql_root(self, viewer: str = BOT_LOGIN) -> dict[str, Any]:
        """The default GraphQL ``Query`` root, backed by the double's state: ``repository``
        (``pullRequest(number)``, ``pullRequests(...)``), ``rateLimit``, ``viewer``.
        Wrap or extend it in a ``graphql_data`` callable for fields it does not supply."""

        def repository(info: Any, owner: str, name: str, **_: Any) -> dict[str, Any] | None:
            repo = self._repos.get(f"{owner}/{name}".casefold())
            return None if repo is None else self._gql_repo(repo)

        bucket = self._graphql_bucket.json(int(self.clock().timestamp()))
        return {
            "repository": repository,
            "rateLimit": {
                "limit": bucket["limit"], "cost": 1, "used": bucket["used"],
                "remaining": bucket["remaining"], "nodeCount": 0,
                "resetAt": _iso(datetime.fromtimestamp(bucket["reset"], UTC)),
            },
            "viewer": lambda info, **_: self._gql_actor(self._user(viewer)),
        }

    def _gql_actor(self, user: _User) -> dict[str, Any]:
        kind = "Bot" if user.type == "Bot" else ("Organization" if user.type == "Organization"
                                                 else "User")
        return {
            "__typename": kind, "login": user.login, "id": _node_id(kind, user.id),
            "databaseId": user.id,
            "url": f"{self.root_url}/{user.login}",
            "avatarUrl": lambda info, **_: f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
            "resourcePath": f"/{user.login}",
        }

    def _gql_repo(self, repo: _Repo) -> dict[str, Any]:
        def pull_request(info: Any, number: int) -> dict[str, Any] | None:
            pull = repo.pulls.get(number)
            return None if pull is None else self._gql_pull(pull)

        def pull_requests(info: Any, states: list[str] | None = None,
                          baseRefName: str | None = None, headRefName: str | None = None,
                          labels: list[str] | None = None,
                          orderBy: Mapping[str, str] | None = None,
                          **page: Any) -> dict[str, Any]:
            pulls = list(repo.pulls.values())
            if states:
                pulls = [p for p in pulls if _gql_state(p) in states]
            if baseRefName:
                pulls = [p for p in pulls if p.base_ref == baseRefName]
            if headRefName:
                pulls = [p for p in pulls if p.head_ref == headRefName]
            if labels:
                wanted = {n.casefold() for n in labels}
                pulls = [p for p in pulls if wanted & {lb.name.casefold() for lb in p.labels}]
            if orderBy:
                attr = "updated_at" if orderBy.get("field") == "UPDATED_AT" else "created_at"
                pulls.sort(key=lambda p: (getattr(p, attr), p.number),
                           reverse=orderBy.get("direction") == "DESC")
            else:
                pulls.sort(key=lambda p: p.number)
            return _connection(info, pulls, self._gql_pull, **page)

        return {
            "__typename": "Repository", "id": _node_id("Repository", repo.id),
            "databaseId": repo.id, "name": repo.name, "nameWithOwner": repo.full_name,
            "url": f"{self.root_url}/{repo.full_name}", "isPrivate": repo.private,
            "owner": self._gql_actor(repo.owner),
            "defaultBranchRef": {"name": repo.default_branch,
                                 "prefix": "refs/heads/", "id": _node_id("Ref", repo.id)},
            "pullRequest": pull_request, "pullRequests": pull_requests,
            # GitHub finds a label by name case-insensitively; null when there is none
            "label": lambda info, name, **_: (
                None if (found := repo.labels.get(name.casefold())) is None
                else _gql_label(found)),
        }

    def _gql_pull(self, pull: _Pull) -> dict[str, Any]:
        repo = pull.repo
        url = f"{self.root_url}/{repo.full_name}/pull/{pull.number}"

        def reviews(info: Any, states: list[str] | None = None, author: str | None = None,
                    **page: Any) -> dict[str, Any]:
            items = [r for r in pull.reviews if not states or r.state in states]
            if author:
                items = [r for r in items if r.user.login.casefold() == author.casefold()]
            return _connection(info, items, lambda r: self._gql_review(pull, r), **page)

        def files(info: Any, **page: Any) -> dict[str, Any]:
            return _connection(info, pull.files[:FILES_CAP], _gql_file, **page)

        def labels(info: Any, **page: Any) -> dict[str, Any]:
            return _connection(info, pull.labels, _gql_label, **page)

        def comments(info: Any, **page: Any) -> dict[str, Any]:
            return _connection(info, pull.comments, self._gql_comment, **page)

        def commits(info: Any, **page: Any) -> dict[str, Any]:
            return _connection(info, self._pull_commit_specs(pull), self._gql_pull_commit,
                               **page)

        def timeline(info: Any, itemTypes: list[str] | None = None, since: str | None = None,
                     **page: Any) -> dict[str, Any]:
            events: list[tuple[str, Any]] = [
                (e.created_at, ("event", e)) for e in pull.label_events
            ]
            events += [(r.submitted_at or pull.created_at, ("review", r)) for r in pull.reviews]
            events += [(c.created_at, ("comment", c)) for c in pull.comments]
            events += [(at, ("base", (kind, actor, at))) for kind, actor, at in pull.events
                       if kind in _BASE_EVENTS]
            events.sort(key=lambda item: item[0])
            kinds = {"event": None, "review": "PULL_REQUEST_REVIEW", "comment": "ISSUE_COMMENT"}
            chosen = []
            for at, (what, obj) in events:
                if what == "base":
                    type_name = _BASE_EVENTS[obj[0]][1]
                else:
                    type_name = ("LABELED_EVENT" if obj.kind == "LabeledEvent"
                                 else "UNLABELED_EVENT") if what == "event" else kinds[what]
                if itemTypes and type_name not in itemTypes:
                    continue
                if since and _parse_iso(at) < _parse_iso(since):
                    continue
                chosen.append((what, obj))
            return _connection(info, chosen, self._gql_timeline_item(pull), **page)

        return {
            "__typename": "PullRequest", "id": _node_id("PullRequest", pull.id),
            "databaseId": pull.id, "fullDatabaseId": str(pull.id), "number": pull.number,
            "title": pull.title, "body": pull.body or "", "url": url, "permalink": url,
            "resourcePath": f"/{repo.full_name}/pull/{pull.number}",
            "state": _gql_state(pull), "isDraft": pull.draft,
            "merged": pull.merged_at is not None, "closed": pull.state == "closed",
            "createdAt": pull.created_at, "updatedAt": pull.updated_at,
            "publishedAt": pull.created_at, "closedAt": pull.closed_at,
            "mergedAt": pull.merged_at, "lastEditedAt": None,
            "changedFiles": pull.true_changed_files,
            "additions": sum(f.additions for f in pull.files),
            "deletions": sum(f.deletions for f in pull.files),
            "baseRefName": pull.base_ref, "headRefName": pull.head_ref,
            "baseRefOid": pull.base_sha, "headRefOid": pull.head_sha,
            "author": self._gql_actor(pull.user),
            "authorAssociation": self._association(repo, pull.user),
            "reviews": reviews, "files": files, "labels": labels, "comments": comments,
            "timelineItems": timeline, "commits": commits,
            "repository": lambda info, **_: self._gql_repo(repo),
            "headRepository": lambda info, **_: self._gql_repo(pull.head_repo),
            "isCrossRepository": pull.head_repo is not repo,
            "baseRef": lambda info, **_: self._gql_branch_ref(repo, pull.base_ref),
        }

    def _gql_branch_ref(self, repo: _Repo, branch: str) -> dict[str, Any] | None:
        """A branch as a ``Ref`` whose target is the tip commit, with ``file(path:)`` read
        from the contents served at that commit (None: no such branch tip)."""
        tip = repo.tips.get(branch)
        if tip is None:
            return None

        def file(info: Any, path: str) -> dict[str, Any] | None:
            self.file_reads.append((tip, path.strip("/")))
            data = repo.contents.get((tip, path.strip("/")))
            if data is None:
                return None
            try:
                text: str | None = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            return {
                "__typename": "TreeEntry", "name": path.rsplit("/", 1)[-1], "path": path,
                "object": {"__typename": "Blob", "oid": _blob_sha(data), "text": text,
                           "isBinary": text is None, "isTruncated": False,
                           "byteSize": len(data), "id": _node_id("Blob", tip[:12])},
            }

        return {
            "__typename": "Ref", "id": _node_id("Ref", repo.id), "name": branch,
            "prefix": "refs/heads/",
            "target": {"__typename": "Commit", "id": _node_id("Commit", tip[:12]),
                       "oid": tip, "file": file},
        }

    def _gql_review(self, pull: _Pull, review: _Review) -> dict[str, Any]:
        return {
            "__typename": "PullRequestReview", "id": _node_id("PullRequestReview", review.id),
            "databaseId": review.id, "fullDatabaseId": str(review.id),
            "author": self._gql_actor(review.user), "state": review.state,
            "body": review.body, "submittedAt": review.submitted_at,
            "createdAt": review.submitted_at or pull.created_at,
            "commit": None if review.commit_id is None else {
                "__typename": "Commit", "oid": review.commit_id,
                "id": _node_id("Commit", review.commit_id[:12]),
            },
            "authorAssociation": self._association(pull.repo, review.user),
            "url": f"{self.root_url}/{pull.repo.full_name}/pull/{pull.number}"
                   f"#pullrequestreview-{review.id}",
        }

    def _gql_comment(self, c: _Comment) -> dict[str, Any]:
        return {
            "__typename": "IssueComment", "id": _node_id("IssueComment", c.id),
            "databaseId": c.id, "fullDatabaseId": str(c.id), "body": c.body,
            "author": self._gql_actor(c.user), "createdAt": c.created_at,
            "updatedAt": c.updated_at,
            "url": f"{self.root_url}/{c.repo.full_name}/pull/{c.number}#issuecomment-{c.id}",
        }

    def _gql_timeline_item(self, pull: _Pull) -> Callable[[tuple[str, Any]], dict[str, Any]]:
        def build(item: tuple[str, Any]) -> dict[str, Any]:
            what, obj = item
            if what == "review":
                return self._gql_review(pull, obj)
            if what == "comment":
                return self._gql_comment(obj)
            if what == "base":
                kind, actor, at = obj
                name = _BASE_EVENTS[kind][0]
                return {"__typename": name, "id": _node_id(name, hash(obj) & 0xFFFFFF),
                        "createdAt": at, "actor": self._gql_actor(self._user(actor))}
            return {
                "__typename": obj.kind, "id": _node_id(obj.kind, obj.id),
                "createdAt": obj.created_at, "label": _gql_label(obj.label),
                "actor": self._gql_actor(obj.actor),
            }

        return build


# GitHub's issue events for a base change -> (GraphQL type, timeline item type).
_BASE_EVENTS = {
    "base_ref_changed": ("BaseRefChangedEvent", "BASE_REF_CHANGED_EVENT"),
    "automatic_base_change_succeeded": ("AutomaticBaseChangeSucceededEvent",
                                        "AUTOMATIC_BASE_CHANGE_SUCCEEDED_EVENT"),
}
