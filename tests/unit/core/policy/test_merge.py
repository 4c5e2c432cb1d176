"""A central policy and a repository's policy that may only tighten it: every loosening key
is refused with its file, key and line; every tightening takes effect."""

from __future__ import annotations

import textwrap

import pytest

from gatekeeper import resources
from gatekeeper.core.model import ChangedPath, PolicyOrigin, RiskClass
from gatekeeper.core.policy.classify import classify
from gatekeeper.core.policy.load import PolicyDocument, read_policy_document
from gatekeeper.core.policy.merge import (
    CentralReference,
    EffectivePolicy,
    LooseningError,
    effective_policy,
    parse_reference,
)
from gatekeeper.errors import GatekeeperError

CENTRAL = """\
version: 1
classes:
  RED:
    paths:
      - "src/auth/**"
      - "!src/auth/README.md"
    require: [rollback_plan]
    case_insensitive: true
  AMBER:
    paths: [src/api/]
authority:
  require_escalation_approval: true
  escalation_reviewers: ["@acme/security", "@alice"]
provenance:
  agent_owner_must_approve: true
  automation_accounts: ["dependabot[bot]", "renovate[bot]"]
test_evidence:
  require_checks: [tests]
exemptions:
  - name: lockfiles
    authors: ["dependabot[bot]", "renovate[bot]"]
    paths: [poetry.lock, package-lock.json]
"""
LOCAL_FILE = "acme/app:.github/gatekeeper.yml"
SCHEMA = resources.schema("policy")


def document(text: str, file: str) -> PolicyDocument:
    return read_policy_document(textwrap.dedent(text), file=file, schema=SCHEMA)


def merge(local: str | None, central: str = CENTRAL) -> EffectivePolicy:
    return effective_policy(
        document(central, "acme/policy:gatekeeper.yml"),
        document(local, LOCAL_FILE) if local is not None else None,
        SCHEMA, local_origin=PolicyOrigin(source=LOCAL_FILE, ref="main", sha="b" * 40))


def refused(local: str) -> LooseningError:
    with pytest.raises(LooseningError) as caught:
        merge(local)
    error = caught.value
    assert error.file == LOCAL_FILE
    return error


def red(effective: EffectivePolicy, path: str) -> RiskClass:
    return classify([ChangedPath(path)], effective.policy).computed_class


def test_central_alone_is_the_central_policy_and_both_are_named() -> None:
    effective = merge(None)
    assert red(effective, "src/auth/login.py") is RiskClass.RED
    assert red(effective, "SRC/Auth/x.py") is RiskClass.RED  # case_insensitive kept
    assert red(effective, "src/auth/README.md") is RiskClass.GREEN
    origin = effective.policy.origin
    assert origin.source == LOCAL_FILE
    assert origin.central is not None
    assert origin.central.source == "acme/policy:gatekeeper.yml"
    assert effective.policy.required_checks == ("tests",)


@pytest.mark.parametrize(("local", "key", "line"), [
    # a negation in a central class
    ("version: 1\nclasses:\n  RED:\n    paths:\n      - docs/\n      - '!src/auth/legacy/'\n",
     "classes.RED.paths[1]", 6),
    ("version: 1\nclasses:\n  RED:\n    case_insensitive: false\n",
     "classes.RED.case_insensitive", 4),
    ("version: 1\nauthority:\n  require_escalation_approval: false\n",
     "authority.require_escalation_approval", 3),
    ("version: 1\n\nauthority:\n  escalation_reviewers: ['@alice', '@mallory']\n",
     "authority.escalation_reviewers[1]", 4),
    ("version: 1\nauthority:\n  escalation_reviewers: []\n",
     "authority.escalation_reviewers", 3),
    ("version: 1\napproval_reference_pattern: '^.*$'\n", "approval_reference_pattern", 2),
    ("version: 1\nchanged_files:\n  allow_local_diff: true\n",
     "changed_files.allow_local_diff", 3),
    ("version: 1\nexemptions:\n  - name: docs\n    authors: [bob]\n    paths: [docs/]\n",
     "exemptions[0]", 3),
    ("version: 1\nexemptions:\n  - name: lockfiles\n    authors: [mallory]\n"
     "    paths: [poetry.lock]\n", "exemptions[0].authors[0]", 4),
    ("version: 1\nexemptions:\n  - name: lockfiles\n    authors: ['renovate[bot]']\n"
     "    paths: [poetry.lock, src/]\n", "exemptions[0].paths[1]", 5),
    ("version: 1\nprovenance:\n  agent_owner_must_approve: false\n",
     "provenance.agent_owner_must_approve", 3),
    ("version: 1\nprovenance:\n  automation_accounts: ['dependabot[bot]', 'my-agent']\n",
     "provenance.automation_accounts[1]", 3),
    ("version: 1\nfields:\n  risk_level:\n    description: x\n", None, None),
])
def test_each_loosening_key_is_refused_with_its_line(local: str, key: str | None,
                                                     line: int | None) -> None:
    if key is None:  # redefining a field the central policy does not describe is fine
        merge(local)
        return
    error = refused(local)
    assert [(item.key, item.line) for item in error.loosenings] == [(key, line)]
    assert str(error).startswith(f"{LOCAL_FILE}:{line}: {key}: ")


