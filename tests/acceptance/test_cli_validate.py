"""`gatekeeper validate` as users run it: exit codes, formats, inputs, policy discovery."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gatekeeper.core.model import ChangedPath
from tests.support.fixtures import REPO_ROOT

Cli = Callable[..., subprocess.CompletedProcess[str]]
RecordCheck = Callable[..., None]

EXAMPLES = REPO_ROOT / "examples"
GREEN = EXAMPLES / "green-complete.md"
RED_MISSING = EXAMPLES / "red-missing-escalation.md"
RED_COMPLETE = EXAMPLES / "red-complete.md"
UNDER = EXAMPLES / "under-declared.md"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_exit_0_on_pass(gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("validate", GREEN, "--changed-files",
                            EXAMPLES / "green-complete.files")
    assert result.returncode == 0, result.stderr
    # Nothing is wrong, but the commit authors are for GitHub (or --diff) to show.
    assert result.stdout.startswith("PASS pending  ")
    assert "  pending: commit authors and trailers on GitHub (or pass --diff to read them " \
        "from git)" in result.stdout.splitlines()
    headline = result.stdout.splitlines()[0]
    assert "  class GREEN (declared GREEN), policy embedded-default" in headline
    assert result.stderr == ""


def test_exit_1_on_block_with_file_line_code_and_fix(gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("validate", RED_MISSING, "src/auth/login.py")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "BLOCKED  class RED (declared RED), policy embedded-default, 1 path judged"
    assert "  RED   src/auth/login.py  (pattern auth/)" in lines
    reasons = [line for line in lines if re.match(r"\S+:\d+: GK\d{3} ", line)]
    assert [line.split(" ", 2)[:2] for line in reasons] == [
        [f"{RED_MISSING}:12:", "GK202"], [f"{RED_MISSING}:13:", "GK202"],
        [f"{RED_MISSING}:14:", "GK202"],
    ]
    assert sum(1 for line in lines if line.startswith("    fix: ")) == 3
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validate",), "give the pull request body as a file"),
        (("validate", "no-such-body.md"), "no-such-body.md: pull request body not found"),
        (("validate", str(GREEN), "--changed-files", "nope.files"),
         "nope.files: changed-files list not found"),
        (("validate", "-", "--changed-files", "-"), "cannot both come from standard input"),
        (("validate", str(GREEN), "--policy", "missing.yml"), "missing.yml: policy not found"),
        (("validate", str(GREEN), "--diff", "--cached"), "--diff takes a range"),
    ],
)
def test_exit_2_on_bad_usage_with_one_line(args: tuple[str, ...], message: str,
                                           gatekeeper_cli: Cli, tmp_path: Path) -> None:
    result = gatekeeper_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("gatekeeper: error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_2_on_unknown_format(gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("validate", GREEN, "--format", "xml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_json_output_validates_and_matches_the_decision(gatekeeper_cli: Cli,
                                                        valid_record: RecordCheck) -> None:
    result = gatekeeper_cli("validate", UNDER, "--format", "json", "--changed-files",
                            EXAMPLES / "under-declared.files")
    assert result.returncode == 1
    record = json.loads(result.stdout)
    valid_record(record)
    assert record["decision"] == "block"
    assert (record["computed_class"], record["declared_class"]) == ("RED", "GREEN")
    assert record["red_paths"] == [{"path": "src/auth/session.py", "pattern": "auth/"},
                                   {"path": "src/auth/tokens.py", "pattern": "auth/"}]
    assert [(r["code"], r["field"], r["line"]) for r in record["reasons"]] == [
        ("GK202", "approval_reference", 4), ("GK202", "escalation_reviewer", 4),
        ("GK202", "rollback_plan", 4), ("GK201", "risk_level", 5)]
    assert record["policy"]["source"] == "embedded-default"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["evaluated_at"])


def _github_outputs(text: str) -> dict[str, str]:
    """Parse `$GITHUB_OUTPUT`'s `name<<DELIMITER` blocks."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    position = 0
    while position < len(lines):
        line = lines[position]
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, position + 1)
            outputs[name] = "\n".join(lines[position + 1:end])
            position = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
            position += 1
        else:
            position += 1
    return outputs


