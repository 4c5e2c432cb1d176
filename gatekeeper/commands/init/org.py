"""The files of an organisation's set-up: `init --org ORG` for the policy repository, and
`init --org-policy OWNER/REPO[:PATH][@REF]` for a repository under its central policy.

The policy repository gets the central policy (the embedded default), ``action.yml`` (the
repository as an action, so the runner fetches the central policy with its own read-only
token), the workflow the organisation ruleset requires, the weekly metrics workflow (shards
as a matrix, joined by ``metrics merge``) and a README with the ruleset step by step.

The required workflow names the central policy by the commit that holds it, which exists
only once the other files are committed: it is planned when ``--policy-sha`` is given, or
when ``HEAD`` already holds this ``action.yml`` and the central policy (then the last commit
that changed either is the pin). Until then it is left for the next run, and the next steps say so.

A repository under the central policy gets only a tightening stub (``version: 1`` and the
tightenings it may make, commented) and the pull request template: the workflow comes from
the ruleset.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gatekeeper import resources
from gatekeeper.commands.init.workflows import Pin, PlannedFile, released
from gatekeeper.constants import (
    METRICS_WORKFLOW_PATH,
    POLICY_PATH,
    TEMPLATE_PATH,
    WORKFLOW_PATH,
)
from gatekeeper.core import fields
from gatekeeper.core.policy.merge import CENTRAL_POLICY_PATH, CentralReference, parse_reference
from gatekeeper.errors import GatekeeperError

DEFAULT_POLICY_REPOSITORY = "gatekeeper-policy"
ACTION_PATH = "action.yml"
README_PATH = "README.md"
SHARDS = 4
_ORG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_MARKER = re.compile(r"%%[A-Z_]+%%")


@dataclass(frozen=True)
class OrgSetUp:
    """What `init --org` is asked for."""

    org: str
    pin: Pin  # the Gatekeeper action the workflows use
    policy_repository: str  # OWNER/REPO
    policy_sha: str | None  # the commit that holds the central policy, when known


def check_org(org: str) -> str:
    if not _ORG.match(org) or org.endswith("-") or "--" in org:
        raise GatekeeperError(f"--org takes an organisation's login, not {org!r}")
    return org


def policy_repository(org: str, name: str | None) -> str:
    """``ORG/NAME`` (``NAME`` by default ``gatekeeper-policy``); ``name`` may be given as
    ``ORG/NAME`` too, of the same organisation."""
    chosen = name or DEFAULT_POLICY_REPOSITORY
    owner, _, repository = chosen.rpartition("/")
    if owner and owner.casefold() != org.casefold():
        raise GatekeeperError(f"--policy-repo {chosen!r} is not a repository of {org}")
    if not _REPOSITORY_NAME.match(repository) or repository.strip(".") == "":
        raise GatekeeperError(f"--policy-repo takes a repository name, not {chosen!r}")
    return f"{org}/{repository}"


def check_sha(sha: str) -> str:
    if not _SHA.match(sha):
        raise GatekeeperError(f"--policy-sha takes a full 40-character commit SHA, not {sha!r}")
    return sha


def render(resource: str, values: dict[str, str]) -> str:
    """``templates/org/<resource>`` with each ``%%NAME%%`` replaced; a marker left over is
    a bug in the template."""
    text = resources.text(f"templates/org/{resource}")
    for name, value in values.items():
        text = text.replace(f"%%{name}%%", value)
    left = _MARKER.search(text)
    if left is not None:
        raise AssertionError(f"templates/org/{resource}: {left.group(0)} not filled in")
    return text


def _values(setup: OrgSetUp) -> dict[str, str]:
    repository, ref = released(setup.pin, "--org")
    return {"ORG": setup.org, "POLICY_REPOSITORY": setup.policy_repository,
            "POLICY_PATH": CENTRAL_POLICY_PATH, "GATEKEEPER_REPOSITORY": repository,
            "GATEKEEPER_REF": ref, "ACTION_REF": setup.pin.text(), "SHARDS": str(SHARDS),
            "SHARD_LIST": ", ".join(str(k) for k in range(1, SHARDS + 1))}


def action_text(setup: OrgSetUp) -> str:
    return render("action.yml", _values(setup))


def required_workflow_text(setup: OrgSetUp, policy_sha: str) -> str:
    return render("gatekeeper.yml", {**_values(setup), "POLICY_SHA": check_sha(policy_sha)})


def policy_repository_files(setup: OrgSetUp, central_policy: str) -> tuple[PlannedFile, ...]:
    """The policy repository's files; the required workflow only once its pin is known."""
    values = _values(setup)
    planned = [
        PlannedFile(CENTRAL_POLICY_PATH, central_policy,
                    "the central policy every repository may only tighten"),
        PlannedFile(ACTION_PATH, action_text(setup),
                    "this repository as an action: the runner fetches the central policy"),
        PlannedFile(METRICS_WORKFLOW_PATH, render("metrics.yml", values),
                    f"the organisation's weekly metrics, {SHARDS} shards and their merge"),
        PlannedFile(README_PATH, render("README.md", values),
                    "for the organisation's admins: the ruleset to create, step by step"),
    ]
    if setup.policy_sha is not None:
        planned.insert(2, PlannedFile(
            WORKFLOW_PATH, required_workflow_text(setup, setup.policy_sha),
            f"the workflow the ruleset requires, central policy at {setup.policy_sha[:12]}"))
    return tuple(planned)


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=10,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def head_pin(root: Path, setup: OrgSetUp) -> str | None:
    """The last commit that changed the central policy or ``action.yml``, when ``HEAD``
    holds this ``action.yml`` and a central policy: the commit the required workflow can
    name (committing the workflow itself does not move it)."""
    committed = _git(root, "show", f"HEAD:{ACTION_PATH}")
    if committed is None or committed.replace("\r\n", "\n") != action_text(setup):
        return None
    if _git(root, "cat-file", "-e", f"HEAD:{CENTRAL_POLICY_PATH}") is None:
        return None
    last = (_git(root, "log", "-1", "--format=%H", "HEAD", "--", ACTION_PATH,
                 CENTRAL_POLICY_PATH) or "").strip()
    return last if _SHA.match(last) else None