def test_every_loosening_is_listed_in_line_order() -> None:
    error = refused("version: 1\nchanged_files:\n  allow_local_diff: true\n"
                    "approval_reference_pattern: x\n")
    assert [item.line for item in error.loosenings] == [3, 4]
    assert "(and 1 more key refused)" in str(error)


def test_loosening_is_a_usage_error() -> None:
    assert issubclass(LooseningError, GatekeeperError)


def test_approval_records_may_be_added_but_not_replaced() -> None:
    records = ("version: 1\nauthority:\n  approval_records:\n    repository: acme/approvals\n"
               "    label: approved\n")
    added = merge(records).policy.approval_records
    assert added is not None and added.repository == "acme/approvals"
    central = CENTRAL.replace("authority:\n", "authority:\n  approval_records:\n"
                              "    repository: acme/approvals\n    label: approved\n")
    with pytest.raises(LooseningError) as caught:
        effective_policy(document(central, "c.yml"),
                         document(records.replace("approved", "ok"), LOCAL_FILE), SCHEMA,
                         local_origin=PolicyOrigin(source=LOCAL_FILE))
    assert caught.value.loosenings[0].key == "authority.approval_records"


def test_tightening_takes_effect() -> None:
    effective = merge("""\
        version: 1
        classes:
          RED:
            paths: [src/api/payments/]
            require: [approval_reference]
          AMBER:
            paths: [docs/]
        placeholders: [pending review]
        fields:
          test_evidence:
            aliases: [Tests run]
        authority:
          escalation_reviewers: ["@ALICE"]
        provenance:
          agent_accounts: [my-agent]
          automation_accounts: ["dependabot[bot]"]
          agent_branch_prefixes: [bots/]
        test_evidence:
          require_checks: [lint]
        exemptions:
          - name: lockfiles
            authors: ["renovate[bot]"]
            paths: [poetry.lock]
        changed_files:
          allow_local_diff: false
        """)
    policy = effective.policy
    # A path moved up: AMBER in the central policy, RED here.
    assert red(effective, "src/api/payments/charge.py") is RiskClass.RED
    assert red(effective, "src/api/users.py") is RiskClass.AMBER
    assert red(effective, "docs/guide.md") is RiskClass.AMBER
    assert policy.required_fields(RiskClass.RED) == ("rollback_plan", "approval_reference")
    assert "pending review" in policy.placeholders
    assert policy.field_aliases["test_evidence"] == ("Tests run",)
    assert policy.escalation_reviewers == ("@ALICE",)
    assert "my-agent" in policy.provenance.agent_accounts
    assert "Copilot" in policy.provenance.agent_accounts  # the default kept, not replaced
    assert "bots/" in policy.provenance.agent_branch_prefixes
    assert policy.provenance.automation_accounts == ("dependabot[bot]",)
    assert policy.provenance.agent_owner_must_approve is True
    assert policy.required_checks == ("tests", "lint")
    assert [(e.authors, e.paths) for e in policy.exemptions] == [(("renovate[bot]",),
                                                                  ("poetry.lock",))]
    assert policy.allow_local_diff is False
    assert policy.require_escalation_approval is True
    sources = effective.pattern_sources[RiskClass.RED]
    assert [(s.file, s.line) for s in sources] == [
        ("acme/policy:gatekeeper.yml", 5), ("acme/policy:gatekeeper.yml", 6),
        (LOCAL_FILE, 4)]


