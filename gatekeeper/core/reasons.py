"""Stable reason codes, each with what is said of it once: its summary, its family, the fix
when it does not depend on the case, and whether editing the description fixes it.

docs/reason-codes.md documents every code; tests/unit/core/test_reason_codes.py keeps the
page and this list in step and exercises each code. Whether a code counts as "blocked for
an incomplete contract" (what metrics count and what labels record) is a property of its
family, never of a string prefix checked at the call site.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    GK316 = "GK316"
    # GK9xx: could not evaluate
    GK901 = "GK901"
    GK902 = "GK902"
    GK903 = "GK903"
    GK904 = "GK904"
    GK905 = "GK905"
    GK906 = "GK906"
    GK907 = "GK907"
    GK908 = "GK908"
    GK909 = "GK909"
    GK910 = "GK910"
    GK911 = "GK911"
    GK915 = "GK915"
    GK916 = "GK916"
    GK999 = "GK999"

    @property
    def summary(self) -> str:
        return _ABOUT[self].summary

    @property
    def fix(self) -> str | None:
        """The fix, for a code whose fix is the same whatever the case (a field's own fix
        comes from the field registry)."""
        return _ABOUT[self].fix

    @property
    def fixed_by_editing(self) -> bool:
        """Whether editing the pull request's description can fix it: GK1xx and GK2xx
        but a check that must pass, and never an authority or could-not-evaluate code."""
        about = _ABOUT[self]
        if about.fixed_by_editing is not None:
            return about.fixed_by_editing
        return self.family in (Family.CONTRACT, Family.RISK)

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


@dataclass(frozen=True)
class _About:
    summary: str
    fix: str | None = None
    fixed_by_editing: bool | None = None  # None: as its family says


_ABOUT: dict[Code, _About] = {
    Code.GK101: _About("contract field missing"),
    Code.GK102: _About("contract field is a placeholder"),
    Code.GK103: _About("contract field malformed"),
    Code.GK104: _About("gatekeeper block malformed",
                      fix="make the ```gatekeeper block a YAML mapping of field: value lines, each "
                      "field once, once in the body"),
    Code.GK105: _About("approval reference does not match the policy",
                      fix="give exactly one approval reference, in the policy's format"),
    Code.GK106: _About("gatekeeper block conflicts with the prose",
                      fix="give the field one value: correct the prose or the gatekeeper block so "
                      "they agree, or remove one of them"),
    Code.GK107: _About("unknown label close to a field name",
                      fix="write the field's label exactly (case, bold and colons do not matter)"),
    Code.GK108: _About("required check has not passed on the head commit",
                      fixed_by_editing=False),
    Code.GK201: _About("risk level under-declared"),
    Code.GK202: _About("RED escalation incomplete"),
    Code.GK203: _About("field required by the policy for this class is missing"),
    Code.GK204: _About("change origin under-declared"),
    Code.GK220: _About("another open pull request on the same commit blocks"),
    Code.GK221: _About("a pull request in the merge group blocks"),
    Code.GK301: _About("escalation approval not found"),
    Code.GK302: _About("escalation approval is for an older commit"),
    Code.GK303: _About("escalation reviewer not allowed by the policy"),
    Code.GK304: _About("approver has no write access"),
    Code.GK305: _About("approver is a bot or agent account"),
    Code.GK306: _About("approver is the pull request's author"),
    Code.GK307: _About("approver authored or committed the pull request's commits"),
    Code.GK308: _About("approval reference resolves to no record"),
    Code.GK309: _About("approval record does not carry the approval label"),
    Code.GK310: _About("approval record is for another pull request"),
    Code.GK311: _About("approval label applied by an account that may not authorise"),
    Code.GK312: _About("an agent's change has no human accountable owner"),
    Code.GK313: _About("accountable owner of an agent's change has no write access"),
    Code.GK314: _About("accountable owner has not approved the agent's change"),
    Code.GK315: _About("approver is the accountable owner of the agent's change"),
    Code.GK316: _About("approval given before the pull request's base branch changed"),
    Code.GK901: _About("policy unreadable or invalid"),
    Code.GK902: _About("changed files unavailable"),
    Code.GK903: _About("changed file list incomplete"),
    Code.GK904: _About("pull request data unavailable"),
    Code.GK905: _About("the head moved during the run; re-run"),
    Code.GK906: _About("commit status could not be posted"),
    Code.GK907: _About("merge group pull requests could not be determined"),
    Code.GK908: _About("other pull requests on the commit could not be judged"),
    Code.GK909: _About("the head commit's verdict belongs to a pull request by someone with "
                       "write access"),
    Code.GK910: _About("the repository's policy loosens the organisation policy"),
    Code.GK911: _About("an open pull request could not be judged again after a fact moved"),
    Code.GK915: _About("a required fact could not be read from GitHub"),
    Code.GK916: _About("team membership unreadable with this token"),
    Code.GK999: _About("internal error"),
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
