"""What a reader sees: text as GitHub renders it, for deciding whether a value says anything.

A value that renders as nothing (zero-width characters, ``&#8203;``, ``<b></b>``) or as a
non-answer (a run of dashes, ``···``, ``?!``) is empty, whatever its characters are.
The value kept in the contract is the author's text; only the emptiness test and label
matching look at the normalized form, so an approval reference in fullwidth digits is not
silently turned into ASCII by NFKC.
"""

from __future__ import annotations

import html
import re
import unicodedata

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


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def visible(text: str) -> str:
    """``text`` as a reader sees it: entities decoded, tags and invisible characters gone,
    NFKC-folded, whitespace collapsed."""
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG.sub("", _STRUCK.sub("", text))
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    return _SPACE.sub(" ", strip_invisible(text)).strip()


def says_nothing(text: str) -> bool:
    """True when the visible text has no letter or digit: dashes, dots, punctuation, emoji."""
    return not any(char.isalnum() for char in text)
