"""core/body/lines.py: logical lines of an inline token, and the label a line starts with."""

from __future__ import annotations

from gatekeeper.core.body.lines import (
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
