"""`doctor --org` beyond the default branch: every other protected branch (one an active
ruleset or branch protection applies to) is judged with the same facts, the reads stay
batched, and an organisation of 1,000 repositories stays within the token's hourly budget.
The JSON report validates against schemas/doctor-org.schema.json."""

from __future__ import annotations

import json
import math
from typing import Any

import graphql

from gatekeeper import formats, resources
from gatekeeper.commands.doctor.org import DoctorOrgOptions, diagnose_org
from gatekeeper.commands.doctor.org_judge import OrgVerdict
from gatekeeper.core.schemas import validation_errors
from gatekeeper.forge.github import GitHubForge
from gatekeeper.forge.github.org import BRANCH_BATCH, PAGE
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double
from tests.unit.commands.doctor.test_org import GATE_WORKFLOW, PULL_REQUEST

__all__ = ["github_double"]

# A token's hourly budgets: 5,000 REST requests, 5,000 GraphQL points.
HOURLY_POINTS = 5_000


def _diagnose(fake: FakeGitHub) -> OrgVerdict:
    client = GitHubForge(DEFAULT_TOKEN, fake.base_url, retries=1, backoff=0.01)
    return diagnose_org(client, DoctorOrgOptions(org="acme"), graphql_url=fake.graphql_url)


def _organisation(fake: FakeGitHub) -> None:
    for name in ("acme/api", "acme/web"):
        fake.add_repo(name)
    fake.add_org_ruleset("acme", "gate", rules=[GATE_WORKFLOW, PULL_REQUEST])
    # api: release/* is protected by a repository ruleset that only asks for reviews
    fake.add_branch("acme/api", "release/1.0")
    fake.add_branch("acme/api", "feature/x")  # unprotected: not looked at
    fake.add_ruleset("acme/api", "releases", rules=[PULL_REQUEST],
                     include=("refs/heads/release/*",))
    # web: a classic protection on stable requires the gate and reviews
    fake.set_branch_protection("acme/web", "stable", FakeGitHub.protection(("gatekeeper",),
                                                                           enforce_admins=True))


def test_every_protected_branch_is_judged_with_the_same_facts(
        github_double: FakeGitHub) -> None:
    _organisation(github_double)
    verdict = _diagnose(github_double)
    by_name = {r.name: r for r in verdict.repositories}
    api, web = by_name["acme/api"], by_name["acme/web"]
    assert [b.branch for b in api.others] == ["release/1.0"]
    release = api.others[0]
    assert not release.enforced and release.pull_request_required and release.dismiss_stale
    assert release.problems == ("no active rule on release/1.0 requires the Gatekeeper "
                                "workflow or check",)
    assert not api.enforced
    assert api.problems == ("release/1.0: no active rule on release/1.0 requires the "
                            "Gatekeeper workflow or check",)
    [stable] = web.others
    assert stable.enforced and stable.branch == "stable"
    assert stable.required_by == ("branch protection (required status check)",)
    assert stable.pull_request_required and stable.bypass == ()
    assert web.enforced
    assert verdict.summary() == "1 of 2 repositories enforced"
    # One page of repositories, then one batch of protected branches.
    assert verdict.queries == 2 == github_double.count("POST", r"/graphql")
    text = formats.DOCTOR_ORG.renderer("text")(verdict)
    assert "protected branch release/1.0: NOT enforced" in text
    assert "protected branch stable: enforced, required by branch protection" in text
    data = json.loads(formats.DOCTOR_ORG.renderer("json")(verdict))
    assert validation_errors(resources.schema("doctor-org"), data) == []
    assert data["repositories"][0]["other_protected_branches"][0]["branch"] == "release/1.0"


def test_a_repository_with_more_branches_than_a_page_is_read_to_the_end(
        github_double: FakeGitHub) -> None:
    github_double.add_repo("acme/busy")
    github_double.add_org_ruleset("acme", "gate", rules=[GATE_WORKFLOW])
    for index in range(130):
        github_double.add_branch("acme/busy", f"topic/{index:03d}")
    github_double.set_branch_protection("acme/busy", "zzz-last", FakeGitHub.protection(()))
    verdict = _diagnose(github_double)
    [busy] = verdict.repositories
    assert [b.branch for b in busy.others] == ["zzz-last"]
    assert not busy.enforced  # its protection requires no Gatekeeper check


def _cost(query: str, variables: dict[str, Any]) -> int:
    """GitHub's documented rate limit score of a query: every connection is assumed full
    (its first or last), the requests to fill them are summed, divided by 100 and
    rounded, at least 1."""
    document = graphql.parse(query)

    def value(node: Any) -> int:
        if isinstance(node, graphql.VariableNode):
            return int(variables[node.name.value])
        return int(node.value)

    def walk(selections: Any, parents: int) -> int:
        total = 0
        for selection in selections or ():
            multiplier = parents
            if isinstance(selection, graphql.FieldNode):
                sizes = [value(a.value) for a in selection.arguments or ()
                         if a.name.value in ("first", "last")]
                if sizes:
                    total += parents
                    multiplier = parents * sizes[0]
            if getattr(selection, "selection_set", None) is not None:
                total += walk(selection.selection_set.selections, multiplier)
        return total

    requests = sum(walk(op.selection_set.selections, 1) for op in document.definitions
                   if isinstance(op, graphql.OperationDefinitionNode))
    return max(1, round(requests / 100))


def test_an_organisation_of_1000_repositories_stays_within_the_hourly_budget(
        github_double: FakeGitHub) -> None:
    repositories, protected = 1_000, 25
    for index in range(repositories):
        github_double.add_repo(f"acme/r{index:04d}")
    for index in range(protected):
        github_double.set_branch_protection(f"acme/r{index * 40:04d}", "release",
                                            FakeGitHub.protection(("gatekeeper",)))
    github_double.add_org_ruleset("acme", "gate", rules=[GATE_WORKFLOW, PULL_REQUEST])
    verdict = _diagnose(github_double)
    assert verdict.ok and len(verdict.repositories) == repositories
    sent = [r.json for r in github_double.requests if r.path.endswith("/graphql")]
    # A page per PAGE repositories and a batch per BRANCH_BATCH protected branches: a
    # query added per repository fails here.
    assert len(sent) == math.ceil(repositories / PAGE) + math.ceil(protected / BRANCH_BATCH)
    points = sum(_cost(body["query"], body.get("variables") or {}) for body in sent)
    assert points <= HOURLY_POINTS / 2, points
