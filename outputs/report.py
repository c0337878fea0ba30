"""The HTML report: one self-contained file a wethouder, a manager and a researcher can read.

`plan_report` assembles the report of `sporen plan`; `compare_report` the one of
`sporen compare`. Both take frames and plain values only (the simulator's result frames with
their `replication` column, the optimiser's tables), never sim or optimise objects, and return
the HTML text; `write_report` writes it atomically. Figures are SVG documents embedded as data
URIs and the CSS is inline, so the file opens anywhere without a network and without scripts.

Words: money is in euros with thousands separators ("€ 1,234,567", "€ 1.9 million" in prose);
a negative result is a deficit, which the text names as such instead of printing a minus sign.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sporen.common.files import write_text
from sporen.inputs.plan import Plan, fte_path, instrument_places, measure_on
from sporen.inputs.schema import Scenario, month_label
from sporen.outputs import figures
from sporen.outputs.figures import Figure
from sporen.outputs.model_description import model_description
from sporen.outputs.workbook import column_kind

LOW_Q, HIGH_Q = figures.LOW_Q, figures.HIGH_Q

CSS = """
:root { --ink:#1f2933; --muted:#5f6b7a; --line:#d9dee4; --accent:#0b5fa5; --good:#1b7f3b; --bad:#b42318; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink);
       margin: 0; line-height: 1.45; background: #fff; }
header { background: #0b3d66; color: #fff; padding: 1.2rem 2rem; }
header h1 { margin: 0 0 .2rem 0; font-size: 1.6rem; }
header p { margin: 0; color: #d6e4f0; }
nav { padding: .6rem 2rem; border-bottom: 1px solid var(--line); font-size: .9rem; background: #f7f9fb; }
nav a { margin-right: 1rem; color: var(--accent); text-decoration: none; white-space: nowrap; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 2rem 3rem 2rem; }
h2 { border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { margin-top: 1.4rem; }
.summary { border: 1px solid var(--line); border-left: 6px solid var(--accent); padding: .8rem 1.2rem;
           background: #f7fafd; }
.summary.met { border-left-color: var(--good); }
.summary.not-met { border-left-color: var(--bad); }
.verdict { font-size: 1.15rem; font-weight: 600; margin: .2rem 0 .6rem 0; }
.met .verdict { color: var(--good); }
.not-met .verdict { color: var(--bad); }
.kpis { display: flex; flex-wrap: wrap; gap: .8rem; margin: .6rem 0; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; min-width: 12rem; background: #fff; }
.kpi .label { color: var(--muted); font-size: .82rem; }
.kpi .value { font-size: 1.25rem; font-weight: 600; }
table { border-collapse: collapse; margin: .6rem 0 1rem 0; font-size: .86rem; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.short { white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 2px solid var(--ink); }
figure { margin: 1rem 0 1.6rem 0; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .86rem; max-width: 52rem; }
.muted, .note { color: var(--muted); font-size: .86rem; }
.neg { color: var(--bad); }
.pos { color: var(--good); }
details { margin: .6rem 0; }
summary { cursor: pointer; color: var(--accent); }
code { font-size: .85em; background: #f1f3f5; padding: 0 .2em; border-radius: 3px; }
table.assumptions, table.unsourced { width: 100%; table-layout: fixed; }
table.assumptions td, table.unsourced td { overflow-wrap: anywhere; }
table.assumptions th:nth-child(1) { width: 20%; } table.assumptions th:nth-child(2) { width: 17%; }
table.assumptions th:nth-child(3) { width: 8%; } table.assumptions th:nth-child(4) { width: 8%; }
table.assumptions th:nth-child(5) { width: 30%; } table.assumptions th:nth-child(6) { width: 17%; }
table.unsourced th:nth-child(1) { width: 40%; } table.unsourced th:nth-child(3) { width: 15%; }
.scroll { overflow-x: auto; }
@media print { nav { display: none; } header { background: none; color: var(--ink); }
               header p { color: var(--muted); } }
"""


# ---------------------------------------------------------------------------------- formatting
def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def eur(value: float | None) -> str:
    """Whole euros with thousands separators: € 1,234,567 or -€ 1,234."""
    if _is_missing(value):
        return ""
    value = round(float(value))
    return f"-€ {-value:,.0f}" if value < 0 else f"€ {value:,.0f}"


def eur_words(value: float | None) -> str:
    """Euros for prose: € 1.9 million, € 254,000, € 900."""
    if _is_missing(value):
        return "unknown"
    value = abs(float(value))
    if value >= 1e6:
        return f"€ {value / 1e6:.1f} million"
    if value >= 10_000:
        return f"€ {round(value, -3):,.0f}"
    return f"€ {value:,.0f}"


def result_words(value: float) -> str:
    """A result in words: 'a deficit of € 1.2 million', 'a surplus of € 40,000', 'break-even'."""
    if abs(value) < 500:
        return "break-even"
    return f"a {'deficit' if value < 0 else 'surplus'} of {eur_words(value)}"


def pct(value: float | None, digits: int = 0) -> str:
    return "" if _is_missing(value) else f"{float(value) * 100:.{digits}f}%"


def kpi_unit(kpi: str) -> str:
    """The unit of a KPI by its name: EUR, share, months or clients."""
    name = str(kpi)
    if "deficit" in name or "result" in name or "cost" in name:
        return "EUR"
    if "share" in name:
        return "share"
    if "months" in name:
        return "months"
    return "clients"


def fmt_unit(value: object, unit: str, difference: bool = False) -> str:
    """A value in its unit: euros, percentages (percentage points for a difference), months, counts."""
    if _is_missing(value):
        return ""
    value = float(value)  # type: ignore[arg-type]
    sign = "+" if difference and value > 0 else ""
    if unit == "EUR":
        return sign + eur(value)
    if unit == "share":
        return f"{sign}{value * 100:.1f} pp" if difference else f"{value * 100:.1f}%"
    if unit == "months":
        return f"{sign}{value:,.1f}"
    return f"{sign}{value:,.1f}" if abs(value) < 1000 else f"{sign}{value:,.0f}"


_NUMERIC_TEXT = re.compile(r"^[-+]?€? ?[\d.,]+(%| pp)?( to [-+]?€? ?[\d.,]+(%| pp)?)?$|^-?€ ")


def _format_cell(value: object, kind: str) -> tuple[str, bool]:
    """(text, is_number) for a table cell."""
    if _is_missing(value):
        return "", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind == "euro":
            return eur(value), True
        if kind == "share":
            return pct(value, 1), True
        if kind == "fte":
            return f"{float(value):,.2f}", True
        if kind == "integer":
            return f"{int(value):,}", True
        if kind == "number":
            return f"{float(value):,.2f}" if abs(float(value)) < 1e6 else f"{float(value):,.0f}", True
        return str(value), True
    return str(value), False


def html_table(frame: pd.DataFrame, *, kinds: Mapping[str, str] | None = None, max_rows: int | None = 400,
               total_row: bool = False, labels: Mapping[str, str] | None = None, css: str = "") -> str:
    """A frame as an HTML table, numbers right-aligned and formatted by column kind."""
    kinds = dict(kinds or {})
    labels = labels or {}
    columns = list(frame.columns)
    col_kinds = [kinds.get(c) or column_kind(c, frame[c]) for c in columns]
    shown = frame if max_rows is None or len(frame) <= max_rows else frame.head(max_rows)
    head = "".join(
        f'<th class="{"num" if k != "text" else ""}">{_esc(labels.get(c, str(c).replace("_", " ")))}</th>'
        for c, k in zip(columns, col_kinds, strict=True))
    rows = []
    for i, row in enumerate(shown.itertuples(index=False, name=None)):
        cells = []
        for value, kind in zip(row, col_kinds, strict=True):
            text, number = _format_cell(value, kind)
            cls = "num" if number or _NUMERIC_TEXT.match(text) else ("short" if len(text) <= 32 else "")
            if number and kind == "euro" and float(value) < 0:
                cls += " neg"
            cells.append(f'<td class="{cls.strip()}">{_esc(text)}</td>')
        css_row = ' class="total"' if total_row and i == len(shown) - 1 else ""
        rows.append(f"<tr{css_row}>" + "".join(cells) + "</tr>")
    more = ""
    if len(shown) < len(frame):
        more = f'<p class="note">First {len(shown):,} of {len(frame):,} rows; the CSV and the workbook have all.</p>'
    return (f'<div class="scroll"><table class="{css}"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></div>" + more)


def figure_html(fig: Figure) -> str:
    return (f'<figure class="figure" id="fig-{_esc(fig.key)}"><img src="{fig.data_uri()}" alt="{_esc(fig.alt)}">'
            f"<figcaption><b>{_esc(fig.title)}.</b> {_esc(fig.caption)}</figcaption></figure>")


@dataclass
class Section:
    key: str
    heading: str
    body: str


def page(title: str, subtitle: str, sections: Sequence[Section]) -> str:
    """The whole HTML document: header, table of contents, sections, inline CSS, no scripts."""
    nav = "".join(f'<a href="#{_esc(s.key)}">{_esc(s.heading)}</a>' for s in sections if s.heading)
    body = "\n".join(
        f'<section id="{_esc(s.key)}">' + (f"<h2>{_esc(s.heading)}</h2>" if s.heading else "") + s.body + "</section>"
        if not s.body.lstrip().startswith("<section") else s.body
        for s in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="sporen">'
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{_esc(title)}</h1><p>{_esc(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main></body></html>\n"
    )


def write_report(path: str | Path, text: str) -> Path:
    """Write the report atomically (a temporary file renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text(path, text)


# ---------------------------------------------------------------------------------- statistics
def yearly_band(yearly: pd.DataFrame, column: str, by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Mean, 5% and 95% of a yearly money column across replications (summed over other keys)."""
    return figures.band(yearly, list(by), column)


def deficit_table(baseline: pd.DataFrame, plan: pd.DataFrame | None = None,
                  by: Sequence[str] = ("municipality", "year")) -> pd.DataFrame:
    """Per `by`: BUIG result, vangnet and result after vangnet (mean and 5-95%), the probability
    of a deficit after vangnet, and the same with the plan when given."""
    def block(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
        parts = []
        for column, name in (("buig_result", "buig_result"), ("vangnet", "vangnet"),
                             ("result_after_vangnet", "result_after_vangnet")):
            stats = yearly_band(frame, column, by).set_index(list(by))
            if name == "result_after_vangnet":
                parts.append(stats.rename(columns={"mean": f"{prefix}{name}_mean", "low": f"{prefix}{name}_p5",
                                                   "high": f"{prefix}{name}_p95"}))
            else:
                parts.append(stats[["mean"]].rename(columns={"mean": f"{prefix}{name}_mean"}))
        totals = frame.groupby(["replication", *by])["result_after_vangnet"].sum()
        prob = (totals < 0).groupby(list(by)).mean().rename(f"{prefix}probability_deficit")
        parts.append(prob.to_frame())
        return pd.concat(parts, axis=1)

    out = block(baseline, "")
    if plan is not None:
        out = out.join(block(plan, "plan_"))
    out = out.reset_index()
    money = [c for c in out.columns if c.endswith(("_mean", "_p5", "_p95"))]
    out[money] = out[money].round().astype("int64")
    return out


def caseload_table(monthly: pd.DataFrame) -> pd.DataFrame:
    """Caseload per month and track (all municipalities): mean and 5-95% across replications."""
    frame = monthly.assign(caseload=monthly["on_benefit"] + monthly["without_benefit"])
    out = figures.band(frame, ["month", "track"], "caseload")
    return out.rename(columns={"mean": "caseload_mean", "low": "caseload_p5", "high": "caseload_p95"}).round(1)


# ---------------------------------------------------------------------------------- plan words
def describe_plan(plan: Plan | None, scenario: Scenario) -> list[str]:
    """The plan's changes from the baseline, one sentence each."""
    if plan is None:
        return []
    lines = []
    for name, level in plan.staff.items():
        role = scenario.role(name)
        change = level.fte - role.fte_now
        if abs(change) < 1e-9:
            continue
        path = fte_path(plan, scenario, name)
        when = month_label(scenario.start, path[-1][0]) if path else scenario.start
        lines.append(f"{'+' if change > 0 else '-'}{abs(change):g} fte {name} (from {role.fte_now:g} to "
                     f"{level.fte:g} fte, in post from {when})")
    for name in plan.instruments:
        instrument = scenario.instrument(name)
        changed = [(y, instrument_places(plan, scenario, name, y)) for y in scenario.horizon_years
                   if instrument_places(plan, scenario, name, y) != instrument.places_per_year]
        if changed:
            if len(changed) == len(scenario.horizon_years) and len({p for _, p in changed}) == 1:
                what = f"{changed[0][1]} places a year"
            else:
                what = ", ".join(f"{p} places in {y}" for y, p in changed)
            lines.append(f"{name}: {what} (now {instrument.places_per_year} a year)")
    for name in plan.measures:
        measure = scenario.measure(name)
        on = measure_on(plan, scenario, name)
        if on != measure.on_in_baseline:
            lines.append(f"{'start' if on else 'stop'} the measure {name}"
                         + (f" ({measure.description})" if measure.description else ""))
    return lines


@dataclass
class RunFrames:
    """The result frames of one set of replications (each with a leading `replication` column)."""

    monthly: pd.DataFrame
    yearly: pd.DataFrame
    kpis: pd.DataFrame | None = None
    spells: pd.DataFrame | None = None


VERDICT_LINES = {
    "meets": "The plan meets the target.",
    "on_the_edge": "The plan is on the edge of the target: its chance of meeting it lies within the "
                   "indifference zone around the required probability, and no plan within the limits does "
                   "clearly better.",
    "does_not_meet": "No plan within the limits meets the target; below is the best one found.",
}
"""The optimiser's three verdicts as the report's headline."""


@dataclass
class PlanOutcome:
    """What the optimiser decided and how its verification went, as the report needs it."""

    plan: Plan | None
    formation: pd.DataFrame | None = None          # role, fte_now, fte_planned, change, yearly_cost, ...
    cost_per_year: pd.DataFrame | None = None      # year, cost (extra cost of the plan)
    total_cost: float | None = None                # extra cost over the horizon
    probability: float | None = None               # verified probability of meeting the target
    required_probability: float | None = None
    target_met: bool | None = None
    verdict: str | None = None                     # meets | on_the_edge | does_not_meet (the optimiser's verdict)
    verdict_text: str = ""                         # the verdict with its figures, in words
    probability_bounds: tuple[float, float] | None = None  # confidence bounds of `probability`
    target_text: str = ""                          # the target in words
    verification_replications: int | None = None
    tradeoff: pd.DataFrame | None = None
    tradeoff_x: str | None = None
    tradeoff_y: str | None = None
    tradeoff_x_label: str | None = None
    tradeoff_chosen: float | None = None
    blocking: list[str] = field(default_factory=list)  # when not met: what blocks, most important first
    effect: tuple[float, float, float] | None = None  # paired effect on the result after vangnet: mean, 95% CI
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # budget, savings, relaxations, ...
    table_notes: dict[str, str] = field(default_factory=dict)


def _years_words(chosen: Sequence[int], years: Sequence[int]) -> str:
    """'every year', '2018', '2018 and 2019', '2018, 2019 and 2021'."""
    if list(chosen) == list(years) and len(years) > 1:
        return "every year"
    names = [str(y) for y in chosen]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _range(stats: pd.Series) -> str:
    return f"{eur(stats['low'])} to {eur(stats['high'])}"


def summary_section(scenario: Scenario, baseline: RunFrames, plan_run: RunFrames | None,
                    outcome: PlanOutcome | None) -> Section:
    """The part a wethouder reads in a minute."""
    years = scenario.horizon_years
    munis = [m.name for m in scenario.municipalities]
    base = yearly_band(baseline.yearly, "result_after_vangnet").set_index("year").reindex(years)
    planned = (yearly_band(plan_run.yearly, "result_after_vangnet").set_index("year").reindex(years)
               if plan_run is not None else None)
    parts: list[str] = []
    css = ""
    if outcome is not None and outcome.target_met is not None:
        css = "met" if outcome.target_met else "not-met"
        verdict = VERDICT_LINES.get(outcome.verdict or "", "") or (
            "The plan meets the target." if outcome.target_met
            else "No plan within the limits meets the target; below is the best one found.")
        parts.append(f'<p class="verdict">{_esc(verdict)}</p>')
        if outcome.verdict_text:
            parts.append(f"<p>{_esc(outcome.verdict_text[0].upper() + outcome.verdict_text[1:])}.</p>")

    total_base = float(base["mean"].sum())
    deficit_years = [y for y in years if base.loc[y, "mean"] < 0]
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    bullets = [f"<b>Without extra measures</b> {_esc(', '.join(munis))} together end {span} with "
               f"{_esc(result_words(total_base))} on the BUIG after the vangnet"
               + (f" (a deficit in {_esc(_years_words(deficit_years, years))})." if deficit_years else ".")]
    total_plan = float("nan")
    if planned is not None:
        total_plan = float(planned["mean"].sum())
        plan_deficits = [y for y in years if planned.loc[y, "mean"] < 0]
        bullets.append(f"<b>With the plan</b> this becomes {_esc(result_words(total_plan))}"
                       + (f" (still a deficit in {_esc(_years_words(plan_deficits, years))})." if plan_deficits
                          else " (no year in deficit on average)."))
    if outcome is not None:
        if outcome.total_cost is not None:
            cost_words = (f"<b>The plan costs</b> {_esc(eur_words(outcome.total_cost))} extra over the {len(years)} "
                          "years (staff, instruments and measures)" if outcome.total_cost >= 0 else
                          f"<b>The plan saves</b> {_esc(eur_words(outcome.total_cost))} on staff, instruments and "
                          f"measures over the {len(years)} years")
            if planned is not None:
                net = total_plan - total_base - outcome.total_cost
                cost_words += (f"; net of that, the municipalities are {_esc(eur_words(net))} "
                               f"{'better' if net >= 0 else 'worse'} off than without it")
            bullets.append(cost_words + ".")
        if outcome.probability is not None:
            bullets.append(
                f"<b>Chance of success</b>: the plan meets the target in {pct(outcome.probability)} of "
                f"{outcome.verification_replications or 'the'} fresh simulated futures"
                + (f" (confidence bounds {pct(outcome.probability_bounds[0])} to {pct(outcome.probability_bounds[1])})"
                   if outcome.probability_bounds is not None else "")
                + (f"; the target asks for at least {pct(outcome.required_probability)}"
                   if outcome.required_probability is not None else "")
                + (f". Target: {_esc(outcome.target_text)}." if outcome.target_text else "."))
        blocking = outcome.blocking if isinstance(outcome.blocking, list) else (
            [outcome.blocking] if outcome.blocking else [])
        if outcome.target_met is False and blocking:
            shown = "; ".join(_esc(b) for b in blocking[:2])
            more = f" (and {len(blocking) - 2} more: see Plan details)" if len(blocking) > 2 else ""
            bullets.append(f"<b>What stands in the way</b>: {shown}{more}.")
    parts.append("<ul>" + "".join(f"<li>{b}</li>" for b in bullets) + "</ul>")

    if outcome is not None and outcome.plan is not None:
        lines = describe_plan(outcome.plan, scenario)
        parts.append("<p><b>The plan</b>:</p>" + ("<ul>" + "".join(f"<li>{_esc(line)}</li>" for line in lines)
                                                 + "</ul>" if lines else "<p>no change from the current formation "
                                                 "and instruments.</p>"))

    cards = [("Result after vangnet without plan, whole horizon", eur(total_base))]
    if planned is not None:
        cards.append(("... with the plan", eur(float(planned["mean"].sum()))))
    if outcome is not None and outcome.total_cost is not None:
        cards.append(("Extra cost of the plan" if outcome.total_cost >= 0 else "Saving of the plan (less staff "
                      "or instruments)", eur(abs(outcome.total_cost))))
    if outcome is not None and outcome.probability is not None:
        cards.append(("Probability the plan meets the target", pct(outcome.probability)))
    parts.append('<div class="kpis">' + "".join(
        f'<div class="kpi"><div class="label">{_esc(label)}</div><div class="value">{_esc(value)}</div></div>'
        for label, value in cards) + "</div>")

    rows = []
    cost = (outcome.cost_per_year.set_index("year")["cost"] if outcome is not None
            and outcome.cost_per_year is not None else None)
    for y in years:
        row = {"year": y, "without the plan": base.loc[y, "mean"], "90% range (without)": _range(base.loc[y])}
        if planned is not None:
            row["with the plan"] = planned.loc[y, "mean"]
            row["90% range (with)"] = _range(planned.loc[y])
        if cost is not None:
            row["extra cost of the plan"] = float(cost.get(y, 0))
        rows.append(row)
    table = pd.DataFrame(rows)
    total = {"year": "total", "without the plan": table["without the plan"].sum(), "90% range (without)": ""}
    if planned is not None:
        total.update({"with the plan": table["with the plan"].sum(), "90% range (with)": ""})
    if cost is not None:
        total["extra cost of the plan"] = table["extra cost of the plan"].sum()
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    kinds = {"without the plan": "euro", "with the plan": "euro", "extra cost of the plan": "euro", "year": "text"}
    parts.append("<p>BUIG result after vangnet, all municipalities together (below zero is a deficit):</p>"
                 + html_table(table, kinds=kinds, total_row=True))
    parts.append(figure_html(figures.result_figure(baseline.yearly, plan_run.yearly if plan_run else None)))
    return Section("summary", "Summary", f'<div class="summary {css}">' + "".join(parts) + "</div>")


def money_section(baseline: RunFrames, plan_run: RunFrames | None) -> Section:
    table = deficit_table(baseline.yearly, plan_run.yearly if plan_run else None)
    shown = pd.DataFrame({
        "municipality": table["municipality"], "year": table["year"].astype(str),
        "BUIG result": table["buig_result_mean"], "vangnet": table["vangnet_mean"],
        "result after vangnet": table["result_after_vangnet_mean"],
        "90% range": [f"{eur(lo)} to {eur(hi)}" for lo, hi in
                      zip(table["result_after_vangnet_p5"], table["result_after_vangnet_p95"], strict=True)],
        "chance of a deficit": table["probability_deficit"],
    })
    kinds = {"BUIG result": "euro", "vangnet": "euro", "result after vangnet": "euro", "chance of a deficit": "share"}
    if plan_run is not None:
        shown["with the plan"] = table["plan_result_after_vangnet_mean"]
        shown["chance of a deficit with the plan"] = table["plan_probability_deficit"]
        kinds.update({"with the plan": "euro", "chance of a deficit with the plan": "share"})
    body = (figure_html(figures.budget_figure(baseline.yearly, plan_run.yearly if plan_run else None))
            + "<p>Per municipality and year: the mean BUIG result, vangnet and result after vangnet over the "
              "replications (without the plan), the range that holds 90% of them, and the share of replications "
              "with a deficit after vangnet" + (", and the same with the plan" if plan_run is not None else "")
            + ". The workbook's <i>deficits</i> sheet has every column.</p>"
            + html_table(shown, kinds=kinds, labels={c: c for c in shown.columns}))
    return Section("money", "BUIG budget, spending and vangnet", body)


def caseload_section(baseline: RunFrames, plan_run: RunFrames | None) -> Section:
    body = figure_html(figures.caseload_figure(baseline.monthly, plan_run.monthly if plan_run else None))
    if baseline.kpis is not None and len(baseline.kpis):
        kpis = kpi_summary(baseline.kpis, plan_run.kpis if plan_run is not None else None)
        kpis = kpis[kpis["kpi"].map(kpi_unit) != "EUR"]   # the money has its own section
        shown = _kpi_display(kpis)
        body += ("<p>Key figures for the whole organisation (mean over the replications"
                 + ("; without the plan → with the plan" if plan_run is not None else "")
                 + "; 'all' is the whole horizon, 'end' its last month):</p>"
                 + html_table(shown, kinds=_TEXT_KINDS, labels={c: c for c in shown.columns}))
    return Section("caseload", "Caseload per track", body)


def kpi_summary(kpis: pd.DataFrame, plan_kpis: pd.DataFrame | None = None) -> pd.DataFrame:
    """KPI means per kpi and year for the whole organisation (municipality 'all' when present)."""
    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        municipalities = set(frame["municipality"].astype(str))
        total = frame[frame["municipality"].astype(str).isin({"all", "total", "ALL"})]
        if not len(total) and len(municipalities) == 1:
            total = frame
        if not len(total):
            return pd.DataFrame(columns=["kpi", "year", "value"])
        return total.groupby(["kpi", "year"], dropna=False)["value"].mean().reset_index()

    out = pick(kpis).rename(columns={"value": "without the plan" if plan_kpis is not None else "mean"})
    if plan_kpis is not None:
        out = out.merge(pick(plan_kpis).rename(columns={"value": "with the plan"}), on=["kpi", "year"], how="left")
    return out


def _kpi_display(table: pd.DataFrame) -> pd.DataFrame:
    """KPIs as a compact table: one row per KPI, one column per year; 'without -> with' when a
    plan is given; values in their units."""
    value_columns = list(table.columns[2:])
    years = sorted(table["year"].astype(str).unique(), key=lambda y: (not y.isdigit(), y))
    rows = []
    for kpi, group in table.groupby("kpi", sort=False):
        unit = kpi_unit(kpi)
        row = {"kpi": str(kpi).replace("_", " ")}
        by_year = group.set_index(group["year"].astype(str))
        for year in years:
            if year not in by_year.index:
                row[year] = ""
                continue
            values = [fmt_unit(by_year.loc[year, c], unit) for c in value_columns]
            row[year] = " → ".join(values) if len(values) > 1 else values[0]
        rows.append(row)
    return pd.DataFrame(rows, columns=["kpi", *years])


def survival_section(spells: pd.DataFrame | None, scenario: Scenario) -> Section | None:
    if spells is None or not len(spells) or not (spells["entry_time"] >= 0).any():
        return None
    start_year = scenario.horizon_years[0]
    start_month = int(scenario.start.split("-")[1])
    # entry year from the calendar: months from the start plus the start's month offset
    shifted = spells.assign(entry_time=spells["entry_time"] + (start_month - 1),
                            exit_time=spells["exit_time"] + (start_month - 1))
    curves = figures.kaplan_meier(shifted[shifted["entry_time"] >= start_month - 1],
                                  scenario.months + start_month - 1, start_year)
    fig = figures.survival_figure(curves)
    points = [m for m in (6, 12, 24, 36) if m <= scenario.months]
    rows = []
    for year, group in curves.groupby("entry_year"):
        row: dict[str, Any] = {"entry_year": year, "clients": int(group["at_risk"].iloc[0])}
        for m in points:
            hit = group[group["months"] == m]
            row[f"share after {m} months"] = float(hit["survival"].iloc[0]) if len(hit) else float("nan")
        rows.append(row)
    table = pd.DataFrame(rows)
    kinds = {c: "share" for c in table.columns if c.startswith("share")}
    kinds["clients"] = "integer"
    body = (figure_html(fig) + "<p>Share still on the caseload (Kaplan-Meier, baseline, all replications pooled; "
            "empty where the horizon is too short to tell):</p>" + html_table(table, kinds=kinds))
    return Section("survival", "Cohort survival", body)


def formation_section(outcome: PlanOutcome) -> Section | None:
    if outcome.formation is None or not len(outcome.formation):
        return None
    formation = outcome.formation
    body = html_table(formation, total_row=bool(formation.iloc[-1].astype(str).str.lower().eq("total").any()))
    notes = ("<p class=\"note\">Per role: fte now and planned, the change, the yearly cost of the formation now "
             "and planned, and the extra yearly cost of the change (negative: a saving). New staff are in post "
             "from the month in the last column (the role's lead time after the decision).</p>")
    return Section("formation", "Formation", notes + body)


def tradeoff_section(outcome: PlanOutcome) -> Section | None:
    t = outcome.tradeoff
    if t is None or not len(t) or outcome.tradeoff_x is None or outcome.tradeoff_y is None:
        return None
    fig = figures.tradeoff_figure(t, outcome.tradeoff_x, outcome.tradeoff_y, outcome.tradeoff_chosen,
                                  outcome.tradeoff_x_label)
    return Section("tradeoff", "Trade-off: cost against target", figure_html(fig) + html_table(t))


def tables_section(outcome: PlanOutcome) -> Section | None:
    blocking = outcome.blocking if isinstance(outcome.blocking, list) else [outcome.blocking]
    blocking = [b for b in blocking if b]
    if not outcome.tables and not blocking:
        return None
    body = []
    if blocking:
        body.append("<h3>What stands in the way</h3><ul>" + "".join(f"<li>{_esc(b)}</li>" for b in blocking)
                    + "</ul>")
    for name, frame in outcome.tables.items():
        if frame is None:
            continue
        body.append(f"<h3>{_esc(name.replace('_', ' ').capitalize())}</h3>")
        if name in outcome.table_notes:
            body.append(f'<p class="note">{_esc(outcome.table_notes[name])}</p>')
        if name == "budget" and {"instrument", "year", "places", "budget"} <= set(frame.columns) and len(frame):
            frame = _budget_display(frame)
        body.append(html_table(frame) if len(frame) else "<p class=\"note\">(empty)</p>")
    return Section("plan-details", "Plan details", "".join(body))


def _budget_display(budget: pd.DataFrame) -> pd.DataFrame:
    """Instrument places and budget with one column pair per year."""
    wide = budget.pivot_table(index="instrument", columns="year", values=["places", "budget"], aggfunc="sum",
                              sort=False)
    out = pd.DataFrame({"instrument": list(wide.index)})
    for year in sorted(budget["year"].unique()):
        out[f"places {year}"] = wide[("places", year)].to_numpy().astype("int64")
        out[f"budget {year}"] = wide[("budget", year)].to_numpy().astype("int64")
    return out


def comparison_totals(comparison: pd.DataFrame) -> pd.DataFrame:
    """The headline rows of a comparison: its `headline` column, else the totals over the horizon
    and all municipalities (municipality 'all', year 'all' or 'total')."""
    if "headline" in comparison:
        return comparison[comparison["headline"].astype(bool)]
    mask = comparison["municipality"].astype(str).isin({"all", "total"}) & comparison["year"].astype(str).isin(
        {"all", "total"})
    return comparison[mask]


def comparison_section(comparison: pd.DataFrame | None, heading: str = "Variant comparison",
                       intro: str = "") -> Section | None:
    if comparison is None or not len(comparison):
        return None
    totals = comparison_totals(comparison)
    body = [f"<p>{_esc(intro)}</p>" if intro else ""]
    if len(totals):
        body.append(figure_html(figures.comparison_figure(totals)))
        body.append(_comparison_words(totals))
        body.append(html_table(_comparison_display(totals), kinds=_TEXT_KINDS))
    detail = comparison.drop(totals.index).drop(columns="headline", errors="ignore")
    if len(detail):
        body.append("<details><summary>Per municipality and year</summary>"
                    + html_table(_comparison_display(detail, detail=True), kinds=_TEXT_KINDS, max_rows=600)
                    + "</details>")
    return Section("comparison", heading, "".join(body))


class _AllText(dict):
    def get(self, key, default=None):  # noqa: ANN001, ANN201 - every column is shown as text
        return "text"


_TEXT_KINDS = _AllText()


def _comparison_display(frame: pd.DataFrame, detail: bool = False) -> pd.DataFrame:
    """A comparison table with each value in its row's unit (euros, %, pp, months, clients)."""
    units = frame["unit"].tolist()
    shown = pd.DataFrame({"variant": frame["variant"], "measure": frame["measure"].str.replace("_", " ")})
    if detail:
        shown["municipality"] = frame["municipality"]
        shown["year"] = frame["year"].astype(str)
    shown["base"] = [fmt_unit(v, u) for v, u in zip(frame["base_mean"], units, strict=True)]
    shown["variant value"] = [fmt_unit(v, u) for v, u in zip(frame["variant_mean"], units, strict=True)]
    shown["difference"] = [fmt_unit(v, u, True) for v, u in zip(frame["diff_mean"], units, strict=True)]
    shown["95% interval"] = [f"{fmt_unit(lo, u, True)} to {fmt_unit(hi, u, True)}" for lo, hi, u in
                             zip(frame["ci_low"], frame["ci_high"], units, strict=True)]
    shown["significant"] = ["yes" if bool(x) else "no" for x in frame["significant"]]
    return shown


def _comparison_words(totals: pd.DataFrame) -> str:
    items = []
    for variant, group in totals.groupby("variant", sort=False):
        money = group[group["measure"] == "result_after_vangnet"]
        if not len(money):
            money = group[group["unit"] == "EUR"].head(1)
        if not len(money):
            continue
        row = money.iloc[0]
        change = float(row["diff_mean"])
        if abs(change) < 0.5 and abs(float(row["ci_low"])) < 0.5 and abs(float(row["ci_high"])) < 0.5:
            items.append(f"<li><b>{_esc(variant)}</b>: the result after vangnet is the same as the base's in "
                         "every simulated future: no difference.</li>")
            continue
        better = "better" if change > 0 else "worse"
        sig = ("a significant difference" if bool(row["significant"])
               else "not significantly different from the base (the 95% interval includes zero)")
        items.append(f"<li><b>{_esc(variant)}</b>: the result after vangnet over the horizon is "
                     f"{_esc(eur_words(change))} {better} than the base's (95% interval {_esc(eur(row['ci_low']))} "
                     f"to {_esc(eur(row['ci_high']))}): {sig}.</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def model_section(scenario: Scenario, run: Mapping[str, Any]) -> Section:
    flow = figures.flow_figure(
        [t.name for t in scenario.tracks],
        [(t.name, tr.to) for t in scenario.tracks for tr in t.transitions],
        [s.name for s in scenario.segments])
    return Section("model", "Model description", model_description(scenario, run,
                                                                    overview_figure_html=figure_html(flow)))


def _subtitle(scenario: Scenario, run: Mapping[str, Any]) -> str:
    bits = [f"scenario {scenario.name}"]
    if run.get("variant"):
        bits.append(f"variant {run['variant']}")
    bits.append(f"{scenario.horizon_years[0]}-{scenario.horizon_years[-1]}")
    if run.get("optimisation_replications"):
        bits.append(f"baseline and plan compared on {run.get('verification_replications')} fresh simulated futures")
    elif run.get("replications"):
        bits.append(f"{run['replications']} simulated futures")
    if run.get("seed") is not None:
        bits.append(f"seed {run['seed']}")
    if run.get("created"):
        bits.append(f"made {run['created']}")
    return ", ".join(bits)


def plan_report(
    scenario: Scenario,
    baseline: RunFrames,
    plan_run: RunFrames | None = None,
    outcome: PlanOutcome | None = None,
    *,
    comparison: pd.DataFrame | None = None,
    comparison_intro: str = "",
    run: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> str:
    """The report of `sporen plan` as HTML text."""
    run = dict(run or {})
    sections: list[Section | None] = [
        summary_section(scenario, baseline, plan_run, outcome),
        money_section(baseline, plan_run),
        caseload_section(baseline, plan_run),
    ]
    if outcome is not None:
        sections += [formation_section(outcome), tradeoff_section(outcome), tables_section(outcome)]
    sections.append(comparison_section(comparison, intro=comparison_intro))
    sections.append(survival_section(baseline.spells, scenario))
    sections.append(model_section(scenario, run))
    return page(title or f"Plan for {scenario.name}: closing the BUIG deficit", _subtitle(scenario, run),
                [s for s in sections if s is not None])


def compare_report(
    scenario: Scenario,
    comparison: pd.DataFrame,
    *,
    base: RunFrames | None = None,
    variants: Mapping[str, RunFrames] | None = None,
    variant_changes: Mapping[str, Iterable[str]] | None = None,
    run: Mapping[str, Any] | None = None,
) -> str:
    """The report of `sporen compare` as HTML text."""
    run = dict(run or {})
    intro = ("Each variant is simulated on the same seeds as the base (common random numbers), so the "
             "differences are paired: the interval is the 95% confidence interval of the mean difference.")
    changes = []
    for name, lines in (variant_changes or {}).items():
        changes.append(f"<li><b>{_esc(name)}</b>: " + "; ".join(_esc(str(x).rstrip(".")) for x in lines) + "</li>")
    sections: list[Section | None] = []
    if changes:
        sections.append(Section("variants", "The variants", "<ul>" + "".join(changes) + "</ul>"))
    sections.append(comparison_section(comparison, heading="Comparison with the base", intro=intro))
    if base is not None:
        body = figure_html(figures.result_figure(base.yearly)) + figure_html(figures.caseload_figure(base.monthly))
        sections.append(Section("base", "The base", body))
    sections.append(model_section(scenario, run))
    return page(f"Variants of {scenario.name} compared", _subtitle(scenario, run),
                [s for s in sections if s is not None])
