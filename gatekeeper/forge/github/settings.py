"""Repository settings as typed facts: branch protection, ruleset rules, files on a branch."""

from __future__ import annotations

from typing import Any

from gatekeeper.forge import (
    BypassFacts,
    FileFacts,
    ForgeUnavailable,
    ProtectionFacts,
    RequiredCheck,
    RuleFacts,
    RulesFacts,
)
from gatekeeper.forge.github.client import GitHubClientBase
from gatekeeper.forge.github.paths import ref_path, repo_path, segment


class SettingsMixin(GitHubClientBase):
    def repository(self, repo: str) -> dict[str, Any]:
        """``GET /repos/{repo}``: the repository, including its ``default_branch``."""
        _, data = self.request(f"reading repository {repo}", "GET", repo_path(repo))
        if not isinstance(data, dict):
            raise ForgeUnavailable(f"reading repository {repo}", 200, "not a JSON object")
        return data

    def branch_protection(self, repo: str, branch: str) -> dict[str, Any]:
        """Classic branch protection. Raises ForgeUnavailable: 404 when the branch is not
        protected (or the token may not see it), 403 when the token lacks admin read."""
        what = f"reading branch protection of {branch}"
        _, data = self.request(what, "GET",
                               f"{repo_path(repo)}/branches/{segment(branch)}/protection")
        if not isinstance(data, dict):
            raise ForgeUnavailable(what, 200, "not a JSON object")
        return data

    def branch_rules(self, repo: str, branch: str) -> list[dict[str, Any]]:
        """Every active ruleset rule that applies to ``branch`` (repository and organisation
        rulesets), page by page."""
        what = f"reading the rules for branch {branch}"
        rules: list[dict[str, Any]] = []
        page = 1
        while True:
            url = f"{repo_path(repo)}/rules/branches/{segment(branch)}"
            _, data = self.request(what, "GET", url,
                                   parameters={"per_page": 100, "page": page})
            if not isinstance(data, list):
                raise ForgeUnavailable(what, 200, "not a JSON list")
            rules += [rule for rule in data if isinstance(rule, dict)]
            if len(data) < 100:
                return rules
            page += 1

    def ruleset(self, repo: str, ruleset_id: int) -> dict[str, Any]:
        """``GET /repos/{repo}/rulesets/{id}`` (organisation rulesets that apply included);
        ``bypass_actors`` only when the token may edit the ruleset."""
        what = f"reading ruleset {ruleset_id}"
        _, data = self.request(what, "GET", f"{repo_path(repo)}/rulesets/{int(ruleset_id):d}")
        if not isinstance(data, dict):
            raise ForgeUnavailable(what, 200, "not a JSON object")
        return data

    # --- the same, as typed facts ---------------------------------------------------------

    def default_branch(self, repo: str) -> str:
        branch = self.repository(repo).get("default_branch")
        if not isinstance(branch, str) or not branch:
            raise ForgeUnavailable(f"reading repository {repo}", 200, "no default branch")
        return branch

    def branch_exists(self, repo: str, branch: str) -> bool:
        """Whether ``branch`` exists (``GET /repos/{repo}/git/ref/heads/{branch}``). Raises
        ForgeUnavailable when GitHub answers otherwise than yes or no."""
        try:
            self.request(f"reading branch {branch}", "GET",
                         f"{repo_path(repo)}/git/ref/heads/{ref_path(branch)}")
        except ForgeUnavailable as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def protection_facts(self, repo: str, branch: str) -> ProtectionFacts:
        try:
            data = self.branch_protection(repo, branch)
        except ForgeUnavailable as exc:
            if exc.status == 404 and "not protected" in exc.detail.lower():
                return ProtectionFacts("unprotected", 404)
            return ProtectionFacts("unreadable", exc.status)
        reviews = data.get("required_pull_request_reviews")
        count = reviews.get("required_approving_review_count") if isinstance(reviews, dict) \
            else None
        reviews = reviews if isinstance(reviews, dict) else {}
        admins = data.get("enforce_admins")
        return ProtectionFacts(
            "protected",
            required_contexts=_protection_contexts(data),
            requires_pull_request=bool(reviews),
            approving_reviews=count if isinstance(count, int) else None,
            checks=_protection_checks(data),
            enforce_admins=isinstance(admins, dict) and admins.get("enabled") is True,
            code_owner_reviews=reviews.get("require_code_owner_reviews") is True,
            pull_request_bypass=_allowances(reviews.get("bypass_pull_request_allowances")),
            dismiss_stale_reviews=reviews.get("dismiss_stale_reviews") is True,
        )

    def rules_facts(self, repo: str, branch: str) -> RulesFacts:
        try:
            items = self.branch_rules(repo, branch)
        except ForgeUnavailable as exc:
            if exc.status == 404:  # no rulesets feature (older GitHub Enterprise Server)
                return RulesFacts()
            return RulesFacts(error=f"cannot read the rulesets ({_http(exc)})")
        rules = tuple(rule_facts(item) for item in items)
        seen = dict.fromkeys((r.ruleset_id, r.ruleset) for r in rules
                             if r.ruleset_id is not None)
        return RulesFacts(rules, bypass=tuple(self._bypass(repo, ruleset_id, name)
                                              for ruleset_id, name in seen))

    def _bypass(self, repo: str, ruleset_id: int | None, name: str) -> BypassFacts:
        assert ruleset_id is not None
        try:
            actors = self.ruleset(repo, ruleset_id).get("bypass_actors")
        except ForgeUnavailable:
            return BypassFacts(name, None)
        if not isinstance(actors, list):
            return BypassFacts(name, None)
        return BypassFacts(name, tuple(bypass_actor(a) for a in actors if isinstance(a, dict)))

    def file_facts(self, repo: str, path: str, branch: str) -> FileFacts:
        try:
            return FileFacts(self.file_at(repo, path, branch))
        except ForgeUnavailable as exc:
            return FileFacts(error=f"cannot read {path} on {branch} ({_http(exc)})")


