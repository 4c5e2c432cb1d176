"""Reading a repository's pull request history for `metrics` and `replay`: the forge,
the cache, progress on a terminal, and the policy to replay with."""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from gatekeeper import resources
from gatekeeper.constants import POLICY_PATH
from gatekeeper.core.model import PolicyOrigin
from gatekeeper.core.policy.load import Policy, parse_policy
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge.github import DEFAULT_API_URL, GitHubForge
from gatekeeper.history.cache import Cache
from gatekeeper.history.fetch import UNKNOWN, History, RepositoryInfo, RetrySettings, Unknown
from gatekeeper.history.records import PullRecord
from gatekeeper.local.policy_source import default_policy, load_policy
from gatekeeper.metrics import timeline
from gatekeeper.writes import write_text_atomically

CACHE_FILE = "history.sqlite"


def default_cache_path() -> Path:
    """The cache in the user cache folder (``$XDG_CACHE_HOME/gatekeeper`` or
    ``~/.cache/gatekeeper`` on Linux, ``~/Library/Caches/gatekeeper`` on macOS,
    ``%LOCALAPPDATA%\\gatekeeper\\Cache`` on Windows): never inside a clone, where it
    could be committed. One file serves every repository (each keyed by host and name)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("gatekeeper", appauthor=False)) / CACHE_FILE
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


class Progress:
    """One self-overwriting status line on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO, label: str):
        self.stream = stream
        self.label = label
        self.live = stream.isatty()
        self.shown = False

    def __call__(self, message: str) -> None:
        if self.live:
            self.stream.write(f"\r\x1b[2K{self.label}: {message}")
            self.stream.flush()
            self.shown = True

    def note(self, message: str) -> None:
        """A line that stays, on a terminal or not (waits, retries, resumes)."""
        self.done()
        self.stream.write(f"{self.label}: {message}\n")
        self.stream.flush()

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False


@dataclass(frozen=True)
class GitHubAccess:
    token: str | None
    api_url: str | None
    graphql_url: str | None
    cache_path: Path = field(default_factory=default_cache_path)
    page_size: int = 100
    retry: RetrySettings = field(default_factory=RetrySettings)

    def cache_key(self, repo: str) -> str:
        host = urllib.parse.urlsplit(self.api_url or DEFAULT_API_URL)
        return f"{host.netloc}{host.path.rstrip('/')}/{repo}".casefold()


@dataclass
class Session:
    """A client, the cache and the history reader for one repository."""

    history: History
    cache: Cache
    info: RepositoryInfo
    bases: tuple[str, ...]

    @classmethod
    def open(cls, access: GitHubAccess, repo: str, bases: Sequence[str],
             progress: Progress, *, listed: RepositoryInfo | None = None) -> Session:
        """``listed``: what an organisation's listing already read of the repository."""
        if not _REPO.fullmatch(repo):
            raise GatekeeperError(f"--repo takes OWNER/REPO, not {repo!r}")
        client = GitHubForge(access.token, access.api_url)
        cache = Cache(access.cache_path)
        try:
            history = History(client, cache, repo, cache_key=access.cache_key(repo),
                              graphql_url=access.graphql_url, page_size=access.page_size,
                              retry=access.retry, progress=progress, notice=progress.note)
            info = listed or history.repository(POLICY_PATH)
        except BaseException:
            cache.close()
            raise
        chosen = tuple(dict.fromkeys(bases)) or (info.default_branch,)
        if not all(chosen):
            cache.close()
            raise GatekeeperError(f"{repo} has no default branch; name one with --base")
        return cls(history, cache, info, chosen)

    def sync(self, since: date | None, *, newest: str | Unknown | None = UNKNOWN,
             follow: bool = True) -> list[PullRecord]:
        start, _ = timeline.window_bounds(since, None)
        for base in self.bases:
            self.history.sync(base, start, newest=newest, follow=follow)
        return list(self.cache.pulls(self.history.key, self.bases))

    def policy(self, explicit: str | None) -> tuple[Policy, str]:
        """The policy to replay with, and a digest of its text (for the replay cache)."""
        if explicit is not None:
            policy = load_policy(explicit, cwd=Path.cwd())
            return policy, policy.origin.sha or explicit
        text = self.info.policy_text
        if text is None:
            return default_policy(), digest(resources.text("default_policy.yml"))
        name = f"{self.history.repo}:{POLICY_PATH}"
        origin = PolicyOrigin(source=name, ref=self.info.default_branch, sha=self.info.head_oid)
        at = f"@{self.info.head_oid[:12]}" if self.info.head_oid else ""
        policy = parse_policy(text, file=f"{name}{at}", schema=resources.schema("policy"),
                              origin=origin)
        return policy, digest(text)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def emit(text: str, output: Path | None, stdout: TextIO) -> None:
    if output is None:
        stdout.write(text)
        stdout.flush()
    else:
        write_text_atomically(output, text)
