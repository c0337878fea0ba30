"""Monthly series given as CSV side tables next to a scenario file.

A scenario may name ``series: {applications: applications.csv}`` (paths relative to the scenario
file). `resolve_series` reads each named file into the scenario's parsed field (for
``applications``: ``Scenario.application_series``, municipality -> segment -> ``YYYY-MM`` ->
mean applications that month), wraps it as ``{value:, source:}`` so the file is recorded in
``Scenario.sources``, and removes ``series`` from the raw mapping: a loaded scenario carries its
data, not file names.

applications.csv has one row per month, municipality and segment::

    month,municipality,segment,applications
    2018-01,Bedum,regular,4.5
    2018-02,Bedum,regular,3.8

Comma- or semicolon-separated (with semicolons a decimal comma is accepted, as a Dutch
spreadsheet writes it); blank lines are skipped. Every problem names the CSV file, the row as a
spreadsheet numbers it (header = row 1) and the column, e.g. ``applications.csv: row 7.month``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sporen.common.errors import InputError, Problem, Problems
from sporen.inputs.paths import SOURCE_KEYS
from sporen.inputs.schema import month_label, parse_year_month
from sporen.inputs.textfile import csv_rows, number_problem, parse_number, read_text

APPLICATION_COLUMNS = ("month", "municipality", "segment", "applications")
SERIES = {"applications": "application_series"}
"""Series name -> the Scenario field its parsed data goes to."""


def read_application_series(
    path: Path,
    file: str | None = None,
    *,
    municipalities: list[str] | None = None,
    segments: list[str] | None = None,
    horizon: tuple[str, str] | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """Read an applications CSV into municipality -> segment -> month -> applications.

    When `municipalities`, `segments` or `horizon` (first and last month, YYYY-MM) are given,
    rows naming another municipality or segment, or a month outside the horizon, are problems
    too. Raises `InputError` listing every problem found.
    """
    path = Path(path)
    file = file or str(path)
    shape = "a CSV file with the columns " + ", ".join(APPLICATION_COLUMNS)
    text = read_text(path, shape)
    header, reader, delimiter = csv_rows(text, file)
    problems = Problems(Problem(file, f"row 1.{name}", "missing column", shape)
                        for name in APPLICATION_COLUMNS if name not in header)
    problems += (Problem(file, f"row 1.{name}", "unknown column (a typo?)", shape)
                 for name in dict.fromkeys(header) if name not in APPLICATION_COLUMNS)
    problems += (Problem(file, f"row 1.{name}", f"column appears {header.count(name)} times", "each column once")
                 for name in APPLICATION_COLUMNS if header.count(name) > 1)
    if problems:
        raise InputError(problems)

    problems = Problems()
    data: dict[str, dict[str, dict[str, float]]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    rows = 0
    for cells in reader:
        row = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        rows += 1
        if len(cells) != len(header):
            problems.append(Problem(file, f"row {row}", f"{len(cells)} fields, expected {len(header)}",
                                    f"one value per column, separated by {delimiter!r}"))
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        found, amount = _row_problems(file, row, values, reader.convention,
                                      {"municipality": municipalities, "segment": segments}, horizon)
        problems += found
        if found or amount is None:
            continue
        month = values["month"]
        key = (values["municipality"], values["segment"], month)
        if key in seen:
            problems.append(Problem(file, f"row {row}", f"{', '.join(key)} is also given in row {seen[key]}",
                                    "one row per month, municipality and segment"))
            continue
        seen[key] = row
        data.setdefault(key[0], {}).setdefault(key[1], {})[month] = amount
    if not rows:
        problems.append(Problem(file, "", "no data rows", shape))
    if problems:
        raise InputError(problems)
    return data


def _row_problems(file: str, row: int, values: dict[str, str], convention: str | None,
                  known: dict[str, list[str] | None], horizon: tuple[str, str] | None) -> tuple[list[Problem],
                                                                                             float | None]:
    """The problems of one row of an applications CSV, and its amount (None when unreadable)."""
    problems: list[Problem] = []
    month = values["month"]
    try:
        parse_year_month(month)
    except ValueError:
        problems.append(Problem(file, f"row {row}.month", f"{month!r} is not a month", "YYYY-MM, e.g. 2018-01"))
    else:
        if horizon is not None and not horizon[0] <= month <= horizon[1]:
            problems.append(Problem(file, f"row {row}.month", f"{month} is outside the scenario's horizon",
                                    f"{horizon[0]} to {horizon[1]}"))
    for column, names in known.items():
        name = values[column]
        if not name:
            problems.append(Problem(file, f"row {row}.{column}", "empty", f"a {column} name"))
        elif names is not None and name not in names:
            problems.append(Problem(file, f"row {row}.{column}", f"unknown {column} '{name}'",
                                    "one of: " + ", ".join(names)))
    amount = parse_number(values["applications"], convention)
    if amount is None:
        problems.append(Problem(file, f"row {row}.applications", number_problem(values["applications"], convention),
                                "mean applications that month, e.g. 4.5 or 4,5"))
    elif amount < 0:
        problems.append(Problem(file, f"row {row}.applications", f"{values['applications']} is negative", ">= 0"))
    return problems, amount


def _names(raw: dict, field: str) -> list[str] | None:
    """The item names of a raw list field, or None when it is not a clean list of named items."""
    items = _plain(raw.get(field))
    if not isinstance(items, list):
        return None
    names = [_plain(item.get("name")) if isinstance(item, dict) else None for item in items]
    clean = [n for n in names if isinstance(n, str)]
    return clean if len(clean) == len(names) else None


def _plain(value: Any) -> Any:
    while isinstance(value, dict) and "value" in value and set(value) <= SOURCE_KEYS:
        value = value["value"]
    return value


def _horizon(raw: dict) -> tuple[str, str] | None:
    try:
        start, years = str(_plain(raw.get("start"))), _plain(raw.get("years"))
        parse_year_month(start)
        if isinstance(years, bool) or not isinstance(years, int) or years < 1:
            return None
        return start, month_label(start, years * 12 - 1)
    except (ValueError, TypeError):
        return None


def resolve_series(raw: dict, base_dir: Path, file: str, *, replace: bool = False) -> list[Problem]:
    """Read the CSV files named in ``raw['series']`` into their parsed fields (in place).

    Paths are relative to `base_dir` (the scenario file's folder). Each parsed field is written
    as ``{value: data, source: <file as written>, ...}`` (or with the planner's own source when
    the path was given as ``{value: file.csv, source: ...}``); ``series`` is removed. When a
    parsed field is already present, that is a problem (give one or the other) unless
    `replace` (a variant that names a new file). Returns the problems rather than raising, so the
    caller can report them together with the rest of the scenario's.
    """
    if "series" not in raw:
        return []
    series = raw.pop("series")
    if series is None:
        return []
    allowed = "a mapping of series name to CSV file, e.g. {applications: applications.csv}"
    if isinstance(series, dict) and "value" in series and set(series) <= SOURCE_KEYS:
        series = series["value"]
    if not isinstance(series, dict):
        return [Problem(file, "series", f"a {type(series).__name__}", allowed)]
    problems: list[Problem] = []
    for name, entry in series.items():
        path = f"series.{name}"
        if name not in SERIES:
            problems.append(Problem(file, path, "unknown series", "one of: " + ", ".join(SERIES)))
            continue
        source: dict[str, Any] = {}
        if isinstance(entry, dict) and "value" in entry and set(entry) <= SOURCE_KEYS:
            source = {k: v for k, v in entry.items() if k != "value"}
            entry = entry["value"]
        if not isinstance(entry, str) or not entry.strip():
            problems.append(Problem(file, path, f"{entry!r} is not a file name", "a CSV file relative to "
                                    "the scenario file, e.g. applications.csv"))
            continue
        target = SERIES[name]
        if raw.get(target) is not None and not replace:
            problems.append(Problem(file, path, f"{target} is also given inline", f"either series.{name} "
                                    f"or {target}, not both"))
            continue
        csv_path = Path(base_dir) / entry
        try:
            data = read_application_series(
                csv_path, str(csv_path), municipalities=_names(raw, "municipalities"),
                segments=_names(raw, "segments"), horizon=_horizon(raw),
            )
        except InputError as exc:
            problems += exc.problems
            continue
        note = f"read from {entry}"
        raw[target] = {
            "value": data,
            "source": source.get("source", entry),
            "kind": source.get("kind", "assumption"),
            "unit": source.get("unit", "applications per month"),
            "note": f"{source['note']}; {note}" if source.get("note") else note,
        }
    return problems


def check_series(scenario: Any) -> list[tuple[str, str, str]]:
    """Problems of a validated scenario's parsed series: unknown municipalities and segments."""
    problems: list[tuple[str, str, str]] = []
    if not scenario.application_series:
        return problems
    muns = [m.name for m in scenario.municipalities]
    segs = [s.name for s in scenario.segments]
    for mun, per_segment in scenario.application_series.items():
        if mun not in muns:
            problems.append((f"application_series.{mun}", f"unknown municipality '{mun}'",
                             "one of: " + ", ".join(muns)))
            continue
        for seg in per_segment:
            if seg not in segs:
                problems.append((f"application_series.{mun}.{seg}", f"unknown segment '{seg}'",
                                 "one of: " + ", ".join(segs)))
    return problems
