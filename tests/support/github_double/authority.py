"""The GitHub test double's authority endpoints: a pull request's commits, collaborator
permissions, issues (approval records) and their label events, check runs, and teams.

A mixin of ``FakeGitHub`` (``tests.support.github_double``); every response it builds is
checked against GitHub's OpenAPI description like the others. Shapes follow GitHub's:
``role_name`` next to the legacy ``permission`` (maintain reads as write, triage as read),
commits with git's author and committer beside the linked accounts (``null`` when GitHub
linked none), label events with their actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

# GitHub's legacy permission for each role (the `permission` field of the response).
_LEGACY = {"admin": "admin", "maintain": "write", "write": "write", "triage": "read",
           "read": "read", "none": "none"}
_DOCS = "https://docs.github.com/rest"


@dataclass
class CommitSpec:
    sha: str
    message: str
    author: str | None  # linked account login (None: GitHub linked none)
    committer: str | None
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    verified: bool = False
    parents: tuple[str, ...] = ()


@dataclass
class IssueSpec:
    number: int
    id: int
    title: str
    body: str
    author: str
    labels: list[str] = field(default_factory=list)
    events: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, label, actor, at
    is_pull_request: bool = False


@dataclass
class CheckRunSpec:
    id: int
    name: str
    status: str
    conclusion: str | None
    started_at: str


class AuthorityDouble:
    """Seeding and routes; relies on FakeGitHub's helpers (``_repo``, ``_user``, ...)."""

    def _authority_state(self) -> dict[str, Any]:
        state = self.__dict__.get("_authority")
        if state is None:
            state = {"commits": {}, "permissions": {}, "issues": {}, "checks": {},
                     "custom_roles": {}, "team_read_status": None}
            self.__dict__["_authority"] = state
        return state

    # --- seeding ----------------------------------------------------------------------

    def set_commits(self, repo: str, number: int, commits: list[dict[str, Any]]) -> None:
        """The pull request's commits, oldest first: dicts with ``sha``, ``message``,
        ``author`` (a login or None), ``committer`` (default: the author), and optional
        ``author_name``/``author_email``/``committer_name``/``committer_email``."""
        specs = []
        with self._lock:  # type: ignore[attr-defined]
            pull = self._pull(self._repo(repo), number)  # type: ignore[attr-defined]
            for index, item in enumerate(commits):
                author = item.get("author", pull.user.login)
                committer = item.get("committer", author)
                for login in (author, committer):
                    if login:
                        self._user(login)  # type: ignore[attr-defined]
                sha = item.get("sha") or (pull.head_sha if index == len(commits) - 1
                                          else f"{index + 1:x}".rjust(40, "d"))
                specs.append(CommitSpec(
                    sha=sha, message=item.get("message", "change"),
                    author=author, committer=committer,
                    author_name=item.get("author_name", author or "Someone"),
                    author_email=item.get("author_email", f"{author or 'someone'}@example.com"),
                    committer_name=item.get("committer_name", committer or "Someone"),
                    committer_email=item.get("committer_email",
                                             f"{committer or 'someone'}@example.com"),
                    # GitHub signs what it commits itself (web edits, bots' API commits).
                    verified=item.get("verified", committer == "web-flow"
                                      or bool(committer and committer.endswith("[bot]"))),
                    parents=tuple(item.get("parents", ())),
                ))
            self._authority_state()["commits"][(repo.casefold(), number)] = specs

    def set_permission(self, repo: str, login: str, role: str, *, base: str | None = None,
                       ) -> None:
        """``login``'s role on ``repo``: admin, maintain, write, triage, read or none; or an
        organisation's custom role by name, with the ``base`` role it builds on."""
        if role not in _LEGACY and base not in _LEGACY:
            raise ValueError(f"not a repository role: {role!r} (a custom one needs base=)")
        if role not in _LEGACY:
            # A custom role: GitHub reports its base as the legacy permission.
            self._authority_state()["custom_roles"][role] = _LEGACY[base or "none"]
        with self._lock:  # type: ignore[attr-defined]
            self._repo(repo)  # type: ignore[attr-defined]
            self._user(login)  # type: ignore[attr-defined]
            self._authority_state()["permissions"][(repo.casefold(), login.casefold())] = role

    def add_issue(self, repo: str, number: int, *, title: str, body: str,
                  author: str = "octocat", is_pull_request: bool = False) -> None:
        with self._lock:  # type: ignore[attr-defined]
            self._repo(repo)  # type: ignore[attr-defined]
            self._user(author)  # type: ignore[attr-defined]
            issues = self._authority_state()["issues"]
            issues[(repo.casefold(), number)] = IssueSpec(
                number=number, id=next(self._ids), title=title, body=body,  # type: ignore[attr-defined]
                author=author, is_pull_request=is_pull_request)

    def label_issue(self, repo: str, number: int, label: str, actor: str,
                    *, actor_type: str | None = None) -> None:
        with self._lock:  # type: ignore[attr-defined]
            self._user(actor, actor_type)  # type: ignore[attr-defined]
            issue = self._authority_state()["issues"][(repo.casefold(), number)]
            if label not in issue.labels:
                issue.labels.append(label)
            issue.events.append(("labeled", label, actor, self._now()))  # type: ignore[attr-defined]

    def unlabel_issue(self, repo: str, number: int, label: str, actor: str) -> None:
        with self._lock:  # type: ignore[attr-defined]
            issue = self._authority_state()["issues"][(repo.casefold(), number)]
            issue.labels = [name for name in issue.labels if name != label]
            issue.events.append(("unlabeled", label, actor, self._now()))  # type: ignore[attr-defined]

    def edit_issue(self, repo: str, number: int, *, body: str) -> None:
        """Replace an issue's body (its labels and their history stay)."""
        with self._lock:  # type: ignore[attr-defined]
            self._authority_state()["issues"][(repo.casefold(), number)].body = body

    def add_check_run(self, repo: str, sha: str, name: str, status: str = "completed",
                      conclusion: str | None = "success") -> None:
        if status not in ("queued", "in_progress", "completed", "waiting", "requested",
                          "pending"):
            raise ValueError(f"not a check run status: {status!r}")
        with self._lock:  # type: ignore[attr-defined]
            self._repo(repo).commits.add(sha)  # type: ignore[attr-defined]
            runs = self._authority_state()["checks"].setdefault((repo.casefold(), sha), [])
            runs.append(CheckRunSpec(id=next(self._ids), name=name, status=status,  # type: ignore[attr-defined]
                                     conclusion=conclusion if status == "completed" else None,
                                     started_at=self._now()))  # type: ignore[attr-defined]

    def hide_repository(self, repo: str) -> None:
        """Answer every read of ``repo`` with 404, as GitHub answers a token that cannot see
        a private repository (the workflow's GITHUB_TOKEN, for another repository)."""
        self._authority_state().setdefault("hidden", set()).add(repo.casefold())

    def _hidden(self, full_name: str) -> bool:
        return full_name.casefold() in self._authority_state().get("hidden", set())

    def deny_team_reads(self, status: int = 403) -> None:
        """Answer team reads as GitHub answers a token that may not read the organization's
        teams (the workflow's GITHUB_TOKEN): 403 "Resource not accessible by integration"."""
        self._authority_state()["team_read_status"] = status

    # --- routes -------------------------------------------------------------------------

    def _list_pull_commits(self, me: Any, params: Any, query: Any, body: Any, *, rel: str,
                           **_: Any) -> Any:
        from tests.support.github_double.state import _Response

        pull = self._pull_of(params)  # type: ignore[attr-defined]
        specs = self._pull_commit_specs(pull)
        # GitHub lists at most 250 commits of a pull request.
        chunk, headers = self._page(specs[:250], query, rel)  # type: ignore[attr-defined]
        return _Response(200, [self._commit_json(pull.repo, s) for s in chunk], headers)

    def _pull_commit_specs(self, pull: Any) -> list[CommitSpec]:
        seeded = self._authority_state()["commits"].get(
            (pull.repo.full_name.casefold(), pull.number))
        if seeded is not None:
            return list(seeded)
        login = pull.user.login
        return [CommitSpec(sha=pull.head_sha, message="change", author=login, committer=login,
                           author_name=login, author_email=f"{login}@example.com",
                           committer_name=login, committer_email=f"{login}@example.com",
                           verified=login.endswith("[bot]"))]

    def _commit_json(self, repo: Any, spec: CommitSpec) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{repo.full_name}"  # type: ignore[attr-defined]
        html = f"{self.root_url}/{repo.full_name}"  # type: ignore[attr-defined]
        when = "2026-11-20T10:00:00Z"

        def account(login: str | None) -> dict[str, Any] | None:
            return self._user_json(self._user(login)) if login else None  # type: ignore[attr-defined]

        return {
            "url": f"{api}/commits/{spec.sha}", "sha": spec.sha,
            "node_id": f"C_{spec.sha[:20]}", "html_url": f"{html}/commit/{spec.sha}",
            "comments_url": f"{api}/commits/{spec.sha}/comments",
            "commit": {
                "url": f"{api}/git/commits/{spec.sha}",
                "author": {"name": spec.author_name, "email": spec.author_email, "date": when},
                "committer": {"name": spec.committer_name, "email": spec.committer_email,
                              "date": when},
                "message": spec.message, "comment_count": 0,
                "tree": {"sha": "e" * 40, "url": f"{api}/git/trees/{'e' * 40}"},
                "verification": {
                    "verified": spec.verified,
                    "reason": "valid" if spec.verified else "unsigned",
                    "payload": None, "signature": None, "verified_at": None},
            },
            "author": account(spec.author), "committer": account(spec.committer),
            "parents": [{"sha": p, "url": f"{api}/commits/{p}", "html_url": f"{html}/commit/{p}"}
                        for p in spec.parents],
        }

    def _gql_pull_commit(self, spec: CommitSpec) -> dict[str, Any]:
        def actor(name: str, email: str, login: str | None) -> dict[str, Any]:
            # GitHub links a git identity to a User; bots and unlinked emails have none.
            user = None if not login or login.endswith("[bot]") else {
                "__typename": "User", "login": self._user(login).login}  # type: ignore[attr-defined]
            return {"__typename": "GitActor", "name": name, "email": email, "user": user}

        return {
            "__typename": "PullRequestCommit", "id": f"PRC_{spec.sha[:20]}",
            "commit": {
                "__typename": "Commit", "id": f"C_{spec.sha[:20]}", "oid": spec.sha,
                "message": spec.message,
                "author": actor(spec.author_name, spec.author_email, spec.author),
                "committer": actor(spec.committer_name, spec.committer_email, spec.committer),
            },
        }

    def _collaborator_permission(self, me: Any, params: Any, query: Any, body: Any,
                                 **_: Any) -> Any:
        from tests.support.github_double.state import _Fail, _github_error, _Response

        repo = self._repo_of(params)  # type: ignore[attr-defined]
        login = params["username"]
        if login.casefold() not in self._users:  # type: ignore[attr-defined]
            raise _Fail(_github_error(404, "Not Found", docs=f"{_DOCS}/collaborators"))
        role = self._authority_state()["permissions"].get(
            (repo.full_name.casefold(), login.casefold()))
        if role is None:
            # An account that is no collaborator: read on a public repository.
            role = "none" if repo.private else "read"
        user = dict(self._user_json(self._user(login)))  # type: ignore[attr-defined]
        user["role_name"] = role
        legacy = _LEGACY.get(role) or self._authority_state()["custom_roles"][role]
        return _Response(200, {"permission": legacy, "role_name": role, "user": user})

    def _get_issue(self, me: Any, params: Any, query: Any, body: Any, **_: Any) -> Any:
        from tests.support.github_double.state import _Fail, _github_error, _Response

        repo = self._repo_of(params)  # type: ignore[attr-defined]
        issue = self._authority_state()["issues"].get(
            (repo.full_name.casefold(), int(params["issue_number"])))
        if issue is None:
            raise _Fail(_github_error(404, "Not Found", docs=f"{_DOCS}/issues/issues"))
        return _Response(200, self._issue_json(repo, issue))

    def _issue_json(self, repo: Any, issue: IssueSpec) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{repo.full_name}"  # type: ignore[attr-defined]
        html = f"{self.root_url}/{repo.full_name}"  # type: ignore[attr-defined]
        url = f"{api}/issues/{issue.number}"
        out: dict[str, Any] = {
            "id": issue.id, "node_id": f"I_{issue.id}", "url": url,
            "repository_url": api, "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments", "events_url": f"{url}/events",
            "html_url": f"{html}/{'pull' if issue.is_pull_request else 'issues'}/"
                        f"{issue.number}",
            "number": issue.number, "state": "open", "title": issue.title, "body": issue.body,
            "user": self._user_json(self._user(issue.author)),  # type: ignore[attr-defined]
            "labels": [self._label_json(repo, self._repo_label(repo, name))  # type: ignore[attr-defined]
                       for name in issue.labels],
            "assignee": None, "assignees": [], "milestone": None, "locked": False,
            "comments": 0, "closed_at": None, "created_at": "2026-11-19T09:00:00Z",
            "updated_at": "2026-11-19T09:00:00Z", "author_association": "MEMBER",
        }
        if issue.is_pull_request:
            out["pull_request"] = {"url": f"{api}/pulls/{issue.number}",
                                   "html_url": f"{html}/pull/{issue.number}",
                                   "diff_url": f"{html}/pull/{issue.number}.diff",
                                   "patch_url": f"{html}/pull/{issue.number}.patch"}
        return out

    def _list_issue_events(self, me: Any, params: Any, query: Any, body: Any, *, rel: str,
                           **_: Any) -> Any:
        from tests.support.github_double.state import _Fail, _github_error, _Response

        repo = self._repo_of(params)  # type: ignore[attr-defined]
        issue = self._authority_state()["issues"].get(
            (repo.full_name.casefold(), int(params["issue_number"])))
        api = f"{self.base_url}/repos/{repo.full_name}"  # type: ignore[attr-defined]
        pull = repo.pulls.get(int(params["issue_number"]))
        if issue is None and pull is not None:
            # A pull request is an issue: its events, base changes among them.
            listed = []
            for index, (kind, actor, at) in enumerate(pull.events):
                ident = pull.id * 100 + index
                listed.append({
                    "id": ident, "node_id": f"E_{ident}", "url": f"{api}/issues/events/{ident}",
                    "actor": self._user_json(self._user(actor)),  # type: ignore[attr-defined]
                    "event": kind, "commit_id": None, "commit_url": None, "created_at": at,
                    "performed_via_github_app": None,
                })
            chunk, headers = self._page(listed, query, rel)  # type: ignore[attr-defined]
            return _Response(200, list(chunk), headers)
        if issue is None:
            raise _Fail(_github_error(404, "Not Found", docs=f"{_DOCS}/issues/events"))
        events = []
        for index, (kind, label, actor, at) in enumerate(issue.events):
            ident = issue.id * 100 + index
            color = self._repo_label(repo, label).color  # type: ignore[attr-defined]
            events.append({
                "id": ident, "node_id": f"LE_{ident}", "url": f"{api}/issues/events/{ident}",
                "actor": self._user_json(self._user(actor)),  # type: ignore[attr-defined]
                "event": kind, "commit_id": None, "commit_url": None, "created_at": at,
                "performed_via_github_app": None, "label": {"name": label, "color": color},
            })
        chunk, headers = self._page(events, query, rel)  # type: ignore[attr-defined]
        return _Response(200, list(chunk), headers)

    def _list_check_runs(self, me: Any, params: Any, query: Any, body: Any, *, rel: str,
                         **_: Any) -> Any:
        from tests.support.github_double.state import _Response

        repo = self._repo_of(params)  # type: ignore[attr-defined]
        sha = params["ref"]
        runs = list(self._authority_state()["checks"].get((repo.full_name.casefold(), sha), []))
        if "check_name" in query:
            runs = [r for r in runs if r.name == query["check_name"]]
        if query.get("filter", "latest") == "latest":
            newest: dict[str, CheckRunSpec] = {}
            for run in runs:
                newest[run.name] = run
            runs = list(newest.values())
        runs.reverse()
        chunk, headers = self._page(runs, query, rel)  # type: ignore[attr-defined]
        return _Response(200, {"total_count": len(runs),
                               "check_runs": [self._check_run_json(repo, sha, r)
                                              for r in chunk]}, headers)

    def _check_run_json(self, repo: Any, sha: str, run: CheckRunSpec) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{repo.full_name}"  # type: ignore[attr-defined]
        html = f"{self.root_url}/{repo.full_name}"  # type: ignore[attr-defined]
        app_owner = self._user_json(self._user("github", "Organization"))  # type: ignore[attr-defined]
        return {
            "id": run.id, "node_id": f"CR_{run.id}", "head_sha": sha, "name": run.name,
            "url": f"{api}/check-runs/{run.id}", "html_url": f"{html}/runs/{run.id}",
            "details_url": f"{html}/actions/runs/{run.id}", "status": run.status,
            "conclusion": run.conclusion, "started_at": run.started_at,
            "completed_at": run.started_at if run.status == "completed" else None,
            "external_id": str(run.id), "check_suite": {"id": run.id + 1},
            "output": {"title": None, "summary": None, "text": None, "annotations_count": 0,
                       "annotations_url": f"{api}/check-runs/{run.id}/annotations"},
            "app": {"id": 15368, "slug": "github-actions", "node_id": "MDM6QXBwMTUzNjg=",
                    "owner": app_owner, "name": "GitHub Actions", "description": "",
                    "external_url": "https://help.github.com/en/actions",
                    "html_url": f"{self.root_url}/apps/github-actions",  # type: ignore[attr-defined]
                    "created_at": "2018-07-30T09:30:17Z", "updated_at": "2024-04-10T20:33:16Z",
                    "permissions": {}, "events": []},
            "pull_requests": [],
        }

    def _get_team(self, me: Any, params: Any, query: Any, body: Any, **_: Any) -> Any:
        from tests.support.github_double.state import _Fail, _github_error, _Response

        denied = self._authority_state()["team_read_status"]
        if denied is not None:
            message = "Resource not accessible by integration" if denied == 403 else "Not Found"
            raise _Fail(_github_error(denied, message, docs=f"{_DOCS}/teams/teams"))
        org, slug = params["org"].casefold(), params["team_slug"].casefold()
        key = (org, slug)
        if key not in self._teams:  # type: ignore[attr-defined]
            raise _Fail(_github_error(404, "Not Found", docs=f"{_DOCS}/teams/teams"))
        team_id, org_id = self._team_ids[key], self._org_ids[org]  # type: ignore[attr-defined]
        base = self.base_url  # type: ignore[attr-defined]
        org_api = f"{base}/orgs/{quote(params['org'])}"
        return _Response(200, {
            "id": team_id, "node_id": f"T_{team_id}", "url": f"{base}/organizations/{org_id}"
            f"/team/{team_id}", "members_url": f"{base}/organizations/{org_id}/team/{team_id}"
            "/members{/member}", "name": params["team_slug"], "description": None,
            "permission": "pull", "privacy": "closed", "notification_setting":
            "notifications_enabled", "html_url": f"{self.root_url}/orgs/{params['org']}"  # type: ignore[attr-defined]
            f"/teams/{params['team_slug']}", "repositories_url":
            f"{base}/organizations/{org_id}/team/{team_id}/repos", "slug": params["team_slug"],
            "type": "organization", "parent": None, "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "members_count": len(self._teams[key]), "repos_count": 1,  # type: ignore[attr-defined]
            "organization": {
                "login": params["org"], "id": org_id, "node_id": f"O_{org_id}", "url": org_api,
                "repos_url": f"{org_api}/repos", "events_url": f"{org_api}/events",
                "hooks_url": f"{org_api}/hooks", "issues_url": f"{org_api}/issues",
                "members_url": f"{org_api}/members{{/member}}",
                "public_members_url": f"{org_api}/public_members{{/member}}",
                "avatar_url": f"https://avatars.githubusercontent.com/u/{org_id}?v=4",
                "description": None, "html_url": f"{self.root_url}/{params['org']}",  # type: ignore[attr-defined]
                "has_organization_projects": True, "has_repository_projects": True,
                "public_repos": 1, "public_gists": 0, "followers": 0, "following": 0,
                "type": "Organization", "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z", "archived_at": None,
            },
        })


AUTHORITY_ROUTES = (
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits", "_list_pull_commits"),
    ("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission",
     "_collaborator_permission"),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}", "_get_issue"),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/events", "_list_issue_events"),
    ("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs", "_list_check_runs"),
    ("GET", "/orgs/{org}/teams/{team_slug}", "_get_team"),
)
