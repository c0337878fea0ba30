"""The observed history a calibration fits: caseloads on dates, flows over periods.

The observed file (CSV, comma- or semicolon-separated): columns ``date, municipality, measure,
value`` and optionally ``source`` / ``note`` (kept for the reader, not used). A caseload's date
is a stock date (1-1-2018 = the stock at the end of 2017-12); a flow's date is a period
``YYYY-MM..YYYY-MM`` or one month. See docs/calibration.md.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sporen.common.errors import InputError, Problem, Problems
from sporen.inputs.schema import Scenario, parse_year_month
from sporen.inputs.textfile import csv_rows, number_problem, parse_number, read_text

MEASURES: tuple[str, ...] = ("caseload", "inflow", "outflow", "outflow_work_share", "applications", "spending")
FLOW_MEASURES: tuple[str, ...] = ("inflow", "outflow", "outflow_work_share", "applications", "spending")
SPENDING = "spending"
"""BUIG spending (benefits plus wage-cost subsidies, EUR) of a calendar year of the scenario's own
horizon (e.g. a municipality's prognosis): not part of the window, it sets the benefit level per
municipality on a forward run (see `calibration.fit.fit_benefit_levels`)."""
COLUMNS: tuple[str, ...] = ("date", "municipality", "measure", "value")
OPTIONAL_COLUMNS: tuple[str, ...] = ("source", "note")
ALL = "all"

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_PERIOD = re.compile(r"^(\d{4}-\d{2})\s*\.\.\s*(\d{4}-\d{2})$")
STOCK_DATE = ("YYYY-MM-DD on the first day of a month, meaning the stock at the end of the month before, "
              "or on the last day of a month")
PERIOD = "a period YYYY-MM..YYYY-MM (first and last month), e.g. 2018-01..2018-06, or one month YYYY-MM"


# -- months ------------------------------------------------------------------------------------
def month_number(label: str) -> int:
    """'2018-06' -> an absolute month number (year x 12 + month - 1)."""
    year, month = parse_year_month(label)
    return year * 12 + month - 1


def month_text(number: int) -> str:
    """Absolute month number -> 'YYYY-MM'."""
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


# -- observations ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Observation:
    """One observed figure. Months are absolute month numbers (`month_number`).

    A caseload is the stock at the end of month ``first`` (= ``last``); a flow runs over the months
    ``first`` .. ``last`` inclusive."""

    row: int
    date: str
    municipality: str
    measure: str
    value: float
    first: int
    last: int

    @property
    def label(self) -> str:
        return f"{self.measure} {self.date} {self.municipality}"


@dataclass
class Observed:
    """An observed file, checked against a scenario."""

    file: str
    observations: list[Observation]
    municipalities: list[str]
    spending: list[Observation] = field(default_factory=list)
    """Spending of a year of the scenario's horizon (not in the window; see `SPENDING`)."""

    @property
    def caseloads(self) -> list[Observation]:
        return [o for o in self.observations if o.measure == "caseload"]

    @property
    def start(self) -> int:
        """First simulated month: the month after the first observed stock."""
        return min(o.first for o in self.caseloads) + 1

    @property
    def end(self) -> int:
        """Last month any observation needs."""
        return max(o.last for o in self.observations)

    @property
    def months(self) -> int:
        return self.end - self.start + 1

    def initial(self) -> dict[str, int]:
        """Caseload per municipality at the window's start (the first observed stock)."""
        first = self.start - 1
        rows = {o.municipality: o.value for o in self.caseloads if o.first == first}
        if all(m in rows for m in self.municipalities):
            return {m: int(round(rows[m])) for m in self.municipalities}
        return {ALL: int(round(rows[ALL]))}

    def periods(self) -> list[tuple[int, int]]:
        """The distinct applications periods, in time order."""
        return sorted({(o.first, o.last) for o in self.observations if o.measure == "applications"})


def _stock_month(text: str) -> int | None:
    """'2018-06-01' -> the month whose end the stock is (2018-05); None if not such a day."""
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        return None
    last_day = calendar.monthrange(year, month)[1]
    if day == 1:
        return year * 12 + month - 2
    if day == last_day:
        return year * 12 + month - 1
    return None


def _period(text: str) -> tuple[int, int] | None:
    match = _PERIOD.match(text)
    parts = match.groups() if match else (text, text) if _MONTH.match(text) else None
    if parts is None:
        return None
    try:
        first, last = month_number(parts[0]), month_number(parts[1])
    except ValueError:
        return None
    return first, last


# complexity over 15: one check per column and row of the observed file, each naming its cell
def read_observed(path: str | Path, municipalities: Sequence[str] | None = None) -> list[Observation]:  # noqa: C901
    """Read an observed file: every format problem as one InputError (with `municipalities`, unknown
    names are problems too)."""
    path = Path(path)
    file = str(path)
    shape = "a CSV file with the columns " + ", ".join(COLUMNS) + " (and optionally source)"
    text = read_text(path, shape)
    header, reader, delimiter = csv_rows(text, file)
    allowed = COLUMNS + OPTIONAL_COLUMNS
    problems = Problems(Problem(file, "row 1", f"missing column {name!r}", shape) for name in COLUMNS
                        if name not in header)
    problems += (Problem(file, "row 1", f"unknown column {name!r}", "columns " + ", ".join(allowed))
                 for name in dict.fromkeys(header) if name not in allowed)
    problems += (Problem(file, "row 1", f"column {name!r} appears {header.count(name)} times", shape)
                 for name in allowed if header.count(name) > 1)
    if problems:
        raise InputError(problems)

    problems = Problems()
    observations: list[Observation] = []
    seen: dict[tuple[str, str, str], int] = {}
    for cells in reader:
        row = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(file, f"row {row}", f"{len(cells)} fields, expected {len(header)}",
                                    f"one value per column, separated by {delimiter!r}"))
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        bad = len(problems)
        measure = values["measure"]
        if measure not in MEASURES:
            problems.append(Problem(file, f"row {row}.measure", f"{measure!r} is not a measure",
                                    "one of: " + ", ".join(MEASURES)))
        municipality = values["municipality"]
        if not municipality:
            problems.append(Problem(file, f"row {row}.municipality", "empty", f"a municipality's name or {ALL}"))
        elif municipalities is not None and municipality != ALL and municipality not in municipalities:
            problems.append(Problem(file, f"row {row}.municipality", f"unknown municipality {municipality!r}",
                                    f"{ALL} or one of: " + ", ".join(municipalities)))
        date = values["date"]
        first = last = None
        if measure == "caseload":
            first = last = _stock_month(date)
            if first is None:
                problems.append(Problem(file, f"row {row}.date", f"{date!r} is not a stock date", STOCK_DATE))
        elif measure in FLOW_MEASURES:
            span = _period(date)
            if span is None:
                problems.append(Problem(file, f"row {row}.date", f"{date!r} is not a period", PERIOD))
            elif span[1] < span[0]:
                problems.append(Problem(file, f"row {row}.date", f"{date!r} ends before it starts",
                                        "a first month no later than the last"))
            else:
                first, last = span
        value = parse_number(values["value"], reader.convention)
        if value is None:
            problems.append(Problem(file, f"row {row}.value",
                                    number_problem(values["value"], reader.convention),
                                    "a number, e.g. 1206, 1.206, 0.497, 0,497 or 49,7%"))
        elif measure == "outflow_work_share" and not 0.0 < value <= 1.0:
            problems.append(Problem(file, f"row {row}.value", f"{value:g} is not a share", "above 0 and at most 1"))
        elif value <= 0.0:
            problems.append(Problem(file, f"row {row}.value", f"{value:g} is too small",
                                    "above 0 (errors are relative to the observed value)"))
        key = (measure, date.replace(" ", ""), municipality)
        if len(problems) == bad:
            assert value is not None and first is not None and last is not None  # else a problem was added
            if key in seen:
                problems.append(Problem(file, f"row {row}", f"{measure} {date} {municipality} appears again "
                                        f"(first in row {seen[key]})", "one value per date, municipality and measure"))
            else:
                seen[key] = row
                observations.append(Observation(row, date, municipality, measure, float(value), first, last))
    if problems:
        raise InputError(problems)
    if not observations:
        raise InputError([Problem(file, "", "no observations", shape)])
    return observations


