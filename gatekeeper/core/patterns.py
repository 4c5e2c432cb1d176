"""Path patterns matched exactly as git matches a .gitignore file.

Each pattern line is translated, as git's ``dir.c`` and ``wildmatch.c`` read it, into one
regular expression over the path's UTF-8 bytes (git compares bytes, so ``?`` never matches
half of a character). Matching follows ``dir.c``: the last matching pattern decides, and a
path whose parent folder is matched stays matched whatever negations follow, because git
never looks inside an excluded folder.

The translation is linear in the pattern's length and never backtracks over it; each
regular expression it emits is a plain concatenation of literals, ``[^/]*``, ``.*`` and
byte classes, which both Python's ``re`` and RE2 accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_POSIX_CLASSES: dict[str, bytes] = {
    "alnum": b"0-9A-Za-z",
    "alpha": b"A-Za-z",
    "blank": b" \t",
    "cntrl": b"\x00-\x1f\x7f",
    "digit": b"0-9",
    "graph": b"!-~",
    "lower": b"a-z",
    "print": b" -~",
    "punct": b"!-/:-@\\[-`{-~",
    "space": b" \t\n\r\f\v",
    "upper": b"A-Z",
    "xdigit": b"0-9A-Fa-f",
}


class PatternError(ValueError):
    """A pattern git treats as malformed (it can never match): the policy must say so."""


@dataclass(frozen=True)
class GitPattern:
    """One pattern line as git reads it."""

    text: str  # the line as written
    negative: bool
    dir_only: bool
    basename: bool  # no slash: matched against the last path component at any depth
    source: bytes  # the regular expression over the whole path, without anchors
    regex: re.Pattern[bytes]


def _trim_trailing_spaces(line: str) -> str:
    """Trailing spaces go unless escaped with a backslash (git's trim_trailing_spaces)."""
    last_space: int | None = None
    position = 0
    while position < len(line):
        char = line[position]
        if char == " ":
            if last_space is None:
                last_space = position
        elif char == "\\":
            position += 1
            if position >= len(line):
                return line
            last_space = None
        else:
            last_space = None
        position += 1
    return line if last_space is None else line[:last_space]


def _escape_byte(value: int) -> bytes:
    return re.escape(bytes([value]))


def _class_byte(value: int) -> bytes:
    return b"\\x%02x" % value


def _bracket(pattern: bytes, start: int) -> tuple[bytes, int]:
    """Translate the bracket expression at ``pattern[start] == '['``; return (regex, end)."""
    position = start + 1
    if position >= len(pattern):
        raise PatternError("unterminated [ bracket expression")
    char = pattern[position]
    negated = char in b"!^"
    if negated:
        position += 1
    parts: list[bytes] = []
    previous: int | None = None
    first = True
    while True:
        if position >= len(pattern):
            raise PatternError("unterminated [ bracket expression")
        char = pattern[position]
        if char == ord("]") and not first:
            break
        first = False
        if char == ord("\\"):
            position += 1
            if position >= len(pattern):
                raise PatternError("a bracket expression ends with a backslash")
            char = pattern[position]
            parts.append(_class_byte(char))
            previous = char
        elif (char == ord("-") and previous is not None and position + 1 < len(pattern)
              and pattern[position + 1] != ord("]")):
            position += 1
            end = pattern[position]
            if end == ord("\\"):
                position += 1
                if position >= len(pattern):
                    raise PatternError("a bracket expression ends with a backslash")
                end = pattern[position]
            if end >= previous:
                parts.append(_class_byte(previous) + b"-" + _class_byte(end))
            previous = None
        elif char == ord("[") and position + 1 < len(pattern) and pattern[position + 1] == ord(":"):
            close = pattern.find(b"]", position + 2)
            if close < 0:
                raise PatternError("unterminated [ bracket expression")
            name = pattern[position + 2:close]
            if close - (position + 2) < 1 or not name.endswith(b":"):
                # No ":]": a plain "[" in the set.
                parts.append(_class_byte(char))
                previous = char
            else:
                members = _POSIX_CLASSES.get(name[:-1].decode("ascii", "replace"))
                if members is None:
                    shown = name.decode(errors="replace")
                    raise PatternError(f"unknown character class [:{shown}]")
                parts.append(_posix(members))
                previous = None
                position = close
        else:
            parts.append(_class_byte(char))
            previous = char
        position += 1
    body = b"".join(parts)
    # A bracket expression never matches "/" in a path (WM_PATHNAME).
    if negated:
        return b"[^/" + body + b"]", position
    if not body:
        return b"(?!)", position
    return b"(?:(?!/)[" + body + b"])", position


def _posix(members: bytes) -> bytes:
    """A POSIX class's members as escaped byte-class text (ranges kept)."""
    out = bytearray()
    position = 0
    while position < len(members):
        if position + 2 < len(members) and members[position + 1] == ord("-"):
            out += _class_byte(members[position]) + b"-" + _class_byte(members[position + 2])
            position += 3
        else:
            out += _class_byte(members[position])
            position += 1
    return bytes(out)


def _wildmatch(pattern: bytes) -> bytes:
    """The regex for git's wildmatch with WM_PATHNAME over the whole text."""
    out: list[bytes] = []
    position = 0
    length = len(pattern)
    while position < length:
        char = pattern[position]
        if char == ord("\\"):
            position += 1
            if position >= length:
                # A trailing backslash matches nothing.
                return b"(?!)"
            out.append(_escape_byte(pattern[position]))
        elif char == ord("?"):
            out.append(b"[^/]")
        elif char == ord("*"):
            start = position
            while position + 1 < length and pattern[position + 1] == ord("*"):
                position += 1
            double = position > start
            after = pattern[position + 1:position + 2]
            escaped_slash = pattern[position + 1:position + 3] == b"\\/"
            at_boundary = start == 0 or pattern[start - 1] == ord("/")
            if double and at_boundary and (after in (b"", b"/") or escaped_slash):
                if after == b"":
                    out.append(b".*")
                else:
                    # "**/": zero or more whole folders.
                    out.append(b"(?:.*/)?")
                    position += 2 if escaped_slash else 1
            else:
                out.append(b"[^/]*")
        elif char == ord("["):
            regex, position = _bracket(pattern, position)
            out.append(regex)
        else:
            out.append(_escape_byte(char))
        position += 1
    return b"".join(out)


def parse_pattern(line: str, *, case_insensitive: bool = False) -> GitPattern | None:
    """One .gitignore line as git reads it; None for a blank line or a comment.

    Raises PatternError for a pattern git treats as malformed.
    """
    text = _trim_trailing_spaces(line.rstrip("\r\n"))
    if not text or text.startswith("#"):
        return None
    negative = text.startswith("!")
    body = text[1:] if negative else text
    dir_only = body.endswith("/")
    if dir_only:
        body = body[:-1]
    if not body:
        raise PatternError("the pattern is empty after `!` or its trailing `/`; it matches "
                           "nothing")
    basename = "/" not in body
    if body.startswith("/"):
        body = body[1:]
    raw = body.encode("utf-8", "surrogateescape")
    source = (b"(?:.*/)?" if basename else b"") + _wildmatch(raw)
    regex = re.compile(b"(?:" + source + b")\\Z", _flags(case_insensitive))
    return GitPattern(text=line, negative=negative, dir_only=dir_only, basename=basename,
                      source=source, regex=regex)


def _flags(case_insensitive: bool) -> int:
    # Bytes patterns fold ASCII letters only, as git's core.ignorecase does.
    return re.DOTALL | (re.IGNORECASE if case_insensitive else 0)


@dataclass(frozen=True)
class Match:
    """Whether a path is matched, and by which pattern line (index into the list)."""

    matched: bool
    index: int | None


@dataclass
class PatternSet:
    """A list of patterns matched as one .gitignore file."""

    patterns: tuple[str, ...]
    compiled: tuple[tuple[int, GitPattern], ...]
    case_insensitive: bool = False
    _cache: dict[str, Match] = field(default_factory=dict, repr=False)
    _any: dict[bool, re.Pattern[bytes]] = field(default_factory=dict, repr=False)

    def _prefilter(self, is_dir: bool) -> re.Pattern[bytes]:
        """One expression that matches when any pattern could: most paths match none."""
        combined = self._any.get(is_dir)
        if combined is None:
            sources = [p.source for _, p in self.compiled if is_dir or not p.dir_only]
            body = b"|".join(sources) if sources else b"[^\\x00-\\xff]"
            combined = re.compile(b"(?:" + body + b")\\Z", _flags(self.case_insensitive))
            self._any[is_dir] = combined
        return combined

    def _last(self, path: bytes, is_dir: bool) -> Match:
        if not self._prefilter(is_dir).match(path):
            return Match(False, None)
        for index, pattern in reversed(self.compiled):
            if pattern.dir_only and not is_dir:
                continue
            if pattern.regex.match(path):
                return Match(not pattern.negative, index)
        return Match(False, None)

    def _directory(self, folder: str) -> Match:
        cached = self._cache.get(folder)
        if cached is not None:
            return cached
        parent = folder.rpartition("/")[0]
        result = self._directory(parent) if parent else Match(False, None)
        if not result.matched:
            result = self._last(folder.encode("utf-8", "surrogateescape"), True)
        if len(self._cache) < 65536:
            self._cache[folder] = result
        return result

    def check(self, path: str) -> Match:
        """The decision git makes for the file ``path`` (slash-separated, relative).

        A path under a matched folder is matched by that folder's pattern: git does not
        look inside an excluded folder, so no later ``!`` pattern re-includes it.
        """
        if "//" in path or path.startswith(("./", "/")) or "/./" in path or path.endswith(
                ("/.", "/")):
            path = "/".join(part for part in path.split("/") if part not in ("", "."))
        parent = path.rpartition("/")[0]
        if parent:
            folder = self._directory(parent)
            if folder.matched:
                return folder
        return self._last(path.encode("utf-8", "surrogateescape"), False)

    def match_file(self, path: str) -> bool:
        return self.check(path).matched

    def pattern_text(self, index: int) -> str:
        return self.patterns[index]


def compile_pattern_set(
    patterns: list[str], *, case_insensitive: bool = False,
) -> tuple[PatternSet, list[tuple[int, str]]]:
    """Compile ``patterns``; return the set and the (index, problem) of malformed lines.

    A malformed line (which git would never match) is left out of the set.
    """
    compiled: list[tuple[int, GitPattern]] = []
    problems: list[tuple[int, str]] = []
    for index, line in enumerate(patterns):
        try:
            parsed = parse_pattern(line, case_insensitive=case_insensitive)
        except PatternError as exc:
            problems.append((index, str(exc)))
            continue
        if parsed is not None:
            compiled.append((index, parsed))
    return PatternSet(tuple(patterns), tuple(compiled), case_insensitive), problems
