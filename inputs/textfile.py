"""Reading a planner's text or CSV file, with every file problem as an InputError.

Planners' CSV files come from Excel: a byte-order mark, semicolons as separators (Dutch
locale) or commas, Dutch column names ('gemeente', 'jaar', 'Budget (€)') and Dutch numbers
('1.742.859', '1,67', '€ 7.098.000'). One reader for all of them, so every command reports a
missing, empty or non-UTF-8 file the same way and reads numbers by `inputs.numbers`'s one rule.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from sporen.common.errors import InputError, Problem
from sporen.inputs.numbers import NumberError, convention_of, read_number
from sporen.inputs.numbers import parse_number as parse


def read_text(path: Path, shape: str) -> str:
    """The file's text (UTF-8, BOM allowed); `shape` says what the file should be."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(file, "", "file not found", shape)]) from None
    except IsADirectoryError:
        raise InputError([Problem(file, "", "is a folder, not a file", shape)]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(file, "", "not UTF-8 text", shape)]) from None
    except OSError as exc:
        raise InputError([Problem(file, "", f"cannot read the file: {exc.strerror or exc}", shape)]) from None
    if not text.strip():
        raise InputError([Problem(file, "", "the file is empty", shape)])
    return text


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


class CsvRows:
    """The data rows of a CSV text (after the header), with `line_num` as csv.reader has it, the
    delimiter and the file's number convention (`inputs.numbers.convention_of`)."""

    def __init__(self, text: str, delimiter: str):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        self.header = next(reader, [])
        self.rows: list[tuple[int, list[str]]] = [(reader.line_num, row) for row in reader]
        self.delimiter = delimiter
        self.convention = convention_of(c.strip() for _, row in self.rows for c in row)
        self.line_num = 1

    def __iter__(self) -> Iterator[list[str]]:
        for line, row in self.rows:
            self.line_num = line
            yield row


def csv_rows(text: str) -> tuple[list[str], CsvRows, str]:
    """(column names, the data rows, delimiter); `;` when the header has no comma. Column names
    go through `header_name`, so Dutch headers and units in brackets are understood."""
    first = text.splitlines()[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    rows = CsvRows(text, delimiter)
    return [header_name(name) for name in rows.header], rows, delimiter


def parse_number(text: str, convention: str | None) -> float | None:
    """A cell's number by `inputs.numbers` (Dutch or English notation, euros, percentages), or None.

    `convention` is the file's (`CsvRows.convention`): 'nl', 'en' or None."""
    return parse(text, convention)  # type: ignore[arg-type]


def number_problem(text: str, convention: str | None) -> str | None:
    """Why a cell is not a number (the reader's message), or None when it is one."""
    try:
        read_number(text, convention)  # type: ignore[arg-type]
    except NumberError as exc:
        return str(exc)
    return None
