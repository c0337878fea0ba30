"""The HTML report: one self-contained file a wethouder, a manager and a researcher can read.

`plan_report` assembles the report of `sporen plan`; `compare_report` the one of
`sporen compare`. Both take frames and plain values only (the simulator's result frames with
their `replication` column, the optimiser's tables), never sim or optimise objects, and return
the HTML text; `write_report` writes it atomically. Figures are SVG documents embedded as data
URIs and the CSS is inline, so the file opens anywhere without a network and without scripts.

Language: every writer takes `lang` ("nl", the default, or "en"); words come from the message
catalogue and numbers, money and dates are formatted by locale with Babel (`common.i18n`):
"€ 2.807.334" in Dutch. Roles, tracks, instruments and measures appear by their display names
(`Scenario.label`); codes stay in the CSV files. A negative result is a deficit, which the text
names as such instead of printing a minus sign.

Shape, for a council: page 1 is the summary a wethouder reads in a minute (verdict, deficit with
and without the plan, the plan in plain words, its cost and net effect, the probability, and what
to do next when the target is not met); then a short glossary, the money with the vangnet rules
used and their status, caseload, formation and the plan's details, the model description; the
long list of assumptions is an appendix at the end (printed in landscape). The print CSS keeps
every table within an A4 page.
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

from sporen.common import i18n
from sporen.common.files import write_text
from sporen.common.i18n import text, text_n
from sporen.inputs.plan import Plan, fte_path, instrument_places, measure_on
from sporen.inputs.schema import Scenario, month_label
from sporen.outputs import figures
from sporen.outputs.figures import Figure
from sporen.outputs.labels import (  # noqa: F401 (kpi_unit re-exported)
    column_label,
    kpi_label,
    kpi_unit,
    level_words,
    value_label,
    value_words,
)
from sporen.outputs.model_description import assumptions_appendix, model_description
from sporen.outputs.workbook import column_kind

LOW_Q, HIGH_Q = figures.LOW_Q, figures.HIGH_Q

CSS = """
:root { --ink:#1f2933; --muted:#5f6b7a; --line:#d9dee4; --accent:#0b5fa5; --good:#1b7f3b; --bad:#b42318;
        --edge:#b26b00; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink);
       margin: 0; line-height: 1.45; background: #fff; }
header { background: #0b3d66; color: #fff; padding: 1.2rem 2rem; }
header h1 { margin: 0 0 .2rem 0; font-size: 1.6rem; }
header p { margin: 0; color: #d6e4f0; }
nav { padding: .6rem 2rem; border-bottom: 1px solid var(--line); font-size: .9rem; background: #f7f9fb; }
nav a { margin-right: 1rem; color: var(--accent); text-decoration: none; white-space: nowrap; display: inline-block; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 2rem 3rem 2rem; }
h2 { border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { margin-top: 1.4rem; }
.summary { border: 1px solid var(--line); border-left: 6px solid var(--accent); padding: .8rem 1.2rem;
           background: #f7fafd; }
.summary.met { border-left-color: var(--good); }
.summary.not-met { border-left-color: var(--bad); }
.summary.edge { border-left-color: var(--edge); }
.verdict { font-size: 1.15rem; font-weight: 600; margin: .2rem 0 .6rem 0; }
.met .verdict { color: var(--good); }
.not-met .verdict { color: var(--bad); }
.edge .verdict { color: var(--edge); }
.next { border: 1px solid #f0c2bd; background: #fff7f6; padding: .4rem 1rem; margin: .6rem 0; }
.next h3 { margin: .3rem 0; }
.kpis { display: flex; flex-wrap: wrap; gap: .8rem; margin: .6rem 0; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; min-width: 12rem; background: #fff;
       flex: 1 1 12rem; }
.kpi .label { color: var(--muted); font-size: .82rem; }
.kpi .value { font-size: 1.25rem; font-weight: 600; }
table { border-collapse: collapse; margin: .6rem 0 1rem 0; font-size: .86rem; max-width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; font-weight: 600; }
td { overflow-wrap: break-word; }   /* never mid-word: a column is as wide as its longest word */
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.short { white-space: nowrap; }
td.range { font-size: .92em; color: var(--muted); }
tr.total td { font-weight: 600; border-top: 2px solid var(--ink); }
figure { margin: 1rem 0 1.6rem 0; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .86rem; max-width: 52rem; }
.muted, .note { color: var(--muted); font-size: .86rem; }
.neg { color: var(--bad); }
.pos { color: var(--good); }
.status-assumed { color: var(--bad); font-weight: 600; }
.status-documented { color: var(--edge); }
.status-verified { color: var(--good); }
dl.glossary { display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr; gap: .25rem 1rem; margin: .6rem 0; }
dl.glossary dt { font-weight: 600; }
dl.glossary dd { margin: 0; }
details { margin: .6rem 0; }
summary { cursor: pointer; color: var(--accent); }
code { font-size: .85em; background: #f1f3f5; padding: 0 .2em; border-radius: 3px; overflow-wrap: anywhere; }
table.fixed { width: 100%; table-layout: fixed; }
table.assumptions th:nth-child(1) { width: 20%; } table.assumptions th:nth-child(2) { width: 16%; }
table.assumptions th:nth-child(3) { width: 9%; } table.assumptions th:nth-child(4) { width: 10%; }
table.assumptions th:nth-child(5) { width: 30%; } table.assumptions th:nth-child(6) { width: 15%; }
table.unsourced th:nth-child(1) { width: 45%; } table.unsourced th:nth-child(3) { width: 15%; }
table.rules th:nth-child(1) { width: 7%; } table.rules th:nth-child(2) { width: 9%; }
table.rules th:nth-child(3) { width: 24%; } table.rules th:nth-child(4) { width: 15%; }
table.rules th:nth-child(5) { width: 12%; } table.rules th:nth-child(6) { width: 33%; }
tr.changed td { background: #fff4e5; }
.scroll { overflow-x: auto; }
@page { size: A4 portrait; margin: 14mm 12mm 14mm 12mm; }
@page appendix { size: A4 landscape; margin: 12mm; }
@media print {
  body { font-size: 9.5pt; line-height: 1.35; }
  header { background: none; color: var(--ink); padding: 0 0 .4rem 0; border-bottom: 2px solid var(--ink); }
  header h1 { font-size: 15pt; }
  header p { color: var(--muted); }
  nav { display: none; }
  main { max-width: none; padding: 0; margin: 0; }
  h2 { margin-top: 1rem; break-after: avoid; font-size: 13pt; }
  h3 { break-after: avoid; font-size: 11pt; }
  #summary { break-after: page; font-size: 9pt; line-height: 1.3; }
  #summary .verdict { font-size: 11pt; margin: 0 0 .3rem 0; }
  #summary h2 { margin-top: .4rem; }
  #summary ul, #summary ol { margin: .2rem 0; padding-left: 1.2rem; }
  #summary p { margin: .3rem 0; }
  #summary .kpis { margin: .3rem 0; gap: .4rem; }
  #summary table { margin: .3rem 0; }
  .next { padding: .2rem .8rem; }
  .summary { padding: .4rem .8rem; }
  .kpi { padding: .3rem .5rem; min-width: 9rem; }
  .kpi .value { font-size: 11pt; }
  table { font-size: 7.5pt; width: 100%; }
  th, td { padding: .12rem .3rem; }
  tr, figure, .kpi { break-inside: avoid; }
  .scroll { overflow: visible; }
  figure img { max-height: 230mm; width: auto; max-width: 100%; }
  details:not([open]) { display: none; }
  a { color: inherit; text-decoration: none; }
  #appendix { page: appendix; break-before: page; }
  #appendix table { font-size: 7pt; }
}
"""



# ---------------------------------------------------------------------------------- formatting
def _esc(value: object) -> str:
    """Text for HTML (attributes are always double-quoted, so an apostrophe stays as it is)."""
    return html.escape(str(value), quote=False).replace('"', "&quot;")


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def eur(value: float | None, lang: str = "nl") -> str:
    """Whole euros by locale: '€ 1.234.567' (nl), '€1,234,567' (en); '' when missing."""
    return i18n.money(value, lang)


def eur_words(value: float | None, lang: str = "nl") -> str:
    """Euros for prose: '€ 1,9 miljoen', '€ 254.000' (nl); '€1.9 million' (en)."""
    return i18n.money_words(value, lang)


def result_words(value: float, lang: str = "nl") -> str:
    """A result in words: 'een tekort van € 1,2 miljoen', 'een overschot van € 40.000', 'quitte'."""
    if abs(value) < 500:
        return text("result.break_even", lang)
    return text("result.deficit" if value < 0 else "result.surplus", lang, amount=eur_words(value, lang))


def pct(value: float | None, digits: int = 0, lang: str = "nl") -> str:
    return i18n.percent(value, lang, digits)


def fmt_unit(value: object, unit: str, difference: bool = False, lang: str = "nl") -> str:
    """A value in its unit: euros, percentages (percentage points for a difference), months, counts."""
    if _is_missing(value):
        return ""
    value = float(value)  # type: ignore[arg-type]  # a frame cell of any type: a non-number raises, as it should
    if unit == "EUR":
        return i18n.money_signed(value, lang) if difference else eur(value, lang)
    if unit == "share":
        return i18n.points(value, lang) if difference else pct(value, 1, lang)
    if difference:
        return i18n.number_signed(value, lang, 1 if abs(value) < 1000 else 0)
    return i18n.short_number(value, lang)


def _format_cell(value: object, kind: str, lang: str) -> tuple[str, bool]:
    """(text, is_number) for a table cell."""
    if _is_missing(value):
        return "", False
    if isinstance(value, bool):
        return text("yes" if value else "no", lang), False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind == "euro":
            return eur(value, lang), True
        if kind == "share":
            return pct(value, 1, lang), True
        if kind == "fte":
            return i18n.fte(value, lang), True
        if kind == "integer":
            return i18n.number(value, lang), True
        if kind == "number":
            return i18n.number(value, lang, 2 if abs(float(value)) < 1e6 else 0), True
        return str(value), True
    return str(value), False


_NUMERIC_TEXT = re.compile(r"^[-+]?€?[\s\u00a0]?[-+]?[\d.,\u00a0 ]+(%| procentpunt| pp)?$")


def html_table(frame: pd.DataFrame, *, kinds: Mapping[str, str] | None = None, max_rows: int | None = 400,
               total_row: bool = False, labels: Mapping[str, str] | None = None, css: str = "",
               table: str = "", lang: str = "nl", ranges: Iterable[str] = ()) -> str:
    """A frame as an HTML table, numbers right-aligned and formatted by column kind and locale.

    Headers come from `labels`, else from the catalogue's column labels for `table`."""
    kinds = dict(kinds or {})
    labels = labels or {}
    ranges = set(ranges)
    columns = list(frame.columns)
    col_kinds = [kinds.get(c) or column_kind(c, frame[c]) for c in columns]
    shown = frame if max_rows is None or len(frame) <= max_rows else frame.head(max_rows)
    head = "".join(
        f'<th class="{"num" if k != "text" else ""}">'
        f'{_esc(labels.get(c) or column_label(table, str(c), lang))}</th>'
        for c, k in zip(columns, col_kinds, strict=True))
    rows = []
    for i, row in enumerate(shown.itertuples(index=False, name=None)):
        cells = []
        for column, value, kind in zip(columns, row, col_kinds, strict=True):
            shown_text, number = _format_cell(value, kind, lang)
            if column in ranges:
                cls = "range"
            else:
                cls = "num" if number or _NUMERIC_TEXT.match(shown_text) else (
                    "short" if len(shown_text) <= 24 else "")
            if number and kind == "euro" and float(value) < 0:
                cls += " neg"
            cells.append(f'<td class="{cls.strip()}">{_esc(shown_text)}</td>')
        css_row = ' class="total"' if total_row and i == len(shown) - 1 else ""
        rows.append(f"<tr{css_row}>" + "".join(cells) + "</tr>")
    more = ""
    if len(shown) < len(frame):
        more = f'<p class="note">{_esc(text("report.first_rows", lang, shown=len(shown), total=len(frame)))}</p>'
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


def page(title: str, subtitle: str, sections: Sequence[Section], lang: str = "nl") -> str:
    """The whole HTML document: header, table of contents, sections, inline CSS, no scripts."""
    nav = "".join(f'<a href="#{_esc(s.key)}">{_esc(s.heading)}</a>' for s in sections if s.heading)
    body = "\n".join(
        f'<section id="{_esc(s.key)}">' + (f"<h2>{_esc(s.heading)}</h2>" if s.heading else "") + s.body + "</section>"
        if not s.body.lstrip().startswith("<section") else s.body
        for s in sections
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="sporen">'
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{_esc(title)}</h1><p>{_esc(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main></body></html>\n"
    )


def write_report(path: str | Path, text_: str) -> Path:
    """Write the report atomically (a temporary file renamed into place, the user's umask)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text(path, text_)


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
        for column in ("buig_result", "vangnet", "result_after_vangnet"):
            stats = yearly_band(frame, column, by).set_index(list(by))
            if column == "result_after_vangnet":
                parts.append(stats.rename(columns={"mean": f"{prefix}{column}_mean", "low": f"{prefix}{column}_p5",
                                                   "high": f"{prefix}{column}_p95"}))
            else:
                parts.append(stats[["mean"]].rename(columns={"mean": f"{prefix}{column}_mean"}))
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
def describe_plan(plan: Plan | None, scenario: Scenario, lang: str = "nl") -> list[str]:
    """The plan's changes from the baseline in plain words, one sentence each, by display name."""
    if plan is None:
        return []
    lines = []
    for name, level in plan.staff.items():
        role = scenario.role(name)
        change = level.fte - role.fte_now
        if abs(change) < 1e-9:
            continue
        path = fte_path(plan, scenario, name)
        when = i18n.month_text(month_label(scenario.start, path[-1][0]) if path else scenario.start, lang)
        lines.append(text("plan.staff_more" if change > 0 else "plan.staff_less", lang,
                          change=i18n.fte(abs(change), lang), role=scenario.label(name, lang),
                          now=i18n.fte(role.fte_now, lang), planned=i18n.fte(level.fte, lang), when=when))
    for name in plan.instruments:
        instrument = scenario.instrument(name)
        changed = [(y, instrument_places(plan, scenario, name, y)) for y in scenario.horizon_years
                   if instrument_places(plan, scenario, name, y) != instrument.places_per_year]
        if changed:
            if len(changed) == len(scenario.horizon_years) and len({p for _, p in changed}) == 1:
                what = text("plan.places_a_year", lang, places=i18n.number(changed[0][1], lang))
            else:
                what = i18n.words([text("plan.places_in", lang, places=i18n.number(p, lang), year=y)
                                   for y, p in changed], lang)
            lines.append(text("plan.instrument", lang, instrument=scenario.label(name, lang), what=what,
                              now=i18n.number(instrument.places_per_year, lang)))
    for name in plan.measures:
        measure = scenario.measure(name)
        on = measure_on(plan, scenario, name)
        if on != measure.on_in_baseline:
            lines.append(text("plan.measure_start" if on else "plan.measure_stop", lang,
                              measure=scenario.label(name, lang)))
    return lines


@dataclass
class RunFrames:
    """The result frames of one set of replications (each with a leading `replication` column)."""

    monthly: pd.DataFrame
    yearly: pd.DataFrame
    kpis: pd.DataFrame | None = None
    spells: pd.DataFrame | None = None


@dataclass
class NextStep:
    """One concrete thing to try when the target is not met: a catalogue sentence and its values
    (the file and field to widen, or the option to give), so it reads in either language."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def words(self, lang: str = "nl") -> str:
        return text(self.key, lang, **self.values)


@dataclass
class PlanOutcome:
    """What the optimiser decided and how its verification went, as the report needs it."""

    plan: Plan | None
    formation: pd.DataFrame | None = None          # role, fte_now, fte_planned, change, yearly_cost, ...
    cost_per_year: pd.DataFrame | None = None      # year, cost (extra cost of the plan)
    total_cost: float | None = None                # extra cost over the horizon
    probability: float | None = None               # verified probability of meeting the target
    probability_ci: tuple[float, float] | None = None
    probability_ci_exact: bool = False    # the optimiser's verification: two-sided Clopper-Pearson at the stop
    required_probability: float | None = None
    target_met: bool | None = None
    verdict: str | None = None                     # meets | does_not_meet | on_the_edge (else from target_met)
    target_text: str = ""                          # the target in words
    verification_replications: int | None = None
    tradeoff: pd.DataFrame | None = None
    tradeoff_x: str | None = None
    tradeoff_y: str | None = None
    tradeoff_x_label: str | None = None
    tradeoff_chosen: float | None = None
    blocking: list[str] = field(default_factory=list)  # when not met: what blocks, most important first
    next_steps: list[NextStep] = field(default_factory=list)
    plan_lines: list[str] = field(default_factory=list)  # the plan in plain words (describe_plan)
    effect: tuple[float, float, float] | None = None  # paired effect on the result after vangnet: mean, 95% CI
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # budget, savings, relaxations, ...
    table_notes: dict[str, str] = field(default_factory=dict)
    report_futures: int | None = None              # futures the report's baseline and plan are simulated on
    report_met: int | None = None                  # of those, the futures in which the plan meets the target

    def sample_note(self, lang: str = "nl") -> str | None:
        """What the numbers of futures mean, when a reader could misread them: a run on small samples
        says so, and two different counts on one page (the verdict's futures, the report's) are named."""
        counts = [n for n in (self.verification_replications, self.report_futures) if n]
        if not counts:
            return None
        check, report = self.verification_replications, self.report_futures
        both = (text("samples.both", lang, check=check, report=report) if check and report and check != report
                else "")
        if min(counts) < SMALL_SAMPLE:
            return text("samples.small", lang, n=min(counts), default=SMALL_SAMPLE) + both
        return both.strip() or None

    @property
    def verdict_code(self) -> str | None:
        """The verdict as the optimiser states it, else derived from whether the target is met."""
        if self.verdict in ("meets", "does_not_meet", "on_the_edge"):
            return self.verdict
        if self.target_met is None:
            return None
        return "meets" if self.target_met else "does_not_meet"


SMALL_SAMPLE = 100
"""Fewer futures than this is a quick look: a probability near 90% then has a 95% interval over 12 points wide."""
SUMMARY_STEPS = 5
"""At most this many next steps on the one-page summary; Plan details lists them all."""


def _chance_bullets(outcome: PlanOutcome, lang: str) -> list[str]:
    """Page 1's target and probability, on every path: the verified probability with its interval;
    else (no plan verified) the share of the report's own futures in which the plan meets the target;
    and what the numbers of futures mean when a reader could misread them."""
    required = (text("summary.required", lang, required=pct(outcome.required_probability, 0, lang))
                if outcome.required_probability is not None else "")
    bullets = []
    if outcome.probability is not None:
        ci = ""
        if outcome.probability_ci is not None:
            ci = text("summary.ci_exact" if outcome.probability_ci_exact else "summary.ci", lang,
                      low=pct(outcome.probability_ci[0], 0, lang),
                      high=pct(outcome.probability_ci[1], 0, lang))
        bullets.append(text("summary.chance", lang, probability=pct(outcome.probability, 0, lang),
                            futures=outcome.verification_replications or "", ci=ci) + required + ".")
    elif outcome.report_met is not None and outcome.report_futures:
        share = outcome.report_met / outcome.report_futures
        bullets.append(text("summary.chance_report", lang, probability=pct(share, 0, lang), met=outcome.report_met,
                            futures=outcome.report_futures) + required + ".")
    elif outcome.verdict_code is not None:
        bullets.append(text("summary.chance_unknown", lang) + required + ".")
    if outcome.target_text:
        bullets.append(text("summary.target_line", lang, target=_esc(outcome.target_text)))
    note = outcome.sample_note(lang)
    if note:
        bullets.append(f'<span class="samples">{_esc(note)}</span>')
    return bullets


def _range(band: pd.DataFrame, year: int, lang: str) -> str:
    """The 5-95% range of a year of a `yearly_band` frame indexed by year."""
    return text("range", lang, low=eur(band["low"].loc[year], lang), high=eur(band["high"].loc[year], lang))


# complexity over 15: page 1 of the report, one paragraph per case (met, not met, small samples)
def summary_section(scenario: Scenario, baseline: RunFrames, plan_run: RunFrames | None,  # noqa: C901
                    outcome: PlanOutcome | None, lang: str = "nl") -> Section:
    """The page a wethouder reads in a minute."""
    years = scenario.horizon_years
    munis = [m.name for m in scenario.municipalities]
    base = yearly_band(baseline.yearly, "result_after_vangnet").set_index("year").reindex(years)
    planned = (yearly_band(plan_run.yearly, "result_after_vangnet").set_index("year").reindex(years)
               if plan_run is not None else None)
    parts: list[str] = []
    css = ""
    verdict = outcome.verdict_code if outcome is not None else None
    if verdict is not None:
        css = {"meets": "met", "does_not_meet": "not-met", "on_the_edge": "edge"}[verdict]
        parts.append(f'<p class="verdict">{_esc(text("verdict." + verdict, lang))}</p>')

    total_base = float(base["mean"].sum())
    deficit_years = [y for y in years if base["mean"].loc[y] < 0]
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    bullets = [text_n("summary.without", len(munis), lang, municipalities=_esc(i18n.words(munis, lang)), span=span,
                    result=_esc(result_words(total_base, lang)))
               + (text("summary.deficit_in", lang, years=_esc(i18n.years_text(deficit_years, years, lang)))
                  if deficit_years else ".")]
    total_plan = float("nan")
    if planned is not None:
        total_plan = float(planned["mean"].sum())
        plan_deficits = [y for y in years if planned["mean"].loc[y] < 0]
        bullets.append(text("summary.with", lang, result=_esc(result_words(total_plan, lang)))
                       + (text("summary.still_deficit_in", lang,
                               years=_esc(i18n.years_text(plan_deficits, years, lang)))
                          if plan_deficits else text("summary.no_deficit_year", lang)))
    if outcome is not None:
        if outcome.total_cost is not None:
            key = "summary.cost" if outcome.total_cost >= 0 else "summary.saving"
            words = text(key, lang, amount=_esc(eur_words(outcome.total_cost, lang)),
                         years=i18n.quantity(len(years), "year", lang))
            if planned is not None:
                net = total_plan - total_base - outcome.total_cost
                words += text_n("summary.net_better" if net >= 0 else "summary.net_worse", len(munis), lang,
                              amount=_esc(eur_words(net, lang)))
            bullets.append(words + ".")
        bullets += _chance_bullets(outcome, lang)
    parts.append("<ul>" + "".join(f"<li>{b}</li>" for b in bullets) + "</ul>")

    if outcome is not None and outcome.plan is not None:
        lines = describe_plan(outcome.plan, scenario, lang)
        parts.append(f"<p><b>{_esc(text('summary.plan_heading', lang))}</b></p>"
                     + ("<ul>" + "".join(f"<li>{_esc(line)}</li>" for line in lines) + "</ul>" if lines
                        else f"<p>{_esc(text('summary.no_change', lang))}</p>"))

    cards = [(text("card.without", lang), eur(total_base, lang))]
    if planned is not None:
        cards.append((text("card.with", lang), eur(float(planned["mean"].sum()), lang)))
    if outcome is not None and outcome.total_cost is not None:
        cards.append((text("card.cost" if outcome.total_cost >= 0 else "card.saving", lang),
                      eur(abs(outcome.total_cost), lang)))
    if outcome is not None and outcome.probability is not None:
        cards.append((text("card.probability", lang), pct(outcome.probability, 0, lang)))
    parts.append('<div class="kpis">' + "".join(
        f'<div class="kpi"><div class="label">{_esc(label)}</div><div class="value">{_esc(value)}</div></div>'
        for label, value in cards) + "</div>")

    rows = []
    cost = (outcome.cost_per_year.set_index("year")["cost"] if outcome is not None
            and outcome.cost_per_year is not None else None)
    without, with_, r_without, r_with = (text("sum.without", lang), text("sum.with", lang),
                                         text("sum.range_without", lang), text("sum.range_with", lang))
    extra, year_col = text("sum.extra", lang), text("col.year", lang)
    for y in years:
        row = {year_col: str(y), without: base["mean"].loc[y], r_without: _range(base, y, lang)}
        if planned is not None:
            row[with_] = planned["mean"].loc[y]
            row[r_with] = _range(planned, y, lang)
        if cost is not None:
            row[extra] = float(cost.get(y, 0))
        rows.append(row)
    table = pd.DataFrame(rows)
    total: dict[str, Any] = {year_col: text("total", lang), without: table[without].sum(), r_without: ""}
    if planned is not None:
        total.update({with_: table[with_].sum(), r_with: ""})
    if cost is not None:
        total[extra] = table[extra].sum()
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    kinds = {without: "euro", with_: "euro", extra: "euro", year_col: "text", r_without: "text", r_with: "text"}
    parts.append(f"<p>{_esc(text_n('summary.table_intro', len(munis), lang))}</p>"
                 + html_table(table, kinds=kinds, total_row=True, labels={c: c for c in table.columns}, lang=lang,
                              ranges=(r_without, r_with)))

    if outcome is not None and verdict != "meets" and outcome.next_steps:
        shown_steps = outcome.next_steps[:SUMMARY_STEPS]
        more = (f'<p class="note">{_esc(text("next.more", lang, n=len(outcome.next_steps) - len(shown_steps)))}</p>'
                if len(outcome.next_steps) > len(shown_steps) else "")
        parts.append(f'<div class="next"><h3>{_esc(text("next.heading", lang))}</h3><ol>'
                     + "".join(f"<li>{_esc(step.words(lang))}</li>" for step in shown_steps) + "</ol>" + more
                     + "</div>")
    return Section("summary", text("section.summary", lang), f'<div class="summary {css}">' + "".join(parts) + "</div>")


GLOSSARY_TERMS = ("buig", "vangnet", "eigen_risico", "exploitatie", "spoor", "in_beeld", "resultaat_na_vangnet",
                  "toekomst", "fte", "participatieladder")


def glossary_section(lang: str = "nl") -> Section:
    """The words a council member may not know, each in a line."""
    items = "".join(f"<dt>{_esc(text('glossary.' + k + '.term', lang))}</dt>"
                    f"<dd>{_esc(text('glossary.' + k, lang))}</dd>" for k in GLOSSARY_TERMS)
    return Section("glossary", text("section.glossary", lang), f'<dl class="glossary">{items}</dl>')


def _tiers_text(rule: Any, lang: str) -> str:
    parts = []
    for tier in rule.tiers:
        rate = pct(tier.rate, 0, lang)
        if tier.upper is None:
            parts.append(text("rules.tier_above", lang, rate=rate, lower=pct(tier.lower, 1, lang)))
        else:
            parts.append(text("rules.tier", lang, rate=rate, lower=pct(tier.lower, 1, lang),
                              upper=pct(tier.upper, 1, lang)))
    return "; ".join(parts)


_REFERENCE = re.compile(r"\[([^\]]*\bS\d+[^\]]*)\]")


def rule_source(rule: Any, lang: str) -> str:
    """A vangnet rule's source as the reader's language needs it. The rules file cites its sources in
    English; in another language the column names the references ([S10, S11], numbered in the rules
    file), the seed documents it cites and what of the rule is assumed, in that language."""
    if lang == "en":
        return str(rule.source)
    source = str(rule.source)
    refs = list(dict.fromkeys(r.strip() for group in _REFERENCE.findall(source) for r in group.split(",")
                              if re.fullmatch(r"S\d+", r.strip())))
    seeds = list(dict.fromkeys(f"seed {n}" for n in re.findall(r"[Ss]eed (\d{3})", source)))
    parts = [text("rules.source.refs", lang, refs=", ".join(refs))] if refs else []
    if seeds:
        parts.append(text("rules.source.seeds", lang, seeds=i18n.words(seeds, lang)))
    assumed = [text("rules.part." + str(p), lang) if i18n.has_text("rules.part." + str(p)) else str(p)
               for p in getattr(rule, "assumed", [])]
    if assumed:
        parts.append(text("rules.source.assumed", lang, parts=i18n.words(assumed, lang)))
    return "; ".join(parts) + "." if parts else text("rules.source.file", lang)


def vangnet_rules_html(rules: Mapping[int, Any] | None, years: Sequence[int], lang: str = "nl") -> str:
    """The vangnet rules of the horizon's years: threshold, tiers, multi-year test, status, source."""
    if not rules:
        return ""
    rows = []
    assumed = []
    for year in years:
        rule = rules.get(year)
        if rule is None:
            rows.append(f"<tr><td>{year}</td><td colspan=\"5\">{_esc(text('rules.none', lang))}</td></tr>")
            continue
        status = str(rule.status)
        if status == "assumed":
            assumed.append(year)
        test = (text("rules.multi_year", lang, years=i18n.quantity(rule.cumulative_years, "year", lang),
                     threshold=pct(rule.cumulative_threshold, 1, lang))
                if rule.cumulative_years else text("rules.no_multi_year", lang))
        rows.append(f"<tr><td>{year}</td><td class=\"num\">{_esc(pct(rule.threshold, 1, lang))}</td>"
                    f"<td>{_esc(_tiers_text(rule, lang))}</td><td>{_esc(test)}</td>"
                    f'<td class="status-{_esc(status)}">{_esc(text("status." + status, lang))}</td>'
                    f"<td>{_esc(rule_source(rule, lang))}</td></tr>")
    head = "".join(f"<th>{_esc(text('rules.col.' + c, lang))}</th>"
                   for c in ("year", "threshold", "tiers", "test", "status", "source"))
    warning = ""
    if assumed:
        words = text("rules.assumed_warning", lang, years=i18n.words(map(str, assumed), lang))
        warning = f'<p class="note"><b>{_esc(words)}</b></p>'

    return (f"<h3>{_esc(text('rules.heading', lang))}</h3><p>{_esc(text('rules.intro', lang))}</p>" + warning
            + f'<div class="scroll"><table class="fixed rules"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></div>")


def money_section(baseline: RunFrames, plan_run: RunFrames | None, scenario: Scenario,
                  rules: Mapping[int, Any] | None = None, lang: str = "nl") -> Section:
    table = deficit_table(baseline.yearly, plan_run.yearly if plan_run else None)
    shown = pd.DataFrame({
        "municipality": table["municipality"], "year": table["year"].astype(str),
        "buig_result_mean": table["buig_result_mean"], "vangnet_mean": table["vangnet_mean"],
        "result_after_vangnet_mean": table["result_after_vangnet_mean"],
        "probability_deficit": table["probability_deficit"],
    })
    kinds = {"buig_result_mean": "euro", "vangnet_mean": "euro", "result_after_vangnet_mean": "euro",
             "probability_deficit": "share", "year": "text"}
    if plan_run is not None:
        shown["plan_result_after_vangnet_mean"] = table["plan_result_after_vangnet_mean"]
        shown["plan_probability_deficit"] = table["plan_probability_deficit"]
        kinds.update({"plan_result_after_vangnet_mean": "euro", "plan_probability_deficit": "share"})
    labels = {c: text("money.col." + c, lang) for c in shown.columns}
    body = (figure_html(figures.result_figure(baseline.yearly, plan_run.yearly if plan_run else None, lang=lang))
            + figure_html(figures.budget_figure(baseline.yearly, plan_run.yearly if plan_run else None, lang=lang))
            + f"<p>{_esc(text('money.intro' + ('_plan' if plan_run is not None else ''), lang))}</p>"
            + html_table(shown, kinds=kinds, labels=labels, lang=lang)
            + vangnet_rules_html(rules, scenario.horizon_years, lang))
    return Section("money", text("section.money", lang), body)


def caseload_section(baseline: RunFrames, plan_run: RunFrames | None, scenario: Scenario,
                     lang: str = "nl") -> Section:
    monthly = baseline.monthly.assign(track=baseline.monthly["track"].map(lambda t: scenario.label(t, lang)))
    plan_monthly = (plan_run.monthly.assign(track=plan_run.monthly["track"].map(lambda t: scenario.label(t, lang)))
                    if plan_run is not None else None)
    body = figure_html(figures.caseload_figure(monthly, plan_monthly, lang=lang))
    if baseline.kpis is not None and len(baseline.kpis):
        kpis = kpi_summary(baseline.kpis, plan_run.kpis if plan_run is not None else None)
        kpis = kpis[kpis["kpi"].map(kpi_unit) != "EUR"]   # the money has its own section
        shown = _kpi_display(kpis, lang)
        body += (f"<p>{_esc(text('caseload.kpi_intro' + ('_plan' if plan_run is not None else ''), lang))}</p>"
                 + html_table(shown, kinds=_TEXT_KINDS, labels={c: c for c in shown.columns}, lang=lang)
                 + _censoring_note(kpis, lang))
    return Section("caseload", text("section.caseload", lang), body)


def _censoring_note(kpis: pd.DataFrame, lang: str) -> str:
    """Why the median stay can be above the mean: the mean counts only the stays that ended within
    the horizon, the median (Kaplan-Meier) also the ones still running at its end."""
    values = kpis.set_index("kpi")[kpis.columns[2]] if len(kpis.columns) > 2 else None   # without the plan
    if values is None or not {"mean_time_on_benefit_months", "median_time_on_benefit_months"} <= set(values.index):
        return ""
    mean = values.loc[["mean_time_on_benefit_months"]].max()
    median = values.loc[["median_time_on_benefit_months"]].max()
    if not median > mean:
        return ""
    return f'<p class="note">{_esc(text("caseload.censoring", lang))}</p>'


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


def _kpi_display(table: pd.DataFrame, lang: str = "nl") -> pd.DataFrame:
    """KPIs as a compact table: one row per KPI, one column per year; 'without -> with' when a
    plan is given; values in their units."""
    value_columns = list(table.columns[2:])
    years = sorted(table["year"].astype(str).unique(), key=lambda y: (not y.isdigit(), y))
    year_labels = {y: value_label("year", y, lang) for y in years}
    kpi_col = text("col.kpi", lang)
    rows = []
    for kpi, group in table.groupby("kpi", sort=False):
        unit = kpi_unit(str(kpi))
        row = {kpi_col: kpi_label(str(kpi), lang)}
        by_year = group.set_index(group["year"].astype(str))
        for year in years:
            if year not in by_year.index:
                row[year_labels[year]] = ""
                continue
            values = [fmt_unit(by_year.loc[year, c], unit, lang=lang) for c in value_columns]
            row[year_labels[year]] = " → ".join(values) if len(values) > 1 else values[0]
        rows.append(row)
    return pd.DataFrame(rows, columns=[kpi_col, *year_labels.values()])


def survival_section(spells: pd.DataFrame | None, scenario: Scenario, lang: str = "nl") -> Section | None:
    if spells is None or not len(spells) or not (spells["entry_time"] >= 0).any():
        return None
    start_year = scenario.horizon_years[0]
    start_month = int(scenario.start.split("-")[1])
    # entry year from the calendar: months from the start plus the start's month offset
    shifted = spells.assign(entry_time=spells["entry_time"] + (start_month - 1),
                            exit_time=spells["exit_time"] + (start_month - 1))
    curves = figures.kaplan_meier(shifted[shifted["entry_time"] >= start_month - 1],
                                  scenario.months + start_month - 1, start_year)
    fig = figures.survival_figure(curves, lang=lang)
    points = [m for m in (6, 12, 24, 36) if m <= scenario.months]
    rows = []
    # the curves pool the spells of every future; the count a reader compares with a year's inflow is per future
    futures = int(spells["replication"].nunique()) if "replication" in spells else 1
    entry, clients = text("col.entry_year", lang), text("survival.inflow_per_future", lang)
    for year, group in curves.groupby("entry_year"):
        row: dict[str, Any] = {entry: str(year), clients: i18n.number(group["at_risk"].iloc[0] / futures, lang, 1)}
        for m in points:
            hit = group[group["months"] == m]
            label = text("survival.after", lang, months=i18n.quantity(m, "month", lang))
            row[label] = float(hit["survival"].iloc[0]) if len(hit) else float("nan")
        rows.append(row)
    table = pd.DataFrame(rows)
    kinds = {c: "share" for c in table.columns if c not in (entry, clients)}
    kinds[clients], kinds[entry] = "text", "text"
    body = (figure_html(fig) + f"<p>{_esc(text('survival.intro', lang, futures=futures))}</p>"
            + html_table(table, kinds=kinds, labels={c: c for c in table.columns}, lang=lang))
    return Section("survival", text("section.survival", lang), body)


def formation_section(outcome: PlanOutcome, scenario: Scenario, lang: str = "nl") -> Section | None:
    if outcome.formation is None or not len(outcome.formation):
        return None
    formation = display_formation(outcome.formation, scenario, lang)
    is_total = bool(formation.iloc[-1].astype(str).str.lower().isin({"total", text("total", lang)}).any())
    body = html_table(formation, total_row=is_total, table="formation", lang=lang,
                      kinds={"fte_now": "fte", "fte_planned": "fte", "change": "fte"})
    notes = f'<p class="note">{_esc(text("formation.note", lang))}</p>'
    return Section("formation", text("section.formation", lang), notes + body)


def display_formation(formation: pd.DataFrame, scenario: Scenario, lang: str = "nl") -> pd.DataFrame:
    """The formation table for a person: display names, the function in words, the arrival month
    in words, 'totaal' on the total row; the `function` column only when it is not all one."""
    out = formation.copy()
    out["role"] = [text("total", lang) if str(r) == "total" else scenario.label(str(r), lang) for r in out["role"]]
    if "function" in out:
        out["function"] = [text("function." + f, lang) if isinstance(f, str) and f else "" for f in out["function"]]
        out = out.drop(columns="function")
    if "arrives" in out:
        out["arrives"] = [i18n.month_text(a, lang) if isinstance(a, str) and re.match(r"^\d{4}-\d{2}$", a) else a
                          for a in out["arrives"]]
    empty = [c for c in out.columns if out[c].map(lambda v: v is None or v == "" or pd.isna(v)).all()]
    return out.drop(columns=empty)   # a column with nothing in it ('later' when nothing changes later)


def tradeoff_section(outcome: PlanOutcome, lang: str = "nl") -> Section | None:
    t = outcome.tradeoff
    if t is None or not len(t) or outcome.tradeoff_x is None or outcome.tradeoff_y is None:
        return None
    fig = figures.tradeoff_figure(t, outcome.tradeoff_x, outcome.tradeoff_y, outcome.tradeoff_chosen,
                                  outcome.tradeoff_x_label, lang=lang)
    shown = t.drop(columns=[c for c in ("plan", "regime", "is_answer", "feasible") if c in t.columns])
    if "verdict" in shown:
        shown = shown.assign(verdict=[_verdict_words(v, lang) for v in shown["verdict"]])
    return Section("tradeoff", text("section.tradeoff", lang),
                   figure_html(fig) + html_table(shown, table="tradeoff", lang=lang, kinds=_SHARES))


def tables_section(outcome: PlanOutcome, scenario: Scenario, lang: str = "nl") -> Section | None:
    blocking = outcome.blocking if isinstance(outcome.blocking, list) else [outcome.blocking]
    blocking = [b for b in blocking if b]
    if not outcome.tables and not blocking and not outcome.next_steps:
        return None
    body = []
    if outcome.next_steps and outcome.verdict_code != "meets":
        body.append(f"<h3>{_esc(text('next.heading', lang))}</h3><ol>"
                    + "".join(f"<li>{_esc(step.words(lang))}</li>" for step in outcome.next_steps) + "</ol>")
    if blocking and lang == "en":   # the optimiser's own sentences; in Dutch the tables below say it in words
        body.append(f"<h3>{_esc(text('details.blocking', lang))}</h3>"
                    + "<ul>" + "".join(f"<li>{_esc(b)}</li>" for b in blocking) + "</ul>")
    for name, frame in outcome.tables.items():
        if frame is None:
            continue
        body.append(f"<h3>{_esc(text('details.' + name, lang))}</h3>")
        body.append(f'<p class="note">{_esc(text("details." + name + ".note", lang))}</p>')
        if name == "budget" and {"instrument", "year", "places", "budget"} <= set(frame.columns) and len(frame):
            shown = _budget_display(frame, scenario, lang)
            body.append(html_table(shown, kinds=_TEXT_KINDS, labels={c: c for c in shown.columns}, lang=lang))
            continue
        if name == "savings" and "lever" in frame:
            frame = frame.assign(lever=[_lever_label(x, scenario, lang) for x in frame["lever"]])
            if "chosen" in frame:
                frame = frame.assign(chosen=pd.Series([level_words(v, lang) for v in frame["chosen"]],
                                                      index=frame.index, dtype=object))
            frame = frame.drop(columns=[c for c in ("kind", "unit", "baseline", "futures") if c in frame])
        if name == "relaxations" and "relaxed" in frame:
            frame = frame.assign(meaning=[_relaxed_meaning(r, k, m, lang) for r, k, m
                                          in zip(frame["relaxed"], frame["kind"], frame["meaning"], strict=True)])
            frame = frame.drop(columns=[c for c in ("relaxed", "kind", "how", "plan_without", "futures")
                                        if c in frame])
        body.append(html_table(frame, table=name, lang=lang, kinds=_SHARES) if len(frame)
                    else f'<p class="note">({_esc(text("empty", lang))})</p>')
    return Section("plan-details", text("section.details", lang), "".join(body))


_SHARES = {"probability": "share", "verified_probability": "share", "low": "share", "high": "share",
           "estimate_with": "share", "estimate_without": "share", "difference": "share", "target_level": "euro",
           "cost_without": "euro", "saving": "euro", "mean_effect_eur": "euro"}
"""Columns of the optimiser's tables shown as shares of futures or euros."""


def _verdict_words(verdict: Any, lang: str) -> str:
    key = f"verdict.short.{verdict}"
    return text(key, lang) if i18n.has_text(key) else str(verdict)


def _relaxed_meaning(relaxed: Any, kind: Any, meaning: Any, lang: str) -> str:
    """A relaxations row in words: 'het doel in 2019', or the constraint family's name."""
    if kind == "target year":
        return text("relaxed.year", lang, year=relaxed)
    key = "family." + str(relaxed)
    return text(key, lang) if i18n.has_text(key) else str(meaning)


def _lever_label(key: Any, scenario: Scenario, lang: str) -> str:
    """'role:km_werk' -> the role's display name; other rows as they are."""
    kind, _, name = str(key).partition(":")
    if not name:
        return scenario.label(kind, lang)
    return scenario.label(name, lang) if kind in ("role", "instrument", "measure") else str(key)


def _budget_display(budget: pd.DataFrame, scenario: Scenario, lang: str) -> pd.DataFrame:
    """Instrument places and budget: one column per year holding 'places / budget'."""
    wide = budget.pivot_table(index="instrument", columns="year", values=["places", "budget"], aggfunc="sum",
                              sort=False)
    instrument = text("col.instrument", lang)
    out = pd.DataFrame({instrument: [scenario.label(str(i), lang) for i in wide.index]})
    for year in sorted(budget["year"].unique()):
        out[str(year)] = [text("budget.cell", lang, places=i18n.number(p, lang), budget=eur(b, lang))
                          for p, b in zip(wide[("places", year)], wide[("budget", year)], strict=True)]
    return out


def comparison_totals(comparison: pd.DataFrame) -> pd.DataFrame:
    """The headline rows of a comparison: its `headline` column, else the totals over the horizon
    and all municipalities (municipality 'all', year 'all' or 'total')."""
    if "headline" in comparison:
        return comparison[comparison["headline"].astype(bool)]
    mask = comparison["municipality"].astype(str).isin({"all", "total"}) & comparison["year"].astype(str).isin(
        {"all", "total"})
    return comparison[mask]


def comparison_section(comparison: pd.DataFrame | None, heading: str | None = None,
                       intro: str = "", lang: str = "nl") -> Section | None:
    if comparison is None or not len(comparison):
        return None
    totals = comparison_totals(comparison)
    body = [f"<p>{_esc(intro)}</p>" if intro else ""]
    if len(totals):
        labelled = totals.assign(measure=[kpi_label(str(m), lang) for m in totals["measure"]])
        body.append(figure_html(figures.comparison_figure(labelled, lang=lang)))
        body.append(_comparison_words(totals, lang))
        shown = _comparison_display(totals, lang=lang)
        body.append(html_table(shown, kinds=_TEXT_KINDS, labels={c: c for c in shown.columns}, lang=lang))
    detail = comparison.drop(totals.index).drop(columns="headline", errors="ignore")
    if len(detail):
        shown = _comparison_display(detail, detail=True, lang=lang)
        body.append(f"<details><summary>{_esc(text('compare.detail', lang))}</summary>"
                    + html_table(shown, kinds=_TEXT_KINDS, labels={c: c for c in shown.columns}, max_rows=600,
                                 lang=lang)
                    + "</details>")
    return Section("comparison", heading or text("section.comparison", lang), "".join(body))


class _AllText(dict):
    def get(self, key, default=None):  # noqa: ANN001, ANN201 - every column is shown as text
        return "text"


_TEXT_KINDS = _AllText()


def _comparison_display(frame: pd.DataFrame, detail: bool = False, lang: str = "nl") -> pd.DataFrame:
    """A comparison table with each value in its row's unit (euros, %, pp, months, clients)."""
    units = frame["unit"].tolist()
    col = {k: text("compare.col." + k, lang) for k in ("variant", "measure", "municipality", "year", "base",
                                                       "variant_value", "difference", "interval", "significant")}
    shown = pd.DataFrame({col["variant"]: frame["variant"].to_numpy(),
                          col["measure"]: [kpi_label(str(m), lang) for m in frame["measure"]]})
    if detail:
        shown[col["municipality"]] = [value_label("municipality", m, lang) for m in frame["municipality"]]
        shown[col["year"]] = [value_label("year", y, lang) for y in frame["year"].astype(str)]
    shown[col["base"]] = [fmt_unit(v, u, lang=lang) for v, u in zip(frame["base_mean"], units, strict=True)]
    shown[col["variant_value"]] = [fmt_unit(v, u, lang=lang) for v, u in zip(frame["variant_mean"], units,
                                                                               strict=True)]
    shown[col["difference"]] = [fmt_unit(v, u, True, lang) for v, u in zip(frame["diff_mean"], units, strict=True)]
    shown[col["interval"]] = [text("range", lang, low=fmt_unit(lo, u, True, lang), high=fmt_unit(hi, u, True, lang))
                              for lo, hi, u in zip(frame["ci_low"], frame["ci_high"], units, strict=True)]
    shown[col["significant"]] = [text("yes" if bool(x) else "no", lang) for x in frame["significant"]]
    return shown


def _comparison_words(totals: pd.DataFrame, lang: str = "nl") -> str:
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
            items.append(f"<li><b>{_esc(variant)}</b>: {_esc(text('compare.same', lang))}</li>")
            continue
        sig = text("compare.significant" if bool(row["significant"]) else "compare.not_significant", lang)
        items.append(f"<li><b>{_esc(variant)}</b>: " + _esc(text(
            "compare.better" if change > 0 else "compare.worse", lang, amount=eur_words(change, lang),
            low=i18n.money_signed(row["ci_low"], lang), high=i18n.money_signed(row["ci_high"], lang), sig=sig))
            + "</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def gain_section(table: pd.DataFrame | None, lang: str = "nl") -> Section | None:
    """What each variant's gain rests on, year by year (`outputs.gain_decomposition`): a sentence
    per variant (and the years its result without extra vangnet falls below the base's) and a
    table of the parts (rows) per year (columns)."""
    from sporen.outputs import gain_decomposition as gd

    if table is None or not len(table):
        return None
    body = [f"<p>{_esc(text('gain.intro', lang))}</p>"]
    for variant, group in table.groupby("variant", sort=False):
        total = group[group.year == gd.ALL].set_index("measure")["mean"]
        words = {k: i18n.money_signed(total.get(m), lang) for k, m in (
            ("gain", "gain"), ("vangnet", "vangnet_part"), ("instruments", "instruments_part"),
            ("caseworkers", "caseworkers_part"), ("rest", "rest_part"), ("without", "gain_without_vangnet"))}
        sentence = text("gain.sentence", lang, variant=variant, **words)
        negative = gd.negative_years(table, str(variant))
        if negative:
            sentence += " " + text("gain.negative_years", lang, years=i18n.words(negative, lang))
        body.append(f"<p>{_esc(sentence)}</p>")
        wide = group.pivot(index="measure", columns="year", values="mean").reindex(list(gd.MEASURES))
        shown = pd.DataFrame({text("gain.col.part", lang): [kpi_label(m, lang) for m in wide.index]})
        for year in wide.columns:
            shown[value_label("year", year, lang)] = [i18n.money_signed(v, lang) for v in wide[year]]
        body.append(html_table(shown, kinds=_TEXT_KINDS, labels={c: c for c in shown.columns}, lang=lang))
    return Section("gain", text("section.gain_decomposition", lang), "".join(body))


def model_section(scenario: Scenario, run: Mapping[str, Any], lang: str = "nl") -> Section:
    flow = figures.flow_figure(
        [scenario.label(t.name, lang) for t in scenario.tracks],
        [(scenario.label(t.name, lang), scenario.label(tr.to, lang)) for t in scenario.tracks for tr in t.transitions],
        [scenario.label(s.name, lang) for s in scenario.segments], lang=lang)
    return Section("model", text("section.model", lang),
                   model_description(scenario, run, overview_figure_html=figure_html(flow), lang=lang))


def appendix_section(scenario: Scenario, lang: str = "nl") -> Section:
    """Appendix: every sourced assumption (value, unit, kind, source), values a user changed marked."""
    return Section("appendix", text("section.appendix", lang), assumptions_appendix(scenario, lang))


def _subtitle(scenario: Scenario, run: Mapping[str, Any], lang: str = "nl") -> str:
    years = scenario.horizon_years
    bits = [text("subtitle.scenario", lang, name=scenario.name)]
    if run.get("variant"):
        bits.append(text("subtitle.variant", lang, name=run["variant"]))
    bits.append(f"{years[0]}-{years[-1]}")
    if run.get("optimisation_replications"):
        bits.append(text("subtitle.verified", lang, futures=run.get("verification_replications")))
    elif run.get("replications"):
        bits.append(text("subtitle.futures", lang, futures=run["replications"]))
    if run.get("seed") is not None:
        bits.append(f"seed {run['seed']}")
    bits.append(text("subtitle.reference", lang, date=i18n.month_text(scenario.start, lang)))
    if run.get("date"):
        bits.append(text("subtitle.made", lang, date=run["date"]))
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
    rules: Mapping[int, Any] | None = None,
    lang: str = "nl",
    sensitivity: Any = None,
) -> str:
    """The report of `sporen plan` as HTML text, in `lang` ('nl' or 'en'); `sensitivity`: the
    tables of `outputs.sensitivity_section` (a section, and the robustness in the summary)."""
    lang = i18n.check_lang(lang)
    run = dict(run or {})
    sections: list[Section | None] = [
        summary_section(scenario, baseline, plan_run, outcome, lang),
        glossary_section(lang),
        money_section(baseline, plan_run, scenario, rules, lang),
        caseload_section(baseline, plan_run, scenario, lang),
    ]
    if outcome is not None:
        sections += [formation_section(outcome, scenario, lang), tradeoff_section(outcome, lang),
                     tables_section(outcome, scenario, lang)]
    if sensitivity is not None:
        from sporen.outputs.sensitivity_section import add_to_report

        add_to_report(sections, sensitivity, scenario, lang)
    sections.append(comparison_section(comparison, intro=comparison_intro, lang=lang))
    sections.append(survival_section(baseline.spells, scenario, lang))
    sections.append(model_section(scenario, run, lang))
    sections.append(appendix_section(scenario, lang))
    return page(title or text("title.plan", lang, name=scenario.name), _subtitle(scenario, run, lang),
                [s for s in sections if s is not None], lang)


def compare_report(
    scenario: Scenario,
    comparison: pd.DataFrame,
    *,
    base: RunFrames | None = None,
    variants: Mapping[str, RunFrames] | None = None,
    variant_changes: Mapping[str, Iterable[str]] | None = None,
    run: Mapping[str, Any] | None = None,
    rules: Mapping[int, Any] | None = None,
    lang: str = "nl",
    decomposition: pd.DataFrame | None = None,
) -> str:
    """The report of `sporen compare` as HTML text, in `lang`; `decomposition` (optional) says what
    each variant's gain rests on (`gain_section`)."""
    lang = i18n.check_lang(lang)
    run = dict(run or {})
    changes = []
    for name, lines in (variant_changes or {}).items():
        changes.append(f"<li><b>{_esc(name)}</b>: " + "; ".join(_esc(str(x).rstrip(".")) for x in lines) + "</li>")
    sections: list[Section | None] = [glossary_section(lang)]
    if changes:
        sections.insert(0, Section("variants", text("section.variants", lang), "<ul>" + "".join(changes) + "</ul>"))
    sections.insert(1 if changes else 0, comparison_section(comparison, heading=text("section.compare_base", lang),
                                                            intro=text("compare.intro", lang), lang=lang))
    gain = gain_section(decomposition, lang)
    if gain is not None:
        sections.insert(2 if changes else 1, gain)
    if base is not None:
        body = (figure_html(figures.result_figure(base.yearly, lang=lang))
                + figure_html(figures.caseload_figure(base.monthly.assign(
                    track=base.monthly["track"].map(lambda t: scenario.label(t, lang))), lang=lang))
                + vangnet_rules_html(rules, scenario.horizon_years, lang))
        sections.append(Section("base", text("section.base", lang), body))
    sections.append(model_section(scenario, run, lang))
    sections.append(appendix_section(scenario, lang))
    return page(text("title.compare", lang, name=scenario.name), _subtitle(scenario, run, lang),
                [s for s in sections if s is not None], lang)
