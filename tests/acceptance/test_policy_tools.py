"""`gatekeeper policy check`, `gatekeeper explain`, and the pre-commit hooks that run them."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from gatekeeper.core.model import ChangedPath
from gatekeeper.core.policy.classify import classify
from gatekeeper.local.policy_source import default_policy
from tests.support.bodies import complete_body
from tests.support.fixtures import REPO_ROOT

Cli = Callable[..., subprocess.CompletedProcess[str]]

BROKEN = """\
version: 1
classes:
  RED:
    pathz: [a]
    paths: ["[[:foo:]]", "ok/"]
  BLUE: {}
approval_reference_pattern: "("
exemptions:
  - name: bots
    authors: []
    paths: [x]
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_policy_check_reports_every_problem_with_its_line(gatekeeper_cli: Cli,
                                                         tmp_path: Path) -> None:
    policy = _write(tmp_path, "gk.yml", BROKEN)
    result = gatekeeper_cli("policy", "check", policy, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        f"{policy}:4: unknown key 'pathz' in classes.RED; the keys allowed there are: "
        "paths, case_insensitive, require",
        f"{policy}:5: classes.RED.paths[0]: invalid path pattern '[[:foo:]]': unknown "
        "character class [:foo:]",
        f"{policy}:6: unknown key 'BLUE' in classes; the keys allowed there are: AMBER, RED",
        f"{policy}:7: approval_reference_pattern is not a valid regular expression: "
        "missing ), unterminated subpattern at position 0",
        f"{policy}:10: exemptions[0].authors must list at least one item",
        f"{policy}: 5 problems",
    ]
    # Every file given is checked, an unreadable one too.
    both = gatekeeper_cli("policy", "check", tmp_path / "missing.yml", policy, cwd=tmp_path)
    assert both.returncode == 2
    assert both.stdout.splitlines()[0] == f"{tmp_path / 'missing.yml'}: policy not found"
    assert both.stdout.splitlines()[-1] == f"{policy}: 5 problems"
    # validate, which stops at the first, agrees that the file is unusable.
    assert gatekeeper_cli("validate", "--policy", policy, "-", stdin="x").returncode == 2


@pytest.mark.parametrize(("text", "expected"), [
    ("version: 2\n", ":1: version must be 1, not 2"),
    ("version: 1\nclasses:\n  RED:\n    paths: a\n", ":4: classes.RED.paths must be a list, "
                                                   "not text"),
    ("version: 1\nclasses: [\n", ":3: invalid YAML"),
    ("", ":1: the policy is empty"),
])
def test_policy_check_in_plain_words(gatekeeper_cli: Cli, tmp_path: Path, text: str,
                                     expected: str) -> None:
    policy = _write(tmp_path, "gk.yml", text)
    result = gatekeeper_cli("policy", "check", policy, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith(f"{policy}{expected}"), result.stdout


def test_policy_check_passes_a_valid_policy_and_finds_the_default(gatekeeper_cli: Cli,
                                                                  tmp_path: Path) -> None:
    shipped = REPO_ROOT / "gatekeeper" / "default_policy.yml"
    assert gatekeeper_cli("policy", "check", shipped).stdout == f"{shipped}: valid\n"
    (tmp_path / ".git").mkdir()
    none = gatekeeper_cli("policy", "check", cwd=tmp_path)
    assert none.returncode == 0
    assert "the embedded default policy applies" in none.stdout
    found = _write(tmp_path, ".github/gatekeeper.yaml", "version: 1\n")
    assert gatekeeper_cli("policy", "check", cwd=tmp_path / ".github").stdout == (
        f"{found}: valid\n")
    _write(tmp_path, ".github/gatekeeper.yml", "version: 1\n")
    both = gatekeeper_cli("policy", "check", cwd=tmp_path)
    assert both.returncode == 2
    assert "has both .github/gatekeeper.yml and .github/gatekeeper.yaml" in both.stdout


POLICY = """\
version: 1
classes:
  RED:
    paths:
      - auth/
      - "!auth/docs/"
      - "*.pem"
  AMBER:
    paths:
      - docs/
"""


def test_explain_names_the_pattern_and_its_line(gatekeeper_cli: Cli, tmp_path: Path) -> None:
    policy = _write(tmp_path, "gk.yml", POLICY)
    result = gatekeeper_cli("explain", "--policy", policy, "src/auth/login.py",
                            "certs/site.pem", "README.md", "docs/a.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"src/auth/login.py  RED    pattern auth/  ({policy}:5)",
        f"certs/site.pem     RED    pattern *.pem  ({policy}:7)",
        "README.md          GREEN  no AMBER or RED pattern matches",
        f"docs/a.md          AMBER  pattern docs/  ({policy}:10)",
    ]


def test_explain_shows_a_negation_and_the_embedded_default(gatekeeper_cli: Cli,
                                                          tmp_path: Path) -> None:
    result = gatekeeper_cli("explain", ".env.example", "src/auth/x.py", cwd=tmp_path)
    lines = result.stdout.splitlines()
    default = (REPO_ROOT / "gatekeeper" / "default_policy.yml").read_text(encoding="utf-8")
    line_of = {text.strip(): n for n, text in enumerate(default.splitlines(), start=1)}
    assert lines[0] == ".env.example   GREEN  no AMBER or RED pattern matches"
    negation = line_of['- "!.env.example"']
    assert lines[1].split() == ["not", "RED:", "!.env.example", "(the", "embedded",
                                "default", "policy,", "line", f"{negation})"]
    assert lines[2] == (f"src/auth/x.py  RED    pattern auth/  (the embedded default "
                        f"policy, line {line_of['- auth/']})")


@pytest.mark.parametrize("path", ["src/auth/a.py", "infra/main.tf", "README.md",
                                  ".github/workflows/ci.yml", "src/Auth/.env.example"])
def test_explain_agrees_with_the_classification(gatekeeper_cli: Cli, path: str) -> None:
    from gatekeeper.core.policy.explain import explain

    policy = default_policy()
    computed = classify([ChangedPath(path)], policy).computed_class
    assert explain([path], policy, {})[0].risk_class is computed
    assert f"  {computed.value}" in gatekeeper_cli("explain", path).stdout


@pytest.mark.parametrize("path", [".github/gatekeeper.yml", ".github/gatekeeper.yaml"])
def test_the_policy_under_either_name_is_red_by_default(path: str) -> None:
    # Adding .github/gatekeeper.yaml changes the gate as much as editing the .yml does.
    assert classify([ChangedPath(path)], default_policy()).computed_class.value == "RED"


def _hooks() -> dict[str, dict[str, object]]:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook), hook
        assert hook["language"] == "python"
    return {hook["id"]: hook for hook in hooks}


