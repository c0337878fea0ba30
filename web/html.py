"""Small HTML pieces of the what-if page: tables whose cells carry their exact values, problem
lists, number formats by kind, and the page's style sheet."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from shiny import ui

from sporen.common import i18n
from sporen.common.errors import Problem
from sporen.common.i18n import text

MISSING = "–"
_FORMATS = {
    "euro": lambda v, lang: i18n.money(v, lang),
    "signed": lambda v, lang: i18n.money_signed(v, lang),
    "fte": lambda v, lang: i18n.fte(v, lang),
    "share": lambda v, lang: i18n.percent(v, lang),
    "number": lambda v, lang: i18n.number(v, lang, 1),
    "int": lambda v, lang: i18n.number(v, lang),
}


def fmt(value: Any, kind: str, lang: str) -> str:
    """A value shown as its kind (euro, signed: euro with +, fte, share, number, int, text), formatted
    by `common.i18n` as the report does; '–' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if kind in _FORMATS:
        return _FORMATS[kind](float(value), lang) or MISSING
    return str(value)


def table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, str]], lang: str, table_id: str,
          total: dict[str, Any] | None = None) -> ui.Tag:
    """An HTML table; each cell carries its exact value in data-value (the browser test reads it)."""
    head = ui.tags.thead(ui.tags.tr(*[ui.tags.th(label, class_="num" if kind not in ("text",) else None)
                                      for _, label, kind in columns]))
    rows = []
    for record in frame.to_dict("records") + ([total] if total else []):
        cells = []
        for key, _, kind in columns:
            value = record.get(key)
            if record is total and key not in record:
                cells.append(ui.tags.td("", {"data-col": key, "data-value": ""}))
                continue
            raw = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
            cells.append(ui.tags.td(fmt(value, kind, lang), {"data-col": key, "data-value": raw},
                                    class_="num" if kind != "text" else None))
        rows.append(ui.tags.tr(*cells, class_="total" if record is total else None))
    return ui.tags.table(head, ui.tags.tbody(*rows), class_="table table-sm whatif", id=table_id)


def diff_text(mean: float, low: float, high: float, lang: str) -> str:
    """+€ 12.345 (+€ 10.000 … +€ 14.690): a paired difference with its 95% interval."""
    return f"{fmt(mean, 'signed', lang)} ({fmt(low, 'signed', lang)} … {fmt(high, 'signed', lang)})"


def problems_box(problems: Sequence[Problem], lang: str, box_id: str) -> ui.Tag:
    """Every problem on its own line, as the command line prints them (file: path: what is wrong (allowed))."""
    return ui.div(ui.tags.b(text("web.problems", lang)),
                  ui.tags.ul(*[ui.tags.li(str(p)) for p in problems[:30]]),
                  class_="alert alert-warning problems", id=box_id, role="alert")


CSS = """
.whatif td.num, .whatif th.num { text-align: right; font-variant-numeric: tabular-nums; }
.whatif tr.total td { font-weight: 600; border-top: 2px solid #999; }
.verdict-meets { color: #1a7f37; } .verdict-does_not_meet { color: #b42318; } .verdict-on_the_edge { color: #b54708; }
.chart svg { max-width: 100%; height: auto; }
.ctl-hint { font-size: .8rem; color: #666; }
.places-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(4.2rem, 1fr)); gap: .25rem; }
.places-grid .form-group { margin-bottom: .25rem; }
.status-line { min-height: 1.6rem; font-size: .9rem; color: #555; }
/* while a new plan is simulated the old numbers are dimmed: they are not the controls' numbers */
.results { transition: opacity .15s; }
body:has(#status-line[data-busy="1"]) .results, body:has(#control-problems) .results { opacity: .35; }
.bslib-value-box .value-box-value { font-size: 1.3rem; white-space: nowrap; }
.bslib-value-box .value-box-title { font-size: .9rem; }
"""
