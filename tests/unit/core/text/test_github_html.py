"""core/text/github_html.py: what GitHub's sanitiser leaves of raw HTML."""

from __future__ import annotations

from gatekeeper.core.text.github_html import (
    ALLOWED,
    CONTENT_REMOVED,
    closes_removed,
    opens_removed,
    removed_left_open,
    without_removed,
)


def test_removed_elements_go_with_their_content_and_keep_lines() -> None:
    assert without_removed("a<script>x\ny</script>b<style>z</style>") == "a\nb"
    assert without_removed("a <b>kept</b>") == "a <b>kept</b>"


def test_inline_tags_open_and_close_removed_elements() -> None:
    assert opens_removed("<TEXTAREA rows=2>") and closes_removed("</textarea>")
    assert not opens_removed("<span hidden>")  # GitHub drops `hidden`: the text shows


def test_blocks_left_open() -> None:
    assert removed_left_open("<template>") == 1
    assert removed_left_open("</template>") == -1
    assert removed_left_open("<script>x</script>") == 0


def test_the_lists_do_not_overlap() -> None:
    assert not ALLOWED & CONTENT_REMOVED
