"""Actuals: what a municipality observed month by month, for `sporen monitor` (docs/monitor.md).

One row per month and municipality (optionally per segment), CSV (comma or semicolon, Dutch
numbers as `inputs.numbers` reads them) or a sheet of an XLSX workbook (``werkelijk``, else the
first sheet), with these columns (Dutch or English names)::

    maand;gemeente;bestand;instroom;uitstroom;uitstroom werk;uitgaven
    2018-01;Bedum;171;;;;
    2018-02;Bedum;171;4;4;2;€ 205.300

* ``maand`` (month, YYYY-MM) and ``gemeente`` (municipality, a municipality of the scenario; after a
  merger still the former ones, the areas of the caseload): required;
* ``bestand`` (caseload): clients on benefit at the end of the month (seed 003's "1-6-2018" is
  the end of May): required in every row;
* ``doelgroep`` (segment): optional; when given, every row names a segment and every month of a
  municipality gives all of them;
* ``instroom``, ``uitstroom``, ``uitstroom <cause>`` (inflow, outflow, outflow_<cause>) and
  ``uitgaven`` (spending: BUIG benefits and wage-cost subsidies paid for the month, EUR): where
  known; an empty cell is unknown;
* ``bron`` (source): free text, not read.

The months run without gaps from the scenario's start for every municipality, and end before the
horizon's last month (something is left to simulate). Contradictions are refused: a caseload that
does not follow from the previous month's and that month's inflow and outflow (when both are
given), or exits by cause that add up to more than the outflow. Every problem names the file, the
row as a spreadsheet numbers it (header = row 1) and the column.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sporen.common.errors import InputError, Problem, Problems
from sporen.inputs.schema import (
    EXIT_CAUSES,
    MAX_CLIENTS,
    MAX_MONEY,
    Scenario,
    month_index,
    month_label,
    parse_year_month,
)
from sporen.inputs.textfile import MAX_BYTES, csv_rows, header_name, number_problem, parse_number, read_bytes, read_text

MAX_ACTUAL_ROWS = 200_000
"""At most this many data rows (municipalities x months x segments of a real scenario are far below)."""
SHEET_NAMES = ("werkelijk", "actuals")
FLOW_COLUMNS = ("inflow", "outflow", *(f"outflow_{cause}" for cause in EXIT_CAUSES))
NUMBER_COLUMNS = ("caseload", *FLOW_COLUMNS, "spending")
COLUMNS = ("month", "municipality", "segment", *NUMBER_COLUMNS, "source")
REQUIRED = ("month", "municipality", "caseload")
DUTCH_CAUSES = {"work": "werk", "moved": "verhuizing", "pension": "aow", "partner_income": "partner",
                "death": "overlijden", "enforcement": "handhaving", "prior_provision": "voorliggende voorziening",
                "other": "overig"}
ALIASES = {"bestand": "caseload", "uitkeringen": "caseload", "bijstandsuitkeringen": "caseload",
           "instroom": "inflow", "uitstroom": "outflow",
           **{f"uitstroom {dutch}": f"outflow_{cause}" for cause, dutch in DUTCH_CAUSES.items()},
           **{f"outflow {cause}": f"outflow_{cause}" for cause in EXIT_CAUSES}}
SHAPE = ("a table with the columns maand (YYYY-MM), gemeente, bestand (clients on benefit at the end of the "
         "month) and where known doelgroep, instroom, uitstroom, uitstroom <reden>, uitgaven (EUR)")


@dataclass(frozen=True)
class Actuals:
    """The observed months of a scenario's municipalities: `table` has one row per month,
    municipality and segment ('' when the file gives none), NaN where a value is unknown."""

    file: str
    table: pd.DataFrame
    by_segment: bool

    @property
    def months(self) -> list[str]:
        return sorted(set(self.table["month"]))

    @property
    def last_month(self) -> str:
        return self.months[-1]

    def per_municipality(self) -> pd.DataFrame:
        """month, municipality and every number summed over segments (NaN stays unknown)."""
        numbers = list(NUMBER_COLUMNS)
        return (self.table.groupby(["month", "municipality"], sort=True)[numbers].sum(min_count=1).reset_index())


def column_name(cell: str) -> str:
    """A header cell as a column name: units in brackets dropped, Dutch names translated."""
    name = header_name(cell)
    return ALIASES.get(name, name.replace(" ", "_") if name.replace(" ", "_") in COLUMNS else name)


def read_actuals(path: str | Path, scenario: Scenario, workbook: bool | None = None) -> Actuals:
    """Read and check an actuals file (CSV or XLSX; `workbook` None: by its extension) against
    `scenario`; InputError with every problem."""
    path = Path(path)
    file = str(path)
    if workbook if workbook is not None else path.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _workbook_rows(path, file)
    else:
        text = read_text(path, SHAPE)
        header, reader, _ = csv_rows(text, file, MAX_ACTUAL_ROWS)
        header = [ALIASES.get(h, h) for h in header]
        rows = ((reader.line_num, cells, reader.convention) for cells in reader)
    _check_header(header, file)
    table, problems, whole = _read_rows(header, rows, file, scenario)
    by_segment = "segment" in header
    if whole:   # every row could be read (a duplicate leaves its first row): the file as a whole
        problems += _gaps(table, file, scenario, by_segment)
        problems += _contradictions(table, file, scenario)
    if problems:
        raise InputError(problems)
    table = table.drop(columns=["row"]).sort_values(["month", "municipality", "segment"], kind="stable")
    return Actuals(file, table.reset_index(drop=True), by_segment)


# -- reading -----------------------------------------------------------------------------------------
def _workbook_rows(path: Path, file: str) -> tuple[list[str], Iterator[tuple[int, list[str], str | None]]]:
    """The header and rows of the workbook's actuals sheet, cells as text (numbers in English notation)."""
    from openpyxl import load_workbook

    shape = "an XLSX workbook with a sheet 'werkelijk': " + SHAPE
    data = read_bytes(path, shape, MAX_BYTES)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise InputError([Problem(file, "", f"not a readable XLSX workbook ({type(exc).__name__})", shape)]) from None
    names = [n for n in book.sheetnames if n.strip().lower() in SHEET_NAMES] or book.sheetnames[:1]
    sheet = book[names[0]]
    values = [[_cell_text(v) for v in row] for _, row in zip(range(MAX_ACTUAL_ROWS + 2),
                                                             sheet.iter_rows(values_only=True), strict=False)]
    book.close()
    if len(values) > MAX_ACTUAL_ROWS + 1:
        raise InputError([Problem(file, f"{names[0]}!row {MAX_ACTUAL_ROWS + 2}",
                                  f"more than {MAX_ACTUAL_ROWS:,} data rows", f"at most {MAX_ACTUAL_ROWS:,}")])
    if not values:
        raise InputError([Problem(file, names[0], "the sheet is empty", shape)])
    header = [column_name(c) for c in values[0]]
    while header and not header[-1]:
        header.pop()
    return header, ((i + 2, row[:len(header)], "en") for i, row in enumerate(values[1:]))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m"))
    return str(value)