# complexity over 15: one check per kind of observation against the scenario, each its own problem
def check_observed(observations: list[Observation], scenario: Scenario, file: str) -> Observed:  # noqa: C901
    """Check observations against a scenario (municipalities, the window); InputError lists all problems."""
    names = [m.name for m in scenario.municipalities]
    problems: list[Problem] = []
    for o in observations:
        if o.municipality != ALL and o.municipality not in names:
            problems.append(Problem(file, f"row {o.row}.municipality", f"unknown municipality {o.municipality!r}",
                                    f"{ALL} or one of: " + ", ".join(names)))
    if problems:
        raise InputError(problems)
    spending = [o for o in observations if o.measure == SPENDING]
    observations = [o for o in observations if o.measure != SPENDING]
    horizon = scenario.horizon_years
    for o in spending:
        year = o.first // 12
        if not (o.first % 12 == 0 and o.last == o.first + 11 and year in horizon):
            problems.append(Problem(file, f"row {o.row}.date", f"spending {o.date} is not a calendar year of the "
                                    f"scenario's horizon {horizon[0]}-{horizon[-1]}",
                                    f"YYYY-01..YYYY-12 for a year from {horizon[0]} to {horizon[-1]}"))
        elif not scenario.exists(o.municipality, year) and o.municipality != ALL:
            problems.append(Problem(file, f"row {o.row}.municipality", f"{o.municipality} has merged by {year}",
                                    "a year before its merger"))
    caseloads = [o for o in observations if o.measure == "caseload"]
    if not caseloads:
        problems.append(Problem(file, "", "no caseload observation",
                                "at least the caseload per municipality (or all) on the window's first day"))
    if problems:
        raise InputError(problems)
    observed = Observed(file, observations, names, spending)
    first = observed.start - 1
    at_first = {o.municipality: o for o in caseloads if o.first == first}
    given = [m for m in names if m in at_first]
    if given and len(given) < len(names) and ALL not in at_first:
        row = min(o.row for o in at_first.values())
        missing = [m for m in names if m not in at_first]
        problems.append(Problem(file, f"row {row}.municipality",
                                f"the first caseload date {at_first[given[0]].date} gives no caseload for "
                                + ", ".join(missing), "every municipality on the first date, or all"))
    window_start = month_text(observed.start)
    for o in observations:
        if o.measure != "caseload" and o.first < observed.start:
            problems.append(Problem(file, f"row {o.row}.date", f"{o.date} starts before the window "
                                    f"(the first caseload date sets its start: {window_start})",
                                    f"periods from {window_start} on"))
    if observed.end < observed.start:
        problems.append(Problem(file, "", "nothing to fit: every observation is on the first caseload date",
                                "observations after the first caseload date"))
    spans: dict[tuple[int, int], int] = {}
    for o in sorted((o for o in observations if o.measure == "applications"), key=lambda o: o.row):
        for (a, b), row in spans.items():
            if (a, b) != (o.first, o.last) and o.first <= b and a <= o.last:
                problems.append(Problem(file, f"row {o.row}.date", f"{o.date} overlaps the applications period "
                                        f"of row {row}", "applications periods that do not overlap"))
                break
        spans.setdefault((o.first, o.last), o.row)
    if problems:
        raise InputError(problems)
    return observed


def load_observed(path: str | Path, scenario: Scenario) -> Observed:
    """Read and check an observed file against a scenario."""
    return check_observed(read_observed(path, [m.name for m in scenario.municipalities]), scenario, str(path))


