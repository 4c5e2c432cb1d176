"""The organisation's files: names checked, templates filled in, the pin found in git, and a
stub whose every commented tightening is one the central policy accepts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper.commands.init import org, policy_text
from gatekeeper.commands.init.workflows import Pin
from gatekeeper.constants import METRICS_WORKFLOW_PATH, POLICY_PATH, TEMPLATE_PATH, WORKFLOW_PATH
from gatekeeper.core.policy.merge import parse_reference
from gatekeeper.errors import GatekeeperError

PIN = Pin("gatekeeper-dev/gatekeeper@" + "1" * 40, "v1.2.3")
SET_UP = org.OrgSetUp("acme", PIN, "acme/gatekeeper-policy", None)


@pytest.mark.parametrize("name", ["acme", "Acme-Corp", "a1"])
def test_organisation_logins(name: str) -> None:
    assert org.check_org(name) == name


@pytest.mark.parametrize("name", ["", "-acme", "acme-", "ac--me", "a b", "acme/x", "a" * 40])
def test_not_organisation_logins(name: str) -> None:
    with pytest.raises(GatekeeperError, match="--org takes"):
        org.check_org(name)


def test_policy_repository_names() -> None:
    assert org.policy_repository("acme", None) == "acme/gatekeeper-policy"
    assert org.policy_repository("acme", "policies") == "acme/policies"
    assert org.policy_repository("acme", "ACME/policies") == "acme/policies"
    for bad in ("other/policies", "..", "a b"):
        with pytest.raises(GatekeeperError):
            org.policy_repository("acme", bad)


def test_the_policy_sha_is_a_full_commit() -> None:
    assert org.check_sha("f" * 40) == "f" * 40
    for bad in ("f" * 39, "F" * 40, "main"):
        with pytest.raises(GatekeeperError, match="full 40-character"):
            org.check_sha(bad)


def test_no_marker_is_left_in_any_template() -> None:
    files = org.policy_repository_files(
        org.OrgSetUp("acme", PIN, "acme/gatekeeper-policy", "2" * 40), policy_text())
    assert [f.path for f in files] == ["gatekeeper.yml", "action.yml", WORKFLOW_PATH,
                                       METRICS_WORKFLOW_PATH, "README.md"]
    for planned in files:
        assert "%%" not in planned.text, planned.path
    workflow = files[2].text
    assert f"uses: {PIN.ref}  # v1.2.3" in workflow
    assert "ref: " + "1" * 40 + "  # v1.2.3" in files[3].text


def test_without_a_pin_the_required_workflow_waits() -> None:
    paths = [f.path for f in org.policy_repository_files(SET_UP, policy_text())]
    assert WORKFLOW_PATH not in paths
    assert "gatekeeper init --org acme" in org.waiting_step("acme")


def test_a_local_action_cannot_install_a_release() -> None:
    with pytest.raises(GatekeeperError, match="--org installs a released Gatekeeper"):
        org.policy_repository_files(org.OrgSetUp("acme", Pin("./"), "acme/p", None), "")


def test_a_marker_left_unfilled_is_a_bug() -> None:
    with pytest.raises(AssertionError, match=r"%%[A-Z_]+%% not filled in"):
        org.render("gatekeeper.yml", {})


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=A", "-c",
                           "user.email=a@example.com", *args], capture_output=True,
                          text=True, check=True).stdout.strip()


def test_the_pin_is_the_last_commit_of_the_policy_and_the_action(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    assert org.head_pin(tmp_path, SET_UP) is None  # no commit yet
    (tmp_path / "action.yml").write_text(org.action_text(SET_UP), encoding="utf-8")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "action only")
    assert org.head_pin(tmp_path, SET_UP) is None  # no central policy
    (tmp_path / "gatekeeper.yml").write_text("version: 1\n", encoding="utf-8")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "policy")
    pinned = _git(tmp_path, "rev-parse", "HEAD")
    (tmp_path / "README.md").write_text("later\n", encoding="utf-8")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "readme")
    assert org.head_pin(tmp_path, SET_UP) == pinned
    other = org.OrgSetUp("other", PIN, "other/gatekeeper-policy", None)
    assert org.head_pin(tmp_path, other) is None  # another organisation's action.yml


def test_outside_git_there_is_no_pin(tmp_path: Path) -> None:
    assert org.head_pin(tmp_path, SET_UP) is None


def test_member_files_are_the_stub_and_the_template() -> None:
    reference = org.check_org_policy("acme/gatekeeper-policy:policies/main.yml@v2")
    stub, template = org.member_files(reference)
    assert (stub.path, template.path, template.template) == (POLICY_PATH, TEMPLATE_PATH, True)
    assert "acme/gatekeeper-policy:policies/main.yml" in stub.text
    with pytest.raises(GatekeeperError, match="--org-policy takes"):
        org.check_org_policy("nothing")


def test_every_commented_tightening_is_accepted(tmp_path: Path) -> None:
    """Uncommented, the stub's examples are a valid tightening of the default policy."""
    reference = parse_reference("acme/gatekeeper-policy")
    assert reference is not None
    stub = org.stub_text(reference)
    head, _, examples = stub.partition("version: 1\n")
    uncommented = head + "version: 1\n" + "\n".join(
        line.removeprefix("# ") for line in examples.splitlines())
    assert "\nclasses:\n" in uncommented and "\nauthority:\n" in uncommented
    central = tmp_path / "central.yml"
    central.write_text(policy_text(), encoding="utf-8")
    mine = tmp_path / "mine.yml"
    mine.write_text(uncommented, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "gatekeeper", "policy", "check",
                           "--org-policy", str(central), str(mine)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
