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

from sporen.common.errors import InputError, Problem, Problems, disk_full
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
IN_LONG_SHEETS: dict[str, set[tuple[str, ...]]] = {
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
INSTRUCTION_SHEETS = ("uitleg", "instructions")
"""The first sheet of a workbook sporen writes: text for the planner, not read back."""
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


def _sheet(wb: Any, title: str, header: list[str], rows: list[list[Any]], notes: dict[str, str] | None = None,
           *, types: dict[str, Any] | None = None, paths: list[Any] | None = None, sources: list[str] | None = None,
           choices: dict[str, list[str]] | None = None, row_types: list[Any] | None = None,
           fields: dict[str, Any] | None = None, lang: str = "nl") -> None:
    """One sheet: field codes (row 1), unit (row 2), explanation (row 3), data from row 4; number
    formats by unit, dropdowns for choices, and next to sourced values their source (a formula on
    the sources sheet). `paths` names each row's parameter (a path, or column -> path)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from sporen.common.i18n import text
    from sporen.inputs import workbook_layout as layout

    types, choices, fields, notes = types or {}, choices or {}, fields or {}, notes or {}
    sources = sources or []
    paths = paths or [None] * len(rows)
    # which columns get a source column beside them
    sourced: dict[str, list[str | None]] = {}
    for column in header:
        covering = []
        for row_paths in paths:
            path = row_paths.get(column) if isinstance(row_paths, dict) else (row_paths if column == _VALUE_COLUMN.get(
                title, header[-1]) else None)
            covering.append(layout.covering_source(path, sources) if path else None)
        if any(covering):
            sourced[column] = covering
    layout_columns: list[tuple[str, str | None]] = []   # (code, the column whose source it shows)
    for column in header:
        layout_columns.append((column, None))
        if column in sourced:
            layout_columns.append((f"{column}.source" if title in ITEM_SHEETS else "source", column))
    ws = wb.create_sheet(title)
    grey = Font(italic=True, color="5F6B7A")
    for col, (code, of) in enumerate(layout_columns, start=1):
        cell = ws.cell(row=1, column=col, value=code)
        cell.font = Font(bold=True)
        tp = types.get(code)
        unit = layout.unit_text(layout.unit_code(code, tp, fields.get(code)), lang) if of is None and tp is not None \
            else ""
        about = (text("wbs.source_col", lang) if of is not None else
                 layout.help_text(title, code, lang, notes.get(code, "")))
        if title not in ITEM_SHEETS and title != "scenario" and code in _OWNER_SHEET:
            about = about or text("help.owner", lang, sheet=_OWNER_SHEET[code])
        ws.cell(row=2, column=col, value=unit).font = grey
        ws.cell(row=3, column=col, value=about).font = grey
        ws.cell(row=3, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        if notes.get(code):
            cell.comment = Comment(notes[code], "sporen")
    ws.cell(row=2, column=1, value=f"{text('wbs.unit_mark', lang)} {ws.cell(row=2, column=1).value or ''}".strip())
    ws.cell(row=3, column=1, value=f"{text('wbs.about_mark', lang)} {ws.cell(row=3, column=1).value or ''}".strip())
    first = layout.HEADER_ROWS + 1
    for r, values in enumerate(rows):
        by_column = dict(zip(header, values, strict=True))
        row_type = row_types[r] if row_types else None
        for col, (code, of) in enumerate(layout_columns, start=1):
            if of is not None:
                formula = layout.source_formula(sourced[of][r])
                if formula:
                    ws.cell(row=first + r, column=col, value=formula).font = grey
                continue
            value = by_column[code]
            tp = row_type if (row_type is not None and code == "value") else types.get(code)
            if isinstance(value, bool):
                value = layout.bool_word(value, lang)
            _put(ws, first + r, col, value)
            unit = layout.unit_code(code if row_type is None else str(values[0]), tp, fields.get(code)) \
                if tp is not None else ""
            cell = ws.cell(row=first + r, column=col)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if unit == "euro":
                    cell.number_format = layout.EURO_FORMAT
                elif unit == "share":
                    cell.number_format = layout.SHARE_FORMAT
            if row_type is not None and code == "value":   # the scenario sheet: a dropdown per setting
                options = _row_choices(row_type, str(values[0]), choices)
                if options:
                    _dropdown(ws, options, f"{get_column_letter(col)}{first + r}", DataValidation, lang)
    last = first + len(rows) + layout.MAX_ROWS
    for col, (code, of) in enumerate(layout_columns, start=1):
        if of is not None:
            continue
        tp = types.get(code)
        options = choices.get(code) or (layout.choices_of(tp) if tp is not None else [])
        if tp is not None and bare_type(tp) is bool:
            options = [layout.bool_word(True, lang), layout.bool_word(False, lang)]
        if options and row_types is None:
            letter = get_column_letter(col)
            _dropdown(ws, options, f"{letter}{first}:{letter}{last}", DataValidation, lang)
    ws.freeze_panes = ws.cell(row=first, column=2 if title in ITEM_SHEETS or title == "scenario" else 1).coordinate
    for col, (code, of) in enumerate(layout_columns, start=1):
        if of is not None:
            width = 40
        else:
            width = max([len(code)] + [len(str(_to_cell(v[header.index(code)]))) for v in rows[:200]
                                       if v[header.index(code)] is not None])
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 12), 60)


_VALUE_COLUMN = {"scenario": "value", "buig_budget": "budget", "initial_stock": "clients",
                 "applications": "applications", "ladder_at_entry": "share", "segment_hazards": "multiplier",
                 "measure_hazards": "multiplier", "measure_fte": "fte", "hazards": "rate",
                 "transitions": "rate_per_month", "finance": "amount", "application_series": "applications",
                 "history": "spending"}
"""The column of a long sheet that holds the row's sourced value (its source is shown beside the row)."""
_OWNER_SHEET = {"municipality": "municipalities", "segment": "segments", "track": "tracks", "role": "roles",
                "measure": "measures", "to": "tracks"}


def _row_choices(tp: Any, key: str, choices: dict[str, list[str]]) -> list[str]:
    from sporen.inputs import workbook_layout as layout

    if bare_type(tp) is bool:
        return ["__bool__"]
    if key == "gate.intake_role":
        return choices.get("role", [])
    if key == "language":
        return ["nl", "en"]
    return layout.choices_of(tp)


def _dropdown(ws: Any, options: list[str], ref: str, validation: Any, lang: str) -> None:
    """A list dropdown on `ref` (other values are refused by Excel with a message)."""
    from sporen.inputs import workbook_layout as layout

    if options == ["__bool__"]:
        options = [layout.bool_word(True, lang), layout.bool_word(False, lang)]
    listed = ",".join(options)
    if not options or len(listed) > 250 or any("," in o or '"' in o for o in options):
        return   # Excel's inline lists hold 255 characters and no commas
    dv = validation(type="list", formula1=f'"{listed}"', allow_blank=True, showDropDown=False)
    dv.error, dv.errorTitle = ", ".join(options), "sporen"
    dv.add(ref)
    ws.add_data_validation(dv)


def export_workbook(scenario: Scenario | dict, path: str | Path, lang: str | None = None) -> None:
    """Write a scenario (a Scenario, or a raw mapping that is validated first) as an XLSX workbook,
    in `lang` (default: the scenario's language) for the instructions, units and explanations.

    The file is written to a temporary file next to `path` and then moved into place.
    """
    from openpyxl import Workbook
    from openpyxl.workbook.properties import CalcProperties

    from sporen.inputs import workbook_layout as layout
    from sporen.inputs.schema import Accounts, HazardName, Transition, Uncertain

    target = Path(path)
    if not isinstance(scenario, Scenario):
        scenario = scenario_from_dict(scenario)
    lang = lang or scenario.language
    data = scenario.model_dump(mode="python")
    source_keys = list(data["sources"])
    names = {sheet: [item["name"] for item in data[sheet]] for sheet in ITEM_SHEETS}
    choices = {"municipality": names["municipalities"], "segment": names["segments"], "track": names["tracks"],
               "to": names["tracks"], "role": names["roles"], "measure": names["measures"],
               "caseworker_role": names["roles"], "line": [PARTICIPATIEBUDGET]}
    common: dict[str, Any] = {"sources": source_keys, "choices": choices, "lang": lang}
    wb = Workbook()
    _instructions(wb.active, scenario, target.name, lang)

    flat = _flatten(Scenario, data)
    row_types = [_type_at_key(key) for key, _, _ in flat]
    _sheet(wb, "scenario", ["key", "value", "unit", "about"],
           [[key, value, layout.unit_text(layout.unit_code(key, tp), lang) if tp is not None else "",
             layout.help_text("scenario", key, lang, about)] for (key, value, about), tp in zip(flat, row_types,
                                                                                                strict=True)],
           types={"value": str}, paths=[key for key, _, _ in flat], row_types=row_types, **common)

    for sheet in ITEM_SHEETS:
        model = _item_model(sheet)
        columns = _columns(model, IN_LONG_SHEETS.get(sheet, set()))
        rows: list[list[Any]] = []
        paths: list[Any] = []
        for item in data[sheet]:
            row = []
            for column in columns:
                value: Any = item
                for part in column:
                    value = value.get(part) if isinstance(value, dict) else None
                row.append(value)
            rows.append(row)
            paths.append({".".join(p): f"{sheet}.{item['name']}.{'.'.join(p)}" for p in columns})
        header = [".".join(p) for p in columns]
        types, fields = {}, {}
        for p in columns:
            tp: Any = model
            field = None
            for part in p:
                owner = bare_type(tp)
                field = owner.model_fields.get(part) if is_model(owner) else None
                tp = child_type(tp, part)
            types[".".join(p)], fields[".".join(p)] = tp, field
        _sheet(wb, sheet, header, rows, {".".join(p): _description(model, p) for p in columns}, types=types,
               paths=paths, fields=fields, **common)

    for sheet, (lst, field_path, key_col, value_col) in ITEM_MAPS.items():
        rows, paths = [], []
        map_type: Any = _item_model(lst)
        for part in field_path:
            map_type = child_type(map_type, part)
        key_tp, value_tp = get_args(bare_type(map_type))
        for item in data[lst]:
            mapping: Any = item
            for part in field_path:
                mapping = mapping.get(part) if isinstance(mapping, dict) else None
            for key, value in (mapping or {}).items():
                rows.append([item["name"], key, value])
                paths.append(f"{lst}.{item['name']}.{'.'.join(field_path)}.{key}")
        _sheet(wb, sheet, [ITEM_SHEETS[lst], key_col, value_col], rows, paths=paths,
               types={ITEM_SHEETS[lst]: str, key_col: key_tp, value_col: value_tp}, **common)

    bands = data["duration_bands"]
    money = Accounts.model_fields["budget"].annotation
    _sheet(wb, "history", list(OTHER_SHEETS["history"]), [
        [m["name"], year, acc["budget"], acc["spending"]]
        for m in data["municipalities"] for year, acc in m["history"].items()],
        paths=[f"municipalities.{m['name']}.history.{year}" for m in data["municipalities"] for year in m["history"]],
        types={"municipality": str, "year": int, "budget": money, "spending": money},
        fields={"budget": Accounts.model_fields["budget"], "spending": Accounts.model_fields["spending"]}, **common)
    _sheet(wb, "hazards", list(OTHER_SHEETS["hazards"]), [
        [t["name"], cause, bands[i] if i < len(bands) else i, rate]
        for t in data["tracks"] for cause, rates in t["hazards"].items() for i, rate in enumerate(rates)],
        {"band": "the duration band's first month, as in duration_bands", "rate": "hazard per month"},
        paths=[f"tracks.{t['name']}.hazards.{cause}" for t in data["tracks"] for cause, rates in t["hazards"].items()
               for _ in rates],
        types={"track": str, "cause": HazardName, "band": int, "rate": float}, **common)
    _sheet(wb, "transitions", list(OTHER_SHEETS["transitions"]), [
        [t["name"], tr["to"], tr["rate_per_month"], tr["in_view_only"]]
        for t in data["tracks"] for tr in t["transitions"]],
        paths=[f"tracks.{t['name']}.transitions.{i}.rate_per_month" for t in data["tracks"]
               for i, _ in enumerate(t["transitions"])],
        types={"track": str, "to": str, "rate_per_month": float,
               "in_view_only": Transition.model_fields["in_view_only"].annotation}, **common)
    _sheet(wb, "initial_instruments", list(OTHER_SHEETS["initial_instruments"]), [
        [m["name"], held["instrument"], held["segment"], held["clients"]]
        for m in data["municipalities"] for held in m["initial_instruments"]],
        {"segment": "empty (trajectories only): any client of the initial stock",
         "clients": "clients in the instrument at the start"},
        paths=[{"clients": f"municipalities.{m['name']}.initial_instruments"} for m in data["municipalities"]
               for _ in m["initial_instruments"]],
        types={"municipality": str, "instrument": str, "segment": str, "clients": int}, **common)
    _sheet(wb, "intensity_curve", list(OTHER_SHEETS["intensity_curve"]), [
        [t["name"], point["caseload"], point["multiplier"]]
        for t in data["tracks"] for point in ((t.get("intensity") or {}).get("curve") or [])],
        {"caseload": "clients in view per caseworker fte", "multiplier": "served work multiplier there"},
        paths=[f"tracks.{t['name']}.intensity" for t in data["tracks"]
               for _ in ((t.get("intensity") or {}).get("curve") or [])],
        types={"track": str, "caseload": float, "multiplier": float}, **common)
    finance = data["finance"]
    _sheet(wb, "finance", list(OTHER_SHEETS["finance"]), [
        [PARTICIPATIEBUDGET, year, amount] for year, amount in finance["participatiebudget"].items()] + [
        [line, year, amount] for line, per_year in finance["other_lines"].items()
        for year, amount in per_year.items()],
        {"line": f"'{PARTICIPATIEBUDGET}' or another line of the exploitatie (e.g. wsw_shortfall)",
         "amount": "whole euros"},
        paths=[f"finance.participatiebudget.{y}" for y in finance["participatiebudget"]]
        + [f"finance.other_lines.{line}.{y}" for line, per_year in finance["other_lines"].items() for y in per_year],
        types={"line": str, "year": int, "amount": money}, **{**common, "choices": {**choices, "line": []}})
    _sheet(wb, "application_series", list(OTHER_SHEETS["application_series"]), [
        [month, mun, seg, value]
        for mun, per_seg in (data["application_series"] or {}).items()
        for seg, per_month in per_seg.items() for month, value in per_month.items()],
        {"month": "YYYY-MM, typed as text", "applications": "mean applications that month"},
        paths=[f"application_series.{mun}.{seg}.{month}" for mun, per_seg in (data["application_series"] or {}).items()
               for seg, per_month in per_seg.items() for month in per_month],
        types={"month": str, "municipality": str, "segment": str, "applications": float}, **common)
    _sheet(wb, "uncertainty", list(OTHER_SHEETS["uncertainty"]), [
        [u["parameter"], u["low"], u["high"]] for u in data["uncertainty"]],
        types={"parameter": str, "low": Uncertain.model_fields["low"].annotation,
               "high": Uncertain.model_fields["high"].annotation}, **{**common, "sources": []})
    tree = data
    _sheet(wb, "sources", [*OTHER_SHEETS["sources"], "value"], [
        [p, s["source"], s["kind"], s["unit"], s["note"],
         layout.encode(layout.lookup(tree, p) if not s.get("changed_from") else s["changed_from"])]
        for p, s in data["sources"].items()],
        types={"path": str, "source": str, "kind": child_type(_source_model(), "kind"), "unit": str, "note": str,
               "value": str}, **{**common, "sources": []})

    for index, name in enumerate(SHEET_ORDER):
        wb.move_sheet(name, index + 1 - wb.sheetnames.index(name))   # after the instructions sheet
    wb.properties.creator = "sporen"   # how `sporen convert` knows a workbook it may overwrite
    wb.calculation = CalcProperties(fullCalcOnLoad=True)   # the source columns are formulas: compute on open

    def save(tmp: Any) -> None:
        wb.save(tmp)
        reproducible_zip(tmp)

    write_with(target, save)


def _source_model() -> Any:
    from sporen.inputs.schema import Source

    return Source


def _type_at_key(key: str) -> Any:
    """The type of a scenario-sheet key's value (None when the key does not name a value)."""
    tp: Any = Scenario
    for part in key.split("."):
        kind = _kind(tp)
        if kind == "model":
            field = bare_type(tp).model_fields.get(part)
            if field is None:
                return None
            tp = field.annotation
        elif kind == "dict":
            tp = get_args(bare_type(tp))[1]
        else:
            return None
    return tp


def _instructions(ws: Any, scenario: Scenario, file: str, lang: str) -> None:
    """The first sheet: how the workbook works, in the workbook's language."""
    from openpyxl.styles import Alignment, Font

    from sporen.common.i18n import text

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
    the default"), naming the sheet and cell. The source columns sporen writes beside values
    (formulas on the sources sheet, for display) are not read, so not checked either."""

    def __init__(self, file: str, formulas: Any = None):
        from sporen.inputs.workbook_layout import CellReader

        self.file = file
        self.formulas = formulas
        self.problems: Problems = Problems()
        self.cells = CellReader(self.problem)
        self.letters: dict[str, str] = {}

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
                shown = _display_columns(rows[0] if rows else (), sheet)
                for number, (values, written) in enumerate(zip(rows, written_rows, strict=False), start=1):
                    for col, (value, formula) in enumerate(zip(values, written, strict=False), start=1):
                        if col in shown:
                            continue
                        if value is None and isinstance(formula, str) and formula.startswith("="):
                            self.problem(f"{sheet} cell {get_column_letter(col)}{number}",
                                         f"a formula without a saved result ({formula[:60]})", NO_RESULT)
        except DAMAGED as exc:   # nothing else of the workbook can be trusted
            raise InputError([Problem(self.file, f"sheet {sheet}", f"the sheet is damaged and cannot be read "
                                      f"({type(exc).__name__}: {str(exc)[:100]})",
                                      "a workbook saved by Excel or sporen convert")]) from None
        return rows

    def table(self, ws: Any, sheet: str, required: tuple[str, ...] | None,
              allowed: list[str] | None = None, types: dict[str, Any] | None = None,
              fields: dict[str, Any] | None = None) -> list[tuple[int, dict[str, Any]]]:
        """(row number, {column: value}) for every non-empty data row of a sheet with a header row.

        The unit and explanation rows under the header are skipped, and so are the source columns
        beside values (formulas that show the sources sheet). Cells of columns with a number or
        yes/no type in `types` are read as a planner types them (`inputs.workbook_layout.CellReader`);
        a cell that cannot be read is a problem naming the sheet and the cell."""
        from sporen.inputs.workbook_layout import is_mark_row

        rows = self._rows(ws, sheet)
        if not rows:
            return []
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        while header and not header[-1]:
            header.pop()
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
        letters = {name: get_column_letter(col) for col, name in enumerate(header, start=1)}
        types, fields = types or {}, fields or {}
        out = []
        for number, values in enumerate(rows[1:], start=2):
            if is_mark_row(values):
                continue
            record = {}
            for name, value in zip(header, values, strict=False):
                if not name or name in display or value is None or (isinstance(value, str) and not value.strip()):
                    continue
                if name in types:
                    value = self.cells.value(sheet, f"{letters[name]}{number}", name, value, types[name],
                                             fields.get(name))
                record[name] = value
            if record:
                out.append((number, record))
        self.letters = letters
        return out


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
        model = _item_model(sheet)
        columns = {".".join(p): p for p in _columns(model, IN_LONG_SHEETS.get(sheet, set()))}
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
        tp = _item_model(sheet=lst)
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
        from sporen.inputs.schema import Accounts

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
        from sporen.inputs.schema import Finance

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
    from sporen.inputs.workbook_layout import mark_changed

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


def convert_scenario(src: str | Path, dest: str | Path, lang: str | None = None) -> Scenario:
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
            export_workbook(scenario, dest, lang=lang)
        else:
            write_scenario_yaml(scenario, dest, f"Scenario '{scenario.name}', converted from {src.name} by "
                                "`sporen convert`.\nFormat: docs/scenario-format.md")
    except OSError as exc:
        if disk_full(exc):
            raise    # the run failed (exit 1), not the input
        raise InputError([Problem(str(dest), "", f"cannot write: {exc.strerror or exc}", "a writable file")]) from None
    return scenario