def test_switches_the_central_policy_leaves_off_may_be_turned_on() -> None:
    central = "version: 1\nauthority:\n  require_escalation_approval: false\n"
    effective = effective_policy(
        document(central, "c.yml"),
        document("version: 1\nauthority:\n  require_escalation_approval: true\n"
                 "provenance:\n  agent_owner_must_approve: true\n", LOCAL_FILE),
        SCHEMA, local_origin=PolicyOrigin(source=LOCAL_FILE))
    assert effective.policy.require_escalation_approval is True
    assert effective.policy.provenance.agent_owner_must_approve is True
    loose = effective_policy(document(central, "c.yml"), None, SCHEMA,
                             local_origin=PolicyOrigin(source="none"))
    assert loose.policy.require_escalation_approval is False


def test_a_class_the_central_policy_lacks_may_have_negations() -> None:
    effective = effective_policy(
        document("version: 1\nclasses:\n  RED:\n    paths: [src/auth/]\n", "c.yml"),
        document("version: 1\nclasses:\n  AMBER:\n    paths: ['docs/*.md', '!docs/draft.md']\n",
                 LOCAL_FILE), SCHEMA, local_origin=PolicyOrigin(source=LOCAL_FILE))
    assert red(effective, "docs/guide.md") is RiskClass.AMBER
    assert red(effective, "docs/draft.md") is RiskClass.GREEN
    assert red(effective, "src/auth/x.py") is RiskClass.RED


def test_a_central_policy_that_allows_a_local_diff_may_be_narrowed() -> None:
    central = "version: 1\nchanged_files:\n  allow_local_diff: true\n"
    for local, expected in (("version: 1\n", True),
                            ("version: 1\nchanged_files:\n  allow_local_diff: false\n", False)):
        effective = effective_policy(document(central, "c.yml"), document(local, LOCAL_FILE),
                                     SCHEMA, local_origin=PolicyOrigin(source=LOCAL_FILE))
        assert effective.policy.allow_local_diff is expected


def test_a_malformed_pattern_is_named_in_its_own_file() -> None:
    with pytest.raises(GatekeeperError) as caught:
        merge("version: 1\nclasses:\n  RED:\n    paths: ['a/', '']\n")
    assert caught.value.file == LOCAL_FILE and caught.value.line == 4


def test_decision_record_names_both_policies() -> None:
    from gatekeeper.core.decide import evaluate
    from gatekeeper.core.schemas import validation_errors

    effective = merge(None)
    decision = evaluate("## Contract\n", [ChangedPath("src/auth/x.py")], effective.policy,
                        contract_schema=resources.schema("contract"),
                        evaluated_at="2026-12-01T00:00:00Z", version="1.0.0")
    record = decision.to_record()
    assert record["policy"]["source"] == LOCAL_FILE
    assert record["policy"]["central"] == {"source": "acme/policy:gatekeeper.yml",
                                           "ref": None, "sha": record["policy"]["central"]["sha"]}
    assert validation_errors(resources.schema("decision"), record) == []
    changed = document(CENTRAL + "placeholders: [x]\n", "acme/policy:gatekeeper.yml")
    other = effective_policy(changed, None, SCHEMA, local_origin=effective.policy.origin)
    again = evaluate("## Contract\n", [ChangedPath("src/auth/x.py")], other.policy,
                     contract_schema=resources.schema("contract"),
                     evaluated_at="2026-12-01T00:00:00Z", version="1.0.0")
    assert again.id != decision.id  # another central policy, another decision


@pytest.mark.parametrize(("text", "expected"), [
    ("acme/policy", CentralReference("acme/policy")),
    ("acme/policy:policies/org.yml", CentralReference("acme/policy", "policies/org.yml")),
    ("acme/policy@main", CentralReference("acme/policy", ref="main")),
    ("acme/.github:gatekeeper.yml@" + "a" * 40,
     CentralReference("acme/.github", "gatekeeper.yml", "a" * 40)),
    ("acme", None), ("acme/policy:../x.yml", None), ("acme/..", None), ("a b/c", None),
])
def test_central_references(text: str, expected: CentralReference | None) -> None:
    assert parse_reference(text) == expected


def test_a_reference_is_pinned_by_a_full_sha_only() -> None:
    assert CentralReference("a/b", ref="a" * 40).pinned
    assert not CentralReference("a/b", ref="main").pinned
    assert str(CentralReference("a/b", ref="main")) == "a/b:gatekeeper.yml@main"