def test_github_format_annotations_summary_and_outputs(gatekeeper_cli: Cli,
                                                       tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    output = tmp_path / "output.txt"
    output.write_text("earlier=1\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output)}
    result = gatekeeper_cli("validate", RED_MISSING, "src/auth/login.py", "--format", "github",
                            env=env)
    assert result.returncode == 1
    annotations = result.stdout.splitlines()
    errors = [line for line in annotations if line.startswith("::error ")]
    assert len(errors) == 3
    for line, body_line in zip(errors, (12, 13, 14), strict=True):
        assert line.startswith("::error title=GK202,")
        assert f"line={body_line}::" in line
        assert "file=" in line
    # The summary is appended, not overwritten.
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n")
    assert "Gatekeeper" in text and "GK202" in text and "blocked" in text
    outputs = _github_outputs(output.read_text(encoding="utf-8"))
    assert outputs["earlier"] == "1"
    assert outputs["decision"] == "block"
    assert outputs["computed-class"] == "RED"


def test_github_format_on_pass(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    output = tmp_path / "output.txt"
    summary = tmp_path / "summary.md"
    result = gatekeeper_cli("validate", GREEN, "src/ui/x.py", "--format", "github",
                            env={"GITHUB_OUTPUT": str(output),
                                 "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0
    assert "::error" not in result.stdout
    outputs = _github_outputs(output.read_text(encoding="utf-8"))
    assert (outputs["decision"], outputs["computed-class"]) == ("pending", "GREEN")
    assert "passed" in summary.read_text(encoding="utf-8")


def test_changed_files_from_stdin_with_name_status_rename(gatekeeper_cli: Cli) -> None:
    listing = "M\tsrc/app.py\nR100\tsrc/auth/old.py\tsrc/new.py\n"
    result = gatekeeper_cli("validate", GREEN, "--changed-files", "-", "--format", "json",
                            stdin=listing)
    record = json.loads(result.stdout)
    assert result.returncode == 1
    assert record["red_paths"] == [{"path": "src/auth/old.py", "pattern": "auth/"}]


def test_body_from_stdin(gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("validate", "-", "src/auth/login.py",
                            stdin=RED_COMPLETE.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stdout


def test_positional_paths(gatekeeper_cli: Cli) -> None:
    assert gatekeeper_cli("validate", GREEN, "README.md", "src/ui/a.py").returncode == 0
    result = gatekeeper_cli("validate", GREEN, "README.md", "infra/main.tf", "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["red_paths"] == [{"path": "infra/main.tf",
                                                       "pattern": "*.tf"}]


def test_no_paths_gives_a_note(gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("validate", GREEN)  # standard input: an empty pipe
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].endswith(", 0 paths judged")
    assert "note: standard input held no paths, so the class comes from the declared risk " \
        "alone" in result.stdout


def test_no_paths_is_in_the_json_and_github_records(gatekeeper_cli: Cli, tmp_path: Path,
                                                    valid_record: RecordCheck) -> None:
    record = json.loads(gatekeeper_cli("validate", GREEN, "--format", "json").stdout)
    valid_record(record)
    assert record["decision"] == "pending"  # the commit authors are GitHub's to show
    assert [c["check"] for c in record["caveats"]] == ["changed_paths", "commits"]
    output = tmp_path / "output.txt"
    result = gatekeeper_cli("validate", GREEN, "--format", "github",
                            env={"GITHUB_OUTPUT": str(output),
                                 "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")})
    assert result.returncode == 0
    assert "::warning title=Gatekeeper did not check::standard input held no paths" in (
        result.stdout)
    assert "::notice title=Gatekeeper::pending: class GREEN, 0 paths judged" in result.stdout
    outputs = _github_outputs(output.read_text(encoding="utf-8"))
    assert [c["check"] for c in json.loads(outputs["caveats"])] == ["changed_paths", "commits"]
    assert outputs["paths-judged"] == "0"
    judged = gatekeeper_cli("validate", GREEN, "src/ui/a.py", "--format", "github",
                            env={"GITHUB_OUTPUT": str(output)})
    assert "::warning title=Gatekeeper did not check::standard input" not in judged.stdout
    assert "::notice title=Gatekeeper::pending: class GREEN, 1 path judged" in judged.stdout


def test_piped_paths_are_read_when_no_other_source_is_given(gatekeeper_cli: Cli) -> None:
    # `git diff --name-only main...HEAD | gatekeeper validate body.md`: a RED change that
    # declares GREEN must block, not pass on the declared risk alone.
    piped = "README.md\nsrc/auth/login.py\n"
    result = gatekeeper_cli("validate", GREEN, "--format", "json", stdin=piped)
    assert result.returncode == 1, result.stdout
    record = json.loads(result.stdout)
    assert record["red_paths"] == [{"path": "src/auth/login.py", "pattern": "auth/"}]
    assert [c["check"] for c in record["caveats"]] == ["commits"]  # no "no paths" note
    text = gatekeeper_cli("validate", GREEN, stdin=piped)
    assert text.stdout.splitlines()[0] == (
        "BLOCKED  class RED (declared GREEN), policy embedded-default, 2 paths judged")
    # Another source given: standard input is left alone.
    other = gatekeeper_cli("validate", GREEN, "README.md", "--format", "json", stdin=piped)
    assert other.returncode == 0
    assert json.loads(other.stdout)["red_paths"] == []


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    (root / "src" / "util").mkdir(parents=True)
    tokens = "".join(f"def token_{n}():\n    return {n}\n" for n in range(40))
    (root / "src" / "util" / "tokens.py").write_text(tokens, encoding="utf-8")
    (root / "README.md").write_text("hello\n", encoding="utf-8")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "base")
    _git(root, "checkout", "-q", "-b", "feature")
    (root / "src" / "auth").mkdir()
    _git(root, "mv", "src/util/tokens.py", "src/auth/tokens.py")
    (root / "README.md").write_text("hello again\n", encoding="utf-8")
    _git(root, "commit", "-q", "-am", "move tokens")
    return root


def test_diff_range_with_a_rename(gatekeeper_cli: Cli, repo: Path) -> None:
    assert "R100\tsrc/util/tokens.py\tsrc/auth/tokens.py" in _git(
        repo, "diff", "--name-status", "-M", "main...feature")
    result = gatekeeper_cli("validate", UNDER, "--diff", "main...feature", "--format", "json",
                            cwd=repo)
    assert result.returncode == 1, result.stderr
    record = json.loads(result.stdout)
    assert record["red_paths"] == [{"path": "src/auth/tokens.py", "pattern": "auth/"}]
    assert ("GK201", "risk_level", 5) in [(r["code"], r["field"], r["line"])
                                          for r in record["reasons"]]
    bad = gatekeeper_cli("validate", UNDER, "--diff", "main...nope", cwd=repo)
    assert bad.returncode == 2
    assert bad.stderr.startswith("gatekeeper: error: git diff main...nope failed")
    assert bad.stderr.count("\n") == 1


def test_diff_is_the_whole_repository_whatever_the_git_configuration(
    gatekeeper_cli: Cli, repo: Path, tmp_path: Path,
) -> None:
    # A user's git configuration must not change which paths are judged: diff.relative in a
    # sub-folder would hide src/auth/, diff.renames=false would drop the rename, an external
    # diff or forced colour would garble the listing.
    marker = tmp_path / "external-diff-ran"
    external = tmp_path / "external-diff.sh"
    external.write_text(f"#!/bin/sh\ntouch {marker}\necho garbage\n", encoding="utf-8")
    external.chmod(0o755)
    for key, value in (("diff.relative", "true"), ("diff.renames", "false"),
                       ("diff.external", str(external)), ("color.ui", "always"),
                       ("color.diff", "always")):
        _git(repo, "config", key, value)
    (repo / "docs").mkdir()
    (repo / "docs" / "guide.md").write_text("guide\n", encoding="utf-8")
    _git(repo, "add", "docs")
    _git(repo, "commit", "-q", "-m", "docs")
    assert _git(repo / "docs", "diff", "--name-only", "main...feature") == "guide.md\n"
    result = gatekeeper_cli("validate", GREEN, "--diff", "main...feature", "--format", "json",
                            cwd=repo / "docs")
    assert result.returncode == 1, result.stderr
    record = json.loads(result.stdout)
    assert record["red_paths"] == [{"path": "src/auth/tokens.py", "pattern": "auth/"}]
    assert not marker.exists()
    from gatekeeper.local.git import changed_paths

    changes = changed_paths("main...feature", cwd=repo / "docs")
    assert ChangedPath("src/auth/tokens.py", old_path="src/util/tokens.py") in changes
    assert {c.path for c in changes} == {"src/auth/tokens.py", "README.md", "docs/guide.md"}
    text = gatekeeper_cli("validate", GREEN, "--diff", "main...feature", cwd=repo / "docs")
    assert text.stdout.splitlines()[0].endswith(", 4 paths judged")


def test_diff_outside_a_repository_is_one_line(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    result = gatekeeper_cli("validate", GREEN, "--diff", "main...HEAD", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("gatekeeper: error: finding the git top level")
    assert result.stderr.count("\n") == 1


def test_policy_saved_as_yaml_is_read(gatekeeper_cli: Cli, repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / ".github" / "gatekeeper.yaml").write_text(
        "version: 1\nclasses:\n  RED:\n    paths: [docs/]\n", encoding="utf-8")
    # Paths are relative to the current folder, as git reads them.
    result = gatekeeper_cli("validate", GREEN, "../docs/guide.md", "--format", "json",
                            cwd=repo / "src")
    assert result.returncode == 1
    record = json.loads(result.stdout)
    assert record["policy"]["source"] == str(repo / ".github" / "gatekeeper.yaml")
    assert record["red_paths"] == [{"path": "docs/guide.md", "pattern": "docs/"}]
    (repo / ".github" / "gatekeeper.yml").write_text("version: 1\n", encoding="utf-8")
    both = gatekeeper_cli("validate", GREEN, "docs/guide.md", cwd=repo)
    assert both.returncode == 2
    assert both.stderr == (f"gatekeeper: error: {repo} has both .github/gatekeeper.yml and "
                           ".github/gatekeeper.yaml; keep one policy file and delete the "
                           "other\n")


def test_decision_file(gatekeeper_cli: Cli, tmp_path: Path, valid_record: RecordCheck) -> None:
    target = tmp_path / "out" / "decision.json"
    result = gatekeeper_cli("validate", RED_MISSING, "src/auth/login.py", "--format", "json",
                            "--decision-file", target)
    assert result.returncode == 1
    written = json.loads(target.read_text(encoding="utf-8"))
    valid_record(written)
    assert written == json.loads(result.stdout)
    assert [p.name for p in target.parent.iterdir()] == ["decision.json"]  # no temp left


def test_policy_discovered_at_git_top_level_from_a_subfolder(gatekeeper_cli: Cli,
                                                             repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / ".github" / "gatekeeper.yml").write_text(
        "version: 1\nclasses:\n  RED:\n    paths: [docs/]\n", encoding="utf-8")
    sub = repo / "src" / "auth"
    result = gatekeeper_cli("validate", GREEN, "../../docs/guide.md", "x.py",
                            "--format", "json", cwd=sub)
    record = json.loads(result.stdout)
    assert result.returncode == 1
    assert record["policy"]["source"] == str(repo / ".github" / "gatekeeper.yml")
    # The repository's policy replaces the default: docs/ is RED, auth/ is not.
    assert record["red_paths"] == [{"path": "docs/guide.md", "pattern": "docs/"}]
    explicit = gatekeeper_cli("validate", GREEN, "../../docs/guide.md", "--format", "json",
                              "--policy", REPO_ROOT / "gatekeeper" / "default_policy.yml",
                              cwd=sub)
    assert explicit.returncode == 0
    outside = gatekeeper_cli("validate", GREEN, "docs/guide.md", "--format", "json",
                             cwd=repo.parent)
    assert json.loads(outside.stdout)["policy"]["source"] == "embedded-default"


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "gatekeeper", *args], stdout=follower,
                               stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=30)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_only(gatekeeper_cli: Cli) -> None:
    args = ["validate", str(RED_MISSING), "src/auth/login.py"]
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    on_terminal = _run_on_a_terminal(args, env)
    assert ANSI.search(on_terminal), on_terminal
    assert "BLOCKED" in ANSI.sub("", on_terminal)
    assert not ANSI.search(_run_on_a_terminal(args, {**env, "NO_COLOR": "1"}))
    piped = gatekeeper_cli(*args)
    assert "\x1b" not in piped.stdout
    assert "BLOCKED" in piped.stdout
