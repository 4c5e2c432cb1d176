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
                                      # index) and rewrite them, and the action's list
                                      # of files
    python scripts/lock.py --check    # offline: both are current with pyproject.toml
    python scripts/lock.py --check --resolve
                                      # also resolve again and compare (needs the index)

The lock is universal (one version of each package for every platform, from Python 3.11
up) and lists the sha256 of every file PyPI serves for each pinned version, so pip
(`--require-hashes`) and uv accept nothing else. Its header records a digest of
pyproject.toml's `dependencies` and `requires-python`; `--check` fails when they changed
since the lock was made, when a dependency is not locked at a version its range allows,
or when a locked package has no hash.

- requirements-action.urls: every file of requirements-action.lock (the same sha256
  hashes), each with its own URL on PyPI's file host, from which the action's install
  script (`scripts/action-wheels.py`) picks one wheel a package for the runner's
  interpreter and installs it by that URL with its hash, so that pip need not read the
  index. `--check` fails, offline, when the list differs from the lock in any package,
  version, marker or hash, a file has no hash or is not on PyPI's file host, or a
  platform the action supports would not get a wheel of every package.

Stdlib only (plus `packaging` when it is importable, for the range check), so it runs
before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
ACTION_LOCK = ROOT / "requirements-action.lock"
ACTION_URLS = ROOT / "requirements-action.urls"
WHEELS_SCRIPT = ROOT / "scripts" / "action-wheels.py"
INDEX = "https://pypi.org/simple/"
FILE_HOST = "https://files.pythonhosted.org/packages/"
# Where the action must install without reading the index: CPython 3.11 to 3.14 on
# GitHub's hosted runners (manylinux x86_64 and aarch64 with glibc 2.28 or newer, macOS 13
# on Intel and 14 on Apple silicon, Windows x64). Elsewhere the install script may still
# find wheels in the list; when it does not, it installs from the index.
COVERED_PYTHONS = ((3, 11), (3, 12), (3, 13), (3, 14))
COVERED_PLATFORMS = {
    "manylinux x86_64 (glibc 2.28)": ("linux", "x86_64", (2, 28)),
    "manylinux aarch64 (glibc 2.28)": ("linux", "aarch64", (2, 28)),
    "macOS 13 x86_64": ("darwin", "x86_64", (13, 0)),
    "macOS 14 arm64": ("darwin", "arm64", (14, 0)),
    "Windows x64": ("win32", "win_amd64", None),
}
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
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;([^\\]*))?")


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
    marker: str = ""


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
        current = Pin(normalize(match.group(1)), match.group(2), number,
                      marker=" ".join((match.group(3) or "").split()))
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


URLS_HEADER = """\
# Every file of requirements-action.lock (the same sha256 hashes), with its URL on PyPI's
# file host. The action's install script picks one wheel a package for the runner's
# interpreter and installs it by URL with its hash, without reading the package index,
# unless the runner configures where pip finds packages.
# Made by `python scripts/lock.py`; checked by `python scripts/lock.py --check`.
# Do not edit by hand.
"""


