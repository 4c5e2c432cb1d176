"""`gatekeeper policy check [FILE]...`: every problem of a policy file at once, each with
its line, in plain words (also the pre-commit hook). Exit 0 valid, 2 any problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from gatekeeper import resources
from gatekeeper.constants import EXIT_PASS, EXIT_USAGE, POLICY_PATHS
from gatekeeper.core.policy.check import policy_problems
from gatekeeper.errors import GatekeeperError
from gatekeeper.local.policy_source import PolicyText, policy_text


@dataclass(frozen=True)
class PolicyCheckOptions:
    files: tuple[str, ...] = ()
    cwd: Path = Path(".")


def run(options: PolicyCheckOptions, out: TextIO) -> int:
    failed = False
    for name in options.files or (None,):
        try:
            source = policy_text(name, cwd=options.cwd)
        except GatekeeperError as exc:  # unreadable: reported, and the others still checked
            out.write(f"{exc}\n")
            failed = True
            continue
        failed = _check(source, out) or failed
    return EXIT_USAGE if failed else EXIT_PASS


def _check(source: PolicyText, out: TextIO) -> bool:
    if source.embedded:
        out.write(f"no {' or '.join(POLICY_PATHS)}: the embedded default policy applies\n")
        return False
    problems = policy_problems(source.text, file=source.name, schema=resources.schema("policy"))
    for problem in problems:
        where = f"{source.name}:{problem.line}" if problem.line else source.name
        out.write(f"{where}: {problem.message}\n")
    if problems:
        count = len(problems)
        out.write(f"{source.name}: {count} problem{'' if count == 1 else 's'}\n")
        return True
    out.write(f"{source.name}: valid\n")
    return False
