"""`gatekeeper policy check [FILE]...`: every problem of a policy file at once, each with
its line, in plain words (also the pre-commit hook). Exit 0 valid, 2 any problem."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from gatekeeper import formats, resources
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
    output_format: str = formats.POLICY_CHECK.default
    # The organisation's central policy: each file is also checked for keys that loosen it.
    org_policy: str | None = None


@dataclass(frozen=True)
class CheckedFile:
    """One policy file checked: its problems, or why it could not be read."""

    name: str | None  # None: no policy file, the embedded default (or the central) applies
    problems: tuple[PolicyProblem, ...] = ()
    error: str | None = None  # unreadable
    embedded: bool = False
    central: str | None = None  # the organisation policy in force, by its source

    @property
    def valid(self) -> bool:
        return self.error is None and not self.problems


def run(options: PolicyCheckOptions, out: TextIO) -> int:
    renderer = formats.POLICY_CHECK.renderer(options.output_format)
    central: PolicyDocument | None = None
    if options.org_policy is not None:
        from gatekeeper.commands.org_policy import central_policy

        try:
            central = central_policy(options.org_policy, cwd=options.cwd)
        except GatekeeperError as exc:
            renderer([CheckedFile(options.org_policy, error=str(exc))], out)
            return EXIT_USAGE
    checked: list[CheckedFile] = []
    for name in options.files or (None,):
        try:
            source = policy_text(name, cwd=options.cwd)
        except GatekeeperError as exc:  # unreadable: reported, and the others still checked
            checked.append(CheckedFile(name, error=str(exc)))
            continue
        checked.append(_check(source, central))
    renderer(checked, out)
    return EXIT_PASS if all(c.valid for c in checked) else EXIT_USAGE


def _check(source: PolicyText, central: PolicyDocument | None) -> CheckedFile:
    where = central.origin.source if central is not None else None
    if source.embedded:
        return CheckedFile(None, embedded=True, central=where)
    schema = resources.schema("policy")
    problems = policy_problems(source.text, file=source.name, schema=schema)
    if not problems and central is not None:
        local = read_policy_document(source.text, file=source.name, schema=schema)
        problems = [PolicyProblem(item.line, f"{item.key}: {item.message}")
                    for item in loosenings(central, local, schema)]
    return CheckedFile(source.name, tuple(problems), central=where)


def render_text(checked: list[CheckedFile], out: TextIO) -> None:
    for file in checked:
        if file.error is not None:
            out.write(f"{file.error}\n")
        elif file.embedded and file.central is not None:
            out.write(f"no {' or '.join(POLICY_PATHS)}: the organisation policy "
                      f"{file.central} applies alone\n")
        elif file.embedded:
            out.write(f"no {' or '.join(POLICY_PATHS)}: the embedded default policy applies\n")
        elif file.problems:
            for problem in file.problems:
                where = f"{file.name}:{problem.line}" if problem.line else file.name
                out.write(f"{where}: {problem.message}\n")
            count = len(file.problems)
            out.write(f"{file.name}: {count} problem{'' if count == 1 else 's'}\n")
        else:
            out.write(f"{file.name}: valid\n")


def render_json(checked: list[CheckedFile], out: TextIO) -> None:
    """``{"valid": bool, "files": [{"file", "valid", "embedded", "central", "error",
    "problems": [{"line", "message"}]}]}``; ``file`` is null when no policy file exists."""
    record = {
        "valid": all(c.valid for c in checked),
        "files": [{"file": c.name, "valid": c.valid, "embedded": c.embedded,
                   "central": c.central, "error": c.error,
                   "problems": [{"line": p.line, "message": p.message} for p in c.problems]}
                  for c in checked],
    }
    out.write(json.dumps(record, indent=2) + "\n")
