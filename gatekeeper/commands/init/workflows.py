"""The workflows `gatekeeper init` writes, rendered from the templates shipped in the package.

The templates (``gatekeeper/templates/``) are the one source of truth: the examples in
``docs/examples/`` are these templates rendered for the docs' example build
(``scripts/gen_examples.py``; ``tests/docs/test_examples_drift.py`` fails on drift), and
this repository's own hardened workflows are them rendered with ``--action-ref ./``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import gatekeeper
from gatekeeper import Build, resources
from gatekeeper.constants import (
    EXAMPLE_BUILD,
    GATEKEEPER_REPOSITORY,
    HARDENED_STATUS_CONTEXT_FORMAT,
    METRICS_WORKFLOW_PATH,
    REJUDGE_WORKFLOW_PATH,
    REVIEW_TRIGGER_WORKFLOW_PATH,
    REVIEW_WORKFLOW_PATH,
    WORKFLOW_PATH,
    action_ref,
    pin_note,
    release_tag,
)
from gatekeeper.errors import GatekeeperError

_ACTION_REF_MARKER = "@@ACTION_REF@@"
_ACTION_STEP_MARKER = "      @@ACTION_STEP@@\n"
_REPOSITORY_MARKER = "@@GATEKEEPER_REPOSITORY@@"
_REF_MARKER = "@@GATEKEEPER_REF@@"
_CONTEXT_MARKER = "@@STATUS_CONTEXT@@"
# owner/repo[/path]@ref, or a local action such as ./ or ./.github/actions/gatekeeper
_ACTION_REF = re.compile(
    r"^(?:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?@[A-Za-z0-9_./-]+"
    r"|\./[A-Za-z0-9_./-]*)$"
)
_REMOTE_REF = re.compile(r"^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(?:/[A-Za-z0-9_./-]+)?@(.+)$")

# The base branch's own copy of a local action: the tip of the base branch for
# pull_request_target and workflow_run (GITHUB_SHA), the group's base for a merge queue,
# never the pull request's code.
_LOCAL_STEPS = """\
      # The action as it is on the base branch (for a merge group, the group's base
      # commit): never the pull request's code, which must not judge itself.
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
        with:
          ref: ${{ github.event.merge_group.base_sha || github.sha }}
          persist-credentials: false
      - uses: @@ACTION_REF@@  # zizmor: ignore[self-repository]
