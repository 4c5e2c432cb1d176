"""The names every part of Gatekeeper agrees on, defined once.

Where Gatekeeper lives and what its check is called, the files it reads and writes in an
adopter's repository, the labels it keeps, and the exit codes of every command. Templates,
docs and tests take them from here.
"""

from __future__ import annotations

import re
from typing import Final

from gatekeeper import Build

# --- exit codes, for every command ----------------------------------------------------------
EXIT_PASS: Final = 0  # pass, or pending
EXIT_BLOCKED: Final = 1  # blocked, or a check failed
EXIT_USAGE: Final = 2  # bad usage, configuration or input
EXIT_INTERNAL: Final = 3  # a bug in Gatekeeper: never to be read as "blocked"

# --- where Gatekeeper lives -----------------------------------------------------------------
# The GitHub repository that publishes the Gatekeeper action. It is also where the policy
# schema is served from, until the schema has a site of its own.
GATEKEEPER_REPOSITORY: Final = "gatekeeper-dev/gatekeeper"
# The major version's tag, which the release workflow moves to every release of it.
MAJOR_TAG: Final = "v0"
# The policy schema's $id: the file in this repository at the major tag, so editors (and
# SchemaStore, docs/schemastore-catalog.json) resolve it to the current release's schema.
SCHEMA_BASE: Final = (f"https://raw.githubusercontent.com/{GATEKEEPER_REPOSITORY}/{MAJOR_TAG}"
                      "/schemas/")
SCHEMA_ID: Final = f"{SCHEMA_BASE}policy.schema.json"
# The build the docs show as the one that wrote their examples (docs/examples/*.yml and the
# console examples, which tests/docs/test_console_examples.py runs as this build).
# `gatekeeper init` writes the commit of the CLI that runs it; after a release, point this
# at the release's version and commit (docs/releasing.md).
EXAMPLE_BUILD: Final = Build("0.1.dev168+g1aab65680", "1aab656802bce90f05bfec5151583f06ff15f3b1")
_RELEASE = re.compile(r"^\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?$")


def release_tag(build: Build) -> str | None:
    """``v1.2.0`` for a build of a release tag; None for a development build."""
    return f"v{build.version}" if _RELEASE.match(build.version) else None


def action_ref(build: Build) -> str | None:
    """The action at the commit ``build`` comes from (``OWNER/REPO@SHA``); None when the
    build has no commit. `gatekeeper init` pins this, so CI runs the CLI's own code."""
    return f"{GATEKEEPER_REPOSITORY}@{build.commit}" if build.commit else None


def pin_note(build: Build) -> str:
    """The comment beside the pinned SHA: the release tag, or the development version."""
    return release_tag(build) or f"{build.version}, no release tag"


def source_ref(build: Build) -> str:
    """Where links into this repository point for ``build``: its release tag, else its
    commit, else the major tag."""
    return release_tag(build) or build.commit or MAJOR_TAG


def schema_url(build: Build) -> str:
    """The policy schema as ``build`` reads it (the yaml-language-server comment)."""
    return (f"https://raw.githubusercontent.com/{GATEKEEPER_REPOSITORY}/{source_ref(build)}"
            "/schemas/policy.schema.json")


def docs_url(build: Build) -> str:
    """The docs folder as of ``build``, for messages shown in someone else's repository."""
    return f"https://github.com/{GATEKEEPER_REPOSITORY}/blob/{source_ref(build)}/docs"


# --- files in an adopter's repository -------------------------------------------------------
POLICY_PATH: Final = ".github/gatekeeper.yml"
# Where the policy is looked for, in this order; both present is an error, never a choice.
POLICY_PATHS: Final = (POLICY_PATH, ".github/gatekeeper.yaml")
TEMPLATE_PATH: Final = ".github/pull_request_template.md"
WORKFLOW_PATH: Final = ".github/workflows/gatekeeper.yml"
# The gate workflow's file name, as the Actions API names a workflow.
GATE_WORKFLOW: Final = WORKFLOW_PATH.rsplit("/", 1)[1]
REJUDGE_WORKFLOW_PATH: Final = ".github/workflows/gatekeeper-rejudge.yml"
# At most this many open pull requests are judged again by one push or record change; more
# fails the run, naming the rest (each costs a run's reads, under one token's hourly budget).
REJUDGE_LIMIT: Final = 50
# The hardened set-up (`init --hardened`) adds two workflows beside it, and `init --metrics`
# the weekly export.
REVIEW_TRIGGER_WORKFLOW_PATH: Final = ".github/workflows/gatekeeper-review-trigger.yml"
REVIEW_WORKFLOW_PATH: Final = ".github/workflows/gatekeeper-review.yml"
METRICS_WORKFLOW_PATH: Final = ".github/workflows/gatekeeper-metrics.yml"
# The policy's name in a decision when no policy file exists.
EMBEDDED_POLICY: Final = "embedded-default"

# --- the check ------------------------------------------------------------------------------
WORKFLOW_NAME: Final = "Gatekeeper Enforcement"
JOB_ID: Final = "gatekeeper"
# How the check shows on a pull request; branch protection and rulesets name it by the
# job alone ("gatekeeper").
CHECK_DISPLAY_NAME: Final = f"{WORKFLOW_NAME} / {JOB_ID}"
# The commit status the hardened set-up posts (pull_request_target), naming the base
# branch, so a success for a pull request into another branch does not count here.
HARDENED_STATUS_CONTEXT_FORMAT: Final = "gatekeeper/contract ({branch})"
# The GitHub Actions app on github.com: a required check pinned to it is satisfied by a
# check run from a workflow only, not by a status anyone else posts under the same name.
GITHUB_ACTIONS_APP_ID: Final = 15368
# Where GitHub looks for CODEOWNERS, in its order: the first one found is used.
CODEOWNERS_PATHS: Final = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
# The events the workflow must listen to (SPEC section 5).
PULL_REQUEST_TYPES: Final = ("opened", "edited", "synchronize", "reopened", "ready_for_review")
REVIEW_TYPES: Final = ("submitted", "dismissed")

# --- what the action keeps on a pull request ------------------------------------------------
LABEL_RED: Final = "gatekeeper:red"
LABEL_BLOCKED: Final = "gatekeeper:blocked"
MANAGED_LABELS: Final = (LABEL_RED, LABEL_BLOCKED)
# How a label looks when Gatekeeper creates it (colour, description of at most 100
# characters). A label that exists is left as a maintainer keeps it.
LABEL_STYLES: Final = {
    LABEL_RED: ("b60205", "Gatekeeper: changes RED-class paths; needs escalation and approval"),
    LABEL_BLOCKED: ("fbca04", "Gatekeeper: blocked; the sticky comment says what to fix"),
}
STICKY_MARKER: Final = "<!-- gatekeeper:sticky-comment -->"
# The sticky comment's last line starts so; it names the run (decision id, run link), and
# a comment that differs only there is not edited again.
COMMENT_FOOTER_PREFIX: Final = "<sub>decision "
# Comments made with the workflow's GITHUB_TOKEN are authored by this bot.
DEFAULT_COMMENT_AUTHOR: Final = "github-actions[bot]"

# --- output formats of the commands that are not decisions, one place per command -----------
# (decisions: gatekeeper/reporters). The command line offers exactly these; each command's
# renderers are keyed by them, and a test keeps the two in step.
