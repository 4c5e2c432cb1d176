"""core/body/lines.py: logical lines of an inline token, and the label a line starts with."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gatekeeper.core.body import lines
from gatekeeper.core.body.lines import (
    MAX_LABEL,
    Label,
    Line,
    clean_label,
    definition_value,
    html_anchors,
    logical_lines,
    looks_like_label,
    only_link,
    slug,
    split_label,
)
from gatekeeper.core.text.visible import markdown
from tests.unit.core.test_properties import SETTINGS


def lines_of(text: str, *, in_item: bool = False) -> list[str]:
    inline = markdown().parseInline(text)[0]
    return [line.text for line in logical_lines(inline, in_item=in_item)]


def first(text: str):  # type: ignore[no-untyped-def]
    return logical_lines(markdown().parseInline(text)[0])[0]


def test_struck_and_removed_text_is_not_in_the_line() -> None:
    assert lines_of("a ~~b~~ <del>c</del> <script>d</script> e") == ["a    e"]


def test_a_line_break_tag_starts_a_new_line() -> None:
    assert lines_of("Risk level: RED<br>Owner: @dana") == ["Risk level: RED", "Owner: @dana"]


def test_a_bold_label_and_its_value() -> None:
    found = split_label(first("**Risk level:** RED"))
    assert found is not None and (found.label, found.value, found.bold) == (
        "Risk level", "RED", True)


def test_inline_code_is_never_a_label_and_a_url_is_not_one() -> None:
    assert split_label(first("`Risk level: RED`")) is None
    assert split_label(first("https://example.invalid/x")) is None


def test_decoration_before_a_label_is_not_part_of_it() -> None:
    assert clean_label("🎯 Risk level (required):") == "Risk level"


def test_definition_lines_and_label_like_lines() -> None:
    assert definition_value(first(": GREEN")) == "GREEN"
    assert looks_like_label(first("Release note: NONE"))
    assert not looks_like_label(first("pytest -q: 40 passed"))


def test_task_boxes_are_read_in_list_items_only() -> None:
    line = logical_lines(markdown().parseInline("[x] RED")[0], in_item=True)[0]
    assert line.task is True and line.text == "RED"


def test_links_to_places_on_the_page_and_the_anchors_tags_name() -> None:
    line = first("[the run](#CI%20run)")
    assert only_link(line, "the run") == "ci run"
    assert only_link(line, "another") is None
    assert html_anchors('<a name="Run"></a><span id=x>') == ["run", "x"]
    assert slug("How was this tested?") == "how-was-this-tested"


def test_a_label_far_along_its_line_is_still_found() -> None:
    # Decoration up to MAX_LABEL characters, then a label up to MAX_LABEL characters: the
    # separator stands up to twice MAX_LABEL characters into the line.
    rockets = "\U0001F680" * MAX_LABEL
    assert split_label(Line(1, [rockets + "Risk level: RED"])) == Label("Risk level", "RED",
                                                                         False)
    long_label = "x" * MAX_LABEL
    assert split_label(Line(1, ["1. " + long_label + ": v"])) == Label(long_label, "v", False)
    assert split_label(Line(1, ["a" * MAX_LABEL + " - b"])) == Label("a" * MAX_LABEL, "b",
                                                                     False)
    assert split_label(Line(1, ["a" * (MAX_LABEL + 1) + ": b"])) is None


def test_a_parenthetical_note_ends_a_label_only_at_its_end() -> None:
    assert clean_label("Risk level (required):") == "Risk level"
    assert clean_label("Tests (unit) pass") == "Tests (unit) pass"


_LINE_TEXT = st.lists(st.sampled_from(
    [*"ab1 .:=-)(*_#", "\uff1a", "\u2014", "\u2013", "\t", ":x:", "\U0001F680", "1. ",
     "label " * 5]), max_size=80).map("".join)


@SETTINGS
@given(_LINE_TEXT)
def test_the_quick_look_for_a_separator_misses_none(text: str) -> None:
    # split_label() rules a line out when none of the separator marks stands in its first
    # 2 * MAX_LABEL + 8 characters: the full pattern finds nothing there either.
    start = lines._decoration_end(text[:MAX_LABEL])
    if lines._SEPARATOR.search(text, start, start + MAX_LABEL + 8) is not None:
        assert lines._SEPARATOR_MARK.search(text, 0, 2 * MAX_LABEL + 8) is not None
        assert lines._SEPARATOR_MARK.search(text, start, start + MAX_LABEL + 8) is not None


@SETTINGS
@given(_LINE_TEXT)
def test_only_a_closing_parenthesis_can_end_a_parenthetical_note(text: str) -> None:
    text = text.strip()
    if not text.endswith(")"):
        assert lines._PARENTHETICAL.sub("", text).strip() == text


def test_decoration_never_starts_with_a_letter() -> None:
    # _decoration_end() stops at a letter without trying the decoration patterns: no
    # letter of any script starts one.
    letters = (chr(code) for code in range(0x110000) if chr(code).isalpha())
    assert not any(lines._DECORATION_AT.match(letter + "1:x: \ufe0f\u20e3. ")
                   for letter in letters)
