"""The release workflow does what docs/releasing.md says, with the scripts CI also runs.

actionlint and zizmor check it with every other workflow (tests/docs/test_workflow_pins.py),
and the build and check steps run in CI (tests/acceptance/test_release.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.fixtures import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "release.yml"
CHANGELOG_SCRIPT = REPO_ROOT / "scripts" / "changelog.py"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def _uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_it_runs_on_version_tags_only_with_no_default_permissions(
    workflow: dict[Any, Any],
) -> None:
    assert workflow[True] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}
    assert workflow["permissions"] == {}


def test_suite_then_build_then_release(workflow: dict[Any, Any]) -> None:
    jobs = workflow["jobs"]
    assert ".ci/run" in _runs(jobs["test"])
    assert jobs["build"]["needs"] == "test" and jobs["release"]["needs"] == "build"
    build = jobs["build"]
    assert 'python scripts/build_dist.py --outdir dist --tag "$TAG"' in _runs(build)
    assert "-r scripts/release-tools.txt" in _runs(build)
    assert _uses(build)[-2:] == ["actions/attest-build-provenance", "actions/upload-artifact"]
    attest = next(s for s in build["steps"] if "attest-build-provenance" in s.get("uses", ""))
    assert attest["with"] == {"subject-path": "dist/*"}
    assert build["permissions"] == {"contents": "read", "id-token": "write",
                                    "attestations": "write"}
    release = jobs["release"]
    assert release["permissions"] == {"contents": "write"}
    scripts = _runs(release)
    assert 'python scripts/changelog.py section "${TAG#v}" > release-notes.md' in scripts
    assert "gh release create \"$TAG\" dist/* --verify-tag" in scripts
    assert 'major="${TAG%%.*}"' in scripts and "refs/tags/$major" in scripts
    # The files the release carries go to PyPI, with nothing but the OIDC token to do it.
    pypi = jobs["pypi"]
    assert pypi["needs"] == "release" and pypi["environment"]["name"] == "pypi"
    assert pypi["permissions"] == {"id-token": "write"}
    assert _uses(pypi) == ["actions/download-artifact", "pypa/gh-action-pypi-publish"]
    assert "with" not in pypi["steps"][-1]  # no password: trusted publishing
    for job in jobs.values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_the_release_tools_are_pinned_exactly() -> None:
    lines = [line for line in (REPO_ROOT / "scripts" / "release-tools.txt")
             .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert sorted(line.split("==")[0] for line in lines) == ["build", "twine"]
    assert all("==" in line for line in lines)


def _changelog(*args: str, file: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--file", str(file)] if file is not None else []
    return subprocess.run([sys.executable, str(CHANGELOG_SCRIPT), *extra, *args],
                          capture_output=True, text=True, check=False)


def test_the_changelog_keeps_a_changelog() -> None:
    done = _changelog("check")
    assert done.returncode == 0, done.stderr
    assert "### Added" in _changelog("section", "Unreleased").stdout


def test_a_version_section_is_what_the_release_says(tmp_path: Path) -> None:
    file = tmp_path / "CHANGELOG.md"
    file.write_text(
        "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-12-04\n\n### Fixed\n\n"
        "- A fix.\n\n## [1.1.0] - 2026-11-01\n\n### Added\n\n- A thing.\n\n"
        "[Unreleased]: https://example.com/u\n[1.2.0]: https://example.com/2\n"
        "[1.1.0]: https://example.com/1\n", encoding="utf-8")

    assert _changelog("check", file=file).returncode == 0
    assert _changelog("section", "1.2.0", file=file).stdout == "### Fixed\n\n- A fix.\n"
    assert _changelog("section", "1.1.0", file=file).stdout == "### Added\n\n- A thing.\n"
    missing = _changelog("section", "1.3.0", file=file)
    assert missing.returncode == 1
    assert "no section for 1.3.0: rename [Unreleased] to [1.3.0] - DATE" in missing.stderr
    file.write_text("# Changelog\n\n## [1.2.0]\n\n### Stuff\n", encoding="utf-8")
    problems = _changelog("check", file=file).stderr
    assert "the first section must be '## [Unreleased]'" in problems
    assert "[1.2.0] has no date" in problems
    assert "'### Stuff' is not one of" in problems
