"""core/text/normalize.py: text as a reader sees it."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import assume, given
from hypothesis import strategies as st

from gatekeeper.core.text.normalize import (
    display_orders,
    lookalikes_folded,
    says_nothing,
    strip_invisible,
    visible,
)
from tests.unit.core.test_properties import SETTINGS


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


# ASCII text skips the Unicode passes: what it gives is what they would have given.
_ASCII = st.text(alphabet=st.characters(max_codepoint=127), max_size=80)


@SETTINGS
@given(_ASCII)
def test_ascii_text_is_seen_as_the_unicode_passes_see_it(text: str) -> None:
    assume(not any(mark in text for mark in "&<$"))
    unicode_passes = re.sub(r"\s+", " ", strip_invisible(
        unicodedata.normalize("NFKC", strip_invisible(text)))).strip()
    assert visible(text) == unicode_passes
    assert lookalikes_folded(text) == text


def test_text_outside_ascii_still_goes_through_the_unicode_passes() -> None:
    assert visible("\ufb01le\u00a0\u200bplan\x1c") == "file plan"  # ligature, NBSP, ZWSP
    assert visible("r\u0336e\u0336d\u0336 RED") == "RED"
    assert visible("&#8203;TBD&nbsp;") == "TBD"  # entities decoded, then the Unicode passes
