"""The double's organisation: its repositories (archived, forks), organisation rulesets,
and the GraphQL ``organization`` field over them, built from the same state the REST
routes serve (repository rulesets, branch protection, contents, merged pull requests,
check runs and statuses)."""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.support.github_double.graphql import _connection
from tests.support.github_double.state import BOT_LOGIN, _Repo

_PARAMETER_TYPES = {
    "workflows": "WorkflowsParameters",
    "required_status_checks": "RequiredStatusChecksParameters",
    "pull_request": "PullRequestParameters",
}


@dataclass
class _OrgRuleset:
    id: int
    org: str
    name: str
    enforcement: str
    repositories: tuple[str, ...]  # fnmatch patterns over repository names, "~ALL"
    include: tuple[str, ...]
    rules: list[dict[str, Any]]
    bypass_actors: list[dict[str, Any]] = field(default_factory=list)


class OrgDouble:
    """Organisation rulesets and the GraphQL ``organization { repositories }`` view."""

    def _org_state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.__dict__.setdefault(
            "_org", {"rulesets": [], "archived": set(), "forks": set()})
        return state

    def add_org_ruleset(self, org: str, name: str, *, rules: Sequence[Mapping[str, Any]],
                        repositories: Sequence[str] = ("~ALL",),
                        include: Sequence[str] = ("~DEFAULT_BRANCH",),
                        enforcement: str = "active",
                        bypass_actors: Sequence[Mapping[str, Any]] = ()) -> int:
        """An organisation ruleset over the repositories whose names match
        ``repositories`` (``~ALL``: every one)."""
        ident = next(self._ids)  # type: ignore[attr-defined]
        self._org_state()["rulesets"].append(_OrgRuleset(
            ident, org, name, enforcement, tuple(repositories), tuple(include),
            [copy.deepcopy(dict(r)) for r in rules], [dict(a) for a in bypass_actors]))
        return int(ident)

    def set_repo_flags(self, repo: str, *, archived: bool = False, fork: bool = False) -> None:
        state = self._org_state()
        for flag, key in ((archived, "archived"), (fork, "forks")):
            (state[key].add if flag else state[key].discard)(repo.casefold())

    # --- GraphQL ---------------------------------------------------------------------------

    def graphql_root(self, viewer: str = BOT_LOGIN) -> dict[str, Any]:
        root: dict[str, Any] = super().graphql_root(viewer)  # type: ignore[misc]

        def organization(info: Any, login: str) -> dict[str, Any] | None:
            repos = sorted((r for r in self._repos.values()  # type: ignore[attr-defined]
                            if r.owner.login.casefold() == login.casefold()),
                           key=lambda r: r.name.casefold())
            if not repos:
                return None
            return {"repositories": lambda info, **page: _connection(
                info, repos, self._gql_org_repo, **page)}

        root["organization"] = organization
        plain = root["repository"]

        def repository(info: Any, owner: str, name: str, **rest: Any) -> Any:
            found = plain(info, owner=owner, name=name, **rest)
            if found is None:
                return None
            repo = self._repos[f"{owner}/{name}".casefold()]  # type: ignore[attr-defined]

            def ref(info: Any, qualifiedName: str) -> dict[str, Any] | None:
                branch = qualifiedName.removeprefix("refs/heads/")
                return (self._gql_guarded_ref(repo, branch)
                        if branch in self._branch_names(repo) else None)

            return {**found, "ref": ref,
                    "branches": lambda info, **page: self._gql_branch_marks(info, repo,
                                                                            **page)}

        root["repository"] = repository
        return root

    @staticmethod
    def _branch_names(repo: _Repo) -> list[str]:
        """Every branch: the default, those made, those with a tip or a protection."""
        return sorted({repo.default_branch, *repo.branches, *repo.tips, *repo.protection})

    def _gql_guarded_ref(self, repo: _Repo, branch: str) -> dict[str, Any]:
        """A branch as a ``Ref`` with its active rules and branch protection."""
        protection = repo.protection.get(branch)

        def rules(info: Any, **page: Any) -> dict[str, Any]:
            return _connection(info, self._gql_rules(repo, branch), lambda r: r, **page)

        return {"name": branch, "rules": rules,
                "branchProtectionRule": None if protection is None else
                self._gql_protection(protection)}

    def _gql_branch_marks(self, info: Any, repo: _Repo, refPrefix: str = "",
                          **page: Any) -> dict[str, Any]:
        assert refPrefix == "refs/heads/", refPrefix
        return _connection(info, self._branch_names(repo),
                           lambda branch: self._gql_guarded_ref(repo, branch), **page)

    def _gql_org_repo(self, repo: _Repo) -> dict[str, Any]:
        state = self._org_state()
        branch = repo.default_branch
        tip = repo.tips.get(branch)

        def policy(info: Any, expression: str) -> dict[str, Any] | None:
            path = expression.removeprefix("HEAD:")
            found = any((ref, path) in repo.contents for ref in (branch, tip) if ref)
            return {"__typename": "Blob"} if found else None

        def pulls(info: Any, states: list[str] | None = None, **page: Any) -> dict[str, Any]:
            merged = sorted((p for p in repo.pulls.values() if p.merged_at is not None),
                            key=lambda p: p.number)
            return _connection(info, merged, lambda p: self._gql_merged(repo, p), **page)

        return {
            "databaseId": repo.id, "nameWithOwner": repo.full_name,
            "isArchived": repo.full_name.casefold() in state["archived"],
            "isFork": repo.full_name.casefold() in state["forks"], "isDisabled": False,
            "visibility": "PRIVATE" if repo.private else "PUBLIC",
            "policy": policy,
            "defaultBranchRef": self._gql_guarded_ref(repo, branch),
            "branches": lambda info, **page: self._gql_branch_marks(info, repo, **page),
            "pullRequests": pulls,
        }

    @staticmethod
    def _gql_protection(data: Mapping[str, Any]) -> dict[str, Any]:
        checks = data.get("required_status_checks") or {}
        reviews = data.get("required_pull_request_reviews")
        return {
            "requiresApprovingReviews": reviews is not None,
            "dismissesStaleReviews": bool((reviews or {}).get("dismiss_stale_reviews")),
            "requiresStatusChecks": bool(checks),
            "requiredStatusCheckContexts": list(checks.get("contexts") or []),
            "isAdminEnforced": bool((data.get("enforce_admins") or {}).get("enabled")),
        }

    def _gql_rules(self, repo: _Repo, branch: str) -> list[dict[str, Any]]:
        found = []
        for rule in self._active_rules_for(repo, branch):  # type: ignore[attr-defined]
            ruleset = next(rs for rs in repo.rulesets if rs.id == rule["ruleset_id"])
            found.append(self._gql_rule(rule, ruleset.id, ruleset.name, {
                "__typename": "Repository", "nameWithOwner": repo.full_name},
                ruleset.bypass_actors))
        for rs in self._org_state()["rulesets"]:
            if rs.enforcement != "active" or rs.org.casefold() != repo.owner.login.casefold():
                continue
            if not any(p == "~ALL" or fnmatch.fnmatchcase(repo.name, p)
                       for p in rs.repositories):
                continue
            def on_branch(pattern: str) -> bool:
                if pattern == "~ALL":
                    return True
                if pattern == "~DEFAULT_BRANCH":
                    return branch == repo.default_branch
                return fnmatch.fnmatchcase(f"refs/heads/{branch}", pattern)

            if not any(map(on_branch, rs.include)):
                continue
            for rule in rs.rules:
                found.append(self._gql_rule(rule, rs.id, rs.name, {
                    "__typename": "Organization", "login": rs.org}, rs.bypass_actors))
        return found

    @staticmethod
    def _gql_rule(rule: Mapping[str, Any], ident: int, name: str, source: dict[str, Any],
                  bypass: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        kind = str(rule["type"])
        raw = rule.get("parameters") or {}
        parameters: dict[str, Any] | None = None
        if kind == "workflows":
            parameters = {"__typename": "WorkflowsParameters", "workflows": [
                {"path": w["path"], "repositoryId": w["repository_id"], "ref": w.get("ref"),
                 "sha": w.get("sha")} for w in raw.get("workflows", [])]}
        elif kind == "required_status_checks":
            parameters = {"__typename": "RequiredStatusChecksParameters",
                          "requiredStatusChecks": [
                              {"context": c["context"], "integrationId": c.get("integration_id")}
                              for c in raw.get("required_status_checks", [])]}
        elif kind == "pull_request":
            parameters = {"__typename": "PullRequestParameters",
                          "requiredApprovingReviewCount":
                              raw.get("required_approving_review_count", 0),
                          "dismissStaleReviewsOnPush":
                              bool(raw.get("dismiss_stale_reviews_on_push"))}
        actors = [{
            "bypassMode": str(a.get("bypass_mode", "always")).upper(),
            "organizationAdmin": a.get("actor_type") == "OrganizationAdmin",
            "repositoryRoleName": "admin" if a.get("actor_type") == "RepositoryRole" else None,
            "actor": ({"__typename": "Team", "combinedSlug": str(a.get("slug", "org/team"))}
                      if a.get("actor_type") == "Team" else
                      {"__typename": "App", "slug": str(a.get("slug", "app"))}
                      if a.get("actor_type") == "Integration" else None),
        } for a in bypass]
        return {
            "type": kind.upper(), "parameters": parameters,
            "repositoryRuleset": {
                "databaseId": ident, "name": name, "enforcement": "ACTIVE", "source": source,
                "bypassActors": lambda info, **page: _connection(info, actors, lambda a: a,
                                                                 **page),
            },
        }

    def _gql_merged(self, repo: _Repo, pull: Any) -> dict[str, Any]:
        sha = pull.head_sha
        checks = self._authority_state()["checks"].get(  # type: ignore[attr-defined]
            (repo.full_name.casefold(), sha), [])
        contexts: list[dict[str, Any]] = [
            {"__typename": "CheckRun", "name": c.name,
             "conclusion": c.conclusion.upper() if c.conclusion else None} for c in checks]
        contexts += [{"__typename": "StatusContext", "context": s.context,
                      "state": s.state.upper()} for s in repo.statuses.get(sha, [])]
        rollup = None if not contexts else {"contexts": lambda info, **page: _connection(
            info, contexts, lambda c: c, **page)}
        commit = {"commit": {"statusCheckRollup": rollup}}
        return {"number": pull.number, "headRefOid": sha,
                "commits": lambda info, **page: _connection(info, [commit], lambda c: c,
                                                            **page)}
