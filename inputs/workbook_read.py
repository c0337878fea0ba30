"""Reading a scenario workbook back into a raw scenario mapping (`import_workbook`).

`inputs.load.load_scenario("x.xlsx")` works wherever a YAML scenario does: the sheets and
columns follow `inputs.workbook_sheets`, numbers and yes/no are read as a planner types them
(`inputs.workbook_layout.CellReader`), and every problem names the workbook, the sheet, the row
as Excel numbers it and the column (``x.xlsx: hazards row 5.band: ...``). The mapping still
needs validating (`inputs.build.scenario_from_dict`).
"""

from __future__ import annotations

import datetime as _dt
import io
import itertools
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from sporen.common.errors import InputError, Problem, Problems
from sporen.inputs.schema import Accounts, Finance, Scenario
from sporen.inputs.sheet_rows import Row, as_tuple, sheet_rows
from sporen.inputs.textfile import MAX_BYTES, read_bytes
from sporen.inputs.types import bare_type, child_type, is_model, literal_values
from sporen.inputs.types import kind as field_kind
from sporen.inputs.workbook_layout import CellReader, is_mark_row, mark_changed
from sporen.inputs.workbook_sheets import (
    EMPTY_LIST,
    IN_LONG_SHEETS,
    INSTRUCTION_SHEETS,
    ITEM_MAPS,
    ITEM_SHEETS,
    NOT_ON_SCENARIO_SHEET,
    OTHER_SHEETS,
    PARTICIPATIEBUDGET,
    SHEET_ORDER,
    columns_of,
    item_model,
)


class _Missing:
    pass


MISSING = _Missing()


def _month_text(value: Any) -> Any:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return f"{value.year:04d}-{value.month:02d}"
    return value


def _from_cell(value: Any, tp: Any) -> Any:
    """A cell's value as the raw value of a field of type `tp`; MISSING for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return MISSING
    tp = bare_type(tp)
    if field_kind(tp) == "list":
        item = bare_type(get_args(tp)[0])
        if isinstance(value, str):
            text = value.strip()
            if text in (EMPTY_LIST, "[ ]"):
                return []
            text = text.strip("[]")
            sep = ";" if ";" in text and "," not in text else ","
            return [_scalar(part.strip(), item) for part in text.split(sep) if part.strip()]
        return [_scalar(value, item)]
    return _scalar(value, tp)


def _scalar(value: Any, tp: Any) -> Any:
    tp = bare_type(tp)
    if tp is str or literal_values(tp):
        if isinstance(value, (_dt.datetime, _dt.date)):
            return _month_text(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return value.strip() if isinstance(value, str) else str(value) if not isinstance(value, bool) else value
    if tp in (int, float) and isinstance(value, str):
        text = value.strip()
        try:
            return int(text) if tp is int and text.lstrip("-").isdigit() else float(text)
        except ValueError:
            return text  # pydantic names it
    return value


def _key(value: Any, tp: Any) -> Any:
    """A mapping key from a cell (years and rungs are whole numbers)."""
    key_tp = bare_type(get_args(bare_type(tp))[0]) if get_origin(bare_type(tp)) is dict else str
    if key_tp is int:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value.strip())
        return value
    return _scalar(value, str)


# -- import --------------------------------------------------------------------------------------
MAX_UNZIPPED = 500 * 2**20
"""A workbook's XML may unpack to at most 500 MB (a real scenario workbook is well below 1 MB)."""
MAX_SHEET_ROWS = 1_000_000
"""Rows holding a value, per sheet."""
STOP_AFTER = 1000
"""Problems after which reading a workbook stops (a hostile or wrong file is refused in time)."""
DAMAGED = (ElementTree.ParseError, zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError)
"""What openpyxl's XML and zip readers raise for a damaged file (read lazily, sheet by sheet)."""
NO_RESULT = ("open the workbook in Excel and save it (Excel stores each formula's result), "
             "or type the value instead of the formula")


