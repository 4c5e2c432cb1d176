"""Whether GitHub dismisses an approval when the pull request changes under it. Pure.

Gatekeeper counts an approval only on the current head and only when it was given after
the pull request's last base change; GitHub's own "dismiss stale approvals on push" makes
the review state everyone sees agree with that, and keeps GitHub's own required-review
count honest when a push or a retarget changes the diff.
"""

from __future__ import annotations

from gatekeeper.commands.doctor.results import CheckResult
from gatekeeper.forge import ProtectionFacts, RulesFacts

NAME = "stale reviews"


def check_stale_approvals(protection: ProtectionFacts, rules: RulesFacts,
                          branch: str) -> CheckResult:
    fix = (f'in the ruleset for {branch}, under "Require a pull request before merging", tick '
           '"Dismiss stale pull request approvals when new commits are pushed" (branch '
           "protection: the same box)")
    if protection.state == "protected" and protection.requires_pull_request \
            and protection.dismiss_stale_reviews:
        return CheckResult(NAME, True, f"branch protection on {branch} requires a pull "
                                       "request and dismisses stale approvals on push")
    for rule in rules.of_kind("pull_request"):
        if rule.dismiss_stale_reviews_on_push:
            return CheckResult(NAME, True, f"{rule.ruleset} requires a pull request on "
                                           f"{branch} and dismisses stale approvals on push")
    if rules.error or protection.state == "unreadable":
        unread = rules.error or (f"cannot read the branch protection of {branch} (HTTP "
                                 f"{protection.status})")
        return CheckResult(NAME, False, f"not known: {unread}", fix, unread=True)
    if not (protection.requires_pull_request or rules.of_kind("pull_request")):
        return CheckResult(NAME, False, f"nothing requires a pull request on {branch}, so "
                                        "nothing dismisses an approval either", fix)
    return CheckResult(NAME, False, f"an approval on {branch} survives a push and a change "
                                    "of base: GitHub shows it as current after the diff "
                                    "changed", fix)
