"""`gatekeeper validate` run in process: the decision for a body and its paths, the
decision file, and the pre-commit hook's missing body."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gatekeeper.commands.validate import ValidateOptions, run
from gatekeeper.constants import EXIT_BLOCKED, EXIT_PASS
from gatekeeper.errors import GatekeeperError

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _options(name: str, **more: object) -> ValidateOptions:
    return ValidateOptions(body=str(EXAMPLES / f"{name}.md"),
                           changed_files=str(EXAMPLES / f"{name}.files"),
                           embedded_policy=True, **more)  # type: ignore[arg-type]


def test_a_complete_red_contract_is_pending_only_on_what_github_shows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    out = io.StringIO()
    assert run(_options("red-complete"), out) == EXIT_PASS
    assert out.getvalue().startswith("PASS")


def test_a_missing_escalation_blocks_and_the_decision_file_holds_the_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    record = tmp_path / "decision.json"
    out = io.StringIO()
    code = run(_options("red-missing-escalation", output_format="json",
                        decision_file=str(record)), out)
    assert code == EXIT_BLOCKED
    written = json.loads(record.read_text(encoding="utf-8"))
    assert written == json.loads(out.getvalue())
    assert written["decision"] == "block" and written["computed_class"] == "RED"


@pytest.mark.parametrize("name", ["", "  ", "folder/"])
def test_a_decision_file_that_is_no_file_is_refused_before_any_work(
        tmp_path: Path, name: str) -> None:
    target = name if name != "folder/" else str(tmp_path) + "/"
    with pytest.raises(GatekeeperError):
        run(_options("red-complete", decision_file=target), io.StringIO())


def test_the_hook_skips_a_body_file_that_is_not_there_in_one_line(tmp_path: Path) -> None:
    out = io.StringIO()
    options = ValidateOptions(body=str(tmp_path / "PR_BODY.md"), skip_missing_body=True)
    assert run(options, out) == EXIT_PASS
    assert out.getvalue().count("\n") == 1 and "skipped" in out.getvalue()
    with pytest.raises(GatekeeperError):
        run(ValidateOptions(body=str(tmp_path / "PR_BODY.md"),
                            changed_files=str(EXAMPLES / "red-complete.files")),
            io.StringIO())
