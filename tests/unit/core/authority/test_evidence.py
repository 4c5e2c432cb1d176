"""evidence: the facts' own lookups: a pull request's short name, a login's permission."""

from __future__ import annotations

from gatekeeper.core.authority.evidence import WRITE_ROLES, Evidence, PullRequestRef


def test_a_pull_request_is_named_repo_hash_number() -> None:
    assert PullRequestRef("acme/app", 7).short == "acme/app#7"


def test_a_permission_is_found_whatever_the_case_of_repo_and_login() -> None:
    evidence = Evidence(permissions={("acme/app", "carol"): "maintain"})
    assert evidence.permission("Acme/App", "CAROL") == "maintain"
    assert evidence.permission("acme/app", "dave") is None
    assert evidence.permission("acme/other", "carol") is None


def test_the_empty_evidence_has_read_nothing() -> None:
    evidence = Evidence()
    assert (evidence.reviews, evidence.commits, evidence.pull_request) == (None, None, None)
    assert evidence.permission("acme/app", "carol") is None


def test_only_write_maintain_and_admin_may_authorise() -> None:
    assert sorted(WRITE_ROLES) == ["admin", "maintain", "write"]
    assert "triage" not in WRITE_ROLES
