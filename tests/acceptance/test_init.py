"""`gatekeeper init`: what it writes, that it is idempotent, and that it never clobbers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import gatekeeper
from gatekeeper import resources
from gatekeeper.commands.init import planned_files, policy_text, pull_request_template
from gatekeeper.commands.init.workflows import default_pin, example_pin
from gatekeeper.constants import (
    CHECK_DISPLAY_NAME,
    POLICY_PATH,
    PULL_REQUEST_TYPES,
    REJUDGE_WORKFLOW_PATH,
    REVIEW_TYPES,
    TEMPLATE_PATH,
    WORKFLOW_NAME,
    WORKFLOW_PATH,
    schema_url,
)
from gatekeeper.core.fields import FIELDS
from gatekeeper.core.model import RiskClass
from gatekeeper.core.policy.load import parse_policy

Cli = Callable[..., subprocess.CompletedProcess[str]]
DEFAULT_ACTION_REF = default_pin().ref
WRITTEN = (POLICY_PATH, TEMPLATE_PATH, WORKFLOW_PATH, REJUDGE_WORKFLOW_PATH)
from tests.support.fixtures import REPO_ROOT  # noqa: E402

FILLED = {
    "<!-- What changes and why. -->": "Rate-limit the login endpoint.",
    "<!-- GREEN, AMBER or RED -->": "RED",
    "<!-- @handle of the person answerable for this change -->": "@alice",
    "<!-- human, ai-assisted or agent -->": "ai-assisted",
    "<!-- command run and its result, or a link to the run -->": "`pytest -q`: 31 passed",
    "<!-- @handle or @org/team -->": "@acme/security",
    "<!-- e.g. APR-1234 -->": "APR-2291",
    "<!-- how to undo this change, and how it was checked -->":
        "revert the PR; the revert was tried on staging",
}


def _git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return _git_repo(tmp_path / "repo")


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {name: ((root / name).read_bytes(), (root / name).stat().st_mtime_ns)
            for name in WRITTEN}


def _fill(template: str) -> str:
    for hint, value in FILLED.items():
        assert hint in template, hint
        template = template.replace(hint, value)
    return template


# --- What it writes ------------------------------------------------------------------------


def test_init_in_an_empty_git_repository_writes_the_three_files(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    result = gatekeeper_cli("init", cwd=repo)

    assert result.returncode == 0, result.stdout + result.stderr
    for name in WRITTEN:
        assert (repo / name).is_file(), name
        assert re.search(rf"created\s+{re.escape(name)}", result.stdout), result.stdout
    assert f"repository {repo}" in result.stdout
    # It says what to do next: commit, make the check required, run doctor.
    assert "git commit" in result.stdout
    assert CHECK_DISPLAY_NAME in result.stdout and '"gatekeeper"' in result.stdout
    assert "gatekeeper doctor --repo" in result.stdout
    # Atomic writes leave no temporary files behind.
    leftovers = [p.name for p in (repo / ".github").rglob(".*") if p.is_file()]
    assert leftovers == []


def test_policy_starts_with_the_schema_comment_and_validates(repo: Path,
                                                             gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", cwd=repo)
    text = (repo / POLICY_PATH).read_text(encoding="utf-8")

    url = schema_url(gatekeeper.BUILD)
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={url}"
    # the schema of the very commit the workflow pins
    assert url.endswith(f"/{gatekeeper.BUILD.commit}/schemas/policy.schema.json")
    policy = parse_policy(text, file=POLICY_PATH, schema=resources.schema("policy"))
    default = parse_policy(resources.text("default_policy.yml"), file="default",
                           schema=resources.schema("policy"))
    assert policy.classes[RiskClass.RED].patterns == default.classes[RiskClass.RED].patterns
    assert policy.classes[RiskClass.AMBER].patterns == default.classes[RiskClass.AMBER].patterns
    # The comments that explain the policy survive.
    assert text.count("\n#") >= 5


def test_template_is_the_contract_template(repo: Path, gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", cwd=repo)
    text = (repo / TEMPLATE_PATH).read_text(encoding="utf-8")

    assert text == pull_request_template()
    assert text.startswith("## Summary\n<!-- What changes and why. -->\n\n## Contract\n")
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Summary", "## Contract", "## Escalation"]
    # Every field is there with the hint the parser recognises as "not filled in".
    for spec in FIELDS:
        assert f"- **{spec.label}:** <!-- " in text, spec.label
    hints = {spec.label: spec.hint for spec in FIELDS}
    assert f"<!-- {hints['Risk level']} -->" in text
    assert f"<!-- {hints['Rollback plan']} -->" in text


def test_workflow_listens_to_the_spec_events_with_least_privilege(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    gatekeeper_cli("init", cwd=repo)
    workflow = yaml.safe_load((repo / WORKFLOW_PATH).read_text(encoding="utf-8"))

    assert workflow["name"] == WORKFLOW_NAME
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers == {
        "pull_request": {"types": list(PULL_REQUEST_TYPES)},
        "pull_request_review": {"types": list(REVIEW_TYPES)},
        "merge_group": {"types": ["checks_requested"]},
    }
    # Labels on a pull request go through the issues API, which needs issues: write; that
    # covers the comment too (docs/security.md, section 5).
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "read",
                                       "issues": "write"}
    assert list(workflow["jobs"]) == ["gatekeeper"]
    steps = workflow["jobs"]["gatekeeper"]["steps"]
    assert steps == [{"uses": DEFAULT_ACTION_REF}]


def test_action_ref_option_is_written(repo: Path, gatekeeper_cli: Cli) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    result = gatekeeper_cli("init", "--action-ref", f"acme/gatekeeper@{sha}", cwd=repo)

    assert result.returncode == 0, result.stdout + result.stderr
    text = (repo / WORKFLOW_PATH).read_text(encoding="utf-8")
    assert f"      - uses: acme/gatekeeper@{sha}\n" in text


@pytest.mark.parametrize("bad", ["", "gatekeeper", "acme/gatekeeper", "a/b@v1\nrun: evil",
                                 "a/b@v1 # x", "docker://evil"])
def test_bad_action_ref_is_bad_usage_and_writes_nothing(repo: Path, gatekeeper_cli: Cli,
                                                        bad: str) -> None:
    result = gatekeeper_cli("init", "--action-ref", bad, cwd=repo)

    assert result.returncode == 2
    assert "--action-ref takes OWNER/REPO@REF" in result.stderr
    assert not (repo / ".github").exists()
    assert "Traceback" not in result.stderr


# --- The written files work ----------------------------------------------------------------


def test_filled_in_template_passes_and_unfilled_template_blocks(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    gatekeeper_cli("init", cwd=repo)
    template = (repo / TEMPLATE_PATH).read_text(encoding="utf-8")
    (repo / "filled.md").write_text(_fill(template), encoding="utf-8")

    # The written policy (found at the git top level) makes src/auth/ RED.
    passed = gatekeeper_cli("validate", "filled.md", "src/auth/login.py", cwd=repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    # The written policy requires the escalation approval, which only GitHub shows.
    assert passed.stdout.startswith("PASS pending  ")
    assert "  pending: a member of @acme/security's approval on GitHub" in (
        passed.stdout.splitlines())
    assert "  class RED (declared RED)" in passed.stdout
    assert str(repo / POLICY_PATH) in passed.stdout

    blocked = gatekeeper_cli("validate", TEMPLATE_PATH, "src/auth/login.py", cwd=repo)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert blocked.stdout.startswith("BLOCKED")
    for code in ("GK101",):
        assert code in blocked.stdout
    for label in ("Risk level", "Accountable owner", "Change origin", "Test evidence"):
        assert f"{label} is left empty" in blocked.stdout


def test_filled_in_green_template_may_leave_the_escalation_hints(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    gatekeeper_cli("init", cwd=repo)
    body = (repo / TEMPLATE_PATH).read_text(encoding="utf-8")
    for hint, value in list(FILLED.items())[:5]:
        body = body.replace(hint, "GREEN" if value == "RED" else value)
    (repo / "green.md").write_text(body, encoding="utf-8")

    result = gatekeeper_cli("validate", "green.md", "README.md", cwd=repo)
    assert result.returncode == 0, result.stdout


def _actionlint() -> str | None:
    found = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent))
    return found


@pytest.mark.parametrize("workflow", ["written", "hardened example"])
def test_workflows_pass_actionlint(repo: Path, gatekeeper_cli: Cli, workflow: str) -> None:
    binary = _actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed (pip install -e '.[test]')")
    if workflow == "written":
        gatekeeper_cli("init", cwd=repo)
        path = repo / WORKFLOW_PATH
    else:
        path = REPO_ROOT / "docs" / "examples" / "gatekeeper-hardened.yml"
    result = subprocess.run([binary, "-no-color", str(path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- Idempotence and never clobbering -------------------------------------------------------


def test_second_run_changes_nothing_and_says_so(repo: Path, gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", cwd=repo)
    for name in WRITTEN:  # an old mtime, so any rewrite would show
        os.utime(repo / name, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = _snapshot(repo)

    result = gatekeeper_cli("init", cwd=repo)

    assert result.returncode == 0, result.stdout + result.stderr
    assert _snapshot(repo) == before
    assert "Nothing changed" in result.stdout
    assert "created" not in result.stdout
    for name in WRITTEN:
        assert re.search(rf"unchanged\s+{re.escape(name)}", result.stdout)


def test_crlf_checkout_counts_as_unchanged(repo: Path, gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", cwd=repo)
    template = repo / TEMPLATE_PATH
    template.write_bytes(template.read_bytes().replace(b"\n", b"\r\n"))
    before = _snapshot(repo)

    result = gatekeeper_cli("init", cwd=repo)

    assert result.returncode == 0
    assert _snapshot(repo) == before
    assert "Nothing changed" in result.stdout


def test_refuses_to_overwrite_a_modified_file_without_force(repo: Path,
                                                           gatekeeper_cli: Cli) -> None:
    gatekeeper_cli("init", cwd=repo)
    policy = repo / POLICY_PATH
    mine = policy.read_text(encoding="utf-8").replace("allow_local_diff: false",
                                                      "allow_local_diff: true")
    policy.write_text(mine, encoding="utf-8")
    (repo / TEMPLATE_PATH).unlink()

    refused = gatekeeper_cli("init", cwd=repo)

    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert re.search(rf"exists, differs\s+{re.escape(POLICY_PATH)}\s+.*use --force",
                     refused.stdout), refused.stdout
    assert "Not written: .github/gatekeeper.yml" in refused.stdout
    assert policy.read_text(encoding="utf-8") == mine
    # The missing file is still written; the identical one is left alone.
    assert re.search(rf"created\s+{re.escape(TEMPLATE_PATH)}", refused.stdout)
    assert re.search(rf"unchanged\s+{re.escape(WORKFLOW_PATH)}", refused.stdout)

    forced = gatekeeper_cli("init", "--force", cwd=repo)

    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert re.search(rf"overwritten\s+{re.escape(POLICY_PATH)}", forced.stdout)
    assert policy.read_text(encoding="utf-8") == policy_text()


def test_a_folder_in_the_way_is_an_error_not_a_crash(repo: Path, gatekeeper_cli: Cli) -> None:
    (repo / TEMPLATE_PATH).mkdir(parents=True)

    result = gatekeeper_cli("init", "--force", cwd=repo)

    assert result.returncode == 2
    assert re.search(rf"failed\s+{re.escape(TEMPLATE_PATH)}\s+exists and is not a regular file",
                     result.stdout)
    assert "Traceback" not in result.stderr
    assert (repo / POLICY_PATH).is_file()


# --- Where it writes --------------------------------------------------------------------------


def test_writes_at_the_git_top_level_from_a_subdirectory(repo: Path,
                                                         gatekeeper_cli: Cli) -> None:
    inner = repo / "src" / "app"
    inner.mkdir(parents=True)

    result = gatekeeper_cli("init", cwd=inner)

    assert result.returncode == 0
    assert all((repo / name).is_file() for name in WRITTEN)
    assert not (inner / ".github").exists()
    assert f"cd {repo}" in result.stdout


def test_outside_git_writes_into_the_current_directory_and_says_so(
    tmp_path: Path, gatekeeper_cli: Cli,
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()

    result = gatekeeper_cli("init", cwd=plain)

    assert result.returncode == 0
    assert "no git repository found" in result.stdout
    assert "writing into the current directory" in result.stdout
    assert all((plain / name).is_file() for name in WRITTEN)


def test_next_steps_name_the_repository_from_the_origin_remote(
    repo: Path, gatekeeper_cli: Cli,
) -> None:
    subprocess.run(["git", "-C", str(repo), "remote", "add", "origin",
                    "git@github.com:acme/widgets.git"], check=True)

    result = gatekeeper_cli("init", cwd=repo)

    assert "gatekeeper doctor --repo acme/widgets" in result.stdout


# --- The docs say what init writes ------------------------------------------------------------


def test_docs_use_the_same_action_ref_and_template() -> None:
    hardened = yaml.safe_load(
        (REPO_ROOT / "docs" / "examples" / "gatekeeper-hardened.yml").read_text(encoding="utf-8"))
    step = hardened["jobs"]["gatekeeper"]["steps"][0]
    assert step["uses"] == example_pin().ref
    assert step["with"]["status-context"]
    assert hardened[True] == {"pull_request_target": {"types": list(PULL_REQUEST_TYPES)},
                              "merge_group": {"types": ["checks_requested"]}}
    assert hardened["permissions"] == {"contents": "read", "pull-requests": "read",
                                       "issues": "write", "statuses": "write"}
    assert "actions/checkout" not in str(hardened)

    contract_doc = (REPO_ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    assert pull_request_template() in contract_doc
    started = (REPO_ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    assert "gatekeeper init" in started and "gatekeeper doctor" in started


def test_planned_files_are_the_four_paths() -> None:
    assert [f.path for f in planned_files()] == list(WRITTEN)


def _run_scripts(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [str(v) for k, v in node.items() if k == "run"]
        return found + [s for v in node.values() for s in _run_scripts(v)]
    if isinstance(node, list):
        return [s for v in node for s in _run_scripts(v)]
    return []


@pytest.mark.parametrize("path", ["action.yml", ".github/workflows/gatekeeper.yml",
                                  "docs/examples/gatekeeper-hardened.yml", "written"])
def test_no_run_script_interpolates_an_expression(path: str, repo: Path,
                                                  gatekeeper_cli: Cli) -> None:
    # Script injection: `${{ }}` in a `run:` is pasted into the shell before it runs, so a
    # hostile title, body or branch name would execute. Inputs reach code through env:.
    if path == "written":
        gatekeeper_cli("init", cwd=repo)
        file = repo / WORKFLOW_PATH
    else:
        file = REPO_ROOT / path
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    for script in _run_scripts(document):
        assert "${{" not in script, f"{path}: {script}"


def test_the_command_line_loads_init_and_doctor_only_when_asked() -> None:
    probe = ("import sys, gatekeeper.cli; "
             "print(sorted(m for m in sys.modules if m.startswith('gatekeeper.commands')))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
