"""A decision built field by field, for the code that only reads one (reporters, records)."""

from __future__ import annotations

from typing import Any

from gatekeeper.core.model import Classification, Decision, PathMatch, PolicyOrigin, RiskClass


def decision(**changes: Any) -> Decision:
    """A judged, unblocked decision: RED computed, AMBER declared, one RED and one AMBER path."""
    values: dict[str, Any] = dict(
        id="gk-0123456789abcdef", kind="judged", blocked=False, computed_class=RiskClass.RED,
        declared_class=RiskClass.AMBER, effective_class=RiskClass.RED,
        classification=Classification(
            RiskClass.RED, (PathMatch("src/auth/a.py", RiskClass.RED, "src/auth/"),
                            PathMatch("docs/x.md", RiskClass.AMBER, "docs/")), paths_judged=2),
        contract={"risk": "AMBER"},
        reasons=(), exemptions=(), policy=PolicyOrigin("embedded-default", None, "ab" * 32),
        gatekeeper_version="1.2.3", evaluated_at="2026-11-21T12:00:00Z",
    )
    values.update(changes)
    return Decision(**values)
