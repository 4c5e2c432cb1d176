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
from functools import lru_cache
from typing import Any

try:  # RE2 matches a whole pattern list in one pass; without it, Python's re does.
    import re2 as _re2  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - google-re2 is a dependency
    _re2 = None

def _span(*ranges: tuple[int, int]) -> frozenset[int]:
    return frozenset(b for low, high in ranges for b in range(low, high + 1))


# git's ctype: ASCII only.
_POSIX_CLASSES: dict[str, frozenset[int]] = {
    "alnum": _span((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
    "alpha": _span((0x41, 0x5A), (0x61, 0x7A)),
    "blank": _span((0x20, 0x20), (0x09, 0x09)),
    "cntrl": _span((0x00, 0x1F), (0x7F, 0x7F)),
    "digit": _span((0x30, 0x39)),
    "graph": _span((0x21, 0x7E)),
    "lower": _span((0x61, 0x7A)),
    "print": _span((0x20, 0x7E)),
    "punct": _span((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)),
    "space": _span((0x09, 0x0D), (0x20, 0x20)),
    "upper": _span((0x41, 0x5A)),
    "xdigit": _span((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
}
_NEVER = b"[^\\x00-\\xff]"  # matches nothing, in Python's re and in RE2 alike


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
    case_insensitive: bool = False

    @property
    def regex(self) -> re.Pattern[bytes]:
        return _compiled(self.source, self.case_insensitive)


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


def _literal(value: int) -> bytes:
    """One byte as a regex literal both Python's re and RE2 read the same way."""
    char = bytes([value])
    return char if char.isalnum() and value < 0x80 else b"\\x%02x" % value


def _class(members: set[int]) -> bytes:
    """A byte class of ``members`` (never "/", which no bracket matches in a path)."""
    members.discard(ord("/"))
    if not members:
        return _NEVER
    ranges: list[bytes] = []
    ordered = sorted(members)
    low = previous = ordered[0]
    for value in [*ordered[1:], -2]:
        if value != previous + 1:
            ranges.append(b"\\x%02x" % low if low == previous
                          else b"\\x%02x-\\x%02x" % (low, previous))
            low = value
        previous = value
    return b"[" + b"".join(ranges) + b"]"


def _bracket(pattern: bytes, start: int) -> tuple[bytes, int]:
    """Translate the bracket expression at ``pattern[start] == '['``; return (regex, end).

    Follows wildmatch.c: ``!`` or ``^`` negates, a ``]`` first is literal, a backslash
    escapes, ``a-z`` ranges, ``[:class:]`` POSIX classes; an unknown class or a missing
    ``]`` makes the pattern malformed.
    """
    position = start + 1
    if position >= len(pattern):
        raise PatternError("unterminated [ bracket expression")
    negated = pattern[position] in b"!^"
    if negated:
        position += 1
    members: set[int] = set()
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
            members.add(char)
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
            members.update(range(previous, end + 1))
            previous = None
        elif char == ord("[") and position + 1 < len(pattern) and pattern[position + 1] == ord(":"):
            close = pattern.find(b"]", position + 2)
            if close < 0:
                raise PatternError("unterminated [ bracket expression")
            name = pattern[position + 2:close]
            if not name or not name.endswith(b":"):
                members.add(char)  # no ":]": a plain "[" in the set
                previous = char
            else:
                found = _POSIX_CLASSES.get(name[:-1].decode("ascii", "replace"))
                if found is None:
                    shown = name.decode(errors="replace")
                    raise PatternError(f"unknown character class [:{shown}]")
                members.update(found)
                previous = None
                position = close
        else:
            members.add(char)
            previous = char
        position += 1
    if negated:
        members = set(range(256)) - members
    return _class(members), position


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
                return _NEVER  # a trailing backslash matches nothing
            out.append(_literal(pattern[position]))
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
                if after == b"" and not escaped_slash:
                    out.append(b".*")
                else:
                    out.append(b"(?:.*/)?")  # "**/": zero or more whole folders
                    position += 2 if escaped_slash else 1
            else:
                out.append(b"[^/]*")
        elif char == ord("["):
            regex, position = _bracket(pattern, position)
            out.append(regex)
        else:
            out.append(_literal(char))
        position += 1
    return b"".join(out)


def parse_pattern(line: str, *, case_insensitive: bool = False) -> GitPattern | None:
    """One .gitignore line as git reads it; None for a blank line or a comment.

    Raises PatternError for a pattern git treats as malformed (it would never match).
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
    return GitPattern(text=line, negative=negative, dir_only=dir_only, basename=basename,
                      source=source, case_insensitive=case_insensitive)


@lru_cache(maxsize=8192)
def _compiled(source: bytes, case_insensitive: bool) -> re.Pattern[bytes]:
    # Bytes patterns fold ASCII letters only, as git's core.ignorecase does.
    flags = re.DOTALL | (re.IGNORECASE if case_insensitive else 0)
    return re.compile(b"(?:" + source + b")\\Z", flags)


@dataclass(frozen=True)
class Match:
    """Whether a path is matched, and by which pattern line (index into the list)."""

    matched: bool
    index: int | None


NO_MATCH = Match(False, None)


class _Matcher:
    """Which patterns of a list match a subject: all at once (an RE2 set), or one by one."""

    def __init__(self, patterns: list[tuple[int, GitPattern]], case_insensitive: bool) -> None:
        self.patterns = patterns
        self.case_insensitive = case_insensitive
        self.any: re.Pattern[bytes] | None = None
        self.set: Any = None
        self.set_match: Any = None
        # One result per pattern, made once: a path's check then allocates nothing.
        self.results = [Match(not pattern.negative, index) for index, pattern in patterns]
        sources = [p.source for _, p in patterns]
        ascii_only = all(source.isascii() for source in sources)
        if _re2 is not None and sources and (ascii_only or not case_insensitive):
            self.set = _re2_set(sources, case_insensitive)
        if self.set is not None:
            # The wrapper's Match (a Python call that only passes bytes on) costs as much
            # as the match itself on thousands of paths: call what it calls where it says.
            self.set_match = getattr(getattr(self.set, "_set", None), "Match", self.set.Match)
        else:
            body = b"|".join(sources) if sources else _NEVER
            self.any = _compiled(body, case_insensitive)

    def last(self, subject: bytes) -> Match:
        if self.set_match is not None:
            ids = self.set_match(subject)
            return self.results[max(ids)] if ids else NO_MATCH
        if self.any is None or not self.any.match(subject):
            return NO_MATCH
        for position in range(len(self.patterns) - 1, -1, -1):
            if self.patterns[position][1].regex.match(subject):
                return self.results[position]
        return NO_MATCH


def _re2_set(sources: list[bytes], case_insensitive: bool) -> Any:
    assert _re2 is not None
    options = _re2.Options()
    options.encoding = _re2.Options.Encoding.LATIN1  # bytes, as git compares them
    options.dot_nl = True
    options.never_capture = True
    options.case_sensitive = not case_insensitive
    options.log_errors = False
    options.max_mem = 64 << 20
    regex_set = _re2.Set.FullMatchSet(options)
    try:
        for source in sources:
            regex_set.Add(source)
        regex_set.Compile()
    except Exception:  # any RE2 refusal falls back to Python's re
        return None
    return regex_set


@dataclass
class PatternSet:
    """A list of patterns matched as one .gitignore file."""

    patterns: tuple[str, ...]
    compiled: tuple[tuple[int, GitPattern], ...]
    case_insensitive: bool = False
    _cache: dict[str, Match] = field(default_factory=dict, repr=False)
    _matchers: dict[bool, _Matcher] = field(default_factory=dict, repr=False)

    def _matcher(self, is_dir: bool) -> _Matcher:
        matcher = self._matchers.get(is_dir)
        if matcher is None:
            chosen = [(i, p) for i, p in self.compiled if is_dir or not p.dir_only]
            matcher = _Matcher(chosen, self.case_insensitive)
            self._matchers[is_dir] = matcher
        return matcher

    def _last(self, path: bytes, is_dir: bool) -> Match:
        return self._matcher(is_dir).last(path)

    def _directory(self, folder: str) -> Match:
        cached = self._cache.get(folder)
        if cached is not None:
            return cached
        parent = folder.rpartition("/")[0]
        result = self._directory(parent) if parent else NO_MATCH
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

    def check_normalized(self, paths: list[str]) -> list[Match]:
        """``check()`` of each path, for paths as ``classify.normalize_path`` gives them
        (nothing to normalize): one call for a whole list."""
        last = self._matcher(False).last
        cache, directory = self._cache, self._directory
        results: list[Match] = []
        for path in paths:
            parent = path.rpartition("/")[0]
            if parent:
                folder = cache.get(parent) or directory(parent)
                if folder.matched:
                    results.append(folder)
                    continue
            results.append(last(path.encode("utf-8", "surrogateescape")))
        return results

    def check_folder(self, path: str) -> Match:
        """The decision git makes for the folder ``path``: as if it had a trailing slash, so
        folder patterns (``auth/``) match it as well as the patterns any path matches."""
        path = "/".join(part for part in path.split("/") if part not in ("", "."))
        return self._directory(path) if path else NO_MATCH

    def match_file(self, path: str) -> bool:
        return self.check(path).matched


def compile_pattern_set(
    patterns: list[str], *, case_insensitive: bool = False,
) -> tuple[PatternSet, list[tuple[int, str]]]:
    """Compile ``patterns``; return the set and the (index, problem) of malformed lines.

    A malformed line (which git would never match) is left out of the set. Translation is
    eager and linear; the RE2 sets (or Python's re, without RE2) are built on first use.
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