class _Reader:
    """Collects problems while turning sheets into a raw scenario.

    `formulas` is the same workbook opened without cached results: a cell whose result is empty
    there holds a formula, and an empty result of a formula is refused (never read as "empty, so
    the default"), naming the sheet and cell. The source columns sporen writes beside values
    (formulas on the sources sheet, for display) are not read, so not checked either."""

    def __init__(self, file: str, formulas: Any = None):
        self.file = file
        self.formulas = formulas
        self.problems: Problems = Problems()
        self.cells = CellReader(self.problem)
        self.letters: dict[str, str] = {}

    def problem(self, where: str, message: str, allowed: str = "") -> None:
        """Note a problem; past `STOP_AFTER` the reading stops (the workbook is refused either way)."""
        self.problems.append(Problem(self.file, where, message, allowed))
        if len(self.problems) + self.problems.more > STOP_AFTER:
            raise InputError([*self.problems, Problem(self.file, "", f"reading stopped after {STOP_AFTER:,} "
                                                      "problems", "fix these first")])

    def table(self, ws: Any, sheet: str, required: tuple[str, ...] | None,
              allowed: list[str] | None = None, types: dict[str, Any] | None = None,
              fields: dict[str, Any] | None = None) -> list[tuple[int, dict[str, Any]]]:
        """(row number, {column: value}) for every non-empty data row of a sheet with a header row.

        The unit and explanation rows under the header are skipped, and so are the source columns
        beside values (formulas that show the sources sheet). Cells of columns with a number or
        yes/no type in `types` are read as a planner types them (`inputs.workbook_layout.CellReader`);
        a cell that cannot be read, a value in a column without a name and a formula without a
        saved result are problems naming the sheet and the cell."""
        if not hasattr(ws, "iter_rows"):
            self.problem(f"sheet {sheet}", "is a chart, not a table", "a worksheet")
            return []
        try:
            records, stored = self._records(ws, sheet, _Columns(required, allowed, types or {}, fields or {}))
            if stored and self.formulas is not None and ws.title in self.formulas.sheetnames:
                self._formulas_without_result(self.formulas[ws.title], sheet, stored)
        except DAMAGED as exc:   # nothing else of the workbook can be trusted
            raise InputError([Problem(self.file, f"sheet {sheet}", f"the sheet is damaged and cannot be read "
                                      f"({type(exc).__name__}: {str(exc)[:100]})",
                                      "a workbook saved by Excel or sporen convert")]) from None
        return records

    def _records(self, ws: Any, sheet: str, columns: _Columns) -> tuple[list[tuple[int, dict[str, Any]]],
                                                                       dict[int, Row]]:
        """The data rows as records, and every stored row (for the formula check); none past
        `MAX_SHEET_ROWS` rows."""
        rows = sheet_rows(ws)
        first = next(rows, None)
        if first is None:
            return [], {}
        header = self._header(sheet, first[1] if first[0] == 1 else {}, columns.required, columns.allowed)
        display = {h for h in header if h == "source" or h.endswith(".source")} if sheet != "sources" else set()
        self.letters = {name: get_column_letter(col) for col, name in enumerate(header, start=1) if name}
        stored: dict[int, Row] = {}
        out = []
        for number, values in itertools.chain([first], rows):
            stored[number] = values
            if len(stored) > MAX_SHEET_ROWS:
                self.problem(f"sheet {sheet}", f"more than {MAX_SHEET_ROWS:,} rows",
                             f"at most {MAX_SHEET_ROWS:,} rows per sheet")
                return [], {}
            if number == 1 or is_mark_row([values.get(1)]):
                continue
            record = self._record(sheet, number, values, header, display, columns)
            if record:
                out.append((number, record))
        return out, stored

    def _record(self, sheet: str, number: int, values: Row, header: list[str], display: set[str],
                columns: _Columns) -> dict[str, Any]:
        """One data row by column name, numbers and yes/no read as typed."""
        record = {}
        for col, value in values.items():
            name = header[col - 1] if col <= len(header) else ""
            if not name:
                self.problem(f"{sheet} cell {get_column_letter(col)}{number}", "a value in a column without a "
                             "name in row 1", "values only in the named columns")
            elif name not in display:
                record[name] = value if name not in columns.types else self.cells.value(
                    sheet, f"{self.letters[name]}{number}", name, value, columns.types[name], columns.fields.get(name))
        return record

    def _formulas_without_result(self, written: Any, sheet: str, rows: dict[int, Row]) -> None:
        """A problem for every formula cell (outside the source columns) whose saved result is empty."""
        shown = _display_columns(as_tuple(rows.get(1, {})), sheet)
        for number, formulas in sheet_rows(written):
            values = rows.get(number, {})
            for col, formula in formulas.items():
                if col not in shown and col not in values and isinstance(formula, str) and formula.startswith("="):
                    self.problem(f"{sheet} cell {get_column_letter(col)}{number}",
                                 f"a formula without a saved result ({formula[:60]})", NO_RESULT)

    def _header(self, sheet: str, first: Row, required: tuple[str, ...] | None,
                allowed: list[str] | None) -> list[str]:
        """The column names of row 1 (problems for unnamed, unknown, doubled and missing columns)."""
        header = [str(h).strip() if h is not None else "" for h in as_tuple(first)]
        display = {h for h in header if h == "source" or h.endswith(".source")} if sheet != "sources" else set()
        known = list(required or ()) + [a for a in (allowed or []) if a not in (required or ())]
        counts = Counter(header)
        for col, name in enumerate(header, start=1):
            if name in display:
                continue
            if not name:
                self.problem(f"{sheet} row 1", f"column {col} has no name", "a column name in the header row")
            elif known and name not in known:
                self.problem(f"{sheet} row 1.{name}", "unknown column (a typo?)", "columns: " + ", ".join(known))
            elif counts[name] > 1:
                self.problem(f"{sheet} row 1.{name}", "column appears twice", "each column once")
        for name in required or ():
            if name not in header:
                self.problem(f"{sheet} row 1.{name}", "missing column", "columns: " + ", ".join(known))
        return header


