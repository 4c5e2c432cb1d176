"""evidence: a login's permission, and what the empty evidence has read."""

from __future__ import annotations

from gatekeeper.core.authority.evidence import WRITE_ROLES, Evidence


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
