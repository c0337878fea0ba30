"""Which assumptions decide the answer: the report's section, the tornado figure, the workbook's tables.

Works on the tables `sporen sensitivity` computes (`SensitivityTables`: Sobol indices, tornado,
robustness), so `sporen plan`, `sporen sensitivity` and the what-if page show the same words.
Assumptions are named in words (`factor_label`): the field's name from the catalogue with the
track, role or instrument it belongs to; the noise row is 'chance' (the clients' own randomness).
"""

from __future__ import annotations

import html
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sporen.common import i18n
from sporen.common.i18n import has_text, text
from sporen.inputs.schema import Scenario
from sporen.outputs.figures import PRINT_WIDTH_IN, Figure

NOISE = "seed"
TARGET_OUTPUT = "target_years"
PROBABILITY_OUTPUT = "probability"


@dataclass
class SensitivityTables:
    """What the analysis found, as tables (see `sensitivity.analysis.Sensitivity`)."""

    indices: pd.DataFrame
    tornado: pd.DataFrame
    robustness: pd.DataFrame
    metamodel: pd.DataFrame
    ranked: list[str]
    runs: int
    base: int
    futures: int
    required: float
    from_year: int


def factor_label(name: str, scenario: Scenario | None, lang: str) -> str:
    """An assumption in words: 'effect van een klantmanager op werk (Werkspoor)'."""
    if name == NOISE:
        return text("sens.noise", lang)
    parts = name.split(".")
    field = parts[-1]
    words = text(f"sens.field.{field}", lang) if has_text(f"sens.field.{field}") else name
    if words == name or len(parts) < 3:
        return words
    item = parts[1]
    shown = text("sens.every", lang) if item == "*" else (scenario.label(item, lang) if scenario else item)
    return f"{words} ({shown})"


def _range_text(low: float, high: float, lang: str) -> str:
    return f"{i18n.decimal(low, lang)}-{i18n.decimal(high, lang)}"


# -- tables a person reads -----------------------------------------------------------------------
def indices_display(tables: SensitivityTables, scenario: Scenario | None, lang: str) -> pd.DataFrame:
    """Per assumption (most influential first): total and first-order index with their intervals,
    for the result over the target years and for meeting the target."""
    rows = []
    ind = tables.indices
    for output in (TARGET_OUTPUT, PROBABILITY_OUTPUT):
        part = ind[ind["output"] == output].set_index("factor")
        order = [f for f in tables.ranked if f in part.index] + ([NOISE] if NOISE in part.index else [])
        for name in order:
            r = part.loc[name]
            rows.append({
                text("sens.col.output", lang): text(f"sens.output.{output}", lang),
                text("sens.col.assumption", lang): factor_label(name, scenario, lang),
                text("sens.col.total", lang): _index_text(r, "total", lang),
                text("sens.col.first", lang): _index_text(r, "first", lang),
            })
    return pd.DataFrame(rows)


def _index_text(row: Any, column: str, lang: str) -> str:
    """'0,21 (0,12 - 0,30)': an index with its 95% interval."""
    value, low, high = (float(row[column + end]) for end in ("", "_low", "_high"))
    if pd.isna(value):
        return text("sens.no_variation", lang)
    shown = [i18n.decimal(round(v, 2), lang) for v in (value, low, high)]
    return f"{shown[0]} ({shown[1]} - {shown[2]})"


