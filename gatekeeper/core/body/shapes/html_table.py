"""The rows of an HTML ``<table>`` written in one HTML block of a pull request body.

Templates that need cells Markdown tables cannot hold write ``<table>``, ``<tr>`` and
``<td>`` by hand; GitHub renders them as a table. Each cell comes back as its inner HTML
and the line it starts on, for the reader to read as it reads a Markdown table's cells.
Only the outermost table's own cells are rows; a table nested in a cell is part of that
cell's text. The standard library's tokenizer finds the tags, so attribute values and
``>`` inside them cannot shift a cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

_CELLS = ("td", "th")


@dataclass(frozen=True)
class Cell:
    line: int  # 0-based line of the block on which the cell's content starts
    inner: str  # the cell's HTML, between its tags


class _Rows(HTMLParser):
    def __init__(self, content: str) -> None:
        super().__init__(convert_charrefs=False)
        self._content = content
        self._line_starts = [0]
        for index, char in enumerate(content):
            if char == "\n":
                self._line_starts.append(index + 1)
        self.rows: list[list[Cell]] = []
        self._depth = 0  # how many tables are open
        self._cell: int | None = None  # where the open cell's content starts

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def finish(self) -> None:
        """A table the block leaves open ends with the block."""
        self._close_cell(len(self._content))

    def _close_cell(self, end: int) -> None:
        start = self._cell
        self._cell = None
        if start is None or not self.rows:
            return
        inner = self._content[start:end]
        lead = len(inner) - len(inner.lstrip())
        line = self._content.count("\n", 0, start + lead)
        self.rows[-1].append(Cell(line, inner.strip()))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
            return
        if self._depth != 1:
            return
        if tag == "tr":
            self._close_cell(self._offset())  # an unclosed cell ends at the next row
            self.rows.append([])
        elif tag in _CELLS:
            self._close_cell(self._offset())  # and at the next cell, as browsers read it
            if not self.rows:
                self.rows.append([])  # a cell before any <tr> opens a row
            text = self.get_starttag_text() or ""
            self._cell = self._offset() + len(text)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            if self._depth == 1:
                self._close_cell(self._offset())
            self._depth = max(0, self._depth - 1)
        elif self._depth == 1 and (tag in _CELLS or tag == "tr"):
            self._close_cell(self._offset())


def table_rows(content: str) -> list[list[Cell]]:
    """The rows of the HTML tables in ``content`` (comments already blanked), in order."""
    if "<table" not in content.casefold():
        return []
    parser = _Rows(content)
    parser.feed(content)
    parser.close()
    parser.finish()
    return [row for row in parser.rows if row]
