"""The names every part of Gatekeeper agrees on, defined once.

Where Gatekeeper lives and what its check is called, the files it reads and writes in an
adopter's repository, the labels it keeps, and the exit codes of every command. Templates,
docs and tests take them from here.
"""

from __future__ import annotations

from typing import Final

from gatekeeper import __version__

# --- exit codes, for every command ----------------------------------------------------------
EXIT_PASS: Final = 0  # pass, or pending
EXIT_BLOCKED: Final = 1  # blocked, or a check failed
EXIT_USAGE: Final = 2  # bad usage, configuration or input
EXIT_INTERNAL: Final = 3  # a bug in Gatekeeper: never to be read as "blocked"

# --- where Gatekeeper lives -----------------------------------------------------------------
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

# --- files in an adopter's repository -------------------------------------------------------
POLICY_PATH: Final = ".github/gatekeeper.yml"
# Where the policy is looked for, in this order; both present is an error, never a choice.
POLICY_PATHS: Final = (POLICY_PATH, ".github/gatekeeper.yaml")
TEMPLATE_PATH: Final = ".github/pull_request_template.md"
WORKFLOW_PATH: Final = ".github/workflows/gatekeeper.yml"
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
