"""Stable reason codes, each with its summary and family.

docs/reason-codes.md documents every code; tests/unit/core/test_reason_codes.py keeps the
page and this list in step and exercises each code. Whether a code counts as "blocked for
an incomplete contract" (what metrics count and what labels record) is a property of its
family, never of a string prefix checked at the call site.
"""

from __future__ import annotations

from enum import Enum, StrEnum


class Family(Enum):
    CONTRACT = "contract fields"
    RISK = "risk"
    AUTHORITY = "authority"
    COULD_NOT_EVALUATE = "could not evaluate"

    @property
    def incomplete_contract(self) -> bool:
        """GK1xx to GK3xx: the author can fix it in the pull request."""
        return self is not Family.COULD_NOT_EVALUATE


class Code(StrEnum):
    # GK1xx: contract fields
    GK101 = "GK101"
    GK102 = "GK102"
    GK103 = "GK103"
    GK104 = "GK104"
    GK105 = "GK105"
    GK106 = "GK106"
    GK107 = "GK107"
    # GK2xx: risk
    GK201 = "GK201"
    GK202 = "GK202"
    GK203 = "GK203"
    GK220 = "GK220"
    GK221 = "GK221"
    # GK3xx: authority
    GK301 = "GK301"
    GK302 = "GK302"
    # GK9xx: could not evaluate
    GK901 = "GK901"
    GK902 = "GK902"
    GK903 = "GK903"
    GK904 = "GK904"
    GK905 = "GK905"
    GK906 = "GK906"
    GK907 = "GK907"
    GK908 = "GK908"
    GK999 = "GK999"

    @property
    def summary(self) -> str:
        return _TITLES[self]

    @property
    def family(self) -> Family:
        return _FAMILIES[self.value[2]]

    @property
    def incomplete_contract(self) -> bool:
        return self.family.incomplete_contract


_FAMILIES = {
    "1": Family.CONTRACT,
    "2": Family.RISK,
    "3": Family.AUTHORITY,
    "9": Family.COULD_NOT_EVALUATE,
}

_TITLES: dict[Code, str] = {
    Code.GK101: "contract field missing",
    Code.GK102: "contract field is a placeholder",
    Code.GK103: "contract field malformed",
    Code.GK104: "gatekeeper block malformed",
    Code.GK105: "approval reference does not match the policy",
    Code.GK106: "gatekeeper block conflicts with the prose",
    Code.GK107: "unknown label close to a field name",
    Code.GK201: "risk level under-declared",
    Code.GK202: "RED escalation incomplete",
    Code.GK203: "field required by the policy for this class is missing",
    Code.GK220: "another open pull request on the same commit blocks",
    Code.GK221: "a pull request in the merge group blocks",
    Code.GK301: "escalation approval not found",
    Code.GK302: "escalation approval is for an older commit",
    Code.GK901: "policy unreadable or invalid",
    Code.GK902: "changed files unavailable",
    Code.GK903: "changed file list incomplete",
    Code.GK904: "pull request data unavailable",
    Code.GK905: "the head moved during the run; re-run",
    Code.GK906: "commit status could not be posted",
    Code.GK907: "merge group pull requests could not be determined",
    Code.GK908: "other pull requests on the commit could not be judged",
    Code.GK999: "internal error",
}


def parse_code(text: str) -> Code | None:
    """The code a stored record names, or None for one this version does not know."""
    try:
        return Code(text)
    except ValueError:
        return None
