"""The path matcher agrees with git on every measured case (tests/fixtures/git/README.md)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from gatekeeper.core.policy import patterns
from gatekeeper.core.policy.patterns import compile_pattern_set
from tests.support.fixtures import REPO_ROOT

CASES = REPO_ROOT / "tests" / "fixtures" / "git" / "gitignore-cases.json"


def _load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CASES.read_text(encoding="utf-8"))
    return data


def test_the_oracle_is_the_measured_one() -> None:
    data = _load()
    assert data["git_version"] == "2.55.0"
    assert data["count"] == len(data["cases"]) == 1567


def _groups() -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in _load()["cases"]:
        groups[case["id"]].append(case)
    return groups


GROUPS = _groups()


@pytest.mark.parametrize("case_id", sorted(GROUPS))
def test_matches_like_git(case_id: str) -> None:
    wrong = []
    for case in GROUPS[case_id]:
        # A pattern git treats as malformed never matches: the policy loader rejects it,
        # the matcher leaves it out.
        matcher, _problems = compile_pattern_set(case["patterns"])
        if matcher.match_file(case["path"]) is not case["git_matched"]:
            wrong.append((case["patterns"], case["path"], case["git_matched"]))
    assert not wrong


def test_every_case_agrees_in_one_pass() -> None:
    disagreements = [
        case for case in _load()["cases"]
        if compile_pattern_set(case["patterns"])[0].match_file(case["path"])
        is not case["git_matched"]
    ]
    assert disagreements == []


def test_every_case_agrees_without_re2(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python's re is the matcher where RE2 is missing or refuses a pattern list: it must
    # decide every case as git does too.
    monkeypatch.setattr(patterns, "_re2", None)
    sets = [compile_pattern_set(case["patterns"])[0] for case in _load()["cases"]]
    assert all(s._matcher(False).set is None for s in sets)
    disagreements = [
        case for case, matcher in zip(_load()["cases"], sets, strict=True)
        if matcher.match_file(case["path"]) is not case["git_matched"]
    ]
    assert disagreements == []
