"""Classification of changed paths, checked against git itself for gitignore semantics."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatekeeper.core.model import ChangedPath, RiskClass
from gatekeeper.core.policy.classify import classify, normalize_path
from gatekeeper.core.policy.load import Policy
from tests.support.fixtures import load_policy_text

# --- the embedded default policy ---------------------------------------------------------

DEFAULT_RED = {
    # authentication and authorization
    "src/auth/login.py": "auth/",
    "services/api/authz/rules.py": "authz/",
    "app/oauth/callback.py": "oauth/",
    "src/auth.py": "auth.*",
    "lib/user_auth.go": "*_auth.*",
    # secrets and credentials, dotfiles included
    ".env": ".env",
    ".env.production": ".env.*",
    "config/.env.local": ".env.*",
    "config/db_credentials.json": "*credential*",
    "deploy/tls/server.pem": "*.pem",
    "keys/id_ed25519.pub": "id_ed25519*",
    ".npmrc": ".npmrc",
    # cryptography
    "lib/crypto/aes.py": "crypto/",
    "src/encryption.py": "*encrypt*",
    # payments and billing
    "src/payments/stripe.py": "payments/",
    "src/billing_service.py": "*billing*.*",
    # database migrations
    "db/migrations/0042_add_index.py": "migrations/",
    "alembic/versions/1a2b.py": "alembic/",
    # infrastructure as code
    "infra/main.tf": "*.tf",
    "Pulumi.prod.yaml": "Pulumi*.yaml",
    # CI workflows and code ownership
    ".github/workflows/ci.yml": ".github/workflows/",
    ".gitlab-ci.yml": ".gitlab-ci.yml",
    "CODEOWNERS": "CODEOWNERS",
    ".github/CODEOWNERS": "CODEOWNERS",
    # Gatekeeper's own policy and workflow
    ".github/gatekeeper.yml": ".github/gatekeeper.yml",
    ".github/workflows/gatekeeper.yml": ".github/workflows/",
    # submodule definitions
    ".gitmodules": ".gitmodules",
}
DEFAULT_AMBER = {
    "package.json": "package.json",
    "web/package-lock.json": "package-lock.json",
    "requirements-dev.txt": "requirements*.txt",
    "Dockerfile": "Dockerfile",
    "deploy/k8s/app.yaml": "deploy/",  # git names the outermost matched folder
}
DEFAULT_GREEN = ["src/app.py", "README.md", "docs/authoring.md", "src/author.py",
                 ".env.example", "config/.env.example", ".github/pull_request_template.md",
                 "infra/README.md"]


@pytest.mark.parametrize(("path", "pattern"), sorted(DEFAULT_RED.items()))
def test_default_policy_red_paths(path: str, pattern: str, default_policy: Policy) -> None:
    result = classify([ChangedPath(path)], default_policy)
    assert result.computed_class is RiskClass.RED
    assert [(m.path, m.risk_class, m.pattern) for m in result.matches] == [
        (path, RiskClass.RED, pattern)]


@pytest.mark.parametrize(("path", "pattern"), sorted(DEFAULT_AMBER.items()))
def test_default_policy_amber_paths(path: str, pattern: str, default_policy: Policy) -> None:
    result = classify([ChangedPath(path)], default_policy)
    assert result.computed_class is RiskClass.AMBER
    assert [(m.path, m.risk_class, m.pattern) for m in result.matches] == [
        (path, RiskClass.AMBER, pattern)]


@pytest.mark.parametrize("path", DEFAULT_GREEN)
def test_default_policy_green_paths(path: str, default_policy: Policy) -> None:
    result = classify([ChangedPath(path)], default_policy)
    assert result.computed_class is RiskClass.GREEN
    assert result.matches == ()


POLICY = """\
version: 1
classes:
  RED:
    paths: [auth/, "*.pem", "!test-fixture.pem", "/Jenkinsfile", "docs/**/secrets.md"]
  AMBER:
    paths: [package.json, "deploy/", "*.pem"]
