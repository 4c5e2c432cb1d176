"""`gatekeeper init`: write the policy, the pull request template and the workflow.

``--hardened`` writes the hardened set-up instead of the simple workflow (three workflows:
``pull_request_target`` and ``merge_group``, an unprivileged review trigger, and the
``workflow_run`` re-evaluation); ``--metrics`` adds the weekly metrics workflow.

Idempotent: a file that already says what init would write is left alone (not even its
modification time changes), and a file that differs is never replaced without ``--force``.
A pull request template the repository already has, wherever GitHub finds it, is never
replaced and never doubled: the contract sections it lacks are added at its end.

The workflows pin the Gatekeeper action at the commit this CLI was built from (full SHA,
its tag in a comment), so the decision given locally and CI's come from the same code. A
build that does not know its commit asks for ``--action-ref``.

``--hardened`` is all or nothing: its three workflows replace each other's roles, so when
one of them cannot be written (a file that differs, without ``--force``) none is, and the
next steps say how to switch. They always name the branch and the commit status to require.

Exit codes: 0 when every file is in place (written now or already identical), 1 when a file
exists with other content and was left alone (use ``--force``), 2 for a bad ``--action-ref``
or a file that could not be written.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, TextIO

import gatekeeper
from gatekeeper import resources
from gatekeeper.commands.init import org, pr_template, workflows
from gatekeeper.commands.init.workflows import (
    Pin,
    PlannedFile,
    check_action_ref,
    default_pin,
    workflow_text,
)
from gatekeeper.constants import (
    CHECK_DISPLAY_NAME,
    EXIT_BLOCKED,
    EXIT_PASS,
    EXIT_USAGE,
    HARDENED_STATUS_CONTEXT_FORMAT,
    JOB_ID,
    POLICY_PATH,
    TEMPLATE_PATH,
    docs_url,
    schema_url,
)
from gatekeeper.core import fields
from gatekeeper.local.git import top_level
from gatekeeper.writes import write_text_atomically

__all__ = ["InitOptions", "check_action_ref", "planned_files", "policy_text",
           "pull_request_template", "run", "workflow_text"]

EXIT_OK, EXIT_NOT_WRITTEN, EXIT_ERROR = EXIT_PASS, EXIT_BLOCKED, EXIT_USAGE

_REMOTE = re.compile(r"[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")

Outcome = Literal["created", "unchanged", "overwritten", "extended", "differs", "incomplete",
                  "failed", "held"]


@dataclass(frozen=True)
class FileResult:
    path: str
    outcome: Outcome
    purpose: str
    detail: str = ""


def policy_text() -> str:
    """The embedded default policy, with the schema comment editors understand."""
    return (f"# yaml-language-server: $schema={schema_url(gatekeeper.BUILD)}\n"
            + resources.text("default_policy.yml"))


def pull_request_template() -> str:
    return fields.pull_request_template()


def planned_files(action: str | Pin | None = None, *, hardened: bool = False,
                  metrics: bool = False) -> tuple[PlannedFile, ...]:
    pin = workflows.as_pin(default_pin() if action is None else action)
    ref = pin.ref
    chosen = workflows.HARDENED if hardened else workflows.SIMPLE_SET_UP
    planned = [
        PlannedFile(POLICY_PATH, policy_text(), "the policy: which paths are AMBER or RED"),
        PlannedFile(TEMPLATE_PATH, pull_request_template(), "the contract authors fill in",
                    template=True),
        *(PlannedFile(t.path, workflows.render(t, pin),
                      f"{t.purpose}, using {ref}" if t.runs_action else t.purpose)
          for t in chosen),
    ]
    if metrics:
        template = workflows.METRICS
        planned.append(PlannedFile(template.path, workflows.render(template, pin),
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


def _in_the_way(root: Path, planned: PlannedFile, *, force: bool) -> FileResult | None:
    """What would stop ``planned`` from being written, found without writing anything."""
    if planned.template:
        for path in pr_template.existing_templates(root):
            existing = _read(root / path)
            if existing is None:
                return FileResult(path, "failed", planned.purpose, "not UTF-8 text")
            extension = pr_template.add_contract(existing)
            if extension.status == "partial":
                return FileResult(path, "incomplete", planned.purpose,
                                  f"has contract fields but not {', '.join(extension.missing)}")
        return None
    target = root / planned.path
    if not (target.exists() or target.is_symlink()):
        return None
    if not target.is_file():
        return FileResult(planned.path, "failed", planned.purpose,
                          "exists and is not a regular file")
    if not force and not _same(target, planned.text):
        return FileResult(planned.path, "differs", planned.purpose,
                          "not written; use --force to replace it")
    return None


def _held_back(root: Path, files: tuple[PlannedFile, ...], *, force: bool,
               whole: str = "the hardened set-up") -> list[FileResult] | None:
    """For the hardened set-up, all or nothing: when any file is in the way, every result
    says why nothing was written; None when every file can be written."""
    blocking = {planned.path: found for planned in files
                if (found := _in_the_way(root, planned, force=force)) is not None}
    if not blocking:
        return None
    return [blocking.get(planned.path) or FileResult(
                planned.path, "held", planned.purpose,
                f"not written: {whole} is written whole or not at all")
            for planned in files]


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
    org: str | None = None  # the policy repository's files for this organisation
    policy_repo: str | None = None
    policy_sha: str | None = None
    org_policy: str | None = None  # a repository under this central policy



_LABELS: dict[Outcome, str] = {"differs": "exists, differs", "incomplete": "exists, partial",
                               "held": "not written"}
_EXPLAINED: tuple[Outcome, ...] = ("differs", "incomplete", "failed", "held")


def _pin(options: InitOptions) -> Pin:
    # A bad --action-ref, or a build that cannot name its commit, raises GatekeeperError
    # (exit 2) before anything is written.
    if options.action_ref is not None:
        return Pin(check_action_ref(options.action_ref))
    return default_pin()


def _print_results(results: list[FileResult], out: TextIO) -> None:
    width = max(len(r.path) for r in results)
    for r in results:
        label = _LABELS.get(r.outcome, r.outcome)
        detail = r.detail if r.outcome in _EXPLAINED else r.purpose
        out.write(f"  {label:<15}  {r.path:<{width}}  {detail}\n")


def _run_org(options: InitOptions, out: TextIO) -> int:
    """`--org`: the policy repository's files, all or nothing; `--org-policy`: a
    repository's tightening stub and the pull request template."""
    root, _ = find_root(options.cwd)
    setup, steps = None, ""
    if options.org is not None:
        name = org.check_org(options.org)
        setup = org.OrgSetUp(name, _pin(options), org.policy_repository(name, options.policy_repo),
                             None if options.policy_sha is None
                             else org.check_sha(options.policy_sha))
        if setup.policy_sha is None:
            setup = replace(setup, policy_sha=org.head_pin(root, setup))
        files = org.policy_repository_files(setup, policy_text())
        out.write(f"gatekeeper init --org {name}: policy repository {setup.policy_repository} "
                  f"in {root}\n")
        results = (_held_back(root, files, force=options.force,
                              whole="the policy repository")
                   or _write_all(root, files, force=options.force))
        steps = org.org_next_steps(setup)
    else:
        reference = org.check_org_policy(options.org_policy or "")
        files = org.member_files(reference)
        out.write(f"gatekeeper init: repository {root}, under the central policy "
                  f"{reference.repo}:{reference.path}\n")
        results = _write_all(root, files, force=options.force)
        steps = org.member_next_steps(reference)
    _print_results(results, out)
    if any(r.outcome == "failed" for r in results):
        out.write("\nA file could not be written; fix the cause above and run again.\n")
        return EXIT_ERROR
    if setup is not None and setup.policy_sha is None:
        out.write(org.waiting_step(setup.org))
    if any(r.outcome in ("differs", "incomplete", "held") for r in results):
        out.write("\nNothing replaced: keep your version, or run again with --force to "
                  "replace it (commit yours first: --force discards it).\n")
        return EXIT_NOT_WRITTEN
    out.write(steps)
    return EXIT_OK


