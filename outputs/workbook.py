"""The results workbook (results.xlsx): a planner's workbook, in the report's language.

`write_plan_workbook` (sporen plan) opens on a summary sheet (verdict, target, probability, cost
and net effect in sentences and numbers, the plan in plain words, what to do next, the yearly
result with a chart), then the formation as a council table (title, scenario, reference date,
the total row set apart, a chart), then one sheet per table. `write_workbook` writes tables only
(sporen compare). Every sheet holds the numbers of its CSV (floats at Excel's precision of 15
significant digits, the CSV has 10) as numbers -- years too, also where the CSV mixes them with
'all' -- with a number format by unit: euros, percentages, fte, counts. Headers are words with
their unit ("resultaat na vangnet, gemiddeld (€)"), codes of roles, tracks, instruments and KPIs
are display names; the CSV files keep the codes. Print setup: A4, fit to one page wide, the
header row repeated on every page, landscape where a table is wide.

`read_workbook` reads the sheets back into frames (used by the round-trip tests).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from sporen.common import i18n
from sporen.common.files import reproducible_zip, write_with
from sporen.common.i18n import text
from sporen.outputs.labels import column_label, kpi_label, kpi_unit, value_label

EURO_FORMAT = '"€" #,##0;[Red]"€" -#,##0'
SHARE_FORMAT = "0.0%"
FTE_FORMAT = "#,##0.0#"
NUMBER_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
MAX_ROWS = 1_048_575  # Excel's limit, header excluded
MAX_WIDTH, MIN_WIDTH = 60, 6

_MONEY_WORDS = re.compile(
    r"(budget|spending|result|vangnet|cost|saving|euro|(^|_)eur($|_)|amount|compensation|"
    r"participatiebudget|other_lines|shadow_price|price|deficit|surplus|personnel|subsid)"
)
_NOT_MONEY = re.compile(r"(share|probability|prob|_pct|percent|count|(^|_)fte($|_)|months|^year$|replication|rank|"
                        r"sims)")
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



HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5EE")
HEADER_BORDER = Border(bottom=Side(style="thin", color="7F7F7F"))
TOTAL_BORDER = Border(top=Side(style="double", color="000000"))
TITLE_FONT = Font(bold=True, size=14)
LANDSCAPE_FROM = 7
"""Tables with this many columns or more print in landscape."""
LABELLED = {"role", "track", "instrument", "lever"}
"""Key columns whose codes are shown by the scenario's display names."""
ROW_UNIT = {"yearly_summary": "quantity", "kpis_summary": "kpi", "plan_effect": "unit", "comparison": "unit",
            "comparison_totals": "unit"}
"""Tables whose value columns change unit per row: the column that says the unit."""
ROW_VALUES = ("mean", "std", "ci_low", "ci_high", "base_mean", "variant_mean", "diff_mean")


def _row_kind(table: str, unit_value: object) -> str:
    """The kind of a row's values in a long table (by its unit, quantity or KPI)."""
    value = str(unit_value)
    if table in ("plan_effect", "comparison", "comparison_totals"):
        return {"EUR": "euro", "share": "share"}.get(value, "number")
    if table == "kpis_summary":
        return {"EUR": "euro", "share": "share"}.get(kpi_unit(value), "number")
    return "euro"  # yearly_summary: every quantity is money


def _shown(value: object, column: str, scenario: Any, lang: str) -> object:
    """A cell for a person: numbers as numbers (numeric text too: a year '2018' in a column that
    also holds 'all'), codes as display names, 'all'/'end' in words."""
    value = _cell_value(value)
    if isinstance(value, str):
        if re.fullmatch(r"-?\d{1,15}", value):
            return int(value)
        if column in ("municipality", "year"):
            return value_label(column, value, lang)
        if column in ("kpi", "measure", "quantity"):
            return kpi_label(value, lang)
        if scenario is not None and column in LABELLED:
            kind, _, name = value.partition(":")
            return scenario.label(name or kind, lang)
        if column == "kind" and i18n.has_text("kind." + value):
            return text("kind." + value, lang)
        if column == "function" and i18n.has_text("function." + value):
            return text("function." + value, lang)
    return value


