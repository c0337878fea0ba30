"""The cells a worksheet holds, row by row, without the padding a spreadsheet reader adds.

openpyxl's ``iter_rows`` yields every row from 1 to the last one, each as wide as the widest: a
workbook with one formatted cell at row 1,048,576 gives a million empty rows, and one whose rows
reach column XFD gives 16,384 cells per row (200,000 such rows from a 1 MB file: 4.9 GB).
`sheet_rows` reads the sheet's XML as it is stored and yields only the rows that hold a value,
each as ``{column number: value}``; time and memory follow the file, not the sheet's extent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openpyxl.worksheet._reader import WorkSheetParser

Row = dict[int, Any]
"""The values of one row by column number (1 = A); empty cells are absent."""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def sheet_rows(ws: Any) -> Iterator[tuple[int, Row]]:
    """(row number, {column: value}) for every row of a read-only worksheet with a value in it,
    in the order stored (rows numbered as Excel numbers them)."""
    source = getattr(ws, "_get_source", None)
    if source is None:   # not a read-only worksheet: openpyxl's own iteration, cells as stored
        for row in ws.iter_rows():
            values = {cell.column: cell.value for cell in row if not _blank(cell.value)}
            if values:
                yield row[0].row, values
        return
    book = ws.parent
    with source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=book.data_only, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            values = {cell["column"]: cell["value"] for cell in cells if not _blank(cell["value"])}
            if values:
                yield number, values


def as_tuple(row: Row) -> tuple[Any, ...]:
    """A row as a tuple from column A to its last value (for a row known to be narrow: a header)."""
    return tuple(row.get(col) for col in range(1, max(row, default=0) + 1))