@dataclass(frozen=True)
class _Columns:
    """What a sheet's columns may be: required and allowed names, types and fields for reading cells."""

    required: tuple[str, ...] | None
    allowed: list[str] | None
    types: dict[str, Any]
    fields: dict[str, Any]


def _display_columns(header: tuple[Any, ...], sheet: str) -> set[int]:
    """Column numbers of the source columns sporen writes beside values for display ('source',
    '<field>.source'); the reader skips them (the sources sheet's own 'source' is data)."""
    if sheet == "sources":
        return set()
    return {col for col, name in enumerate(header, start=1)
            if isinstance(name, str) and (name.strip() == "source" or name.strip().endswith(".source"))}


def _set_nested(target: dict, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _scenario_sheet(reader: _Reader, ws: Any) -> dict:
    raw: dict = {}
    seen: dict[str, int] = {}
    for number, record in reader.table(ws, "scenario", ("key", "value"), ["unit", "about"]):
        where = f"scenario row {number}"
        key = str(record.get("key", "")).strip()
        if not key:
            reader.problem(f"{where}.key", "empty key", "a setting such as policy.priority")
            continue
        if key in seen:
            reader.problem(f"{where}.key", f"'{key}' is also given in row {seen[key]}", "each key once")
            continue
        seen[key] = number
        tp: Any = Scenario
        path: list[Any] = []
        for part in key.split("."):
            kind = field_kind(tp)
            if kind == "model":
                field = bare_type(tp).model_fields.get(part)
                if field is None or ".".join([*map(str, path), part]) in NOT_ON_SCENARIO_SHEET:
                    names = [n for n in bare_type(tp).model_fields
                             if ".".join([*map(str, path), n]) not in NOT_ON_SCENARIO_SHEET]
                    reader.problem(f"{where}.key", f"unknown key '{key}'",
                                   f"fields of {'.'.join(map(str, path)) or 'the scenario'}: " + ", ".join(names))
                    tp = None
                    break
                path.append(part)
                tp = field.annotation
            elif kind == "dict":
                path.append(_key(part, tp))
                tp = get_args(bare_type(tp))[1]
            else:
                reader.problem(f"{where}.key", f"'{key}' goes below a single value", "a key listed in the about column")
                tp = None
                break
        if tp is None or "value" not in record:
            continue
        if field_kind(tp) in ("model", "dict"):
            reader.problem(f"{where}.key", f"'{key}' is a section", f"its fields, e.g. {key}.<field>")
            continue
        cell_value = reader.cells.value("scenario", f"{reader.letters.get('value', 'B')}{number}", key,
                                        record["value"], tp)
        value = _from_cell(_month_text(cell_value) if key == "start" else cell_value, tp)
        if value is not MISSING:
            _set_nested(raw, tuple(path), value)
    return raw


def import_workbook(path: str | Path) -> dict:
    """Read a scenario workbook into a raw scenario mapping (validate it with `scenario_from_dict`).

    Raises `InputError` listing every problem of the workbook's layout (unknown sheets and
    columns, rows naming items that do not exist, formulas without a saved result, damaged
    sheets, ...); field values are checked later.
    """
    path = Path(path)
    file = str(path)
    shape = "an XLSX workbook written by sporen convert or Excel"
    if not path.exists():
        raise InputError([Problem(file, "", "file not found", "an existing XLSX workbook")])
    if path.is_dir():
        raise InputError([Problem(file, "", "is a folder", "an XLSX workbook")])
    data = read_bytes(path, shape, MAX_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise InputError([Problem(file, "", f"not a readable XLSX workbook ({type(exc).__name__})", shape)]) from None
    if unzipped > MAX_UNZIPPED:
        raise InputError([Problem(file, "", f"unpacks to {unzipped / 2**20:,.0f} MB", f"at most "
                                  f"{MAX_UNZIPPED // 2**20} MB unpacked; {shape}")])
    books = []
    try:
        for data_only in (True, False):
            books.append(load_workbook(io.BytesIO(data), read_only=True, data_only=data_only))
    except (InvalidFileException, KeyError, OSError, ValueError, TypeError, *DAMAGED) as exc:
        for book in books:
            book.close()
        raise InputError([Problem(file, "", f"not a readable XLSX workbook ({type(exc).__name__})", shape)]) from None
    try:
        return _import(books[0], file, books[1])
    finally:
        for book in books:
            book.close()


def _import(wb: Any, file: str, formulas: Any = None) -> dict:
    reader = _Reader(file, formulas)
    sheets = {name: wb[name] for name in wb.sheetnames}
    for instructions in INSTRUCTION_SHEETS:
        sheets.pop(instructions, None)
    for name in sheets:
        if name not in SHEET_ORDER:
            reader.problem(f"sheet {name}", "unknown sheet (a typo?)", "sheets: " + ", ".join(SHEET_ORDER))
    if "scenario" not in sheets:
        reader.problem("sheet scenario", "missing sheet", "a sheet 'scenario' with the columns key, value")
        raise InputError(reader.problems)
    raw = _scenario_sheet(reader, sheets["scenario"])

    items: dict[str, dict[str, dict]] = {}
    for sheet, owner in ITEM_SHEETS.items():
        model = item_model(sheet)
        columns = {".".join(p): p for p in columns_of(model, IN_LONG_SHEETS.get(sheet, set()))}
        items[sheet] = {}
        if sheet not in sheets:
            continue
        raw[sheet] = []
        types, fields = _column_types(model, columns)
        for number, record in reader.table(sheets[sheet], sheet, ("name",), list(columns), types, fields):
            new: dict = {}
            for column, value in record.items():
                if column not in columns:
                    continue
                field_path = columns[column]
                tp: Any = model
                for part in field_path:
                    tp = child_type(tp, part)
                converted = _from_cell(value, tp)
                if converted is not MISSING:
                    _set_nested(new, field_path, converted)
            name = new.get("name")
            if name is None:
                reader.problem(f"{sheet} row {number}.name", "empty", f"the {owner}'s name")
                continue
            if name in items[sheet]:
                reader.problem(f"{sheet} row {number}.name", f"{owner} '{name}' is given twice", "unique names")
                continue
            items[sheet][name] = new
            raw[sheet].append(new)

    def owner_item(sheet: str, number: int, record: dict, lst: str) -> dict | None:
        owner = ITEM_SHEETS[lst]
        name = _scalar(record.get(owner), str)
        if name not in items[lst]:
            known = ", ".join(items[lst]) or f"none on sheet {lst}"
            reader.problem(f"{sheet} row {number}.{owner}", f"unknown {owner} {name!r}", "one of: " + known)
            return None
        return items[lst][name]

    def required(sheet: str, number: int, record: dict, columns: tuple[str, ...]) -> bool:
        missing = [c for c in columns if c not in record]
        for column in missing:
            reader.problem(f"{sheet} row {number}.{column}", "empty", "a value")
        return not missing

    for sheet, (lst, field_path, key_col, value_col) in ITEM_MAPS.items():
        if sheet not in sheets:
            continue
        owner = ITEM_SHEETS[lst]
        tp = item_model(sheet=lst)
        for part in field_path:
            tp = child_type(tp, part)
        seen: dict[tuple, int] = {}
        key_tp, value_tp = get_args(bare_type(tp))
        for number, record in reader.table(sheets[sheet], sheet, (owner, key_col, value_col), None,
                                           {key_col: key_tp, value_col: value_tp}):
            if not required(sheet, number, record, (owner, key_col, value_col)):
                continue
            item = owner_item(sheet, number, record, lst)
            if item is None:
                continue
            key = _key(record[key_col], tp)
            if (item["name"], key) in seen:
                reader.problem(f"{sheet} row {number}.{key_col}", f"{key} is also given in row "
                               f"{seen[(item['name'], key)]}", f"one row per {owner} and {key_col}")
                continue
            seen[(item["name"], key)] = number
            mapping: dict = item
            for part in field_path:
                mapping = mapping.setdefault(part, {})
            mapping[key] = _scalar(record[value_col], get_args(bare_type(tp))[1])

    if "history" in sheets:
        money = Accounts.model_fields["budget"]
        for number, record in reader.table(sheets["history"], "history", OTHER_SHEETS["history"], None,
                                           {"year": int, "budget": money.annotation, "spending": money.annotation},
                                           {"budget": money, "spending": money}):
            if required("history", number, record, OTHER_SHEETS["history"]):
                item = owner_item("history", number, record, "municipalities")
                if item is not None:
                    item.setdefault("history", {})[_key(record["year"], dict[int, int])] = {
                        "budget": record["budget"], "spending": record["spending"]}

    if "hazards" in sheets:
        default_bands = Scenario.model_fields["duration_bands"].get_default(call_default_factory=True)
        bands = raw.get("duration_bands", default_bands)
        rates: dict[tuple[str, str], dict[int, Any]] = {}
        for number, record in reader.table(sheets["hazards"], "hazards", OTHER_SHEETS["hazards"], None,
                                           {"band": int, "rate": float}):
            if not required("hazards", number, record, OTHER_SHEETS["hazards"]):
                continue
            item = owner_item("hazards", number, record, "tracks")
            if item is None:
                continue
            band = _key(record["band"], dict[int, int])
            if not isinstance(bands, list) or band not in bands:
                reader.problem(f"hazards row {number}.band", f"{record['band']!r} is not a duration band",
                               f"the first month of a band in duration_bands: {bands}")
                continue
            cause = _scalar(record["cause"], str)
            per_band = rates.setdefault((item["name"], cause), {})
            if band in per_band:
                reader.problem(f"hazards row {number}.band", f"band {band} of {item['name']}/{cause} is given twice",
                               "one row per track, cause and band")
                continue
            per_band[band] = record["rate"]
            item.setdefault("hazards", {})[cause] = [per_band.get(b) for b in bands]
        for (track, cause), per_band in rates.items():
            missing = [b for b in bands if b not in per_band]
            if missing:
                reader.problem(f"hazards.{track}.{cause}", f"no rate for band(s) {missing}",
                               f"a row for every band in duration_bands {bands}")

    if "transitions" in sheets:
        for number, record in reader.table(sheets["transitions"], "transitions", ("track", "to", "rate_per_month"),
                                           list(OTHER_SHEETS["transitions"]),
                                           {"rate_per_month": float, "in_view_only": bool}):
            if required("transitions", number, record, ("track", "to", "rate_per_month")):
                item = owner_item("transitions", number, record, "tracks")
                if item is not None:
                    move = {"to": _scalar(record["to"], str), "rate_per_month": record["rate_per_month"]}
                    if "in_view_only" in record:
                        move["in_view_only"] = record["in_view_only"]
                    item.setdefault("transitions", []).append(move)

    if "initial_instruments" in sheets:
        for number, record in reader.table(sheets["initial_instruments"], "initial_instruments",
                                           ("municipality", "instrument", "clients"),
                                           list(OTHER_SHEETS["initial_instruments"])):
            if required("initial_instruments", number, record, ("municipality", "instrument", "clients")):
                item = owner_item("initial_instruments", number, record, "municipalities")
                if item is not None:
                    held = {"instrument": _scalar(record["instrument"], str), "clients": record["clients"]}
                    if "segment" in record:
                        held["segment"] = _scalar(record["segment"], str)
                    item.setdefault("initial_instruments", []).append(held)

    if "intensity_curve" in sheets:
        for number, record in reader.table(sheets["intensity_curve"], "intensity_curve",
                                           OTHER_SHEETS["intensity_curve"]):
            if required("intensity_curve", number, record, OTHER_SHEETS["intensity_curve"]):
                item = owner_item("intensity_curve", number, record, "tracks")
                if item is not None:
                    intensity = item.setdefault("intensity", {})
                    intensity.setdefault("curve", []).append(
                        {"caseload": record["caseload"], "multiplier": record["multiplier"]})

    if "finance" in sheets:
        finance = raw.setdefault("finance", {})
        seen_lines: dict[tuple, int] = {}
        amount = child_type(child_type(child_type(Finance, "other_lines"), "line"), 2018)
        for number, record in reader.table(sheets["finance"], "finance", OTHER_SHEETS["finance"], None,
                                           {"year": int, "amount": amount}):
            if not required("finance", number, record, OTHER_SHEETS["finance"]):
                continue
            line, year = _scalar(record["line"], str), _key(record["year"], dict[int, int])
            if (line, year) in seen_lines:
                reader.problem(f"finance row {number}.year", f"{line} {year} is also given in row "
                               f"{seen_lines[(line, year)]}", "one row per line and year")
                continue
            seen_lines[(line, year)] = number
            if line == PARTICIPATIEBUDGET:
                finance.setdefault(PARTICIPATIEBUDGET, {})[year] = record["amount"]
            else:
                finance.setdefault("other_lines", {}).setdefault(line, {})[year] = record["amount"]

    if "application_series" in sheets:
        series: dict = {}
        for number, record in reader.table(sheets["application_series"], "application_series",
                                           OTHER_SHEETS["application_series"], None, {"applications": float}):
            if not required("application_series", number, record, OTHER_SHEETS["application_series"]):
                continue
            mun, seg = _scalar(record["municipality"], str), _scalar(record["segment"], str)
            month = _scalar(_month_text(record["month"]), str)
            per_month = series.setdefault(mun, {}).setdefault(seg, {})
            if month in per_month:
                reader.problem(f"application_series row {number}.month", f"{mun}/{seg} {month} is given twice",
                               "one row per month, municipality and segment")
                continue
            per_month[month] = record["applications"]
        if series:
            raw["application_series"] = series

    if "uncertainty" in sheets:
        raw["uncertainty"] = [
            {"parameter": _scalar(r.get("parameter"), str), "low": r.get("low"), "high": r.get("high")}
            for number, r in reader.table(sheets["uncertainty"], "uncertainty", OTHER_SHEETS["uncertainty"], None,
                                          {"low": float, "high": float})
            if required("uncertainty", number, r, OTHER_SHEETS["uncertainty"])]

    originals: dict[str, Any] = {}
    if "sources" in sheets:
        sources: dict = {}
        for number, record in reader.table(sheets["sources"], "sources", ("path", "source"),
                                           [*OTHER_SHEETS["sources"], "value"]):
            if not required("sources", number, record, ("path", "source")):
                continue
            path = _scalar(record["path"], str)
            originals[path] = record.get("value")
            sources[path] = {k: _scalar(v, str) for k, v in record.items() if k not in ("path", "value")}
        raw["sources"] = sources

    if reader.problems:
        raise InputError(reader.problems)
    mark_changed(raw, originals)
    return raw


def _column_types(model: Any, columns: dict[str, tuple[str, ...]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The type and pydantic field of each column of an item sheet (for reading typed numbers)."""
    types, fields = {}, {}
    for column, path in columns.items():
        tp: Any = model
        field = None
        for part in path:
            owner = bare_type(tp)
            field = owner.model_fields.get(part) if is_model(owner) else None
            tp = child_type(tp, part)
        types[column], fields[column] = tp, field
    return types, fields
