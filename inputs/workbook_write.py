"""Writing a scenario as one XLSX workbook for planners who work in Excel (`export_workbook`).

The sheets and columns follow the schema (`inputs.workbook_sheets`); `inputs.workbook_layout`
dresses them for a planner: under the field codes (row 1) a row with the unit and one with an
explanation, data from row 4, number formats by unit, dropdowns for every choice and every name
of an item, and beside each sourced value its source (a formula on the sources sheet).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidation

from sporen.common.files import reproducible_zip, write_with
from sporen.common.i18n import text
from sporen.inputs import workbook_layout as layout
from sporen.inputs.build import scenario_from_dict
from sporen.inputs.schema import Scenario
from sporen.inputs.types import bare_type, description, field_at, field_type, item_types, kind
from sporen.inputs.workbook_sheets import (
    EMPTY_LIST,
    ITEM_SHEETS,
    NOT_ON_SCENARIO_SHEET,
    SHEET_ORDER,
    TABLE_SHEETS,
    LayoutError,
    Placement,
    columns_of,
    item_model,
    names_of,
    reference_target,
    title,
)

GREY = Font(italic=True, color="5F6B7A")
BOLD = Font(bold=True)
SOURCE_WIDTH = 40


# -- cells ---------------------------------------------------------------------------------------
def _fmt_item(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _to_cell(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(_fmt_item(v) for v in value) if value else EMPTY_LIST
    return value


def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=col, value=_to_cell(value))
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, not a formula
    elif isinstance(value, float) and float(f"{value:.16g}") != value:
        cell._value = repr(value)  # openpyxl writes 16 digits; keep the exact float
    return cell


# -- what a sheet holds --------------------------------------------------------------------------
@dataclass
class SheetSpec:
    """One sheet to write: its code, columns, rows and what dresses them.

    `paths` names each row's parameter (a path for the row's `value_column`, or column -> path),
    so the source of a sourced value is shown beside it; `row_types` (the scenario sheet) gives
    the type of each row's value."""

    code: str
    header: list[str]
    rows: list[list[Any]]
    types: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    paths: list[Any] = field(default_factory=list)
    value_column: str = ""
    row_types: list[Any] | None = None
    sourced: bool = True
    owners: dict[str, str] = field(default_factory=dict)
    """Column -> the item sheet its names come from (a dropdown of them, and a line of help)."""


@dataclass(frozen=True)
class Context:
    """What every sheet of one workbook shares: language, source paths and the items' names."""

    lang: str
    sources: list[str]
    names: dict[str, list[str]]
    bands: list[int]


# -- writing one sheet -----------------------------------------------------------------------------
def _sourced_columns(spec: SheetSpec, ctx: Context) -> dict[str, list[str | None]]:
    """Column -> the source path covering each row's value, for the columns with any source."""
    if not spec.sourced:
        return {}
    out: dict[str, list[str | None]] = {}
    value_column = spec.value_column or spec.header[-1]
    for column in spec.header:
        covering = []
        for row_paths in spec.paths or [None] * len(spec.rows):
            path = row_paths.get(column) if isinstance(row_paths, dict) else (
                row_paths if column == value_column else None)
            covering.append(layout.covering_source(path, ctx.sources) if path else None)
        if any(covering):
            out[column] = covering
    return out


