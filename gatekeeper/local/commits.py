"""The commits of a local range, as evidence of the change origin (``--diff``).

git knows names, emails and messages, not GitHub accounts: a commit's account is read
from its GitHub no-reply address where it has one. Approvals and permissions stay for
GitHub to show.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from gatekeeper.core.evidence import CommitRecord, Evidence, Person
from gatekeeper.errors import GatekeeperError

# Fields and records are split by bytes that cannot occur in names, emails or messages.
_FIELD, _RECORD = "\x1f", "\x1e"
_FORMAT = _FIELD.join(("%H", "%an", "%ae", "%cn", "%ce", "%B")) + _RECORD


def _git(args: list[str], cwd: Path | None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GatekeeperError("--diff needs git, and git is not installed") from None


def range_commits(revision_range: str, *, cwd: Path | None = None) -> tuple[CommitRecord, ...]:
    """The commits ``git log BASE..HEAD`` lists for a ``BASE...HEAD`` range (the commits
    of the head side since the merge base, as a pull request's commit list)."""
    base, dots, head = revision_range.partition("...")
    log_range = f"{base}..{head or 'HEAD'}" if dots else revision_range
    result = _git(["log", "--no-color", f"--format={_FORMAT}", log_range, "--"], cwd)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GatekeeperError(
            f"git log {log_range} failed: {detail[0] if detail else result.returncode}")
    commits = []
    for record in result.stdout.decode("utf-8", "replace").split(_RECORD):
        parts = record.strip("\n").split(_FIELD)
        if len(parts) != 6:
            continue
        sha, author_name, author_email, committer_name, committer_email, message = parts
        commits.append(CommitRecord(
            sha=sha, message=message,
            author=Person(name=author_name, email=author_email),
            committer=Person(name=committer_name, email=committer_email),
        ))
    return tuple(commits)


def head_branch(revision_range: str, *, cwd: Path | None = None) -> str | None:
    """The branch name of the range's head side, when it is a branch."""
    _, dots, head = revision_range.partition("...")
    if not dots:
        _, dots, head = revision_range.partition("..")
    result = _git(["rev-parse", "--abbrev-ref", head or "HEAD"], cwd)
    name = result.stdout.decode("utf-8", "replace").strip()
    return name if result.returncode == 0 and name and name != "HEAD" else None


def local_evidence(revision_range: str, *, cwd: Path | None = None) -> Evidence:
    return Evidence(commits=range_commits(revision_range, cwd=cwd),
                    head_ref=head_branch(revision_range, cwd=cwd))