def _check_header(header: list[str], file: str) -> None:
    problems = [Problem(file, f"row 1.{name}", "missing column", SHAPE) for name in REQUIRED if name not in header]
    problems += [Problem(file, f"row 1.{name}", "unknown column (a typo?)",
                         "one of: maand, gemeente, doelgroep, bestand, instroom, uitstroom, "
                         + ", ".join(f"uitstroom {d}" for d in DUTCH_CAUSES.values()) + ", uitgaven, bron")
                 for name in dict.fromkeys(header) if name and name not in COLUMNS]
    problems += [Problem(file, f"row 1.{name}", f"column appears {header.count(name)} times", "each column once")
                 for name in dict.fromkeys(header) if name and header.count(name) > 1]
    if problems:
        raise InputError(problems)


def _read_rows(header: list[str], rows: Iterable[tuple[int, list[str], str | None]], file: str,
               scenario: Scenario) -> tuple[pd.DataFrame, Problems, bool]:
    """Every data row checked on its own: month in the horizon, a known municipality and segment,
    numbers that are whole, not negative and not absurd; duplicates refused. (the rows read, the
    problems, whether every row could be read)."""
    areas = [m.name for m in scenario.municipalities]
    merged = {g.name for g in scenario.mergers}
    segments = [s.name for s in scenario.segments]
    last = month_label(scenario.start, scenario.months - 2)
    problems = Problems()
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, str, str], int] = {}
    whole = True
    for row, cells, convention in rows:
        if not any(str(c).strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(file, f"row {row}", f"{len(cells)} fields, expected {len(header)}",
                                    "one value per column"))
            whole = False
            continue
        values = {name: str(cell).strip() for name, cell in zip(header, cells, strict=True) if name}
        record, found = _row(values, row, file, convention, scenario.start, last, areas, merged, segments)
        problems += found
        if found:
            whole = False
            continue
        key = (str(record["month"]), str(record["municipality"]), str(record["segment"]))
        if key in seen:
            problems.append(Problem(file, f"row {row}", f"{', '.join(k for k in key if k)} is also given in row "
                                    f"{seen[key]}", "one row per month and municipality (and segment)"))
            continue
        seen[key] = row
        records.append(record)
    if not records and not problems:
        raise InputError([Problem(file, "", "no data rows", SHAPE)])
    table = pd.DataFrame.from_records(records, columns=["row", "month", "municipality", "segment", *NUMBER_COLUMNS])
    return table, problems, whole and bool(records)


