"""The results workbook (results.xlsx): one sheet per table, formatted for management.

Every sheet holds one tidy table as its CSV does (same columns, same values; floats at Excel's
precision of 15 significant digits, the CSV has 10), so a
planner who filters or pivots in Excel sees the same numbers as a researcher reading the CSV.
Formatting only changes how values look: a bold header row that stays frozen when scrolling,
an autofilter, euros as whole numbers with thousands separators, shares as percentages, fte
with two decimals, and column widths that fit the contents.

`read_workbook` reads the sheets back into frames (used by the round-trip test).
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

EURO_FORMAT = '"€" #,##0;[Red]-"€" #,##0'
SHARE_FORMAT = "0.0%"
FTE_FORMAT = "0.00"
NUMBER_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
MAX_ROWS = 1_048_575  # Excel's limit, header excluded
MAX_WIDTH, MIN_WIDTH = 60, 6

_MONEY_WORDS = re.compile(
    r"(budget|spending|result|vangnet|cost|saving|euro|(^|_)eur($|_)|amount|compensation|"
    r"participatiebudget|other_lines|shadow_price|price|deficit|surplus|personnel|subsid)"
)
_NOT_MONEY = re.compile(r"(share|probability|prob|_pct|percent|count|(^|_)fte($|_)|months|^year$|replication|rank)")
_SHARE_WORDS = re.compile(r"(share|probability|^prob|_prob|rate$|_pct)")
_FTE_WORDS = re.compile(r"(^|_)fte($|_)")
_INVALID_SHEET = re.compile(r"[\[\]:*?/\\]")
_PLAIN = re.compile(r"^(year|replication|client|rung|seed|iteration|point|months?|.*_year|year_.*|.*_id)$")


def column_kind(name: str, series: pd.Series) -> str:
    """How a column is shown: 'euro', 'share', 'fte', 'integer', 'number' or 'text'."""
    lowered = str(name).lower()
    if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
        return "text"
    if _PLAIN.match(lowered):
        return "text"  # years and identifiers: no thousands separator (2,018 reads wrong)
    if _FTE_WORDS.search(lowered) and "cost" not in lowered:
        return "fte"
    if _SHARE_WORDS.search(lowered):
        return "share"
    if _MONEY_WORDS.search(lowered) and not _NOT_MONEY.search(lowered):
        return "euro"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    return "number"


_FORMATS = {"euro": EURO_FORMAT, "share": SHARE_FORMAT, "fte": FTE_FORMAT, "integer": INTEGER_FORMAT,
            "number": NUMBER_FORMAT}


def sheet_names(names: Iterable[str]) -> list[str]:
    """Valid, unique Excel sheet names (at most 31 characters, no []:*?/\\)."""
    out: list[str] = []
    for name in names:
        base = _INVALID_SHEET.sub("_", str(name)).strip("'") or "sheet"
        candidate, n = base[:31], 2
        while candidate.lower() in {o.lower() for o in out}:
            suffix = f"_{n}"
            candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
        out.append(candidate)
    return out


def _cell_value(value: object) -> object:
    """A Python value openpyxl writes: numpy scalars unwrapped, NaN/NA/None as an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        # Excel keeps 15 significant digits; rounding here makes what is written exactly what is read
        return float(f"{value:.15g}")
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (str, int, float, bool, _dt.date, _dt.datetime)):
        return value
    return str(value)


def _display_width(value: object, kind: str) -> int:
    if value is None:
        return 0
    if kind == "euro" and isinstance(value, (int, float)):
        return len(f"€ {value:,.0f}")
    if kind == "share" and isinstance(value, (int, float)):
        return len(f"{value * 100:.1f}%")
    if kind in ("fte", "number") and isinstance(value, (int, float)):
        return len(f"{value:,.2f}")
    if kind == "integer" and isinstance(value, (int, float)):
        return len(f"{value:,.0f}")
    return len(str(value))


def write_workbook(
    path: str | Path,
    tables: Mapping[str, pd.DataFrame],
    *,
    kinds: Mapping[str, Mapping[str, str]] | None = None,
    title: str = "sporen results",
) -> Path:
    """Write each frame to its own sheet (in the mapping's order) and return the path.

    `kinds` may force how columns are shown: {table: {column: 'euro'|'share'|'fte'|'integer'|
    'number'|'text'}}; otherwise `column_kind` guesses from the column's name and type.
    """
    path = Path(path)
    kinds = kinds or {}
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = "sporen"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE5EE")
    header_border = Border(bottom=Side(style="thin", color="7F7F7F"))
    header_align = Alignment(vertical="top", wrap_text=False)
    for sheet_name, (table, frame) in zip(sheet_names(tables), tables.items(), strict=True):
        if len(frame) > MAX_ROWS:
            raise ValueError(f"table '{table}' has {len(frame)} rows, more than an Excel sheet holds")
        sheet = workbook.create_sheet(sheet_name)
        columns = list(frame.columns)
        forced = kinds.get(table, {})
        col_kinds = [forced.get(c) or column_kind(c, frame[c]) for c in columns]
        widths = [len(str(c)) + 3 for c in columns]  # room for the autofilter arrow
        # widths from a sample of rows: the first and the last 500 are plenty
        sample = frame if len(frame) <= 1000 else pd.concat([frame.head(500), frame.tail(500)])
        for j, column in enumerate(columns):
            for value in sample[column].tolist():
                widths[j] = max(widths[j], _display_width(_cell_value(value), col_kinds[j]) + 2)
        for j, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(j + 1)].width = max(MIN_WIDTH, min(MAX_WIDTH, width))
        sheet.freeze_panes = "A2"
        if columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(frame) + 1)}"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=str(column))
            cell.font, cell.fill, cell.border, cell.alignment = header_font, header_fill, header_border, header_align
            header.append(cell)
        sheet.append(header)
        formats = [_FORMATS.get(kind) for kind in col_kinds]
        for row in frame.itertuples(index=False, name=None):
            out = []
            for value, number_format in zip(row, formats, strict=True):
                value = _cell_value(value)
                if number_format is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = number_format
                    out.append(cell)
                else:
                    out.append(value)
            sheet.append(out)
    if not tables:
        workbook.create_sheet("empty")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    _make_reproducible(path)
    return path


_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _make_reproducible(path: Path) -> None:
    """Rewrite the file with fixed zip timestamps and document times, so equal tables give equal
    bytes (openpyxl stamps the current time in both)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    os.replace(tmp, path)


def read_workbook(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every sheet as a frame, keyed by sheet name (header row = column names)."""
    return pd.read_excel(path, sheet_name=None, engine="openpyxl")
