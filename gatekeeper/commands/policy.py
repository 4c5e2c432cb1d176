"""`gatekeeper policy check [FILE]...`: every problem of a policy file at once, each with
its line, in plain words (also the pre-commit hook). Exit 0 valid, 2 any problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from gatekeeper import resources
from gatekeeper.constants import EXIT_PASS, EXIT_USAGE, POLICY_PATHS
from gatekeeper.core.policy.check import PolicyProblem, policy_problems
from gatekeeper.core.policy.load import PolicyDocument, read_policy_document
from gatekeeper.core.policy.merge import loosenings
from gatekeeper.errors import GatekeeperError
from gatekeeper.local.policy_source import PolicyText, policy_text


@dataclass(frozen=True)
class PolicyCheckOptions:
    files: tuple[str, ...] = ()
    cwd: Path = Path(".")
    # The organisation's central policy: each file is also checked for keys that loosen it.
    org_policy: str | None = None


def run(options: PolicyCheckOptions, out: TextIO) -> int:
    central: PolicyDocument | None = None
    if options.org_policy is not None:
        from gatekeeper.commands.org_policy import central_policy

        try:
            central = central_policy(options.org_policy, cwd=options.cwd)
        except GatekeeperError as exc:
            out.write(f"{exc}\n")
            return EXIT_USAGE
    failed = False
    for name in options.files or (None,):
        try:
            source = policy_text(name, cwd=options.cwd)
        except GatekeeperError as exc:  # unreadable: reported, and the others still checked
            out.write(f"{exc}\n")
            failed = True
            continue
        failed = _check(source, out, central) or failed
    return EXIT_USAGE if failed else EXIT_PASS


def _check(source: PolicyText, out: TextIO, central: PolicyDocument | None) -> bool:
    if source.embedded:
        if central is not None:
            out.write(f"no {' or '.join(POLICY_PATHS)}: the organisation policy "
                      f"{central.origin.source} applies alone\n")
            return False
        out.write(f"no {' or '.join(POLICY_PATHS)}: the embedded default policy applies\n")
        return False
    problems = policy_problems(source.text, file=source.name, schema=resources.schema("policy"))
    if not problems and central is not None:
        schema = resources.schema("policy")
        local = read_policy_document(source.text, file=source.name, schema=schema)
        problems = [PolicyProblem(item.line, f"{item.key}: {item.message}")
                    for item in loosenings(central, local, schema)]
    for problem in problems:
        where = f"{source.name}:{problem.line}" if problem.line else source.name
        out.write(f"{where}: {problem.message}\n")
    if problems:
        count = len(problems)
        out.write(f"{source.name}: {count} problem{'' if count == 1 else 's'}\n")
        return True
    out.write(f"{source.name}: valid\n")
    return False
