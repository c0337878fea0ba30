"""What the what-if page shows, as pure functions of a `jobs.whatif.WhatIfView` (and the scenario,
for display names) and the language: the header, the cards, the tables and the optimiser's answer.
`web.panels` wires them to the session; the browser test reads the tables' data-value attributes,
so every number here is also there exactly (text columns keep their codes there, and show labels)."""

from __future__ import annotations

from shiny import ui

from sporen.common import i18n
from sporen.common.i18n import text, text_n
from sporen.inputs.schema import Scenario
from sporen.jobs.whatif.evaluate import WhatIfView
from sporen.jobs.whatif.optimiser import OptimiserAnswer, plan_in_words
from sporen.web.html import diff_text, fmt, table


def header(scenario: Scenario, futures: int, seed: int, language: str) -> ui.TagChild:
    """The title, what the page does (on how many futures), and the scenario loaded."""
    names = i18n.words([m.name for m in scenario.municipalities], language)
    return ui.div(
        ui.h2(text("web.title", language)),
        ui.p(text("web.subtitle", language, n=futures, seed=seed)),
        ui.p(text("web.scenario_loaded", language, name=scenario.name, municipalities=names,
                  start=i18n.month_text(scenario.start, language),
                  years=i18n.quantity(scenario.years, "year", language)), class_="text-muted"))


def cards(current_view: WhatIfView, language: str, number: int) -> ui.TagChild:
    """The headline cards: result, probability of meeting the target, cost, differences."""
    years = current_view.years
    span = f"{years['year'].iloc[0]}-{years['year'].iloc[-1]}"
    totals = current_view.totals
    c = current_view.chance
    cost = float(current_view.cost["total"].sum())
    number_attr = {"data-number": str(number)}
    boxes = [
        ui.value_box(text("web.card_result", language, span=span), fmt(totals["mean"], "euro", language),
                     text("web.card_base", language, value=fmt(totals["base_mean"], "euro", language)),
                     id="card_result"),
        ui.value_box(
            text("web.card_chance", language),
            fmt(c.probability, "share", language),
            ui.div(ui.tags.b(text("verdict.short." + c.verdict, language)), class_=f"verdict-{c.verdict}"),
            ui.div(text("web.card_chance_detail", language, met=c.met, n=c.n, low=fmt(c.ci_low, "share", language),
                     high=fmt(c.ci_high, "share", language), required=fmt(c.required, "share", language))),
            id="card_chance"),
        ui.value_box(text("web.card_cost", language), fmt(cost, "euro", language),
                     text("web.card_cost_detail", language, span=span), id="card_cost"),
        ui.value_box(text("web.card_diff", language), fmt(totals["diff_mean"], "signed", language),
                     text("web.card_diff_detail", language, span=span, low=fmt(totals["diff_low"], "signed", language),
                       high=fmt(totals["diff_high"], "signed", language)), id="card_diff"),
    ]
    if "refdiff_mean" in totals:
        boxes.append(ui.value_box(
            text("web.card_ref", language), fmt(totals["refdiff_mean"], "signed", language),
            text("web.card_diff_detail", language, span=span, low=fmt(totals["refdiff_low"], "signed", language),
              high=fmt(totals["refdiff_high"], "signed", language)), id="card_ref"))
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
    years["band"] = [f"{fmt(a, 'euro', language)} … {fmt(b, 'euro', language)}"
                     for a, b in zip(years["p5"], years["p95"], strict=True)]
    years["difference"] = [diff_text(m, lo, hi, language) for m, lo, hi in
                           zip(years["diff_mean"], years["diff_low"], years["diff_high"], strict=True)]
    columns = [("year", text("web.year", language), "text"), ("base_mean", text("web.without_plan", language), "euro"),
               ("mean", text("web.with_plan", language), "euro"), ("band", text("web.band", language), "text"),
               ("difference", text("web.difference", language), "text")]
    totals = current_view.totals
    total = {"year": text("web.total", language), "base_mean": totals["base_mean"], "mean": totals["mean"],
             "band": "", "difference": diff_text(totals["diff_mean"], totals["diff_low"], totals["diff_high"],
                                             language)}
    if "ref_mean" in years:
        years["vs_ref"] = [diff_text(m, lo, hi, language) for m, lo, hi in
                           zip(years["refdiff_mean"], years["refdiff_low"], years["refdiff_high"], strict=True)]
        columns += [("ref_mean", text("web.optimiser_plan", language), "euro"),
                    ("vs_ref", text("web.vs_optimiser", language), "text")]
        total.update({"ref_mean": totals["ref_mean"],
                      "vs_ref": diff_text(totals["refdiff_mean"], totals["refdiff_low"], totals["refdiff_high"],
                                      language)})
    note = text_n("web.section_result_note", len(current_view.municipalities), language)
    return ui.TagList(ui.p(note, class_="text-muted small"),
                      table(years, columns, language, "result-table", total))


