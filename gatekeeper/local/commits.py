"""The commits of a local range, as evidence of the change origin (``--diff``).

git knows names, emails and messages, not GitHub accounts: a commit's account is read
from its GitHub no-reply address where it has one. Approvals and permissions stay for
GitHub to show.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.facts import CommitRecord, Person
from gatekeeper.errors import GatekeeperError

if TYPE_CHECKING:
    import subprocess

# Six NUL-separated fields a commit, and -z ends each commit with a NUL too: git allows
# no NUL in names, emails or messages, so no message can shift the fields.
_FIELDS = ("%H", "%an", "%ae", "%cn", "%ce", "%B")
_FORMAT = "%x00".join(_FIELDS)


def _git(args: list[str], cwd: Path | None) -> subprocess.CompletedProcess[bytes]:
    # Loaded only when git runs: a validate that runs none never pays for it.
    import subprocess

    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GatekeeperError("--diff needs git, and git is not installed") from None


def range_commits(revision_range: str, *, cwd: Path | None = None) -> tuple[CommitRecord, ...]:
    """The commits ``git log BASE..HEAD`` lists for a ``BASE...HEAD`` range (the commits
    of the head side since the merge base, as a pull request's commit list)."""
    base, dots, head = revision_range.partition("...")
    if not dots:
        base, dots, head = revision_range.partition("..")
    # A single revision is what `git diff REV` compares with: the commits since it.
    log_range = f"{base}..{head or 'HEAD'}"
    result = _git(["log", "-z", "--no-color", f"--format={_FORMAT}", log_range, "--"], cwd)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GatekeeperError(
            f"git log {log_range} failed: {detail[0] if detail else result.returncode}")
    fields = result.stdout.decode("utf-8", "replace").split("\0")
    if fields and fields[-1] == "":
        fields.pop()
    if len(fields) % len(_FIELDS):
        raise GatekeeperError(f"git log {log_range} printed commits Gatekeeper cannot read")
    commits = []
    for start in range(0, len(fields), len(_FIELDS)):
        sha, author_name, author_email, committer_name, committer_email, message = (
            fields[start:start + len(_FIELDS)])
        commits.append(CommitRecord(
            sha=sha.strip(), message=message,
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
