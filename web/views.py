"""What the what-if page shows, as pure functions of a `jobs.whatif.WhatIfView` (or the
scenario and the control values) and the language: the controls, the cards, the tables and the
optimiser's answer. `web.app` wires them to the session; the browser test reads the tables'
data-value attributes, so every number here is also there exactly."""

from __future__ import annotations

from typing import Any

from shiny import ui

from sporen.inputs.schema import Scenario
from sporen.jobs.whatif.evaluate import PRIORITIES, WhatIfView, control_limits
from sporen.jobs.whatif.optimiser import OptimiserAnswer
from sporen.web.html import diff_text, table
from sporen.web.texts import euro, fte, percent, t, verdict_words


def controls(scenario: Scenario, init: Any, g: int, language: str) -> ui.TagChild:
    """The sidebar's controls, drawn with the values in `init` (a `web.app.Controls`); ids carry the
    generation `g`."""
    limits = control_limits(scenario)
    roles = []
    for i, role in enumerate(scenario.roles):
        low, high = limits["fte"][role.name]
        hint = (t(language, "now", value=fte(role.fte_now, language)) + " · "
                + t(language, "limits", low=fte(low, language), high=fte(high, language)))
        label = ui.TagList(role.name, " ", ui.span(hint, class_="ctl-hint"))
        roles.append(ui.input_numeric(f"c{g}_fte_{i}", label, init.fte[role.name], min=low, max=high, step=0.5,
                                      width="100%"))
    instruments = []
    for i, inst in enumerate(scenario.instruments):
        low, high = limits["places"][inst.name]
        instruments.append(ui.div(
            ui.tags.b(inst.name), ui.span(" " + t(language, "now", value=inst.places_per_year),
                                          class_="ctl-hint"),
            ui.div(*[ui.input_numeric(f"c{g}_places_{i}_{year}", str(year), init.places[inst.name][year],
                                      min=low, max=high, step=1) for year in scenario.horizon_years],
                   class_="places-grid")))
    measures = [ui.input_switch(f"c{g}_measure_{i}", m.name + (f" — {m.description}" if m.description else ""),
                                init.measures[m.name]) for i, m in enumerate(scenario.measures)]
    years = {str(y): str(y) for y in scenario.horizon_years}
    target = init.target
    panels = [
        ui.accordion_panel(t(language, "formation"), *roles, value="formation"),
        ui.accordion_panel(t(language, "instruments"), *instruments, value="instruments"),
    ]
    if measures:
        panels.append(ui.accordion_panel(t(language, "measures"), *measures, value="measures"))
    panels += [
        ui.accordion_panel(t(language, "policy"), ui.input_select(
            f"c{g}_priority", t(language, "priority"),
            {p: t(language, f"prio_{p}") for p in PRIORITIES}, selected=init.priority), value="policy"),
        ui.accordion_panel(
            t(language, "target"),
            ui.input_select(f"c{g}_from_year", t(language, "from_year"), years,
                            selected=str(target.from_year)),
            ui.input_numeric(f"c{g}_level", t(language, "level"), target.level, step=50000),
            ui.input_numeric(f"c{g}_probability", t(language, "probability"), target.probability, min=0.05,
                             max=1.0, step=0.05),
            ui.input_select(f"c{g}_scope", t(language, "scope"),
                            {"total": t(language, "scope_total"),
                             "per-municipality": t(language, "scope_each")}, selected=target.scope),
            ui.input_checkbox(f"c{g}_cumulative", t(language, "cumulative"), target.cumulative),
            value="target"),
    ]
    return ui.TagList(
        ui.accordion(*panels, id=f"c{g}_accordion", open=["formation", "target"], multiple=True),
        ui.input_action_button("reset", t(language, "reset"), class_="btn-outline-secondary btn-sm mt-2"),
    )


