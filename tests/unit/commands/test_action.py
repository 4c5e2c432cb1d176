"""`gatekeeper action` in-process against the GitHub test double (no act): bookkeeping
that GitHub refuses never changes the decision."""

from __future__ import annotations

import io
from pathlib import Path

from gatekeeper.commands.action import ActionOptions, run
from tests.support.action_runner import runner_environ
from tests.support.bodies import complete_body
from tests.support.github_double import FakeGitHub, github_double

__all__ = ["github_double"]

REPO = "acme/widgets"
HEAD = "c" * 40
COMPLETE = complete_body()
FORBIDDEN = {"message": "Resource not accessible by integration",
             "documentation_url": "https://docs.github.com/rest"}


def _environ(fake: FakeGitHub, tmp_path: Path) -> dict[str, str]:
    return runner_environ(fake, tmp_path, REPO, 7)


def _seed(fake: FakeGitHub, body: str) -> None:
    fake.add_repo(REPO)
    fake.add_pull(REPO, 7, title="t", body=body, author="bob", head_sha=HEAD,
                  base_sha="b" * 40, files=["docs/a.md"])


def test_read_only_token_keeps_a_pass_a_pass(github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed(github_double, COMPLETE)
    github_double.fail("POST", r"/issues/7/(comments|labels)", status=403, body=FORBIDDEN)
    github_double.fail("DELETE", r"/issues/7/labels/", status=403, body=FORBIDDEN)
    out = io.StringIO()
    assert run(ActionOptions(_environ(github_double, tmp_path), "2026-11-21T00:00:00Z"), out) == 0
    assert "::error" not in out.getvalue()


def test_read_only_token_keeps_a_block_a_block(github_double: FakeGitHub, tmp_path: Path) -> None:
    _seed(github_double, COMPLETE.replace("@bob", "TBD"))
    github_double.fail("POST", r"/issues/7/(comments|labels)", status=403, body=FORBIDDEN)
    out = io.StringIO()
    assert run(ActionOptions(_environ(github_double, tmp_path), "2026-11-21T00:00:00Z"), out) == 1
    text = out.getvalue()
    assert "::error title=GK102::" in text
    assert "::warning title=Gatekeeper comment::not updated" in text
    assert "::warning title=Gatekeeper labels::not updated" in text
    assert github_double.comments(REPO, 7) == [] and github_double.labels(REPO, 7) == []


def test_status_that_cannot_be_posted_fails_the_check(
    github_double: FakeGitHub, tmp_path: Path,
) -> None:
    _seed(github_double, COMPLETE)
    github_double.fail("POST", r"/statuses/", status=403, body=FORBIDDEN)
    environ = _environ(github_double, tmp_path) | {"GATEKEEPER_STATUS_CONTEXT": "gk/contract"}
    out = io.StringIO()
    assert run(ActionOptions(environ, "2026-11-21T00:00:00Z"), out) == 1
    assert "::error title=GK906::could not post the commit status" in out.getvalue()


def test_could_not_evaluate_leaves_the_labels_alone(
    github_double: FakeGitHub, tmp_path: Path,
) -> None:
    _seed(github_double, COMPLETE)
    github_double.update_pull(REPO, 7, labels=["gatekeeper:red"])
    # Over 100 files: the list's next pages cannot be read, by GraphQL or by REST.
    github_double.update_pull(REPO, 7, files=[f"src/f{i}.py" for i in range(150)])
    github_double.fail("POST", "^/graphql$", status=502, variables={"number": 7, "after": ...})
    github_double.fail("GET", r"/pulls/7/files", status=502)
    out = io.StringIO()
    assert run(ActionOptions(_environ(github_double, tmp_path), "2026-11-21T00:00:00Z"), out) == 1
    assert "::error title=GK902::" in out.getvalue()
    assert github_double.labels(REPO, 7) == ["gatekeeper:red"]
