"""What `sporen monitor` writes for a person: the flag in words, the fan chart, the report and the
workbook sheets (in the run's language; the CSV files keep codes and plain numbers).

* `flag_words`: one sentence (Dutch unless English is asked) saying whether the actuals stay
  inside the plan's 90% band (its forecast's 5th to 95th percentile per month) and, when not,
  which months, municipalities and measures leave it;
* `fan_figure`: left, the caseload of all municipalities: the plan's forecast (mean and 90% band),
  the re-forecast from the month after the last actual (median, 50% and 90% bands) and the actuals
  as dots; right, the BUIG spending per year: the plan's forecast and the re-forecast (mean with
  5-95% whiskers) against the BUIG budget;
* `monitor_report`: the report (flag, figure, per-year table, actuals against the band, method);
* `person_tables`: the two tables with words for codes, for the workbook and the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sporen.common import i18n  # noqa: E402
from sporen.common.i18n import text  # noqa: E402
from sporen.outputs.figures import _RC, BASE_COLOUR, PRINT_WIDTH_IN, Figure, _euro_axis, _finish  # noqa: E402
from sporen.outputs.labels import value_label  # noqa: E402
from sporen.outputs.report import (
    Section,
    _esc,
    appendix_section,
    figure_html,
    html_table,
    page,
    vangnet_rules_html,  # noqa: E402
)

MEASURE_KEYS = ("caseload", "inflow", "outflow", "outflow_work", "spending", "buig_result", "vangnet",
                "result_after_vangnet")
REFORECAST_COLOUR, ACTUAL_COLOUR, BUDGET_LINE = "#D55E00", "#000000", "#000000"
MAX_FLAGGED = 8
"""At most this many observations are named in the flag's sentence (the table lists all)."""


def measure_words(code: str, lang: str) -> str:
    return text(f"monitor.measure.{code}", lang) if code in MEASURE_KEYS else code


def _number(value: float, measure: str, lang: str) -> str:
    if measure in ("spending", "buig_result", "vangnet", "result_after_vangnet"):
        return i18n.money(float(value), lang)
    value = float(value)
    return i18n.number(value, lang, digits=0 if value.is_integer() else 1)   # a band edge of 115.4 is not 115


def flag_words(check: pd.DataFrame, last_month: str, lang: str = "nl") -> tuple[bool, str]:
    """(outside, the sentence): do the actuals leave the plan's 90% band, and where."""
    outside = check[check["outside"]]
    if outside.empty:
        return False, text("monitor.flag.inside", lang, n=len(check), month=last_month)
    cells = []
    for row in outside.head(MAX_FLAGGED).to_dict("records"):
        who = text("all_municipalities", lang) if row["municipality"] == "all" else str(row["municipality"])
        measure = str(row["measure"])
        cells.append(text("monitor.flag.cell", lang, who=who, month=row["month"], measure=measure_words(measure, lang),
                          actual=_number(row["actual"], measure, lang), low=_number(row["plan_p05"], measure, lang),
                          high=_number(row["plan_p95"], measure, lang)))
    more = len(outside) - len(cells)
    listed = "; ".join(cells) + (text("monitor.flag.more", lang, n=more) if more > 0 else "")
    return True, text("monitor.flag.outside", lang, n=len(outside), total=len(check), cells=listed)


