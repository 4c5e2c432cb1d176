"""GitHub behind the forge Protocols: ``GitHubForge`` reads and publishes, ``runner``
reads the Actions runner's context."""

from __future__ import annotations

from gatekeeper.forge.files_cache import FilesCache
from gatekeeper.forge.github.auth import DEFAULT_API_URL
from gatekeeper.forge.github.authority import AuthorityMixin
from gatekeeper.forge.github.publish import PublishMixin
from gatekeeper.forge.github.pulls import FILES_CAP
from gatekeeper.forge.github.rejudge import RejudgeMixin
from gatekeeper.forge.github.settings import SettingsMixin


class GitHubForge(PublishMixin, AuthorityMixin, SettingsMixin, RejudgeMixin):
    """One GitHub API host and token: pull requests, publishing, settings and GraphQL.

    ``light``: the small urllib3 client instead of PyGithub's (the action's). ``policy_paths``:
    the policy files to read at the base tip together with a pull request. ``files_cache``:
    where changed-file lists are kept between runs. ``graphql_url``: GITHUB_GRAPHQL_URL.
    ``label_names``: repository labels whose existence is read with the pull request.
    ``snapshot_reads``: read a pull request with one GraphQL query (``forge.github.snapshot``),
    as the evaluation does, instead of one REST call per thing."""

    def __init__(self, token: str | None, api_url: str | None = None, *, retries: int = 3,
                 backoff: float = 0.5, timeout: int = 20, light: bool = False,
                 policy_paths: tuple[str, ...] = (), files_cache: FilesCache | None = None,
                 graphql_url: str | None = None, snapshot_reads: bool = False,
                 label_names: tuple[str, ...] = ()):
        super().__init__(token, api_url, retries=retries, backoff=backoff, timeout=timeout,
                         light=light)
        self.policy_paths = policy_paths
        self.files_cache = files_cache
        self.graphql_url_override = graphql_url or None
        self.snapshot_reads = snapshot_reads
        self.label_names = label_names


__all__ = ["DEFAULT_API_URL", "FILES_CAP", "GitHubForge"]
