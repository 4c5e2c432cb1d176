"""The double's settings and contents endpoints."""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from tests.support.github_double.state import (
    _DOCS,
    LARGE_FILE,
    Json,
    _blob_sha,
    _Bucket,
    _Fail,
    _github_error,
    _hexsha,
    _node_id,
    _Repo,
    _Response,
    _User,
    _wrap64,
)


class SettingsRoutes:
    """Repository settings and contents: branch protection, rulesets, branches, refs,
workflows, contents, team membership, rate limit."""

    def _get_rate_limit(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                        body: Json, **_: Any) -> _Response:
        now = int(self.clock().timestamp())
        core = self._core.json(now)
        return _Response(200, {
            "resources": {
                "core": core, "search": _Bucket("search", 30).json(now),
                "graphql": self._graphql_bucket.json(now),
                "integration_manifest": _Bucket("integration_manifest", 5000).json(now),
                "code_search": _Bucket("code_search", 10).json(now),
            },
            "rate": core,
        })

    def _get_repo(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                  body: Json, **_: Any) -> _Response:
        return _Response(200, self._repo_json(self._repo_of(params), full=True))

    def _get_contents(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        path = params["path"].strip("/")
        ref = query.get("ref") or repo.default_branch
        docs = f"{_DOCS}/repos/contents#get-repository-content"
        self.file_reads.append((ref, path))
        data = repo.contents.get((ref, path))
        if data is not None:
            return _Response(200, self._content_json(repo, ref, path, data, with_content=True))
        prefix = path + "/"
        children = sorted({
            p[len(prefix):].split("/", 1)[0] + ("/" if "/" in p[len(prefix):] else "")
            for (r, p) in repo.contents if r == ref and p.startswith(prefix)
        })
        if not children:
            raise _Fail(_github_error(404, "Not Found", docs=docs))
        listing = []
        for child in children:
            name = child.rstrip("/")
            full = f"{path}/{name}"
            if child.endswith("/"):
                listing.append(self._dir_json(repo, ref, full))
            else:
                listing.append(self._content_json(
                    repo, ref, full, repo.contents[(ref, full)], with_content=False
                ))
        return _Response(200, listing)

    def _content_links(self, repo: _Repo, ref: str, path: str, sha: str, kind: str
                       ) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{repo.full_name}"
        qpath = quote(path)
        self_url = f"{api}/contents/{qpath}?ref={quote(ref, safe='')}"
        git = f"{api}/git/{'trees' if kind == 'dir' else 'blobs'}/{sha}"
        tree = "tree" if kind == "dir" else "blob"
        html = f"{self.root_url}/{repo.full_name}/{tree}/{ref}/{qpath}"
        return {
            "url": self_url, "git_url": git, "html_url": html,
            "_links": {"self": self_url, "git": git, "html": html},
        }

    def _content_json(self, repo: _Repo, ref: str, path: str, data: bytes, *,
                      with_content: bool) -> dict[str, Any]:
        sha = _blob_sha(data)
        out: dict[str, Any] = {
            "type": "file", "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha,
            "size": len(data),
            "download_url": f"{self.root_url}/{repo.full_name}/raw/{ref}/{quote(path)}",
            **self._content_links(repo, ref, path, sha, "file"),
        }
        if with_content:
            large = len(data) > LARGE_FILE
            out["content"] = "" if large else _wrap64(data)
            out["encoding"] = "none" if large else "base64"
        return out

    def _dir_json(self, repo: _Repo, ref: str, path: str) -> dict[str, Any]:
        sha = _hexsha("tree", repo.full_name, ref, path)
        return {
            "type": "dir", "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha,
            "size": 0, "download_url": None, **self._content_links(repo, ref, path, sha, "dir"),
        }

    def _team_membership(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                         body: Json, **_: Any) -> _Response:
        key = (params["org"].casefold(), params["team_slug"].casefold())
        member = self._teams.get(key, {}).get(params["username"].casefold())
        if member is None:
            raise _Fail(_github_error(
                404, "Not Found",
                docs=f"{_DOCS}/teams/members#get-team-membership-for-a-user",
            ))
        state, role = member
        org_id, team_id = self._org_ids[key[0]], self._team_ids[key]
        login = self._user(params["username"]).login
        return _Response(200, {
            "url": f"{self.base_url}/organizations/{org_id}/team/{team_id}/memberships/"
                   f"{quote(login)}",
            "role": role, "state": state,
        })

    def _branch_protection(self, me: _User, params: Mapping[str, str],
                           query: Mapping[str, str], body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        branch = params["branch"]
        stored = repo.protection.get(branch)
        if stored is None:
            raise _Fail(_github_error(
                404, "Branch not protected",
                docs=f"{_DOCS}/branches/branch-protection#get-branch-protection",
            ))
        url = f"{self.base_url}/repos/{repo.full_name}/branches/{quote(branch, safe='')}/protection"
        out = copy.deepcopy(stored)
        out.setdefault("url", url)
        checks = out.get("required_status_checks")
        if isinstance(checks, dict):
            checks.setdefault("url", f"{url}/required_status_checks")
            checks.setdefault("contexts_url", f"{url}/required_status_checks/contexts")
        allowances = (out.get("required_pull_request_reviews") or {}).get(
            "bypass_pull_request_allowances")
        if isinstance(allowances, dict):
            allowances["users"] = [self._user_json(self._user(u)) if isinstance(u, str) else u
                                   for u in allowances.get("users") or ()]
        for key, suffix in (("enforce_admins", "enforce_admins"),
                            ("required_pull_request_reviews", "required_pull_request_reviews"),
                            ("required_signatures", "required_signatures")):
            if isinstance(out.get(key), dict):
                out[key].setdefault("url", f"{url}/{suffix}")
        return _Response(200, out)

    def _active_rules_for(self, repo: _Repo, branch: str) -> list[dict[str, Any]]:
        ref = f"refs/heads/{branch}"

        def matches(pattern: str) -> bool:
            if pattern == "~ALL":
                return True
            if pattern == "~DEFAULT_BRANCH":
                return branch == repo.default_branch
            return fnmatch.fnmatchcase(ref, pattern if pattern.startswith("refs/") else
                                       f"refs/heads/{pattern}")

        rules = []
        for rs in repo.rulesets:
            if rs.enforcement != "active" or rs.target != "branch":
                continue
            if any(map(matches, rs.include)) and not any(map(matches, rs.exclude)):
                for rule in rs.rules:
                    rules.append({**copy.deepcopy(rule), "ruleset_source_type": "Repository",
                                  "ruleset_source": repo.full_name, "ruleset_id": rs.id})
        return rules

    def _branch_rules(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                      body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        chunk, headers = self._page(self._active_rules_for(repo, params["branch"]), query, rel)
        return _Response(200, list(chunk), headers)

    def _list_rulesets(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                       body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        api = f"{self.base_url}/repos/{repo.full_name}"
        items = [{
            "id": rs.id, "name": rs.name, "target": rs.target, "source_type": "Repository",
            "source": repo.full_name, "enforcement": rs.enforcement,
            "node_id": _node_id("RepositoryRuleset", rs.id),
            "_links": {"self": {"href": f"{api}/rulesets/{rs.id}"},
                       "html": {"href": f"{self.root_url}/{repo.full_name}/rules/{rs.id}"}},
            "created_at": rs.created_at, "updated_at": rs.created_at,
        } for rs in repo.rulesets]
        chunk, headers = self._page(items, query, rel)
        return _Response(200, list(chunk), headers)

    def _get_branch(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                    body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        name = params["branch"]
        sha = repo.tips.get(name)
        if sha is None:
            raise _Fail(_github_error(404, "Branch not found",
                                      docs=f"{_DOCS}/branches/branches#get-a-branch"))
        api = f"{self.base_url}/repos/{repo.full_name}/branches/{quote(name, safe='')}"
        protected = name in repo.protection
        return _Response(200, {
            "name": name, "commit": self._graph_commit_json(repo, sha),
            "_links": {"self": api,
                       "html": f"{self.root_url}/{repo.full_name}/tree/{quote(name)}"},
            "protected": protected,
            "protection": {"enabled": protected, "required_status_checks": {
                "enforcement_level": "non_admins" if protected else "off",
                "contexts": [], "checks": []}},
            "protection_url": f"{api}/protection",
        })

    def _get_ruleset(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                     body: Json, **_: Any) -> _Response:
        """GitHub returns ``bypass_actors`` only to a token that may edit the ruleset; the
        double's tokens may (drop the key with ``tamper`` to play a reader)."""
        repo = self._repo_of(params)
        found = [rs for rs in repo.rulesets if str(rs.id) == params["ruleset_id"]]
        if not found:
            raise _Fail(_github_error(404, "Not Found",
                                      docs=f"{_DOCS}/repos/rules#get-a-repository-ruleset"))
        rs = found[0]
        api = f"{self.base_url}/repos/{repo.full_name}"
        return _Response(200, {
            "id": rs.id, "name": rs.name, "target": rs.target, "source_type": "Repository",
            "source": repo.full_name, "enforcement": rs.enforcement,
            "bypass_actors": copy.deepcopy(rs.bypass_actors),
            "current_user_can_bypass": "never",
            "node_id": _node_id("RepositoryRuleset", rs.id),
            "_links": {"self": {"href": f"{api}/rulesets/{rs.id}"},
                       "html": {"href": f"{self.root_url}/{repo.full_name}/rules/{rs.id}"}},
            "conditions": {"ref_name": {"include": list(rs.include),
                                        "exclude": list(rs.exclude)}},
            "rules": copy.deepcopy(rs.rules),
            "created_at": rs.created_at, "updated_at": rs.created_at,
        })

    def _get_git_ref(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                     body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)
        ref = params["ref"]
        branch = ref.removeprefix("heads/")
        known = ({repo.default_branch} | repo.branches | set(repo.protection)
                 | {r for r, _ in repo.contents})
        if not ref.startswith("heads/") or branch not in known:
            raise _Fail(_github_error(404, "Not Found",
                                      docs=f"{_DOCS}/git/refs#get-a-reference"))
        sha = _hexsha("branch", repo.full_name, branch)
        api = f"{self.base_url}/repos/{repo.full_name}/git"
        return _Response(200, {
            "ref": f"refs/{ref}", "node_id": _node_id("Ref", f"{repo.id}:{ref}"),
            "url": f"{api}/refs/{quote(ref)}",
            "object": {"type": "commit", "sha": sha, "url": f"{api}/commits/{sha}"},
        })

    def _list_workflows(self, me: _User, params: Mapping[str, str], query: Mapping[str, str],
                        body: Json, *, rel: str, **_: Any) -> _Response:
        repo = self._repo_of(params)
        api = f"{self.base_url}/repos/{repo.full_name}/actions/workflows"
        html = f"{self.root_url}/{repo.full_name}"
        chunk, headers = self._page(repo.workflows, query, rel)
        return _Response(200, {
            "total_count": len(repo.workflows),
            "workflows": [{
                "id": w["id"], "node_id": _node_id("Workflow", w["id"]), "name": w["name"],
                "path": w["path"], "state": w["state"], "created_at": w["created_at"],
                "updated_at": w["created_at"], "url": f"{api}/{w['id']}",
                "html_url": f"{html}/blob/{repo.default_branch}/{w['path']}",
                "badge_url": f"{html}/workflows/{quote(w['name'])}/badge.svg",
            } for w in chunk],
        }, headers)
