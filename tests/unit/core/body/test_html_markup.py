"""Raw HTML as GitHub renders it: ``<table>`` rows are fields an author filled, and words
in ``<code>``, ``<kbd>`` and the like are examples, as `code spans` are.

Both directions on the same shapes: an honest contract written as an HTML table is read,
and the same table quoted, commented out or left as placeholders still blocks.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatekeeper.core.body.contract import _markdown, parse_contract
from tests.support.fixtures import run_evaluate
from tests.unit.core.body.test_false_passes import ESCALATION, OWN, RED_PATHS
from tests.unit.core.test_properties import SETTINGS

ROWS = (("Risk level", "RED"), ("Accountable owner", "@dana"), ("Change origin", "human"),
        ("Test evidence", "pytest -q: 12 passed"), ("Escalation reviewer", "@acme/security"),
        ("Approval reference", "SEC-2291"), ("Rollback plan", "revert; tried on staging"))


def html_table(rows: tuple[tuple[str, str], ...] = ROWS, *, cell: str = "td") -> str:
    lines = ["<table>"]
    lines += [f"<tr><{cell}>{label}</{cell}><td>{value}</td></tr>" for label, value in rows]
    lines.append("</table>")
    return "\n".join(lines) + "\n"


def codes(body: str) -> list[tuple[str, str | None]]:
    return [(str(r.code), r.field) for r in run_evaluate(body, RED_PATHS).reasons]


def values(body: str) -> dict[str, str]:
    return {name: f.value for name, f in parse_contract(body).fields.items()
            if f.status == "filled"}


# --- honest HTML tables are read ---------------------------------------------------------

def test_a_contract_in_an_html_table_is_read_at_its_lines() -> None:
    body = "## Contract\n\n" + html_table()
    contract = parse_contract(body)
    assert {name: f.value for name, f in contract.fields.items()} == {
        "risk_level": "RED", "accountable_owner": "@dana", "change_origin": "human",
        "test_evidence": "pytest -q: 12 passed", "escalation_reviewer": "@acme/security",
        "approval_reference": "SEC-2291", "rollback_plan": "revert; tried on staging"}
    assert [f.line for f in contract.fields.values()] == [4, 5, 6, 7, 8, 9, 10]
    assert codes(body) == []


@pytest.mark.parametrize("shape", [
    # one tag per line, attributes, <thead>/<tbody>, upper case tags
    "<table>\n<tbody>\n{rows}</tbody>\n</table>\n",
    "<TABLE border=\"1\">\n{rows}</TABLE>\n",
    "<table class=\"x\">\n<thead><tr><th>Field</th><th>Value</th></tr></thead>\n{rows}</table>\n",
])
def test_html_table_shapes_are_read(shape: str) -> None:
    rows = "".join(f"<tr>\n  <td><b>{label}:</b></td>\n  <td>{value}</td>\n</tr>\n"
                   for label, value in ROWS)
    body = "## Contract\n\n" + shape.format(rows=rows)
    assert values(body)["rollback_plan"] == "revert; tried on staging"
    assert codes(body) == []


def test_unclosed_cells_end_at_the_next_cell_as_a_browser_reads_them() -> None:
    rows = "".join(f"<tr><td>{label}<td>{value}\n" for label, value in ROWS)
    body = "## Contract\n\n<table>\n" + rows + "</table>\n"
    assert values(body)["approval_reference"] == "SEC-2291"
    assert codes(body) == []


def test_a_horizontal_html_table_has_labels_in_its_header_row() -> None:
    header = "".join(f"<th>{label}</th>" for label, _ in ROWS)
    cells = "".join(f"<td>{value}</td>" for _, value in ROWS)
    body = f"## Contract\n\n<table>\n<tr>{header}</tr>\n<tr>{cells}</tr>\n</table>\n"
    assert values(body)["escalation_reviewer"] == "@acme/security"
    assert codes(body) == []


def test_an_html_table_inside_open_details_is_read() -> None:
    body = "<details open><summary>Contract</summary>\n" + html_table() + "</details>\n"
    assert codes(body) == []


# --- what a reader does not see as an answer still blocks --------------------------------

@pytest.mark.parametrize("rollback", ["TBD", "<!-- how to undo it -->", "", "<del>revert</del>",
                                      "&#8203;", "<code>TBD</code>"])
def test_an_html_cell_that_shows_no_answer_blocks(rollback: str) -> None:
    rows = (*ROWS[:-1], ("Rollback plan", rollback))
    assert codes("## Contract\n\n" + html_table(rows)) == [("GK202", "rollback_plan")]


@pytest.mark.parametrize("wrap", [
    "> {line}",  # a Markdown blockquote of the table
])
def test_a_quoted_html_table_is_not_the_contract(wrap: str) -> None:
    body = "Backport of #812.\n\n" + "".join(
        wrap.format(line=line) + "\n" for line in html_table().splitlines())
    assert parse_contract(body).fields == {}
    assert run_evaluate(body, RED_PATHS).outcome == "block"


@pytest.mark.parametrize("around", [
    "<blockquote>\n{table}</blockquote>\n",
    "<details><summary>Original prompt</summary>\n{table}</details>\n",
    "<details>\n<summary>Original prompt</summary>\n\n{table}\n</details>\n",
    "## Original prompt\n\n{table}",
    "<!--\n{table}-->\n",
    "```\n{table}```\n",
])
def test_an_html_table_in_quoted_material_is_not_the_contract(around: str) -> None:
    body = "Did the task.\n\n" + around.format(table=html_table())
    assert parse_contract(body).fields == {}
    assert run_evaluate(body, RED_PATHS).outcome == "block"


def test_a_table_nested_in_a_cell_is_that_cells_text_not_rows() -> None:
    inner = html_table((("Rollback plan", "revert"),))
    body = ("## Contract\n\n<table><tr><td>Notes</td><td>" + inner.replace("\n", "")
            + "</td></tr></table>\n")
    assert "rollback_plan" not in values(body)


def test_an_html_table_value_conflicting_with_the_block_blocks() -> None:
    block = "```gatekeeper\napproval_reference: SEC-9999\n```\n"
    body = "## Contract\n\n" + html_table() + "\n" + block
    assert codes(body) == [("GK106", "approval_reference")]


def test_hostile_html_tables_get_a_decision() -> None:
    for body in ("<table>" * 200, "<table><tr><td>" * 300, "<table>\n<td>Risk level<td>",
                 "<table><tr><td>Risk level</td><td>RED</td></tr>\n<tr><td><table>",
                 "</table></td><table><td>Rollback plan</td><td>x", "<table><tr><td a='>'>"):
        assert run_evaluate(body, RED_PATHS).outcome == "block"


# --- <code> and its kin are examples, never labels ---------------------------------------

@pytest.mark.parametrize("tag", ["code", "kbd", "samp", "tt", "var", "CODE"])
def test_html_code_examples_are_not_the_contract(tag: str) -> None:
    body = "Documents the fields:\n\n" + "".join(
        f"<{tag}>{label}: {value}</{tag}><br>\n" for label, value in ROWS)
    assert parse_contract(body).fields == {}
    assert run_evaluate(body, RED_PATHS).outcome == "block"


def test_a_value_in_html_code_is_the_authors_value() -> None:
    body = OWN + ESCALATION.format(rollback="run <code>git revert HEAD</code> and redeploy")
    assert codes(body) == []
    assert values(body)["rollback_plan"] == "run git revert HEAD and redeploy"


_PARAGRAPH = st.lists(st.sampled_from(
    ["Risk level: RED", " ", "\n", "<details>", "</details>", "<details\nopen>", "<summary>",
     "</summary>", "<blockquote>", "</BLOCKQUOTE >", "<b>", "</b>", "<!-- x -->", "<br>",
     "`<details>`", "&lt;details>", "\\<details>", "<a\nname=x>", "text"]),
    min_size=1, max_size=20).map("".join)


@SETTINGS
@given(_PARAGRAPH)
def test_every_tag_in_a_paragraph_is_in_its_text(text: str) -> None:
    # The reader looks for <details> and <blockquote> tags among a paragraph's inline tags
    # only when its text has one: each inline tag is a piece of that text.
    for token in _markdown().parse(text):
        for child in token.children or ():
            if child.type == "html_inline":
                assert child.content in token.content
