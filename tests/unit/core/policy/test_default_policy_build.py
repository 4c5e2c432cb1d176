"""The embedded default is read from its JSON build; the build is the YAML, exactly.

`gatekeeper validate` reads gatekeeper/default_policy.json (made by
scripts/gen_default_policy.py) so that it loads no YAML parser; these tests fail when the
build drifts from default_policy.yml or reads differently from it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import ModuleType

import pytest

from gatekeeper import resources
from gatekeeper.core.model import ChangedPath
from gatekeeper.core.policy.classify import classify
from gatekeeper.core.policy.load import Policy, parse_policy
from gatekeeper.local.policy_source import default_policy
from tests.support.fixtures import load_script

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_script("gen_default_policy")


def _from_yaml() -> Policy:
    return parse_policy(resources.text("default_policy.yml"), file="embedded-default",
                        schema=resources.schema("policy"))


def test_the_json_build_is_current(generator: ModuleType) -> None:
    assert generator.main(["--check"]) == 0, "run python scripts/gen_default_policy.py"


def test_the_check_fails_on_a_stale_build(generator: ModuleType, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "default_policy.json"
    built = json.loads(resources.text("default_policy.json"))
    built["policy"]["classes"]["RED"]["paths"].remove("auth/")
    stale.write_text(json.dumps(built), encoding="utf-8")
    monkeypatch.setattr(generator, "OUTPUT", stale)
    monkeypatch.setattr(generator, "ROOT", tmp_path)
    assert generator.main(["--check"]) == 1


def test_the_build_refuses_a_policy_the_schema_rejects(generator: ModuleType) -> None:
    with pytest.raises(ValueError, match="does not match the policy schema"):
        generator.render("version: 1\nclasses:\n  PURPLE:\n    paths: [x/]\n")


def test_the_build_names_the_yaml_it_was_made_from() -> None:
    built = json.loads(resources.text("default_policy.json"))
    digest = hashlib.sha256(resources.text("default_policy.yml").encode()).hexdigest()
    assert built["source_sha256"] == digest
    assert default_policy().origin.sha == digest == _from_yaml().origin.sha


def test_a_build_of_another_yaml_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # The YAML edited and the JSON not yet rebuilt: the YAML decides, with its own sha.
    stale = json.loads(resources.text("default_policy.json"))
    stale["source_sha256"] = "0" * 64
    stale["policy"]["classes"]["RED"]["paths"] = ["nothing-matches-this/"]
    real = resources.json_data
    monkeypatch.setattr(resources, "json_data",
                        lambda name: stale if name == "default_policy.json" else real(name))
    policy = default_policy()
    assert policy.origin.sha == hashlib.sha256(
        resources.text("default_policy.yml").encode()).hexdigest()
    assert classify([ChangedPath("src/auth/login.py")], policy).computed_class.value == "RED"


def test_the_build_reads_as_the_yaml_reads() -> None:
    built, source = default_policy(), _from_yaml()
    for name in ("approval_reference_raw", "field_aliases", "field_descriptions",
                 "placeholders", "require_escalation_approval", "exemptions",
                 "allow_local_diff", "provenance", "escalation_reviewers",
                 "approval_records", "required_checks"):
        assert getattr(built, name) == getattr(source, name), name
    assert built.origin == source.origin
    assert list(built.classes) == list(source.classes)
    for risk, rule in built.classes.items():
        other = source.classes[risk]
        assert (rule.patterns, rule.require, rule.case_insensitive) == (
            other.patterns, other.require, other.case_insensitive)


@pytest.mark.parametrize("path", [
    "src/auth/login.py", "src/Auth/.env.example", "db/migrate/0001_init.rb", "main.TF",
    ".github/workflows/ci.yml", "CODEOWNERS", "package-lock.json", "docs/readme.md",
    "src/payments/.env.sample", "README.md",
])
def test_the_build_classifies_as_the_yaml_does(path: str) -> None:
    changes = [ChangedPath(path)]
    built = classify(changes, default_policy())
    source = classify(changes, _from_yaml())
    assert built == source
