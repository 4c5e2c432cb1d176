#!/usr/bin/env python3
"""Make and check the locks: the exact, hash-pinned runtime dependencies.

- requirements.lock: every runtime dependency of the package (pyproject.toml's
  `dependencies`), for the CLI and the metrics workflow;
- requirements-action.lock: what the action's path imports (`[tool.gatekeeper.action]
  dependencies` in pyproject.toml), at the versions and hashes of requirements.lock, and
  never PyGithub or its extras for GitHub App keys and secret encryption (cryptography,
  cffi, pycparser, pynacl, PyJWT), nor requests: the action talks to GitHub through
  urllib3 with its token.

    python scripts/lock.py            # resolve both again (needs uv and the package
                                      # index) and rewrite them
    python scripts/lock.py --check    # offline: both are current with pyproject.toml
    python scripts/lock.py --check --resolve
                                      # also resolve again and compare (needs the index)

The lock is universal (one version of each package for every platform, from Python 3.11
up) and lists the sha256 of every file PyPI serves for each pinned version, so pip
(`--require-hashes`) and uv accept nothing else. Its header records a digest of
pyproject.toml's `dependencies` and `requires-python`; `--check` fails when they changed
since the lock was made, when a dependency is not locked at a version its range allows,
or when a locked package has no hash.

Stdlib only (plus `packaging` when it is importable, for the range check), so it runs
before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
ACTION_LOCK = ROOT / "requirements-action.lock"
DIGEST_PREFIX = "# pyproject-dependencies-sha256: "
# Never in the action's lock (see the module docstring).
ACTION_FORBIDDEN = frozenset({"pygithub", "pyjwt", "cryptography", "cffi", "pycparser",
                              "pynacl", "requests"})
LOCK_PYTHON = "3.11"  # the oldest supported version; --universal covers the newer ones
HEADER = """\
# Gatekeeper's runtime dependencies, exact versions and sha256 hashes, for every platform
# and Python >= 3.11. The action installs exactly this file, with hash checking.
# Made by `python scripts/lock.py`; checked by `python scripts/lock.py --check`.
# Do not edit by hand.
"""

_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


ACTION_HEADER = """\
# The action's runtime dependencies (what `gatekeeper action` imports), exact versions and
# sha256 hashes as in requirements.lock, for every platform and Python >= 3.11. The action
# installs exactly this file, with hash checking.
# Made by `python scripts/lock.py`; checked by `python scripts/lock.py --check`.
# Do not edit by hand.
"""


def project_inputs(pyproject: Path = PYPROJECT) -> tuple[list[str], str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return list(project.get("dependencies", [])), str(project.get("requires-python", ""))


def action_inputs(pyproject: Path = PYPROJECT) -> tuple[list[str], str]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    action = data.get("tool", {}).get("gatekeeper", {}).get("action", {})
    return (list(action.get("dependencies", [])),
            str(data["project"].get("requires-python", "")))


def inputs_digest(dependencies: list[str], requires_python: str) -> str:
    canonical = json.dumps({"dependencies": sorted(" ".join(d.split()) for d in dependencies),
                            "requires-python": requires_python}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Pin:
    name: str
    version: str
    line: int
    hashes: list[str] = field(default_factory=list)


def parse_lock(text: str) -> tuple[str | None, dict[str, Pin]]:
    """(recorded digest, pins by normalized name)."""
    digest = None
    pins: dict[str, Pin] = {}
    current: Pin | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith(DIGEST_PREFIX):
            digest = line[len(DIGEST_PREFIX):].strip()
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash=sha256:"):
            if current is None:
                raise ValueError(f"requirements.lock:{number}: a hash before any package")
            current.hashes.append(line.split(":", 1)[1].rstrip(" \\"))
            continue
        match = _PIN.match(line)
        if not match:
            raise ValueError(f"requirements.lock:{number}: not an exact pin: {line}")
        current = Pin(normalize(match.group(1)), match.group(2), number)
        pins[current.name] = current
    return digest, pins


def check(lock: Path = LOCK, pyproject: Path = PYPROJECT) -> list[str]:
    """Problems that make the lock out of date or unusable; empty when it is current."""
    return _check(lock, *project_inputs(pyproject), what="dependencies")


def check_action(lock: Path = ACTION_LOCK, pyproject: Path = PYPROJECT,
                 full: Path = LOCK) -> list[str]:
    """The same for the action's lock, which also must hold nothing forbidden and pin
    each package exactly as ``full`` (requirements.lock) does."""
    dependencies, requires_python = action_inputs(pyproject)
    if not dependencies:
        return ["pyproject.toml has no [tool.gatekeeper.action] dependencies"]
    problems = _check(lock, dependencies, requires_python,
                      what="[tool.gatekeeper.action] dependencies")
    if not lock.exists():
        return problems
    try:
        _, pins = parse_lock(lock.read_text(encoding="utf-8"))
        _, everything = parse_lock(full.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [*problems, str(exc)]
    for pin in pins.values():
        if pin.name in ACTION_FORBIDDEN:
            problems.append(f"{lock.name}:{pin.line}: {pin.name} must not be in the "
                            "action's lock")
        other = everything.get(pin.name)
        if other is None or (other.version, sorted(other.hashes)) != \
                (pin.version, sorted(pin.hashes)):
            problems.append(f"{lock.name}:{pin.line}: {pin.name}=={pin.version} is not "
                            f"pinned so in {full.name}: run python scripts/lock.py")
    return problems


def _check(lock: Path, dependencies: list[str], requires_python: str, *,
           what: str) -> list[str]:
    problems: list[str] = []
    if not lock.exists():
        return [f"{lock.name} is missing: run python scripts/lock.py"]
    try:
        digest, pins = parse_lock(lock.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [str(exc)]
    if digest != inputs_digest(dependencies, requires_python):
        problems.append(f"pyproject.toml's {what} or requires-python changed since "
                        f"{lock.name} was made: run python scripts/lock.py")
    for requirement in dependencies:
        match = _NAME.match(requirement.strip())
        if not match:
            problems.append(f"cannot read the dependency {requirement!r}")
            continue
        name = normalize(match.group(1))
        pin = pins.get(name)
        if pin is None:
            problems.append(f"{name} is a dependency but is not in {lock.name}")
            continue
        if not _allows(requirement, pin.version):
            problems.append(f"{lock.name}:{pin.line}: {name}=={pin.version} is outside "
                            f"pyproject.toml's {requirement!r}")
    for pin in pins.values():
        if not pin.hashes:
            problems.append(f"{lock.name}:{pin.line}: {pin.name} has no --hash")
        elif any(not re.fullmatch(r"[0-9a-f]{64}", h) for h in pin.hashes):
            problems.append(f"{lock.name}:{pin.line}: {pin.name} has a malformed hash")
    return problems


def _allows(requirement: str, version: str) -> bool:
    try:
        from packaging.requirements import Requirement
    except ImportError:  # the digest check above still catches any change
        return True
    return Requirement(requirement).specifier.contains(version, prereleases=True)


def resolve(pyproject: Path = PYPROJECT) -> str:
    """A fresh lock text, resolved by uv against the package index."""
    dependencies, requires_python = project_inputs(pyproject)
    return HEADER + DIGEST_PREFIX + inputs_digest(dependencies, requires_python) + "\n" + \
        _compile(dependencies)


def resolve_action(full_text: str, pyproject: Path = PYPROJECT) -> str:
    """The action's lock: its dependencies resolved with every version held to the one in
    ``full_text`` (requirements.lock), so both locks install the same release of each."""
    dependencies, requires_python = action_inputs(pyproject)
    pins = parse_lock(full_text)[1].values()
    constraints = "".join(f"{pin.name}=={pin.version}\n" for pin in pins)
    return ACTION_HEADER + DIGEST_PREFIX + inputs_digest(dependencies, requires_python) + \
        "\n" + _compile(dependencies, constraints)


def _compile(dependencies: list[str], constraints: str = "") -> str:
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is not installed: pip install uv")
    with tempfile.TemporaryDirectory() as folder:
        requirements = Path(folder) / "requirements.in"
        requirements.write_text("\n".join(dependencies) + "\n", encoding="utf-8")
        output = Path(folder) / "requirements.lock"
        extra: list[str] = []
        if constraints:
            held = Path(folder) / "constraints.txt"
            held.write_text(constraints, encoding="utf-8")
            extra = ["--constraint", str(held)]
        env = {**os.environ, "UV_NO_CONFIG": "1"}
        subprocess.run(
            [uv, "pip", "compile", str(requirements), "--universal", "--generate-hashes",
             "--python-version", LOCK_PYTHON, "--no-header", "--no-annotate",
             "--quiet", "--output-file", str(output), *extra],
            check=True, env=env,
        )
        return output.read_text(encoding="utf-8")


def _pins_only(text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {name: (pin.version, tuple(sorted(pin.hashes)))
            for name, pin in parse_lock(text)[1].items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="check the lock instead of rewriting it (offline)")
    parser.add_argument("--resolve", action="store_true",
                        help="with --check: also resolve again and compare (needs the index)")
    args = parser.parse_args()
    if not args.check:
        full = resolve()
        LOCK.write_text(full, encoding="utf-8")
        ACTION_LOCK.write_text(resolve_action(full), encoding="utf-8")
        print(f"wrote {LOCK.relative_to(ROOT)} and {ACTION_LOCK.relative_to(ROOT)}")
        args.check = True
    problems = check() + check_action()
    if args.resolve and not problems:
        fresh = resolve()
        if _pins_only(fresh) != _pins_only(LOCK.read_text(encoding="utf-8")):
            problems.append("a fresh resolution differs from requirements.lock (a newer "
                            "release or a changed file set): run python scripts/lock.py")
        elif _pins_only(resolve_action(fresh)) != \
                _pins_only(ACTION_LOCK.read_text(encoding="utf-8")):
            problems.append("a fresh resolution differs from requirements-action.lock: run "
                            "python scripts/lock.py")
    for problem in problems:
        print(f"lock: {problem}", file=sys.stderr)
    if not problems:
        print("requirements.lock and requirements-action.lock are current with "
              "pyproject.toml")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
