"""One policy for an organisation, end to end: the real action.yml under act against the
GitHub test double, in a repository whose required workflow names the organisation's
central policy (input ``org-policy``), read from the policy repository through the API
with the run's token (or, pinned, from the folder the runner fetched it into).

- A repository's own policy that only tightens: the decision applies both, and the record
  and the job summary name both.
- A repository's policy that loosens (a ``!`` negation of a central RED path): GK910 with
  the file, the key and the line.
- A RED change that only the central policy knows of: blocked, naming the central pattern.
- A central policy that cannot be read: GK901, never the repository's policy alone."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.act_harness import ActResult, e2e_workflow, run_action
from tests.e2e.test_action_e2e import (
    BASE_SHA,
    CONTRACT,
    ESCALATION,
    HEAD_SHA,
    REPO,
    REPO_ROOT,
    act_cache,
    fake,
)
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub

__all__ = ["act_cache", "fake"]

POLICY_REPO = "acme/policy"
POLICY_TIP = "d" * 40
REFERENCE = f"{POLICY_REPO}:gatekeeper.yml@main"
CENTRAL = """\
version: 1
classes:
  RED:
    paths:
      - src/auth/
      - migrations/
"""
TIGHTENING = """\
version: 1
classes:
  RED:
    paths:
      - billing/
"""
LOOSENING = """\
version: 1
# Legacy login code is someone else's problem.
classes:
  RED:
    paths:
      - billing/
      - "!src/auth/legacy/"
"""
GREEN = CONTRACT.replace("RED", "GREEN")
# A later step prints the decision record's policy, as a user's step would read it.
SHOW_POLICY = """\
      - name: Show the policy of the decision
        if: always()
        shell: bash
        env:
          DECISION_FILE: ${{ steps.gk.outputs.decision-file }}
        run: |
          python3 -c 'import json, os
          record = json.load(open(os.environ["DECISION_FILE"]))
          print("policy=" + json.dumps(record["policy"], sort_keys=True))'
