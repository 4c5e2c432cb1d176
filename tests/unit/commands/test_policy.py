"""policy check, run in process: each file's verdict, one problem counted in the singular,
an unreadable file reported without stopping the others, the exit code of them all."""

from __future__ import annotations

import io
from pathlib import Path

from gatekeeper.commands.policy import PolicyCheckOptions, run

VALID = "version: 1\n"


def _run(tmp_path: Path, *files: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = run(PolicyCheckOptions(files=files, cwd=tmp_path), out)
    return code, out.getvalue().splitlines()


def test_one_problem_is_counted_in_the_singular(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("version: 2\n", encoding="utf-8")
    assert _run(tmp_path, str(bad)) == (2, [f"{bad}:1: version must be 1, not 2",
                                            f"{bad}: 1 problem"])


def test_every_file_is_checked_and_any_problem_fails_them_all(tmp_path: Path) -> None:
    good = tmp_path / "good.yml"
    good.write_text(VALID, encoding="utf-8")
    missing = tmp_path / "missing.yml"
    assert _run(tmp_path, str(good)) == (0, [f"{good}: valid"])
    assert _run(tmp_path, str(missing), str(good)) == (
        2, [f"{missing}: policy not found", f"{good}: valid"])


def test_no_file_and_no_policy_is_the_embedded_default(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert _run(tmp_path) == (0, ["no .github/gatekeeper.yml or .github/gatekeeper.yaml: "
                                  "the embedded default policy applies"])
    (tmp_path / ".github").mkdir()
    found = tmp_path / ".github" / "gatekeeper.yml"
    found.write_text(VALID, encoding="utf-8")
    assert _run(tmp_path / ".github") == (0, [f"{found}: valid"])
