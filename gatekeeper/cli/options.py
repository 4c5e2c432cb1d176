"""What the commands share on the command line: option types, the group's own settings
(--color, --quiet), running a command under them, and where a repository comes from."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

DATE = click.DateTime(formats=["%Y-%m-%d"])
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class RepositoryType(click.ParamType):  # type: ignore[type-arg]
    """``OWNER/REPO``."""

    name = "OWNER/REPO"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        text = str(value).strip()
        if not _REPO.match(text):
            self.fail(f"takes OWNER/REPO, not {value!r}", param, ctx)
        return text


REPOSITORY = RepositoryType()


ORG_POLICY_HELP = ("The organisation's central policy, which the repository's policy may only "
                    "tighten: a file, or OWNER/REPO[:PATH][@REF] of the policy repository "
                    "(PATH default gatekeeper.yml, REF default its default branch), read "
                    "with GITHUB_TOKEN, GH_TOKEN or `gh auth token`. A loosening key exits 2 "
                    "with its line.")


def org_policy_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--org-policy", "org_policy", metavar="FILE|OWNER/REPO[:PATH][@REF]",
                        help=ORG_POLICY_HELP)(function)



REPO_HELP = "Default: the repository of the origin remote."



# The group's own options (--color, --quiet), for the command that runs.
settings: dict[str, Any] = {"color": "auto", "quiet": False}


def run(command: Callable[[TextIO], int]) -> NoReturn:
    """Run a command writing to standard output; under --quiet, its output is shown only
    when it does not succeed."""
    if not settings["quiet"]:
        exit_with(command(sys.stdout))
    held = _HeldOutput(sys.stdout)
    code = command(held)
    if code != 0:
        sys.stdout.write(held.getvalue())
    exit_with(code)


class _HeldOutput(io.StringIO):
    """Output kept back under --quiet; a terminal still counts as one (for colour)."""

    def __init__(self, real: TextIO):
        super().__init__()
        self._real = real

    def isatty(self) -> bool:
        return self._real.isatty()


def exit_with(code: int) -> NoReturn:
    sys.exit(code)



def repository(repo: str | None) -> tuple[str, str | None]:
    """``--repo``, else the ``origin`` remote's repository (as ``validate --pr`` reads it),
    with the API of the remote's host when GITHUB_API_URL does not name one."""
    from gatekeeper.forge.github.auth import api_url, api_url_for_host

    if repo is not None:
        return repo, api_url()
    from urllib.parse import urlsplit

    from gatekeeper.local.pull_target import origin_repository

    web, found = origin_repository(cwd=Path.cwd())
    parts = urlsplit(web)
    return found, api_url() or api_url_for_host(parts.netloc, parts.scheme)