"""


@dataclass(frozen=True)
class PlannedFile:
    """A file `init` writes: where, what, and what it is for."""

    path: str  # relative to the repository's top level, with forward slashes
    text: str
    purpose: str
    # The repository's own pull request template: extended in place, never replaced.
    template: bool = False


@dataclass(frozen=True)
class Template:
    """A shipped workflow template and where `init` writes it."""

    resource: str  # inside gatekeeper/templates/
    path: str  # in the adopter's repository
    example: str | None  # in docs/examples/, when the docs show it
    purpose: str
    runs_action: bool = True  # whether it runs the Gatekeeper action (and which one)


SIMPLE = Template("workflow.yml", WORKFLOW_PATH, None, "the check")
SIMPLE_SET_UP = (
    SIMPLE,
    Template("rejudge.yml", REJUDGE_WORKFLOW_PATH, "gatekeeper-rejudge.yml",
             "re-runs the check when a policy or approval record changes"),
)
HARDENED = (
    Template("hardened/gatekeeper.yml", WORKFLOW_PATH, "gatekeeper-hardened.yml",
             "the hardened check: pull_request_target and merge_group, a commit status"),
    Template("hardened/gatekeeper-review-trigger.yml", REVIEW_TRIGGER_WORKFLOW_PATH,
             "gatekeeper-hardened-review-trigger.yml",
             "an unprivileged trigger on reviews submitted or dismissed", runs_action=False),
    Template("hardened/gatekeeper-review.yml", REVIEW_WORKFLOW_PATH,
             "gatekeeper-hardened-review.yml",
             "the re-evaluation after a review, from the default branch (workflow_run)"),
    Template("hardened/gatekeeper-rejudge.yml", REJUDGE_WORKFLOW_PATH,
             "gatekeeper-hardened-rejudge.yml",
             "judges open pull requests again when a policy or approval record changes"),
)
METRICS = Template("metrics.yml", METRICS_WORKFLOW_PATH, "gatekeeper-metrics.yml",
                   "the weekly metrics export, read-only")
EXAMPLES = (*SIMPLE_SET_UP[1:], *HARDENED, METRICS)


def check_action_ref(action_ref: str) -> str:
    """``owner/repo@ref`` (optionally with a path) or ``./path``; anything else is refused."""
    ref = action_ref.strip()
    if not _ACTION_REF.match(ref):
        raise GatekeeperError(
            f"--action-ref takes OWNER/REPO@REF (a tag or a full commit SHA) or ./PATH, "
            f"not {action_ref!r}"
        )
    return ref


@dataclass(frozen=True)
class Pin:
    """The action a workflow uses, and the comment beside it (the tag a SHA stands for)."""

    ref: str
    note: str = ""

    def text(self) -> str:
        return f"{self.ref}  # {self.note}" if self.note else self.ref


def pin_for(build: Build) -> Pin:
    """The action at the commit ``build`` was made from, with its tag in a comment.

    A build without a commit (from a source tree without git metadata) cannot know what to
    pin: say how to find the commit, and refuse to guess.
    """
    ref = action_ref(build)
    if ref is None:
        tag = release_tag(build)
        wanted = f"refs/tags/{tag}" if tag else "refs/heads/main"
        raise GatekeeperError(
            f"this Gatekeeper ({build.describe()}) cannot pin the action at its own commit; "
            f"pass --action-ref {GATEKEEPER_REPOSITORY}@SHA with the full commit SHA of the "
            f"Gatekeeper you installed (`git ls-remote https://github.com/"
            f"{GATEKEEPER_REPOSITORY} {wanted}` shows it), or install Gatekeeper from PyPI "
            "or git, whose builds know their commit")
    return Pin(ref, pin_note(build))


def default_pin() -> Pin:
    """What `gatekeeper init` pins: the commit of the Gatekeeper that runs it."""
    return pin_for(gatekeeper.BUILD)


def example_pin() -> Pin:
    return pin_for(EXAMPLE_BUILD)


def as_pin(ref: str | Pin) -> Pin:
    return ref if isinstance(ref, Pin) else Pin(check_action_ref(ref))


def _source(template: Template) -> str:
    return resources.text(f"templates/{template.resource}")


def render(template: Template, action: str | Pin | None = None) -> str:
    """The workflow as `init` writes it for ``action`` (``--action-ref`` or a pin; by
    default, this build's commit)."""
    pin = as_pin(default_pin() if action is None else action)
    ref = check_action_ref(pin.ref)
    text = _source(template).replace(_CONTEXT_MARKER, HARDENED_STATUS_CONTEXT_FORMAT)
    if template is METRICS:
        return _render_metrics(text, pin)
    if _ACTION_STEP_MARKER in text:
        local = ref.startswith("./")
        step = _LOCAL_STEPS if local else f"      - uses: {_ACTION_REF_MARKER}\n"
        text = text.replace(_ACTION_STEP_MARKER, step)
    if _ACTION_REF_MARKER not in text:
        if not template.runs_action:
            return text
        raise AssertionError(f"templates/{template.resource} lost its action reference marker")
    return text.replace(_ACTION_REF_MARKER, pin.text())


def released(pin: Pin, option: str = "--metrics") -> tuple[str, str]:
    """The repository and the ref (with its note) of a released Gatekeeper, for workflows
    that install it rather than use the action; a local ``./`` action is refused."""
    match = _REMOTE_REF.match(pin.ref)
    if match is None:
        raise GatekeeperError(f"{option} installs a released Gatekeeper and needs "
                              f"--action-ref OWNER/REPO@REF, not {pin.ref!r}")
    repository, commit = match.groups()
    return repository, commit + (f"  # {pin.note}" if pin.note else "")


def _render_metrics(text: str, pin: Pin) -> str:
    repository, ref = released(pin)
    return text.replace(_REPOSITORY_MARKER, repository).replace(_REF_MARKER, ref)


def workflow_text(action: str | Pin | None = None) -> str:
    """The simple set-up's workflow (``pull_request``; the job is the required check), with
    the default pin unless told otherwise."""
    return render(SIMPLE, default_pin() if action is None else action)


def example_text(template: Template) -> str:
    """What ``docs/examples/<template.example>`` says: the template for the docs' build."""
    return render(template, example_pin())
