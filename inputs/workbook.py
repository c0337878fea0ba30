"""A scenario as one XLSX workbook, for planners who work in Excel.

`export_workbook(scenario, path)` writes a validated scenario; `import_workbook(path)` reads a
workbook back into a raw scenario mapping, so `inputs.load.load_scenario("x.xlsx")` works
wherever a YAML scenario does. The layout (docs/scenario-format.md has the full list):

- ``scenario``: one row per setting, columns ``key``, ``value``, ``about``: name, description,
  start, years, duration_bands, gate.*, wage_cost_subsidy.*, finance.vangnet_rules, policy.*,
  returns.*, ladder.*, economy.*. A dotted key names a field inside a section.
- one sheet per list (``municipalities``, ``mergers``, ``segments``, ``tracks``, ``roles``,
  ``instruments``, ``measures``), one row per item, one column per scalar field (``effects.grant_multiplier``
  for a field inside a section of the item);
- long sheets (one row per value) for the mappings inside them: ``buig_budget``
  (municipality, year, budget), ``history`` (municipality, year, budget, spending),
  ``initial_stock`` (municipality, segment, clients), ``applications`` (municipality, segment,
  applications: the monthly level), ``ladder_at_entry`` (segment, rung, share),
  ``segment_hazards`` (segment, hazard, multiplier), ``hazards`` (track, cause, band, rate; band
  = the band's first month as in duration_bands), ``transitions`` (track, to, rate_per_month,
  in_view_only), ``merger_budget`` (merger, year, budget), ``benefit`` (municipality, segment,
  benefit), ``municipality_hazards`` (municipality, hazard, multiplier), ``initial_instruments``
  (municipality, instrument, segment, clients), ``intensity_curve`` (track, caseload,
  multiplier), ``measure_hazards`` (measure, hazard, multiplier), ``measure_fte`` (measure,
  role, fte), ``finance`` (line, year, amount; line ``participatiebudget`` or an other line),
  ``application_series`` (month, municipality, segment, applications), ``uncertainty``
  (parameter, low, high) and ``sources`` (path, source, kind, unit, note).

A list inside one cell (duration_bands, a track's ladder) is written ``0, 12, 36``; an empty
cell means "the default", ``[]`` an empty list. Problems name the workbook, the sheet, the row
as Excel numbers it and the column (``x.xlsx: hazards row 5.band: ...``).
"""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import Any, get_args, get_origin
from xml.etree import ElementTree

from openpyxl.utils import get_column_letter

from sporen.common.errors import InputError, Problem, Problems
from sporen.common.files import reproducible_zip, write_text, write_with
from sporen.inputs.load import bare_type, child_type, is_model, literal_values, scenario_from_dict
from sporen.inputs.schema import Scenario

ITEM_SHEETS = {
    "municipalities": "municipality",
    "mergers": "merger",
    "segments": "segment",
    "tracks": "track",
    "roles": "role",
    "instruments": "instrument",
    "measures": "measure",
}
"""List sheets: sheet (= Scenario field) -> the column name other sheets use to refer to an item."""