def cards(current_view: WhatIfView, language: str, number: int) -> ui.TagChild:
    """The headline cards: result, probability of meeting the target, cost, differences."""
    years = current_view.years
    span = f"{years['year'].iloc[0]}-{years['year'].iloc[-1]}"
    totals = current_view.totals
    c = current_view.chance
    cost = float(current_view.cost["total"].sum())
    number_attr = {"data-number": str(number)}
    boxes = [
        ui.value_box(t(language, "card_result", span=span), euro(totals["mean"], language),
                     t(language, "card_base", value=euro(totals["base_mean"], language)), id="card_result"),
        ui.value_box(
            t(language, "card_chance"),
            percent(c.probability, language),
            ui.div(ui.tags.b(verdict_words(c.verdict, language)), class_=f"verdict-{c.verdict}"),
            ui.div(t(language, "card_chance_detail", met=c.met, n=c.n, low=percent(c.ci_low, language),
                     high=percent(c.ci_high, language), required=percent(c.required, language))),
            id="card_chance"),
        ui.value_box(t(language, "card_cost"), euro(cost, language),
                     t(language, "card_cost_detail", span=span), id="card_cost"),
        ui.value_box(t(language, "card_diff"), euro(totals["diff_mean"], language, sign=True),
                     t(language, "card_diff_detail", span=span, low=euro(totals["diff_low"], language, True),
                       high=euro(totals["diff_high"], language, True)), id="card_diff"),
    ]
    if "refdiff_mean" in totals:
        boxes.append(ui.value_box(
            t(language, "card_ref"), euro(totals["refdiff_mean"], language, sign=True),
            t(language, "card_diff_detail", span=span, low=euro(totals["refdiff_low"], language, True),
              high=euro(totals["refdiff_high"], language, True)), id="card_ref"))
    chance_data = ui.div(id="chance", **{"data-met": str(c.met), "data-n": str(c.n),
                                         "data-probability": repr(c.probability),
                                         "data-ci-low": repr(c.ci_low), "data-ci-high": repr(c.ci_high),
                                         "data-verdict": c.verdict,
                                         "data-base-met": str(current_view.base_chance.met)}, hidden=True)
    return ui.div(ui.layout_column_wrap(*boxes, width="13rem", fill=False),
                  chance_data, id="cards", **number_attr)


def result_table(current_view: WhatIfView, language: str) -> ui.TagChild:
    """Per year: without and with the plan, the 90% band and the paired differences."""
    years = current_view.years.copy()
    years["band"] = [f"{euro(a, language)} … {euro(b, language)}" for a, b in zip(years["p5"], years["p95"],
                                                                                 strict=True)]
    years["difference"] = [diff_text(m, lo, hi, language) for m, lo, hi in
                           zip(years["diff_mean"], years["diff_low"], years["diff_high"], strict=True)]
    columns = [("year", t(language, "year"), "text"), ("base_mean", t(language, "without_plan"), "euro"),
               ("mean", t(language, "with_plan"), "euro"), ("band", t(language, "band"), "text"),
               ("difference", t(language, "difference"), "text")]
    totals = current_view.totals
    total = {"year": t(language, "total"), "base_mean": totals["base_mean"], "mean": totals["mean"],
             "band": "", "difference": diff_text(totals["diff_mean"], totals["diff_low"], totals["diff_high"],
                                             language)}
    if "ref_mean" in years:
        years["vs_ref"] = [diff_text(m, lo, hi, language) for m, lo, hi in
                           zip(years["refdiff_mean"], years["refdiff_low"], years["refdiff_high"], strict=True)]
        columns += [("ref_mean", t(language, "optimiser_plan"), "euro"),
                    ("vs_ref", t(language, "vs_optimiser"), "text")]
        total.update({"ref_mean": totals["ref_mean"],
                      "vs_ref": diff_text(totals["refdiff_mean"], totals["refdiff_low"], totals["refdiff_high"],
                                      language)})
    return ui.TagList(ui.p(t(language, "section_result_note"), class_="text-muted small"),
                      table(years, columns, language, "result-table", total))


