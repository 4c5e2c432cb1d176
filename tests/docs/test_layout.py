"""The layout holds: every module with logic has a test file of its name, no module grows
past what one reader takes in, and the technical brief's tree is the package's tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "gatekeeper"
MAX_LINES = 420  # "about 400": a module past this is usually two

# Modules with logic tested elsewhere than tests/unit/<package>/test_<module>.py, and where.
# Each entry says why.
ELSEWHERE: dict[str, str] = {
    # The entry points run in real processes: tests/acceptance/ (every command's exit codes,
    # its one-line errors) and tests/unit/test_formats.py (the options each command offers).
    "__main__.py": "tests/acceptance/test_cli_validate.py (the error boundary, exit 2 and 3)",
    "cli/__init__.py": "tests/acceptance/ (every command), tests/unit/test_formats.py (its "
                       "options)",
    "cli/history.py": "tests/acceptance/test_metrics_cli.py, tests/unit/commands/test_replay.py "
                      "and tests/unit/metrics/test_org_command.py run metrics and replay",
    # The organisation's modules are tested together through the strict double.
    "live/central_policy.py": "tests/unit/commands/test_org_policy.py (read from a file, the "
                              "runner's folder or the API, pinned or at a branch)",
    "forge/github/org.py": "tests/unit/commands/doctor/test_org.py and test_org_branches.py "
                           "(every repository and protected branch read in batched GraphQL "
                           "queries from the double; the 1,000-repository budget), "
                           "tests/unit/metrics/test_org_shards.py (the metrics listing)",
    "history/batch.py": "tests/unit/metrics/test_org_shards.py (follow-ups and body edits "
                        "joined across repositories, counted against the budget) and "
                        "tests/unit/history/ (one repository's, through History)",
    "commands/doctor/org_judge.py": "tests/unit/commands/doctor/test_org.py (each repository "
                                    "judged, the text and JSON verdicts)",
    # The action's small client and its one-query read of a pull request, through the
    # strict double: every query executed against GitHub's published schema.
    "forge/github/light.py": "tests/unit/commands/test_action.py and the e2e runs (the action "
                             "reads and writes through it)",
    "forge/github/transport.py": "tests/unit/forge/test_github.py (both clients, retries and "
                                 "refusals against the double)",
    "forge/github/snapshot.py": "tests/unit/commands/test_request_budget.py and "
                                "test_files_list.py (the query, its pages, what it spares)",
    # Commands whose every path runs in real processes, as users run them.
    "commands/init/__init__.py": "tests/acceptance/test_init.py, test_init_hardened.py, "
                                 "test_init_template.py, test_init_org.py",
    "commands/init/workflows.py": "tests/docs/test_workflow_pins.py and test_permissions.py "
                                  "(every workflow init writes: pinned, linted, audited)",
    "commands/metrics.py": "tests/acceptance/test_metrics_cli.py, tests/unit/metrics/"
                           "test_synthetic.py and test_org_command.py",
    # The GitHub adapter's reads, driven through GitHubForge against the strict double.
    "forge/github/client.py": "tests/unit/forge/test_github.py (retries, refusals, hosts)",
    "forge/github/graphql.py": "tests/unit/history/test_fetch.py (endpoints, retries, waits)",
    "forge/github/pulls.py": "tests/unit/forge/test_github.py, tests/unit/commands/"
                             "test_files_list.py and tests/unit/trust/test_submodules.py",
    "forge/github/settings.py": "tests/unit/commands/test_doctor.py and "
                                "test_doctor_security.py (every fact doctor reads)",
    # The build's identity is what a built wheel or sdist says of itself.
    "__init__.py": "tests/acceptance/test_build_identity.py (version and commit of a build)",
}


def has_logic(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
               or (isinstance(node, ast.ClassDef)
                   and any(isinstance(m, ast.FunctionDef) for m in node.body))
               for node in tree.body)


def test_file_for(module: Path) -> Path:
    """``core/policy/load.py`` -> ``tests/unit/core/policy/test_load.py``; a package's
    ``__init__.py`` -> ``test_<package>.py`` beside the package's own folder's tests."""
    relative = module.relative_to(PACKAGE)
    if module.name == "__init__.py":
        return ROOT / "tests" / "unit" / relative.parent.parent / f"test_{relative.parent.name}.py"
    return ROOT / "tests" / "unit" / relative.parent / f"test_{module.stem}.py"


test_file_for.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test

# Written by the build (hatch_build.py), ignored by git: there in an installed tree only.
GENERATED = frozenset({"_build.py"})
MODULES = sorted(p for p in PACKAGE.rglob("*.py")
                 if "__pycache__" not in p.parts and p.name not in GENERATED)


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def test_the_package_is_found() -> None:
    assert len(MODULES) > 50


@pytest.mark.parametrize("module", [m for m in MODULES if has_logic(m)], ids=_name)
def test_every_module_with_logic_has_a_test_file_of_its_name(module: Path) -> None:
    name = _name(module)
    if name in ELSEWHERE:
        assert not test_file_for(module).exists(), f"{name} has its test file now: unlist it"
        return
    assert test_file_for(module).exists(), (
        f"{name} has no {test_file_for(module).relative_to(ROOT)}; write it, or list the "
        "module in ELSEWHERE with where it is tested")


def test_the_exceptions_point_at_tests_that_exist() -> None:
    for module, where in ELSEWHERE.items():
        named = re.findall(r"tests/[\w/]+\.py", where)
        assert named, module
        missing = [path for path in named if not (ROOT / path).exists()]
        assert missing == [], f"{module}: {missing}"


def test_the_exceptions_name_modules_that_exist() -> None:
    names = {_name(m) for m in MODULES}
    assert set(ELSEWHERE) <= names


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_no_module_is_past_about_400_lines(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_name(module)} has {lines} lines: split it"


def brief_tree() -> set[str]:
    """The files the tree in docs/TECHNICAL_BRIEF.md names, as paths under gatekeeper/."""
    text = (ROOT / "docs" / "TECHNICAL_BRIEF.md").read_text(encoding="utf-8")
    block = text.split("```\ngatekeeper/\n", 1)[1].split("```", 1)[0]
    found: set[str] = set()
    folders: list[str] = []
    for line in block.splitlines():
        match = re.match(r"^([│ ]*)[├└]── (\S+)", line)
        if not match:
            continue
        depth = len(match.group(1)) // 4
        entry = match.group(2)
        del folders[depth:]
        if entry.endswith("/"):
            folders.append(entry.rstrip("/"))
        else:
            found.add("/".join([*folders, entry]))
    return found


def test_the_brief_names_every_module_and_only_modules_that_exist() -> None:
    actual = {_name(m) for m in MODULES}
    named = brief_tree() - GENERATED
    assert sorted(actual - named) == [], "modules the brief's tree leaves out"
    assert sorted(named - actual) == [], "files the brief's tree names that do not exist"
