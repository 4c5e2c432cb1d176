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
    GK108 = "GK108"
    # GK2xx: risk
    GK201 = "GK201"
    GK202 = "GK202"
    GK203 = "GK203"
    GK204 = "GK204"
    GK220 = "GK220"
    GK221 = "GK221"
    # GK3xx: authority
    GK301 = "GK301"
    GK302 = "GK302"
    GK303 = "GK303"
    GK304 = "GK304"
    GK305 = "GK305"
    GK306 = "GK306"
    GK307 = "GK307"
    GK308 = "GK308"
    GK309 = "GK309"
    GK310 = "GK310"
    GK311 = "GK311"
    GK312 = "GK312"
    GK313 = "GK313"
    GK314 = "GK314"
    GK315 = "GK315"
    # GK9xx: could not evaluate
    GK901 = "GK901"
    GK902 = "GK902"
    GK903 = "GK903"
    GK904 = "GK904"
    GK905 = "GK905"
    GK906 = "GK906"
    GK907 = "GK907"
    GK908 = "GK908"
    GK910 = "GK910"
    GK915 = "GK915"
    GK916 = "GK916"
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
    Code.GK108: "required check has not passed on the head commit",
    Code.GK201: "risk level under-declared",
    Code.GK202: "RED escalation incomplete",
    Code.GK203: "field required by the policy for this class is missing",
    Code.GK204: "change origin under-declared",
    Code.GK220: "another open pull request on the same commit blocks",
    Code.GK221: "a pull request in the merge group blocks",
    Code.GK301: "escalation approval not found",
    Code.GK302: "escalation approval is for an older commit",
    Code.GK303: "escalation reviewer not allowed by the policy",
    Code.GK304: "approver has no write access",
    Code.GK305: "approver is a bot or agent account",
    Code.GK306: "approver is the pull request's author",
    Code.GK307: "approver authored or committed the pull request's commits",
    Code.GK308: "approval reference resolves to no record",
    Code.GK309: "approval record does not carry the approval label",
    Code.GK310: "approval record is for another pull request",
    Code.GK311: "approval label applied by an account that may not authorise",
    Code.GK312: "an agent's change has no human accountable owner",
    Code.GK313: "accountable owner of an agent's change has no write access",
    Code.GK314: "accountable owner has not approved the agent's change",
    Code.GK315: "approver is the accountable owner of the agent's change",
    Code.GK901: "policy unreadable or invalid",
    Code.GK902: "changed files unavailable",
    Code.GK903: "changed file list incomplete",
    Code.GK904: "pull request data unavailable",
    Code.GK905: "the head moved during the run; re-run",
    Code.GK906: "commit status could not be posted",
    Code.GK907: "merge group pull requests could not be determined",
    Code.GK908: "other pull requests on the commit could not be judged",
    Code.GK910: "the repository's policy loosens the organisation policy",
    Code.GK915: "a required fact could not be read from GitHub",
    Code.GK916: "team membership unreadable with this token",
    Code.GK999: "internal error",
}


def parse_code(text: str) -> Code | None:
    """The code a stored record names, or None for one this version does not know."""
    try:
        return Code(text)
    except ValueError:
        return None


def reason_words(code: str) -> str:
    """A reason code with its summary in words, ``GK202 (RED escalation incomplete)``; an
    unknown code as it is."""
    try:
        return f"{code} ({Code(code).summary})"
    except ValueError:
        return code
