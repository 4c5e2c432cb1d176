"""Complete contract bodies, written once: tests vary one field from a known-good body."""

from __future__ import annotations

from gatekeeper.core import fields

_VALUES = {spec.name: spec.example for spec in fields.FIELDS}


def good_value(name: str) -> str:
    """A value that passes for the built-in field ``name`` (its registry example)."""
    return _VALUES[name]


def complete_body(risk: str = "GREEN", *, escalation: bool | None = None,
                  **values: str) -> str:
    """A body in the template's own shape with every field filled.

    The Escalation section is written for a RED risk level (or when ``escalation`` says
    so); ``values`` replace single fields by name.
    """
    chosen = {**_VALUES, "risk_level": risk, **values}
    with_escalation = risk.upper() == "RED" if escalation is None else escalation
    lines = ["## Summary", "A change.", "", "## Contract"]
    lines += [f"- **{spec.label}:** {chosen[spec.name]}"
              for spec in fields.FIELDS if spec.section == "contract" and spec.name in chosen]
    if with_escalation:
        lines += ["", "## Escalation"]
        lines += [f"- **{spec.label}:** {chosen[spec.name]}"
                  for spec in fields.FIELDS if spec.section == "escalation" and spec.name in chosen]
    return "\n".join(lines) + "\n"
