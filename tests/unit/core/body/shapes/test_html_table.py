"""core/body/shapes/html_table.py: the cells of an HTML table block."""

from __future__ import annotations

from gatekeeper.core.body.shapes.html_table import Cell, table_rows


def test_cells_with_their_lines_and_inner_html() -> None:
    rows = table_rows("<table>\n<tr>\n<td><b>Risk level</b></td><td>RED</td>\n</tr>\n</table>")
    assert rows == [[Cell(2, "<b>Risk level</b>"), Cell(2, "RED")]]


def test_unclosed_cells_end_at_the_next_cell_and_nested_tables_stay_in_their_cell() -> None:
    rows = table_rows("<table><tr><td>a<td>b<table><tr><td>c</td></tr></table></tr></table>")
    assert [[cell.inner for cell in row] for row in rows] == [
        ["a", "b<table><tr><td>c</td></tr></table>"]]


def test_no_table_no_rows() -> None:
    assert table_rows("<p>Risk level: RED</p>") == []