def formation_tables(current_view: WhatIfView, language: str) -> ui.TagChild:
    """The formation with its yearly cost, the instrument places and budget, the measures, the cost."""
    formation = current_view.formation
    total = {"role": t(language, "total"), "function": "", "fte_now": formation["fte_now"].sum(),
             "fte_planned": formation["fte_planned"].sum(), "change": formation["change"].sum(),
             "yearly_cost_now": formation["yearly_cost_now"].sum(),
             "yearly_cost_planned": formation["yearly_cost_planned"].sum(),
             "extra_yearly_cost": formation["extra_yearly_cost"].sum(), "arrives": ""}
    formation_cols = [(c, t(language, c), k) for c, k in (
        ("role", "text"), ("function", "text"), ("fte_now", "fte"), ("fte_planned", "fte"), ("change", "fte"),
        ("yearly_cost_now", "euro"), ("yearly_cost_planned", "euro"), ("extra_yearly_cost", "signed"),
        ("arrives", "text"))]
    budget = current_view.budget
    wide = budget.pivot(index="instrument", columns="year", values="places")
    order = list(dict.fromkeys(budget["instrument"]))
    wide = wide.reindex(order)
    wide.columns = [f"y{year}" for year in wide.columns]
    wide = wide.join(budget.groupby("instrument")[["budget", "extra_budget"]].sum())
    wide = wide.join(budget.groupby("instrument")["places_now"].first()).reset_index()
    year_columns = [(f"y{year}", str(year), "int") for year in sorted(budget["year"].unique())]
    budget_cols = [("instrument", t(language, "instrument"), "text"), ("places_now", t(language, "places_now"), "int"),
                   *year_columns, ("budget", t(language, "budget_horizon"), "euro"),
                   ("extra_budget", t(language, "extra_budget"), "signed")]
    budget_total = {"instrument": t(language, "total"), "budget": wide["budget"].sum(),
                    "extra_budget": wide["extra_budget"].sum()}
    cost = current_view.cost
    cost_total = {"year": t(language, "total"), **{c: cost[c].sum() for c in cost.columns if c != "year"}}
    cost_cols = [("year", t(language, "year"), "text"), ("personnel", t(language, "personnel"), "signed"),
                 ("instruments", t(language, "instruments_cost"), "signed"),
                 ("measures", t(language, "measures_cost"), "signed"),
                 ("total", t(language, "total"), "signed")]
    measures = current_view.measures.assign(
        state=lambda f: [t(language, "on" if on else "off") for on in f["on"]],
        before=lambda f: [t(language, "on" if on else "off") for on in f["on_in_baseline"]])
    measure_cols = [("measure", t(language, "measure"), "text"), ("before", t(language, "now", value=""),
                                                                   "text"),
                    ("state", t(language, "with_plan"), "text")]
    parts = [table(formation, formation_cols, language, "formation-table", total),
             ui.p(t(language, "budget_note"), class_="text-muted small"),
             table(wide, budget_cols, language, "budget-table", budget_total)]
    if len(measures):
        parts.append(table(measures, measure_cols, language, "measures-table"))
    parts += [ui.p(t(language, "cost_note"), class_="text-muted small"),
              table(cost, cost_cols, language, "cost-table", cost_total)]
    return ui.TagList(*parts)


def caseload_table(current_view: WhatIfView, language: str) -> ui.TagChild:
    """Mean caseload per track and year, with and without the plan."""
    frame = current_view.caseload_years
    columns = [("track", t(language, "track"), "text"), ("year", t(language, "year"), "text"),
               ("base_mean", t(language, "without_plan"), "number"),
               ("mean", t(language, "with_plan"), "number"),
               ("diff", t(language, "change"), "number")]
    return ui.TagList(ui.p(t(language, "caseload_note"), class_="text-muted small"),
                      table(frame, columns, language, "caseload-table"))


def optimiser_progress(fraction: float, text: str, language: str) -> ui.TagChild:
    """The running optimiser: what it does and a progress bar (replications simulated of its budget)."""
    width = max(3, int(fraction * 100))
    return ui.div(
        ui.p(t(language, "optimiser_running", text=text)),
        ui.div(ui.div(class_="progress-bar progress-bar-striped progress-bar-animated", role="progressbar",
                      style=f"width: {width}%",
                      **{"aria-valuenow": str(int(fraction * 100)), "aria-valuemin": "0", "aria-valuemax": "100"}),
               class_="progress", id="optimiser-progress"))


def optimiser_answer(best: OptimiserAnswer, stale: bool, language: str) -> ui.TagChild:
    """The optimiser's verdict in the report's words, its verified probability, cost and plan."""
    words = verdict_words(best.verdict, language)
    text = t(language, "optimiser_done", verdict=words, probability=percent(best.probability, language),
             n=best.replications or 0, low=percent(best.ci_low, language), high=percent(best.ci_high, language),
             required=percent(best.required, language), cost=euro(best.cost, language))
    blocking = ([ui.p(t(language, "optimiser_blocking", text="; ".join(best.blocking[:3])), class_="small text-muted")]
                if best.blocking and best.verdict != "meets" else [])
    return ui.div(
        ui.p(ui.span(text, class_=f"verdict-{best.verdict}"), " " + t(language, "optimiser_stale") if stale else ""),
        ui.p(t(language, "optimiser_plan_is", plan=best.describe)), *blocking,
        id="optimiser-answer", **{"data-verdict": best.verdict})
