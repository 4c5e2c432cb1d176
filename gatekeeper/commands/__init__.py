"""Adoption commands: ``gatekeeper init`` writes the files, ``gatekeeper doctor`` checks the
repository on GitHub really enforces them.

The names below are the one place that says where Gatekeeper lives and what its check is
called; the templates, the docs and the tests take them from here.
"""

from __future__ import annotations

from typing import Final

from gatekeeper import __version__

# The GitHub repository that publishes the Gatekeeper action. It is also where the policy
# schema is served from, until the schema has a site of its own.
GATEKEEPER_REPOSITORY: Final = "gatekeeper-dev/gatekeeper"
RELEASE_TAG: Final = f"v{__version__}"

# What `gatekeeper init` writes into an adopter's workflow: the action pinned by full commit
# SHA (a tag can be moved to other code; a commit cannot), with ACTION_COMMIT_NOTE (the tag
# it carries) as a comment. Update both together when a release is tagged.
ACTION_COMMIT: Final = "791c93ef73d6147c8b4dff4ff8b3736739f8a9d2"
ACTION_COMMIT_NOTE: Final = f"main, 2026-12-01, before the {RELEASE_TAG} tag"
DEFAULT_ACTION_REF: Final = f"{GATEKEEPER_REPOSITORY}@{ACTION_COMMIT}"

# The policy schema at the same release, for editors (the yaml-language-server comment).
SCHEMA_URL: Final = (
    f"https://raw.githubusercontent.com/{GATEKEEPER_REPOSITORY}/{RELEASE_TAG}"
    "/schemas/policy.schema.json"
)

# Where the set-up guide lives, for messages shown in someone else's repository.
DOCS_URL: Final = f"https://github.com/{GATEKEEPER_REPOSITORY}/blob/{RELEASE_TAG}/docs"

POLICY_PATH: Final = ".github/gatekeeper.yml"
TEMPLATE_PATH: Final = ".github/pull_request_template.md"
WORKFLOW_PATH: Final = ".github/workflows/gatekeeper.yml"

WORKFLOW_NAME: Final = "Gatekeeper Enforcement"
JOB_ID: Final = "gatekeeper"
# How the check shows on a pull request; branch protection and rulesets name it by the
# job alone ("gatekeeper").
CHECK_DISPLAY_NAME: Final = f"{WORKFLOW_NAME} / {JOB_ID}"

# The events the workflow must listen to (SPEC section 5).
PULL_REQUEST_TYPES: Final = ("opened", "edited", "synchronize", "reopened", "ready_for_review")
REVIEW_TYPES: Final = ("submitted", "dismissed")

__all__ = [
    "ACTION_COMMIT",
    "ACTION_COMMIT_NOTE",
    "CHECK_DISPLAY_NAME",
    "DEFAULT_ACTION_REF",
    "DOCS_URL",
    "GATEKEEPER_REPOSITORY",
    "JOB_ID",
    "POLICY_PATH",
    "PULL_REQUEST_TYPES",
    "RELEASE_TAG",
    "REVIEW_TYPES",
    "SCHEMA_URL",
    "TEMPLATE_PATH",
    "WORKFLOW_NAME",
    "WORKFLOW_PATH",
]
