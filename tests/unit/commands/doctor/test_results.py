"""CheckResult's label and its one rule, Report's verdict, and quoted names."""

from __future__ import annotations

import pytest

from gatekeeper.commands.doctor.results import CheckResult, Report, quoted


@pytest.mark.parametrize(("result", "label"), [
    (CheckResult("x", True, "fine"), "PASS"),
    (CheckResult("x", True, "fine", warnings=("w",)), "WARN"),
    (CheckResult("x", False, "broken"), "FAIL"),
    (CheckResult("x", False, "broken", warnings=("w",)), "FAIL"),
    (CheckResult("x", False, "not read", unread=True), "UNREAD"),
])
def test_the_label_says_pass_warn_fail_or_unread(result: CheckResult, label: str) -> None:
    assert result.label == label


def test_a_check_that_could_not_read_its_facts_cannot_pass() -> None:
    with pytest.raises(ValueError, match="cannot pass"):
        CheckResult("x", True, "?", unread=True)


def test_a_report_is_ok_only_when_every_check_passes() -> None:
    passing = CheckResult("a", True, "fine", warnings=("w",))
    failing = CheckResult("b", False, "broken")
    unread = CheckResult("c", False, "?", unread=True)
    assert Report("acme/app", "main", (passing,)).ok
    assert not Report("acme/app", "main", (passing, failing)).ok
    report = Report("acme/app", "main", (passing, failing, unread))
    assert not report.ok
    assert report.unread == (unread,)
    assert Report("acme/app", "main", (passing, failing)).unread == ()


def test_quoted_names_are_double_quoted_and_comma_separated() -> None:
    assert quoted(["a", "b c"]) == '"a", "b c"'
    assert quoted(iter(["only"])) == '"only"'
    assert quoted([]) == ""
