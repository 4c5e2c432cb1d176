"""What the release workflow builds, built here: the wheel and sdist of a clean clone pass
`twine check` and carry LICENSE and the commit (scripts/build_dist.py, the very script the
workflow runs), and the CLI installed from them names that commit and pins it. A source
tree without git metadata builds a CLI that says it does not know its commit.

Needs the package index for the build backend (hatchling, hatch-vcs), as `pip install .`
does.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from gatekeeper.constants import GATEKEEPER_REPOSITORY, WORKFLOW_PATH
from tests.support.fixtures import REPO_ROOT

pytestmark = pytest.mark.skipif(not (REPO_ROOT / ".git").exists(),
                                reason="needs the git checkout the release is built from")


def _git(*args: str, cwd: Path = REPO_ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout.strip()


def _install(wheel: Path, target: Path) -> dict[str, str]:
    """The wheel unpacked into ``target``; the environment that runs it first."""
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-index", "--target", str(target), str(wheel)], check=True)
    return {**os.environ, "PYTHONPATH": str(target)}


def _gatekeeper(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gatekeeper", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


def test_a_clean_clone_builds_checked_files_that_name_their_commit(tmp_path: Path) -> None:
    head = _git("rev-parse", "HEAD")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO_ROOT), str(clone)],
                   check=True)
    _git("checkout", "--quiet", head, cwd=clone)
    dist = tmp_path / "dist"

    built = subprocess.run([sys.executable, "scripts/build_dist.py", "--outdir", str(dist)],
                           cwd=clone, capture_output=True, text=True, check=False)

    assert built.returncode == 0, built.stdout + built.stderr
    assert "PASSED" in built.stdout and "wheel and sdist built and checked" in built.stdout
    [wheel] = dist.glob("*.whl")
    env = _install(wheel, tmp_path / "site")
    version = _gatekeeper(env, "--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.endswith(f" (commit {head})\n"), version.stdout

    project = tmp_path / "project"
    project.mkdir()
    init = _gatekeeper(env, "init", cwd=project)
    assert init.returncode == 0, init.stdout + init.stderr
    workflow = (project / WORKFLOW_PATH).read_text(encoding="utf-8")
    assert f"uses: {GATEKEEPER_REPOSITORY}@{head}  # " in workflow


def test_the_build_refuses_a_tag_that_is_not_its_version(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    # an empty folder fails before anything is built; an unexpected tag fails the check
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        import build_dist
    finally:
        sys.path.pop(0)
    with pytest.raises(SystemExit, match="expected one wheel and one sdist"):
        build_dist.check(dist, tag="v9.9.9", head=None)


def _archive(tmp_path: Path, name: str) -> Path:
    """The tree as a GitHub source tarball has it: `git archive` (export-subst applied)."""
    data = subprocess.run(["git", "archive", "--format=tar", f"--prefix={name}/", "HEAD"],
                          cwd=REPO_ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(tmp_path, filter="data")
    return tmp_path / name


def _wheel(source: Path, out: Path, **env: str) -> Path:
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out),
                           str(source)], capture_output=True, text=True,
                          env={**os.environ, **env}, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    [wheel] = out.glob("*.whl")
    return wheel


def test_a_source_tarball_knows_its_commit_and_a_bare_tree_says_it_does_not(
    tmp_path: Path,
) -> None:
    head = _git("rev-parse", "HEAD")
    tarball = _archive(tmp_path, "tarball")
    assert f"node: {head}" in (tarball / ".git_archival.txt").read_text(encoding="utf-8")
    env = _install(_wheel(tarball, tmp_path / "dist-tarball"), tmp_path / "site-tarball")
    shown = _gatekeeper(env, "--version", cwd=tmp_path)
    assert shown.stdout.endswith(f" (commit {head})\n"), shown.stdout + shown.stderr

    bare = _archive(tmp_path, "bare")
    (bare / ".git_archival.txt").unlink()
    wheel = _wheel(bare, tmp_path / "dist-bare", SETUPTOOLS_SCM_PRETEND_VERSION="9.9.9")
    env = _install(wheel, tmp_path / "site-bare")
    shown = _gatekeeper(env, "--version", cwd=tmp_path)
    assert shown.stdout == "gatekeeper 9.9.9 (commit unknown: built without git metadata)\n"
    project = tmp_path / "project"
    project.mkdir()
    init = _gatekeeper(env, "init", cwd=project)
    assert init.returncode == 2
    assert f"pass --action-ref {GATEKEEPER_REPOSITORY}@SHA" in init.stderr
    assert "refs/tags/v9.9.9" in init.stderr
    assert not any(project.iterdir())
