"""Fields in tables: Markdown (GFM) tables and HTML ``<table>`` blocks, read alike.

Three shapes: rows of ``| label | value |`` (or ``| Risk level: RED |``), labels as the
header row over one row of values, and a table of choices (``| Risk level | | | X |``
under ``| | GREEN | AMBER | RED |``), whose value is the header of the marked column.
"""

from __future__ import annotations

from markdown_it.token import Token

from gatekeeper.core.body.lines import Line, logical_lines, split_label
from gatekeeper.core.body.reading import Occurrence, Reader
from gatekeeper.core.body.shapes.html_table import table_rows
from gatekeeper.core.text.normalize import visible
from gatekeeper.core.text.visible import markdown

# A row of cells, each cell its logical lines.
Row = list[list[Line]]

# What marks the chosen column of a table of choices (a cross mark would say "not this").
_MARKS = frozenset({
    "x", "[x]", "yes", "\u2713", "\u2714", "\u2705", "\u2611", "\u25cf",
    ":white_check_mark:", ":heavy_check_mark:", ":ballot_box_with_check:",
})


def markdown_rows(tokens: list[Token], position: int, offset: int) -> tuple[list[Row], int]:
    """The rows of the table whose tokens start at ``position``, and where it ends."""
    rows: list[Row] = []
    end = position
    while end < len(tokens) and tokens[end].type != "table_close":
        kind = tokens[end].type
        if kind == "tr_open":
            rows.append([])
        elif kind == "inline" and rows:
            cell = logical_lines(tokens[end])
            for line in cell:
                line.number += offset
            rows[-1].append(cell)
        end += 1
    return rows, end


def html_rows(content: str, line: int) -> list[Row]:
    """The rows of an HTML ``<table>`` block starting at body line ``line``; a cell's
    inline HTML, entities and comments count as they do in a paragraph."""
    rows: list[Row] = []
    for html_row in table_rows(content):
        row: Row = []
        for html_cell in html_row:
            inline = markdown().parseInline(html_cell.inner)[0]
            cell = logical_lines(inline)
            for cell_line in cell:
                cell_line.number += line + html_cell.line - 1
            row.append(cell)
        rows.append(row)
    return rows


def _text(cell: list[Line]) -> str:
    return " ".join(line.text for line in cell).strip()


def _label_of(cell: list[Line]) -> str:
    found = split_label(cell[0]) if cell else None
    text = cell[0].text if cell else ""
    return found.label if found is not None and not found.value else text


def read_rows(reader: Reader, rows: list[Row], *, in_section: bool, where: str = "") -> None:
    """Offer every field the rows hold to ``reader``. A table of two fields or more is a
    contract table: part of the contract region wherever it stands."""
    if not rows:
        return
    collected: list[tuple[str, str, int]] = []
    _read(reader, rows, collected, in_section=in_section)
    contract_table = len({name for name, _, _ in collected}) >= 2
    reader.contract_tables += contract_table
    for name, value, line in collected:
        reader.offer(Occurrence(name, value, line, where=where, in_section=in_section,
                                contract_table=contract_table))


def _read(reader: Reader, rows: list[Row], collected: list[tuple[str, str, int]], *,
          in_section: bool) -> None:
    def offer(name: str, value: str, line: int) -> None:
        collected.append((name, value, line))

    headers = [reader.name_of(_label_of(cell)) for cell in rows[0]]
    if sum(name is not None for name in headers) >= 2 and len(rows) > 1:
        for name, cell in zip(headers, rows[1], strict=False):
            if name is not None and cell:
                offer(name, _text(cell), cell[0].number)
        return
    header_texts = [_text(cell) for cell in rows[0]]
    for row in rows:
        head = row[0] if row else []
        if not head:
            continue
        inline = [(name, found.value, line.number) for line in head
                  if (found := split_label(line)) is not None and found.value
                  and (name := reader.name_of(found.label)) is not None]
        if inline:
            for name, value, number in inline:  # "| Risk level: RED |"
                offer(name, value, number)
            continue
        name = reader.name_of(_label_of(head))
        if name is None:
            if len(row) >= 2 and head[0].text.strip():
                reader.near_miss(_label_of(head), head[0].number, in_section=in_section)
            continue
        texts = [_text(cell) for cell in row]
        choices = {column: choice for column, text in enumerate(header_texts)
                   if column and (choice := reader.choice_of(name, text)) is not None}
        if len(choices) >= 2:
            marked = [choice for column, choice in choices.items()
                      if column < len(texts) and visible(texts[column]).casefold() in _MARKS]
            offer(name, ", ".join(marked), head[0].number)
            continue
        offer(name, texts[1] if len(texts) > 1 else "", head[0].number)
