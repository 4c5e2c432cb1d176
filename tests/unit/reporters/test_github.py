"""github: workflow-command annotations no text can break out of, and a report that writes
the annotations, the job summary and the step outputs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gatekeeper.core.decide import could_not_evaluate
from gatekeeper.core.model import Caveat, Exemption, PolicyOrigin, Reason
from gatekeeper.core.reasons import Code
from gatekeeper.reporters import ReportContext
from gatekeeper.reporters.github import annotation, report_github
from tests.support.decisions import decision
from tests.support.markdown_render import MENTION, render

HOSTILE = "x\n::error title=GK000::forged%0A @org/everyone <img src=x> [a](http://e) `$(id)`"


@pytest.mark.parametrize(("file", "line", "shown"), [
    (None, None, "::notice title=T::m\n"),
    (None, 3, "::notice title=T::m\n"),  # a line without a file is not given
    ("", 3, "::notice title=T::m\n"),
    ("pr.md", None, "::notice title=T,file=pr.md::m\n"),
    ("pr.md", 3, "::notice title=T,file=pr.md,line=3::m\n"),
    ("a:b,c.md", 0, "::notice title=T,file=a%3Ab%2Cc.md,line=0::m\n"),
])
def test_an_annotation_names_its_file_and_line_when_known(file: str | None, line: int | None,
                                                           shown: str) -> None:
    assert annotation("notice", "T", "m", file=file, line=line) == shown


def test_message_data_escapes_percent_and_line_breaks_only() -> None:
    assert annotation("warning", "T", "50% a:b,c\r\nd") == "::warning title=T::50%25 a:b,c%0D%0Ad\n"


def test_annotations_cannot_inject_workflow_commands() -> None:
    line = annotation("error", "GK101,evil:1", HOSTILE)
    assert line.count("\n") == 1 and line.endswith("\n")
    assert line.startswith("::error title=GK101%2Cevil%3A1::")
    assert "%0A::error" in line and "%250A" in line


def test_github_report_writes_summary_outputs_and_escaped_annotations(tmp_path: Path) -> None:
    decision = could_not_evaluate(Code.GK902, HOSTILE, "retry", policy=PolicyOrigin("p"),
                                  evaluated_at="2026-11-21T00:00:00Z", version="t")
    summary, outputs = tmp_path / "summary.md", tmp_path / "output"
    out = tmp_path / "stdout"
    with out.open("w", encoding="utf-8") as handle:
        report_github(decision, ReportContext(out=handle, environ={
            "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs)}))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines[0].startswith("::error title=GK902::")
    assert lines[1] == "::notice title=Gatekeeper::block: class GREEN, 0 paths judged"
    assert not MENTION.search(render(summary.read_text(encoding="utf-8")).plain_text)
    written = outputs.read_text(encoding="utf-8")
    assert "decision<<ghadelimiter_" in written and "\nblock\n" in written
    assert json.loads(written.split("reasons<<")[1].split("\n")[1])[0]["code"] == "GK902"


def _report(judged, tmp_path: Path, **context) -> tuple[list[str], str, str]:
    summary, outputs = tmp_path / "summary.md", tmp_path / "output"
    out = io.StringIO()
    report_github(judged, ReportContext(out=out, environ={
        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs)}, **context))
    return (out.getvalue().splitlines(), summary.read_text(encoding="utf-8"),
            outputs.read_text(encoding="utf-8"))


def _outputs(written: str) -> dict[str, str]:
    found, lines = {}, iter(written.splitlines())
    for line in lines:
        name, _, delimiter = line.partition("<<")
        value = []
        for inner in lines:
            if inner == delimiter:
                break
            value.append(inner)
        found[name] = "\n".join(value)
    return found


def test_a_pass_with_warnings_notes_and_an_exemption(tmp_path: Path) -> None:
    judged = decision(
        reasons=(Reason(Code.GK101, "rollback is thin", "say more", "rollback", 4),),
        caveats=(Caveat("changed_paths", "the list stops at 3000 files"),),
        exemptions=(Exemption("docs", "alice", ("README.md",)),))
    lines, summary, written = _report(judged, tmp_path, body_name="pr.md")
    assert lines == [
        "::notice title=GK101,file=pr.md,line=4::rollback is thin (body line 4). Fix: say more",
        "::warning title=Gatekeeper did not check::the list stops at 3000 files",
        "::notice title=Gatekeeper::pass: class RED, 2 paths judged",
        "::notice title=Gatekeeper exemption::exempt by 'docs' (author alice)",
    ]
    assert summary.endswith("\n") and "RED" in summary
    outputs = _outputs(written)
    assert (outputs["decision"], outputs["computed-class"], outputs["paths-judged"]) == (
        "pass", "RED", "2")
    assert json.loads(outputs["reasons"]) == [
        {"code": "GK101", "message": "rollback is thin", "field": "rollback", "line": 4}]
    assert json.loads(outputs["caveats"]) == [
        {"check": "changed_paths", "detail": "the list stops at 3000 files", "subject": None,
         "pending": False}]


def test_outside_actions_only_the_annotations_are_written() -> None:
    out = io.StringIO()
    report_github(decision(blocked=True), ReportContext(out=out, environ={}))
    assert out.getvalue() == "::notice title=Gatekeeper::block: class RED, 2 paths judged\n"
