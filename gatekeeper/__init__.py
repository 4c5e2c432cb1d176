"""Gatekeeper: an authority contract and enforcement layer for pull requests.

What this build is: the version (from the repository's tags) and the full commit it was
built from, which ``hatch_build.py`` writes into ``gatekeeper/_build.py`` at build time. A
source tree that was never built (no ``_build.py``), or a build without git metadata,
reports version ``0+unknown`` or commit ``None``: ``gatekeeper --version`` says so, and
``gatekeeper init`` then asks for the commit to pin.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Build:
    version: str
    commit: str | None  # the full SHA, or None when the build had no git metadata
    dirty: bool = False  # built from a working tree with uncommitted changes

    def describe(self) -> str:
        """``1.2.0 (commit 0123...cdef)``: the version and the commit, in one string."""
        if self.commit is None:
            return f"{self.version} (commit unknown: built without git metadata)"
        changes = ", with uncommitted changes" if self.dirty else ""
        return f"{self.version} (commit {self.commit}{changes})"


def _this_build() -> Build:
    try:
        from gatekeeper import _build  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return Build("0+unknown", None)
    commit = getattr(_build, "COMMIT", None)
    return Build(str(_build.VERSION), commit if isinstance(commit, str) else None,
                 bool(getattr(_build, "DIRTY", False)))


BUILD = _this_build()
__version__ = BUILD.version
