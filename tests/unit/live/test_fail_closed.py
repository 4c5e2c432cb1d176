"""Every way of not knowing blocks: the live evaluation and the action with a fake forge
(handed in through the Protocols, no patching), and the command line's error boundary."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gatekeeper.commands.action import judge
from gatekeeper.constants import POLICY_PATH
from gatekeeper.core.authority.facts import (
    ApprovalRecordFacts,
    CheckRunFacts,
    CommitRecord,
    Person,
    PullRequestRef,
    ReviewRecord,
)
from gatekeeper.core.model import ChangedPath
from gatekeeper.core.reasons import Code
from gatekeeper.forge import (
    CommitList,
    CommitSummary,
    FileList,
    ForgeUnavailable,
    PullRequestInfo,
    PullSummary,
)
from gatekeeper.forge.github.runner import read_context, target_of
from gatekeeper.live.evaluation import evaluate_live
from tests.support.bodies import complete_body

REPO = "acme/widgets"
HEAD, BASE = "c" * 40, "b" * 40
NOW = "2026-11-21T00:00:00Z"
LOCAL_DIFF_POLICY = "version: 1\nchanged_files:\n  allow_local_diff: true\n"


@dataclass
class FakeForge:
    """A forge that answers from memory; a name in ``broken`` raises ForgeUnavailable."""

    body: str = field(default_factory=complete_body)
    files: list[ChangedPath] = field(default_factory=lambda: [ChangedPath("docs/a.md")])
    expected_files: int | None = None
    policy_text: str | None = None
    broken: set[str] = field(default_factory=set)
    crash: str | None = None
    posted: list[tuple[str, str]] = field(default_factory=list)
    labels: list[set[str]] = field(default_factory=list)

    def _check(self, name: str) -> None:
        if self.crash == name:
            raise KeyError("boom")
        if name in self.broken:
            raise ForgeUnavailable(name, 502, "bad gateway")

    def pull_request(self, repo: str, number: int) -> PullRequestInfo:
        self._check("pull_request")
        return PullRequestInfo(repo, number, "t", self.body, "bob", HEAD, "feature", BASE,
                               "main", self.expected_files or len(self.files), False,
                               f"https://github.com/{repo}/pull/{number}")

    def changed_files(self, info: PullRequestInfo) -> FileList:
        self._check("changed_files")
        expected = self.expected_files or len(self.files)
        return FileList(list(self.files), complete=expected <= len(self.files),
                        expected=expected)

    def file_at(self, repo: str, path: str, ref: str) -> str | None:
        self._check("file_at")
        return self.policy_text if path == POLICY_PATH else None

    def reviews(self, info: PullRequestInfo) -> tuple[ReviewRecord, ...]:
        self._check("reviews")
        return ()

    def team_members_among(self, team: str, logins: Iterable[str]) -> frozenset[str]:
        return frozenset()

    def commits(self, info: PullRequestInfo) -> CommitList:
        self._check("commits")
        bob = Person("Bob", "bob@example.com", "bob")
        return CommitList((CommitRecord(HEAD, "change", bob, bob),), complete=True, expected=1)

    def base_changes(self, info: PullRequestInfo) -> tuple[str, ...]:
        self._check("base_changes")
        return ()

    def permission(self, repo: str, login: str) -> str:
        self._check("permission")
        return "write"

    def approval_record(self, repo: str, number: int, label: str,
                        pull: PullRequestRef) -> ApprovalRecordFacts:
        self._check("approval_record")
        return ApprovalRecordFacts(repo, number, "", exists=False)

    def check_runs(self, repo: str, sha: str, name: str) -> tuple[CheckRunFacts, ...]:
        self._check("check_runs")
        return ()

    def branch_head(self, repo: str, branch: str) -> str:
        self._check("branch_head")
        return BASE

    def pulls_for_commit(self, repo: str, sha: str) -> tuple[PullSummary, ...]:
        self._check("pulls_for_commit")
        return (PullSummary(7, "open", HEAD, "main"),)

    def pulls_for_branch(self, repo: str, owner: str, branch: str) -> tuple[PullSummary, ...]:
        return ()

    def compare(self, repo: str, base: str, head: str) -> tuple[CommitSummary, ...]:
        return ()

    def has_sticky_comment(self, info: PullRequestInfo, author: str) -> bool:
        return False

    def upsert_sticky_comment(self, info: PullRequestInfo, body: str, author: str) -> str:
        return "created"

    def ensure_label(self, repo: str, name: str, *, color: str, description: str) -> bool:
        return False

    def labels_to_add(self, info: PullRequestInfo, wanted: set[str]) -> set[str]:
        return set(wanted)

    def sync_labels(self, info: PullRequestInfo, wanted: set[str], managed: set[str]) -> None:
        self.labels.append(set(wanted))

    def post_status(self, repo: str, sha: str, *, state: str, context: str, description: str,
                    target_url: str | None) -> None:
        self._check("post_status")
        self.posted.append((sha, state))


def _codes(forge: FakeForge, **kwargs: object) -> list[str]:
    result = evaluate_live(forge, REPO, 7, policy_path=".github/gatekeeper.yml",
                           evaluated_at=NOW, **kwargs)  # type: ignore[arg-type]
    assert result.decision.blocked or not result.decision.reasons
    return [str(r.code) for r in result.decision.reasons]


def test_a_complete_pull_request_passes_through_a_fake_forge() -> None:
    assert _codes(FakeForge()) == []


@pytest.mark.parametrize(("broken", "code"), [
    ("pull_request", "GK904"), ("file_at", "GK901"), ("changed_files", "GK902"),
    ("branch_head", "GK901"), ("pulls_for_commit", "GK908")])
def test_what_cannot_be_read_blocks(broken: str, code: str) -> None:
    assert _codes(FakeForge(broken={broken})) == [code]


def test_an_invalid_base_policy_blocks() -> None:
    assert _codes(FakeForge(policy_text="version: 1\nunknown: true\n")) == ["GK901"]


def test_a_truncated_file_list_blocks_without_the_local_diff() -> None:
    assert _codes(FakeForge(expected_files=3500)) == ["GK903"]


def test_the_policy_may_allow_a_local_diff_which_then_decides() -> None:
    seen: list[tuple[str, str]] = []

    def diff(base: str, head: str) -> list[ChangedPath]:
        seen.append((base, head))
        return [ChangedPath("src/auth/login.py")]

    forge = FakeForge(expected_files=3500, policy_text=LOCAL_DIFF_POLICY + (
        "classes:\n  RED:\n    paths: [auth/]\n"))
    codes = _codes(forge, local_diff=diff)
    assert seen == [(BASE, HEAD)]
    assert set(codes) == {"GK201", "GK202"}  # the diff made it RED; the body says GREEN


def test_a_local_diff_that_fails_still_blocks() -> None:
    def diff(base: str, head: str) -> list[ChangedPath]:
        from gatekeeper.errors import GatekeeperError

        raise GatekeeperError("no history")

    forge = FakeForge(expected_files=3500, policy_text=LOCAL_DIFF_POLICY)
    assert _codes(forge, local_diff=diff) == ["GK903"]


def _context(tmp_path: Path, status_context: str = "") -> tuple[object, object]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"repository": {"full_name": REPO},
                                 "pull_request": {"number": 7, "head": {"sha": HEAD}}}),
                     encoding="utf-8")
    environ = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
               "GITHUB_REPOSITORY": REPO, "RUNNER_TEMP": str(tmp_path),
               "GITHUB_OUTPUT": str(tmp_path / "output"),
               "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
               "GATEKEEPER_STATUS_CONTEXT": status_context}
    context = read_context(environ)
    return context, target_of(context)


def test_a_bug_while_evaluating_blocks_with_gk999(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    context, target = _context(tmp_path, "gatekeeper/contract")
    forge = FakeForge(crash="changed_files")
    out = io.StringIO()
    assert judge(forge, context, target, out, now=NOW) == 1  # type: ignore[arg-type]
    assert "::error title=GK999::internal error: KeyError('boom')" in out.getvalue()
    assert forge.posted == [(HEAD, "pending"), (HEAD, "failure")]
    assert forge.labels == []  # a GK999 block knows no class: labels stay as they were
    record = json.loads(next(tmp_path.glob("gatekeeper/decision-*.json")).read_text())
    assert record["kind"] == "could_not_evaluate"
    assert [r["code"] for r in record["reasons"]] == [Code.GK999]
    assert "KeyError" in capsys.readouterr().err  # the traceback goes to the job log


def test_a_status_that_cannot_be_posted_fails_with_gk906(tmp_path: Path) -> None:
    context, target = _context(tmp_path, "gatekeeper/contract")
    out = io.StringIO()
    forge = FakeForge(broken={"post_status"})
    assert judge(forge, context, target, out, now=NOW) == 1  # type: ignore[arg-type]
    assert "::error title=GK906::could not post the commit status" in out.getvalue()


def _gatekeeper(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # A bug planted through the public entry point: a reporter that raises.
    code = ("import sys\n"
            "from gatekeeper.reporters import text\n"
            "def broken(decision, context):\n"
            "    raise RuntimeError('reporter exploded')\n"
            "text.report_text = broken\n"
            "from gatekeeper.cli import main\n"
            "main(sys.argv[1:])\n")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**(env or {}), "PATH": "/usr/bin:/bin"}, check=False)


def test_a_bug_exits_3_with_one_line_never_1(tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text(complete_body(), encoding="utf-8")
    result = _gatekeeper("validate", str(body), "docs/a.md")
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert lines == ["gatekeeper: internal error: RuntimeError: reporter exploded (a bug in "
                     "Gatekeeper; run with --traceback or GATEKEEPER_DEBUG=1 for details)"]


@pytest.mark.parametrize("how", ["--traceback", "GATEKEEPER_DEBUG=1"])
def test_the_traceback_is_shown_only_when_asked(tmp_path: Path, how: str) -> None:
    body = tmp_path / "body.md"
    body.write_text(complete_body(), encoding="utf-8")
    if how == "--traceback":
        result = _gatekeeper("--traceback", "validate", str(body), "docs/a.md")
    else:
        result = _gatekeeper("validate", str(body), "docs/a.md",
                             env={"GATEKEEPER_DEBUG": "1"})
    assert result.returncode == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: reporter exploded" in result.stderr


def test_a_user_mistake_exits_2_with_one_line(tmp_path: Path) -> None:
    result = _gatekeeper("validate", str(tmp_path / "missing.md"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"gatekeeper: error: {tmp_path / 'missing.md'}: pull request body not found"]
