"""Shared fixtures: the shipped schemas, policies built from YAML, evaluate() and the CLI."""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from gatekeeper import resources
from gatekeeper.core.decide import evaluate
from gatekeeper.core.model import ChangedPath, Decision
from gatekeeper.core.policy.load import Policy, parse_policy

REPO_ROOT = Path(__file__).resolve().parents[2]
EVALUATED_AT = "2026-11-21T12:00:00Z"
# Where the CLI runs when a test names no folder: outside any repository, so that a test
# never picks up the policy of the repository it runs from (this one has its own).
NEUTRAL_CWD = Path(tempfile.mkdtemp(prefix="gatekeeper-cwd-"))
atexit.register(shutil.rmtree, NEUTRAL_CWD, True)


def load_script(name: str) -> ModuleType:
    """A script of scripts/ imported as a module (``name`` without ``.py``)."""
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def load_policy_text(text: str, *, file: str = "policy.yml") -> Policy:
    return parse_policy(text, file=file, schema=resources.schema("policy"))


def run_evaluate(
    body: str,
    paths: Iterable[str | ChangedPath] = (),
    policy: Policy | None = None,
    **kwargs: Any,
) -> Decision:
    changes = [p if isinstance(p, ChangedPath) else ChangedPath(p) for p in paths]
    return evaluate(
        body, changes, policy or load_policy_text(resources.text("default_policy.yml")),
        contract_schema=resources.schema("contract"),
        evaluated_at=EVALUATED_AT, version="0.0.0-test", **kwargs,
    )


def assert_valid_decision_record(record: Mapping[str, Any]) -> None:
    validator = Draft202012Validator(
        resources.schema("decision"), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(record)]
    assert not errors, errors


def run_gatekeeper(
    *args: str | os.PathLike[str],
    cwd: str | os.PathLike[str] | None = None,
    stdin: bytes | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`python -m gatekeeper ARGS` in a real process, text output, never raising on exit code."""
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith("GITHUB_") and k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {})
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run(
        [sys.executable, "-m", "gatekeeper", *map(str, args)],
        cwd=NEUTRAL_CWD if cwd is None else cwd, input=data if data is not None else b"",
        capture_output=True,
        env=full_env, timeout=timeout, check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode,
        result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace"),
    )


@pytest.fixture(scope="session")
def default_policy() -> Policy:
    return load_policy_text(resources.text("default_policy.yml"))


@pytest.fixture(scope="session")
def policy_from_yaml() -> Callable[..., Policy]:
    return load_policy_text


@pytest.fixture(scope="session")
def evaluate_body() -> Callable[..., Decision]:
    return run_evaluate


@pytest.fixture(scope="session")
def valid_record() -> Callable[[Mapping[str, Any]], None]:
    return assert_valid_decision_record


@pytest.fixture(scope="session")
def gatekeeper_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_gatekeeper
