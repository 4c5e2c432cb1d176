"""Policies match paths the way git does; malformed patterns are errors with their line."""

from __future__ import annotations

import pytest

from gatekeeper.core.model import ChangedPath, RiskClass
from gatekeeper.core.policy.classify import classify
from gatekeeper.core.policy.load import Policy
from gatekeeper.errors import GatekeeperError
from tests.support.fixtures import load_policy_text


def red(*patterns: str, case_insensitive: bool = False) -> Policy:
    items = "".join(f"      - {p!r}\n".replace("'", '"') if "'" in p else f"      - '{p}'\n"
                    for p in patterns)
    flag = "    case_insensitive: true\n" if case_insensitive else ""
    return load_policy_text(f"version: 1\nclasses:\n  RED:\n{flag}    paths:\n{items}")


def cls(policy: Policy, path: str) -> RiskClass:
    return classify([ChangedPath(path)], policy).computed_class


@pytest.mark.parametrize("path", [
    "src/auth/.env.example", "src/payments/.env.sample", ".github/workflows/.env.template",
    "Migrations/0001.py", "src/Auth/login.py", "infra/main.TF", "SRC/PAYMENTS/x.py",
])
def test_default_policy_red_inside_red_folders_and_in_any_case(
        path: str, default_policy: Policy) -> None:
    assert cls(default_policy, path) is RiskClass.RED


@pytest.mark.parametrize("path", [".env.example", "config/.env.sample", "docs/README.md"])
def test_default_policy_still_green(path: str, default_policy: Policy) -> None:
    assert cls(default_policy, path) is RiskClass.GREEN


def test_case_sensitive_unless_asked() -> None:
    assert cls(red("migrations/"), "Migrations/x.py") is RiskClass.GREEN
    assert cls(red("migrations/", case_insensitive=True), "Migrations/x.py") is RiskClass.RED


def test_excluded_folder_cannot_be_re_included() -> None:
    policy = red("auth/", "!auth/public.py", "!auth/**")
    result = classify([ChangedPath("auth/public.py")], policy)
    assert result.computed_class is RiskClass.RED
    assert result.matches[0].pattern == "auth/"


@pytest.mark.parametrize(("patterns", "path", "expected"), [
    (("db/migrate/[[:digit:]]*.rb",), "db/migrate/20240101_add.rb", True),
    (("db/migrate/[[:digit:]]*.rb",), "db/migrate/add.rb", False),
    (("foo/**/",), "foo/file", False),
    (("foo/**/",), "foo/sub/file", True),
    (("a/***/b",), "a/x/y/b", True),
    (("[!a]uth.py",), "auth.py", False),
    (("[!a]uth.py",), "Auth.py", True),
    (("x[\\]]y",), "x]y", True),
    (("secret\\ ",), "secret ", True),
    (("secret  ",), "secret", True),
])
def test_git_semantics(patterns: tuple[str, ...], path: str, expected: bool) -> None:
    assert (cls(red(*patterns), path) is RiskClass.RED) is expected


@pytest.mark.parametrize("bad", ["db/[[:digits:]]*.rb", "src/[abc", "!", "tail\\\\["])
def test_malformed_pattern_names_its_own_line(bad: str) -> None:
    text = ("version: 1\nclasses:\n  RED:\n    paths:\n      - ok/\n      - also/\n"
            f"      - '{bad}'\n")
    with pytest.raises(GatekeeperError) as caught:
        load_policy_text(text, file="conf/gatekeeper.yml")
    assert caught.value.line == 7
    assert caught.value.file == "conf/gatekeeper.yml"
    assert "invalid path pattern" in caught.value.message


def test_malformed_exemption_pattern_names_its_line() -> None:
    text = ("version: 1\nexemptions:\n  - name: bots\n    authors: [bot]\n    paths:\n"
            "      - a.lock\n      - '[[:nope:]]'\n")
    with pytest.raises(GatekeeperError) as caught:
        load_policy_text(text)
    assert caught.value.line == 7
