"""Repository settings as typed facts: branch protection, ruleset rules, files on a branch."""

from __future__ import annotations

from typing import Any

from gatekeeper.forge import (
    FileFacts,
    ForgeUnavailable,
    ProtectionFacts,
    RuleFacts,
    RulesFacts,
)
from gatekeeper.forge.github.client import GitHubClientBase
from gatekeeper.forge.github.paths import repo_path, segment


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


    # --- the same, as typed facts ---------------------------------------------------------

    def default_branch(self, repo: str) -> str:
        branch = self.repository(repo).get("default_branch")
        if not isinstance(branch, str) or not branch:
            raise ForgeUnavailable(f"reading repository {repo}", 200, "no default branch")
        return branch

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
        return ProtectionFacts(
            "protected",
            required_contexts=_protection_contexts(data),
            requires_pull_request=bool(reviews),
            approving_reviews=count if isinstance(count, int) else None,
        )

    def rules_facts(self, repo: str, branch: str) -> RulesFacts:
        try:
            items = self.branch_rules(repo, branch)
        except ForgeUnavailable as exc:
            if exc.status == 404:  # no rulesets feature (older GitHub Enterprise Server)
                return RulesFacts()
            return RulesFacts(error=f"cannot read the rulesets ({_http(exc)})")
        return RulesFacts(tuple(rule_facts(item) for item in items))

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
    contexts = tuple(
        c["context"] for c in params.get("required_status_checks") or ()
        if isinstance(c, dict) and isinstance(c.get("context"), str))
    workflows = tuple(
        w["path"] for w in params.get("workflows") or ()
        if isinstance(w, dict) and isinstance(w.get("path"), str))
    return RuleFacts(kind=str(rule.get("type") or ""), ruleset=_ruleset_name(rule),
                     required_contexts=contexts, workflow_paths=workflows)


def _http(exc: ForgeUnavailable) -> str:
    shown = f"HTTP {exc.status}" if exc.status else "no response"
    return f"{shown}: {exc.detail}" if exc.detail else shown