def check_org_policy(value: str) -> CentralReference:
    reference = parse_reference(value)
    if reference is None:
        raise GatekeeperError(f"--org-policy takes OWNER/REPO[:PATH][@REF] of the "
                              f"organisation's policy repository, not {value!r}")
    return reference


def stub_text(reference: CentralReference) -> str:
    """A repository's own policy under the central one: nothing but ``version: 1`` until
    someone tightens it; what it may add is shown, commented."""
    return f"""\
# This repository's own Gatekeeper policy, under the organisation's central policy
# {reference.repo}:{reference.path}. Written by `gatekeeper init --org-policy`.
#
# It may only TIGHTEN the central policy: a key that would loosen it (a `!` pattern in a
# central class, a check turned off, another approval pattern, an exemption the central
# policy does not grant) blocks every pull request with GK910. Check it locally with
#   gatekeeper policy check --org-policy {reference.repo} {POLICY_PATH}
# Uncomment what this repository needs; lists are added to the central ones.
version: 1

# classes:
#   RED:
#     paths:
#       - billing/              # a path of this repository that the central policy misses
#     require:                  # more contract fields for a RED change
#       - rollback_plan
#   AMBER:
#     paths:
#       - docs/api/

# authority:
#   escalation_reviewers:      # fewer reviewers than the central list, never others
#     - "@{reference.repo.split("/")[0]}/security"

# test_evidence:
#   require_checks:
#     - "tests"
"""


def member_files(reference: CentralReference) -> tuple[PlannedFile, ...]:
    return (
        PlannedFile(POLICY_PATH, stub_text(reference),
                    f"tightenings of {reference.repo}'s central policy (commented)"),
        PlannedFile(TEMPLATE_PATH, fields.pull_request_template(),
                    "the contract authors fill in", template=True),
    )


def waiting_step(org: str) -> str:
    return (f"  The required workflow ({WORKFLOW_PATH}) names the central policy by commit:\n"
            "  commit the files above, then run\n"
            f"       gatekeeper init --org {org}\n"
            "  again (it pins the commit that holds them), or pass --policy-sha SHA.\n")


def org_next_steps(setup: OrgSetUp) -> str:
    return ("\nNext steps: README.md, step by step: the Access setting, the metrics token, "
            "the ruleset.\nThen prove every repository is gated:\n"
            f"       gatekeeper doctor --org {setup.org} --org-policy "
            f"{setup.policy_repository}\n")


def member_next_steps(reference: CentralReference) -> str:
    return ("\nNext steps: tighten the policy where this repository needs it, then check it "
            "against the central one:\n"
            f"       gatekeeper policy check --org-policy {reference.repo} "
            f"{POLICY_PATH}\n"
            "  The workflow comes from the organisation's ruleset: none is written here.\n")
