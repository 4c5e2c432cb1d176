"""One source of truth for the workflows: the templates `gatekeeper init` ships.

docs/examples/*.yml are the templates rendered for the docs' example build, and this
repository's own hardened gate (.github/workflows/gatekeeper*.yml) is them rendered with
`--action-ref ./`. Regenerate with `python scripts/gen_examples.py`.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from gatekeeper.commands.init.workflows import EXAMPLES, HARDENED, Template, example_text, render
from tests.support.fixtures import REPO_ROOT


@pytest.mark.parametrize("template", EXAMPLES, ids=lambda t: t.resource)
def test_each_example_is_its_template(template: Template) -> None:
    assert template.example is not None
    shown = (REPO_ROOT / "docs" / "examples" / template.example).read_text(encoding="utf-8")
    assert shown == example_text(template), (
        f"docs/examples/{template.example} drifted; run python scripts/gen_examples.py")


@pytest.mark.parametrize("template", HARDENED, ids=lambda t: t.resource)
def test_this_repository_runs_the_hardened_templates_on_its_base_branch(
    template: Template,
) -> None:
    own = (REPO_ROOT / template.path).read_text(encoding="utf-8")
    assert own == render(template, "./"), (
        f"{template.path} drifted; run python scripts/gen_examples.py")


def test_the_generator_agrees(tmp_path: object) -> None:
    done = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "gen_examples.py"),
                           "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_example_in_the_docs_folder_has_a_template() -> None:
    shipped = {t.example for t in EXAMPLES}
    assert {p.name for p in (REPO_ROOT / "docs" / "examples").glob("*.yml")} == shipped