def write_table(ws: Any, frame: pd.DataFrame, table: str, *, lang: str = "nl", scenario: Any = None,
                kinds: Mapping[str, str] | None = None, first_row: int = 1, total_row: bool = False) -> int:
    """Write `frame` at `first_row` of `ws` with a header in words; return the header's row number."""
    forced = dict(kinds or {})
    columns = list(frame.columns)
    col_kinds = [forced.get(c) or column_kind(c, frame[c]) for c in columns]
    for j, column in enumerate(columns, start=1):
        cell = ws.cell(row=first_row, column=j, value=column_label(table, str(column), lang))
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    unit_column = ROW_UNIT.get(table)
    widths = [min(MAX_WIDTH, max(MIN_WIDTH, len(column_label(table, str(c), lang)) // 2 + 3)) for c in columns]
    values: Any = frame.to_numpy(dtype=object) if len(frame) else []
    for i, row in enumerate(values):
        r = first_row + 1 + i
        row_kind = _row_kind(table, row[columns.index(unit_column)]) if unit_column in columns else None
        for j, (column, value) in enumerate(zip(columns, row, strict=True)):
            shown = _shown(value, str(column), scenario, lang)
            cell = ws.cell(row=r, column=j + 1, value=shown)
            kind = row_kind if row_kind is not None and column in ROW_VALUES else col_kinds[j]
            if isinstance(shown, (int, float)) and not isinstance(shown, bool):
                if column in ("year", "entry_year", "month", "round") or str(column).endswith("_year"):
                    cell.number_format = "0"
                elif kind in _FORMATS:
                    cell.number_format = _FORMATS[kind]
                elif isinstance(shown, int):
                    cell.number_format = INTEGER_FORMAT
            if i < 1000:
                widths[j] = max(widths[j], min(MAX_WIDTH, _display_width(shown, kind) + 2))
        if total_row and i == len(values) - 1:
            for j in range(len(columns)):
                cell = ws.cell(row=r, column=j + 1)
                cell.font, cell.border = Font(bold=True), TOTAL_BORDER
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    return first_row


def print_setup(ws: Any, header_row: int, columns: int) -> None:
    """A4, one page wide, the header row on every page, landscape for wide tables."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if columns >= LANDSCAPE_FROM else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def _table_sheet(wb: Any, name: str, frame: pd.DataFrame, table: str, lang: str, scenario: Any,
                 kinds: Mapping[str, str] | None = None) -> Any:
    if len(frame) > MAX_ROWS:
        raise ValueError(f"table '{table}' has {len(frame)} rows, more than an Excel sheet holds")
    ws = wb.create_sheet(name)
    header = write_table(ws, frame, table, lang=lang, scenario=scenario, kinds=kinds)
    ws.freeze_panes = ws.cell(row=header + 1, column=1).coordinate
    if len(frame.columns):
        ws.auto_filter.ref = f"A{header}:{get_column_letter(len(frame.columns))}{header + max(1, len(frame))}"
    print_setup(ws, header, len(frame.columns))
    return ws


def sheet_title(table: str, lang: str) -> str:
    """The sheet name of a table in `lang` (the catalogue's, else the table's code)."""
    return text("sheet." + table, lang) if i18n.has_text("sheet." + table) else table


def write_workbook(
    path: str | Path,
    tables: Mapping[str, pd.DataFrame],
    *,
    kinds: Mapping[str, Mapping[str, str]] | None = None,
    title: str = "sporen results",
    lang: str = "nl",
    scenario: Any = None,
) -> Path:
    """Write each frame to its own sheet (in the mapping's order) and return the path.

    `kinds` may force how columns are shown: {table: {column: 'euro'|'share'|'fte'|'integer'|
    'number'|'text'}}; otherwise `column_kind` guesses from the column's name and type.
    """
    wb = Workbook()
    wb.remove(wb.active)
    _properties(wb, title)
    _add_tables(wb, tables, kinds or {}, lang, scenario)
    return _save(wb, path)


def _add_tables(wb: Any, tables: Mapping[str, pd.DataFrame], kinds: Mapping[str, Mapping[str, str]], lang: str,
                scenario: Any) -> None:
    names = sheet_names([sheet_title(t, lang) for t in tables] if tables else ["empty"])
    for sheet_name, (table, frame) in zip(names, tables.items(), strict=False):
        _table_sheet(wb, sheet_name, frame, table, lang, scenario, kinds.get(table))
    if not tables:
        wb.create_sheet("empty")


def _properties(wb: Any, title: str) -> None:
    wb.properties.title = title
    wb.properties.creator = "sporen"


def _save(wb: Any, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_with(path, wb.save)
    reproducible_zip(path)
    return path


def _label_value(ws: Any, row: int, label: str, value: object, number_format: str | None = None,
                 note: str = "") -> int:
    ws.cell(row=row, column=1, value=label).font = Font(bold=True)
    cell = ws.cell(row=row, column=2, value=value)
    if number_format:
        cell.number_format = number_format
    if isinstance(value, str):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if note:
        ws.cell(row=row, column=3, value=note).alignment = Alignment(wrap_text=True, vertical="top")
    return row + 1


def write_plan_workbook(path: str | Path, tables: Mapping[str, pd.DataFrame], *, scenario: Any, outcome: Any,
                        lang: str = "nl", run: Mapping[str, Any] | None = None) -> Path:
    """results.xlsx of `sporen plan`: the summary sheet, the formation as a council table, then
    every table (see the module docstring)."""
    run = dict(run or {})
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title("overview", lang)
    _properties(wb, text("title.plan", lang, name=scenario.name))
    years = scenario.horizon_years
    subtitle = text("wb.subtitle", lang, name=scenario.name, span=f"{years[0]}-{years[-1]}",
                    date=i18n.month_text(scenario.start, lang), seed=run.get("seed", ""))
    ws["A1"] = text("title.plan", lang, name=scenario.name)
    ws["A1"].font = TITLE_FONT
    ws["A2"] = subtitle
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 44, 20, 70
    verdict = outcome.verdict_code or "does_not_meet"
    row = 4
    row = _label_value(ws, row, text("wb.verdict", lang), text("verdict." + verdict, lang))
    ws.cell(row=4, column=2).font = Font(bold=True, color={"meets": "1B7F3B", "on_the_edge": "B26B00"}.get(
        verdict, "B42318"))
    row = _label_value(ws, row, text("wb.target", lang), outcome.target_text)
    if outcome.probability is not None:
        note = ""
        if outcome.probability_ci is not None:
            note = text("wb.probability_note", lang, low=i18n.percent(outcome.probability_ci[0], lang),
                        high=i18n.percent(outcome.probability_ci[1], lang), n=outcome.verification_replications)
        row = _label_value(ws, row, text("card.probability", lang), float(outcome.probability), "0%", note)
    if outcome.required_probability is not None:
        row = _label_value(ws, row, text("wb.required", lang), float(outcome.required_probability), "0%")
    summary = tables.get("summary")
    cost = float(outcome.total_cost or 0)
    row = _label_value(ws, row, text("wb.cost", lang), int(round(cost)), EURO_FORMAT, text("wb.cost_note", lang))
    if summary is not None and len(summary):
        without = int(summary["result_after_vangnet_without_plan"].sum())
        with_plan = int(summary["result_after_vangnet_with_plan"].sum())
        row = _label_value(ws, row, text("card.without", lang), without, EURO_FORMAT, text("wb.below_zero", lang))
        row = _label_value(ws, row, text("wb.with", lang), with_plan, EURO_FORMAT)
        row = _label_value(ws, row, text("wb.net", lang), int(round(with_plan - without - cost)), EURO_FORMAT,
                           text("wb.net_note", lang))
    row += 1
    ws.cell(row=row, column=1, value=text("summary.plan_heading", lang)).font = Font(bold=True)
    row += 1
    for line in outcome.plan_lines or [text("summary.no_change", lang)]:
        ws.cell(row=row, column=1, value=f"• {line}")
        row += 1
    if verdict != "meets" and outcome.next_steps:
        row += 1
        ws.cell(row=row, column=1, value=text("next.heading", lang)).font = Font(bold=True, color="B42318")
        row += 1
        for i, step in enumerate(outcome.next_steps, start=1):
            ws.cell(row=row, column=1, value=f"{i}. {step.words(lang)}")
            row += 1
    row += 1
    if summary is not None and len(summary):
        ws.cell(row=row, column=1, value=text("wb.yearly", lang)).font = Font(bold=True)
        total: dict[str, Any] = {c: "" for c in summary.columns}
        total["year"] = text("total", lang)
        for c in ("result_after_vangnet_without_plan", "result_after_vangnet_with_plan", "plan_extra_cost"):
            total[c] = summary[c].sum()
        frame = pd.concat([summary, pd.DataFrame([total])], ignore_index=True)
        frame = frame.drop(columns=[c for c in frame.columns if c.endswith(("_p5", "_p95"))])
        header = write_table(ws, frame, "summary", lang=lang, scenario=scenario, total_row=True, first_row=row + 1)
        for j in range(1, 5):   # the summary's columns are wider than the sentences' layout
            ws.column_dimensions[get_column_letter(j)].width = max(ws.column_dimensions[get_column_letter(j)].width,
                                                                   [44, 20, 22, 18][j - 1])
        chart = BarChart()
        chart.type, chart.grouping = "col", "clustered"
        chart.title = text("fig.result.title", lang)
        chart.y_axis.title = "€"
        chart.y_axis.numFmt = '#,##0'
        data = Reference(ws, min_col=2, max_col=3, min_row=header, max_row=header + len(summary))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=header + len(summary)))
        chart.height, chart.width = 7.5, 16
        ws.add_chart(chart, f"A{header + len(frame) + 3}")
    for r in range(4, row):
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    print_setup(ws, 1, 3)
    ws.print_title_rows = None

    formation = tables.get("formation")
    rest = {k: v for k, v in tables.items() if k not in ("formation",)}
    if "verification" in rest and "target" in rest["verification"] and outcome.target_text:
        rest["verification"] = rest["verification"].assign(target=outcome.target_text)   # the CSV keeps English
    if formation is not None and len(formation):
        _formation_sheet(wb, formation, scenario, lang, subtitle)
    _add_tables(wb, rest, {"verification": {"budget_sims": "integer", "sims_used": "integer", "plan_cost": "euro"},
                           "tradeoff": {"probability": "share", "target_level": "euro"}}, lang, scenario)
    return _save(wb, path)


def _formation_sheet(wb: Any, formation: pd.DataFrame, scenario: Any, lang: str, subtitle: str) -> None:
    """The formation as a council table: title, scenario and reference date, the table with its
    total row set apart, and a chart of fte now against planned per role."""
    ws = wb.create_sheet(sheet_title("formation", lang))
    ws["A1"] = text("wb.formation_title", lang, name=scenario.name)
    ws["A1"].font = TITLE_FONT
    ws["A2"] = subtitle
    shown = formation.drop(columns=[c for c in ("function",) if c in formation.columns]).copy()
    shown["role"] = [text("total", lang) if str(r) == "total" else scenario.label(str(r), lang) for r in shown["role"]]
    if "arrives" in shown:
        shown["arrives"] = [i18n.month_text(a, lang) if isinstance(a, str) and re.fullmatch(r"\d{4}-\d{2}", a) else a
                            for a in shown["arrives"]]
    is_total = str(formation["role"].iloc[-1]) == "total"
    header = write_table(ws, shown, "formation", lang=lang, scenario=None, total_row=is_total, first_row=4,
                         kinds={"fte_now": "fte", "fte_planned": "fte", "change": "fte"})
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width, 34)
    ws.freeze_panes = ws.cell(row=header + 1, column=2).coordinate
    print_setup(ws, header, len(shown.columns))
    ws.page_setup.orientation = "landscape"
    roles = len(shown) - (1 if is_total else 0)
    chart = BarChart()
    chart.type, chart.grouping = "bar", "clustered"
    chart.title = text("wb.formation_chart", lang)
    chart.x_axis.title = None
    chart.y_axis.title = "fte"
    data = Reference(ws, min_col=2, max_col=3, min_row=header, max_row=header + roles)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=header + roles))
    chart.height, chart.width = max(6.0, 1.1 * roles + 2), 16
    ws.add_chart(chart, f"A{header + len(shown) + 3}")


def read_workbook(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every sheet as a frame, keyed by sheet name (header row = column names)."""
    return pd.read_excel(path, sheet_name=None, engine="openpyxl")