# Long sheets for a mapping inside each item: sheet -> (list, field path in the item, key column, value column)
ITEM_MAPS: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "buig_budget": ("municipalities", ("buig_budget",), "year", "budget"),
    "merger_budget": ("mergers", ("buig_budget",), "year", "budget"),
    "benefit": ("municipalities", ("benefit_per_month",), "segment", "benefit"),
    "municipality_hazards": ("municipalities", ("hazard_multipliers",), "hazard", "multiplier"),
    "initial_stock": ("municipalities", ("initial_stock",), "segment", "clients"),
    "applications": ("municipalities", ("applications_per_month",), "segment", "applications"),
    "ladder_at_entry": ("segments", ("ladder_at_entry",), "rung", "share"),
    "segment_hazards": ("segments", ("hazard_multipliers",), "hazard", "multiplier"),
    "measure_hazards": ("measures", ("effects", "hazard_multipliers"), "hazard", "multiplier"),
    "measure_fte": ("measures", ("effects", "extra_fte"), "role", "fte"),
}
# Other long sheets, with their columns
OTHER_SHEETS: dict[str, tuple[str, ...]] = {
    "history": ("municipality", "year", "budget", "spending"),
    "initial_instruments": ("municipality", "instrument", "segment", "clients"),
    "intensity_curve": ("track", "caseload", "multiplier"),
    "hazards": ("track", "cause", "band", "rate"),
    "transitions": ("track", "to", "rate_per_month", "in_view_only"),
    "finance": ("line", "year", "amount"),
    "application_series": ("month", "municipality", "segment", "applications"),
    "uncertainty": ("parameter", "low", "high"),
    "sources": ("path", "source", "kind", "unit", "note"),
}
# Fields held by a long sheet rather than a column: list -> field paths in the item
IN_LONG_SHEETS = {
    "municipalities": {("buig_budget",), ("initial_stock",), ("applications_per_month",), ("history",),
                       ("benefit_per_month",), ("hazard_multipliers",), ("initial_instruments",)},
    "mergers": {("buig_budget",)},
    "segments": {("ladder_at_entry",), ("hazard_multipliers",)},
    "tracks": {("hazards",), ("transitions",), ("intensity", "curve")},
    "measures": {("effects", "hazard_multipliers"), ("effects", "extra_fte")},
}
# Scenario fields not on the `scenario` sheet (their own sheets, or consumed by the loader)
NOT_ON_SCENARIO_SHEET = {
    *ITEM_SHEETS, "uncertainty", "sources", "application_series", "series",
    "finance.participatiebudget", "finance.other_lines",
}
SHEET_ORDER = ("scenario", *ITEM_SHEETS, "buig_budget", "merger_budget", "history", "initial_stock", "applications",
               "benefit", "municipality_hazards", "initial_instruments", "ladder_at_entry", "segment_hazards",
               "hazards", "transitions", "intensity_curve", "measure_hazards", "measure_fte", "finance",
               "application_series", "uncertainty", "sources")
PARTICIPATIEBUDGET = "participatiebudget"
EMPTY_LIST = "[]"
ABOUT = {  # the `about` column of the scenario sheet where the schema gives no description
    "name": "the scenario's name",
    "description": "free text",
    "years": "whole years simulated from the start month",
    "gate.intakes_per_fte_per_month": "intakes one fte of the intake role does per month",
    "gate.decisions": "share of applications with this decision; the five sum to 1",
    "wage_cost_subsidy.flat_share": "share of the minimum wage paid while the wage value is not yet assessed",
    "wage_cost_subsidy.flat_months": "months of the flat share",
    "wage_cost_subsidy.wage_value": "average wage value, as a share of the minimum wage",
    "wage_cost_subsidy.max_share": "the subsidy is at most this share of the minimum wage",
    "policy.priority": "who gets a free caseworker slot first: fifo, kansrijk_first or longest_waiting",
    "policy.benefit_pause_months": "a client back within this many months skips the gate",
    "policy.everyone_in_view": "every client must have a caseworker",
    "returns.share_back": "share of work exits that come back on benefit",
    "returns.within_months": "... within this many months",
    "ladder.work_multiplier": "multiplier on the work hazard at this participation-ladder rung",
    "ladder.kansrijk_from_rung": "from this rung a client counts as kansrijk (good prospects)",
    "economy.application_multiplier": "multiplier on every application rate (upswing < 1 < downturn)",
    "economy.work_hazard_multiplier": "multiplier on every work hazard",
}


# -- schema helpers ------------------------------------------------------------------------------
def _kind(tp: Any) -> str:
    tp = bare_type(tp)
    if is_model(tp):
        return "model"
    origin = get_origin(tp)
    if origin is dict:
        return "dict"
    if origin is list:
        return "models" if is_model(bare_type(get_args(tp)[0])) else "list"
    return "scalar"


class LayoutError(RuntimeError):
    """A schema field the workbook layout has no place for: a programming error, not bad input."""