def together(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One row per year for all municipalities: the row 'all', or the one municipality of that year."""
    rows = table[table["measure"] == measure]
    several = rows.groupby("year")["municipality"].transform("nunique") > 1
    return rows[~several | (rows["municipality"] == "all")].reset_index(drop=True)


def year_lines(table: pd.DataFrame, lang: str = "nl") -> list[str]:
    """Per year, all municipalities: the re-forecast BUIG result after vangnet with its 90% band,
    against the plan's forecast and the budget."""
    rows = together(table, "result_after_vangnet")
    spent = together(table, "spending")
    spending = dict(zip(spent["year"], spent["reforecast_mean"], strict=True))
    out = []
    for row in rows.to_dict("records"):
        out.append(text("monitor.year", lang, year=row["year"], mean=i18n.money(row["reforecast_mean"], lang),
                        low=i18n.money(row["reforecast_p05"], lang), high=i18n.money(row["reforecast_p95"], lang),
                        plan=i18n.money(row["plan_mean"], lang), change=i18n.money_signed(row["change"], lang),
                        spending=i18n.money(float(spending[row["year"]]), lang),
                        budget=i18n.money(row["buig_budget"], lang)))
    return out


# -- the figure ------------------------------------------------------------------------------------
def _dates(months: Any) -> pd.Series:
    return pd.to_datetime(pd.Series(list(months)).astype(str) + "-01") + pd.offsets.MonthEnd(0)


def _quantiles(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    per = frame.groupby(["replication", "month"], sort=True)[value].sum().groupby("month")
    return pd.DataFrame({"mean": per.mean(), "p05": per.quantile(0.05), "p25": per.quantile(0.25),
                         "p50": per.quantile(0.5), "p75": per.quantile(0.75), "p95": per.quantile(0.95)}).reset_index()


def fan_figure(result: Any, table: pd.DataFrame, actuals: pd.DataFrame, lang: str = "nl") -> Figure:
    """The fan chart (see the module docstring). `result` is a `jobs.reforecast.Reforecast`;
    `actuals` has month and caseload per municipality."""
    with plt.rc_context(_RC):
        fig, (left, right) = plt.subplots(1, 2, figsize=(PRINT_WIDTH_IN, 3.4), gridspec_kw={"width_ratios": [1.6, 1]})
        plan = _quantiles(result.plan_monthly, "on_benefit")
        x = _dates(plan["month"])
        left.fill_between(x, plan["p05"], plan["p95"], color=BASE_COLOUR, alpha=0.25, linewidth=0,
                          label=text("fig.monitor.plan", lang))
        left.plot(x, plan["mean"], color=BASE_COLOUR, linestyle="--", linewidth=1.2)
        again = _quantiles(result.monthly, "on_benefit")
        seen = actuals.groupby("month", sort=True)["caseload"].sum()
        last = seen.index[-1]
        start = pd.DataFrame({"month": [last], **{c: [float(seen.iloc[-1])] for c in ("mean", "p05", "p25", "p50",
                                                                                     "p75", "p95")}})
        again = pd.concat([start, again], ignore_index=True)
        xr = _dates(again["month"])
        left.fill_between(xr, again["p05"], again["p95"], color=REFORECAST_COLOUR, alpha=0.18, linewidth=0,
                          label=text("fig.monitor.reforecast90", lang))
        left.fill_between(xr, again["p25"], again["p75"], color=REFORECAST_COLOUR, alpha=0.35, linewidth=0,
                          label=text("fig.monitor.reforecast50", lang))
        left.plot(xr, again["p50"], color=REFORECAST_COLOUR, linewidth=1.4)
        left.plot(_dates(seen.index), seen.to_numpy(), "o", color=ACTUAL_COLOUR, markersize=3,
                  label=text("fig.monitor.actual", lang))
        locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
        left.xaxis.set_major_locator(locator)
        left.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        left.set_ylabel(text("fig.monitor.caseload", lang))
        left.legend(loc="best", fontsize=7)
        _spending_panel(right, table, lang)
        fig.tight_layout()
        return _finish(fig, "monitor", text("fig.monitor.title", lang),
                       text("fig.monitor.caption", lang, month=result.restart_start),
                       text("fig.monitor.alt", lang))


def _spending_panel(ax: Any, table: pd.DataFrame, lang: str) -> None:
    rows = together(table, "spending")
    years = rows["year"].to_numpy()
    xs = np.arange(len(years))
    ax.hlines(rows["buig_budget"], xs - 0.38, xs + 0.38, color=BUDGET_LINE, linewidth=1.5,
              label=text("fig.monitor.budget", lang))
    for offset, prefix, colour, key in ((-0.15, "plan", BASE_COLOUR, "fig.monitor.plan_year"),
                                        (0.15, "reforecast", REFORECAST_COLOUR, "fig.monitor.reforecast_year")):
        mean = rows[f"{prefix}_mean"].to_numpy(float)
        errors = np.vstack([mean - rows[f"{prefix}_p05"].to_numpy(float), rows[f"{prefix}_p95"].to_numpy(float) - mean])
        ax.errorbar(xs + offset, mean, yerr=errors, fmt="o", color=colour, markersize=4, capsize=2,
                    label=text(key, lang))
    ax.set_xticks(xs, [str(y) for y in years])
    ax.yaxis.set_major_formatter(_euro_axis(lang))
    low = float(min(rows["buig_budget"].min(), rows["plan_p05"].min(), rows["reforecast_p05"].min()))
    high = float(max(rows["buig_budget"].max(), rows["plan_p95"].max(), rows["reforecast_p95"].max()))
    ax.set_ylim(low - 0.25 * (high - low), high + 0.05 * (high - low))
    ax.set_ylabel(text("fig.monitor.spending", lang))
    ax.legend(loc="lower left", fontsize=7)


# -- tables for a person, the report ---------------------------------------------------------------------
def person_tables(table: pd.DataFrame, check: pd.DataFrame, lang: str = "nl") -> dict[str, pd.DataFrame]:
    """The monitor table and the band check with words for the measures (the workbook's sheets)."""
    def words(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(measure=[measure_words(m, lang) for m in frame["measure"]],
                            municipality=[value_label("municipality", m, lang) for m in frame["municipality"]])
    years, months = words(table), words(check)
    return {"monitor": years, "monitor_months": months}


MONTH_KINDS = {"actual": "integer", "plan_mean": "number", "plan_p05": "number", "plan_p95": "number"}


def write_monitor_workbook(path: Any, table: pd.DataFrame, check: pd.DataFrame, flag: str, years: list[str],
                           summary: str, *, scenario: Any, lang: str = "nl") -> Any:
    """results.xlsx: a first sheet with the flag and the years in sentences, then the two tables."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from sporen.outputs.workbook import (
        SUMMARY_WIDTHS,
        _add_tables,
        _properties,
        _save,
        _sentence,
        fit_rows,
        print_setup,
    )

    book = Workbook()
    sheet = book.active
    sheet.title = text("sheet.monitor_summary", lang)
    _properties(book, text("title.monitor", lang, name=scenario.name))
    row = _sentence(sheet, 1, text("title.monitor", lang, name=scenario.name), Font(bold=True, size=13))
    row = _sentence(sheet, row + 1, flag, Font(bold=True))
    for line in years:
        row = _sentence(sheet, row, line)
    _sentence(sheet, row + 1, summary)
    for column, width in zip("ABCDE", SUMMARY_WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    fit_rows(sheet)
    print_setup(sheet, 1, 5)
    _add_tables(book, person_tables(table, check, lang), {"monitor_months": MONTH_KINDS}, lang, scenario)
    return _save(book, path)


def monitor_report(scenario: Any, result: Any, table: pd.DataFrame, check: pd.DataFrame, actuals: pd.DataFrame, *,
                   plan_name: str, actuals_file: str, replications: int, rules: Mapping[int, Any] | None,
                   lang: str = "nl") -> str:
    """The report of `sporen monitor` as HTML text."""
    outside, flag = flag_words(check, str(actuals["month"].max()), lang)
    shown = person_tables(table, check, lang)
    words = text("monitor.summary", lang, month=result.restart_start, last=actuals["month"].max(), n=replications,
                 plan=plan_name, file=actuals_file)
    summary = (f'<p class="{"warning" if outside else "ok"}"><b>{_esc(flag)}</b></p><ul>'
               + "".join(f"<li>{_esc(line)}</li>" for line in year_lines(table, lang)) + f"</ul><p>{_esc(words)}</p>")
    sections = [
        Section("monitor", text("section.monitor", lang),
                summary + figure_html(fan_figure(result, table, actuals, lang))),
        Section("monitor-years", text("section.monitor_years", lang),
                html_table(shown["monitor"].drop(columns=["reforecast_p25", "reforecast_p75"]), table="monitor",
                           lang=lang)),
        Section("monitor-months", text("section.monitor_months", lang),
                html_table(shown["monitor_months"], kinds=MONTH_KINDS, table="monitor_months", lang=lang)),
        Section("monitor-method", text("section.monitor_method", lang),
                f"<p>{_esc(text('monitor.method', lang))}</p>"
                + vangnet_rules_html(rules, scenario.horizon_years, lang)),
        appendix_section(scenario, lang),
    ]
    return page(text("title.monitor", lang, name=scenario.name),
                text("monitor.subtitle", lang, last=actuals["month"].max(), plan=plan_name), sections, lang)
