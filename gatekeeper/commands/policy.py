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
from gatekeeper.errors import GatekeeperError
from gatekeeper.local.policy_source import PolicyText, policy_text


@dataclass(frozen=True)
class PolicyCheckOptions:
    files: tuple[str, ...] = ()
    cwd: Path = Path(".")
    output_format: str = formats.POLICY_CHECK.default


@dataclass(frozen=True)
class CheckedFile:
    """One policy file checked: its problems, or why it could not be read."""

    name: str | None  # None: no policy file, the embedded default applies
    problems: tuple[PolicyProblem, ...] = ()
    error: str | None = None  # unreadable
    embedded: bool = False

    @property
    def valid(self) -> bool:
        return self.error is None and not self.problems


def run(options: PolicyCheckOptions, out: TextIO) -> int:
    renderer = formats.POLICY_CHECK.renderer(options.output_format)
    checked: list[CheckedFile] = []
    for name in options.files or (None,):
        try:
            source = policy_text(name, cwd=options.cwd)
        except GatekeeperError as exc:  # unreadable: reported, and the others still checked
            checked.append(CheckedFile(name, error=str(exc)))
            continue
        checked.append(_check(source))
    renderer(checked, out)
    return EXIT_PASS if all(c.valid for c in checked) else EXIT_USAGE


def _check(source: PolicyText) -> CheckedFile:
    if source.embedded:
        return CheckedFile(None, embedded=True)
    problems = policy_problems(source.text, file=source.name, schema=resources.schema("policy"))
    return CheckedFile(source.name, tuple(problems))


def render_text(checked: list[CheckedFile], out: TextIO) -> None:
    for file in checked:
        if file.error is not None:
            out.write(f"{file.error}\n")
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
    """``{"valid": bool, "files": [{"file", "valid", "embedded", "error", "problems":
    [{"line", "message"}]}]}``; ``file`` is null when no policy file exists."""
    record = {
        "valid": all(c.valid for c in checked),
        "files": [{"file": c.name, "valid": c.valid, "embedded": c.embedded, "error": c.error,
                   "problems": [{"line": p.line, "message": p.message} for p in c.problems]}
                  for c in checked],
    }
    out.write(json.dumps(record, indent=2) + "\n")