def _columns(model: Any, skip: set[tuple[str, ...]], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Field paths of an item model that get a column; mappings must be held by a long sheet."""
    out: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        path = (*prefix, name)
        kind = _kind(field.annotation)
        if path in skip:
            continue
        if kind == "model":
            out += _columns(bare_type(field.annotation), skip, path)
        elif kind in ("dict", "models"):
            raise LayoutError(f"{model.__name__}.{'.'.join(path)} has no place in the workbook layout")
        else:
            out.append(path)
    return out


def _item_model(sheet: str) -> Any:
    return bare_type(child_type(child_type(Scenario, sheet), 0))


def _description(model: Any, path: tuple[str, ...]) -> str:
    for part in path[:-1]:
        model = bare_type(model.model_fields[part].annotation)
        if not is_model(model):
            return ""
    field = model.model_fields.get(path[-1]) if is_model(model) else None
    return (field.description or "") if field is not None else ""


# -- cells ---------------------------------------------------------------------------------------
def _fmt_item(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _to_cell(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(_fmt_item(v) for v in value) if value else EMPTY_LIST
    return value


def _put(ws: Any, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row=row, column=col, value=_to_cell(value))
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, not a formula
    elif isinstance(value, float) and float(f"{value:.16g}") != value:
        cell._value = repr(value)  # openpyxl writes 16 digits; keep the exact float


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
    if _kind(tp) == "list":
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


# -- export --------------------------------------------------------------------------------------
def _flatten(model: Any, data: Any, prefix: str = "") -> list[tuple[str, Any, str]]:
    """(dotted key, value, about) rows of the scenario sheet."""
    rows: list[tuple[str, Any, str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        if key in NOT_ON_SCENARIO_SHEET:
            continue
        value = data.get(name) if isinstance(data, dict) else None
        kind = _kind(field.annotation)
        about = field.description or ABOUT.get(key) or ABOUT.get(prefix.rstrip(".")) or ""
        if kind == "model":
            rows += _flatten(bare_type(field.annotation), value, f"{key}.")
        elif kind == "dict":
            if not value:
                rows.append((key, None, about))
            for sub, v in (value or {}).items():
                rows.append((f"{key}.{sub}", v, about))
        elif kind == "models":
            raise LayoutError(f"Scenario.{key} has no place in the workbook layout")
        else:
            rows.append((key, value, about))
    return rows


def _sheet(wb: Any, title: str, header: list[str], rows: list[list[Any]], notes: dict[str, str] | None = None) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for col, name in enumerate(header, start=1):
        cell = ws.cell(row=1, column=col, value=name)
        cell.font = Font(bold=True)
        if notes and notes.get(name):
            cell.comment = Comment(notes[name], "sporen")
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            _put(ws, r, col, value)
    ws.freeze_panes = "A2"
    for col, name in enumerate(header, start=1):
        width = max([len(name)] + [len(str(_to_cell(v[col - 1]))) for v in rows[:200] if v[col - 1] is not None])
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)


def export_workbook(scenario: Scenario | dict, path: str | Path) -> None:
    """Write a scenario (a Scenario, or a raw mapping that is validated first) as an XLSX workbook.

    The file is written to a temporary file next to `path` and then moved into place.
    """
    from openpyxl import Workbook

    target = Path(path)
    if not isinstance(scenario, Scenario):
        scenario = scenario_from_dict(scenario)
    data = scenario.model_dump(mode="python")
    wb = Workbook()
    wb.remove(wb.active)

    _sheet(wb, "scenario", ["key", "value", "about"], [list(r) for r in _flatten(Scenario, data)])

    for sheet in ITEM_SHEETS:
        model = _item_model(sheet)
        columns = _columns(model, IN_LONG_SHEETS.get(sheet, set()))
        rows = []
        for item in data[sheet]:
            row = []
            for column in columns:
                value: Any = item
                for part in column:
                    value = value.get(part) if isinstance(value, dict) else None
                row.append(value)
            rows.append(row)
        header = [".".join(p) for p in columns]
        _sheet(wb, sheet, header, rows, {".".join(p): _description(model, p) for p in columns})

    for sheet, (lst, field_path, key_col, value_col) in ITEM_MAPS.items():
        rows = []
        for item in data[lst]:
            mapping: Any = item
            for part in field_path:
                mapping = mapping.get(part) if isinstance(mapping, dict) else None
            for key, value in (mapping or {}).items():
                rows.append([item["name"], key, value])
        _sheet(wb, sheet, [ITEM_SHEETS[lst], key_col, value_col], rows)

    bands = data["duration_bands"]
    _sheet(wb, "history", list(OTHER_SHEETS["history"]), [
        [m["name"], year, acc["budget"], acc["spending"]]
        for m in data["municipalities"] for year, acc in m["history"].items()])
    _sheet(wb, "hazards", list(OTHER_SHEETS["hazards"]), [
        [t["name"], cause, bands[i] if i < len(bands) else i, rate]
        for t in data["tracks"] for cause, rates in t["hazards"].items() for i, rate in enumerate(rates)],
        {"band": "the duration band's first month, as in duration_bands", "rate": "hazard per month"})
    _sheet(wb, "transitions", list(OTHER_SHEETS["transitions"]), [
        [t["name"], tr["to"], tr["rate_per_month"], tr["in_view_only"]]
        for t in data["tracks"] for tr in t["transitions"]])
    _sheet(wb, "initial_instruments", list(OTHER_SHEETS["initial_instruments"]), [
        [m["name"], held["instrument"], held["segment"], held["clients"]]
        for m in data["municipalities"] for held in m["initial_instruments"]],
        {"segment": "empty (trajectories only): any client of the initial stock",
         "clients": "clients in the instrument at the start"})
    _sheet(wb, "intensity_curve", list(OTHER_SHEETS["intensity_curve"]), [
        [t["name"], point["caseload"], point["multiplier"]]
        for t in data["tracks"] for point in ((t.get("intensity") or {}).get("curve") or [])],
        {"caseload": "clients in view per caseworker fte", "multiplier": "served work multiplier there"})
    finance = data["finance"]
    _sheet(wb, "finance", list(OTHER_SHEETS["finance"]), [
        [PARTICIPATIEBUDGET, year, amount] for year, amount in finance["participatiebudget"].items()] + [
        [line, year, amount] for line, per_year in finance["other_lines"].items()
        for year, amount in per_year.items()],
        {"line": f"'{PARTICIPATIEBUDGET}' or another line of the exploitatie (e.g. wsw_shortfall)",
         "amount": "whole euros"})
    _sheet(wb, "application_series", list(OTHER_SHEETS["application_series"]), [
        [month, mun, seg, value]
        for mun, per_seg in (data["application_series"] or {}).items()
        for seg, per_month in per_seg.items() for month, value in per_month.items()],
        {"month": "YYYY-MM, typed as text", "applications": "mean applications that month"})
    _sheet(wb, "uncertainty", list(OTHER_SHEETS["uncertainty"]), [
        [u["parameter"], u["low"], u["high"]] for u in data["uncertainty"]])
    _sheet(wb, "sources", list(OTHER_SHEETS["sources"]), [
        [p, s["source"], s["kind"], s["unit"], s["note"]] for p, s in data["sources"].items()])

    for index, name in enumerate(SHEET_ORDER):
        wb.move_sheet(name, index - wb.sheetnames.index(name))
    wb.properties.creator = "sporen"   # how `sporen convert` knows a workbook it may overwrite

    def save(tmp: Path) -> None:
        wb.save(tmp)
        reproducible_zip(tmp)

    write_with(target, save)


# -- import --------------------------------------------------------------------------------------
MAX_UNZIPPED = 500 * 2**20
"""A workbook's XML may unpack to at most 500 MB (a real scenario workbook is well below 1 MB)."""
MAX_SHEET_ROWS = 1_000_000
DAMAGED = (ElementTree.ParseError, zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError)
"""What openpyxl's XML and zip readers raise for a damaged file (read lazily, sheet by sheet)."""
NO_RESULT = ("open the workbook in Excel and save it (Excel stores each formula's result), "
             "or type the value instead of the formula")


class _Reader:
    """Collects problems while turning sheets into a raw scenario.

    `formulas` is the same workbook opened without cached results: a cell whose result is empty
    there holds a formula, and an empty result of a formula is refused (never read as "empty, so
    the default"), naming the sheet and cell."""

    def __init__(self, file: str, formulas: Any = None):
        self.file = file
        self.formulas = formulas
        self.problems: Problems = Problems()

    def problem(self, where: str, message: str, allowed: str = "") -> None:
        self.problems.append(Problem(self.file, where, message, allowed))

    def _rows(self, ws: Any, sheet: str) -> list[tuple[Any, ...]]:
        """The sheet's rows (values as Excel last saved them); problems for damage and formulas."""
        if not hasattr(ws, "iter_rows"):
            self.problem(f"sheet {sheet}", "is a chart, not a table", "a worksheet")
            return []
        rows: list[tuple[Any, ...]] = []
        try:
            ws.reset_dimensions()   # the stored size may claim a million rows and columns
            for row in ws.iter_rows(values_only=True):
                rows.append(row)
                if len(rows) > MAX_SHEET_ROWS:
                    self.problem(f"sheet {sheet}", f"more than {MAX_SHEET_ROWS:,} rows",
                                 f"at most {MAX_SHEET_ROWS:,} rows per sheet")
                    return []
            if self.formulas is not None and ws.title in self.formulas.sheetnames:
                source = self.formulas[ws.title]
                source.reset_dimensions()
                written_rows = source.iter_rows(values_only=True)
                for number, (values, written) in enumerate(zip(rows, written_rows, strict=False), start=1):
                    for col, (value, formula) in enumerate(zip(values, written, strict=False), start=1):
                        if value is None and isinstance(formula, str) and formula.startswith("="):
                            self.problem(f"{sheet} cell {get_column_letter(col)}{number}",
                                         f"a formula without a saved result ({formula[:60]})", NO_RESULT)
        except DAMAGED as exc:   # nothing else of the workbook can be trusted
            raise InputError([Problem(self.file, f"sheet {sheet}", f"the sheet is damaged and cannot be read "
                                      f"({type(exc).__name__}: {str(exc)[:100]})",
                                      "a workbook saved by Excel or sporen convert")]) from None
        return rows

    def table(self, ws: Any, sheet: str, required: tuple[str, ...] | None,
              allowed: list[str] | None = None) -> list[tuple[int, dict[str, Any]]]:
        """(row number, {column: value}) for every non-empty row of a sheet with a header row."""
        rows = self._rows(ws, sheet)
        if not rows:
            return []
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        while header and not header[-1]:
            header.pop()
        known = list(required or ()) + [a for a in (allowed or []) if a not in (required or ())]
        counts = Counter(header)
        for col, name in enumerate(header, start=1):
            if not name:
                self.problem(f"{sheet} row 1", f"column {col} has no name", "a column name in the header row")
            elif known and name not in known:
                self.problem(f"{sheet} row 1.{name}", "unknown column (a typo?)", "columns: " + ", ".join(known))
            elif counts[name] > 1:
                self.problem(f"{sheet} row 1.{name}", "column appears twice", "each column once")
        for name in required or ():
            if name not in header:
                self.problem(f"{sheet} row 1.{name}", "missing column", "columns: " + ", ".join(known))
        out = []
        for number, values in enumerate(rows[1:], start=2):
            record = {name: value for name, value in zip(header, values, strict=False)
                      if name and not (value is None or (isinstance(value, str) and not value.strip()))}
            if record:
                out.append((number, record))
        return out


def _set_nested(target: dict, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _scenario_sheet(reader: _Reader, ws: Any) -> dict:
    raw: dict = {}
    seen: dict[str, int] = {}
    for number, record in reader.table(ws, "scenario", ("key", "value"), ["about"]):
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
            kind = _kind(tp)
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
        if _kind(tp) in ("model", "dict"):
            reader.problem(f"{where}.key", f"'{key}' is a section", f"its fields, e.g. {key}.<field>")
            continue
        value = _from_cell(_month_text(record["value"]) if key == "start" else record["value"], tp)
        if value is not MISSING:
            _set_nested(raw, tuple(path), value)
    return raw


def import_workbook(path: str | Path) -> dict:
    """Read a scenario workbook into a raw scenario mapping (validate it with `scenario_from_dict`).

    Raises `InputError` listing every problem of the workbook's layout (unknown sheets and
    columns, rows naming items that do not exist, formulas without a saved result, damaged
    sheets, ...); field values are checked later.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from sporen.inputs.textfile import MAX_BYTES, read_bytes

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
    for name in sheets:
        if name not in SHEET_ORDER:
            reader.problem(f"sheet {name}", "unknown sheet (a typo?)", "sheets: " + ", ".join(SHEET_ORDER))
    if "scenario" not in sheets:
        reader.problem("sheet scenario", "missing sheet", "a sheet 'scenario' with the columns key, value")
        raise InputError(reader.problems)
    raw = _scenario_sheet(reader, sheets["scenario"])

    items: dict[str, dict[str, dict]] = {}
    for sheet, owner in ITEM_SHEETS.items():
        model = _item_model(sheet)
        columns = {".".join(p): p for p in _columns(model, IN_LONG_SHEETS.get(sheet, set()))}
        items[sheet] = {}
        if sheet not in sheets:
            continue
        raw[sheet] = []
        for number, record in reader.table(sheets[sheet], sheet, ("name",), list(columns)):
            item: dict = {}
            for column, value in record.items():
                if column not in columns:
                    continue
                field_path = columns[column]
                tp: Any = model
                for part in field_path:
                    tp = child_type(tp, part)
                converted = _from_cell(value, tp)
                if converted is not MISSING:
                    _set_nested(item, field_path, converted)
            name = item.get("name")
            if name is None:
                reader.problem(f"{sheet} row {number}.name", "empty", f"the {owner}'s name")
                continue
            if name in items[sheet]:
                reader.problem(f"{sheet} row {number}.name", f"{owner} '{name}' is given twice", "unique names")
                continue
            items[sheet][name] = item
            raw[sheet].append(item)

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
        tp: Any = _item_model(sheet=lst)
        for part in field_path:
            tp = child_type(tp, part)
        seen: dict[tuple, int] = {}
        for number, record in reader.table(sheets[sheet], sheet, (owner, key_col, value_col)):
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
        for number, record in reader.table(sheets["history"], "history", OTHER_SHEETS["history"]):
            if required("history", number, record, OTHER_SHEETS["history"]):
                item = owner_item("history", number, record, "municipalities")
                if item is not None:
                    item.setdefault("history", {})[_key(record["year"], dict[int, int])] = {
                        "budget": record["budget"], "spending": record["spending"]}

    if "hazards" in sheets:
        default_bands = Scenario.model_fields["duration_bands"].get_default(call_default_factory=True)
        bands = raw.get("duration_bands", default_bands)
        rates: dict[tuple[str, str], dict[int, Any]] = {}
        for number, record in reader.table(sheets["hazards"], "hazards", OTHER_SHEETS["hazards"]):
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
                                           list(OTHER_SHEETS["transitions"])):
            if required("transitions", number, record, ("track", "to", "rate_per_month")):
                item = owner_item("transitions", number, record, "tracks")
                if item is not None:
                    move = {"to": _scalar(record["to"], str), "rate_per_month": record["rate_per_month"]}
                    if "in_view_only" in record:
                        move["in_view_only"] = record["in_view_only"]
                    item.setdefault("transitions", []).append(move)

    if "initial_instruments" in sheets:
        columns = OTHER_SHEETS["initial_instruments"]
        for number, record in reader.table(sheets["initial_instruments"], "initial_instruments",
                                           ("municipality", "instrument", "clients"), list(columns)):
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
        for number, record in reader.table(sheets["finance"], "finance", OTHER_SHEETS["finance"]):
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
                                           OTHER_SHEETS["application_series"]):
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
            for number, r in reader.table(sheets["uncertainty"], "uncertainty", OTHER_SHEETS["uncertainty"])
            if required("uncertainty", number, r, OTHER_SHEETS["uncertainty"])]

    if "sources" in sheets:
        sources: dict = {}
        for number, record in reader.table(sheets["sources"], "sources", ("path", "source"),
                                           list(OTHER_SHEETS["sources"])):
            if not required("sources", number, record, ("path", "source")):
                continue
            sources[_scalar(record["path"], str)] = {k: _scalar(v, str) for k, v in record.items() if k != "path"}
        raw["sources"] = sources

    if reader.problems:
        raise InputError(reader.problems)
    return raw


# -- conversion ----------------------------------------------------------------------------------
YAML_SUFFIXES = (".yaml", ".yml")


def write_scenario_yaml(scenario: Scenario, path: str | Path, comment: str = "") -> None:
    """Write a validated scenario as YAML (every field, sources in ``sources``), atomically."""
    import yaml

    target = Path(path)
    data = scenario.model_dump(mode="python", exclude_none=True)
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    text = head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    write_text(target, text)


def convert_scenario(src: str | Path, dest: str | Path) -> Scenario:
    """Convert a scenario between YAML and XLSX by the files' extensions (a variant is written patched).

    Raises `InputError` for an unknown extension, a missing destination folder or a bad source.
    """
    from sporen.inputs.load import load_scenario

    src, dest = Path(src), Path(dest)
    problems = []
    for path in (src, dest):
        if path.suffix.lower() not in (*YAML_SUFFIXES, ".xlsx"):
            problems.append(Problem(str(path), "", f"unknown file type '{path.suffix}'", ".yaml, .yml or .xlsx"))
    if not dest.parent.is_dir():
        problems.append(Problem(str(dest), "", "the folder does not exist", "an existing folder"))
    elif dest.is_dir():
        problems.append(Problem(str(dest), "", "is a folder", "a file name"))
    if problems:
        raise InputError(problems)
    scenario = load_scenario(src)
    try:
        if dest.suffix.lower() == ".xlsx":
            export_workbook(scenario, dest)
        else:
            write_scenario_yaml(scenario, dest, f"Scenario '{scenario.name}', converted from {src.name} by "
                                "`sporen convert`.\nFormat: docs/scenario-format.md")
    except OSError as exc:
        raise InputError([Problem(str(dest), "", f"cannot write: {exc.strerror or exc}", "a writable file")]) from None
    return scenario
