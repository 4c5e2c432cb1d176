"""What doctor reports: one result per check, and the report of a run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    # Passing, but worth a maintainer's look (one line each): who may bypass the gate.
    warnings: tuple[str, ...] = ()
    # A fact the check needs could not be read: it neither passes nor fails, it is unknown
    # (``detail`` says which fact), and doctor exits 2.
    unread: bool = False

    def __post_init__(self) -> None:
        if self.unread and self.ok:
            raise ValueError("a check that could not read its facts cannot pass")

    @property
    def label(self) -> str:
        if self.unread:
            return "UNREAD"
        return "FAIL" if not self.ok else ("WARN" if self.warnings else "PASS")


@dataclass(frozen=True)
class Report:
    repo: str
    branch: str
    results: tuple[CheckResult, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def unread(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.unread)


def quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)
