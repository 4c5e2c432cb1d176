"""GitHub behind the forge Protocols: ``GitHubForge`` reads and publishes, ``runner``
reads the Actions runner's context."""

from __future__ import annotations

from gatekeeper.forge.github.auth import DEFAULT_API_URL
from gatekeeper.forge.github.authority import AuthorityMixin
from gatekeeper.forge.github.graphql import GraphQLMixin
from gatekeeper.forge.github.publish import PublishMixin
from gatekeeper.forge.github.pulls import FILES_CAP, PullsMixin
from gatekeeper.forge.github.settings import SettingsMixin
from gatekeeper.forge.github.timeline import TimelineMixin


class GitHubForge(PullsMixin, AuthorityMixin, TimelineMixin, PublishMixin, SettingsMixin,
                 GraphQLMixin):
    """One GitHub API host and token: pull requests, publishing, settings and GraphQL."""


__all__ = ["DEFAULT_API_URL", "FILES_CAP", "GitHubForge"]
