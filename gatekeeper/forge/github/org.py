"""An organisation's repositories and how each one's default branch is guarded, read in
batches: one GraphQL query per page of repositories gives, for each, its rules from every
active ruleset on the default branch (organisation's and repository's, with who may bypass),
its classic branch protection, its policy file, the checks on the heads of its last
merged pull requests and which of its branches a rule or protection applies to; those
other protected branches are then read with the same facts, several to a query.
``doctor --org`` and ``metrics --org`` read the organisation here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gatekeeper.constants import POLICY_PATH
from gatekeeper.forge import ForgeUnavailable, GraphQL

# Repositories per query. Each brings up to RULES rules, CHECKS checks on RECENT pull
# requests and BRANCHES branches (whether any rule or protection applies to each): GitHub's
# node limit (500,000 per query) is far off. The protected branches other than the default
# one are then read BRANCH_BATCH to a query, with the same facts as the default branch.
PAGE = 25
RULES = 50
RECENT = 3
CHECKS = 50
BRANCHES = 100
BRANCH_BATCH = 10

_PROTECTION_FIELDS = """
          requiresApprovingReviews dismissesStaleReviews requiresStatusChecks
          requiredStatusCheckContexts isAdminEnforced
"""

# Each branch: whether an active rule (ruleset) or branch protection applies to it.
_BRANCH_MARKS = """
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes {
            name
            branchProtectionRule { requiresApprovingReviews }
            rules(first: 1) { totalCount }
          }
"""

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
                      $rules: Int!, $recent: Int!, $checks: Int!, $branches: Int!) {{
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
          branchProtectionRule {{ {_PROTECTION_FIELDS} }}
        }}
        branches: refs(refPrefix: "refs/heads/", first: $branches) {{ {_BRANCH_MARKS} }}
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


# The rest of a repository's branches, when it has more than BRANCHES.
REPOSITORY_BRANCHES = f"""
query RepositoryBranches($owner: String!, $name: String!, $first: Int!, $after: String) {{
  repository(owner: $owner, name: $name) {{
    branches: refs(refPrefix: "refs/heads/", first: $first, after: $after) {{
      {_BRANCH_MARKS}
    }}
  }}
}}
"""


def protected_branches_query(count: int) -> str:
    """One request reading ``count`` branches (``$o{i}/$n{i}``, branch ``$b{i}``) with the
    facts the default branch is read with. Answers come back as ``b0``, ``b1``, ..."""
    parameters = ", ".join(f"$o{i}: String!, $n{i}: String!, $b{i}: String!"
                           for i in range(count))
    fields = "\n".join(
        f"  b{i}: repository(owner: $o{i}, name: $n{i}) {{ ref(qualifiedName: $b{i}) {{ "
        f"name rules(first: {RULES}) {{ totalCount nodes {{ {_RULE_FIELDS} }} }} "
        f"branchProtectionRule {{ {_PROTECTION_FIELDS} }} }} }}" for i in range(count))
    return f"query ProtectedBranches({parameters}) {{\n{fields}\n}}\n"


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
                 "checks": CHECKS, "branches": BRANCHES}
    for nodes in _pages(client, ORG_REPOSITORIES, variables, org=org, url=url, first=page,
                        what=f"reading the repositories of {org}"):
        found += nodes
        if on_page is not None:
            on_page(len(found))
    _read_protected_branches(client, found, url=url)
    return found


def _marked(client: GraphQL, node: dict[str, Any], url: str | None) -> list[str]:
    """The names of the repository's branches that a rule or protection applies to,
    other than its default branch (every page of its branches read)."""
    connection = node.get("branches") or {}
    nodes = list(connection.get("nodes") or [])
    info = connection.get("pageInfo") or {}
    owner, _, name = str(node["nameWithOwner"]).partition("/")
    while info.get("hasNextPage"):
        data = client.graphql(REPOSITORY_BRANCHES, {"owner": owner, "name": name,
                                                    "first": BRANCHES,
                                                    "after": info.get("endCursor")},
                              what=f"listing the branches of {owner}/{name}", url=url)
        connection = ((data.get("repository") or {}).get("branches") or {})
        nodes += connection.get("nodes") or []
        info = connection.get("pageInfo") or {}
    default = (node.get("defaultBranchRef") or {}).get("name")
    return [str(b["name"]) for b in nodes if isinstance(b, dict) and b.get("name") != default
            and (b.get("branchProtectionRule") or int((b.get("rules") or {})
                                                        .get("totalCount") or 0))]


def _read_protected_branches(client: GraphQL, nodes: list[dict[str, Any]], *,
                             url: str | None) -> None:
    """Each node gains ``protectedBranches``: its other protected branches, each a ``Ref``
    with its rules and protection (BRANCH_BATCH to a query)."""
    wanted = [(node, branch) for node in nodes for branch in _marked(client, node, url)]
    for node in nodes:
        node["protectedBranches"] = []
    for start in range(0, len(wanted), BRANCH_BATCH):
        chunk = wanted[start:start + BRANCH_BATCH]
        variables: dict[str, Any] = {}
        for i, (node, branch) in enumerate(chunk):
            owner, _, name = str(node["nameWithOwner"]).partition("/")
            variables |= {f"o{i}": owner, f"n{i}": name, f"b{i}": f"refs/heads/{branch}"}
        data = client.graphql(protected_branches_query(len(chunk)), variables, url=url,
                              what=f"reading {len(chunk)} protected branches")
        for i, (node, branch) in enumerate(chunk):
            ref = ((data.get(f"b{i}") or {}).get("ref"))
            if not isinstance(ref, dict):
                raise ForgeUnavailable(f"reading {node['nameWithOwner']}:{branch}", 404,
                                       "the branch vanished while it was read; run again")
            node["protectedBranches"].append(ref)
