"""core/body/shapes/tables.py: fields in Markdown and HTML tables."""

from __future__ import annotations

from gatekeeper.core.body.reading import Reader
from gatekeeper.core.body.shapes import tables
from gatekeeper.core.fields import label_index
from gatekeeper.core.text.visible import markdown


def read(text: str) -> Reader:
    reader = Reader(index=label_index({}), placeholders=())
    tokens = markdown().parse(text)
    start = next(i for i, t in enumerate(tokens) if t.type == "table_open") + 1
    rows, _ = tables.markdown_rows(tokens, start, 0)
    tables.read_rows(reader, rows, in_section=False, where="Notes")
    return reader


def values(reader: Reader) -> dict[str, str]:
    return {o.name: o.value for o in reader.prose}


def test_rows_of_label_and_value_make_a_contract_table() -> None:
    reader = read("| Field | Value |\n|---|---|\n| Risk level | RED |\n| Owner | @dana |\n")
    assert values(reader) == {"risk_level": "RED", "accountable_owner": "@dana"}
    assert reader.contract_tables == 1
    assert all(o.contract_table and o.where == "Notes" for o in reader.prose)


def test_one_field_in_a_table_about_something_else_is_no_contract_table() -> None:
    reader = read("| column | meaning |\n|---|---|\n| Rollback plan | text |\n")
    assert reader.contract_tables == 0
    assert not reader.prose[0].contract_table


def test_labels_over_a_row_of_values() -> None:
    reader = read("| Risk level | Owner |\n|---|---|\n| AMBER | @dana |\n")
    assert values(reader) == {"risk_level": "AMBER", "accountable_owner": "@dana"}


def test_the_marked_column_of_a_table_of_choices() -> None:
    reader = read("| | GREEN | AMBER | RED |\n|---|---|---|---|\n| Risk level | | | X |\n")
    assert values(reader) == {"risk_level": "RED"}


def test_html_rows_keep_their_lines() -> None:
    rows = tables.html_rows("<table>\n<tr><td>Risk level</td>\n<td>RED</td></tr>\n</table>", 10)
    assert [[cell[0].number for cell in row] for row in rows] == [[11, 12]]
