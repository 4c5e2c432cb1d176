#!/usr/bin/env python3
"""Build Gatekeeper's wheel and sdist and check them, as the release workflow does.

    python scripts/build_dist.py [--outdir dist] [--tag v1.2.0]

1. ``python -m build``: the sdist from this tree, then the wheel from the sdist (so the
   sdist is known to build);
2. ``twine check --strict`` on both;
3. both name the same version (with ``--tag``, the tag's) and carry LICENSE, and
   ``gatekeeper/_build.py`` names the commit checked out here (``git rev-parse HEAD``).

The release workflow (.github/workflows/release.yml) runs it on the tag, and
tests/acceptance/test_release.py runs it on every CI run. Needs ``build`` and ``twine``
(the test extra) and the package index, for the build backend.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fail(message: str) -> None:
    raise SystemExit(f"build_dist: {message}")


def _run(*command: str) -> None:
    print("+", " ".join(command), flush=True)
    done = subprocess.run(command, cwd=ROOT, check=False)
    if done.returncode != 0:
        _fail(f"{command[0]} {command[1] if len(command) > 1 else ''} exited {done.returncode}")


def _head() -> str | None:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def _field(text: str, name: str) -> str:
    match = re.search(rf"^{name} = (.*)$", text, re.MULTILINE)
    if match is None:
        _fail(f"gatekeeper/_build.py has no {name}")
    return match.group(1) if match else ""


def check(outdir: Path, *, tag: str | None, head: str | None) -> str:
    """Check the built files; the version they carry."""
    wheels = sorted(outdir.glob("gatekeeper_contract-*.whl"))
    sdists = sorted(outdir.glob("gatekeeper_contract-*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        _fail(f"expected one wheel and one sdist in {outdir}, found {wheels + sdists}")
    wheel, sdist = wheels[0], sdists[0]
    version = wheel.name.split("-")[1]
    if sdist.name != f"gatekeeper_contract-{version}.tar.gz":
        _fail(f"the sdist {sdist.name} and the wheel {wheel.name} differ in version")
    if tag is not None and f"v{version}" != tag:
        _fail(f"built version {version}, but the tag is {tag}: tag a commit whose version "
              "comes from that tag (v1.2.3)")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        if f"gatekeeper_contract-{version}.dist-info/licenses/LICENSE" not in names:
            _fail(f"{wheel.name} has no LICENSE")
        built = archive.read("gatekeeper/_build.py").decode("utf-8")
    with tarfile.open(sdist) as archive:
        prefix = f"gatekeeper_contract-{version}/"
        members = set(archive.getnames())
        for needed in ("LICENSE", "CHANGELOG.md", "gatekeeper/_build.py"):
            if prefix + needed not in members:
                _fail(f"{sdist.name} has no {needed}")
    if _field(built, "VERSION") != repr(version):
        _fail(f"gatekeeper/_build.py in {wheel.name} says {_field(built, 'VERSION')}")
    commit = _field(built, "COMMIT")
    if head is not None and commit != repr(head):
        _fail(f"gatekeeper/_build.py in {wheel.name} names commit {commit}, not HEAD {head}")
    return version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outdir", type=Path, default=ROOT / "dist")
    parser.add_argument("--tag", help="the release tag being built (v1.2.3)")
    args = parser.parse_args(argv)
    outdir: Path = args.outdir.resolve()
    if outdir.exists() and any(outdir.iterdir()):
        _fail(f"{outdir} is not empty")
    _run(sys.executable, "-m", "build", "--outdir", str(outdir), ".")
    files = sorted(str(p) for p in outdir.iterdir())
    _run(sys.executable, "-m", "twine", "check", "--strict", *files)
    version = check(outdir, tag=args.tag, head=_head())
    print(f"build_dist: gatekeeper-contract {version}: wheel and sdist built and checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
