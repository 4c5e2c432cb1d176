"""Does CODEOWNERS make the policy and the workflows need their owners' review? Pure.

CODEOWNERS patterns are read with the git-exact matcher (``core/policy/patterns.py``): GitHub
follows .gitignore rules, except that ``!`` negation is not supported and a pattern
ending in ``/*`` matches the folder's own files only, not deeper ones. The last matching
line decides, and a line with no owners leaves its paths unowned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gatekeeper.commands.doctor.results import CheckResult
from gatekeeper.core.policy.patterns import GitPattern, PatternError, parse_pattern
from gatekeeper.forge import ProtectionFacts, RulesFacts

# A file that a new workflow would be: .github/workflows/ must be owned as a folder.
NEW_WORKFLOW = ".github/workflows/new-workflow.yml"


@dataclass(frozen=True)
class Rule:
    line: int
    pattern: GitPattern
    owners: tuple[str, ...]

    def matches(self, path: str) -> bool:
        regex = self.pattern.regex
        if not self.pattern.dir_only and regex.match(path.encode("utf-8", "surrogateescape")):
            return True
        if self.pattern.text.split()[0].endswith("/*"):
            return False
        parts = path.split("/")[:-1]
        return any(regex.match("/".join(parts[:i]).encode("utf-8", "surrogateescape"))
                   for i in range(1, len(parts) + 1))


def parse_codeowners(text: str) -> list[Rule]:
    rules: list[Rule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = raw.split()
        if not tokens or tokens[0].startswith("#") or tokens[0].startswith("!"):
            continue
        owners: list[str] = []
        for token in tokens[1:]:
            if token.startswith("#"):
                break
            owners.append(token)
        try:
            pattern = parse_pattern(tokens[0])
        except PatternError:
            continue
        if pattern is not None:
            rules.append(Rule(number, pattern, tuple(owners)))
    return rules


def owners_of(rules: Sequence[Rule], path: str) -> tuple[Rule | None, tuple[str, ...]]:
    """The deciding line for ``path`` (the last that matches) and its owners."""
    for rule in reversed(rules):
        if rule.matches(path):
            return rule, rule.owners
    return None, ()


def check_codeowners(found: tuple[str, str] | None, error: str,
                     wanted: Sequence[tuple[str, str]], protection: ProtectionFacts,
                     rules: RulesFacts, branch: str) -> CheckResult:
    """``found``: (path, text) of the CODEOWNERS GitHub uses, None when there is none;
    ``wanted``: (what, path) that must be owned."""
    name = "code owners"
    example = ", ".join(f"`/{path} @your-org/maintainers`" for _, path in wanted[:1])
    fix = (f"add .github/CODEOWNERS with lines such as {example} and "
           "`/.github/workflows/ @your-org/maintainers`, and turn on \"Require review from "
           "Code Owners\"")
    if error:
        return CheckResult(name, False, error,
                           "re-run with a token that can read the repository's contents",
                           unread=True)
    if found is None:
        return CheckResult(name, False, f"no CODEOWNERS on {branch}: a pull request that "
                                        "changes the policy or a workflow needs no particular "
                                        "reviewer", fix)
    path, text = found
    parsed = parse_codeowners(text)
    unowned = []
    for what, target in wanted:
        rule, owners = owners_of(parsed, target)
        if not owners:
            unowned.append(f"{what} ({target}{f', emptied by line {rule.line}' if rule else ''})")
    if unowned:
        return CheckResult(name, False, f"{path} on {branch} gives no owner to "
                                        f"{'; '.join(unowned)}",
                           f"give them owners in {path}, after any line that would empty "
                           "them (the last matching line decides), for example "
                           "`/.github/ @your-org/maintainers`")
    required = protection.code_owner_reviews or any(
        rule.code_owner_review for rule in rules.of_kind("pull_request"))
    if not required:
        return CheckResult(
            name, False,
            f"{path} on {branch} owns the policy and the workflows, but nothing requires "
            "code owner review, so the owners need not approve",
            f'turn on "Require review from Code Owners" for {branch} in branch protection '
            "or in the ruleset's pull request rule")
    return CheckResult(name, True, f"{path} on {branch} gives the policy and the workflows "
                                   "owners, whose review is required")
