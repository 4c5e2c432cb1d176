"""The validate path stays fast without changing what it decides.

- Policy patterns compile once, for RE2's set match, with pathspec's own translation: the
  result of every check equals pathspec's GitIgnoreSpec, pattern for pattern.
- `gatekeeper validate` never imports PyGithub or requests.
- The short-lived process exit (no teardown) keeps the exit code and all output.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from gatekeeper.core import policy as policy_module
from gatekeeper.core.policy import compile_patterns

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HAS_RE2 = importlib.util.find_spec("re2") is not None

segment = st.text(alphabet="ab.-_*?[]!^\\/ x1", min_size=1, max_size=8)
pattern_text = st.lists(segment, min_size=1, max_size=4).map("/".join).map(
    lambda p: p if p.strip() else "a")
path_text = st.lists(st.sampled_from(["a", "b", "a.b", "x1", "_", ".a", "ab", "b-a"]),
                     min_size=1, max_size=5).map("/".join)


def _outcome(fn: object, *args: object) -> object:
    try:
        return ("ok", fn(*args))  # type: ignore[operator]
    except Exception as exc:
        return ("error", type(exc))


@given(segment)
@settings(max_examples=400, deadline=None)
def test_segment_translation_is_pathspecs(text: str) -> None:
    ours = _outcome(policy_module._SetMatchedPattern._translate_segment_glob, text, "raise")
    theirs = _outcome(GitIgnoreSpecPattern._translate_segment_glob, text, "raise")
    assert ours == theirs


@given(st.lists(pattern_text, min_size=1, max_size=12), st.lists(path_text, max_size=15))
@settings(max_examples=250, deadline=None)
def test_compiled_policy_patterns_match_like_pathspec(patterns: list[str],
                                                      paths: list[str]) -> None:
    try:
        reference = pathspec.GitIgnoreSpec.from_lines(patterns)
    except Exception:
        with pytest.raises(Exception):  # noqa: B017 - whatever pathspec refuses
            compile_patterns(patterns, file="policy.yml", line=1)
        return
    ours = compile_patterns(patterns, file="policy.yml", line=1)
    assert [str(p.pattern) for p in ours.patterns] == [str(p.pattern) for p in reference.patterns]
    for path in paths:
        got, want = ours.check_file(path), reference.check_file(path)
        assert (got.include, got.index) == (want.include, want.index), (patterns, path)


def test_default_policy_patterns_match_like_pathspec() -> None:
    from gatekeeper import resources
    from gatekeeper.core.policy import parse_policy

    policy = parse_policy(resources.text("default_policy.yml"), file="default",
                          schema=resources.schema("policy"))
    paths = [line.split()[-1] for example in EXAMPLES.glob("*.files")
             for line in example.read_text(encoding="utf-8").splitlines() if line.strip()]
    paths += ["src/auth/login.py", ".github/workflows/ci.yml", "db/migrations/0001.sql",
              "infra/main.tf", "README.md", "docs/auth.md", "CODEOWNERS", "a/.env"]
    for rule in policy.classes.values():
        reference = pathspec.GitIgnoreSpec.from_lines(list(rule.patterns))
        for path in paths:
            got, want = rule.spec.check_file(path), reference.check_file(path)
            assert (got.include, got.index) == (want.include, want.index), path


@pytest.mark.skipif(not HAS_RE2, reason="google-re2 is not installed")
def test_with_re2_no_pattern_is_compiled_with_re() -> None:
    spec = compile_patterns(["src/auth/", "*.pem", "!*.pub.pem"], file="p.yml", line=1)
    assert spec.match_file("src/auth/a.py") and spec.match_file("keys/k.pem")
    assert not spec.match_file("keys/k.pub.pem")
    for pattern in spec.patterns:
        assert isinstance(pattern.regex, policy_module._LazyRegex)
        assert pattern.regex._compiled is None  # RE2's set did all the matching


def test_lazy_regex_still_matches_alone() -> None:
    spec = compile_patterns(["src/**/secrets/", "*.key"], file="p.yml", line=1)
    first = spec.patterns[1]
    assert first.match_file("a/b.key") is not None
    assert first.match_file("a/b.txt") is None


def test_invalid_patterns_still_name_the_file_and_line() -> None:
    from gatekeeper.errors import GatekeeperError

    with pytest.raises(GatekeeperError) as caught:
        compile_patterns(["src\\"], file="policy.yml", line=7)
    assert "policy.yml" in str(caught.value) and "7" in str(caught.value)


# -- the process ---------------------------------------------------------------------------

def _run(*args: str, cwd: Path, code: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-c", code, *args] if code else [
        sys.executable, "-m", "gatekeeper", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          check=False, timeout=60)


PROBE = """\
import atexit, json, os, sys
def report():
    forbidden = sorted(m for m in sys.modules if m.split(".")[0] in ("github", "requests"))
    with open(os.environ["GK_PROBE_OUT"], "w") as fh:
        json.dump(forbidden, fh)
atexit.register(report)
sys.argv = ["gatekeeper", *sys.argv[1:]]
from gatekeeper.cli import main
main()
"""


@pytest.mark.parametrize("example", ["red-complete", "under-declared"])
def test_validate_never_imports_pygithub_or_requests(tmp_path: Path, example: str) -> None:
    out = tmp_path / "modules.json"
    env_probe = PROBE.replace('os.environ["GK_PROBE_OUT"]', repr(str(out)))
    done = _run("validate", str(EXAMPLES / f"{example}.md"), "--changed-files",
                str(EXAMPLES / f"{example}.files"), cwd=tmp_path, code=env_probe)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(out.read_text()) == []


def test_validate_imports_neither_per_importtime(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gatekeeper", "validate",
         str(EXAMPLES / "red-complete.md"), "--changed-files",
         str(EXAMPLES / "red-complete.files")],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "gatekeeper.cli" in imported
    assert not {m for m in imported if m.split(".")[0] in ("github", "requests")}


@pytest.mark.parametrize(("example", "code"), [("red-complete", 0), ("under-declared", 1)])
def test_the_fast_exit_keeps_exit_code_and_output(tmp_path: Path, example: str,
                                                  code: int) -> None:
    done = _run("validate", str(EXAMPLES / f"{example}.md"), "--changed-files",
                str(EXAMPLES / f"{example}.files"), "--format", "json", cwd=tmp_path)
    assert done.returncode == code, done.stderr
    record = json.loads(done.stdout)  # complete: nothing lost at exit
    assert record["decision"] == ("pass" if code == 0 else "block")


def test_the_fast_exit_keeps_usage_errors(tmp_path: Path) -> None:
    done = _run("validate", str(tmp_path / "missing.md"), cwd=tmp_path)
    assert done.returncode == 2
    assert "missing.md" in done.stderr


def test_the_fast_exit_flushes_output_through_a_pipe(tmp_path: Path) -> None:
    # More output than a pipe holds (64 KiB), read as the process exits: all of it arrives.
    files = tmp_path / "changed.txt"
    files.write_text("".join(f"src/auth/module_{n:04d}.py\n" for n in range(3000)),
                     encoding="utf-8")
    done = _run("validate", str(EXAMPLES / "red-complete.md"), "--changed-files", str(files),
                "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 65536
    assert len(json.loads(done.stdout)["red_paths"]) == 3000
