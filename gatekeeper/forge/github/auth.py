"""Where a GitHub token and API host come from, outside Actions."""

from __future__ import annotations

import os
import subprocess
import urllib.parse
from collections.abc import Mapping

from gatekeeper.errors import GatekeeperError

DEFAULT_API_URL = "https://api.github.com"
_PUBLIC_WEB_HOST = "github.com"
_PUBLIC_API_HOST = "api.github.com"


def web_host(api: str | None) -> str:
    """The host people and ``gh`` know a GitHub by: ``github.com`` for
    ``https://api.github.com``, ``HOST`` for GitHub Enterprise Server's ``https://HOST/api/v3``."""
    netloc = urllib.parse.urlsplit(api or DEFAULT_API_URL).netloc.casefold()
    return _PUBLIC_WEB_HOST if netloc == _PUBLIC_API_HOST else netloc


def api_url_for_host(host: str, scheme: str = "https") -> str:
    """The REST API base of the GitHub at web host ``host``."""
    if host.casefold() == _PUBLIC_WEB_HOST:
        return DEFAULT_API_URL
    return f"{scheme}://{host}/api/v3"


def find_token(environ: Mapping[str, str] = os.environ, *, api: str | None = None
               ) -> str | None:
    """GITHUB_TOKEN, GH_TOKEN, else what `gh auth token --hostname HOST` prints for the
    API's host (``api``, default GITHUB_API_URL)."""
    token = environ.get("GITHUB_TOKEN") or environ.get("GH_TOKEN")
    if token:
        return token
    host = web_host(api if api is not None else api_url(environ))
    try:
        found = subprocess.run(["gh", "auth", "token", "--hostname", host],
                               capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return (found.stdout.strip() or None) if found.returncode == 0 else None


def require_token(environ: Mapping[str, str] = os.environ, *, api: str | None = None) -> str:
    """A token, or a GatekeeperError (exit 2) that says how to provide one."""
    token = find_token(environ, api=api)
    if token is None:
        host = web_host(api if api is not None else api_url(environ))
        which = "" if host == _PUBLIC_WEB_HOST else f" (with --hostname {host})"
        raise GatekeeperError(f"no GitHub token for {host}: set GITHUB_TOKEN or GH_TOKEN, "
                              f"or run `gh auth login`{which}")
    return token


def api_url(environ: Mapping[str, str] = os.environ) -> str | None:
    return environ.get("GITHUB_API_URL") or None


def graphql_url(environ: Mapping[str, str] = os.environ) -> str | None:
    return environ.get("GITHUB_GRAPHQL_URL") or None
