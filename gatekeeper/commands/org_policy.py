"""``--org-policy FILE|OWNER/REPO[:PATH][@REF]``: the organisation's central policy, for
``validate``, ``explain`` and ``policy check``, read as CI reads it.

A file that exists is the file; otherwise the value names a file of the policy repository,
read through the API with the user's token (GITHUB_TOKEN, GH_TOKEN or ``gh auth token``;
the host from GITHUB_API_URL). Anything that cannot be read is a usage error (exit 2).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from gatekeeper.core.policy.load import PolicyDocument
from gatekeeper.core.policy.merge import parse_reference
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import ForgeUnavailable
from gatekeeper.local.policy_source import central_from_file

FORMS = "a policy file, or OWNER/REPO[:PATH][@REF] of the organisation's policy repository"


def central_policy(value: str, *, cwd: Path,
                   environ: Mapping[str, str] = os.environ) -> PolicyDocument:
    path = Path(value)
    if (path if path.is_absolute() else cwd / path).is_file():
        return central_from_file(str(path if path.is_absolute() else cwd / path))
    reference = parse_reference(value)
    if reference is None:
        raise GatekeeperError(f"--org-policy takes {FORMS}; {value!r} is neither")
    from gatekeeper.forge.github import GitHubForge
    from gatekeeper.forge.github.auth import api_url, require_token
    from gatekeeper.live.central_policy import read_central

    api = api_url(environ)
    logging.getLogger("github").setLevel(logging.WARNING)
    forge = GitHubForge(require_token(environ, api=api), api)
    try:
        return read_central(forge, reference)
    except ForgeUnavailable as exc:
        raise GatekeeperError(f"could not read the organisation policy {reference}: {exc} "
                              f"(no file {value!r} here either)") from None
