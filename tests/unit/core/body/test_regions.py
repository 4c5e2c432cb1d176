"""core/body/regions.py: the quoted, collapsed and removed regions open around the walk."""

from __future__ import annotations

from gatekeeper.core.body.regions import Regions


def names(words: str) -> str | None:
    return {"contract": "contract", "test evidence": "test_evidence"}.get(words.casefold())


def open_block(regions: Regions, html: str) -> list[str]:
    shown: list[str] = []
    regions.html_block(html, skipping=False, read_shown=shown.append)
    return shown


def test_a_quoted_summary_marks_its_details_quoted_until_it_closes() -> None:
    regions = Regions(names=names)
    open_block(regions, "<details>\n<summary>Original prompt</summary>")
    assert regions.quoted
    open_block(regions, "</details>")
    assert not regions.quoted


def test_collapsed_details_count_only_when_named() -> None:
    regions = Regions(names=names)
    open_block(regions, "<details>\n<summary>Logs</summary>")
    assert regions.quoted  # collapsed, about something else: skipped
    open_block(regions, "</details>")
    open_block(regions, "<details>\n<summary>Contract</summary>")
    assert regions.in_contract and not regions.quoted
    open_block(regions, "</details>")
    assert not regions.in_contract
    open_block(regions, "<details open>\n<summary>Logs</summary>")
    assert not regions.quoted  # open: shown


def test_a_summary_naming_a_field_is_handed_to_the_walk_once() -> None:
    regions = Regions(names=names)
    open_block(regions, "<details>\n<summary>Test evidence</summary>")
    assert regions.take_named_field() == "test_evidence"
    assert regions.take_named_field() is None


def test_markdown_shown_inside_a_details_without_blank_lines() -> None:
    regions = Regions(names=names)
    shown = open_block(regions, "<details open><summary>x</summary>\nRisk level: RED\n</details>")
    assert [text.strip() for text in shown] == ["Risk level: RED"]


def test_an_element_github_removes_hides_the_blocks_until_it_closes() -> None:
    regions = Regions(names=names)
    assert regions.html_block("<template>", skipping=False, read_shown=print)
    assert regions.quoted
    regions.html_block("</template>", skipping=False, read_shown=print)
    assert not regions.quoted


def test_a_heading_over_quoted_material_ends_at_its_level() -> None:
    regions = Regions()
    assert regions.heading(2, "Original prompt")
    assert regions.quoted_heading == 2
    assert not regions.heading(3, "Steps")
    assert regions.quoted_heading == 2
    assert not regions.heading(2, "Contract")
    assert regions.quoted_heading == 0
