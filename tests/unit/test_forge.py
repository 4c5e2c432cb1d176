"""forge: the boundary's own logic: the message a ForgeUnavailable carries, the reference a
pull request gives, the rules of one kind."""

from __future__ import annotations

import pytest

from gatekeeper.core.authority.facts import PullRequestRef
from gatekeeper.forge import ForgeUnavailable, PullRequestInfo, RuleFacts, RulesFacts


@pytest.mark.parametrize(("status", "detail", "hint", "shown"), [
    (502, "", "", "reading pull request acme/app#7: HTTP 502"),
    (403, "Forbidden", "", "reading pull request acme/app#7: HTTP 403 (Forbidden)"),
    (404, "Not Found", "check the name",
     "reading pull request acme/app#7: HTTP 404 (Not Found): check the name"),
    (None, "", "check GITHUB_API_URL",
     "reading pull request acme/app#7: no response: check GITHUB_API_URL"),
    (0, "", "", "reading pull request acme/app#7: no response"),
])
def test_an_unavailable_forge_says_what_status_and_hint(status: int | None, detail: str,
                                                        hint: str, shown: str) -> None:
    error = ForgeUnavailable("reading pull request acme/app#7", status, detail, hint=hint)
    assert str(error) == shown
    assert (error.what, error.status, error.detail, error.hint) == (
        "reading pull request acme/app#7", status, detail, hint)


def test_a_pull_request_gives_its_reference() -> None:
    info = PullRequestInfo(repo="acme/app", number=7, title="t", body="b", author="alice",
                           head_sha="c" * 40, head_ref="topic", base_sha="b" * 40,
                           base_ref="main", changed_files=1, draft=False,
                           html_url="https://github.com/acme/app/pull/7")
    assert info.ref == PullRequestRef("acme/app", 7, "https://github.com/acme/app/pull/7")
    assert info.ref.short == "acme/app#7"


def test_rules_are_found_by_kind_in_order() -> None:
    first = RuleFacts("required_status_checks", "ruleset 1", required_contexts=("ci",))
    other = RuleFacts("pull_request", "ruleset 1")
    second = RuleFacts("required_status_checks", "ruleset 2", required_contexts=("gk",))
    rules = RulesFacts(rules=(first, other, second))
    assert rules.of_kind("required_status_checks") == [first, second]
    assert rules.of_kind("workflows") == []
    assert RulesFacts().of_kind("pull_request") == []
