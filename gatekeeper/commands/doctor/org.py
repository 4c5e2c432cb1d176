"""``gatekeeper doctor --org ORG``: every repository of an organisation, and whether GitHub
really gates it, from a few batched GraphQL queries (``forge.github.org``).

Exit 0 when every repository that takes pull requests is enforced, 1 when any is not, 2
when the organisation cannot be read in full: a repository not read is never counted as
enforced.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, TextIO

from gatekeeper.commands.doctor.org_judge import (
    OrgVerdict,
    Unreadable,
    judge_repository,
)
from gatekeeper.constants import (
    EXIT_BLOCKED,
    EXIT_PASS,
    POLICY_PATH,
    WORKFLOW_PATH,
)
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable, GraphQL


@dataclass(frozen=True)
class DoctorOrgOptions:
    org: str
    output_format: str = "text"
    status_contexts: tuple[str, ...] = ()
    workflow_path: str = WORKFLOW_PATH
    # The organisation's central policy is in force (the required workflow names one).
    central: bool = False


def render_json(verdict: OrgVerdict) -> str:
    return json.dumps(verdict.to_json(), indent=2) + "\n"




class _Counting:
    """The GraphQL client, counting the queries it answers."""

    def __init__(self, client: GraphQL):
        self.client, self.queries = client, 0

    def graphql(self, query: str, variables: dict[str, Any], **options: Any) -> dict[str, Any]:
        self.queries += 1
        return self.client.graphql(query, variables, **options)


def diagnose_org(client: GraphQL, options: DoctorOrgOptions, *,
                 graphql_url: str | None = None) -> OrgVerdict:
    from gatekeeper.forge.github.org import repository_settings

    counting = _Counting(client)
    try:
        nodes = repository_settings(counting, options.org, url=graphql_url,
                                    policy_path=POLICY_PATH)
        verdicts = tuple(judge_repository(node, central=options.central,
                                          status_contexts=options.status_contexts,
                                          workflow_path=options.workflow_path)
                         for node in nodes)
    except ForgeUnavailable as exc:
        raise GatekeeperError(f"cannot read the organisation {options.org}: {exc}; the token "
                              "needs to read its repositories and their rules (a classic "
                              "token with repo and read:org, or a fine-grained one with "
                              "Metadata and Administration read)") from None
    except Unreadable as exc:
        raise GatekeeperError(f"cannot read everything doctor needs: {exc}") from None
    return OrgVerdict(options.org, verdicts, counting.queries)


def run(options: DoctorOrgOptions, out: TextIO) -> int:
    from gatekeeper import formats
    from gatekeeper.forge.github import GitHubForge
    from gatekeeper.forge.github.auth import api_url, graphql_url, require_token

    render = formats.DOCTOR_ORG.renderer(options.output_format)
    logging.getLogger("github").setLevel(logging.WARNING)
    api = api_url()
    forge = GitHubForge(require_token(api=api), api, retries=1)
    verdict = diagnose_org(forge, options, graphql_url=graphql_url())
    out.write(render(verdict))
    return EXIT_PASS if verdict.ok else EXIT_BLOCKED