def _run_hook(hook: dict[str, object], args: list[str],
              cwd: Path) -> subprocess.CompletedProcess[str]:
    entry = shlex.split(str(hook["entry"]))
    assert entry[0] == "gatekeeper"
    return subprocess.run([sys.executable, "-m", "gatekeeper", *entry[1:], *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_pre_commit_policy_hook(tmp_path: Path) -> None:
    hook = _hooks()["gatekeeper-policy"]
    files = re.compile(str(hook["files"]))
    assert files.search(".github/gatekeeper.yml") and files.search(".github/gatekeeper.yaml")
    assert not files.search(".github/gatekeeper.yml.orig")
    assert not files.search("docs/.github/gatekeeper.yml")
    broken = _write(tmp_path, ".github/gatekeeper.yml", BROKEN)
    failed = _run_hook(hook, [str(broken)], tmp_path)
    assert failed.returncode == 2 and f"{broken}:4: unknown key 'pathz'" in failed.stdout
    broken.write_text("version: 1\n", encoding="utf-8")
    assert _run_hook(hook, [str(broken)], tmp_path).returncode == 0


def test_pre_commit_body_hook(tmp_path: Path) -> None:
    hook = _hooks()["gatekeeper-validate"]
    assert hook["pass_filenames"] is False
    body = _write(tmp_path, "PR_BODY.md", complete_body())
    assert _run_hook(hook, [str(body), "src/ui/a.py"], tmp_path).returncode == 0
    blocked = _run_hook(hook, [str(body), "src/auth/a.py"], tmp_path)
    assert blocked.returncode == 1 and "GK201" in blocked.stdout
    # a teammate without the body file: one line, and the push goes on
    body.unlink()
    skipped = _run_hook(hook, [str(body), "src/auth/a.py"], tmp_path)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert skipped.stdout == (f"gatekeeper validate: no {body}, skipped (write the pull "
                              "request's body there to check it before you push)\n")
    # the hook runs before a push, and its description says how to install it there
    assert hook["stages"] == ["pre-push", "manual"]
    assert "--hook-type pre-push" in hook["description"]
    assert "default_install_hook_types" in hook["description"]


def test_without_the_option_a_missing_body_is_still_an_error(tmp_path: Path,
                                                             gatekeeper_cli: Cli) -> None:
    missing = gatekeeper_cli("validate", str(tmp_path / "nope.md"), "a.py")
    assert missing.returncode == 2 and "nope.md" in missing.stderr


def test_a_bad_regex_reads_the_same_wherever_the_policy_is_read(
    tmp_path: Path, gatekeeper_cli: Cli,
) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text('version: 1\napproval_reference_pattern: "APR-(\\\\d+"\n',
                      encoding="utf-8")
    body = tmp_path / "body.md"
    body.write_text("## Summary\nx\n", encoding="utf-8")
    message = (f"{policy}:2: approval_reference_pattern is not a valid regular expression: "
               "missing ), unterminated subpattern at position 4")

    checked = gatekeeper_cli("policy", "check", str(policy))
    validated = gatekeeper_cli("validate", str(body), "--policy", str(policy), "a.py")
    explained = gatekeeper_cli("explain", "--policy", str(policy), "a.py")

    assert checked.returncode == validated.returncode == explained.returncode == 2
    assert checked.stdout.splitlines()[0] == message
    assert validated.stderr == f"gatekeeper: error: {message}\n"
    assert explained.stderr == f"gatekeeper: error: {message}\n"
