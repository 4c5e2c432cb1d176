"""What to tell a user when GitHub refuses a request or cannot be reached.

A refusal (401, a 403 that is not a rate limit, 404) does not go away by asking again:
it is never retried, and its hint names the token permission or the name that is wrong.
An unreachable host names the URL that was tried.
"""

from __future__ import annotations

import re

from urllib3.exceptions import NewConnectionError

# REST paths -> the fine-grained permission a call needs (read for GET, else write).
_PERMISSIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), permission) for pattern, permission in (
        (r"/orgs/[^/]+/teams/", "members (organization)"),
        (r"/branches/[^/]+.*/protection|/rulesets|/rules/", "administration"),
        (r"/actions/", "actions"),
        (r"/statuses/|/commits/[^/]+/status", "statuses"),
        (r"/check-runs|/check-suites", "checks"),
        (r"/issues/", "issues"),
        (r"/pulls", "pull-requests"),
        (r"/contents/|/git/|/commits", "contents"),
        (r"^/?repos/[^/]+/[^/]+/?$", "metadata"),
    )
)
_REPO_PATH = re.compile(r"/repos/([^/]+/[^/]+)")


def permission_for(verb: str, url: str) -> str | None:
    """The token permission a REST call needs, e.g. ``pull-requests: read``."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url.split("?", 1)[0])
    path = re.sub(r"^/api/v3", "", path)
    level = "read" if verb.upper() in ("GET", "HEAD") else "write"
    for pattern, permission in _PERMISSIONS:
        if pattern.search(path):
            return f"{permission}: {level}"
    return None


def subject_of(url: str) -> str | None:
    match = _REPO_PATH.search(url)
    return f"repository {match.group(1)}" if match else None


def is_rate_limit(status: int | None, detail: str) -> bool:
    return status == 429 or (status == 403 and "rate limit" in detail.lower())


def refusal(status: int | None, detail: str, *, permission: str | None,
            subject: str | None) -> str:
    """The hint for a refusal that asking again will not change; "" for anything else."""
    if status == 401:
        return ("GitHub refused the token (wrong, expired or revoked): set GITHUB_TOKEN or "
                "GH_TOKEN to a valid token, or run `gh auth login`")
    if status == 403 and not is_rate_limit(status, detail):
        needs = f"the {permission} permission" if permission else "a permission it lacks"
        return (f"the token is not allowed to do this: it needs {needs} (a classic token: "
                "the repo scope) on the repository")
    if status == 404:
        what = subject or "the repository"
        return (f"check that {what} exists (owner, name, number); GitHub also answers 404 "
                "when the token cannot see a private repository")
    return ""


def cannot_connect(exc: BaseException) -> bool:
    """No connection could be made at all (refused, unknown host, connect timeout), as
    opposed to one that broke off, which asking again may cure. (PyGithub's transport
    only: requests is not installed with the action.)"""
    import requests

    if isinstance(exc, requests.ConnectTimeout):
        return True
    if not isinstance(exc, requests.ConnectionError) or not exc.args:
        return False
    cause = exc.args[0]  # urllib3's MaxRetryError, whose reason is the last failure
    return isinstance(getattr(cause, "reason", cause), NewConnectionError)


def connection_failure(url: str) -> str:
    return (f"could not connect to {url}; check GITHUB_API_URL (GitHub Enterprise Server: "
            "https://HOST/api/v3) and the network")
