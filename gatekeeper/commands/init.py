"""`gatekeeper init`: write the policy, the pull request template and the workflow.

Idempotent: a file that already says what init would write is left alone (not even its
modification time changes), and a file that differs is never replaced without ``--force``.

Exit codes: 0 when every file is in place (written now or already identical), 1 when a file
exists with other content and was left alone (use ``--force``), 2 for a bad ``--action-ref``
or a file that could not be written.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

from gatekeeper import resources
from gatekeeper.constants import (
    ACTION_COMMIT_NOTE,
    CHECK_DISPLAY_NAME,
    DEFAULT_ACTION_REF,
    DOCS_URL,
    EXIT_BLOCKED,
    EXIT_PASS,
    EXIT_USAGE,
    JOB_ID,
    POLICY_PATH,
    SCHEMA_URL,
    TEMPLATE_PATH,
    WORKFLOW_PATH,
)
from gatekeeper.core import fields
from gatekeeper.errors import GatekeeperError
from gatekeeper.local.git import top_level
from gatekeeper.writes import write_text_atomically

EXIT_OK, EXIT_NOT_WRITTEN, EXIT_ERROR = EXIT_PASS, EXIT_BLOCKED, EXIT_USAGE

_ACTION_REF_MARKER = "@@ACTION_REF@@"
# owner/repo[/path]@ref, or a local action such as ./ or ./.github/actions/gatekeeper
_ACTION_REF = re.compile(
    r"^(?:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?@[A-Za-z0-9_./-]+"
    r"|\./[A-Za-z0-9_./-]*)$"
)
_REMOTE = re.compile(r"[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")

Outcome = Literal["created", "unchanged", "overwritten", "differs", "failed"]


@dataclass(frozen=True)
class PlannedFile:
    path: str  # relative to the repository's top level, with forward slashes
    text: str
    purpose: str


@dataclass(frozen=True)
class FileResult:
    path: str
    outcome: Outcome
    purpose: str
    detail: str = ""


def policy_text() -> str:
    """The embedded default policy, with the schema comment editors understand."""
    return f"# yaml-language-server: $schema={SCHEMA_URL}\n" + resources.text("default_policy.yml")


def pull_request_template() -> str:
    return fields.pull_request_template()


def workflow_text(action_ref: str = DEFAULT_ACTION_REF) -> str:
    template = resources.text("templates/workflow.yml")
    if _ACTION_REF_MARKER not in template:
        raise AssertionError("templates/workflow.yml lost its action reference marker")
    ref = check_action_ref(action_ref)
    if ref == DEFAULT_ACTION_REF:
        ref += f"  # {ACTION_COMMIT_NOTE}"
    return template.replace(_ACTION_REF_MARKER, ref)


def check_action_ref(action_ref: str) -> str:
    """``owner/repo@ref`` (optionally with a path) or ``./path``; anything else is refused."""
    ref = action_ref.strip()
    if not _ACTION_REF.match(ref):
        raise GatekeeperError(
            f"--action-ref takes OWNER/REPO@REF (a tag or a full commit SHA) or ./PATH, "
            f"not {action_ref!r}"
        )
    return ref


def planned_files(action_ref: str = DEFAULT_ACTION_REF) -> tuple[PlannedFile, ...]:
    return (
        PlannedFile(POLICY_PATH, policy_text(), "the policy: which paths are AMBER or RED"),
        PlannedFile(TEMPLATE_PATH, pull_request_template(), "the contract authors fill in"),
        PlannedFile(WORKFLOW_PATH, workflow_text(action_ref),
                    f"the check, using {check_action_ref(action_ref)}"),
    )


def find_root(cwd: Path) -> tuple[Path, bool]:
    """The git top level at or above ``cwd``; ``cwd`` itself (and False) outside git."""
    root = top_level(cwd)
    return (root, True) if root is not None else (cwd, False)


def _same(path: Path, text: str) -> bool:
    try:
        existing = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    # A checkout with core.autocrlf has CRLF line ends; that is the same file.
    return existing.replace("\r\n", "\n") == text


def write_file(root: Path, planned: PlannedFile, *, force: bool) -> FileResult:
    target = root / planned.path

    def result(outcome: Outcome, detail: str = "") -> FileResult:
        return FileResult(planned.path, outcome, planned.purpose, detail)

    try:
        if target.exists() or target.is_symlink():
            if not target.is_file():
                return result("failed", "exists and is not a regular file")
            if _same(target, planned.text):
                return result("unchanged")
            if not force:
                return result("differs", "not written; use --force to replace it")
            write_text_atomically(target, planned.text)
            return result("overwritten")
        write_text_atomically(target, planned.text)
        return result("created")
    except OSError as exc:
        return result("failed", exc.strerror or str(exc))


def github_repository(root: Path) -> str | None:
    """OWNER/REPO from the ``origin`` remote, when there is one."""
    try:
        found = subprocess.run(["git", "config", "--get", "remote.origin.url"], cwd=root,
                               capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    match = _REMOTE.search(found.stdout.strip()) if found.returncode == 0 else None
    return f"{match.group(1)}/{match.group(2)}" if match else None


@dataclass(frozen=True)
class InitOptions:
    cwd: Path
    force: bool = False
    action_ref: str | None = None


def run(options: InitOptions, out: TextIO) -> int:
    cwd, force, action_ref = options.cwd, options.force, options.action_ref
    # A bad --action-ref raises GatekeeperError (exit 2) before anything is written.
    files = planned_files(DEFAULT_ACTION_REF if action_ref is None else action_ref)
    root, in_git = find_root(cwd)
    if in_git:
        out.write(f"gatekeeper init: repository {root}\n")
    else:
        out.write(f"gatekeeper init: no git repository found at or above {cwd}; "
                  f"writing into the current directory\n")

    results = [write_file(root, planned, force=force) for planned in files]
    width = max(len(r.path) for r in results)
    for r in results:
        label = "exists, differs" if r.outcome == "differs" else r.outcome
        detail = r.detail if r.outcome in ("differs", "failed") else r.purpose
        out.write(f"  {label:<15}  {r.path:<{width}}  {detail}\n")

    written = [r for r in results if r.outcome in ("created", "overwritten")]
    refused = [r for r in results if r.outcome == "differs"]
    failed = [r for r in results if r.outcome == "failed"]

    if failed:
        out.write(f"\n{len(failed)} file(s) could not be written; fix the cause above and run "
                  "`gatekeeper init` again.\n")
        return EXIT_ERROR
    if refused:
        names = " ".join(r.path for r in refused)
        out.write(f"\nNot written: {names}. Keep your version, or run `gatekeeper init --force` "
                  "to replace it with Gatekeeper's (commit yours first: --force discards it).\n")
        return EXIT_NOT_WRITTEN
    if not written:
        out.write("\nNothing changed: every file is already up to date.\n")
        return EXIT_OK

    repository = (github_repository(root) if in_git else None) or "OWNER/REPO"
    paths = " ".join(r.path for r in results)
    move = "" if cwd.resolve() == root.resolve() else f"       cd {root}\n"
    out.write(
        "\nNext steps:\n"
        "  1. Review the RED and AMBER paths in the policy for this repository, then commit:\n"
        f"{move}"
        f"       git add {paths}\n"
        "       git commit -m \"Add Gatekeeper\" && git push\n"
        f"  2. On GitHub, require the status check \"{JOB_ID}\" and pull requests on the "
        "default\n"
        "     branch (Settings > Rules > Rulesets); the check shows on pull requests as\n"
        f"     \"{CHECK_DISPLAY_NAME}\". One `gh` command does it, see\n"
        f"     {DOCS_URL}/getting-started.md#4-require-the-check-and-pull-requests\n"
        "  3. Confirm GitHub enforces it:\n"
        f"       gatekeeper doctor --repo {repository}\n"
    )
    return EXIT_OK
