"""The organisation's central policy, read as CI reads it (the action, `validate --pr`)
and as a user reads it locally (`validate`, `explain`, `policy check` with --org-policy):
the same decision, a loosening key refused with its file and line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper.commands.action import ActionOptions, run
from gatekeeper.core.policy.merge import CentralReference
from gatekeeper.forge.github import GitHubForge
from gatekeeper.live.central_policy import read_central
from gatekeeper.live.evaluation import CentralPolicy, evaluate_live
from tests.support.action_runner import runner_environ
from tests.support.bodies import complete_body
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub, github_double

__all__ = ["github_double"]

REPO, POLICY_REPO = "acme/widgets", "acme/policy"
BASE, HEAD, POLICY_TIP = "b" * 40, "c" * 40, "d" * 40
CENTRAL = ("version: 1\nclasses:\n  RED:\n    paths: [src/auth/]\n"
           "authority:\n  require_escalation_approval: false\n")
TIGHTENING = "version: 1\nclasses:\n  RED:\n    paths: [docs/]\n"
LOOSENING = "version: 1\nchanged_files:\n  allow_local_diff: true\n"
GREEN_BODY = complete_body("GREEN")


def _seed(fake: FakeGitHub, *, local: str | None, files: tuple[str, ...] = ("docs/a.md",),
          central: str | None = CENTRAL) -> None:
    fake.add_repo(POLICY_REPO)
    fake.set_branch(POLICY_REPO, "main", POLICY_TIP)
    if central is not None:
        fake.set_file(POLICY_REPO, "gatekeeper.yml", POLICY_TIP, central)
    fake.add_repo(REPO)
    fake.add_pull(REPO, 7, title="t", body=GREEN_BODY, author="bob", head_sha=HEAD,
                  base_sha=BASE, files=list(files))
    if local is not None:
        fake.set_file(REPO, ".github/gatekeeper.yml", BASE, local)


def _client(fake: FakeGitHub) -> GitHubForge:
    return GitHubForge(DEFAULT_TOKEN, fake.base_url, retries=1, backoff=0.01)


def _decide(fake: FakeGitHub, reference: str = POLICY_REPO) -> dict[str, object]:
    client = _client(fake)
    from gatekeeper.core.policy.merge import parse_reference

    parsed = parse_reference(reference)
    assert parsed is not None
    central = CentralPolicy(reference, read_central(client, parsed))
    result = evaluate_live(client, REPO, 7, policy_path=".github/gatekeeper.yml",
                           evaluated_at="2026-11-21T00:00:00Z", central=central)
    return result.decision.to_record()


def test_a_repository_tightening_the_central_policy_is_judged_by_both(
    github_double: FakeGitHub,
) -> None:
    _seed(github_double, local=TIGHTENING)
    record = _decide(github_double)
    # docs/ is RED only in the repository's own file; the central policy's authority
    # setting (off) still applies.
    assert record["computed_class"] == "RED"
    assert "GK201" in [r["code"] for r in record["reasons"]]  # type: ignore[index]
    assert "GK301" not in [r["code"] for r in record["reasons"]]  # type: ignore[index]
    assert record["policy"] == {
        "source": f"{REPO}:.github/gatekeeper.yml", "ref": "main", "sha": BASE,
        "central": {"source": f"{POLICY_REPO}:gatekeeper.yml", "ref": "main",
                    "sha": POLICY_TIP}}


def test_the_central_policy_alone_when_the_repository_has_none(
    github_double: FakeGitHub,
) -> None:
    _seed(github_double, local=None, files=("src/auth/login.py",))
    record = _decide(github_double)
    assert "GK201" in [r["code"] for r in record["reasons"]]  # type: ignore[index]
    policy = record["policy"]
    assert policy["source"] == "none"  # type: ignore[index]
    assert policy["central"]["source"] == f"{POLICY_REPO}:gatekeeper.yml"  # type: ignore[index]


def test_a_loosening_key_blocks_with_gk909_naming_file_key_and_line(
    github_double: FakeGitHub,
) -> None:
    _seed(github_double, local=LOOSENING)
    record = _decide(github_double)
    reasons = record["reasons"]
    assert [r["code"] for r in reasons] == ["GK910"]  # type: ignore[index]
    assert (f"{REPO}:.github/gatekeeper.yml@{BASE[:12]}:3: changed_files.allow_local_diff"
            in reasons[0]["message"])  # type: ignore[index]
    assert record["decision"] == "block" and record["kind"] == "could_not_evaluate"
    assert record["policy"]["central"]["sha"] == POLICY_TIP  # type: ignore[index]


def test_a_central_policy_at_a_pinned_commit_and_path(github_double: FakeGitHub) -> None:
    _seed(github_double, local=None, central=None)
    pinned = "a" * 40
    github_double.set_file(POLICY_REPO, "policies/org.yml", pinned, CENTRAL)
    record = _decide(github_double, f"{POLICY_REPO}:policies/org.yml@{pinned}")
    assert record["policy"]["central"] == {  # type: ignore[index]
        "source": f"{POLICY_REPO}:policies/org.yml", "ref": pinned, "sha": pinned}
    # Pinned: no branch read, no repository read.
    assert github_double.count("GET", rf"/repos/{POLICY_REPO}/branches") == 0


def test_a_missing_central_policy_is_an_error_never_an_empty_policy(
    github_double: FakeGitHub,
) -> None:
    _seed(github_double, local=None, central=None)
    from gatekeeper.forge import ForgeUnavailable

    with pytest.raises(ForgeUnavailable, match=r"no file gatekeeper\.yml in acme/policy"):
        read_central(_client(github_double), CentralReference(POLICY_REPO))


# --- the action ------------------------------------------------------------------------------


def _environ(fake: FakeGitHub, tmp_path: Path, **inputs: str) -> dict[str, str]:
    return runner_environ(fake, tmp_path, REPO, 7, GATEKEEPER_LABELS="false",
                          GATEKEEPER_COMMENT="false", **inputs)


def _record(tmp_path: Path) -> dict[str, object]:
    (found,) = (tmp_path / "gatekeeper").glob("decision-*.json")
    loaded: dict[str, object] = json.loads(found.read_text(encoding="utf-8"))
    return loaded


def test_the_action_reads_the_central_policy_through_the_api(
    github_double: FakeGitHub, tmp_path: Path,
) -> None:
    _seed(github_double, local=TIGHTENING)
    out = io.StringIO()
    environ = _environ(github_double, tmp_path, GATEKEEPER_ORG_POLICY=POLICY_REPO)
    assert run(ActionOptions(environ, "2026-11-21T00:00:00Z"), out) == 1
    assert "::error title=GK201::" in out.getvalue()
    assert _record(tmp_path)["policy"]["central"]["sha"] == POLICY_TIP  # type: ignore[index]


def test_the_action_reads_the_central_policy_the_runner_fetched(
    github_double: FakeGitHub, tmp_path: Path,
) -> None:
    _seed(github_double, local=None, central=None, files=("docs/a.md",))
    root = tmp_path / "policy-repo"
    root.mkdir()
    (root / "gatekeeper.yml").write_text(CENTRAL, encoding="utf-8")
    pinned = "a" * 40
    environ = _environ(github_double, tmp_path, GATEKEEPER_ORG_POLICY=f"{POLICY_REPO}@{pinned}",
                       GATEKEEPER_ORG_POLICY_ROOT=str(root))
    assert run(ActionOptions(environ, "2026-11-21T00:00:00Z"), io.StringIO()) == 0
    assert _record(tmp_path)["policy"]["central"] == {  # type: ignore[index]
        "source": f"{POLICY_REPO}:gatekeeper.yml", "ref": pinned, "sha": pinned}
    assert github_double.count("GET", rf"/repos/{POLICY_REPO}") == 0


@pytest.mark.parametrize(("inputs", "message"), [
    ({"GATEKEEPER_ORG_POLICY": POLICY_REPO}, "no file gatekeeper.yml in acme/policy"),
    ({"GATEKEEPER_ORG_POLICY": "not a reference"}, "org-policy takes OWNER/REPO"),
    ({"GATEKEEPER_ORG_POLICY": f"{POLICY_REPO}@main", "GATEKEEPER_ORG_POLICY_ROOT": "/x"},
     "must end in @ the full commit SHA"),
    ({"GATEKEEPER_ORG_POLICY_ROOT": "/x"}, "org-policy does not name the policy file"),
    ({"GATEKEEPER_ORG_POLICY": f"{POLICY_REPO}@{'a' * 40}",
      "GATEKEEPER_ORG_POLICY_ROOT": "/nonexistent"}, "organisation policy not found"),
])
def test_the_action_blocks_when_the_central_policy_cannot_be_read(
    github_double: FakeGitHub, tmp_path: Path, inputs: dict[str, str], message: str,
) -> None:
    _seed(github_double, local=None, central=None)
    out = io.StringIO()
    assert run(ActionOptions(_environ(github_double, tmp_path, **inputs),
                             "2026-11-21T00:00:00Z"), out) == 1
    assert "::error title=GK901::could not read the organisation policy" in out.getvalue()
    assert message in out.getvalue()


# --- locally ---------------------------------------------------------------------------------


def _gatekeeper(cwd: Path, *args: str, fake: FakeGitHub | None = None,
                stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env["PATH"] = os.environ.get("PATH", "")
    if fake is not None:
        env |= {"GITHUB_TOKEN": DEFAULT_TOKEN, "GITHUB_API_URL": fake.base_url}
    return subprocess.run([sys.executable, "-m", "gatekeeper", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, check=False, timeout=120, input=stdin)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # not a git repository: the folder is the top level
    (tmp_path / "org.yml").write_text(CENTRAL, encoding="utf-8")
    (tmp_path / "PR.md").write_text(GREEN_BODY, encoding="utf-8")
    return tmp_path


def test_validate_with_a_central_policy_file(checkout: Path) -> None:
    (checkout / "own.yml").write_text(TIGHTENING, encoding="utf-8")
    result = _gatekeeper(checkout, "validate", "PR.md", "docs/a.md", "--org-policy",
                         "org.yml", "--policy", "own.yml", "--format", "json")
    assert result.returncode == 1, result.stderr
    record = json.loads(result.stdout)
    assert record["computed_class"] == "RED"
    assert record["policy"]["source"] == "own.yml"
    assert record["policy"]["central"]["source"].endswith("org.yml")


def test_validate_refuses_a_loosening_key_with_exit_2_and_its_line(checkout: Path) -> None:
    (checkout / "own.yml").write_text(LOOSENING, encoding="utf-8")
    result = _gatekeeper(checkout, "validate", "PR.md", "docs/a.md", "--org-policy",
                         "org.yml", "--policy", "own.yml")
    assert result.returncode == 2
    assert "own.yml:3: changed_files.allow_local_diff: the central policy" in result.stderr


def test_validate_refuses_the_embedded_default_under_a_central_policy(checkout: Path) -> None:
    result = _gatekeeper(checkout, "validate", "PR.md", "docs/a.md", "--org-policy",
                         "org.yml", "--default-policy")
    assert result.returncode == 2 and "not both" in result.stderr


def test_validate_reads_a_remote_central_policy_with_the_users_token(
    github_double: FakeGitHub, checkout: Path,
) -> None:
    _seed(github_double, local=None)
    result = _gatekeeper(checkout, "validate", "PR.md", "src/auth/a.py", "--org-policy",
                         POLICY_REPO, "--format", "json", fake=github_double)
    assert result.returncode == 1, result.stderr
    record = json.loads(result.stdout)
    assert record["computed_class"] == "RED"
    assert record["policy"]["central"] == {"source": f"{POLICY_REPO}:gatekeeper.yml",
                                           "ref": "main", "sha": POLICY_TIP}
    assert {r.method for r in github_double.requests} == {"GET"}


def test_validate_pr_gives_the_same_answer_as_the_action(
    github_double: FakeGitHub, checkout: Path,
) -> None:
    _seed(github_double, local=LOOSENING)
    result = _gatekeeper(checkout, "validate", "--pr", f"{REPO}#7", "--org-policy",
                         POLICY_REPO, "--format", "json", fake=github_double)
    assert result.returncode == 1, result.stderr
    assert [r["code"] for r in json.loads(result.stdout)["reasons"]] == ["GK910"]


def test_an_unreadable_remote_central_policy_is_a_usage_error(
    github_double: FakeGitHub, checkout: Path,
) -> None:
    _seed(github_double, local=None, central=None)
    result = _gatekeeper(checkout, "validate", "PR.md", "docs/a.md", "--org-policy",
                         POLICY_REPO, fake=github_double)
    assert result.returncode == 2
    assert "could not read the organisation policy acme/policy:gatekeeper.yml" in result.stderr
    bad = _gatekeeper(checkout, "validate", "PR.md", "--org-policy", "no such thing")
    assert bad.returncode == 2 and "is neither" in bad.stderr


def test_explain_names_the_file_and_line_of_each_pattern(checkout: Path) -> None:
    (checkout / "own.yml").write_text(TIGHTENING, encoding="utf-8")
    result = _gatekeeper(checkout, "explain", "docs/a.md", "src/auth/x.py", "--org-policy",
                         "org.yml", "--policy", "own.yml")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["docs/a.md", "RED"] and "(own.yml:4)" in lines[0]
    assert "org.yml:4)" in lines[1]


def test_policy_check_lists_every_loosening_key(checkout: Path) -> None:
    (checkout / "own.yml").write_text(
        LOOSENING + "authority:\n  require_escalation_approval: true\n"
        "approval_reference_pattern: '.*'\n", encoding="utf-8")
    result = _gatekeeper(checkout, "policy", "check", "own.yml", "--org-policy", "org.yml")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "own.yml:3: changed_files.allow_local_diff: the central policy blocks an incomplete "
        "file list (GK903); a repository's policy may not allow a local diff instead",
        "own.yml:6: approval_reference_pattern: the central policy's pattern is "
        "'^[A-Z][A-Z0-9]+-\\\\d+$'; a repository's policy may not change it",
        "own.yml: 2 problems"]
    ok = _gatekeeper(checkout, "policy", "check", "--org-policy", "org.yml")
    assert ok.returncode == 0 and "organisation policy" in ok.stdout
