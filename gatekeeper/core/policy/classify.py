"""Classify changed paths into risk classes with git's own .gitignore semantics."""

from __future__ import annotations

import re
from collections.abc import Iterable

from gatekeeper.core.model import ChangedPath, Classification, PathMatch, RiskClass, highest
from gatekeeper.core.policy.load import Policy

_DESCENDING = (RiskClass.RED, RiskClass.AMBER)
# A backslash, an empty part (a leading, trailing or doubled "/") or a "." part.
_NEEDS_NORMALIZING = re.compile(r"\\|//|\A/|/\Z|(?:\A|/)\.(?:/|\Z)|\A\Z")


def normalize_path(path: str) -> str:
    """Paths as git prints them: forward slashes, no leading ``./`` or ``/``."""
    if not _NEEDS_NORMALIZING.search(path):
        return path  # what git, the API and most lists give: nothing to do
    parts = path.replace("\\", "/").split("/")
    return "/".join(part for part in parts if part not in ("", "."))


def classify(changes: Iterable[ChangedPath], policy: Policy) -> Classification:
    """The highest class each path falls in, the pattern that put it there, and the maximum.

    A rename is judged under its old and its new path. A submodule is judged as the folder
    it is, and as a file too where that ranks higher (a folder-only ``!`` pattern never
    lowers it); so is a path whose list does not say which it is.
    """
    rules = [(cls, policy.classes[cls]) for cls in _DESCENDING if cls in policy.classes]
    matches: list[PathMatch] = []
    seen: set[str] = set()
    for change in changes:
        for raw in change.all_paths():
            path = normalize_path(raw)
            if path in seen:
                continue
            seen.add(path)
            for risk_class, rule in rules:
                result = rule.spec.check(path)
                if (change.submodule or change.may_be_folder) and not result.matched:
                    result = rule.spec.check_folder(path)
                if result.matched and result.index is not None:
                    matches.append(PathMatch(path, risk_class, rule.spec.patterns[result.index],
                                             submodule=change.submodule))
                    break
    return Classification(
        computed_class=highest([m.risk_class for m in matches]),
        matches=tuple(matches),
        paths_judged=len(seen),
    )
