"""Reading a planner's text or CSV file, with every file problem as an InputError.

Planners' CSV files come from Excel: a byte-order mark, semicolons as separators (Dutch
locale) or commas. One reader for all of them, so every command reports a missing, empty or
non-UTF-8 file the same way.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path

from sporen.common.errors import InputError, Problem


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


def csv_rows(text: str) -> tuple[list[str], Iterator[list[str]], str]:
    """(lower-cased header, reader over the remaining rows, delimiter); `;` when the header has no comma."""
    first = text.splitlines()[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    return header, reader, delimiter


def parse_number(text: str, delimiter: str) -> float | None:
    """'3.5' -> 3.5; with ';' as delimiter also '3,5'. Thousands separators are refused."""
    if delimiter == ";" and re.fullmatch(r"-?[0-9]+,[0-9]+", text):
        text = text.replace(",", ".")
    if not re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?", text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None
