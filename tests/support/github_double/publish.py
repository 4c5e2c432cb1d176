"""The double's endpoints for what the action writes: comments, labels, statuses."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from tests.support.github_double.state import (
    _DOCS,
    COMMENT_BODY_MAX,
    LABEL_DESCRIPTION_MAX,
    LABEL_NAME_MAX,
    STATUS_DESCRIPTION_MAX,
    Json,
    _Comment,
    _Fail,
    _github_error,
    _int,
    _Label,
    _LabelEvent,
    _node_id,
    _parse_iso,
    _Pull,
    _Repo,
    _Response,
    _Status,
    _User,
    _validation_failed,
)


class PublishRoutes:
    """What the action writes: comments, labels, commit statuses."""

    def _repo_label(self, repo: _Repo, name: str) -> _Label:
        key = name.casefold()
        label = repo.labels.get(key)
        if label is None:
            label = _Label(id=next(self._ids), name=name, color="ededed", description=None)
            repo.labels[key] = label
        return label

    def _new_comment(
        self, pull: _Pull, body: str, user: _User, created_at: str | None = None
    ) -> _Comment:
        now = created_at or self._now()
        comment = _Comment(
            id=next(self._ids), repo=pull.repo, number=pull.number, body=body, user=user,
            created_at=now, updated_at=now,
        )
        pull.comments.append(comment)
        self._comments[comment.id] = comment
        return comment

    def _label_event(self, pull: _Pull, kind: str, label: _Label, actor: _User) -> None:
        pull.label_events.append(_LabelEvent(
            id=next(self._ids), kind=kind, label=label, actor=actor, created_at=self._now()
        ))

    def _label_json(self, repo: _Repo, label: _Label, *, in_list: bool = False
                    ) -> dict[str, Any]:
        description = label.description
        if in_list and description is None:
            # GitHub sends null; its description types this one field as a plain string
            # in pull-request-simple (the pulls list) only. Deviation: "" there.
            description = ""
        return {
            "id": label.id, "node_id": _node_id("Label", label.id),
            "url": f"{self.base_url}/repos/{repo.full_name}/labels/{quote(label.name, safe='')}",
            "name": label.name, "color": label.color, "default": label.default,
            "description": description,
        }

    def _comment_json(self, c: _Comment) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{c.repo.full_name}"
        url = f"{api}/issues/comments/{c.id}"
        return {
            "url": url,
            "html_url": f"{self.root_url}/{c.repo.full_name}/pull/{c.number}#issuecomment-{c.id}",
            "issue_url": f"{api}/issues/{c.number}", "id": c.id,
            "node_id": _node_id("IssueComment", c.id), "user": self._user_json(c.user),
            "created_at": c.created_at, "updated_at": c.updated_at,
            "author_association": self._association(c.repo, c.user), "body": c.body,
            "reactions": {
                "url": f"{url}/reactions", "total_count": 0, "+1": 0, "-1": 0, "laugh": 0,
                "hooray": 0, "confused": 0, "heart": 0, "rocket": 0, "eyes": 0,
            },
            "performed_via_github_app": None,
        }

    def _status_json(self, repo: _Repo, sha: str, s: _Status, *, simple: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "url": f"{self.base_url}/repos/{repo.full_name}/statuses/{sha}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{s.creator.id}?v=4",
            "id": s.id, "node_id": _node_id("StatusContext", s.id), "state": s.state,
            "description": s.description, "target_url": s.target_url, "context": s.context,
            "created_at": s.created_at, "updated_at": s.updated_at,
        }
        if not simple:
            out["creator"] = self._user_json(s.creator)
        return out

    def _comment_of(self, params: Mapping[str, str]) -> _Comment:
        repo = self._repo_of(params)
        comment = self._comments.get(_int(params["comment_id"], -1))
        if comment is None or comment.repo is not repo:
            raise _Fail(_github_error(404, "Not Found",
                                      docs=f"{_DOCS}/issues/comments#get-an-issue-comment"))
        return comment

    def _get_comment(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                     body: Json, **_: Any) -> _Response:
        return _Response(200, self._comment_json(self._comment_of(params)))

    def _edit_comment(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, **_: Any) -> _Response:
        comment = self._comment_of(params)
        text = body["body"]
        self._check_comment_body(text)
        comment.body = text
        comment.updated_at = self._now()
        return _Response(200, self._comment_json(comment))

    def _delete_comment(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                        body: Json, **_: Any) -> _Response:
        comment = self._comment_of(params)
        pull = comment.repo.pulls[comment.number]
        pull.comments.remove(comment)
        del self._comments[comment.id]
        return _Response(204, None)

    def _list_comments(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                       body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        comments: Sequence[_Comment] = pull.comments
        if "since" in query:
            since = _parse_iso(query["since"])
            comments = [c for c in comments if _parse_iso(c.updated_at) >= since]
        chunk, headers = self._page(comments, query, rel)
        return _Response(200, [self._comment_json(c) for c in chunk], headers)

    def _check_comment_body(self, text: str) -> None:
        if len(text) > COMMENT_BODY_MAX:
            message = f"Body is too long (maximum is {COMMENT_BODY_MAX} characters)"
            self._violation(f"comment body of {len(text)} characters: {message}")
            raise _Fail(_validation_failed(
                message, resource="IssueComment", field="data", code="unprocessable",
                docs=f"{_DOCS}/issues/comments#create-an-issue-comment",
            ))

    def _create_comment(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                        body: Json, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        self._check_comment_body(body["body"])
        comment = self._new_comment(pull, body["body"], me)
        data = self._comment_json(comment)
        return _Response(201, data, {"Location": data["url"]})

    def _labels_response(self, pull: _Pull, query: Mapping[str, str], rel: str,
                         status: int = 200) -> _Response:
        chunk, headers = self._page(pull.labels, query, rel)
        return _Response(status, [self._label_json(pull.repo, lb) for lb in chunk], headers)

    def _list_labels(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                     body: Json, *, rel: str, **_: Any) -> _Response:
        return self._labels_response(self._pull_of(params, "issue_number"), query, rel)

    def _label_names(self, body: Json) -> list[str]:
        raw = body if isinstance(body, list) else (body or {}).get("labels", [])
        names = [x if isinstance(x, str) else x["name"] for x in raw]
        for name in names:
            if len(name) > LABEL_NAME_MAX or not name.strip():
                message = f"name is too long (maximum is {LABEL_NAME_MAX} characters)" \
                    if name.strip() else "name can't be blank"
                self._violation(f"label {name!r}: {message}")
                raise _Fail(_validation_failed(message, resource="Label", field="name",
                                               code="custom", docs=f"{_DOCS}/issues/labels"))
        return names

    def _add_labels(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                    body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        for name in self._label_names(body):
            label = self._repo_label(pull.repo, name)
            if label not in pull.labels:
                pull.labels.append(label)
                self._label_event(pull, "LabeledEvent", label, me)
        return self._labels_response(pull, {}, rel)

    def _set_labels(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                    body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        wanted = [self._repo_label(pull.repo, n) for n in self._label_names(body)]
        for label in [lb for lb in pull.labels if lb not in wanted]:
            pull.labels.remove(label)
            self._label_event(pull, "UnlabeledEvent", label, me)
        for label in wanted:
            if label not in pull.labels:
                pull.labels.append(label)
                self._label_event(pull, "LabeledEvent", label, me)
        return self._labels_response(pull, {}, rel)

    def _remove_all_labels(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                           body: Json, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        for label in list(pull.labels):
            pull.labels.remove(label)
            self._label_event(pull, "UnlabeledEvent", label, me)
        return _Response(204, None)

    def _remove_label(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, *, rel: str, **_: Any) -> _Response:
        pull = self._pull_of(params, "issue_number")
        name = params["name"].casefold()
        for label in pull.labels:
            if label.name.casefold() == name:
                pull.labels.remove(label)
                self._label_event(pull, "UnlabeledEvent", label, me)
                return self._labels_response(pull, {}, rel)
        raise _Fail(_github_error(
            404, "Label does not exist",
            docs=f"{_DOCS}/issues/labels#remove-a-label-from-an-issue",
        ))

    def _get_repo_label(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                        body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        label = repo.labels.get(params["name"].casefold())
        if label is None:
            raise _Fail(_github_error(404, "Not Found",
                                      docs=f"{_DOCS}/issues/labels#get-a-label"))
        return _Response(200, self._label_json(repo, label))

    def _create_repo_label(self, me: _User, params: Mapping[str, str],
                           query: Mapping[str, str], body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        name, docs = self._label_names([body["name"]])[0], f"{_DOCS}/issues/labels#create-a-label"
        color = str(body.get("color") or "ededed").removeprefix("#")
        description = body.get("description")
        if not re.fullmatch(r"[0-9A-Fa-f]{6}", color):
            self._violation(f"label {name!r}: color {color!r} is not a 6-digit hex code")
            raise _Fail(_validation_failed("color is invalid", resource="Label", field="color",
                                           docs=docs))
        if description is not None and len(description) > LABEL_DESCRIPTION_MAX:
            self._violation(f"label {name!r}: description longer than {LABEL_DESCRIPTION_MAX}")
            raise _Fail(_validation_failed(
                f"description is too long (maximum is {LABEL_DESCRIPTION_MAX} characters)",
                resource="Label", field="description", docs=docs))
        if name.casefold() in repo.labels:
            # What GitHub answers when the label exists (names match case-insensitively).
            raise _Fail(_validation_failed("already_exists", resource="Label", field="name",
                                           code="already_exists", docs=docs))
        label = self._repo_label(repo, name)
        label.color, label.description = color.lower(), description
        data = self._label_json(repo, label)
        return _Response(201, data, {"Location": data["url"]})

    def _create_status(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                       body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        sha = params["sha"]
        docs = f"{_DOCS}/commits/statuses#create-a-commit-status"
        description = body.get("description")
        if description is not None and len(description) > STATUS_DESCRIPTION_MAX:
            message = f"description is too long (maximum is {STATUS_DESCRIPTION_MAX} characters)"
            self._violation(f"POST statuses/{sha}: {message}")
            raise _Fail(_validation_failed(message, resource="Status", field="description",
                                           code="custom", docs=docs))
        if sha not in repo.commits:
            raise _Fail(_github_error(422, f"No commit found for SHA: {sha}", docs=docs))
        now = self._now()
        status = _Status(
            id=next(self._ids), state=body["state"], context=body.get("context") or "default",
            description=description, target_url=body.get("target_url"), creator=me,
            created_at=now, updated_at=now,
        )
        repo.statuses.setdefault(sha, []).append(status)
        return _Response(201, self._status_json(repo, sha, status, simple=False))

    def _combined_status(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                         body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        ref = params["ref"]
        sha = ref
        for pull in repo.pulls.values():  # a branch name resolves to its pull's head
            if ref in (pull.head_ref, f"refs/heads/{pull.head_ref}"):
                sha = pull.head_sha
        if sha not in repo.commits:
            raise _Fail(_github_error(
                404, f"No commit found for SHA: {ref}",
                docs=f"{_DOCS}/commits/statuses#get-the-combined-status-for-a-specific-reference",
            ))
        latest: dict[str, _Status] = {}
        for status in repo.statuses.get(sha, []):
            latest[status.context] = status
        states = {s.state for s in latest.values()}
        combined = (
            "failure" if states & {"error", "failure"}
            else "pending" if not states or "pending" in states else "success"
        )
        ordered = sorted(latest.values(), key=lambda s: s.id, reverse=True)
        chunk, headers = self._page(ordered, query, rel, default=100)
        api = f"{self.base_url}/repos/{repo.full_name}"
        minimal = {k: v for k, v in self._repo_json(repo, full=False).items()
                   if k not in ("git_url", "ssh_url", "clone_url", "svn_url", "mirror_url",
                                "homepage", "language", "size", "default_branch")}
        return _Response(200, {
            "state": combined, "sha": sha, "total_count": len(latest),
            "statuses": [self._status_json(repo, sha, s, simple=True) for s in chunk],
            "repository": minimal, "commit_url": f"{api}/commits/{sha}",
            "url": f"{api}/commits/{sha}/status",
        }, headers)
