"""Step outputs and the job summary: written to the runner's files, and never able to end
a value's block early, whatever the value holds."""

from __future__ import annotations

import re
from pathlib import Path

from gatekeeper.reporters.runner_files import append_summary, set_outputs


def _parse_outputs(text: str) -> dict[str, str]:
    """The runner's reading of $GITHUB_OUTPUT: NAME<<DELIMITER, lines, DELIMITER."""
    found: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines) and lines[index]:
        name, delimiter = lines[index].split("<<", 1)
        end = lines.index(delimiter, index + 1)
        found[name] = "\n".join(lines[index + 1:end])
        index = end + 1
    return found


def test_outputs_outside_actions_are_not_written() -> None:
    assert set_outputs({}, {"decision": "pass"}) is False
    assert append_summary({}, "# hi") is False


def test_outputs_are_read_back_as_written_even_when_a_value_forges_a_delimiter(
        tmp_path: Path) -> None:
    output = tmp_path / "output"
    hostile = "block\nghadelimiter_x\ndecision<<EOF\npass\nEOF"
    assert set_outputs({"GITHUB_OUTPUT": str(output)}, {"decision": "block", "why": hostile})
    text = output.read_text(encoding="utf-8")
    assert _parse_outputs(text) == {"decision": "block", "why": hostile}
    delimiters = re.findall(r"<<(ghadelimiter_\S+)", text)
    assert len(set(delimiters)) == 2  # a fresh one per value


def test_the_summary_is_appended_and_ends_with_a_newline(tmp_path: Path) -> None:
    summary = tmp_path / "summary"
    summary.write_text("before\n", encoding="utf-8")
    assert append_summary({"GITHUB_STEP_SUMMARY": str(summary)}, "## Gatekeeper")
    assert summary.read_text(encoding="utf-8") == "before\n## Gatekeeper\n"
