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

Every text is written as text (`put`): a municipality named ``=HYPERLINK(...)`` or ``#N/A`` is a
string in the file, never a formula or an error value, and characters XML cannot hold are
replaced. Wrapped cells get row heights (`fit_rows`), so LibreOffice, which does not measure
them itself, shows every line; tables show what a person reads (`outputs.person_tables`: words
for codes, no empty sheets or columns, probabilities as percentages).

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
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from sporen.common import i18n
from sporen.common.files import reproducible_zip, write_with
from sporen.common.i18n import text, text_n
from sporen.outputs.labels import column_label, kpi_label, kpi_unit, unit_words, value_label
from sporen.outputs.person_tables import for_person, share_columns

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
        base = ILLEGAL_CHARACTERS_RE.sub("", _INVALID_SHEET.sub("_", str(name))).strip("'").strip() or "sheet"
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


def clean(words: str) -> str:
    """A text XML can hold: control characters (other than tab and newline) become '\ufffd'."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", words)


def put(ws: Any, row: int, column: int, value: object) -> Any:
    """Write one cell; a text always as text (never a formula, an error value or an invalid character)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = clean(value)
        cell.data_type = "s"   # openpyxl would take '=...' for a formula and '#N/A' for an error
    else:
        cell.value = value
    return cell


LINE_HEIGHT = 15.0
"""Points per line of 11-point text (LibreOffice and Excel's default row is 15 pt)."""
CHAR_WIDTH = 1.1
"""A column width counts characters of the default font ('0'); bold and capitals run about 10% wider,
so a text is measured as if it were all bold: a row rather too high than a line cut off."""


def _lines(value: object, width: float) -> int:
    """Lines a text takes in a wrapped cell `width` characters wide (words are not broken)."""
    count = 0
    for paragraph in str(value).split("\n"):
        line, lines = 0.0, 1
        for word in paragraph.split():
            size = len(word) * CHAR_WIDTH
            if line and line + 1 + size > width:
                lines, line = lines + 1, size
            else:
                line += (1 if line else 0) + size
        count += lines
    return max(1, count)


def _merged_width(ws: Any) -> dict[str, float]:
    """The width of each merged range's first cell: the sum of its columns."""
    widths = {}
    for merged in ws.merged_cells.ranges:
        total = sum((ws.column_dimensions[get_column_letter(c)].width or 8.43)
                    for c in range(merged.min_col, merged.max_col + 1))
        widths[f"{get_column_letter(merged.min_col)}{merged.min_row}"] = total
    return widths


def fit_rows(ws: Any) -> None:
    """Row heights for every row with wrapped text: as many lines as its longest wrapped cell needs
    (LibreOffice shows a stored height, and overlaps the next row without one)."""
    merged = _merged_width(ws)
    heights: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or not (cell.alignment is not None and cell.alignment.wrap_text):
                continue
            width = merged.get(cell.coordinate) or ws.column_dimensions[cell.column_letter].width or 8.43
            lines = _lines(cell.value, max(1.0, width - 1))
            heights[cell.row] = max(heights.get(cell.row, 1), lines)
    for r, lines in heights.items():
        if lines > 1:
            ws.row_dimensions[r].height = round(lines * LINE_HEIGHT + 2, 1)


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
            "comparison_totals": "unit", "gain_decomposition": "unit"}
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
        if column == "unit":
            return unit_words(value, lang)
    return value


