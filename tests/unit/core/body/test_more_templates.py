"""Twenty more projects' templates, filled in their own idiom (tests/fixtures/bodies/
templates), and bot and agent bodies with release notes or prompts in collapsed sections.

Each fixture was written for this test in the shape of a project's template (its
headings, questions and label lines) found in the survey of real templates; none is
copied from one, and names, handles and references are made up.
"""

from __future__ import annotations

import re

import pytest

from gatekeeper.core.body.contract import parse_contract
from tests.support.fixtures import REPO_ROOT, run_evaluate

TEMPLATES = REPO_ROOT / "tests" / "fixtures" / "bodies" / "templates"
PATTERN = re.compile(r"^[A-Z][A-Z0-9]+-\d+$")
GREEN_PATHS = ["docs/guide.md"]
RED_PATHS = ["src/auth/session.py"]
OWN = {"accountable_owner": "@dana"}

EXPECTED: dict[str, tuple[dict[str, str], list[str]]] = {
    "envoy-style": ({"risk_level": "AMBER", **OWN, "change_origin": "human",
                     "test_evidence": "bazel test //test/common/http/... : 212 passed"},
                    GREEN_PATHS),
    "docusaurus-style": ({"risk_level": "GREEN", **OWN, "change_origin": "ai-assisted",
                          "test_evidence": "Ran yarn test (1,204 passed) and clicked through "
                                           "the sidebar on the preview."}, GREEN_PATHS),
    "superset-style": ({"risk_level": "AMBER", **OWN, "change_origin": "human"}, GREEN_PATHS),
    "posthog-style": ({"risk_level": "GREEN", **OWN, "change_origin": "agent",
                       "test_evidence": "Unit tests for the memoiser (9 passed) and a manual "
                                        "check on a local instance."}, GREEN_PATHS),
    "calcom-style": ({"risk_level": "GREEN", **OWN, "change_origin": "human"}, GREEN_PATHS),
    "temporal-style": ({"risk_level": "AMBER", **OWN, "change_origin": "human",
                        "test_evidence": "Ran the functional suite: go test ./host/... ok "
                                         "(14m)."}, GREEN_PATHS),
    "mlflow-style": ({"risk_level": "GREEN", **OWN, "change_origin": "ai-assisted",
                      "test_evidence": "Existing unit/integration tests; New "
                                       "unit/integration tests"}, GREEN_PATHS),
    "woocommerce-style": ({"risk_level": "AMBER", **OWN, "change_origin": "human"},
                          GREEN_PATHS),
    "terminal-style": ({"risk_level": "GREEN", **OWN, "change_origin": "human"}, GREEN_PATHS),
    "gitpod-style": ({"risk_level": "GREEN", **OWN, "change_origin": "human",
                      "test_evidence": "Start a workspace on the preview environment; it "
                                       "came up in 41 s."}, GREEN_PATHS),
    "ray-style": ({"risk_level": "AMBER", **OWN, "change_origin": "human",
                   "test_evidence": "pytest python/ray/autoscaler: 77 passed"}, GREEN_PATHS),
    "flagsmith-style": ({"risk_level": "GREEN", **OWN, "change_origin": "human",
                         "test_evidence": "Added 6 unit tests; all 1,310 tests pass."},
                        GREEN_PATHS),
    "n8n-style": ({"risk_level": "GREEN", **OWN, "change_origin": "ai-assisted"},
                  GREEN_PATHS),
    "wp-calypso-style": ({"risk_level": "GREEN", **OWN, "change_origin": "human"},
                         GREEN_PATHS),
    "expensify-style": ({"risk_level": "AMBER", **OWN, "change_origin": "human"},
                        GREEN_PATHS),
    "tidb-style": ({"risk_level": "AMBER", **OWN, "change_origin": "human"}, GREEN_PATHS),
    "opentelemetry-style": ({"risk_level": "GREEN", **OWN, "change_origin": "human"},
                            GREEN_PATHS),
    "ansible-style": ({"risk_level": "GREEN", **OWN, "change_origin": "human",
                       "test_evidence": "ansible-test units --target copy, 88 passed"},
                      GREEN_PATHS),
    "seemly-style": ({"risk_level": "RED", **OWN, "change_origin": "ai-assisted",
                      "test_evidence": "pytest tests/webhooks -q: 27 passed",
                      "escalation_reviewer": "@acme/security",
                      "approval_reference": "SEC-5120",
                      "rollback_plan": "put the old secret back in the vault and redeploy; "
                                       "tried on staging"}, RED_PATHS),
    "goldenpath-style": ({"risk_level": "RED", **OWN, "change_origin": "human",
                          "escalation_reviewer": "@acme/platform",
                          "approval_reference": "OPS-771"}, RED_PATHS),
    "copilot-agent": ({"risk_level": "RED", **OWN, "change_origin": "agent",
                       "approval_reference": "SEC-5121"}, RED_PATHS),
    "dependabot-collapsed": ({"risk_level": "AMBER", **OWN, "change_origin": "agent"},
                             ["package-lock.json"]),
}


def test_every_fixture_is_listed() -> None:
    assert sorted(path.stem for path in TEMPLATES.glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_template_filled_in_its_own_idiom_is_read(name: str) -> None:
    expected, paths = EXPECTED[name]
    body = (TEMPLATES / f"{name}.md").read_text(encoding="utf-8")
    contract = parse_contract(body, approval_pattern=PATTERN)
    filled = contract.filled()
    assert {key: filled.get(key) for key in expected} == expected
    assert "test_evidence" in filled, "every fixture answers how it was tested"
    decision = run_evaluate(body, paths)
    assert [str(r.code) for r in decision.reasons if r.code.family.incomplete_contract
            and str(r.code).startswith(("GK1", "GK2"))] == []


@pytest.mark.parametrize("name", ["posthog-style", "copilot-agent", "dependabot-collapsed",
                                  "seemly-style"])
def test_collapsed_and_quoted_material_fills_nothing(name: str) -> None:
    # Each of these bodies holds a contrary value in a prompt, release notes, a bot's
    # commands or a stray section; none of it is read.
    body = (TEMPLATES / f"{name}.md").read_text(encoding="utf-8")
    filled = parse_contract(body, approval_pattern=PATTERN).filled()
    assert filled.get("risk_level") != "GREEN" or name == "posthog-style"
    assert "@mallory" not in filled.values()
    assert filled.get("approval_reference") != "DEP-1"
    assert filled.get("rollback_plan") not in ("pin 1.0.0", "see the runbook")