def _row(values: dict[str, str], row: int, file: str, convention: str | None, first: str, last: str,
         areas: list[str], merged: set[str], segments: list[str]) -> tuple[dict[str, object], list[Problem]]:
    problems: list[Problem] = []
    record: dict[str, object] = {"row": row}
    month = values.get("month", "")
    try:
        year, mon = parse_year_month(month)
        month = f"{year:04d}-{mon:02d}"
    except ValueError:
        problems.append(Problem(file, f"row {row}.maand", f"{month!r} is not a month", "YYYY-MM, e.g. 2018-05"))
    else:
        if not first <= month <= last:
            problems.append(Problem(file, f"row {row}.maand", f"{month} is outside the months that can be actuals",
                                    f"{first} to {last}: from the scenario's start, leaving at least one month "
                                    "to simulate"))
    record["month"] = month
    name = values.get("municipality", "")
    if name not in areas:
        hint = " (a merged municipality: give its former municipalities)" if name in merged else ""
        problems.append(Problem(file, f"row {row}.gemeente", f"unknown municipality {name!r}{hint}",
                                "one of: " + ", ".join(areas)))
    record["municipality"] = name
    segment = values.get("segment", "")
    if "segment" in values and segment not in segments:
        problems.append(Problem(file, f"row {row}.doelgroep", f"unknown segment {segment!r}",
                                "one of: " + ", ".join(segments)))
    record["segment"] = segment
    for column in NUMBER_COLUMNS:
        value, problem = _number(values.get(column, ""), column, row, file, convention)
        record[column] = value
        if problem is not None:
            problems.append(problem)
    return record, problems


def _number(cell: str, column: str, row: int, file: str, convention: str | None) -> tuple[float, Problem | None]:
    where = f"row {row}.{column}"
    if not cell:
        if column == "caseload":
            return math.nan, Problem(file, where, "empty", "the clients on benefit at the end of the month")
        return math.nan, None
    value = parse_number(cell, convention)
    if value is None:
        return math.nan, Problem(file, where, number_problem(cell, convention), "a number, e.g. 171 or € 205.300")
    if value < 0:
        return math.nan, Problem(file, where, f"{cell} is negative", ">= 0")
    if column == "spending":
        if value > MAX_MONEY:
            return math.nan, Problem(file, where, f"{cell} is too large", f"at most € {MAX_MONEY:,}")
        return float(round(value)), None
    if not float(value).is_integer():
        return math.nan, Problem(file, where, f"{cell} is not a whole number", "a number of clients, e.g. 171")
    if value > MAX_CLIENTS:
        return math.nan, Problem(file, where, f"{cell} is too large", f"at most {MAX_CLIENTS:,} clients")
    return float(value), None


# -- the file as a whole -------------------------------------------------------------------------------
def _gaps(table: pd.DataFrame, file: str, scenario: Scenario, by_segment: bool) -> list[Problem]:
    """Every municipality (and segment) has every month from the scenario's start to the last given month."""
    problems: list[Problem] = []
    if by_segment and (table["segment"] == "").any():
        return [Problem(file, "doelgroep", "some rows name a segment and others do not",
                        "a segment in every row, or no doelgroep column")]
    last = max(table["month"])
    months = [month_label(scenario.start, i) for i in range(month_index(scenario.start, last) + 1)]
    segments = [s.name for s in scenario.segments] if by_segment else [""]
    given = set(zip(table["month"], table["municipality"], table["segment"], strict=True))
    for muni in scenario.municipalities:
        for segment in segments:
            missing = [m for m in months if (m, muni.name, segment) not in given]
            if missing:
                who = muni.name + (f", {segment}" if segment else "")
                shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
                problems.append(Problem(file, who, f"no row for {shown}",
                                        f"a row for every month from {months[0]} to {last} (the last month given)"))
    return problems


def _contradictions(table: pd.DataFrame, file: str, scenario: Scenario) -> list[Problem]:
    """Exits by cause above the outflow; a caseload that does not follow from the flows."""
    problems: list[Problem] = []
    causes = [f"outflow_{c}" for c in EXIT_CAUSES]
    by_cause = table[causes].sum(axis=1, min_count=1)
    for row, outflow, summed in zip(table["row"], table["outflow"], by_cause, strict=True):
        if not math.isnan(outflow) and not math.isnan(summed) and summed > outflow:
            problems.append(Problem(file, f"row {row}.uitstroom", f"the exits by cause add up to {summed:,.0f}, "
                                    f"more than the outflow {outflow:,.0f}", "exits by cause <= uitstroom"))
    caseloads = {(r["municipality"], r["segment"], r["month"]): r["caseload"] for r in table.to_dict("records")}
    for values in table.to_dict("records"):
        if math.isnan(values["inflow"]) or math.isnan(values["outflow"]) or values["month"] == scenario.start:
            continue
        before = caseloads.get((values["municipality"], values["segment"], month_label(values["month"], -1)))
        if before is None or math.isnan(before):
            continue
        expected = before + values["inflow"] - values["outflow"]
        if expected != values["caseload"]:
            problems.append(Problem(file, f"row {int(values['row'])}.bestand",
                                    f"{values['caseload']:,.0f} does not follow from the month before: "
                                    f"{before:,.0f} + inflow {values['inflow']:,.0f} - outflow "
                                    f"{values['outflow']:,.0f} = {expected:,.0f}",
                                    "bestand = previous bestand + instroom - uitstroom, or leave instroom "
                                    "and uitstroom empty"))
    return problems