def _layout_columns(spec: SheetSpec, sourced: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(code, the column whose source it shows) per written column: each sourced column is followed
    by its source column."""
    out: list[tuple[str, str | None]] = []
    for column in spec.header:
        out.append((column, None))
        if column in sourced:
            out.append((f"{column}.source" if spec.code in ITEM_SHEETS else "source", column))
    return out


def _explanation(spec: SheetSpec, code: str, ctx: Context) -> str:
    about = layout.help_text(spec.code, code, ctx.lang, spec.notes.get(code, ""))
    if not about and code in spec.owners and spec.code not in ITEM_SHEETS and spec.code != "scenario":
        about = text("help.owner", ctx.lang, sheet=title(spec.owners[code], ctx.lang))
    return about


def _header_rows(ws: Any, spec: SheetSpec, columns: list[tuple[str, str | None]], ctx: Context) -> None:
    """Field codes (row 1), units (row 2) and explanations (row 3), rows 2 and 3 marked in column A."""
    for col, (code, of) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=col, value=code)
        cell.font = BOLD
        tp = spec.types.get(code)
        unit = layout.unit_text(layout.unit_code(code, tp, spec.fields.get(code)), ctx.lang) \
            if of is None and tp is not None else ""
        about = text("wbs.source_col", ctx.lang, sheet=title("sources", ctx.lang)) if of is not None \
            else _explanation(spec, code, ctx)
        ws.cell(row=2, column=col, value=unit).font = GREY
        ws.cell(row=3, column=col, value=about).font = GREY
        ws.cell(row=3, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        if spec.notes.get(code):
            cell.comment = Comment(spec.notes[code], "sporen")
    for row, mark in ((2, "wbs.unit_mark"), (3, "wbs.about_mark")):
        ws.cell(row=row, column=1, value=f"{text(mark, ctx.lang)} {ws.cell(row=row, column=1).value or ''}".strip())


def _number_format(cell: Any, value: Any, unit: str) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if unit == "euro":
            cell.number_format = layout.EURO_FORMAT
        elif unit == "share":
            cell.number_format = layout.SHARE_FORMAT


def _data_row(ws: Any, spec: SheetSpec, r: int, columns: list[tuple[str, str | None]],
              sourced: dict[str, list[str | None]], ctx: Context) -> None:
    """Row `r` of the data (sheet row r + 4): values, number formats, sources and the scenario
    sheet's per-row dropdown."""
    row = layout.HEADER_ROWS + 1 + r
    values = spec.rows[r]
    by_column = dict(zip(spec.header, values, strict=True))
    row_type = spec.row_types[r] if spec.row_types else None
    for col, (code, of) in enumerate(columns, start=1):
        if of is not None:
            formula = layout.source_formula(sourced[of][r], title("sources", ctx.lang))
            if formula:
                ws.cell(row=row, column=col, value=formula).font = GREY
            continue
        value = by_column[code]
        tp = row_type if (row_type is not None and code == "value") else spec.types.get(code)
        cell = _put(ws, row, col, layout.bool_word(value, ctx.lang) if isinstance(value, bool) else value)
        if tp is not None:
            unit = layout.unit_code(code if row_type is None else str(values[0]), tp, spec.fields.get(code))
            _number_format(cell, value, unit)
        if row_type is not None and code == "value":
            _dropdown(ws, _row_choices(row_type, ctx), f"{get_column_letter(col)}{row}", ctx.lang)


def _column_choices(spec: SheetSpec, code: str, ctx: Context) -> list[str]:
    tp = spec.types.get(code)
    if tp is None:
        return []
    if bare_type(tp) is bool:
        return [layout.bool_word(True, ctx.lang), layout.bool_word(False, ctx.lang)]
    if code in spec.owners:
        return ctx.names.get(spec.owners[code], [])
    return layout.choices_of(tp)


def _row_choices(tp: Any, ctx: Context) -> list[str]:
    if bare_type(tp) is bool:
        return [layout.bool_word(True, ctx.lang), layout.bool_word(False, ctx.lang)]
    target = reference_target(tp) if kind(tp) != "list" else None
    return ctx.names.get(target, []) if target else layout.choices_of(tp)


def _dropdown(ws: Any, options: list[str], ref: str, lang: str) -> None:
    """A list dropdown on `ref` (other values are refused by Excel with a message)."""
    listed = ",".join(options)
    if not options or len(listed) > 250 or any("," in o or '"' in o for o in options):
        return   # Excel's inline lists hold 255 characters and no commas
    dv = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showDropDown=False)
    dv.error, dv.errorTitle = ", ".join(options), "sporen"
    dv.add(ref)
    ws.add_data_validation(dv)


def _widths(ws: Any, spec: SheetSpec, columns: list[tuple[str, str | None]]) -> None:
    for col, (code, of) in enumerate(columns, start=1):
        width = SOURCE_WIDTH
        if of is None:
            at = spec.header.index(code)
            width = max([len(code)] + [len(str(_to_cell(v[at]))) for v in spec.rows[:200] if v[at] is not None])
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 12), 60)


def write_sheet(wb: Any, spec: SheetSpec, ctx: Context) -> None:
    """One sheet: header rows, data from row 4 with sources beside sourced values, dropdowns for
    every column of choices (down to `layout.MAX_ROWS` rows below the data), frozen header."""
    sourced = _sourced_columns(spec, ctx)
    columns = _layout_columns(spec, sourced)
    ws = wb.create_sheet(title(spec.code, ctx.lang))
    _header_rows(ws, spec, columns, ctx)
    for r in range(len(spec.rows)):
        _data_row(ws, spec, r, columns, sourced, ctx)
    first, last = layout.HEADER_ROWS + 1, layout.HEADER_ROWS + 1 + len(spec.rows) + layout.MAX_ROWS
    for col, (code, of) in enumerate(columns, start=1):
        if of is None and spec.row_types is None:
            letter = get_column_letter(col)
            _dropdown(ws, _column_choices(spec, code, ctx), f"{letter}{first}:{letter}{last}", ctx.lang)
    ws.freeze_panes = ws.cell(row=first, column=2 if spec.code in ITEM_SHEETS or spec.code == "scenario"
                              else 1).coordinate
    _widths(ws, spec, columns)


