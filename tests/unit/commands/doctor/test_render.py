"""doctor's text and JSON output, read from a report built by hand."""

from __future__ import annotations

import io
import json

from gatekeeper.commands.doctor.render import render, render_json
from gatekeeper.commands.doctor.results import CheckResult, Report

PASS = CheckResult("policy", True, "valid", fix="never shown")
WARN = CheckResult("bypass", True, "2 ways", fix="empty the lists", warnings=("w1", "w2"))
FAIL = CheckResult("required check", False, "not required", fix="require it")
UNREAD = CheckResult("code owners", False, "cannot read", fix="use a token", unread=True)


def _text(*results: CheckResult, notes: tuple[str, ...] = ()) -> str:
    out = io.StringIO()
    render(Report("acme/app", "main", results, notes), out)
    return out.getvalue()


def test_every_check_passing_says_github_enforces_the_gate() -> None:
    text = _text(PASS)
    assert text.splitlines() == [
        "gatekeeper doctor: acme/app, branch main",
        "  PASS  policy  valid",
        "All 1 checks pass: GitHub enforces Gatekeeper on main.",
    ]
    assert "never shown" not in text  # a passing check's fix is not shown


def test_names_are_aligned_and_warnings_and_fixes_are_indented() -> None:
    lines = _text(PASS, WARN).splitlines()
    assert lines[1] == "  PASS  policy  valid"
    assert lines[2] == "  WARN  bypass  2 ways"
    assert lines[3:6] == ["        warning: w1", "        warning: w2",
                          "        fix: empty the lists"]
    assert lines[-1] == "All 2 checks pass (2 warnings): GitHub enforces Gatekeeper on main."


def test_a_failure_shows_its_fix_and_counts_in_the_verdict() -> None:
    text = _text(PASS, FAIL, CheckResult("b", True, "ok", warnings=("one",)))
    assert "  FAIL  required check  not required\n        fix: require it\n" in text
    assert text.endswith("1 of 3 checks failed (1 warning): GitHub does not yet enforce "
                         "Gatekeeper on main.\n")


def test_an_unread_check_makes_the_verdict_unknown() -> None:
    text = _text(PASS, FAIL, UNREAD, notes=("a note",))
    assert "  UNREAD  code owners     cannot read\n        fix: use a token\n" in text
    assert "note: a note\n" in text
    assert text.endswith("1 of 3 checks could not read what they need and 1 failed: whether "
                         "GitHub enforces Gatekeeper on main is not known.\n")
    assert _text(UNREAD).endswith("1 of 1 checks could not read what they need: whether "
                                  "GitHub enforces Gatekeeper on main is not known.\n")


def test_json_has_each_check_its_result_and_the_notes() -> None:
    out = io.StringIO()
    render_json(Report("acme/app", "main", (PASS, WARN, FAIL, UNREAD), ("n",)), out)
    record = json.loads(out.getvalue())
    assert record["repository"] == "acme/app"
    assert record["branch"] == "main"
    assert record["ok"] is False
    assert record["notes"] == ["n"]
    assert [(c["name"], c["result"]) for c in record["checks"]] == [
        ("policy", "pass"), ("bypass", "warn"), ("required check", "fail"),
        ("code owners", "unread")]
    assert record["checks"][1]["warnings"] == ["w1", "w2"]
    assert record["checks"][0]["fix"] == "never shown"
    out = io.StringIO()
    render_json(Report("acme/app", "main", (CheckResult("x", True, "d"),)), out)
    assert json.loads(out.getvalue())["checks"][0]["fix"] is None
    assert json.loads(out.getvalue())["ok"] is True
