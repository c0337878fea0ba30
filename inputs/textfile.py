"""Reading a planner's text or CSV file, with every file problem as an InputError.

Planners' CSV files come from Excel: a byte-order mark, semicolons as separators (Dutch
locale) or commas. One reader for all of them, so every command reports a missing, empty,
non-UTF-8, too large or damaged file the same way. Limits (a typo or a wrong file should give
an answer in seconds, not minutes and gigabytes): at most `MAX_BYTES` per file and `MAX_ROWS`
data rows; only regular files are read (not a folder, a pipe or a device).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sporen.common.errors import InputError, Problem

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

    def __init__(self, reader: Any, file: str, delimiter: str, max_rows: int = MAX_ROWS):
        self._reader = reader
        self.file = file
        self.delimiter = delimiter
        self.max_rows = max_rows
        self.line_num = 0
        self._end = 0
        self.rows = 0

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


def csv_rows(text: str, file: str = "", max_rows: int | None = None) -> tuple[list[str], CsvRows, str]:
    """(lower-cased header, the data rows, delimiter); `;` when the header has no comma. At most
    `max_rows` data rows (default MAX_ROWS)."""
    first = text.partition("\n")[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = CsvRows(reader, file, delimiter, MAX_ROWS if max_rows is None else max_rows)
    try:
        header = [name.strip().lower() for name in next(iter(rows))]
    except StopIteration:
        header = []
    rows.rows = 0
    return header, rows, delimiter


_DUTCH_THOUSANDS = re.compile(r"-?[0-9]{1,3}(\.[0-9]{3})+")


def parse_number(text: str, delimiter: str) -> float | None:
    """'3.5' -> 3.5; with ';' as delimiter also '3,5'. Thousands separators are refused.

    With ';' (a Dutch spreadsheet) '1.066' could be 1066 (thousands) or 1.066 (a decimal point):
    it is refused rather than guessed (`number_problem` says why)."""
    if delimiter == ";" and re.fullmatch(r"-?[0-9]+,[0-9]+", text):
        text = text.replace(",", ".")
    elif delimiter == ";" and _DUTCH_THOUSANDS.fullmatch(text):
        return None
    if not re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?", text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def number_problem(text: str, delimiter: str) -> str:
    """Why `parse_number` refused `text`, in words."""
    if delimiter == ";" and _DUTCH_THOUSANDS.fullmatch(text):
        whole = text.replace(".", "")
        return (f"{text!r} is ambiguous in a ;-separated (Dutch) file: {whole} with a thousands point, or "
                f"{text} with a decimal point? Write {whole} or {text.replace('.', ',')}")
    return f"{text!r} is not a number"
