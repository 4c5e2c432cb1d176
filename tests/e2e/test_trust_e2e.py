"""Two ways past the gate, end to end: the real action.yml under act against the GitHub
test double, in the hardened set-up (a commit status whose context names the base branch).

- An approval given before a base retarget does not count on the retargeted diff (GK316).
- An outsider's fork pull request on an insider's head commit posts nothing there (GK909):
  the insider's verdict stands.
- A policy tightened on the base branch re-judges the open pull requests into it: the
  push's run (the re-judging workflow) turns a green status red."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_action_e2e import BASE_SHA, CONTRACT, ESCALATION, HEAD_SHA, REPO
from tests.e2e.test_verdict_e2e import (
    GREEN,
    MAIN,
    POLICY,
    TIP,
    _codes,
    _run,
    _seed,
    _states,
    _target,
    act_cache,
    fake,
)
from tests.support.github_double import FakeGitHub

__all__ = ["act_cache", "fake"]

RED_BODY = CONTRACT + ESCALATION.replace("@acme/security", "@carol")
PREP = "a" * 40


def test_an_approval_before_a_base_retarget_does_not_pass_the_new_diff(
        fake: FakeGitHub, act_cache: Path) -> None:
    # #7 into prep (main plus a backdoor) with a harmless diff, approved on its head...
    fake.set_branch(REPO, "main", BASE_SHA)
    fake.set_branch(REPO, "prep", PREP)
    fake.add_pull(REPO, 7, title="Tidy docs", body=RED_BODY, author="bob", head_sha=HEAD_SHA,
                  base_sha=PREP, base_ref="prep", head_ref="feature",
                  files=["docs/guide.md"], created_at="2026-11-20T09:00:00Z")
    fake.set_permission(REPO, "carol", "maintain")
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD_SHA,
                    submitted_at="2026-11-20T10:00:00Z")
    # ...then retargeted to main: same head, the diff is now the backdoor.
    fake.update_pull(REPO, 7, base_ref="main", base_sha=BASE_SHA,
                     files=["src/auth/backdoor.py"], updated_at="2026-11-20T11:00:00Z")

    result = _target(fake, act_cache, payload=fake.webhook_payload(
        "pull_request", "edited", REPO, 7))

    assert not result.ok and _codes(result) == ["GK316"], result.describe()
    assert _states(fake, HEAD_SHA)[-1] == (MAIN, "failure")


def test_an_outsiders_copy_on_an_insiders_commit_leaves_its_verdict_alone(
        fake: FakeGitHub, act_cache: Path) -> None:
    fake.add_pull(REPO, 7, title="Docs", body=GREEN, author="bob", head_sha=HEAD_SHA,
                  base_sha=BASE_SHA, base_ref="main", head_ref="feature",
                  files=["docs/guide.md"])
    fake.set_permission(REPO, "bob", "write")
    honest = _target(fake, act_cache, 7)
    assert honest.ok, honest.describe()
    assert _states(fake, HEAD_SHA)[-1] == (MAIN, "success")

    # Anyone can open a pull request from the public head of #7, with an empty body.
    fake.add_repo("mallory/widgets", owner_type="User")
    fake.add_pull(REPO, 8, title="copy", body="", author="mallory", head_sha=HEAD_SHA,
                  base_sha=BASE_SHA, base_ref="main", head_ref="copy",
                  head_repo="mallory/widgets", files=["docs/guide.md"])
    fake.set_permission(REPO, "mallory", "read")
    outsider = _target(fake, act_cache, 8)

    assert not outsider.ok and _codes(outsider) == ["GK909"], outsider.describe()
    assert _states(fake, HEAD_SHA)[-1] == (MAIN, "success")
    assert (MAIN, "failure") not in _states(fake, HEAD_SHA)


def test_a_tightened_policy_re_judges_the_open_pull_requests_into_its_branch(
        fake: FakeGitHub, act_cache: Path) -> None:
    fake.set_file(REPO, POLICY, BASE_SHA, "version: 1\nclasses:\n  RED:\n    paths: [infra/]\n")
    fake.set_branch(REPO, "main", BASE_SHA)
    _seed(fake, 7, GREEN, files=("src/auth/login.py",))
    before = _target(fake, act_cache, 7)
    assert before.ok, before.describe()
    assert _states(fake, HEAD_SHA)[-1] == (MAIN, "success")

    # A push to main makes src/auth/ RED; nothing happens on the pull request itself.
    fake.set_file(REPO, POLICY, TIP, "version: 1\nclasses:\n  RED:\n    paths: [src/auth/]\n")
    fake.set_branch(REPO, "main", TIP)
    push = fake.repo_event_payload("push", "", REPO, ref="refs/heads/main", after=TIP)
    rejudged = _run(fake, act_cache, "push", push)

    # The re-judging run did its job; the pull request it judged is now red.
    assert rejudged.ok, rejudged.describe()
    assert _states(fake, HEAD_SHA)[-1] == (MAIN, "failure")
