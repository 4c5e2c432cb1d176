"""core/text/normalize.py: text as a reader sees it."""

from __future__ import annotations

from gatekeeper.core.text.normalize import (
    display_orders,
    lookalikes_folded,
    says_nothing,
    strip_invisible,
    visible,
)


def test_visible_drops_tags_entities_struck_and_removed_text() -> None:
    assert visible("a&#8203;b <b>c</b> <del>d</del> <script>e</script> <s>f</s>") == "ab c"
    assert visible("<template>RED</template>") == ""


def test_math_renders_as_no_words_but_prices_stay() -> None:
    assert visible(r"$\phantom{RED}$") == ""
    assert visible("costs $5 and $10") == "costs $5 and $10"


def test_lookalikes_and_invisible_characters() -> None:
    assert lookalikes_folded("\u0422\u0412D") == "TBD"  # Cyrillic T and B
    assert strip_invisible("T\u200bB\u200dD") == "TBD"
    assert display_orders("\u202eDBT") == ("\u202eDBT", "TBD\u202e")
    assert says_nothing("— … ?!") and not says_nothing("a")
