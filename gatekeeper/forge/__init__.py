"""The forge boundary: what Gatekeeper needs from the place pull requests live.

The rest of the code sees these Protocols and neutral shapes only. ``forge.github``
implements them on GitHub (and is the only package that imports PyGithub); a test hands
the live evaluation a fake that satisfies the same Protocols.

Every method returns data or raises ``ForgeUnavailable`` carrying the HTTP status, so a
caller can block with a GK9xx reason instead of passing quietly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from gatekeeper.core.authority.facts import (
    ApprovalRecordFacts,
    CheckRunFacts,
    CommitRecord,
    PullRequestRef,
    ReviewRecord,
)
from gatekeeper.core.model import ChangedPath


class ForgeUnavailable(Exception):
    """The forge did not give an answer Gatekeeper can judge on."""

    def __init__(self, what: str, status: int | None, detail: str = "", *, hint: str = ""):
        self.what = what
        self.status = status
        self.detail = detail
        # What to change when asking again cannot help (a refusal, an unreachable host).
        self.hint = hint
        shown = f"HTTP {status}" if status else "no response"
        super().__init__(f"{what}: {shown}{f' ({detail})' if detail else ''}"
                         f"{f': {hint}' if hint else ''}")


@dataclass(frozen=True)
class PullRequestInfo:
    repo: str
    number: int
    title: str
    body: str
    author: str
    head_sha: str
    head_ref: str
    base_sha: str
    base_ref: str
    changed_files: int
    draft: bool
    html_url: str
    author_is_bot: bool = False
    commits: int = 0
    # The repository the head branch lives in ("" when GitHub does not say: a deleted fork).
    head_repo: str = ""
    is_open: bool = True  # neither closed nor merged

    @property
    def from_base_repository(self) -> bool:
        """Its branch is in the repository itself, where only people with write access push."""
        return bool(self.head_repo) and self.head_repo.casefold() == self.repo.casefold()

    @property
    def ref(self) -> PullRequestRef:
        return PullRequestRef(repo=self.repo, number=self.number, url=self.html_url)


@dataclass(frozen=True)
class PullSummary:
    """A pull request as a list shows it: enough to decide whether to read it in full."""

    number: int
    state: str
    head_sha: str
    base_ref: str


@dataclass(frozen=True)
class CommitSummary:
    sha: str
    message: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class MergeGroupEvent:
    head_sha: str
    base_sha: str
    base_ref: str  # the branch name, without refs/heads/


@dataclass(frozen=True)
class WorkflowRunEvent:
    """What a workflow_run payload says about the run that triggered it. Hints only: the
    triggering workflow may be anyone's, so the pull requests are found and read afresh."""

    numbers: tuple[int, ...]
    head_sha: str | None
    head_owner: str | None
    head_branch: str | None


@dataclass(frozen=True)
class PushEvent:
    """A push: the branch it moved (None for a tag, or a branch it deleted)."""

    branch: str | None


@dataclass(frozen=True)
class RecordEvent:
    """A change to an issue that may be an approval record (issues event)."""

    number: int
    action: str
    label: str | None  # the label added or removed (labeled, unlabeled)
    labels: tuple[str, ...]  # the labels after the change
    texts: tuple[str, ...]  # its title and body, and before an edit, the old ones
    default_branch: str  # where the policy that says which issues are records is read


@dataclass(frozen=True)
class GateRun:
    """A run of the Gatekeeper workflow on a commit, as the Actions API lists it."""

    id: int
    event: str
    status: str  # queued, in_progress, completed, ... (GitHub's words)
    head_sha: str
    created_at: str

    @property
    def completed(self) -> bool:
        return self.status == "completed"


@dataclass(frozen=True)
class FileList:
    changes: list[ChangedPath]
    complete: bool
    expected: int


@dataclass(frozen=True)
class CommitList:
    commits: tuple[CommitRecord, ...]
    complete: bool  # False when GitHub listed fewer than the pull request's count
    expected: int


class PullRequestReader(Protocol):
    """Reading a pull request, its files, the policy at a ref, reviews and team members."""

    def pull_request(self, repo: str, number: int) -> PullRequestInfo: ...

    def changed_files(self, info: PullRequestInfo) -> FileList: ...

    def file_at(self, repo: str, path: str, ref: str) -> str | None: ...

    def reviews(self, info: PullRequestInfo) -> tuple[ReviewRecord, ...]: ...

    def team_members_among(self, team: str, logins: Iterable[str]) -> frozenset[str]:
        """Which of ``logins`` are active members. Raises ForgeUnavailable with the HTTP
        status when the token cannot see the team itself (404 or 403)."""
        ...

    def commits(self, info: PullRequestInfo) -> CommitList: ...

    def base_changes(self, info: PullRequestInfo) -> tuple[str, ...]:
        """When the pull request's base branch was changed (retargeted by a person or by
        GitHub), oldest first, as ISO 8601 timestamps; () when it never was."""
        ...

    def permission(self, repo: str, login: str) -> str:
        """GitHub's role name for ``login`` on ``repo``: admin, maintain, write, triage,
        read, none, or a custom role."""
        ...

    def approval_record(self, repo: str, number: int, label: str,
                        pull: PullRequestRef) -> ApprovalRecordFacts: ...

    def check_runs(self, repo: str, sha: str, name: str) -> tuple[CheckRunFacts, ...]:
        """The runs of check ``name`` on commit ``sha``, newest first."""
        ...

    def branch_head(self, repo: str, branch: str) -> str:
        """The commit a branch points at now."""
        ...

    def pulls_for_commit(self, repo: str, sha: str) -> tuple[PullSummary, ...]:
        """The pull requests GitHub associates with a commit (any state)."""
        ...

    def pulls_for_branch(self, repo: str, owner: str, branch: str) -> tuple[PullSummary, ...]:
        """The open pull requests whose head is ``owner:branch``."""
        ...

    def compare(self, repo: str, base: str, head: str) -> tuple[CommitSummary, ...]:
        """Every commit reachable from ``head`` and not from ``base``, oldest first."""
        ...


