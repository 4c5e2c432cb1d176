"""The validate path stays fast without changing what it decides.

- `gatekeeper validate` never imports PyGithub or requests, nor the YAML parser or git's
  process machinery where the run has no YAML to read and no git to run.
- The short-lived process exit (no teardown) keeps the exit code and all output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


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


LOADED = """\
import atexit, json, sys
def report():
    with open(OUT, "w") as fh:
        json.dump(sorted({m.split(".")[0] for m in sys.modules}), fh)
atexit.register(report)
sys.argv = ["gatekeeper", *sys.argv[1:]]
from gatekeeper.cli import main
main()
"""


def _loaded(tmp_path: Path, *args: str) -> set[str]:
    """The top-level modules a run loads that the bare interpreter had not (a coverage
    measurement of the child, say, loads some of its own)."""
    out, bare = tmp_path / "loaded.json", tmp_path / "bare.json"
    done = _run(*args, cwd=tmp_path, code=f"OUT = {str(out)!r}\n" + LOADED)
    assert done.returncode in (0, 1), done.stderr
    nothing = LOADED.split("sys.argv =", 1)[0]
    assert _run(cwd=tmp_path, code=f"OUT = {str(bare)!r}\n" + nothing).returncode == 0
    return set(json.loads(out.read_text())) - set(json.loads(bare.read_text()))


def test_the_embedded_default_needs_no_yaml_parser_and_no_git(tmp_path: Path) -> None:
    # The embedded default is read from its JSON build; a body without a contract block
    # has no YAML either, and a run without --diff starts no git process.
    loaded = _loaded(tmp_path, "validate", str(EXAMPLES / "red-complete.md"),
                     "--changed-files", str(EXAMPLES / "red-complete.files"))
    assert "jsonschema" in loaded and "markdown_it" in loaded  # it did judge
    assert not loaded & {"yaml", "subprocess", "difflib"}
    assert not loaded & {"hashlib", "_hashlib"}  # OpenSSL: core/digest.py


def test_a_contract_block_or_a_policy_file_still_loads_the_yaml_parser(tmp_path: Path) -> None:
    block = _loaded(tmp_path, "validate", str(EXAMPLES / "agent-fenced-block.md"),
                    "--changed-files", str(EXAMPLES / "agent-fenced-block.files"))
    policy = tmp_path / "policy.yml"
    policy.write_text("version: 1\nclasses:\n  RED:\n    paths: [secret/]\n",
                      encoding="utf-8")
    from_file = _loaded(tmp_path, "validate", str(EXAMPLES / "red-complete.md"),
                        "--changed-files", str(EXAMPLES / "red-complete.files"),
                        "--policy", str(policy))
    assert "yaml" in block and "yaml" in from_file


@pytest.mark.parametrize(("example", "code"), [("red-complete", 0), ("under-declared", 1)])
def test_the_fast_exit_keeps_exit_code_and_output(tmp_path: Path, example: str,
                                                  code: int) -> None:
    done = _run("validate", str(EXAMPLES / f"{example}.md"), "--changed-files",
                str(EXAMPLES / f"{example}.files"), "--format", "json", cwd=tmp_path)
    assert done.returncode == code, done.stderr
    record = json.loads(done.stdout)  # complete: nothing lost at exit
    assert record["decision"] == ("pending" if code == 0 else "block")


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