def _protection_contexts(data: dict[str, Any]) -> tuple[str, ...]:
    checks = data.get("required_status_checks") or {}
    if not isinstance(checks, dict):
        return ()
    contexts = [c for c in checks.get("contexts") or () if isinstance(c, str)]
    contexts += [c["context"] for c in checks.get("checks") or ()
                 if isinstance(c, dict) and isinstance(c.get("context"), str)]
    return tuple(dict.fromkeys(contexts))


def _protection_checks(data: dict[str, Any]) -> tuple[RequiredCheck, ...]:
    checks = data.get("required_status_checks") or {}
    if not isinstance(checks, dict):
        return ()
    found = [RequiredCheck(c["context"], c.get("app_id") if isinstance(c.get("app_id"), int)
                           else None)
             for c in checks.get("checks") or ()
             if isinstance(c, dict) and isinstance(c.get("context"), str)]
    listed = {c.context for c in found}
    found += [RequiredCheck(c) for c in checks.get("contexts") or ()
              if isinstance(c, str) and c not in listed]
    return tuple(found)


def _allowances(data: Any) -> tuple[str, ...]:
    if not isinstance(data, dict):
        return ()
    names = [f"user {u['login']}" for u in data.get("users") or ()
             if isinstance(u, dict) and isinstance(u.get("login"), str)]
    names += [f"team {t['slug']}" for t in data.get("teams") or ()
              if isinstance(t, dict) and isinstance(t.get("slug"), str)]
    names += [f"app {a.get('slug') or a.get('name')}" for a in data.get("apps") or ()
              if isinstance(a, dict) and (a.get("slug") or a.get("name"))]
    return tuple(names)


# Built-in repository roles as rulesets name them (GitHub's numbering is not in rank order).
_ROLES = {2: "the maintain role", 4: "the write role", 5: "repository admins"}
_MODES = {"pull_request": " (through a pull request)",
          "exempt": " (exempt: the rules are not even evaluated)"}


def bypass_actor(actor: dict[str, Any]) -> str:
    """One ruleset bypass actor in words."""
    kind = str(actor.get("actor_type") or "unknown")
    ident = actor.get("actor_id")
    if kind == "OrganizationAdmin":
        who = "organisation admins"
    elif kind == "RepositoryRole":
        who = _ROLES.get(ident, f"repository role {ident}") if isinstance(ident, int) \
            else "a repository role"
    elif kind == "DeployKey":
        who = "deploy keys"
    else:
        label = {"Integration": "app", "Team": "team", "User": "user"}.get(kind, kind)
        who = f"{label} id {ident}" if ident is not None else label
    return who + _MODES.get(str(actor.get("bypass_mode") or "always"), "")


def _ruleset_name(rule: dict[str, Any]) -> str:
    ruleset_id = rule.get("ruleset_id")
    source = rule.get("ruleset_source")
    kind = str(rule.get("ruleset_source_type") or "").lower()
    where = f" of {'organisation' if kind == 'organization' else 'repository'} {source}" \
        if source else ""
    return f"ruleset {ruleset_id}{where}" if ruleset_id is not None else f"a ruleset{where}"


def rule_facts(rule: dict[str, Any]) -> RuleFacts:
    parameters = rule.get("parameters")
    params: dict[str, Any] = parameters if isinstance(parameters, dict) else {}
    checks = tuple(
        RequiredCheck(c["context"], c.get("integration_id")
                      if isinstance(c.get("integration_id"), int) else None)
        for c in params.get("required_status_checks") or ()
        if isinstance(c, dict) and isinstance(c.get("context"), str))
    contexts = tuple(c.context for c in checks)
    ruleset_id = rule.get("ruleset_id")
    workflows = tuple(
        w["path"] for w in params.get("workflows") or ()
        if isinstance(w, dict) and isinstance(w.get("path"), str))
    return RuleFacts(kind=str(rule.get("type") or ""), ruleset=_ruleset_name(rule),
                     required_contexts=contexts, workflow_paths=workflows, checks=checks,
                     ruleset_id=ruleset_id if isinstance(ruleset_id, int) else None,
                     code_owner_review=params.get("require_code_owner_review") is True,
                     dismiss_stale_reviews_on_push=(
                         params.get("dismiss_stale_reviews_on_push") is True))


def _http(exc: ForgeUnavailable) -> str:
    shown = f"HTTP {exc.status}" if exc.status else "no response"
    return f"{shown}: {exc.detail}" if exc.detail else shown
