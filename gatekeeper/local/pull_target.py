"""Which pull request ``--pr`` means: a URL, ``OWNER/REPO#N``, ``#N`` or ``N`` (the
repository from the ``origin`` remote), or nothing (the current branch's open pull request).

Parsing is done here, from text and the local git configuration; finding a branch's pull
request needs GitHub and is done by the command, from the ``BranchTarget`` given here.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from gatekeeper.errors import GatekeeperError
from gatekeeper.local.git import run_git

_NAME = r"[A-Za-z0-9_.-]+"
_SLUG = re.compile(rf"^({_NAME})/({_NAME}?)(?:\.git)?/?$")
_SHORT = re.compile(rf"^({_NAME}/{_NAME})#([0-9]+)$")
_NUMBER = re.compile(r"^#?([0-9]+)$")
_PULL_PATH = re.compile(rf"^/({_NAME})/({_NAME})/pulls?/([0-9]+)(?:/.*)?$")
_SCP = re.compile(r"^(?:[^@/]+@)?([^:/]+):(.+)$")  # git@host:owner/repo.git
FORMS = "a pull request URL, OWNER/REPO#N, #N or N, or nothing for the current branch's"


@dataclass(frozen=True)
class PullTarget:
    """One pull request; ``web`` is the scheme and host it was named on, when known."""

    repo: str
    number: int
    web: str | None = None
    from_url: bool = False  # named by a URL, whose host must be the API's

    def __str__(self) -> str:
        return f"{self.repo}#{self.number}"


@dataclass(frozen=True)
class BranchTarget:
    """The current branch: its open pull request into ``repo`` from ``head`` (OWNER:BRANCH)."""

    repo: str
    head: str
    web: str | None = None


def parse_remote_url(url: str) -> tuple[str, str] | None:
    """(web base such as ``https://github.com``, ``OWNER/REPO``) of a git remote URL: https,
    ssh:// or scp-like ``git@host:owner/repo.git``; None when it names no repository."""
    text = url.strip()
    if "://" in text:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname
        if not host:
            return None
        scheme = parts.scheme if parts.scheme in ("http", "https") else "https"
        netloc = parts.netloc.rpartition("@")[2] if scheme == parts.scheme else host
        path = parts.path
    else:
        scp = _SCP.match(text)
        if scp is None:
            return None
        scheme, netloc, path = "https", scp.group(1), "/" + scp.group(2)
    slug = _SLUG.match(path.strip("/"))
    if slug is None or not _real(slug.group(1), slug.group(2)):
        return None
    return f"{scheme}://{netloc.casefold()}", f"{slug.group(1)}/{slug.group(2)}"


def _real(*names: str) -> bool:
    """GitHub names are never empty nor made of dots alone (``..`` would climb the URL)."""
    return all(name and name.strip(".") for name in names)


def _redacted(url: str) -> str:
    """A remote URL without the credentials it may carry (``https://user:token@host``)."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", r"\1", url.strip(), flags=re.IGNORECASE)


def parse_pull_url(text: str) -> PullTarget | None:
    parts = urllib.parse.urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    match = _PULL_PATH.match(parts.path)
    if match is None or not _real(match.group(1), match.group(2)):
        return None
    return PullTarget(f"{match.group(1)}/{match.group(2)}", int(match.group(3)),
                      web=f"{parts.scheme}://{parts.netloc.casefold()}", from_url=True)


def remote(name: str, *, cwd: Path) -> tuple[str, str]:
    """(web base, OWNER/REPO) of remote ``name`` (``url.*.insteadOf`` applied)."""
    url = run_git(["remote", "get-url", name], cwd=cwd,
                  what=f"reading the {name!r} remote (git remote get-url {name})").strip()
    parsed = parse_remote_url(url)
    if parsed is None:
        raise GatekeeperError(f"the {name!r} remote ({_redacted(url)}) does not name an OWNER/REPO "
                              "repository; pass --pr OWNER/REPO#N")
    return parsed


def origin_repository(*, cwd: Path, option: str = "--repo") -> tuple[str, str]:
    """(web base, OWNER/REPO) of the ``origin`` remote, for a command whose ``option`` was
    left out; a GatekeeperError that names the option when there is none."""
    try:
        return remote("origin", cwd=cwd)
    except GatekeeperError as exc:
        raise GatekeeperError(f"{exc}; pass {option} OWNER/REPO") from None


def _config(key: str, *, cwd: Path) -> str | None:
    try:
        value = run_git(["config", "--get", key], cwd=cwd, what=f"git config {key}").strip()
    except GatekeeperError:
        return None
    return value or None


def current_branch(*, cwd: Path) -> BranchTarget:
    """The branch checked out, as GitHub knows it: its upstream's remote and branch name
    when it has one, else ``origin`` and the same name."""
    try:
        branch = run_git(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd=cwd,
                         what="reading the current branch").strip()
    except GatekeeperError:
        raise GatekeeperError("HEAD is not on a branch, so it has no pull request; pass "
                              "--pr N or --pr OWNER/REPO#N") from None
    push_remote = _config(f"branch.{branch}.remote", cwd=cwd) or "origin"
    merge = _config(f"branch.{branch}.merge", cwd=cwd) or ""
    head_branch = merge.removeprefix("refs/heads/") or branch
    web, repo = remote("origin", cwd=cwd)
    owner = repo.split("/")[0]
    if push_remote not in ("origin", "."):
        owner = remote(push_remote, cwd=cwd)[1].split("/")[0]
    return BranchTarget(repo=repo, head=f"{owner}:{head_branch}", web=web)


def resolve(reference: str, *, cwd: Path) -> PullTarget | BranchTarget:
    """What ``--pr REFERENCE`` names; "" is the current branch's pull request."""
    text = reference.strip()
    if not text:
        return current_branch(cwd=cwd)
    short = _SHORT.match(text)
    if short is not None and _real(*short.group(1).split("/")):
        return PullTarget(short.group(1), int(short.group(2)))
    number = _NUMBER.match(text)
    if number is not None:
        web, repo = remote("origin", cwd=cwd)
        return PullTarget(repo, int(number.group(1)), web=web)
    found = parse_pull_url(text)
    if found is None:
        raise GatekeeperError(f"--pr takes {FORMS}, not {reference!r}")
    return found
