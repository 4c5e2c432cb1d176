"""text: the headline, the classed paths (ten of each, then a count), exemptions, each
reason at its body line with its fix, and notes; colour only when asked."""

from __future__ import annotations

import io

from gatekeeper.core.model import Caveat, Classification, Exemption, PathMatch, Reason, RiskClass
from gatekeeper.core.reasons import Code
from gatekeeper.reporters import ReportContext
from gatekeeper.reporters.text import report_text
from tests.support.decisions import decision

PENDING = Caveat("escalation_approval", "@carol's approval on GitHub", "carol", pending=True)
NOTE = Caveat("changed_paths", "the list stops at 3000 files")


def _text(judged, **context) -> str:
    out = io.StringIO()
    report_text(judged, ReportContext(out=out, **context))
    return out.getvalue()


def test_a_pass_lists_its_paths_and_notes() -> None:
    assert _text(decision(caveats=(NOTE,))).splitlines() == [
        "PASS  class RED (declared AMBER), policy embedded-default, 2 paths judged",
        "  RED   src/auth/a.py  (pattern src/auth/)",
        "  AMBER docs/x.md  (pattern docs/)",
        "note: the list stops at 3000 files",
    ]


def test_a_pending_pass_says_what_github_must_show() -> None:
    lines = _text(decision(caveats=(PENDING, NOTE), declared_class=None)).splitlines()
    assert lines[0].startswith("PASS pending  class RED (declared none), ")
    assert lines[1] == "  pending: @carol's approval on GitHub"
    assert lines[-1] == "note: the list stops at 3000 files"
    assert not any("pending:" in line for line in lines[2:])


def test_a_block_gives_each_reason_its_place_and_fix_and_no_pending() -> None:
    reasons = (Reason(Code.GK101, "rollback is empty", "write a rollback", "rollback", 7),
               Reason(Code.GK903, "the file list is incomplete", "retry"))
    blocked = decision(blocked=True, reasons=reasons, caveats=(PENDING,))
    lines = _text(blocked, body_name="pr.md").splitlines()
    assert lines[0].startswith("BLOCKED  class RED")
    assert "pending" not in "\n".join(lines)
    assert lines[-4:] == [
        "pr.md:7: GK101 rollback is empty", "    fix: write a rollback",
        "pr.md: GK903 the file list is incomplete", "    fix: retry",
    ]
    assert _text(blocked).splitlines()[-4] == "body:7: GK101 rollback is empty"


def test_more_than_ten_paths_of_a_class_are_counted() -> None:
    matches = tuple(PathMatch(f"auth/{n:02}.py", RiskClass.RED, "auth/") for n in range(13))
    many = decision(classification=Classification(RiskClass.RED, matches, 13))
    lines = _text(many).splitlines()
    assert lines[1:11] == [f"  RED   auth/{n:02}.py  (pattern auth/)" for n in range(10)]
    assert lines[11] == "  RED   ... and 3 more"
    assert len(lines) == 12


def test_an_exemption_is_named_with_its_author_and_paths() -> None:
    exempt = decision(kind="exempt", exemptions=(Exemption("lockfiles", "dependabot[bot]",
                                                           ("a.lock", "b.lock")),))
    assert "  exempt: lockfiles (author dependabot[bot], 2 paths)" in _text(exempt).splitlines()


def test_colour_only_when_asked() -> None:
    blocked = decision(blocked=True, reasons=(Reason(Code.GK101, "m", "f", None, 1),))
    plain = _text(blocked)
    assert "\033[" not in plain
    painted = _text(blocked, color=True)
    assert painted.startswith("\033[1m\033[31mBLOCKED\033[0m  class RED")
    assert "body:1: \033[31mGK101\033[0m m\n" in painted
    assert "    \033[2mfix:\033[0m f\n" in painted
    passed = _text(decision(reasons=(Reason(Code.GK101, "m", "f", None, 1),)), color=True)
    assert passed.startswith("\033[1m\033[32mPASS\033[0m")
    assert "\033[33mGK101\033[0m" in passed  # a reason that does not block is a warning
    pending = _text(decision(caveats=(PENDING,)), color=True)
    assert pending.startswith("\033[1m\033[33mPASS pending\033[0m")
    assert "  \033[33mpending:\033[0m @carol's approval on GitHub\n" in pending
