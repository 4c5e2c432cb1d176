"""A stateful, strict fake of GitHub's REST and GraphQL APIs, served on 127.0.0.1.

Split like ``gatekeeper/forge/github/``, one mixin of ``FakeGitHub`` per audience:
``server`` (HTTP plumbing, routing, rate limits), ``conformance`` (every request and
response checked against GitHub's description), ``accounts`` (users and repositories as
JSON), ``seeding`` and ``faults`` (what tests call), ``pulls``, ``publish`` (comments,
labels, statuses), ``settings`` (protection, rulesets, contents), ``graphql`` and
``authority`` (commits, permissions, approval records, teams), ``actions`` (workflow runs
and re-runs); ``state`` holds the data.

``FakeGitHub`` is a real HTTP server (``ThreadingHTTPServer`` on an ephemeral port, in a
daemon thread). Clients talk to it exactly as they talk to GitHub, e.g. PyGithub with
``Github(base_url=fake.base_url)``. It keeps state (repositories, pull requests, files,
contents per ref, reviews, comments, labels, statuses, teams, branch protection,
rulesets) that tests seed with keyword helpers, and it answers like GitHub does: same
status codes, same error bodies, absolute URLs rooted at its own base URL, ``Link``
pagination headers (on ``/repositories/{id}/...`` URLs, as GitHub sends them),
``X-RateLimit-*`` headers.

Strictness is the point:

* every response body it serves is checked with ``github_contract`` against GitHub's
  published OpenAPI description; a non-conforming body is recorded in
  ``fake.violations`` and served as a 500 carrying the reasons, so the client fails;
* request bodies are checked against the description's request schema and GitHub's
  server-side rules (status description <= 140 characters, comment body <= 65,536,
  label name <= 50, a new label's colour six hex digits and its description <= 100); a
  request GitHub would reject gets GitHub's 422 *and* a violation;
* unknown routes get a 404 *and* a violation ("unimplemented route");
* GraphQL queries are executed against GitHub's real schema (``github_contract``);
  an invalid query is answered like GitHub (HTTP 200, ``{"errors": [...]}``) *and*
  recorded as a violation.

The ``github_double`` pytest fixture yields a started double and asserts at teardown
that ``fake.violations == []``. Use it with
``from tests.support.github_double import github_double``.

API (all seeding helpers take keyword arguments and generate realistic ids, node ids,
URLs, ISO-8601 ``Z`` timestamps; SHAs must be full 40-hex):

* ``FakeGitHub(token=DEFAULT_TOKEN, identity="github-actions[bot]", identity_type="Bot",
  api_prefix="" | "/api/v3", check="all" | "sample" | "off", core_limit=5000,
  graphql_limit=5000, enforce_rate_limit=False, clock=None)``; ``start()``/``stop()``,
  context manager; ``base_url``, ``graphql_url``, ``root_url`` (web links), ``port``.
  ``check="sample"`` checks the first 20 responses per operation and status, then 1 in
  25 (for large benchmarks); ``"off"`` checks nothing. Keep ``"all"`` for tests.
* State: ``add_token``, ``add_repo``, ``add_pull``, ``update_pull``, ``add_commit``,
  ``set_file``, ``add_review``/``dismiss_review``, ``add_comment``, ``add_label``,
  ``add_team_member``, ``set_branch`` (a branch's tip), ``drop_branch``,
  ``set_branch_protection``
  (+ ``FakeGitHub.protection(...)``),
  ``add_ruleset``, ``add_workflow``, ``add_workflow_run`` (read back with ``reruns()``),
  ``add_org_ruleset`` and ``set_repo_flags``
  (organisation rulesets, archived repositories and forks, served through GraphQL
  ``organization { repositories }``); read back with ``comments()``, ``labels()``,
  ``repo_labels()``, ``statuses()``; ``webhook_payload(event, action, repo, number)``.
* Faults: ``fail(method, path_regex, status=500, times=None, headers=None, body=None,
  retry_after=None, rate_limit_exhausted=False, reset_in=60, apply=False,
  variables=None)`` (``variables``: GraphQL queries with these variables only),
  ``fail_connection(method, path_regex, times=1)``, ``rate_limit_graphql(times)``,
  ``clear_faults()``; ``tamper(method, path_regex, fn)`` rewrites a body before the check.
* Inspection: ``requests`` (``Request(method, path, query, json)``), ``count(method,
  path_regex)``, ``file_reads`` (``(ref, path)`` of every file read, by the contents
  API or GraphQL's ``file(path:)``), ``violations``, ``undeclared``, ``injected``,
  ``assert_no_violations()``.
* GraphQL: ``graphql_data`` = ``None`` (state-backed ``graphql_root()``: ``repository
  {pullRequest, pullRequests}``, ``rateLimit``, ``viewer``), a dict, or a callable
  ``(query, variables) -> root``; executed by ``github_contract.execute_graphql``.

Error statuses GitHub's description does not declare for an operation (401 anywhere,
404 on the reviews list, 422 on the statuses endpoint, a 404 *with* a body on team
memberships, ...) are checked against GitHub's generic ``basic-error`` /
``validation-error`` schemas instead and listed in ``fake.undeclared``. Injected faults
are listed in ``fake.injected``; they are checked against the description when their
status is declared for the operation and exempt otherwise.

Known deviations from GitHub: requests without ``Authorization`` get 401 (GitHub
would serve public data anonymously); no conditional requests (ETag/304); labels in the
pulls *list* carry ``"description": ""`` instead of ``null`` (the description types that
one field as a string); GraphQL error messages are graphql-core's wording, not
GitHub's; ``html_url``-style links are rooted at the double's server root (as on GHES).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.github_double.accounts import Accounts
from tests.support.github_double.actions import ActionsDouble
from tests.support.github_double.authority import AuthorityDouble
from tests.support.github_double.conformance import Conformance
from tests.support.github_double.faults import Faults
from tests.support.github_double.graphql import GraphQLRoutes
from tests.support.github_double.org import OrgDouble
from tests.support.github_double.publish import PublishRoutes
from tests.support.github_double.pulls import PullRoutes
from tests.support.github_double.seeding import Seeding
from tests.support.github_double.server import DoubleServer
from tests.support.github_double.settings import SettingsRoutes
from tests.support.github_double.state import (
    BOT_ID,
    BOT_LOGIN,
    DEFAULT_TOKEN,
    FILES_CAP,
    FileSpec,
    Request,
)

__all__ = [
    "BOT_ID",
    "BOT_LOGIN",
    "DEFAULT_TOKEN",
    "FILES_CAP",
    "FakeGitHub",
    "FileSpec",
    "Request",
    "github_double",
    "github_double_ghes",
]


class FakeGitHub(OrgDouble, DoubleServer, Conformance, Accounts, Seeding, Faults, PullRoutes,
                 PublishRoutes, SettingsRoutes, GraphQLRoutes, AuthorityDouble, ActionsDouble):
    """A fake GitHub (REST + GraphQL) for tests; see the module docstring.

    ``api_prefix`` poses as GitHub Enterprise Server: ``"/api/v3"`` serves REST under
    ``http://127.0.0.1:PORT/api/v3`` and GraphQL at ``/api/graphql`` (PyGithub's rule);
    the default ``""`` serves REST at the root and GraphQL at ``/graphql``.
    """


@pytest.fixture
def github_double() -> Iterator[FakeGitHub]:
    """A started ``FakeGitHub`` (api.github.com layout); fails the test at teardown if the
    double recorded any violation."""
    with FakeGitHub() as fake:
        yield fake
        fake.assert_no_violations()


@pytest.fixture
def github_double_ghes() -> Iterator[FakeGitHub]:
    """Like ``github_double``, posing as GitHub Enterprise Server (``/api/v3``)."""
    with FakeGitHub(api_prefix="/api/v3") as fake:
        yield fake
        fake.assert_no_violations()
