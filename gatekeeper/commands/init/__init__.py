"""`gatekeeper init`: write the policy, the pull request template and the workflow.

``--hardened`` writes the hardened set-up instead of the simple workflow (three workflows:
``pull_request_target`` and ``merge_group``, an unprivileged review trigger, and the
``workflow_run`` re-evaluation); ``--metrics`` adds the weekly metrics workflow.

Idempotent: a file that already says what init would write is left alone (not even its
modification time changes), and a file that differs is never replaced without ``--force``.
A pull request template the repository already has, wherever GitHub finds it, is never
replaced and never doubled: the contract sections it lacks are added at its end.

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
from gatekeeper.commands.init import pr_template, workflows
from gatekeeper.commands.init.workflows import check_action_ref, workflow_text
from gatekeeper.constants import (
    CHECK_DISPLAY_NAME,
    DEFAULT_ACTION_REF,
    DOCS_URL,
    EXIT_BLOCKED,
    EXIT_PASS,
    EXIT_USAGE,
    HARDENED_STATUS_CONTEXT_FORMAT,
    JOB_ID,
    POLICY_PATH,
    SCHEMA_URL,
    TEMPLATE_PATH,
)
from gatekeeper.core import fields
from gatekeeper.local.git import top_level
from gatekeeper.writes import write_text_atomically

__all__ = ["InitOptions", "check_action_ref", "planned_files", "policy_text",
           "pull_request_template", "run", "workflow_text"]

EXIT_OK, EXIT_NOT_WRITTEN, EXIT_ERROR = EXIT_PASS, EXIT_BLOCKED, EXIT_USAGE

_REMOTE = re.compile(r"[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")

Outcome = Literal["created", "unchanged", "overwritten", "extended", "differs", "incomplete",
                  "failed"]


@dataclass(frozen=True)
class PlannedFile:
    path: str  # relative to the repository's top level, with forward slashes
    text: str
    purpose: str
    # The repository's own pull request template: extended in place, never replaced.
    template: bool = False


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


def planned_files(action_ref: str = DEFAULT_ACTION_REF, *, hardened: bool = False,
                  metrics: bool = False) -> tuple[PlannedFile, ...]:
    ref = check_action_ref(action_ref)
    chosen = workflows.HARDENED if hardened else (workflows.SIMPLE,)
    planned = [
        PlannedFile(POLICY_PATH, policy_text(), "the policy: which paths are AMBER or RED"),
        PlannedFile(TEMPLATE_PATH, pull_request_template(), "the contract authors fill in",
                    template=True),
        *(PlannedFile(t.path, workflows.render(t, ref),
                      f"{t.purpose}, using {ref}" if t.runs_action else t.purpose)
          for t in chosen),
    ]
    if metrics:
        template = workflows.METRICS
        planned.append(PlannedFile(template.path, workflows.render(template, ref),
                                   template.purpose))
    return tuple(planned)


def find_root(cwd: Path) -> tuple[Path, bool]:
    """The git top level at or above ``cwd``; ``cwd`` itself (and False) outside git."""
    root = top_level(cwd)
    return (root, True) if root is not None else (cwd, False)


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


def _same(path: Path, text: str) -> bool:
    existing = _read(path)
    # A checkout with core.autocrlf has CRLF line ends; that is the same file.
    return existing is not None and existing.replace("\r\n", "\n") == text


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


def extend_template(root: Path, path: str) -> FileResult:
    """Add the contract sections one existing template lacks; touch nothing else."""
    purpose = "your pull request template, with the contract"
    target = root / path
    existing = _read(target)
    if existing is None:
        return FileResult(path, "failed", purpose, "not UTF-8 text; add the contract and "
                          "escalation sections by hand (docs/contract.md)")
    extension = pr_template.add_contract(existing)
    if extension.status == "complete":
        return FileResult(path, "unchanged", purpose)
    if extension.status == "partial":
        return FileResult(path, "incomplete", purpose,
                          f"has contract fields but not {', '.join(extension.missing)}; "
                          "add those lines by hand (docs/contract.md)")
    try:
        write_text_atomically(target, extension.text)
    except OSError as exc:
        return FileResult(path, "failed", purpose, exc.strerror or str(exc))
    return FileResult(path, "extended", "the contract and escalation sections added at its end")


def _write_all(root: Path, files: tuple[PlannedFile, ...], *, force: bool) -> list[FileResult]:
    results: list[FileResult] = []
    for planned in files:
        found = pr_template.existing_templates(root) if planned.template else []
        if found:
            results += [extend_template(root, path) for path in found]
        else:
            results.append(write_file(root, planned, force=force))
    return results


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
    hardened: bool = False
    metrics: bool = False


_LABELS: dict[Outcome, str] = {"differs": "exists, differs", "incomplete": "exists, partial"}


def run(options: InitOptions, out: TextIO) -> int:
    cwd, force = options.cwd, options.force
    # A bad --action-ref raises GatekeeperError (exit 2) before anything is written.
    files = planned_files(DEFAULT_ACTION_REF if options.action_ref is None else options.action_ref,
                          hardened=options.hardened, metrics=options.metrics)
    root, in_git = find_root(cwd)
    if in_git:
        out.write(f"gatekeeper init: repository {root}\n")
    else:
        out.write(f"gatekeeper init: no git repository found at or above {cwd}; "
                  f"writing into the current directory\n")

    results = _write_all(root, files, force=force)
    width = max(len(r.path) for r in results)
    for r in results:
        label = _LABELS.get(r.outcome, r.outcome)
        detail = r.detail if r.outcome in ("differs", "incomplete", "failed") else r.purpose
        out.write(f"  {label:<15}  {r.path:<{width}}  {detail}\n")

    written = [r for r in results if r.outcome in ("created", "overwritten", "extended")]
    refused = [r for r in results if r.outcome == "differs"]
    partial = [r for r in results if r.outcome == "incomplete"]
    failed = [r for r in results if r.outcome == "failed"]

    if failed:
        out.write(f"\n{len(failed)} file(s) could not be written; fix the cause above and run "
                  "`gatekeeper init` again.\n")
        return EXIT_ERROR
    if refused or partial:
        if refused:
            names = " ".join(r.path for r in refused)
            out.write(f"\nNot written: {names}. Keep your version, or run `gatekeeper init "
                      "--force` to replace it with Gatekeeper's (commit yours first: --force "
                      "discards it).\n")
        if partial:
            names = " ".join(r.path for r in partial)
            out.write(f"\nNot changed: {names}. It has part of the contract already; add the "
                      "missing lines where they fit (--force never replaces a template).\n")
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
        + (_hardened_step() if options.hardened else _simple_step())
        + "  3. Confirm GitHub enforces it:\n"
        f"       gatekeeper doctor --repo {repository}\n"
    )
    return EXIT_OK


def _simple_step() -> str:
    return (
        f"  2. On GitHub, require the status check \"{JOB_ID}\" and pull requests on the "
        "default\n"
        "     branch (Settings > Rules > Rulesets); the check shows on pull requests as\n"
        f"     \"{CHECK_DISPLAY_NAME}\". One `gh` command does it, see\n"
        f"     {DOCS_URL}/getting-started.md#4-require-the-check-and-pull-requests\n"
    )


def _hardened_step() -> str:
    return (
        "     The set-up takes effect once it is on the default branch: GitHub runs\n"
        "     pull_request_target and workflow_run workflows from there, never from a PR.\n"
        f"  2. On GitHub, require the commit status "
        f"\"{HARDENED_STATUS_CONTEXT_FORMAT.format(branch='BRANCH')}\" (not a job) and "
        "pull\n"
        "     requests on the default branch (Settings > Rules > Rulesets), see\n"
        f"     {DOCS_URL}/rollout.md#5-hardened-mode-pull_request_target-and-a-commit-status\n"
    )
