"""core/text/visible.py: the one Markdown configuration, and the words a reader sees."""

from __future__ import annotations

from gatekeeper.core.text.visible import markdown, visible_text


def test_gfm_tables_and_single_tilde_strikethrough() -> None:
    types = [t.type for t in markdown().parse("| a |\n|---|\n| b |\n")]
    assert "table_open" in types
    children = markdown().parseInline("~x~ ~~~y~~~")[0].children or []
    assert [c.type for c in children][:3] == ["s_open", "text", "s_close"]


def test_visible_text_skips_quotes_code_html_and_struck_words() -> None:
    text = visible_text("a ~~b~~\n\n> c\n\n```\nd\n```\n\n<div>e</div>\n\nf\n")
    assert text.split() == ["a", "f"]