# -- the sheets of a scenario ------------------------------------------------------------------------
def _flatten(model: Any, data: Any, prefix: str = "", section: str = "") -> list[tuple[str, Any, str]]:
    """(dotted key, value, about) rows of the scenario sheet; `about` is the field's description
    (in a section without its own, the section's)."""
    rows: list[tuple[str, Any, str]] = []
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        if key in NOT_ON_SCENARIO_SHEET:
            continue
        value = data.get(name) if isinstance(data, dict) else None
        shape = kind(info.annotation)
        about = info.description or section
        if shape == "model":
            rows += _flatten(bare_type(info.annotation), value, f"{key}.", info.description or "")
        elif shape == "dict":
            rows += [(f"{key}.{sub}", v, about) for sub, v in (value or {}).items()] or [(key, None, about)]
        elif shape == "models":
            raise LayoutError(f"Scenario.{key} has no place in the workbook layout")
        else:
            rows.append((key, value, about))
    return rows


def _type_at_key(key: str) -> Any:
    """The type of a scenario-sheet key's value, with its marks (None when the key names no value)."""
    tp: Any = Scenario
    for part in key.split("."):
        shape = kind(tp)
        if shape == "model":
            info = bare_type(tp).model_fields.get(part)
            if info is None:
                return None
            tp = field_type(info)
        elif shape == "dict":
            tp = item_types(tp)[1]
        else:
            return None
    return tp


def scenario_spec(data: dict, lang: str) -> SheetSpec:
    """The ``scenario`` sheet: one row per setting."""
    flat = _flatten(Scenario, data)
    row_types = [_type_at_key(key) for key, _, _ in flat]
    rows = [[key, value, layout.unit_text(layout.unit_code(key, tp), lang) if tp is not None else "",
             layout.help_text("scenario", key, lang, about)] for (key, value, about), tp in zip(flat, row_types,
                                                                                                strict=True)]
    return SheetSpec("scenario", ["key", "value", "unit", "about"], rows, types={"value": str},
                     paths=[key for key, _, _ in flat], value_column="value", row_types=row_types)


def item_spec(sheet: str, data: dict) -> SheetSpec:
    """An item sheet: one row per item, one column per plain field."""
    model = item_model(sheet)
    columns = columns_of(model)
    header = [".".join(p) for p in columns]
    spec = SheetSpec(sheet, header, [], notes={".".join(p): description(model, p) for p in columns})
    for path, name in zip(columns, header, strict=True):
        tp, info = field_at(model, path)
        spec.types[name], spec.fields[name] = field_type(info), info
        target = reference_target(spec.types[name])
        if target and kind(tp) != "list":
            spec.owners[name] = target
    for item in data[sheet]:
        spec.rows.append([_dig(item, path) for path in columns])
        spec.paths.append({".".join(p): f"{sheet}.{item['name']}.{'.'.join(p)}" for p in columns})
    return spec


