"""core/body/html_regions.py: what one HTML block opens, closes and shows."""

from __future__ import annotations

from gatekeeper.core.body import html_regions


def test_details_opened_with_their_summaries() -> None:
    found = html_regions.details_opened(
        "<details><summary>Original prompt</summary></details><details open>")
    assert found == [(True, True, "Original prompt"), (False, False, None)]


def test_comments_are_blanked_with_their_lines_and_close_nothing() -> None:
    assert html_regions.without_comments("a<!-- </details>\n -->b") == "a\nb"
    assert html_regions.details_closed(html_regions.without_comments("<!-- </details> -->")) == 0


def test_summary_words_as_shown() -> None:
    assert html_regions.summary_text("<summary><b>Re&shy;lease notes</b></summary>") == (
        "Release notes")
    assert html_regions.words_mark_quoted("\u041eriginal prompt")  # a Cyrillic O
    assert not html_regions.words_mark_quoted("Contract")


def test_summary_left_open_and_closed() -> None:
    assert html_regions.summary_left_open("<details>\n<summary>")
    assert not html_regions.summary_left_open("<summary>x</summary>")
    assert html_regions.summary_closed_at("ab</summary>") == 2


def test_shown_markdown_drops_summaries_quotes_attributes_and_removed_elements() -> None:
    shown = html_regions.shown_markdown(
        '<details title="Risk level: GREEN"><summary>s</summary>\n'
        "<blockquote>Owner: @m</blockquote>\n<script>Origin: agent</script>\nRisk level: RED\n")
    assert "GREEN" not in shown and "@m" not in shown and "agent" not in shown
    assert "Risk level: RED" in shown


def test_quoted_headings() -> None:
    assert html_regions.heading_marks_quoted("Original prompt")
    assert not html_regions.heading_marks_quoted("Changelog")
