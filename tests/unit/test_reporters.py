"""reporters: the shared count line, and a reporter for each listed format and no other."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from gatekeeper import formats
from gatekeeper.core.model import Classification, RiskClass
from gatekeeper.errors import GatekeeperError
from gatekeeper.reporters import ReportContext, paths_judged, reporter_for
from gatekeeper.reporters.github import report_github
from gatekeeper.reporters.json import report_json
from gatekeeper.reporters.text import report_text
from tests.support.decisions import decision


@pytest.mark.parametrize(("count", "shown"), [(0, "0 paths judged"), (1, "1 path judged"),
                                              (2, "2 paths judged"), (1000, "1000 paths judged")])
def test_the_count_of_paths_judged(count: int, shown: str) -> None:
    judged = replace(decision(), classification=Classification(RiskClass.GREEN, (), count))
    assert paths_judged(judged) == shown


def test_each_listed_format_has_its_reporter() -> None:
    assert {name: reporter_for(name) for name in formats.VALIDATE.names()} == {
        "text": report_text, "json": report_json, "github": report_github}


def test_an_unlisted_format_is_an_error_not_a_fallback() -> None:
    with pytest.raises(GatekeeperError, match=r"^validate: unknown output format 'yaml'; use "
                                              r"one of text, json, github$"):
        reporter_for("yaml")


def test_a_context_writes_to_its_stream_without_colour_by_default() -> None:
    context = ReportContext(out=io.StringIO())
    assert (context.body_name, context.color, dict(context.environ)) == (None, False, {})
