"""The decision record as JSON (schemas/decision.schema.json)."""

from __future__ import annotations

import json

from gatekeeper.core.model import Decision
from gatekeeper.reporters import ReportContext


def report_json(decision: Decision, context: ReportContext) -> None:
    json.dump(decision.to_record(), context.out, indent=2, ensure_ascii=False)
    context.out.write("\n")