def _dig(value: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _walk(value: Any, levels: list[tuple[str, Any, str]], bands: list[int]) -> Iterator[tuple[list[Any], Any, str]]:
    """(key cells, leaf, path below the field) for every value of a field held on a table sheet."""
    if value is None:
        return
    if not levels:
        if isinstance(value, list):   # a list of models: one row each
            yield from (([], item, str(i)) for i, item in enumerate(value))
        else:
            yield [], value, ""
        return
    _, _, level = levels[0]
    pairs = [(bands[i] if i < len(bands) else i, i, v) for i, v in enumerate(value)] if level == "band" else \
        [(k, k, v) for k, v in value.items()]
    for shown, key, inner in pairs:
        for keys, leaf, below in _walk(inner, levels[1:], bands):
            yield [shown, *keys], leaf, f"{key}.{below}" if below else str(key)


def _placement_rows(p: Placement, data: dict, bands: list[int]) -> Iterator[tuple[dict[str, Any], str]]:
    """(values by column, the parameter's path) for every row of one placement."""
    holders = [(item["name"], item, f"{p.owner}.{item['name']}.") for item in data[p.owner]] if p.owner \
        else [(None, data, "")]
    key_columns = [column for column, _, _ in p.levels()]
    for name, holder, prefix in holders:
        for keys, leaf, below in _walk(_dig(holder, p.path), p.levels(), bands):
            row: dict[str, Any] = dict(zip(key_columns, keys, strict=True))
            if p.owner_column:
                row[p.owner_column] = name
            if p.mark.fixed:
                row[p.mark.fixed[0]] = p.mark.fixed[1]
            path = f"{prefix}{'.'.join(p.path)}" + (f".{below}" if below else "")
            if p.row_model() is None:
                row[p.mark.value] = leaf
            else:   # the parameter beside which the source is shown
                row.update({c: leaf.get(c) for c in p.model_columns()})
                path += f".{p.shown_with()}"
            yield row, path


def table_spec(code: str, placements: list[Placement], data: dict, bands: list[int]) -> SheetSpec:
    """A table sheet: the rows of every field placed on it."""
    first = placements[0]
    header = first.columns()
    spec = SheetSpec(code, header, [], value_column=first.shown_with(), sourced=code != "uncertainty")
    for p in placements:
        types, fields = p.types()
        spec.types.update(types)
        spec.fields.update(fields)
        spec.notes.update({c: f.description for c, f in fields.items() if f.description})
        if p.owner_column:
            spec.owners[p.owner_column] = p.owner or ""
        spec.owners.update({c: t for c, tp in types.items() if (t := reference_target(tp)) and c not in spec.owners})
        spec.owners.update({c: sheet for sheet, noun in ITEM_SHEETS.items() for c in header
                            if c == noun and c not in spec.owners})
        for row, path in _placement_rows(p, data, bands):
            spec.rows.append([row.get(c) for c in header])
            spec.paths.append(path)
    return spec


def sources_spec(data: dict) -> SheetSpec:
    """The ``sources`` sheet: one row per sourced path, with the value as its source gives it."""
    (placement,) = TABLE_SHEETS["sources"]
    spec = table_spec("sources", [placement], data, [])
    spec.header.append("value")
    spec.types["value"], spec.sourced = str, False
    for row, (path, source) in zip(spec.rows, data["sources"].items(), strict=True):
        row.append(layout.encode(source["changed_from"] if source.get("changed_from") else layout.lookup(data, path)))
    return spec


def sheet_specs(data: dict, lang: str) -> Iterator[SheetSpec]:
    """Every sheet of a scenario's workbook, in `SHEET_ORDER`."""
    bands = data["duration_bands"]
    for code in SHEET_ORDER:
        if code == "scenario":
            yield scenario_spec(data, lang)
        elif code in ITEM_SHEETS:
            yield item_spec(code, data)
        elif code == "sources":
            yield sources_spec(data)
        else:
            yield table_spec(code, TABLE_SHEETS[code], data, bands)


def export_workbook(scenario: Scenario | dict, path: str | Path, lang: str | None = None) -> None:
    """Write a scenario (a Scenario, or a raw mapping that is validated first) as an XLSX workbook,
    in `lang` (default: the scenario's language) for the sheet names, instructions, units and
    explanations.

    The file is written to a temporary file next to `path` and then moved into place.
    """
    target = Path(path)
    if not isinstance(scenario, Scenario):
        scenario = scenario_from_dict(scenario)
    lang = lang or scenario.language
    data = scenario.model_dump(mode="python")
    ctx = Context(lang, list(data["sources"]), {sheet: names_of(data, sheet) for sheet in ITEM_SHEETS},
                  data["duration_bands"])
    wb = Workbook()
    _instructions(wb.active, scenario, target.name, lang)
    for spec in sheet_specs(data, lang):
        write_sheet(wb, spec, ctx)
    wb.properties.creator = "sporen"   # how `sporen convert` knows a workbook it may overwrite
    wb.calculation = CalcProperties(fullCalcOnLoad=True)   # the source columns are formulas: compute on open

    def save(tmp: Any) -> None:
        wb.save(tmp)
        reproducible_zip(tmp)

    write_with(target, save)


def _instructions(ws: Any, scenario: Scenario, file: str, lang: str) -> None:
    """The first sheet: how the workbook works, in the workbook's language."""
    ws.title = text("wbs.instructions", lang)
    lines = text("instructions.lines", lang, name=scenario.name, file=file).split("\n")
    for r, line in enumerate(lines, start=1):
        cell = ws.cell(row=r, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if r == 1:
            cell.font = Font(bold=True, size=14)
        elif line and not line.startswith("•") and r > 1 and lines[r - 2] == "":
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 120