def formation_tables(current_view: WhatIfView, scenario: Scenario, language: str) -> ui.TagChild:
    """The formation with its yearly cost, the instrument places and budget, the measures, the cost."""
    formation = current_view.formation.assign(
        role_label=lambda f: [scenario.label(r, language) for r in f["role"]],
        function_label=lambda f: [text(f"function.{c}", language) if i18n.has_text(f"function.{c}") else c
                                  for c in f["function"]],
        arrives_label=lambda f: [i18n.month_text(m, language) if m else "" for m in f["arrives"]])
    total = {"role_label": text("web.total", language), "function_label": "", "fte_now": formation["fte_now"].sum(),
             "fte_planned": formation["fte_planned"].sum(), "change": formation["change"].sum(),
             "yearly_cost_now": formation["yearly_cost_now"].sum(),
             "yearly_cost_planned": formation["yearly_cost_planned"].sum(),
             "extra_yearly_cost": formation["extra_yearly_cost"].sum(), "arrives_label": ""}
    formation_cols = [(c, text("web." + key, language), k) for c, key, k in (
        ("role_label", "role", "text"), ("function_label", "function", "text"), ("fte_now", "fte_now", "fte"),
        ("fte_planned", "fte_planned", "fte"), ("change", "change", "fte"),
        ("yearly_cost_now", "yearly_cost_now", "euro"), ("yearly_cost_planned", "yearly_cost_planned", "euro"),
        ("extra_yearly_cost", "extra_yearly_cost", "signed"), ("arrives_label", "arrives", "text"))]
    parts = [table(formation, formation_cols, language, "formation-table", total),
             ui.p(text("web.budget_note", language), class_="text-muted small"),
             _budget_table(current_view, scenario, language)]
    measures = current_view.measures.assign(
        label=lambda f: [scenario.label(m, language) for m in f["measure"]],
        state=lambda f: [text("web.on" if on else "web.off", language) for on in f["on"]],
        before=lambda f: [text("web.on" if on else "web.off", language) for on in f["on_in_baseline"]])
    measure_cols = [("label", text("web.measure", language), "text"),
                    ("before", text("web.now", language, value=""), "text"),
                    ("state", text("web.with_plan", language), "text")]
    if len(measures):
        parts.append(table(measures, measure_cols, language, "measures-table"))
    cost = current_view.cost
    cost_total = {"year": text("web.total", language), **{c: cost[c].sum() for c in cost.columns if c != "year"}}
    cost_cols = [("year", text("web.year", language), "text"), ("personnel", text("web.personnel", language), "signed"),
                 ("instruments", text("web.instruments_cost", language), "signed"),
                 ("measures", text("web.measures_cost", language), "signed"),
                 ("total", text("web.total", language), "signed")]
    parts += [ui.p(text("web.cost_note", language), class_="text-muted small"),
              table(cost, cost_cols, language, "cost-table", cost_total)]
    return ui.TagList(*parts)


def _budget_table(current_view: WhatIfView, scenario: Scenario, language: str) -> ui.Tag:
    """Places per instrument and year in the plan, with the budget over the horizon."""
    budget = current_view.budget
    wide = budget.pivot(index="instrument", columns="year", values="places")
    order = list(dict.fromkeys(budget["instrument"]))
    wide = wide.reindex(order)
    wide.columns = [f"y{year}" for year in wide.columns]
    wide = wide.join(budget.groupby("instrument")[["budget", "extra_budget"]].sum())
    wide = wide.join(budget.groupby("instrument")["places_now"].first()).reset_index()
    wide["label"] = [scenario.label(name, language) for name in wide["instrument"]]
    year_columns = [(f"y{year}", str(year), "int") for year in sorted(budget["year"].unique())]
    columns = [("label", text("web.instrument", language), "text"),
               ("places_now", text("web.places_now", language), "int"),
               *year_columns, ("budget", text("web.budget_horizon", language), "euro"),
               ("extra_budget", text("web.extra_budget", language), "signed")]
    total = {"label": text("web.total", language), "budget": wide["budget"].sum(),
             "extra_budget": wide["extra_budget"].sum()}
    return table(wide, columns, language, "budget-table", total)


def caseload_table(current_view: WhatIfView, scenario: Scenario, language: str) -> ui.TagChild:
    """Mean caseload per track and year, with and without the plan."""
    frame = current_view.caseload_years.assign(
        label=lambda f: [scenario.label(track, language) for track in f["track"]])
    columns = [("label", text("web.track", language), "text"), ("year", text("web.year", language), "text"),
               ("base_mean", text("web.without_plan", language), "number"),
               ("mean", text("web.with_plan", language), "number"),
               ("diff", text("web.change", language), "number")]
    return ui.TagList(ui.p(text("web.caseload_note", language), class_="text-muted small"),
                      table(frame, columns, language, "caseload-table"))


def optimiser_progress(fraction: float, stage: str, language: str) -> ui.TagChild:
    """The running optimiser: how far it is and a progress bar (replications simulated of those planned)."""
    width = max(3, int(fraction * 100))
    return ui.div(
        ui.p(text("web.optimiser_running", language, done=fmt(fraction, "share", language))),
        ui.div(ui.div(class_="progress-bar progress-bar-striped progress-bar-animated", role="progressbar",
                      style=f"width: {width}%",
                      **{"aria-valuenow": str(int(fraction * 100)), "aria-valuemin": "0", "aria-valuemax": "100"}),
               class_="progress", id="optimiser-progress", title=stage))


def optimiser_answer(best: OptimiserAnswer, scenario: Scenario, stale: bool, language: str) -> ui.TagChild:
    """The optimiser's verdict in the report's words, its verified probability, cost and plan."""
    words = text("verdict.short." + best.verdict, language)
    said = text("web.optimiser_done", language, verdict=words,
                probability=fmt(best.probability, "share", language), n=best.replications or 0,
                low=fmt(best.ci_low, "share", language), high=fmt(best.ci_high, "share", language),
                required=fmt(best.required, "share", language), cost=fmt(best.cost, "euro", language))
    blocking = []
    if best.verdict != "meets":
        blocking = [ui.p(text("web.optimiser_blocking", language), class_="small text-muted")]
    return ui.div(
        ui.p(ui.span(said, class_=f"verdict-{best.verdict}"),
             " " + text("web.optimiser_stale", language) if stale else ""),
        ui.p(text("web.optimiser_plan_is", language, plan=plan_in_words(best.plan, scenario, language))), *blocking,
        id="optimiser-answer", **{"data-verdict": best.verdict})
