"""Stable reason codes. docs/reason-codes.md documents each; tests exercise each."""

from __future__ import annotations

from typing import Final

CODES: Final[dict[str, str]] = {
    # GK1xx: contract fields
    "GK101": "contract field missing",
    "GK102": "contract field is a placeholder",
    "GK103": "contract field malformed",
    "GK104": "gatekeeper block malformed",
    "GK105": "approval reference does not match the policy",
    # GK2xx: risk
    "GK201": "risk level under-declared",
    "GK202": "RED escalation incomplete",
    "GK203": "field required by the policy for this class is missing",
    # GK3xx: authority
    "GK301": "escalation approval not found",
    "GK302": "escalation approval is for an older commit",
    # GK9xx: could not evaluate
    "GK901": "policy unreadable or invalid",
    "GK902": "changed files unavailable",
    "GK903": "changed file list incomplete",
    "GK904": "pull request data unavailable",
    "GK905": "unsupported event",
    "GK999": "internal error",
}


def is_incomplete_contract(code: str) -> bool:
    """GK1xx to GK3xx: what metrics count as blocked for an incomplete contract."""
    return code[:3] in ("GK1", "GK2", "GK3")
