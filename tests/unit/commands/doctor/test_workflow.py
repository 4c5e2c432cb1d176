"""The Gatekeeper workflow read from its YAML: its triggers, how it reports, its pins."""

from __future__ import annotations

import textwrap

from gatekeeper import Build
from gatekeeper.commands.doctor.workflow import (
    WorkflowFacts,
    check_workflow,
    gatekeeper_workflows,
    pin_warnings,
    workflow_facts,
)
from gatekeeper.forge import FileFacts, RuleFacts, RulesFacts

PATH = ".github/workflows/gatekeeper.yml"
SHA = "a" * 40
FULL = textwrap.dedent("""\
    name: Gatekeeper
    on:
      pull_request:
        types: [opened, edited, synchronize, reopened, ready_for_review]
      pull_request_review:
        types: [submitted, dismissed]
      merge_group:
    jobs:
      gatekeeper:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: acme/gatekeeper@%s
            with:
              policy-path: .github/policy.yml
    """) % SHA
HARDENED = textwrap.dedent("""\
    on:
      pull_request_target:
        types: [opened, edited, synchronize, reopened, ready_for_review]
    jobs:
      gate:
        name: The gate
        steps:
          - uses: ./
            with:
              status-context: "gk ({branch})"
    """)


def _check(text: str | None, rules: RulesFacts | None = None) -> tuple[bool, str, bool]:
    result, _ = check_workflow(FileFacts(text), PATH, "main", rules)
    return result.ok, result.detail, result.unread


def test_a_workflow_listening_to_every_event_passes() -> None:
    result, facts = check_workflow(FileFacts(FULL), PATH, "main")
    assert result.ok, result.detail
    assert "(pull_request, pull_request_review, merge_group)" in result.detail
    assert facts == WorkflowFacts(hardened=False,
                                  check_names=("gatekeeper", "Gatekeeper / gatekeeper"),
                                  policy_path=".github/policy.yml",
                                  pins=(f"acme/gatekeeper@{SHA}",))


def test_missing_events_and_types_are_named() -> None:
    text = FULL.replace("  merge_group:\n", "").replace("[submitted, dismissed]",
                                                             "[submitted]")
    ok, detail, _ = _check(text)
    assert not ok
    assert detail == (f"{PATH} on main does not listen to pull_request_review types "
                      "dismissed; merge_group (checks_requested)")
    # Without `types:` an event listens to GitHub's default types only.
    ok, detail, _ = _check(FULL.replace(
        "    types: [opened, edited, synchronize, reopened, ready_for_review]\n", "", 1))
    assert not ok and "pull_request types edited, ready_for_review" in detail


def test_a_hardened_workflow_reports_its_status_context() -> None:
    result, facts = check_workflow(FileFacts(HARDENED), PATH, "main")
    assert result.ok, result.detail
    assert result.detail.endswith('(hardened: pull_request_target, commit status "gk (main)")')
    assert facts.hardened and facts.status_contexts == ("gk ({branch})",)
    assert facts.check_names == ("The gate",) and facts.pins == ()
    default = HARDENED.split("        with:")[0]
    result, _ = check_workflow(FileFacts(default), PATH, "dev")
    assert result.detail.endswith('commit status "gatekeeper/contract (dev)")')


def test_a_hardened_workflow_that_checks_out_the_pull_request_fails() -> None:
    text = HARDENED.replace(
        "      - uses: ./\n",
        "      - uses: actions/checkout@v4\n"
        "        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - uses: ./\n")
    ok, detail, _ = _check(text)
    assert not ok and "checks out the pull request's code under pull_request_target" in detail


def test_broken_or_absent_workflows_fail_and_an_unreadable_one_is_unread() -> None:
    ok, detail, _ = _check("on: [push\n")
    assert not ok and detail.startswith(f"{PATH}:") and detail.endswith("is not valid YAML")
    assert _check("jobs: {}\n")[1] == f"{PATH} on main has no `on:` triggers"
    assert _check("- a list\n")[1] == f"{PATH} on main has no `on:` triggers"
    ok, detail, _ = _check("on: pull_request\njobs:\n  a:\n    steps:\n      - run: true\n")
    assert not ok and detail == f"no step in {PATH} on main uses the Gatekeeper action"
    assert _check(None) == (False, f"no {PATH} on main", False)
    result, facts = check_workflow(FileFacts(error="HTTP 403"), PATH, "main")
    assert result.unread and result.detail == "HTTP 403" and facts == WorkflowFacts()


def test_a_required_workflow_from_a_ruleset_stands_in_for_a_missing_file() -> None:
    rules = RulesFacts(rules=(RuleFacts("workflows", "ruleset 3",
                                        workflow_paths=("ci.yml", "org/gatekeeper.yml")),))
    assert gatekeeper_workflows(rules) == [("ruleset 3", "org/gatekeeper.yml")]
    assert gatekeeper_workflows(RulesFacts()) == []
    ok, detail, _ = _check(None, rules)
    assert ok and detail == (f"no {PATH} on main; ruleset 3 runs org/gatekeeper.yml from its "
                             "policy repository")


def test_workflow_facts_skip_expressions_and_malformed_jobs() -> None:
    document = {
        "jobs": {
            "bad": "not a job",
            "gk": {"steps": [
                "not a step",
                {"uses": "acme/Gatekeeper@v1",
                 "with": {"status-context": "${{ inputs.context }}",
                          "policy-path": "${{ inputs.path }}"}},
                {"uses": "acme/Gatekeeper@v1"},
            ]},
        },
    }
    facts = workflow_facts(document, {"pull_request": ()})
    assert facts == WorkflowFacts(check_names=("gk",), pins=("acme/Gatekeeper@v1",))


def test_a_pin_other_than_this_build_warns() -> None:
    facts = WorkflowFacts(pins=(f"acme/gatekeeper@{SHA}", "acme/gatekeeper@v1"))
    assert pin_warnings(facts, PATH, Build("1.0", SHA)) == ()
    assert pin_warnings(facts, PATH, Build("1.0", None)) == ()
    (warning,) = pin_warnings(facts, PATH, Build("1.0", "b" * 40))
    assert warning.startswith(f"{PATH} pins acme/gatekeeper@{SHA}, but this gatekeeper is "
                              f"1.0 (commit {'b' * 40})")