def run(options: InitOptions, out: TextIO) -> int:
    if options.org is not None or options.org_policy is not None:
        return _run_org(options, out)
    cwd, force = options.cwd, options.force
    pin = _pin(options)
    files = planned_files(pin, hardened=options.hardened, metrics=options.metrics)
    root, in_git = find_root(cwd)
    if in_git:
        out.write(f"gatekeeper init: repository {root}\n")
    else:
        out.write(f"gatekeeper init: no git repository found at or above {cwd}; "
                  f"writing into the current directory\n")

    held = _held_back(root, files, force=force) if options.hardened else None
    results = held if held is not None else _write_all(root, files, force=force)
    _print_results(results, out)
    if options.action_ref is None and gatekeeper.BUILD.commit is not None:
        out.write(f"The workflows use the Gatekeeper action at {pin.ref} ({pin.note}), the "
                  "commit of this gatekeeper command, so CI decides as it does.\n")

    written = [r for r in results if r.outcome in ("created", "overwritten", "extended")]
    refused = [r for r in results if r.outcome == "differs"]
    partial = [r for r in results if r.outcome == "incomplete"]
    failed = [r for r in results if r.outcome == "failed"]
    repository = (github_repository(root) if in_git else None) or "OWNER/REPO"
    branch = default_branch(root) if in_git else None

    if failed:
        out.write(f"\n{len(failed)} file(s) could not be written; fix the cause above and run "
                  "`gatekeeper init` again.\n")
        return EXIT_ERROR
    if refused or partial:
        if refused:
            names = " ".join(r.path for r in refused)
            out.write(f"\nNot written: {names}. Keep your version, or run `gatekeeper init "
                      f"{'--hardened ' if options.hardened else ''}--force` to replace it "
                      "with Gatekeeper's (commit yours first: --force discards it).\n")
        if partial:
            names = " ".join(r.path for r in partial)
            out.write(f"\nNot changed: {names}. It has part of the contract already; add the "
                      "missing lines where they fit (--force never replaces a template).\n")
        if options.hardened:
            out.write("\nNext steps, once the hardened set-up is written:\n"
                      + _hardened_step(branch, number=1))
        return EXIT_NOT_WRITTEN
    if not written:
        out.write("\nNothing changed: every file is already up to date.\n")
        if options.hardened:
            out.write("\nThe hardened set-up is in place. If not done yet:\n"
                      + _hardened_step(branch, number=1)
                      + _doctor_step(repository, number=2))
        return EXIT_OK

    paths = " ".join(r.path for r in results)
    move = "" if cwd.resolve() == root.resolve() else f"       cd {root}\n"
    out.write(
        "\nNext steps:\n"
        "  1. Review the RED and AMBER paths in the policy for this repository, then commit:\n"
        f"{move}"
        f"       git add {paths}\n"
        "       git commit -m \"Add Gatekeeper\" && git push\n"
        + (_hardened_step(branch, number=2) if options.hardened else _simple_step())
        + _doctor_step(repository, number=3)
    )
    return EXIT_OK