def robustness_words(tables: SensitivityTables, scenario: Scenario | None, lang: str) -> list[str]:
    """The robustness check in sentences: 'het plan haalt het doel ook als ...' or what breaks it."""
    table = tables.robustness
    ones = table[table["case"] == "one"]
    together = table[table["case"] == "together"]
    if ones.empty:
        return [text("sens.robust.none", lang)]
    centre = table[table["case"] == "centre"]
    lines = []
    if len(centre) and centre["verdict"].iloc[0] != "meets":
        key = "sens.robust.centre_fails" if centre["verdict"].iloc[0] == "does_not_meet" else "sens.robust.centre_edge"
        lines.append(text(key, lang, share=i18n.percent(float(centre["share"].iloc[0]), lang),
                          n=int(centre["futures"].iloc[0])))
        if key == "sens.robust.centre_fails":
            return lines
    described = [_pessimistic(row, tables, scenario, lang) for _, row in ones.iterrows()]
    for verdict in ("meets", "on_the_edge", "does_not_meet"):
        cases = [d for d, v in zip(described, ones["verdict"], strict=True) if v == verdict]
        if cases:
            lines.append(text(f"sens.robust.one_{verdict}", lang, cases=i18n.words(cases, lang)))
    if len(together):
        row = together.iloc[0]
        lines.append(text(f"sens.robust.together_{row['verdict']}", lang, n=len(ones),
                          share=i18n.percent(float(row["share"]), lang)))
    return lines


def _pessimistic(row: pd.Series, tables: SensitivityTables, scenario: Scenario | None, lang: str) -> str:
    tornado = tables.tornado.set_index("factor").loc[row["factors"]]
    end = "low" if f"{float(tornado['low']):g}" == str(row["values"]) else "high"
    return text(f"sens.robust.at_{end}", lang, assumption=factor_label(str(row["factors"]), scenario, lang),
                value=i18n.decimal(float(row["values"]), lang), share=i18n.percent(float(row["share"]), lang))


def robustness_display(tables: SensitivityTables, scenario: Scenario | None, lang: str) -> pd.DataFrame:
    """The robustness rows in words: the case, the share of futures meeting the target, met or not."""
    rows = []
    for _, row in tables.robustness.iterrows():
        if row["case"] == "centre":
            case = text("sens.case.centre", lang)
        elif row["case"] == "one":
            case = factor_label(str(row["factors"]), scenario, lang) + " = " + i18n.decimal(float(row["values"]), lang)
        else:
            case = text("sens.case.together", lang)
        rows.append({text("sens.col.case", lang): case,
                     text("sens.col.result", lang): i18n.money(float(row["result"]), lang),
                     text("sens.col.share", lang): i18n.percent(float(row["share"]), lang),
                     text("sens.col.share_interval", lang): f"{i18n.percent(float(row['share_low']), lang)} - "
                                                            f"{i18n.percent(float(row['share_high']), lang)}",
                     text("sens.col.meets", lang): text(f"verdict.short.{row['verdict']}", lang)})
    return pd.DataFrame(rows)


def workbook_tables(tables: SensitivityTables, scenario: Scenario | None, lang: str) -> dict[str, pd.DataFrame]:
    """The sheets results.xlsx gets: robustness (with the sentences), indices, tornado."""
    words = pd.DataFrame({text("sens.col.conclusion", lang): robustness_words(tables, scenario, lang)})
    tornado = tables.tornado.assign(factor=[factor_label(f, scenario, lang) for f in tables.tornado["factor"]])
    return {"sensitivity_conclusion": words, "robustness": robustness_display(tables, scenario, lang),
            "sensitivity_indices": indices_display(tables, scenario, lang), "tornado": tornado}


# -- the figure ----------------------------------------------------------------------------------
def tornado_figure(tables: SensitivityTables, scenario: Scenario | None, lang: str) -> Figure:
    """Two panels side by side: the mean yearly result after vangnet and the share of futures meeting
    the target, each assumption's bar from its low end to its high end (widest on top)."""
    import matplotlib

    from sporen.outputs.figures import _RC

    with matplotlib.rc_context({**_RC, "axes.grid": False}):
        return _draw_tornado(tables, scenario, lang)


