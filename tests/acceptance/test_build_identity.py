"""One version, one commit: the CLI names the commit it was built from, the decision record
carries it, `gatekeeper init` pins the action at it, and doctor notices a workflow pinned
at another one.
"""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

import gatekeeper
from gatekeeper import Build
from gatekeeper.commands import init
from gatekeeper.commands.doctor.workflow import WorkflowFacts, pin_warnings
from gatekeeper.commands.init.workflows import pin_for
from gatekeeper.constants import (
    GATEKEEPER_REPOSITORY,
    WORKFLOW_PATH,
    docs_url,
    pin_note,
    release_tag,
    schema_url,
)
from gatekeeper.errors import GatekeeperError
from tests.support.fixtures import REPO_ROOT

Cli = Callable[..., subprocess.CompletedProcess[str]]
SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"


def test_version_names_the_version_and_the_commit(gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("--version")

    assert result.returncode == 0
    build = gatekeeper.BUILD
    assert build.commit is not None, "this checkout was installed without its commit"
    assert result.stdout == f"gatekeeper {build.version} (commit {build.commit}" \
        f"{', with uncommitted changes' if build.dirty else ''})\n"


def test_the_build_is_the_commit_installed() -> None:
    # `pip install -e .` of this checkout ran hatch_build.py: the commit is one of this
    # repository's (HEAD when nothing was committed since the install).
    commit = gatekeeper.BUILD.commit
    assert commit is not None
    known = subprocess.run(["git", "-C", str(REPO_ROOT), "cat-file", "-t", commit],
                           capture_output=True, text=True, check=False)
    assert known.stdout.strip() == "commit"


def test_the_decision_record_names_version_and_commit(gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("validate", "examples/red-complete.md", "--changed-files",
                            "examples/red-complete.files", "--default-policy",
                            "--format", "json", cwd=REPO_ROOT)
    record = json.loads(result.stdout)
    assert record["gatekeeper_version"] == gatekeeper.BUILD.describe()
    assert str(gatekeeper.BUILD.commit) in record["gatekeeper_version"]


@pytest.mark.parametrize(("build", "shown"), [
    (Build("1.2.0", SHA), f"1.2.0 (commit {SHA})"),
    (Build("1.2.1.dev3+g0123456", SHA, dirty=True),
     f"1.2.1.dev3+g0123456 (commit {SHA}, with uncommitted changes)"),
    (Build("1.2.0", None), "1.2.0 (commit unknown: built without git metadata)"),
])
def test_describe(build: Build, shown: str) -> None:
    assert build.describe() == shown


def test_a_release_pins_its_commit_with_its_tag_in_a_comment() -> None:
    release = Build("1.2.0", SHA)
    pin = pin_for(release)
    assert pin.text() == f"{GATEKEEPER_REPOSITORY}@{SHA}  # v1.2.0"
    assert release_tag(release) == "v1.2.0"
    # links and the schema point at the release's own tag
    assert schema_url(release).endswith("/v1.2.0/schemas/policy.schema.json")
    assert docs_url(release).endswith("/blob/v1.2.0/docs")


def test_a_development_build_pins_its_commit_and_says_it_has_no_tag() -> None:
    development = Build("1.2.1.dev3+g0123456", SHA)
    assert release_tag(development) is None
    assert pin_note(development) == "1.2.1.dev3+g0123456, no release tag"
    assert pin_for(development).ref == f"{GATEKEEPER_REPOSITORY}@{SHA}"
    assert schema_url(development).endswith(f"/{SHA}/schemas/policy.schema.json")


def test_init_writes_the_pinned_commit_and_says_so(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gatekeeper, "BUILD", Build("1.2.0", SHA))
    out = io.StringIO()

    assert init.run(init.InitOptions(cwd=tmp_path), out) == 0

    workflow = (tmp_path / WORKFLOW_PATH).read_text(encoding="utf-8")
    assert f"uses: {GATEKEEPER_REPOSITORY}@{SHA}  # v1.2.0\n" in workflow
    assert f"at {GATEKEEPER_REPOSITORY}@{SHA} (v1.2.0), the commit of this gatekeeper " \
        "command" in out.getvalue()


def test_init_without_a_commit_says_how_to_pin_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gatekeeper, "BUILD", Build("1.2.0", None))

    with pytest.raises(GatekeeperError) as raised:
        init.run(init.InitOptions(cwd=tmp_path), io.StringIO())

    message = str(raised.value)
    assert "built without git metadata" in message
    assert f"--action-ref {GATEKEEPER_REPOSITORY}@SHA" in message
    assert f"git ls-remote https://github.com/{GATEKEEPER_REPOSITORY} refs/tags/v1.2.0" \
        in message
    assert not any(tmp_path.iterdir())
    # with the commit given, it writes it
    options = init.InitOptions(cwd=tmp_path, action_ref=f"{GATEKEEPER_REPOSITORY}@{SHA}")
    assert init.run(options, io.StringIO()) == 0
    assert f"@{SHA}\n" in (tmp_path / WORKFLOW_PATH).read_text(encoding="utf-8")


def test_doctor_warns_about_a_workflow_pinned_at_another_commit() -> None:
    facts = WorkflowFacts(check_names=("gatekeeper",),
                          pins=(f"{GATEKEEPER_REPOSITORY}@{OTHER}",))
    [warning] = pin_warnings(facts, WORKFLOW_PATH, Build("1.2.0", SHA))
    assert warning.startswith(f"{WORKFLOW_PATH} pins {GATEKEEPER_REPOSITORY}@{OTHER}, but "
                              f"this gatekeeper is 1.2.0 (commit {SHA})")
    assert pin_warnings(facts, WORKFLOW_PATH, Build("1.2.0", OTHER)) == ()
    assert pin_warnings(facts, WORKFLOW_PATH, Build("1.2.0", None)) == ()
