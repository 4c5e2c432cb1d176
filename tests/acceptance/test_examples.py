"""Every example under examples/ gives the decision its name says, through the real CLI."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.fixtures import REPO_ROOT

Cli = Callable[..., subprocess.CompletedProcess[str]]

EXAMPLES = REPO_ROOT / "examples"

# name -> (exit code, decision, computed class, [(code, field, line)])
EXPECTED: dict[str, tuple[int, str, str, list[tuple[str, str | None, int | None]]]] = {
    # Locally, complete contracts are pending: approvals and commit authors are GitHub's.
    "green-complete": (0, "pending", "GREEN", []),
    "red-complete": (0, "pending", "RED", []),
    "agent-fenced-block": (0, "pending", "RED", []),
    "red-missing-escalation": (1, "block", "RED", [
        ("GK202", "escalation_reviewer", 12),
        ("GK202", "approval_reference", 13),
        ("GK202", "rollback_plan", 14),
    ]),
    "under-declared": (1, "block", "RED", [
        ("GK202", "approval_reference", 4),
        ("GK202", "escalation_reviewer", 4),
        ("GK202", "rollback_plan", 4),
        ("GK201", "risk_level", 5),
    ]),
    "placeholder-contract": (1, "block", "GREEN", [
        ("GK102", "accountable_owner", 6),
        ("GK102", "change_origin", 7),
        ("GK102", "test_evidence", 8),
    ]),
}


def test_every_example_has_an_expectation_and_a_file_list() -> None:
    bodies = {p.stem for p in EXAMPLES.glob("*.md")}
    assert bodies == set(EXPECTED)
    assert {p.stem for p in EXAMPLES.glob("*.files")} == bodies


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_decision(name: str, gatekeeper_cli: Cli,
                          valid_record: Callable[..., None]) -> None:
    exit_code, outcome, computed, reasons = EXPECTED[name]
    body: Path = EXAMPLES / f"{name}.md"
    files = EXAMPLES / f"{name}.files"
    result = gatekeeper_cli("validate", body, "--changed-files", files, "--format", "json",
                            cwd=REPO_ROOT)
    assert result.returncode == exit_code, (result.stdout, result.stderr)
    record = json.loads(result.stdout)
    valid_record(record)
    assert record["decision"] == outcome
    assert record["computed_class"] == computed
    assert [(r["code"], r["field"], r["line"]) for r in record["reasons"]] == reasons

    text = gatekeeper_cli("validate", body, "--changed-files", files, cwd=REPO_ROOT)
    assert text.returncode == exit_code
    assert text.stdout.startswith(
        {"pass": "PASS  ", "pending": "PASS pending  ", "block": "BLOCKED"}[outcome])
    for code, _field, line in reasons:
        assert f"{body}:{line}: {code} " in text.stdout


def test_under_declared_lists_every_red_path_with_its_pattern(gatekeeper_cli: Cli) -> None:
    result = gatekeeper_cli("validate", EXAMPLES / "under-declared.md", "--changed-files",
                            EXAMPLES / "under-declared.files", "--format", "json")
    record = json.loads(result.stdout)
    assert record["red_paths"] == [{"path": "src/auth/session.py", "pattern": "auth/"},
                                   {"path": "src/auth/tokens.py", "pattern": "auth/"}]
    under = next(r for r in record["reasons"] if r["code"] == "GK201")
    assert "src/auth/session.py (auth/)" in under["message"]
