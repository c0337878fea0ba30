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
from typing import Any, get_args
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from sporen.common.errors import InputError, Problem, Problems
from sporen.inputs.schema import Scenario
from sporen.inputs.sheet_rows import Row, as_tuple, sheet_rows
from sporen.inputs.textfile import MAX_BYTES, read_bytes
from sporen.inputs.types import bare_type, field_at, field_type, item_types, literal_values
from sporen.inputs.types import kind as field_kind
from sporen.inputs.workbook_layout import CellReader, is_mark_row, mark_changed
from sporen.inputs.workbook_sheets import (
    EMPTY_LIST,
    INSTRUCTION_SHEETS,
    ITEM_SHEETS,
    NOT_ON_SCENARIO_SHEET,
    SHEET_ORDER,
    TABLE_SHEETS,
    Placement,
    code_of,
    columns_of,
    item_model,
    title,
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
        code, sheet = sheet, str(getattr(ws, "title", sheet))
        if not hasattr(ws, "iter_rows"):
            self.problem(f"sheet {sheet}", "is a chart, not a table", "a worksheet")
            return []
        try:
            records, stored = self._records(ws, sheet, _Columns(code, required, allowed, types or {}, fields or {}))
            if stored and self.formulas is not None and ws.title in self.formulas.sheetnames:
                self._formulas_without_result(self.formulas[ws.title], sheet, code, stored)
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
        header = self._header(sheet, first[1] if first[0] == 1 else {}, columns)
        display = {h for h in header if h == "source" or h.endswith(".source")} if columns.code != "sources" else set()
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

    def _formulas_without_result(self, written: Any, sheet: str, code: str, rows: dict[int, Row]) -> None:
        """A problem for every formula cell (outside the source columns) whose saved result is empty."""
        shown = _display_columns(as_tuple(rows.get(1, {})), code)
        for number, formulas in sheet_rows(written):
            values = rows.get(number, {})
            for col, formula in formulas.items():
                if col not in shown and col not in values and isinstance(formula, str) and formula.startswith("="):
                    self.problem(f"{sheet} cell {get_column_letter(col)}{number}",
                                 f"a formula without a saved result ({formula[:60]})", NO_RESULT)

    def _header(self, sheet: str, first: Row, columns: _Columns) -> list[str]:
        """The column names of row 1 (problems for unnamed, unknown, doubled and missing columns)."""
        required, allowed = columns.required, columns.allowed
        header = [str(h).strip() if h is not None else "" for h in as_tuple(first)]
        display = {h for h in header if h == "source" or h.endswith(".source")} if columns.code != "sources" else set()
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

    code: str
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
                tp = field_type(field)
            elif kind == "dict":
                key_tp, tp = item_types(tp)
                path.append(_key_value(part, key_tp))
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
    sheets = _sheets_by_code(reader, wb)
    if "scenario" not in sheets:
        reader.problem("sheet scenario", "missing sheet", "a sheet 'scenario' with the columns key, value")
        raise InputError(reader.problems)
    raw = _scenario_sheet(reader, sheets["scenario"])
    items = {sheet: _read_items(reader, sheets, sheet, raw) for sheet in ITEM_SHEETS}
    originals: dict[str, Any] = {}
    for code, placements in TABLE_SHEETS.items():
        if code in sheets:
            records = _Table(reader, items, raw, _bands(raw)).read(sheets[code], code, placements)
            if code == "sources":
                originals = {str(_scalar(r.get("path"), str)): r.get("value") for _, r, _ in records if "path" in r}
    if reader.problems:
        raise InputError(reader.problems)
    mark_changed(raw, originals)
    return raw


def _sheets_by_code(reader: _Reader, wb: Any) -> dict[str, Any]:
    """The workbook's sheets by code, named in Dutch, English or by code; problems for unknown
    sheets and for a sheet given under two names."""
    sheets: dict[str, Any] = {}
    for name in wb.sheetnames:
        if name.strip().casefold() in INSTRUCTION_SHEETS:
            continue
        code = code_of(name)
        if code is None:
            reader.problem(f"sheet {name}", "unknown sheet (a typo?)", "sheets: " + ", ".join(
                title(c, "nl") for c in SHEET_ORDER) + " (or their English names: " + ", ".join(SHEET_ORDER) + ")")
        elif code in sheets:
            reader.problem(f"sheet {name}", f"the same sheet as '{sheets[code].title}'", "each sheet once")
        else:
            sheets[code] = wb[name]
    return sheets


def _column_types(model: Any, columns: dict[str, tuple[str, ...]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The type and pydantic field of each column of an item sheet (for reading typed numbers)."""
    types, fields = {}, {}
    for column, path in columns.items():
        _, fields[column] = field_at(model, path)
        types[column] = field_type(fields[column])
    return types, fields


def _read_items(reader: _Reader, sheets: dict[str, Any], sheet: str, raw: dict) -> dict[str, dict]:
    """The items of an item sheet (into `raw`), by name; problems for a row without a name or a
    name given twice."""
    items: dict[str, dict] = {}
    if sheet not in sheets:
        return items
    model, owner = item_model(sheet), ITEM_SHEETS[sheet]
    columns = {".".join(p): p for p in columns_of(model)}
    types, fields = _column_types(model, columns)
    raw[sheet] = []
    for number, record in reader.table(sheets[sheet], sheet, ("name",), list(columns), types, fields):
        new: dict = {}
        for column, value in record.items():
            converted = _from_cell(value, types[column]) if column in columns else MISSING
            if converted is not MISSING:
                _set_nested(new, columns[column], converted)
        where = f"{sheets[sheet].title} row {number}.name"
        name = new.get("name")
        if name is None:
            reader.problem(where, "empty", f"the {owner}'s name")
        elif name in items:
            reader.problem(where, f"{owner} '{name}' is given twice", "unique names")
        else:
            items[name] = new
            raw[sheet].append(new)
    return items


def _bands(raw: dict) -> Any:
    default = Scenario.model_fields["duration_bands"].get_default(call_default_factory=True)
    return raw.get("duration_bands", default)


def _key_value(value: Any, key_tp: Any) -> Any:
    """A mapping key from a cell (years and rungs are whole numbers)."""
    if bare_type(key_tp) is int:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value.strip())
        return value
    return _scalar(_month_text(value), str)


class _Table:
    """Reads a table sheet (`inputs.workbook_sheets.Placement`) into the raw scenario: each row's
    value set under its item's field at its keys; problems for empty cells, unknown items, a key
    given twice, a band that is not a duration band and a band without a row."""

    def __init__(self, reader: _Reader, items: dict[str, dict[str, dict]], raw: dict, bands: Any):
        self.reader, self.items, self.raw, self.bands = reader, items, raw, bands
        self.seen: dict[tuple, int] = {}
        self.per_band: dict[tuple, tuple[dict, dict[int, Any]]] = {}

    def read(self, ws: Any, code: str, placements: list[Placement]) -> list[tuple[int, dict, Placement]]:
        """(row number, record, placement) of every row read."""
        types: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        for p in placements:
            p_types, p_fields = p.types()
            types.update(p_types)
            fields.update(p_fields)
        required = tuple(dict.fromkeys(c for p in placements for c in p.required()))
        allowed = list(dict.fromkeys([*placements[0].columns(), *(["value"] if code == "sources" else [])]))
        done = []
        for number, record in self.reader.table(ws, code, required, allowed, types, fields):
            p = _placement_for(placements, record)
            missing = [c for c in p.required() if c not in record]
            for column in missing:
                self.reader.problem(f"{ws.title} row {number}.{column}", "empty", "a value")
            holder = self._holder(ws.title, number, record, p) if not missing else None
            if holder is not None:
                self._put(ws.title, number, record, p, holder)
                done.append((number, record, p))
        self._bands_to_lists()
        return done

    def _holder(self, sheet: str, number: int, record: dict, p: Placement) -> dict | None:
        """The raw item (or the scenario) that holds the row's value."""
        if p.owner is None:
            return self.raw
        owner = ITEM_SHEETS[p.owner]
        name = _scalar(record.get(owner), str)
        items = self.items.get(p.owner, {})
        if name not in items:
            known = ", ".join(items) or f"none on sheet {p.owner}"
            self.reader.problem(f"{sheet} row {number}.{owner}", f"unknown {owner} {name!r}", "one of: " + known)
            return None
        return items[name]

    def _put(self, sheet: str, number: int, record: dict, p: Placement, holder: dict) -> None:
        levels = p.levels()
        keys = [_key_value(record[column], key_tp) for column, key_tp, _ in levels]
        if p.mark.bands and not self._band_ok(sheet, number, record, keys):
            return
        seen = (p.sheet, id(holder), p.path, *keys)
        if levels and seen in self.seen:
            shown = " ".join(str(k) for k in ([p.mark.fixed[1]] if p.mark.fixed else []) + keys)
            owner = [p.owner_column] if p.owner_column else []
            self.reader.problem(f"{sheet} row {number}.{levels[-1][0]}", f"{shown} is also given in row "
                                f"{self.seen[seen]}", f"one row per {' and '.join([*owner, *p.mark.keys])}")
            return
        self.seen[seen] = number
        value = self._leaf(record, p)
        container = _container(holder, p.path, bool(levels) or p.row_model() is None)
        if p.mark.bands:
            self.per_band.setdefault((id(holder), p.path, *keys[:-1]), (holder, {}))[1][keys[-1]] = value
        elif not levels:
            container.append(value)
        else:
            for key in keys[:-1]:
                container = container.setdefault(key, {})
            container[keys[-1]] = value

    def _leaf(self, record: dict, p: Placement) -> Any:
        types, _ = p.types()
        if p.row_model() is None:
            return _scalar(record[p.mark.value], types[p.mark.value])
        out = {}
        for column in p.model_columns():
            value = _from_cell(record.get(column), types[column])
            if value is not MISSING:
                out[column] = value
        return out

    def _band_ok(self, sheet: str, number: int, record: dict, keys: list[Any]) -> bool:
        if isinstance(self.bands, list) and keys[-1] in self.bands:
            keys[-1] = self.bands.index(keys[-1])
            return True
        self.reader.problem(f"{sheet} row {number}.band", f"{record['band']!r} is not a duration band",
                            f"the first month of a band in duration_bands: {self.bands}")
        return False

    def _bands_to_lists(self) -> None:
        """Each banded value as a list, one per duration band; a problem for a band without a row."""
        for (_, path, *keys), (holder, per_band) in self.per_band.items():
            container = _container(holder, path, True)
            for key in keys[:-1]:
                container = container.setdefault(key, {})
            container[keys[-1]] = [per_band.get(i) for i in range(len(self.bands))]
            missing = [b for i, b in enumerate(self.bands) if i not in per_band]
            if missing:
                where = ".".join(str(k) for k in (holder.get("name"), *keys))
                self.reader.problem(f"{path[-1]}.{where}", f"no rate for band(s) {missing}",
                                    f"a row for every band in duration_bands {self.bands}")
        self.per_band.clear()


def _placement_for(placements: list[Placement], record: dict) -> Placement:
    """The field a row of a shared sheet belongs to: the one whose fixed column it matches, else the other."""
    for p in placements:
        if p.mark.fixed and _scalar(record.get(p.mark.fixed[0]), str) == p.mark.fixed[1]:
            return p
    return next((p for p in placements if not p.mark.fixed), placements[0])


def _container(holder: dict, path: tuple[str, ...], mapping: bool) -> Any:
    """The raw value at `path` inside an item (made: a mapping, or a list for rows without keys)."""
    for part in path[:-1]:
        holder = holder.setdefault(part, {})
    if holder.get(path[-1]) is None:
        holder[path[-1]] = {} if mapping else []
    return holder[path[-1]]