def _draw_tornado(tables: SensitivityTables, scenario: Scenario | None, lang: str) -> Figure:
    frame = tables.tornado
    labels = [textwrap.fill(factor_label(f, scenario, lang), 32) for f in frame["factor"]]
    fig = MplFigure(figsize=(PRINT_WIDTH_IN, 0.45 * max(3, len(frame)) + 1.2))   # no pyplot: the page draws in threads
    axes = fig.subplots(1, 2, sharey=True)
    panels = [("result", text("sens.fig.result_axis", lang), lambda v: i18n.money_axis(v, lang)),
              ("share", text("sens.fig.share_axis", lang), lambda v: i18n.percent(v, lang))]
    for ax, (measure, title, shown) in zip(axes, panels, strict=True):
        centre = float(frame[f"{measure}_centre"].iloc[0]) if len(frame) else 0.0
        for y, (_, row) in enumerate(frame.iterrows()):
            for end, colour in (("low", "#4477aa"), ("high", "#ee6677")):
                value = float(row[f"{measure}_{end}"])
                ax.barh(y, value - centre, left=centre, color=colour, height=0.6,
                        label=text(f"sens.fig.{end}", lang) if y == 0 else None)
        ax.axvline(centre, color="black", linewidth=0.8)
        if measure == "share":
            ax.axvline(tables.required, color="grey", linestyle="--", linewidth=0.8)
        if measure == "share":
            ax.set_xlim(-0.02, 1.02)
        ax.set_title(textwrap.fill(title, 34), fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p, f=shown: f(v)))
        ax.tick_params(labelsize=7)
    axes[0].set_yticks(range(len(labels)), labels, fontsize=7)
    axes[0].invert_yaxis()
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, fontsize=7, loc="lower center", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    return Figure(key="tornado", title=text("sens.fig.title", lang),
                  caption=text("sens.fig.caption", lang, n=tables.futures), alt=text("sens.fig.alt", lang),
                  svg=svg[svg.index("<svg"):])


# -- the section ---------------------------------------------------------------------------------
def sensitivity_body(tables: SensitivityTables, scenario: Scenario | None, lang: str) -> str:
    """The section's HTML: the robustness sentences, the tornado, the indices table, the method."""
    from sporen.outputs.report import figure_html, html_table

    esc = html.escape
    words = "".join(f"<li>{esc(line)}</li>" for line in robustness_words(tables, scenario, lang))
    intro = text("sens.intro", lang, runs=i18n.number(tables.runs, lang), base=tables.base, futures=tables.futures)
    return (f"<p>{esc(intro)}</p><ul>{words}</ul>" + figure_html(tornado_figure(tables, scenario, lang))
            + html_table(robustness_display(tables, scenario, lang), lang=lang)
            + f"<p>{esc(text('sens.indices_intro', lang))}</p>"
            + html_table(indices_display(tables, scenario, lang), lang=lang)
            + f'<p class="note">{esc(text("sens.method", lang))}</p>')


def sensitivity_section(tables: SensitivityTables | None, scenario: Scenario | None, lang: str):  # -> Section | None
    """The report's section (None when no analysis was run)."""
    from sporen.outputs.report import Section

    if tables is None:
        return None
    return Section("sensitivity", text("sens.heading", lang), sensitivity_body(tables, scenario, lang))


def summary_lines(tables: SensitivityTables | None, scenario: Scenario | None, lang: str) -> Sequence[str]:
    """The robustness sentences for the report's summary (none without an analysis)."""
    return robustness_words(tables, scenario, lang) if tables is not None else []


def add_to_report(sections: list, tables: SensitivityTables, scenario: Scenario | None, lang: str) -> None:
    """The plan report's hook: the robustness sentences at the end of the summary, the section last so far."""
    summary = next((s for s in sections if s is not None and s.key == "summary"), None)
    if summary is not None:
        words = "".join(f"<li>{html.escape(line)}</li>" for line in robustness_words(tables, scenario, lang))
        heading = html.escape(text("sens.summary_heading", lang))
        summary.body += f'<div class="robustness"><p><b>{heading}</b></p><ul>{words}</ul></div>'
    sections.append(sensitivity_section(tables, scenario, lang))
