"""json: the decision record, whole, as readable JSON on one stream."""

from __future__ import annotations

import io
import json

from gatekeeper.core.model import Reason
from gatekeeper.core.reasons import Code
from gatekeeper.reporters import ReportContext
from gatekeeper.reporters.json import report_json
from tests.support.decisions import decision


def test_the_record_is_written_indented_unescaped_and_ends_in_a_newline(valid_record) -> None:
    judged = decision(blocked=True, reasons=(Reason(Code.GK101, "Zoë's rollback is empty",
                                                    "write one", "rollback", 3),))
    out = io.StringIO()
    report_json(judged, ReportContext(out=out, body_name="body.md"))
    text = out.getvalue()
    assert text.endswith("}\n") and text.startswith('{\n  "schema_version": ')
    assert "Zoë" in text  # not \u00eb
    assert json.loads(text) == judged.to_record()
    valid_record(json.loads(text))
