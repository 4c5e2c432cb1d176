"""Hostile and broken input through the real command line: exit 2, one line, no traceback."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.fixtures import REPO_ROOT

Cli = Callable[..., subprocess.CompletedProcess[str]]

GREEN = REPO_ROOT / "examples" / "green-complete.md"
RED_COMPLETE = REPO_ROOT / "examples" / "red-complete.md"


def assert_one_line_error(result: subprocess.CompletedProcess[str], where: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    line = result.stderr.rstrip("\n")
    assert line.startswith(f"gatekeeper: error: {where}"), line
    assert result.stdout == ""
    return line


def test_binary_body(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_bytes(b"## Contract\n- **Risk level:** RED\n\x00\x01\x02binary" + bytes(range(256)))
    line = assert_one_line_error(gatekeeper_cli("validate", body, cwd=tmp_path),
                                 f"{body}:3: ")
    assert "binary" in line


def test_invalid_utf8_body(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_bytes(b"## Contract\n\n- **Risk level:** \xff\xfeRED\n")
    line = assert_one_line_error(gatekeeper_cli("validate", body, cwd=tmp_path),
                                 f"{body}:3: ")
    assert "not valid UTF-8" in line and "0xff" in line


def test_ten_megabyte_body(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    body = tmp_path / "big.md"
    body.write_bytes(b"lorem ipsum " * (10 * 1024 * 1024 // 12))
    line = assert_one_line_error(gatekeeper_cli("validate", body, cwd=tmp_path), f"{body}: ")
    assert "larger than" in line
    from_stdin = gatekeeper_cli("validate", "-", stdin=body.read_bytes(), cwd=tmp_path)
    assert "larger than" in assert_one_line_error(from_stdin, "<stdin>: ")


def test_body_size_limit_is_githubs(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    contract = RED_COMPLETE.read_text(encoding="utf-8") + "\n"
    exact = contract + "é" * (65_536 - len(contract))  # multi-byte: characters count
    assert len(exact) == 65_536
    body = tmp_path / "exact.md"
    body.write_text(exact, encoding="utf-8")
    assert gatekeeper_cli("validate", body, "src/auth/a.py", cwd=tmp_path).returncode == 0
    body.write_text(exact + "é", encoding="utf-8")
    line = assert_one_line_error(gatekeeper_cli("validate", body, cwd=tmp_path), f"{body}: ")
    assert "65,537 characters" in line and "65,536" in line


def test_policy_with_a_yaml_syntax_error(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text("version: 1\nclasses:\n  RED:\n    paths: [auth/\n", encoding="utf-8")
    line = assert_one_line_error(
        gatekeeper_cli("validate", GREEN, "--policy", policy, cwd=tmp_path), f"{policy}:5: ")
    assert "invalid YAML" in line


def test_policy_with_an_unknown_key(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text("version: 1\nclassez:\n  RED:\n    paths: [auth/]\n", encoding="utf-8")
    line = assert_one_line_error(
        gatekeeper_cli("validate", GREEN, "--policy", policy, cwd=tmp_path), f"{policy}:")
    assert "unknown key" in line and "'classez'" in line
    assert re.match(rf"gatekeeper: error: {re.escape(str(policy))}:\d+: ", line), line


def test_discovered_policy_errors_name_the_discovered_file(gatekeeper_cli: Cli,
                                                           tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".github").mkdir()
    policy = tmp_path / ".github" / "gatekeeper.yml"
    policy.write_text("version: 1\nclasses: {RED: {paths: 5}}\n", encoding="utf-8")
    line = assert_one_line_error(gatekeeper_cli("validate", GREEN, cwd=tmp_path),
                                 f"{policy}:2: ")
    assert "classes.RED.paths" in line


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        (b"version: 1\n\x00", ":2: ", "binary"),
        (b"version: 1\nplaceholders: [\xc3\x28]\n", ":2: ", "not valid UTF-8"),
        (b"version: 1\n" + b"a: &a [1]\n" + b"".join(
            f"a{n}: &a{n} [{','.join(['*a' + (str(n - 1) if n else '')] * 9)}]\n".encode()
            for n in range(9)), ":1: ", "too many values"),
        (b"version: 1\napproval_reference_pattern: '(unclosed'\n", ":2: ", "regex"),
        (b"version: 1\nclasses:\n  RED:\n    paths: ['!']\n", ":4: ", "invalid path pattern"),
    ],
    ids=["nul", "bad-utf8", "alias-bomb", "bad-regex", "bad-pattern"],
)
def test_broken_policies(content: bytes, where: str, message: str, gatekeeper_cli: Cli,
                         tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_bytes(content)
    line = assert_one_line_error(
        gatekeeper_cli("validate", GREEN, "--policy", policy, cwd=tmp_path),
        f"{policy}{where}")
    assert message in line


def test_policy_with_a_control_character(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_bytes(b"version: 1\nplaceholders: [\x01]\n")
    assert_one_line_error(gatekeeper_cli("validate", GREEN, "--policy", policy, cwd=tmp_path),
                          f"{policy}:2: ")


def test_policy_with_inline_regex_flags(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text("version: 1\napproval_reference_pattern: '(?i)^sec-\\d+$'\n"
                      "classes:\n  RED:\n    paths: [auth/]\n", encoding="utf-8")
    result = gatekeeper_cli("validate", RED_COMPLETE, "src/auth/a.py", "--policy", policy,
                            cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        (b"src/a.py\n\x00\n", ":2: ", "binary"),
        (b"src/a.py\nsrc/\xff.py\n", ":2: ", "not valid UTF-8"),
        (b"M\tsrc/a.py\nM\tsrc/b.py\tsrc/c.py\n", ":2: ", "'M' needs one path"),
        (b"R100\ta.py\tb.py\tc.py\n", ":1: ", "'R100' needs two paths"),
    ],
)
def test_broken_changed_file_lists(content: bytes, where: str, message: str,
                                   gatekeeper_cli: Cli, tmp_path: Path) -> None:
    listing = tmp_path / "changed.txt"
    listing.write_bytes(content)
    line = assert_one_line_error(
        gatekeeper_cli("validate", GREEN, "--changed-files", listing, cwd=tmp_path),
        f"{listing}{where}")
    assert message in line


def test_rename_line_with_one_path_is_an_error(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    listing = tmp_path / "changed.txt"
    listing.write_bytes(b"M\tsrc/a.py\nR100\tsrc/new.py\n")
    assert_one_line_error(
        gatekeeper_cli("validate", GREEN, "--changed-files", listing, cwd=tmp_path),
        f"{listing}:2: ")


def test_bom_and_crlf_bodies_give_the_same_lines(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    source = (REPO_ROOT / "examples" / "red-missing-escalation.md").read_text(encoding="utf-8")
    body = tmp_path / "crlf.md"
    body.write_bytes(b"\xef\xbb\xbf" + source.replace("\n", "\r\n").encode())
    result = gatekeeper_cli("validate", body, "src/auth/a.py", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert [(r["code"], r["line"]) for r in json.loads(result.stdout)["reasons"]] == [
        ("GK202", 12), ("GK202", 13), ("GK202", 14)]


def test_hostile_values_cannot_inject_workflow_commands(gatekeeper_cli: Cli,
                                                        tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text(
        "```gatekeeper\n"
        "risk_level: \"GREEN\\n::error title=GK000::forged\"\n"
        "accountable_owner: \"@x\\r\\n::set-output name=decision::pass\"\n"
        "change_origin: \"%0A::warning::percent\"\n"
        "test_evidence: ok\n"
        "approval_reference: \"APR-1\\n::notice::nope\"\n"
        "```\n", encoding="utf-8")
    output = tmp_path / "out.txt"
    result = gatekeeper_cli("validate", body, "--format", "github", cwd=tmp_path,
                            env={"GITHUB_OUTPUT": str(output)})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice "))
                         for line in lines), lines
    assert "GK000" not in "".join(line.split("::", 2)[1] for line in lines)
    assert not any("::set-output" in line.split("::", 2)[1] for line in lines)
    written = output.read_text(encoding="utf-8")
    assert "\ndecision<<" in "\n" + written
    assert "\nblock\n" in written