"""


def test_highest_class_wins_and_each_path_reports_its_pattern() -> None:
    policy = load_policy_text(POLICY)
    result = classify([ChangedPath("src/app.py"), ChangedPath("package.json"),
                       ChangedPath("certs/server.pem")], policy)
    assert result.computed_class is RiskClass.RED
    assert [(m.path, m.risk_class.value, m.pattern) for m in result.matches] == [
        ("package.json", "AMBER", "package.json"),
        ("certs/server.pem", "RED", "*.pem"),  # in both classes: only the higher counts
    ]
    only_amber = classify([ChangedPath("deploy/app.yaml"), ChangedPath("README")], policy)
    assert only_amber.computed_class is RiskClass.AMBER


def test_no_paths_is_green() -> None:
    assert classify([], load_policy_text(POLICY)).computed_class is RiskClass.GREEN


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Jenkinsfile", "RED"),         # anchored at the root
        ("ci/Jenkinsfile", "GREEN"),     # ... and only there
        ("test-fixture.pem", "AMBER"),   # negated in RED, still AMBER
        ("docs/secrets.md", "RED"),      # ** spans zero folders
        ("docs/a/b/secrets.md", "RED"),  # ... or several
        ("src/auth", "GREEN"),           # a file named like a folder pattern
        ("src/auth/x", "RED"),
    ],
)
def test_gitignore_semantics(path: str, expected: str) -> None:
    assert classify([ChangedPath(path)], load_policy_text(POLICY)).computed_class.value == expected


def test_rename_counts_under_both_paths() -> None:
    policy = load_policy_text(POLICY)
    out_of_red = classify([ChangedPath("src/session.py", old_path="src/auth/session.py")], policy)
    assert out_of_red.computed_class is RiskClass.RED
    assert [(m.path, m.pattern) for m in out_of_red.matches] == [("src/auth/session.py", "auth/")]
    into_red = classify([ChangedPath("src/auth/tokens.py", old_path="src/util/tokens.py")], policy)
    assert [(m.path, m.pattern) for m in into_red.matches] == [("src/auth/tokens.py", "auth/")]
    assert ChangedPath("b", old_path="a").all_paths() == ("a", "b")


def test_paths_are_normalized_and_listed_once() -> None:
    policy = load_policy_text(POLICY)
    result = classify([ChangedPath("./src/auth/a.py"), ChangedPath("/src/auth/a.py"),
                       ChangedPath("src\\auth\\a.py")], policy)
    assert [(m.path, m.pattern) for m in result.matches] == [("src/auth/a.py", "auth/")]
    assert normalize_path("././x/y") == "x/y"


def _normalized_the_long_way(path: str) -> str:
    return "/".join(part for part in path.replace("\\", "/").split("/")
                    if part not in ("", "."))


@given(st.text(alphabet="a./\\\n ", max_size=12))
def test_the_quick_path_of_normalizing_changes_nothing(path: str) -> None:
    # normalize_path returns most paths untouched without splitting them; that shortcut
    # must give exactly what splitting and joining gives, for every path.
    assert normalize_path(path) == _normalized_the_long_way(path)


@pytest.mark.parametrize("path", ["", ".", "./", "a/.", "a/./b", "/a", "a/", "a//b", "a\\b",
                                  "./a", "a/.\n", ".a/b.", "a/..b"])
def test_normalizing_edge_cases(path: str) -> None:
    assert normalize_path(path) == _normalized_the_long_way(path)


# --- differential test against git check-ignore ---------------------------------------

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")

PATH_SEGMENTS = ["a", "b", "ab", "auth", "a.b", "x.key", ".env", ".hidden", "a b"]
PATTERN_SEGMENTS = ["a", "b", "ab", "auth", "x.key", ".env", ".hidden",
                    "*", "?", "a*", "*b", "*.key", ".*", "a?", "**"]
SEEDS = range(160)


def _pattern(rng: random.Random) -> str:
    segments = [rng.choice(PATTERN_SEGMENTS) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
    pattern = "/".join(segments)
    if rng.random() < 0.25:
        pattern = "/" + pattern   # anchored
    if rng.random() < 0.25:
        pattern += "/"            # folders only
    if rng.random() < 0.25:
        pattern = "!" + pattern   # negation
    return pattern


def _path(rng: random.Random) -> str:
    return "/".join(rng.choice(PATH_SEGMENTS) for _ in range(rng.choice((1, 2, 2, 3, 4))))


def _case(seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    patterns = [_pattern(rng) for _ in range(rng.randint(1, 6))]
    paths = sorted({_path(rng) for _ in range(40)})
    return patterns, paths


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def _git_check_ignore(repo: Path, patterns: list[str],
                      queries: list[str]) -> dict[str, tuple[bool, str]]:
    """One `git check-ignore --no-index --stdin -z -v -n` call: path -> (ignored, pattern)."""
    (repo / ".gitignore").write_text("\n".join(patterns) + "\n", encoding="utf-8")
    result = subprocess.run(
        [str(GIT), "-c", "core.excludesFile=/dev/null", "check-ignore", "--no-index",
         "--stdin", "-z", "-v", "-n"],
        cwd=repo, input="\0".join(queries) + "\0", capture_output=True, text=True,
        check=False, env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)},
    )
    # exit 0: some path matched, 1: none matched; with -n both print every path
    assert result.returncode in (0, 1), result.stderr
    fields = result.stdout.split("\0")
    answers: dict[str, tuple[bool, str]] = {}
    for position in range(0, len(fields) - 1, 4):
        _source, _line, pattern, path = fields[position:position + 4]
        answers[path] = (bool(pattern) and not pattern.startswith("!"), pattern)
    assert set(answers) == set(queries)
    return answers


def _red_policy(patterns: list[str]) -> Policy:
    listed = ", ".join(json.dumps(p) for p in patterns)
    return load_policy_text(f"version: 1\nclasses:\n  RED:\n    paths: [{listed}]\n")


@pytest.fixture(scope="module")
def git_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("oracle")
    subprocess.run([str(GIT), "init", "-q", str(repo)], check=True,
                   env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)})
    return repo


@needs_git
def test_git_oracle_behaviour_that_the_comparison_relies_on(git_repo: Path) -> None:
    """What git really does, pinned so that a change in git shows up here first."""
    answers = _git_check_ignore(
        git_repo, ["auth/", "!auth/public.py", "foo/**/", "*.key", "!keep.key"],
        ["auth/public.py", "src/auth/x.py", "auth", "foo/file", "foo/sub/file", "a.key",
         "x/keep.key", "src/auth/"],
    )
    assert answers == {
        # a file under an excluded folder cannot be re-included; git names the folder pattern
        "auth/public.py": (True, "auth/"),
        "src/auth/x.py": (True, "auth/"),
        # a path that is not a folder does not match a folder pattern
        "auth": (False, ""),
        # `foo/**/` matches folders inside foo/, not files directly in it
        "foo/file": (False, ""),
        "foo/sub/file": (True, "foo/**/"),
        "a.key": (True, "*.key"),
        "x/keep.key": (False, "!keep.key"),
        "src/auth/": (True, "auth/"),
    }


@needs_git
def test_classification_agrees_with_git_check_ignore(git_repo: Path) -> None:
    """Random pattern lists and paths: Gatekeeper's RED must be exactly git's "ignored".

    Every disagreement is a failure, re-includes under an excluded folder and `dir/**/`
    included.
    """
    unexplained: list[str] = []
    agreed: Counter[str] = Counter()
    features: Counter[str] = Counter()
    for seed in SEEDS:
        patterns, paths = _case(seed)
        for pattern in patterns:
            features.update(feature for feature, present in (
                ("negation", pattern.startswith("!")), ("doublestar", "**" in pattern),
                ("anchored", pattern.lstrip("!").startswith("/")),
                ("folder", pattern.endswith("/")), ("dotfile", "." in pattern),
                ("star", "*" in pattern.replace("**", "")), ("question", "?" in pattern),
            ) if present)
        ancestors = sorted({a for p in paths for a in _ancestors(p)})
        git = _git_check_ignore(git_repo, patterns, paths + ancestors)
        result = classify([ChangedPath(p) for p in paths], _red_policy(patterns))
        ours = {m.path: m.pattern for m in result.matches}
        assert all(m.risk_class is RiskClass.RED for m in result.matches)
        for path in paths:
            git_red, git_pattern = git[path]
            our_red = path in ours
            parent_excluded = any(git[a][0] for a in _ancestors(path))
            if git_red == our_red:
                agreed["RED" if our_red else "GREEN"] += 1
                # The pattern reported is the one git names.
                if our_red and not parent_excluded and ours[path] != git_pattern:
                    unexplained.append(f"seed {seed} {patterns} {path!r}: pattern "
                                       f"{ours[path]!r}, git {git_pattern!r}")
                continue
            unexplained.append(f"seed {seed} {patterns} {path!r}: gatekeeper "
                                   f"{'RED' if our_red else 'GREEN'}, git "
                                   f"{'ignored by ' + git_pattern if git_red else 'not ignored'}")
    assert not unexplained, "\n".join(unexplained[:20])
    # The corpus really exercises what it claims to.
    assert agreed["RED"] > 1000 and agreed["GREEN"] > 1000, agreed
    for feature in ("negation", "doublestar", "anchored", "folder", "dotfile", "star",
                    "question"):
        assert features[feature] >= 20, features


def test_reinclude_under_excluded_folder_follows_git() -> None:
    policy = _red_policy(["auth/", "!auth/public.py"])
    assert classify([ChangedPath("auth/public.py")], policy).computed_class is RiskClass.RED


def test_doublestar_folder_pattern_follows_git() -> None:
    policy = _red_policy(["foo/**/"])
    assert classify([ChangedPath("foo/file")], policy).computed_class is RiskClass.GREEN
