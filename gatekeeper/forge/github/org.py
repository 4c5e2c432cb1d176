"""An organisation's repositories and how each one's default branch is guarded, read in
batches: one GraphQL query per page of repositories gives, for each, its rules from every
active ruleset on the default branch (organisation's and repository's, with who may bypass),
its classic branch protection, its policy file and the checks on the heads of its last
merged pull requests. ``doctor --org`` and ``metrics --org`` read the organisation here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gatekeeper.constants import POLICY_PATH
from gatekeeper.forge import ForgeUnavailable, GraphQL

# Repositories per query. Each brings up to RULES rules, CHECKS checks on RECENT pull
# requests: GitHub's node limit (500,000 per query) is far off; its cost is about 1 point.
PAGE = 25
RULES = 50
RECENT = 3
CHECKS = 50

_RULE_FIELDS = """
        type
        parameters {
          __typename
          ... on WorkflowsParameters { workflows { path repositoryId ref sha } }
          ... on RequiredStatusChecksParameters {
            requiredStatusChecks { context integrationId }
          }
          ... on PullRequestParameters {
            requiredApprovingReviewCount dismissStaleReviewsOnPush
          }
        }
        repositoryRuleset {
          databaseId name enforcement
          source {
            __typename
            ... on Organization { login }
            ... on Repository { nameWithOwner }
          }
          bypassActors(first: 20) {
            totalCount
            nodes {
              bypassMode organizationAdmin repositoryRoleName
              actor { __typename ... on App { slug } ... on Team { combinedSlug } }
            }
          }
        }
"""

ORG_REPOSITORIES = f"""
query OrgRepositories($login: String!, $first: Int!, $after: String, $policy: String!,
                      $rules: Int!, $recent: Int!, $checks: Int!) {{
  organization(login: $login) {{
    repositories(first: $first, after: $after, orderBy: {{field: NAME, direction: ASC}}) {{
      totalCount
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        databaseId nameWithOwner isArchived isFork isDisabled visibility
        policy: object(expression: $policy) {{ __typename }}
        defaultBranchRef {{
          name
          rules(first: $rules) {{ totalCount nodes {{ {_RULE_FIELDS} }} }}
          branchProtectionRule {{
            requiresApprovingReviews dismissesStaleReviews requiresStatusChecks
            requiredStatusCheckContexts isAdminEnforced
          }}
        }}
        pullRequests(states: MERGED, last: $recent) {{
          nodes {{
            number headRefOid
            commits(last: 1) {{
              nodes {{
                commit {{
                  statusCheckRollup {{
                    contexts(first: $checks) {{
                      nodes {{
                        __typename
                        ... on CheckRun {{ name conclusion }}
                        ... on StatusContext {{ context state }}
                      }}
                    }}
                  }}
                }}
              }}
            }}
          }}
        }}
      }}
    }}
  }}
}}
"""

ORG_NAMES = """
query OrgRepositoryNames($login: String!, $first: Int!, $after: String) {
  organization(login: $login) {
    repositories(first: $first, after: $after, orderBy: {field: NAME, direction: ASC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { nameWithOwner isArchived isFork }
    }
  }
}
"""


# What `metrics --org` needs of each repository, 100 to a query: what one repository's
# export reads first (its default branch, its tip, its policy file) and the newest update
# of any of its pull requests, so that a rerun asks nothing of a repository unchanged since.
ORG_METRICS = """
query OrgMetricsRepositories($login: String!, $first: Int!, $after: String,
                             $policy: String!) {
  organization(login: $login) {
    repositories(first: $first, after: $after, orderBy: {field: NAME, direction: ASC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        nameWithOwner isArchived isFork url
        defaultBranchRef { name target { oid } }
        policy: object(expression: $policy) {
          __typename
          ... on Blob { oid text isBinary isTruncated }
        }
        newest: pullRequests(first: 1, orderBy: {field: UPDATED_AT, direction: DESC}) {
          nodes { updatedAt }
        }
      }
    }
  }
}
"""


@dataclass(frozen=True)
class RepositoryName:
    name: str
    archived: bool
    fork: bool


def _pages(client: GraphQL, query: str, variables: dict[str, Any], *, org: str, what: str,
           url: str | None, first: int) -> Iterator[list[dict[str, Any]]]:
    after: str | None = None
    while True:
        data = client.graphql(query, {**variables, "login": org, "first": first,
                                      "after": after}, what=what, url=url)
        organization = data.get("organization") if isinstance(data, dict) else None
        if not isinstance(organization, dict):
            raise ForgeUnavailable(what, 404, f"no organization {org!r} visible to the token")
        connection = organization.get("repositories") or {}
        nodes = [n for n in connection.get("nodes") or [] if isinstance(n, dict)]
        yield nodes
        info = connection.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            return
        after = info.get("endCursor")
        if not after:
            raise ForgeUnavailable(what, 200, "a next page without a cursor")


def repository_names(client: GraphQL, org: str, *, url: str | None = None
                     ) -> list[RepositoryName]:
    """Every repository of ``org`` the token can see, by name (100 per query)."""
    found: list[RepositoryName] = []
    for nodes in _pages(client, ORG_NAMES, {}, org=org, url=url, first=100,
                        what=f"listing the repositories of {org}"):
        found += [RepositoryName(str(n["nameWithOwner"]), bool(n.get("isArchived")),
                                 bool(n.get("isFork"))) for n in nodes]
    return found


def repository_listing(client: GraphQL, org: str, *, url: str | None = None,
                       policy_path: str = POLICY_PATH) -> list[dict[str, Any]]:
    """Every repository of ``org`` with what ``metrics --org`` reads of it first
    (``ORG_METRICS``, 100 per query), as GitHub's GraphQL answers it."""
    found: list[dict[str, Any]] = []
    for nodes in _pages(client, ORG_METRICS, {"policy": f"HEAD:{policy_path}"}, org=org,
                        url=url, first=100, what=f"listing the repositories of {org}"):
        found += nodes
    return found


def repository_settings(client: GraphQL, org: str, *, url: str | None = None,
                        policy_path: str = POLICY_PATH, page: int = PAGE,
                        on_page: Callable[[int], None] | None = None,
                        ) -> list[dict[str, Any]]:
    """Every repository of ``org`` with its default branch's rules, protection, policy
    file and recent checks, as GitHub's GraphQL answers them (``PAGE`` per query)."""
    found: list[dict[str, Any]] = []
    variables = {"policy": f"HEAD:{policy_path}", "rules": RULES, "recent": RECENT,
                 "checks": CHECKS}
    for nodes in _pages(client, ORG_REPOSITORIES, variables, org=org, url=url, first=page,
                        what=f"reading the repositories of {org}"):
        found += nodes
        if on_page is not None:
            on_page(len(found))
    return found
