"""Writing a scenario as one XLSX workbook for planners who work in Excel (`export_workbook`).

The sheets and columns follow `inputs.workbook_sheets`; `inputs.workbook_layout` dresses them
for a planner (units, explanations, dropdowns, sources beside values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

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
from sporen.inputs.schema import Accounts, HazardName, Scenario, Source, Transition, Uncertain
from sporen.inputs.types import bare_type, child_type, description, is_model
from sporen.inputs.types import kind as field_kind
from sporen.inputs.workbook_sheets import (
    ABOUT,
    EMPTY_LIST,
    IN_LONG_SHEETS,
    ITEM_MAPS,
    ITEM_SHEETS,
    NOT_ON_SCENARIO_SHEET,
    OTHER_SHEETS,
    PARTICIPATIEBUDGET,
    SHEET_ORDER,
    LayoutError,
    columns_of,
    item_model,
)


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



# -- export --------------------------------------------------------------------------------------
def _flatten(model: Any, data: Any, prefix: str = "") -> list[tuple[str, Any, str]]:
    """(dotted key, value, about) rows of the scenario sheet."""
    rows: list[tuple[str, Any, str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        if key in NOT_ON_SCENARIO_SHEET:
            continue
        value = data.get(name) if isinstance(data, dict) else None
        kind = field_kind(field.annotation)
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
    if bare_type(tp) is bool:
        return ["__bool__"]
    if key == "gate.intake_role":
        return choices.get("role", [])
    if key == "language":
        return ["nl", "en"]
    return layout.choices_of(tp)


def _dropdown(ws: Any, options: list[str], ref: str, validation: Any, lang: str) -> None:
    """A list dropdown on `ref` (other values are refused by Excel with a message)."""
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
        model = item_model(sheet)
        columns = columns_of(model, IN_LONG_SHEETS.get(sheet, set()))
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
        _sheet(wb, sheet, header, rows, {".".join(p): description(model, p) for p in columns}, types=types,
               paths=paths, fields=fields, **common)

    for sheet, (lst, field_path, key_col, value_col) in ITEM_MAPS.items():
        rows, paths = [], []
        map_type: Any = item_model(lst)
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
        types={"path": str, "source": str, "kind": child_type(Source, "kind"), "unit": str, "note": str,
               "value": str}, **{**common, "sources": []})

    for index, name in enumerate(SHEET_ORDER):
        wb.move_sheet(name, index + 1 - wb.sheetnames.index(name))   # after the instructions sheet
    wb.properties.creator = "sporen"   # how `sporen convert` knows a workbook it may overwrite
    wb.calculation = CalcProperties(fullCalcOnLoad=True)   # the source columns are formulas: compute on open

    def save(tmp: Any) -> None:
        wb.save(tmp)
        reproducible_zip(tmp)

    write_with(target, save)


def _type_at_key(key: str) -> Any:
    """The type of a scenario-sheet key's value (None when the key does not name a value)."""
    tp: Any = Scenario
    for part in key.split("."):
        kind = field_kind(tp)
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