"""


def _organisation(fake: FakeGitHub, local: str | None, body: str,
                  files: list[str]) -> None:
    fake.add_repo(POLICY_REPO)
    fake.set_branch(POLICY_REPO, "main", POLICY_TIP)
    fake.set_file(POLICY_REPO, "gatekeeper.yml", POLICY_TIP, CENTRAL)
    fake.add_pull(REPO, 7, title="A change", body=body, author="bob", head_sha=HEAD_SHA,
                  base_sha=BASE_SHA, files=files)
    if local is not None:
        fake.set_file(REPO, ".github/gatekeeper.yml", BASE_SHA, local)
    fake.add_team_member("acme", "security", "carol")
    fake.set_permission(REPO, "carol", "write")


def _run(fake: FakeGitHub, act_cache: Path, *, reference: str = REFERENCE,
         action: str = "synchronize", before_steps: str = "",
         root: str | None = None) -> ActResult:
    inputs = {"github-token": "${{ secrets.GITHUB_TOKEN }}", "org-policy": reference}
    if root is not None:
        inputs["org-policy-root"] = root
    return run_action(
        REPO_ROOT, "pull_request", fake.webhook_payload("pull_request", action, REPO, 7),
        env={"GITHUB_API_URL": fake.base_url, "GITHUB_GRAPHQL_URL": fake.graphql_url,
             "GITHUB_REPOSITORY": REPO},
        secrets={"GITHUB_TOKEN": DEFAULT_TOKEN},
        workflow_text=e2e_workflow(with_inputs=inputs, before_steps=before_steps,
                                   after_steps=SHOW_POLICY),
        action_cache=act_cache, timeout=600,
    )


def _codes(result: ActResult) -> list[str]:
    return sorted({a.properties.get("title", "") for a in result.errors()})


def _policy(result: ActResult) -> dict[str, object]:
    lines = [line for line in result.log.splitlines() if line.startswith("policy=")]
    assert lines, result.describe()
    found: dict[str, object] = json.loads(lines[-1].removeprefix("policy="))
    return found


def _summary(result: ActResult) -> str:
    return result.summaries.get("gk", "")


BOTH = {"source": f"{REPO}:.github/gatekeeper.yml", "ref": "main", "sha": BASE_SHA,
        "central": {"source": f"{POLICY_REPO}:gatekeeper.yml", "ref": "main",
                    "sha": POLICY_TIP}}


def test_a_tightening_repository_is_judged_by_both_policies(
        fake: FakeGitHub, act_cache: Path) -> None:
    # billing/ is RED only in the repository's own file: GREEN is under-declared.
    _organisation(fake, TIGHTENING, GREEN, ["billing/charge.py"])
    blocked = _run(fake, act_cache)
    assert not blocked.ok and _codes(blocked) == ["GK201", "GK202"], blocked.describe()
    assert any("billing/" in a.message for a in blocked.errors()), blocked.describe()
    assert _policy(blocked) == BOTH

    # A complete RED contract, approved by the escalation team: the central policy's
    # authority rule (on by default) is satisfied, and both policies are named.
    fake.update_pull(REPO, 7, body=CONTRACT + ESCALATION)
    fake.add_review(REPO, 7, "carol", "APPROVED", HEAD_SHA)
    passed = _run(fake, act_cache, action="edited")
    assert passed.ok and passed.errors() == [], passed.describe()
    assert _policy(passed) == BOTH
    summary = _summary(passed)
    assert f"`{REPO}:.github/gatekeeper.yml`" in summary, passed.describe()
    assert f"| Organisation policy | `{POLICY_REPO}:gatekeeper.yml` at `main`" in summary
    # Read at the policy repository's tip and the base, never at the head.
    assert (POLICY_TIP, "gatekeeper.yml") in fake.file_reads
    assert all(ref != HEAD_SHA for ref, _ in fake.file_reads)


def test_a_loosening_repository_policy_blocks_with_its_file_key_and_line(
        fake: FakeGitHub, act_cache: Path) -> None:
    # A harmless change: the gate blocks on the policy itself, not on the diff.
    _organisation(fake, LOOSENING, GREEN, ["docs/guide.md"])
    result = _run(fake, act_cache)
    assert not result.ok and _codes(result) == ["GK910"], result.describe()
    message = result.errors()[0].message
    assert f"{REPO}:.github/gatekeeper.yml@{BASE_SHA[:12]}:7: classes.RED.paths[1]" in message
    assert "'!src/auth/legacy/' could take paths out of the central RED class" in message
    assert _policy(result)["central"] == BOTH["central"]


def test_a_red_change_only_the_central_policy_knows_of_blocks(
        fake: FakeGitHub, act_cache: Path) -> None:
    # The repository's own file says nothing of src/auth/ (or has no file at all).
    for local in (TIGHTENING, None):
        with FakeGitHub() as double:
            double.add_repo(REPO)
            _organisation(double, local, GREEN, ["src/auth/login.py", "docs/guide.md"])
            result = _run(double, act_cache)
            assert not result.ok and _codes(result) == ["GK201", "GK202"], result.describe()
            assert any("src/auth/login.py" in a.message and "src/auth/" in a.message
                       for a in result.errors()), result.describe()
            policy = _policy(result)
            assert policy["central"] == BOTH["central"]
            assert policy["source"] == (BOTH["source"] if local else "none")
            double.assert_no_violations()


def test_the_policy_repository_fetched_by_the_runner_at_a_pinned_commit(
        fake: FakeGitHub, act_cache: Path) -> None:
    # The runner put the policy repository at POLICY_TIP in a folder (as it does for an
    # action it fetches); nothing is read from the policy repository through the API.
    _organisation(fake, TIGHTENING, GREEN, ["src/auth/login.py"])
    fetch = ("      - name: The policy repository, as the runner fetched it\n"
             "        shell: bash\n"
             "        run: |\n"
             '          mkdir -p "$RUNNER_TEMP/policy"\n'
             "          printf '%s' \"$CENTRAL\" > \"$RUNNER_TEMP/policy/gatekeeper.yml\"\n"
             "        env:\n"
             f"          CENTRAL: {json.dumps(CENTRAL)}\n")
    result = _run(fake, act_cache, reference=f"{POLICY_REPO}:gatekeeper.yml@{POLICY_TIP}",
                  before_steps=fetch, root="${{ runner.temp }}/policy")
    assert not result.ok and _codes(result) == ["GK201", "GK202"], result.describe()
    assert _policy(result)["central"] == {"source": f"{POLICY_REPO}:gatekeeper.yml",
                                          "ref": POLICY_TIP, "sha": POLICY_TIP}
    assert not [r for r in fake.requests if r.path.startswith(f"/repos/{POLICY_REPO}")]


def test_an_unreadable_central_policy_blocks_with_gk901(
        fake: FakeGitHub, act_cache: Path) -> None:
    _organisation(fake, TIGHTENING, GREEN, ["docs/guide.md"])
    result = _run(fake, act_cache, reference=f"{POLICY_REPO}:missing.yml@main")
    assert not result.ok and _codes(result) == ["GK901"], result.describe()
    assert any("acme/policy:missing.yml" in a.message for a in result.errors())
