r"""What a reader sees: text as GitHub renders it, for deciding whether a value says anything.

A value that renders as nothing (zero-width characters, ``&#8203;``, ``<b></b>``, math
such as ``$\phantom{x}$``) or as a non-answer (a run of dashes, ``···``, ``?!``) is
empty, whatever its characters are. Letters that look like Latin ones (a Cyrillic ``T``,
a Greek ``N``) are read as the Latin letter a reader takes them for, when a value is
compared with a placeholder or a label with a field's name (``lookalikes_folded``).
The value kept in the contract is the author's text; only the emptiness test and label
matching look at the normalized form, so an approval reference in fullwidth digits is not
silently turned into ASCII by NFKC.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from gatekeeper.core.text.github_html import without_removed

# Zero-width, joiners, soft hyphen, word joiner, BOM, bidi embeddings, overrides, isolates
# and marks, and the Mongolian vowel separator: all invisible on GitHub.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
# Struck-through HTML renders as a withdrawn word, not an answer.
_STRUCK = re.compile(r"<(del|s|strike)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")
# GitHub renders $...$ and $$...$$ as math: what shows is a typeset formula (or nothing,
# `\phantom{...}`, or text coloured away), never the author's plain words. As in GitHub
# (and pandoc), an opening $ is not followed by a space, a closing $ is not preceded by
# one nor followed by a digit, so "costs $5 and $10" is not math. Bounded, so linear.
_MATH = re.compile(
    r"\$\$.{0,4096}?\$\$"
    r"|\$(?![\s$])(?:[^$\n\\]|\\.){1,4096}?(?<![\s\\])\$(?!\d)",
    re.DOTALL,
)
# Letters of other scripts that render as a Latin letter (from Unicode's confusables,
# the unambiguous subset), and Latin small capitals: "TBD" with a Cyrillic T is TBD.
_LOOKALIKE_LETTERS = (
    "\u0410\u0412\u0421\u0415\u041d\u0406\u0408\u041a"  # ABCEHIJK
    "\u041c\u041e\u0420\u0405\u0422\u0425\u0423\u04ae"  # MOPSTXYY
    "\u04c0\u051a\u051c\u0430\u0441\u0435\u0456\u0458"  # IQWaceij
    "\u043e\u0440\u0455\u0445\u0443\u04af\u04bb\u0501"  # opsxyyhd
    "\u051b\u051d\u04cf\u0391\u0392\u0395\u0396\u0397"  # qwlABEZH
    "\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5"  # IKMNOPTY
    "\u03a7\u03bf\u03ba\u03bd\u03c1\u03c5\u03f2\u03f3"  # Xokvpucj
    "\u03b9\u0131\u0237\u0585\u057d\u0570\u0578\u1d00"  # iijouhna
    "\u0299\u1d04\u1d05\u1d07\ua730\u0262\u029c\u026a"  # bcdefghi
    "\u1d0a\u1d0b\u029f\u1d0d\u0274\u1d0f\u1d18\u0280"  # jklmnopr
    "\ua731\u1d1b\u1d1c\u1d20\u1d21\u028f\u1d22"  # stuvwyz
    "\u13aa\u13f4\u13df\u13a0\u13ac\u13c0\u13bb\u13a5"  # Cherokee ABCDEGHi
    "\u13ab\u13e6\u13de\u13b7\u13e2\u13a1\u13da\u13a2"  # JKLMPRST
    "\u13d9\u13b3\u13c3"  # VWZ
)
_LATIN_LETTERS = (
    "ABCEHIJKMOPSTXYYIQWaceijopsxyyhdqwlABEZHIKMNOPTY"
    "Xokvpucjiijouhnabcdefghijklmnoprstuvwyz"
    "ABCDEGHiJKLMPRSTVWZ"
)
_LOOKALIKES = str.maketrans(_LOOKALIKE_LETTERS, _LATIN_LETTERS)
# Latin letters with a hook, stroke, tail and the like ("Ƭ", "Ɗ") that do not decompose:
# read as their base letter, from the character's Unicode name.
_LATIN_NAME = re.compile(r"^LATIN (CAPITAL|SMALL) LETTER ([A-Z]) WITH ")
# A combining overlay after a letter (U+0335 to U+0338) strikes it through on the page.
_COMBINING_STRIKE = re.compile("[^\u0335-\u0338][\u0335-\u0338]+")
_BIDI_OVERRIDE = re.compile("[\u202d\u202e\u2066-\u2069]")


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def visible(text: str) -> str:
    """``text`` as a reader sees it: entities decoded, tags and invisible characters gone,
    NFKC-folded, whitespace collapsed."""
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG.sub("", _STRUCK.sub("", without_removed(text)))
    if "$" in text:
        text = _MATH.sub(" ", text)
    if text.isascii():
        # Nothing invisible, combining or foldable in ASCII: only whitespace to collapse
        # (str.split splits on what the \s+ below matches).
        return " ".join(text.split())
    text = _COMBINING_STRIKE.sub("", text)  # r\u0336e\u0336v\u0336: a struck word
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    return _SPACE.sub(" ", strip_invisible(text)).strip()


def lookalikes_folded(text: str) -> str:
    """``text`` with letters that look Latin read as Latin (for comparisons only: a value
    kept in the contract is never rewritten)."""
    if text.isascii():
        return text  # every lookalike letter is outside ASCII
    text = text.translate(_LOOKALIKES)
    if text.isascii():
        return text
    return "".join(_latin_base(char) for char in text)


@functools.lru_cache(maxsize=4096)
def _latin_base(char: str) -> str:
    if char.isascii():
        return char
    found = _LATIN_NAME.match(unicodedata.name(char, ""))
    if found is None:
        return char
    return found.group(2) if found.group(1) == "CAPITAL" else found.group(2).lower()


def display_orders(text: str) -> tuple[str, ...]:
    """``text``, and as it shows when a bidi override reverses it (``\u202eDBT`` shows
    as TBD): a value is judged in every order a reader may see it in."""
    if _BIDI_OVERRIDE.search(text) is None:
        return (text,)
    return (text, text[::-1])


def says_nothing(text: str) -> bool:
    """True when the visible text has no letter or digit: dashes, dots, punctuation, emoji."""
    return not any(char.isalnum() for char in text)