class Publisher(Protocol):
    """What the action writes back: one sticky comment, its labels, a commit status."""

    def has_sticky_comment(self, info: PullRequestInfo, author: str) -> bool: ...

    def upsert_sticky_comment(self, info: PullRequestInfo, body: str, author: str) -> str: ...

    def ensure_label(self, repo: str, name: str, *, color: str, description: str) -> bool:
        """Create the repository label when it does not exist (True); an existing one is
        never changed, whatever its colour and description (False)."""
        ...

    def sync_labels(self, info: PullRequestInfo, wanted: set[str], managed: set[str]) -> None:
        ...

    def labels_to_add(self, info: PullRequestInfo, wanted: set[str]) -> set[str]:
        """Which of ``wanted`` the pull request lacks, as far as the forge already knows
        (every one of them when it does not know)."""
        ...

    def post_status(self, repo: str, sha: str, *, state: str, context: str, description: str,
                    target_url: str | None) -> None: ...


class GraphQL(Protocol):
    """Batched queries, for pull request history."""

    def graphql(self, query: str, variables: dict[str, Any], *, what: str = ...,
                url: str | None = ..., attempts: int = ..., backoff: float = ...,
                secondary_wait: float = ..., max_wait: float = ...,
                sleep: Callable[[float], None] = ..., clock: Callable[[], float] = ...,
                on_wait: Callable[[str, float], None] | None = ...) -> dict[str, Any]: ...


# --- repository settings, as typed facts (for `gatekeeper doctor`) ---------------------------


@dataclass(frozen=True)
class RequiredCheck:
    """A required check or status, and the app that must report it (None: any source)."""

    context: str
    app_id: int | None = None


@dataclass(frozen=True)
class ProtectionFacts:
    """Classic branch protection: its settings, or why there are none."""

    state: Literal["protected", "unprotected", "unreadable"]
    status: int | None = None  # HTTP status when unreadable
    required_contexts: tuple[str, ...] = ()
    requires_pull_request: bool = False
    approving_reviews: int | None = None
    checks: tuple[RequiredCheck, ...] = ()
    enforce_admins: bool = False
    code_owner_reviews: bool = False
    # Who may merge without a pull request: "user alice", "team acme/ops", "app renovate".
    pull_request_bypass: tuple[str, ...] = ()
    # "Dismiss stale pull request approvals when new commits are pushed".
    dismiss_stale_reviews: bool = False


@dataclass(frozen=True)
class RuleFacts:
    """One active ruleset rule on the branch."""

    kind: str  # GitHub's rule type: required_status_checks, pull_request, workflows, ...
    ruleset: str  # who owns it, for messages: "ruleset 42 of repository acme/app"
    required_contexts: tuple[str, ...] = ()
    workflow_paths: tuple[str, ...] = ()
    checks: tuple[RequiredCheck, ...] = ()
    ruleset_id: int | None = None
    code_owner_review: bool = False
    # A pull_request rule's dismiss_stale_reviews_on_push.
    dismiss_stale_reviews_on_push: bool = False


@dataclass(frozen=True)
class BypassFacts:
    """Who may bypass one ruleset: each actor in words, or None when the token may not see
    the list (GitHub shows it to those who may edit the ruleset)."""

    ruleset: str
    actors: tuple[str, ...] | None


@dataclass(frozen=True)
class RulesFacts:
    rules: tuple[RuleFacts, ...] = ()
    error: str = ""  # why the rules could not be read, when they could not
    bypass: tuple[BypassFacts, ...] = ()

    def of_kind(self, kind: str) -> list[RuleFacts]:
        return [rule for rule in self.rules if rule.kind == kind]


@dataclass(frozen=True)
class FileFacts:
    """A file on the branch: its text, absent (None), or why it could not be read."""

    text: str | None = None
    error: str = ""


@dataclass(frozen=True)
class EnforcementFacts:
    repo: str
    branch: str
    protection: ProtectionFacts
    rules: RulesFacts
    workflow: FileFacts
    policy_files: dict[str, FileFacts] = field(default_factory=dict)


class RepositorySettings(Protocol):
    def default_branch(self, repo: str) -> str: ...

    def branch_exists(self, repo: str, branch: str) -> bool: ...

    def protection_facts(self, repo: str, branch: str) -> ProtectionFacts: ...

    def rules_facts(self, repo: str, branch: str) -> RulesFacts: ...

    def file_facts(self, repo: str, path: str, branch: str) -> FileFacts: ...


class Rejudging(Protocol):
    """What re-judging open pull requests needs when a fact outside them moves."""

    def open_pulls_into(self, repo: str, base: str, *, limit: int
                        ) -> tuple[PullSummary, ...]:
        """The open pull requests into ``base``, most recently updated first, at most
        ``limit`` + 1 (so a caller can tell that there were more)."""
        ...

    def gate_runs(self, repo: str, workflow: str, head_sha: str) -> tuple[GateRun, ...]:
        """The runs of ``workflow`` (its file name) on ``head_sha``, newest first."""
        ...

    def rerun(self, repo: str, run_id: int) -> None: ...


class Forge(PullRequestReader, Publisher, Rejudging, Protocol):
    """Everything the action needs: reading the pull request and publishing the verdict."""
