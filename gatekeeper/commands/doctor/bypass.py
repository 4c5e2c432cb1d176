"""Who may get past the gate without it: ruleset bypass lists, admins under classic
protection, and the actors classic protection lets skip the pull request. Pure."""

from __future__ import annotations

from gatekeeper.commands.doctor.results import CheckResult
from gatekeeper.forge import ProtectionFacts, RulesFacts


def check_bypass(protection: ProtectionFacts, rules: RulesFacts, branch: str) -> CheckResult:
    """Passes (a break-glass account can be a choice), with a warning per actor; unread
    when the rulesets could not be read, or the branch protection could not and no
    ruleset enforces the gate (a ruleset holds whatever classic protection lets pass)."""
    enforced_by_rules = bool(rules.of_kind("required_status_checks") or rules.of_kind("workflows"))
    if rules.error or (protection.state == "unreadable" and not enforced_by_rules):
        what = rules.error or (f"cannot read the branch protection of {branch} (HTTP "
                               f"{protection.status or 'error'})")
        return CheckResult("bypass", False, f"not known who may bypass the rules on {branch}: "
                                            f"{what}",
                           "run doctor with a repository admin's token", unread=True)
    warnings: list[str] = []
    if protection.state == "protected" and not protection.enforce_admins:
        warnings.append(f"branch protection on {branch} does not apply to administrators "
                        "(enforce_admins is off): an admin can merge without the check")
    warnings += [f"branch protection on {branch} lets {who} skip the pull request"
                 for who in protection.pull_request_bypass]
    for ruleset in rules.bypass:
        if ruleset.actors is None:
            warnings.append(f"cannot see who may bypass {ruleset.ruleset}: GitHub shows the "
                            "bypass list only to a token that may edit the ruleset")
            continue
        warnings += [f"{ruleset.ruleset}: {actor} may bypass it" for actor in ruleset.actors]
    if not warnings:
        return CheckResult("bypass", True, f"nobody may bypass the rules on {branch}")
    return CheckResult(
        "bypass", True,
        f"{len(warnings)} way{'' if len(warnings) == 1 else 's'} to bypass the rules on "
        f"{branch}",
        'empty the bypass lists (or keep only break-glass accounts), and tick "Do not allow '
        'bypassing the above settings" in branch protection',
        tuple(warnings),
    )
