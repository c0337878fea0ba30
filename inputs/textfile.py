"""Reading a planner's text or CSV file, with every file problem as an InputError.

Planners' CSV files come from Excel: a byte-order mark, semicolons as separators (Dutch
locale) or commas, Dutch column names ('gemeente', 'jaar', 'Budget (€)') and Dutch numbers
('1.742.859', '1,67', '€ 7.098.000'). One reader for all of them, so every command reports a
missing, empty, non-UTF-8, too large or damaged file the same way and reads numbers by
`inputs.numbers`'s one rule. Limits (a typo or a wrong file should give
an answer in seconds, not minutes and gigabytes): at most `MAX_BYTES` per file and `MAX_ROWS`
data rows; only regular files are read (not a folder, a pipe or a device).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sporen.common.errors import InputError, Problem
from sporen.inputs.numbers import Convention, NumberError, convention_of, read_number
from sporen.inputs.numbers import parse_number as parse

MAX_BYTES = 50 * 2**20
"""A planner's CSV or YAML file is at most 50 MB (the largest series of a real scenario is far below)."""
MAX_ROWS = 1_000_000
"""At most a million data rows per CSV file."""


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MB" if n >= 2**20 else f"{n:,} bytes"


def read_bytes(path: Path, shape: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; every file problem as an InputError."""
    file = str(path)
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError([Problem(file, "", "is a folder, not a file", shape)])
        if not path.exists():
            raise InputError([Problem(file, "", "file not found", shape)])
        if not path.is_file():
            raise InputError([Problem(file, "", "is not a regular file (a device, pipe or socket)", shape)])
        size = path.stat().st_size
        if size > limit:
            raise InputError([Problem(file, "", f"is {_size(size)}, too large to be this file",
                                      f"at most {_size(limit)}; {shape}")])
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError([Problem(file, "", f"cannot read the file: {exc.strerror or exc}", shape)]) from None
    if len(data) > limit:
        raise InputError([Problem(file, "", f"is more than {_size(limit)}, too large to be this file",
                                  f"at most {_size(limit)}; {shape}")])
    return data


def read_text(path: Path, shape: str, limit: int = MAX_BYTES) -> str:
    """The file's text (UTF-8, BOM allowed); `shape` says what the file should be."""
    file = str(path)
    data = read_bytes(path, shape, limit)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file, "", f"not UTF-8 text (byte {exc.start:,})",
                                  f"{shape}, saved as UTF-8 (Excel: CSV UTF-8)")]) from None
    if not text.strip():
        raise InputError([Problem(file, "", "the file is empty", shape)])
    return text


class CsvRows:
    """The data rows of a CSV text: iterate for the cells of each row; `line_num` is the line the
    current row starts on, as a spreadsheet numbers it (header = row 1). A damaged row (a stray
    quote that makes the rest of the file one value, a NUL byte) or more than `MAX_ROWS` rows raise
    an InputError naming the file and the row."""

    def __init__(self, reader: Any, file: str, delimiter: str, max_rows: int = MAX_ROWS,
                 convention: Convention | None = None):
        self._reader = reader
        self.file = file
        self.delimiter = delimiter
        self.max_rows = max_rows
        self.line_num = 0
        self._end = 0
        self.rows = 0
        self.convention = convention
        """The file's number convention ('nl', 'en' or None), decided by its own cells."""

    def __iter__(self) -> Iterator[list[str]]:
        reader = self._reader
        while True:
            start = self._end + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError([Problem(self.file, f"row {start}", f"cannot be read as CSV ({exc})",
                                          "a stray double quote (\") starts a quoted value that never ends: "
                                          "remove it, or quote the whole value and double the quotes "
                                          "inside")]) from None
            self.line_num, self._end = start, reader.line_num
            self.rows += 1
            if self.rows > self.max_rows:
                raise InputError([Problem(self.file, f"row {self.line_num}", f"more than {self.max_rows:,} data rows",
                                          f"at most {self.max_rows:,} rows in this file")])
            yield cells


HEADER_ALIASES = {
    "gemeente": "municipality", "jaar": "year", "buig-budget": "budget", "buig budget": "budget",
    "rijksbijdrage": "budget", "uitgaven": "spending", "lasten": "spending", "maand": "month",
    "doelgroep": "segment", "aanvragen": "applications", "datum": "date", "peildatum": "date",
    "maat": "measure", "meting": "measure", "waarde": "value", "bron": "source",
}
"""Dutch column names a planner may use, and the column each stands for."""
_UNIT = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")


def header_name(cell: str) -> str:
    """A header cell as a column name: lower case, a unit in brackets dropped ('Budget (€)'),
    spaces collapsed, Dutch names translated ('gemeente' -> 'municipality')."""
    name = " ".join(_UNIT.sub("", str(cell)).strip().lower().split())
    return HEADER_ALIASES.get(name, name)


def _convention(text: str, delimiter: str, max_rows: int) -> Convention | None:
    """The number convention of a CSV text from its own cells (`inputs.numbers.convention_of`); a
    damaged row ends the scan (the row reader reports it), so does `max_rows`."""
    cells: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        next(reader, None)
        for n, row in enumerate(reader):
            if n >= max_rows:
                break
            cells += [c.strip() for c in row]
    except csv.Error:
        pass
    return convention_of(cells)


def csv_rows(text: str, file: str = "", max_rows: int | None = None) -> tuple[list[str], CsvRows, str]:
    """(column names, the data rows, delimiter); `;` when the header has no comma. At most
    `max_rows` data rows (default MAX_ROWS). Column names go through `header_name`, so Dutch
    headers and units in brackets are understood; the rows know the file's number convention."""
    first = text.partition("\n")[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    limit = MAX_ROWS if max_rows is None else max_rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = CsvRows(reader, file, delimiter, limit, _convention(text, delimiter, limit))
    try:
        header = [header_name(name) for name in next(iter(rows))]
    except StopIteration:
        header = []
    rows.rows = 0
    return header, rows, delimiter


def _convention_arg(convention: str | None) -> Convention | None:
    """A file's convention; a delimiter given instead (older callers) means 'unknown': nothing
    ambiguous is then read."""
    if convention == "nl":
        return "nl"
    if convention == "en":
        return "en"
    return None


def parse_number(text: str, convention: str | None) -> float | None:
    """A cell's number by `inputs.numbers` (Dutch or English notation, euros, percentages), or None.

    `convention` is the file's (`CsvRows.convention`): 'nl', 'en' or None. With None an ambiguous
    '1.066' (1066 with a thousands point, or 1.066 with a decimal point?) is refused, never guessed
    (`number_problem` says why)."""
    return parse(text, _convention_arg(convention))


def number_problem(text: str, convention: str | None) -> str:
    """Why `parse_number` refused `text`, in words (the reader's message)."""
    try:
        read_number(text, _convention_arg(convention))
    except NumberError as exc:
        return str(exc)
    return f"{text!r} is a number"
