"""Users and repositories as the double's REST responses show them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.support.github_double.state import (
    _node_id,
    _Repo,
    _User,
)


class Accounts:
    """Users and repositories as GitHub's REST API shows them."""

    def _user_json(self, user: _User) -> dict[str, Any]:
        api = f"{self.base_url}/users/{quote(user.login)}"
        html = (
            f"{self.root_url}/apps/{user.login.removesuffix('[bot]')}"
            if user.type == "Bot" else f"{self.root_url}/{user.login}"
        )
        return {
            "login": user.login, "id": user.id, "node_id": _node_id(user.type, user.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
            "gravatar_id": "", "url": api, "html_url": html,
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs", "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events", "type": user.type,
            "user_view_type": "public", "site_admin": False,
        }

    def _repo_json(self, repo: _Repo, *, full: bool) -> dict[str, Any]:
        key = (repo.id, full)
        cached = self._repo_json_cache.get(key)
        if cached is not None:
            return cached
        api = f"{self.base_url}/repos/{repo.full_name}"
        html = f"{self.root_url}/{repo.full_name}"
        host = f"127.0.0.1:{self.port}"
        out: dict[str, Any] = {
            "id": repo.id, "node_id": _node_id("Repository", repo.id), "name": repo.name,
            "full_name": repo.full_name, "private": repo.private,
            "owner": self._user_json(repo.owner), "html_url": html, "description": None,
            "fork": False, "url": api,
            "forks_url": f"{api}/forks", "keys_url": f"{api}/keys{{/key_id}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "teams_url": f"{api}/teams", "hooks_url": f"{api}/hooks",
            "issue_events_url": f"{api}/issues/events{{/number}}",
            "events_url": f"{api}/events", "assignees_url": f"{api}/assignees{{/user}}",
            "branches_url": f"{api}/branches{{/branch}}", "tags_url": f"{api}/tags",
            "blobs_url": f"{api}/git/blobs{{/sha}}", "git_tags_url": f"{api}/git/tags{{/sha}}",
            "git_refs_url": f"{api}/git/refs{{/sha}}", "trees_url": f"{api}/git/trees{{/sha}}",
            "statuses_url": f"{api}/statuses/{{sha}}", "languages_url": f"{api}/languages",
            "stargazers_url": f"{api}/stargazers", "contributors_url": f"{api}/contributors",
            "subscribers_url": f"{api}/subscribers", "subscription_url": f"{api}/subscription",
            "commits_url": f"{api}/commits{{/sha}}",
            "git_commits_url": f"{api}/git/commits{{/sha}}",
            "comments_url": f"{api}/comments{{/number}}",
            "issue_comment_url": f"{api}/issues/comments{{/number}}",
            "contents_url": f"{api}/contents/{{+path}}",
            "compare_url": f"{api}/compare/{{base}}...{{head}}", "merges_url": f"{api}/merges",
            "archive_url": f"{api}/{{archive_format}}{{/ref}}",
            "downloads_url": f"{api}/downloads", "issues_url": f"{api}/issues{{/number}}",
            "pulls_url": f"{api}/pulls{{/number}}",
            "milestones_url": f"{api}/milestones{{/number}}",
            "notifications_url": f"{api}/notifications{{?since,all,participating}}",
            "labels_url": f"{api}/labels{{/name}}", "releases_url": f"{api}/releases{{/id}}",
            "deployments_url": f"{api}/deployments",
            "created_at": repo.created_at, "updated_at": repo.created_at,
            "pushed_at": repo.created_at,
            "git_url": f"git://{host}/{repo.full_name}.git",
            "ssh_url": f"git@{host}:{repo.full_name}.git", "clone_url": f"{html}.git",
            "svn_url": html, "homepage": None, "size": 1024, "stargazers_count": 0,
            "watchers_count": 0, "language": "Python", "has_issues": True,
            "has_projects": True, "has_downloads": True, "has_wiki": True,
            "has_pages": False, "has_discussions": False, "forks_count": 0,
            "mirror_url": None, "archived": False, "disabled": False,
            "open_issues_count": sum(p.state == "open" for p in repo.pulls.values()),
            "license": None, "allow_forking": True, "is_template": False,
            "web_commit_signoff_required": False, "topics": [],
            "visibility": "private" if repo.private else "public", "forks": 0,
            "open_issues": sum(p.state == "open" for p in repo.pulls.values()),
            "watchers": 0, "default_branch": repo.default_branch,
        }
        if full:
            out.update({
                "permissions": {"admin": False, "maintain": False, "push": True,
                                "triage": True, "pull": True},
                "allow_squash_merge": True, "allow_merge_commit": True,
                "allow_rebase_merge": True, "allow_auto_merge": False,
                "delete_branch_on_merge": False, "allow_update_branch": False,
                "network_count": 0, "subscribers_count": 0,
            })
            if repo.owner.type == "Organization":
                out["organization"] = self._user_json(repo.owner)
        else:
            # Counts move as pulls open/close; only the full form is refreshed per call.
            self._repo_json_cache[key] = out
        return out

    def _association(self, repo: _Repo, user: _User) -> str:
        if user.login.casefold() == repo.owner.login.casefold():
            return "OWNER"
        if user.type == "Bot":
            return "NONE"
        if any(user.login.casefold() in members for members in self._teams.values()):
            return "MEMBER"
        return "CONTRIBUTOR"