def write_table(ws: Any, frame: pd.DataFrame, table: str, *, lang: str = "nl", scenario: Any = None,
                kinds: Mapping[str, str] | None = None, first_row: int = 1, total_row: bool = False) -> int:
    """Write `frame` at `first_row` of `ws` with a header in words; return the header's row number."""
    forced = dict(kinds or {})
    columns = list(frame.columns)
    col_kinds = [forced.get(c) or column_kind(c, frame[c]) for c in columns]
    headers = [column_label(table, str(c), lang) for c in columns]
    for j, header in enumerate(headers, start=1):
        cell = put(ws, first_row, j, header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    unit_column = ROW_UNIT.get(table)
    # a header wraps over at most three lines and never breaks a word: as wide as its longest word
    widths = [min(MAX_WIDTH, max(MIN_WIDTH, int(max(len(h) / 3, max(map(len, h.split() or [""])) * CHAR_WIDTH)) + 2))
              for h in headers]
    values: Any = frame.to_numpy(dtype=object) if len(frame) else []
    for i, row in enumerate(values):
        r = first_row + 1 + i
        row_kind = _row_kind(table, row[columns.index(unit_column)]) if unit_column in columns else None
        for j, (column, value) in enumerate(zip(columns, row, strict=True)):
            shown = _shown(value, str(column), scenario, lang)
            cell = put(ws, r, j + 1, shown)
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
        if any(isinstance(v, str) and len(v) > MAX_WIDTH for v in row[:]):
            for j in range(len(columns)):
                ws.cell(row=r, column=j + 1).alignment = Alignment(vertical="top", wrap_text=True)
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
    """One sheet per table a person reads (`outputs.person_tables`); tables without rows are left out."""
    shown = {t: f for t, f in ((t, for_person(t, frame, scenario, lang)) for t, frame in tables.items())
             if f is not None}
    names = sheet_names([sheet_title(t, lang) for t in shown] if shown else [text("sheet.empty", lang)])
    for sheet_name, (table, frame) in zip(names, shown.items(), strict=False):
        forced = {**share_columns(table), **kinds.get(table, {})}
        if table in FIELD_TABLES and len(frame) <= 3:
            _fields_sheet(wb, sheet_name, frame, table, lang, forced)
        else:
            fit_rows(_table_sheet(wb, sheet_name, frame, table, lang, scenario, forced))
    if not shown:
        put(wb.create_sheet(names[0]), 1, 1, text("sheet.empty_note", lang))


FIELD_TABLES = {"verification"}
"""Tables of one row with many columns: written as label | value rows (readable on a portrait page)."""


def _fields_sheet(wb: Any, name: str, frame: pd.DataFrame, table: str, lang: str,
                  kinds: Mapping[str, str]) -> Any:
    """A short wide table turned on its side: one row per column (its label), one column per row."""
    ws = wb.create_sheet(name)
    ws.column_dimensions["A"].width = 40
    for i in range(len(frame)):
        ws.column_dimensions[get_column_letter(i + 2)].width = 60
        header = put(ws, 1, i + 2, text("wb.value", lang) if len(frame) == 1 else str(i + 1))
        header.font, header.fill, header.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    first = put(ws, 1, 1, text("wb.field", lang))
    first.font, first.fill, first.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    for r, column in enumerate(frame.columns, start=2):
        put(ws, r, 1, column_label(table, str(column), lang)).alignment = Alignment(wrap_text=True, vertical="top")
        kind = kinds.get(column) or column_kind(column, frame[column])
        for i, value in enumerate(frame[column].tolist()):
            cell = put(ws, r, i + 2, _cell_value(value))
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and kind in _FORMATS:
                cell.number_format = _FORMATS[kind]
    print_setup(ws, 1, 2)
    fit_rows(ws)
    return ws


def _properties(wb: Any, title: str) -> None:
    wb.properties.title = clean(title)
    wb.properties.creator = "sporen"


def _save(wb: Any, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_with(path, wb.save)
    reproducible_zip(path)
    return path


SUMMARY_WIDTHS = (44, 18, 18, 18, 36)
"""The summary sheet's columns: labels, then values (and the yearly table's numbers), then notes."""
LAST = "E"


def _label_value(ws: Any, row: int, label: str, value: object, number_format: str | None = None,
                 note: str = "") -> int:
    """A summary line: its label (A), its value (B; a sentence runs on to E when there is no note)
    and a note (C to E)."""
    put(ws, row, 1, label).font = Font(bold=True)
    ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    cell = put(ws, row, 2, value)
    if number_format:
        cell.number_format = number_format
    cell.alignment = Alignment(wrap_text=isinstance(value, str), vertical="top", horizontal="left")
    if isinstance(value, str) and not note:
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
    if note:
        put(ws, row, 3, note).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
    return row + 1


def _sentence(ws: Any, row: int, words: str, font: Font | None = None) -> int:
    """A sentence over the sheet's width (A:E merged, wrapped)."""
    cell = put(ws, row, 1, words)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if font is not None:
        cell.font = font
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
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
    for letter, width in zip("ABCDE", SUMMARY_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    put(ws, 1, 1, text("title.plan", lang, name=scenario.name)).font = TITLE_FONT
    _sentence(ws, 2, subtitle)
    row = _summary_lines(ws, 4, tables.get("summary"), outcome, lang)
    row = _summary_year_table(ws, row, tables.get("summary"), scenario, lang)
    fit_rows(ws)
    print_setup(ws, 1, 5)
    ws.page_setup.orientation = "portrait"
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


def _summary_lines(ws: Any, row: int, summary: pd.DataFrame | None, outcome: Any, lang: str) -> int:
    """The summary sheet's lines: verdict, target, probability, cost and result; the plan in words;
    what to do next. Returns the next free row."""
    verdict = outcome.verdict_code or "does_not_meet"
    first = row
    row = _label_value(ws, row, text("wb.verdict", lang), text("verdict." + verdict, lang))
    ws.cell(row=first, column=2).font = Font(bold=True, color={"meets": "1B7F3B", "on_the_edge": "B26B00"}.get(
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
    cost = float(outcome.total_cost or 0)
    row = _label_value(ws, row, text("wb.cost", lang), int(round(cost)), EURO_FORMAT, text("wb.cost_note", lang))
    if summary is not None and len(summary):
        without = int(summary["result_after_vangnet_without_plan"].sum())
        with_plan = int(summary["result_after_vangnet_with_plan"].sum())
        row = _label_value(ws, row, text("card.without", lang), without, EURO_FORMAT, text("wb.below_zero", lang))
        row = _label_value(ws, row, text("wb.with", lang), with_plan, EURO_FORMAT)
        row = _label_value(ws, row, text("wb.net", lang), int(round(with_plan - without - cost)), EURO_FORMAT,
                           text("wb.net_note", lang))
    small = getattr(outcome, "small_samples", None)
    if small:
        row = _sentence(ws, row + 1, small, Font(italic=True))
    row = _sentence(ws, row + 1, text("summary.plan_heading", lang), Font(bold=True))
    for line in outcome.plan_lines or [text("summary.no_change", lang)]:
        row = _sentence(ws, row, f"• {line}")
    if verdict != "meets" and outcome.next_steps:
        row = _sentence(ws, row + 1, text("next.heading", lang), Font(bold=True, color="B42318"))
        for i, step in enumerate(outcome.next_steps, start=1):
            row = _sentence(ws, row, f"{i}. {step.words(lang)}")
    return row + 1


def _summary_year_table(ws: Any, row: int, summary: pd.DataFrame | None, scenario: Any, lang: str) -> int:
    """The result per year without and with the plan (a total row), and its bar chart."""
    if summary is None or not len(summary):
        return row
    put(ws, row, 1, text_n("wb.yearly", len(scenario.municipalities), lang)).font = Font(bold=True)
    total: dict[str, Any] = {c: "" for c in summary.columns}
    total["year"] = text("total", lang)
    for c in ("result_after_vangnet_without_plan", "result_after_vangnet_with_plan", "plan_extra_cost"):
        total[c] = summary[c].sum()
    frame = pd.concat([summary, pd.DataFrame([total])], ignore_index=True)
    frame = frame.drop(columns=[c for c in frame.columns if c.endswith(("_p5", "_p95"))])
    header = write_table(ws, frame, "summary", lang=lang, scenario=scenario, total_row=True, first_row=row + 1)
    for letter, width in zip("ABCDE", SUMMARY_WIDTHS, strict=True):   # the sentences' layout keeps its widths
        ws.column_dimensions[letter].width = width
    for j in range(1, len(frame.columns) + 1):
        ws.cell(row=header, column=j).alignment = Alignment(wrap_text=True, vertical="top")
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    chart.title = text("fig.result.title", lang)
    chart.y_axis.title = "€"
    chart.y_axis.numFmt = '#,##0'
    chart.x_axis.tickLblPos = "low"   # the years below the bars, not on the zero line among them
    data = Reference(ws, min_col=2, max_col=3, min_row=header, max_row=header + len(summary))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=header + len(summary)))
    chart.height, chart.width = 7.5, 16
    ws.add_chart(chart, f"A{header + len(frame) + 3}")
    return header + len(frame) + 1


def _formation_sheet(wb: Any, formation: pd.DataFrame, scenario: Any, lang: str, subtitle: str) -> None:
    """The formation as a council table: title, scenario and reference date, the table with its
    total row set apart, and a chart of fte now against planned per role."""
    ws = wb.create_sheet(sheet_title("formation", lang))
    put(ws, 1, 1, text("wb.formation_title", lang, name=scenario.name)).font = TITLE_FONT
    put(ws, 2, 1, subtitle)
    shown = formation.drop(columns=[c for c in ("function",) if c in formation.columns]).copy()
    empty = [c for c in shown.columns if shown[c].map(lambda v: v is None or v == "" or pd.isna(v)).all()]
    shown = shown.drop(columns=empty)
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
    fit_rows(ws)


def read_workbook(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every sheet as a frame, keyed by sheet name (header row = column names)."""
    return pd.read_excel(path, sheet_name=None, engine="openpyxl")