def _wheels_module() -> Any:
    """scripts/action-wheels.py, which picks the wheels at install time."""
    spec = importlib.util.spec_from_file_location("gatekeeper_action_wheels", WHEELS_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _file_identity(filename: str) -> tuple[str, str] | None:
    """(normalized project name, version) of a wheel's or sdist's file name."""
    for suffix in (".whl", ".tar.gz", ".zip"):
        if filename.endswith(suffix):
            stem = filename[: -len(suffix)]
            if suffix == ".whl":
                parts = stem.split("-")
                return (normalize(parts[0]), parts[1]) if len(parts) in (5, 6) else None
            name, _, version = stem.rpartition("-")
            return (normalize(name), version) if name else None
    return None


def check_urls(urls: Path = ACTION_URLS, lock: Path = ACTION_LOCK) -> list[str]:
    """Problems that make requirements-action.urls differ from the action's lock, or leave
    a covered platform without a wheel of some package; empty when it is current."""
    if not urls.exists():
        return [f"{urls.name} is missing: run python scripts/lock.py"]
    wheels = _wheels_module()
    try:
        listed = wheels.read_list(urls.read_text(encoding="utf-8"))
        _, pins = parse_lock(lock.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{urls.name}: {exc}"]
    problems: list[str] = []
    seen: set[str] = set()
    for requirement, marker, files in listed:
        name, _, version = requirement.partition("==")
        name = normalize(name)
        pin = pins.get(name)
        if name in seen:
            problems.append(f"{urls.name}: {name} is listed twice")
        seen.add(name)
        if pin is None:
            problems.append(f"{urls.name}: {name} is not in {lock.name}")
            continue
        if (version, " ".join(marker.split())) != (pin.version, pin.marker):
            problems.append(f"{urls.name}: {requirement} ; {marker} is not {lock.name}'s "
                            f"{pin.name}=={pin.version} ; {pin.marker}: run "
                            "python scripts/lock.py")
        digests = [digest for digest, _ in files]
        if len(digests) != len(set(digests)) or set(digests) != set(pin.hashes):
            missing = len(set(pin.hashes) - set(digests))
            extra = len(set(digests) - set(pin.hashes))
            problems.append(f"{urls.name}: the files of {name} are not the hashes of "
                            f"{lock.name} ({missing} missing, {extra} not in the lock, "
                            f"{len(digests) - len(set(digests))} repeated): run "
                            "python scripts/lock.py")
        for digest, url in files:
            filename = url.rsplit("/", 1)[-1]
            if not re.fullmatch(r"[0-9a-f]{64}", digest):
                problems.append(f"{urls.name}: {filename} has no sha256 hash")
            if not url.startswith(FILE_HOST) or any(c in url for c in "#?;\\ \t"):
                problems.append(f"{urls.name}: {url} is not a file on {FILE_HOST}")
            if _file_identity(filename) != (name, pin.version):
                problems.append(f"{urls.name}: {filename} is not a file of "
                                f"{name}=={pin.version}")
    for name in sorted(set(pins) - seen):
        problems.append(f"{urls.name}: {name} of {lock.name} is not listed: run "
                        "python scripts/lock.py")
    if problems:
        return problems
    for python in COVERED_PYTHONS:
        for label, (system, arch, version) in COVERED_PLATFORMS.items():
            if system == "linux":
                platforms = wheels.linux_platforms(arch, version)
            elif system == "darwin":
                platforms = wheels.mac_platforms(version, arch)
            else:
                platforms = [arch]
            tags = wheels.supported_tags(python, [f"cp{python[0]}{python[1]}"], platforms)
            try:
                wheels.choose(listed, tags)
            except wheels.Fallback as reason:
                problems.append(f"{urls.name}: CPython {python[0]}.{python[1]} on {label}: "
                                f"{reason} (the action would read the index there)")
    return problems


def resolve_urls(action_lock_text: str, index: str = INDEX) -> str:
    """requirements-action.urls for ``action_lock_text``: each locked file's URL, from the
    package index's JSON pages (PEP 691)."""
    lines = [URLS_HEADER]
    for pin in parse_lock(action_lock_text)[1].values():
        page = f"{index}{pin.name}/"
        request = urllib.request.Request(
            page, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            files = json.load(response)["files"]
        by_hash = {entry["hashes"].get("sha256"): urllib.parse.urljoin(page, entry["url"])
                   for entry in files}
        marker = f" ; {pin.marker}" if pin.marker else ""
        lines.append(f"{pin.name}=={pin.version}{marker}\n")
        for digest in pin.hashes:
            if digest not in by_hash:
                raise SystemExit(f"{page} has no file with the sha256 {digest} of "
                                 f"{pin.name}=={pin.version}")
        for url, digest in sorted((by_hash[h].split("#", 1)[0], h) for h in pin.hashes):
            lines.append(f"    sha256:{digest} {url}\n")
    return "".join(lines)


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
        action = resolve_action(full)
        ACTION_LOCK.write_text(action, encoding="utf-8")
        ACTION_URLS.write_text(resolve_urls(action), encoding="utf-8")
        print(f"wrote {LOCK.relative_to(ROOT)}, {ACTION_LOCK.relative_to(ROOT)} and "
              f"{ACTION_URLS.relative_to(ROOT)}")
        args.check = True
    problems = check() + check_action()
    if not problems:
        problems += check_urls()
    if args.resolve and not problems:
        fresh = resolve()
        if _pins_only(fresh) != _pins_only(LOCK.read_text(encoding="utf-8")):
            problems.append("a fresh resolution differs from requirements.lock (a newer "
                            "release or a changed file set): run python scripts/lock.py")
        elif _pins_only(resolve_action(fresh)) != \
                _pins_only(ACTION_LOCK.read_text(encoding="utf-8")):
            problems.append("a fresh resolution differs from requirements-action.lock: run "
                            "python scripts/lock.py")
        elif resolve_urls(ACTION_LOCK.read_text(encoding="utf-8")) != \
                ACTION_URLS.read_text(encoding="utf-8"):
            problems.append("the index lists other URLs than requirements-action.urls: run "
                            "python scripts/lock.py")
    for problem in problems:
        print(f"lock: {problem}", file=sys.stderr)
    if not problems:
        print("requirements.lock and requirements-action.lock are current with "
              "pyproject.toml, requirements-action.urls with requirements-action.lock")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
