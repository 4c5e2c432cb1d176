"""docs/getting-started.md shows every way to feed `validate`, and the hooks it names exist."""

from __future__ import annotations

import re

import yaml

from tests.support.fixtures import REPO_ROOT

GUIDE = (REPO_ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")


def test_the_guide_shows_every_input_form() -> None:
    for form in ("| gatekeeper validate body.md",                  # standard input
                 "gatekeeper validate body.md --diff origin/main...HEAD",
                 "gatekeeper validate --pr https://github.com/acme/widgets/pull/42",
                 "gatekeeper validate --pr acme/widgets#42",
                 "gatekeeper validate --pr 42",
                 "gatekeeper validate --pr             #",
                 "gatekeeper validate body.md --pr 42",
                 "gh pr view 42 --json body -q .body > body.md",
                 "gatekeeper policy check",
                 "gatekeeper explain "):
        assert form in GUIDE, form


def test_the_hooks_the_guide_names_exist() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    named = set(re.findall(r"- id: (gatekeeper-[a-z-]+)", GUIDE))
    assert named == {hook["id"] for hook in hooks}
