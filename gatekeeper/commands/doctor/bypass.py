"""Who may get past the gate without it: ruleset bypass lists, admins under classic
protection, and the actors classic protection lets skip the pull request. Pure."""

from __future__ import annotations

from gatekeeper.commands.doctor.results import CheckResult
from gatekeeper.forge import ProtectionFacts, RulesFacts


def check_bypass(protection: ProtectionFacts, rules: RulesFacts, branch: str) -> CheckResult:
    """Passes always (a break-glass account can be a choice), with a warning per actor."""
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
