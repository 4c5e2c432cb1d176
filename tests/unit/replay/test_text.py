"""text: one line per pull request with both decisions, what changed in words, notes,
titles made safe for a terminal, and the totals."""

from __future__ import annotations

from gatekeeper.replay.compare import Compared, ReplayItem, Side
from gatekeeper.replay.text import render
from tests.support.fixtures import load_policy_text

BASELINE = load_policy_text("version: 1\n", file="base.yml")
CANDIDATE = load_policy_text("version: 1\n", file="cand.yml")


def _compared(key: str, change: str, before: Side, after: Side, *, url: str | None = None,
              title: str = "", note: str | None = None) -> Compared:
    item = ReplayItem(key, title, url, None, "", (), note)
    return Compared(item, before, after, change)  # type: ignore[arg-type]


PASS = Side("pass", "GREEN", ())
BLOCK = Side("block", "RED", ("GK202",))


def test_each_line_and_the_totals() -> None:
    results = [
        _compared("#7", "newly blocked", PASS, BLOCK, url="u",
                  title="Fix\n\x1b[31mlogin\x1b[0m   now"),
        _compared("#12", "same", PASS, PASS, note="file list incomplete (1 of 2)"),
        _compared("#13", "reasons changed", BLOCK, Side("block", "RED", ("GK101",))),
    ]
    lines = render(results, baseline=BASELINE, candidate=CANDIDATE).splitlines()
    assert lines[:3] == ["baseline:  base.yml", "candidate: cand.yml", ""]
    assert lines[3] == ("+ #7   baseline pass  GREEN -            candidate block RED   "
                        "GK202  Fix [31mlogin[0m now")  # no escape character left
    assert lines[4] == "    now newly blocked; adds GK202 (RED escalation incomplete)"
    assert lines[5] == "  #12  baseline pass  GREEN -            candidate pass  GREEN -"
    assert lines[6] == "    note: file list incomplete (1 of 2)"
    assert lines[7].startswith("~ #13  baseline block RED   GK202 ")
    assert lines[8].startswith("    now reasons changed; adds GK101 (")
    assert lines[8].endswith("); drops GK202 (RED escalation incomplete)")
    assert lines[-1] == ("3 pull requests: baseline blocks 1, candidate blocks 2; 1 newly "
                         "blocked, 0 newly passed, 1 with other reasons, 1 unchanged")


def test_only_the_changes_when_asked() -> None:
    results = [_compared("a", "same", PASS, PASS),
               _compared("b", "newly passed", BLOCK, PASS)]
    lines = render(results, baseline=BASELINE, candidate=CANDIDATE,
                   changed_only=True).splitlines()
    assert [line[:3] for line in lines[3:5]] == ["- b", "   "]
    assert not any(line.startswith("  a ") for line in lines)
    assert lines[-1].startswith("2 pull requests:")  # the totals still count every one


def test_no_pull_requests_is_just_the_totals() -> None:
    assert render([], baseline=BASELINE, candidate=CANDIDATE).splitlines()[3:] == [
        "", "0 pull requests: baseline blocks 0, candidate blocks 0; 0 newly blocked, 0 newly "
        "passed, 0 with other reasons, 0 unchanged"]