def _doctor_step(repository: str, *, number: int) -> str:
    return (f"  {number}. Confirm GitHub enforces it:\n"
            f"       gatekeeper doctor --repo {repository}\n")


def default_branch(root: Path) -> str | None:
    """The default branch as the clone knows it (``origin/HEAD``), else the branch checked
    out; None when neither is known."""
    for args in (["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"],
                 ["symbolic-ref", "--quiet", "--short", "HEAD"]):
        try:
            found = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                                   timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        name = found.stdout.strip() if found.returncode == 0 else ""
        if name:
            return name.removeprefix("origin/")
    return None


def _simple_step() -> str:
    return (
        f"  2. On GitHub, require the status check \"{JOB_ID}\" and pull requests on the "
        "default\n"
        "     branch (Settings > Rules > Rulesets); the check shows on pull requests as\n"
        f"     \"{CHECK_DISPLAY_NAME}\". One `gh` command does it, see\n"
        f"     {docs_url(gatekeeper.BUILD)}/getting-started.md"
        "#4-require-the-check-and-pull-requests\n"
    )


def _hardened_step(branch: str | None, *, number: int) -> str:
    shown = branch or "BRANCH"
    context = HARDENED_STATUS_CONTEXT_FORMAT.format(branch=shown)
    where = (f"{shown} (the default branch)" if branch else
             "the default branch (BRANCH: its name)")
    return (
        "     The set-up takes effect once it is on the default branch: GitHub runs\n"
        "     pull_request_target and workflow_run workflows from there, never from a PR.\n"
        f"  {number}. On GitHub, require the commit status \"{context}\" (not a job) and pull\n"
        f"     requests on {where} (Settings > Rules > Rulesets); each\n"
        "     protected branch has its own status, named after it. See\n"
        f"     {docs_url(gatekeeper.BUILD)}/rollout.md"
        "#5-hardened-mode-pull_request_target-and-a-commit-status\n"
    )
