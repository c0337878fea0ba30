"""The page's words in Dutch (the default, for municipal management) and English, and number formats.

Dutch terms of the domain keep their names in both languages (BUIG, vangnet, spoor, formatie);
numbers, money and the verdict's words are the council output's (`common.i18n`, Babel), so the page
and the report say the same thing the same way; the page's own sentences are here.
"""

from __future__ import annotations

import math

from sporen.common import i18n

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANG = "nl"

TEXTS: dict[str, dict[str, str]] = {
    "title": {"nl": "sporen: wat als?", "en": "sporen: what if?"},
    "subtitle": {"nl": "Verander de formatie, de instrumenten of de maatregelen en zie het BUIG-tekort na vangnet "
                       "meebewegen. Elke wijziging wordt opnieuw gesimuleerd op dezelfde {n} toekomsten (seed {seed}).",
                 "en": "Change the formation, the instruments or the measures and watch the BUIG deficit after "
                       "vangnet move. Every change is simulated again on the same {n} futures (seed {seed})."},
    "scenario": {"nl": "Scenario", "en": "Scenario"},
    "bundled": {"nl": "Meegeleverd scenario", "en": "Bundled scenario"},
    "upload_scenario": {"nl": "Of upload een scenario (YAML of werkmap .xlsx)",
                        "en": "Or upload a scenario (YAML or workbook .xlsx)"},
    "upload_plan": {"nl": "Plan laden (plan.yaml)", "en": "Load a plan (plan.yaml)"},
    "browse": {"nl": "Kies…", "en": "Browse…"},
    "no_file": {"nl": "Geen bestand", "en": "No file"},
    "uploaded": {"nl": "geüpload: {name}", "en": "uploaded: {name}"},
    "formation": {"nl": "Formatie (fte)", "en": "Formation (fte)"},
    "instruments": {"nl": "Instrumenten (plaatsen per jaar)", "en": "Instruments (places per year)"},
    "measures": {"nl": "Maatregelen", "en": "Measures"},
    "policy": {"nl": "Beleid", "en": "Policy"},
    "priority": {"nl": "Voorrang bij klantmanagers", "en": "Priority for caseworker slots"},
    "prio_fifo": {"nl": "wie het eerst komt (fifo)", "en": "first come, first served (fifo)"},
    "prio_kansrijk_first": {"nl": "kansrijk eerst", "en": "kansrijk (good prospects) first"},
    "prio_longest_waiting": {"nl": "langst wachtend eerst", "en": "longest waiting first"},
    "target": {"nl": "Doel", "en": "Target"},
    "from_year": {"nl": "Geen tekort na vangnet vanaf", "en": "No deficit after vangnet from"},
    "level": {"nl": "Resultaat na vangnet minstens (€)", "en": "Result after vangnet at least (€)"},
    "probability": {"nl": "In minstens dit deel van de toekomsten", "en": "In at least this share of futures"},
    "scope": {"nl": "Voor", "en": "For"},
    "scope_total": {"nl": "alle gemeenten samen", "en": "all municipalities together"},
    "scope_each": {"nl": "elke gemeente apart", "en": "each municipality"},
    "cumulative": {"nl": "opgeteld over de jaren", "en": "summed over the years"},
    "reset": {"nl": "Terug naar de huidige formatie", "en": "Back to the current formation"},
    "now": {"nl": "nu {value}", "en": "now {value}"},
    "limits": {"nl": "{low}–{high}", "en": "{low}–{high}"},
    "updating": {"nl": "bezig met rekenen…", "en": "updating…"},
    "updated": {"nl": "bijgewerkt in {seconds} s", "en": "updated in {seconds} s"},
    "first_run": {"nl": "De eerste berekening van dit scenario loopt (basis en plan)…",
                  "en": "The first simulation of this scenario is running (baseline and plan)…"},
    "card_result": {"nl": "Resultaat na vangnet {span}", "en": "Result after vangnet {span}"},
    "card_base": {"nl": "zonder plan {value}", "en": "without the plan {value}"},
    "card_chance": {"nl": "Kans dat het doel gehaald wordt", "en": "Probability of meeting the target"},
    "card_chance_detail": {"nl": "{met} van {n} toekomsten, 95%-BI {low}–{high}; vereist {required}",
                           "en": "{met} of {n} futures, 95% CI {low}–{high}; required {required}"},
    "card_cost": {"nl": "Extra kosten van het plan", "en": "Extra cost of the plan"},
    "card_cost_detail": {"nl": "personeel, instrumenten en maatregelen, {span}",
                         "en": "staff, instruments and measures, {span}"},
    "card_diff": {"nl": "Verschil met de huidige formatie", "en": "Difference with the current formation"},
    "card_diff_detail": {"nl": "na vangnet, {span}; 95%-BI {low} tot {high}",
                         "en": "after vangnet, {span}; 95% CI {low} to {high}"},
    "card_ref": {"nl": "Verschil met het plan van de optimalisatie", "en": "Difference with the optimiser's plan"},
    "card_ref_none": {"nl": "nog geen optimalisatie gedraaid", "en": "the optimiser has not run yet"},
    "section_result": {"nl": "BUIG-resultaat na vangnet per jaar", "en": "BUIG result after vangnet per year"},
    "section_result_note": {
        "nl": "Alle gemeenten samen; onder nul is een tekort dat de gemeenten zelf betalen. De band bevat 90% van "
              "de gesimuleerde toekomsten (5e tot 95e percentiel). Verschillen zijn gepaard: dezelfde toekomsten met "
              "en zonder plan (95%-betrouwbaarheidsinterval).",
        "en": "All municipalities together; below zero is a deficit the municipalities pay themselves. The band "
              "holds 90% of the simulated futures (5th to 95th percentile). Differences are paired: the same "
              "futures with and without the plan (95% confidence interval)."},
    "year": {"nl": "jaar", "en": "year"},
    "total": {"nl": "totaal", "en": "total"},
    "with_plan": {"nl": "met plan", "en": "with the plan"},
    "without_plan": {"nl": "zonder plan", "en": "without the plan"},
    "optimiser_plan": {"nl": "plan optimalisatie", "en": "optimiser's plan"},
    "band": {"nl": "90%-band", "en": "90% band"},
    "difference": {"nl": "verschil (95%-BI)", "en": "difference (95% CI)"},
    "vs_optimiser": {"nl": "t.o.v. optimalisatie", "en": "vs the optimiser"},
    "section_formation": {"nl": "Formatie en kosten", "en": "Formation and cost"},
    "role": {"nl": "rol", "en": "role"},
    "function": {"nl": "functie", "en": "function"},
    "fte_now": {"nl": "fte nu", "en": "fte now"},
    "fte_planned": {"nl": "fte plan", "en": "fte planned"},
    "change": {"nl": "verschil", "en": "change"},
    "yearly_cost_now": {"nl": "kosten per jaar nu", "en": "yearly cost now"},
    "yearly_cost_planned": {"nl": "kosten per jaar plan", "en": "yearly cost planned"},
    "extra_yearly_cost": {"nl": "extra per jaar", "en": "extra per year"},
    "arrives": {"nl": "in dienst vanaf", "en": "in post from"},
    "instrument": {"nl": "instrument", "en": "instrument"},
    "places_now": {"nl": "plaatsen nu", "en": "places now"},
    "places": {"nl": "plaatsen plan", "en": "places planned"},
    "budget": {"nl": "budget plan", "en": "planned budget"},
    "budget_horizon": {"nl": "budget plan, alle jaren", "en": "planned budget, all years"},
    "extra_budget": {"nl": "extra", "en": "extra"},
    "budget_note": {"nl": "Plaatsen per instrument en jaar in het plan; budget = plaatsen × prijs per deelnemer.",
                    "en": "Places per instrument and year in the plan; budget = places × cost per participant."},
    "measure": {"nl": "maatregel", "en": "measure"},
    "on": {"nl": "aan", "en": "on"},
    "off": {"nl": "uit", "en": "off"},
    "cost_note": {"nl": "Extra kosten t.o.v. de huidige formatie, zoals de optimalisatie ze telt: personeel vanaf de "
                        "maand van indiensttreding, instrumentplaatsen × prijs per deelnemer (het budget), "
                        "maatregelen die aan of uit gaan.",
                  "en": "Extra cost against the current formation, as the optimiser counts it: staff from the month "
                        "they arrive, instrument places × cost per participant (the budget), measures switched on "
                        "or off."},
    "personnel": {"nl": "personeel", "en": "staff"},
    "instruments_cost": {"nl": "instrumenten", "en": "instruments"},
    "measures_cost": {"nl": "maatregelen", "en": "measures"},
    "section_caseload": {"nl": "Klantenbestand per spoor", "en": "Caseload per track"},
    "caseload_note": {"nl": "Gemiddeld aantal klanten (met en zonder uitkering) aan het eind van de maand, per jaar.",
                      "en": "Mean number of clients (with and without benefit) at the end of a month, per year."},
    "track": {"nl": "spoor", "en": "track"},
    "clients": {"nl": "klanten", "en": "clients"},
    "section_optimiser": {"nl": "Optimalisatie", "en": "Optimiser"},
    "optimiser_note": {
        "nl": "Zoekt het goedkoopste plan dat het doel hierboven haalt (zoals sporen optimise) en laadt het in de "
              "knoppen. Het oordeel komt uit de eigen controle van de optimalisatie op verse toekomsten.",
        "en": "Finds the cheapest plan that meets the target above (as sporen optimise does) and loads it into the "
              "controls. The verdict comes from the optimiser's own check on fresh futures."},
    "run_optimiser": {"nl": "Optimaliseer", "en": "Run the optimiser"},
    "optimiser_running": {"nl": "De optimalisatie loopt: {text}", "en": "The optimiser is running: {text}"},
    "optimiser_done": {"nl": "Het plan van de optimalisatie {verdict}: {probability} van {n} verse toekomsten "
                             "(95%-BI {low}–{high}; vereist {required}). Extra kosten {cost}. Geladen in de knoppen.",
                       "en": "The optimiser's plan {verdict}: {probability} of {n} fresh futures (95% CI "
                             "{low}–{high}; required {required}). Extra cost {cost}. Loaded into the controls."},
    "optimiser_plan_is": {"nl": "Plan: {plan}", "en": "Plan: {plan}"},
    "optimiser_blocking": {"nl": "Wat in de weg staat: {text}", "en": "What stands in the way: {text}"},
    "optimiser_stale": {"nl": "(voor een ander scenario; niet geladen)", "en": "(for another scenario; not loaded)"},
    "section_downloads": {"nl": "Downloads", "en": "Downloads"},
    "downloads_note": {"nl": "Het huidige plan als plan.yaml (voor sporen simulate --plan), het rapport en de "
                             "werkmap met resultaten. Rapport en werkmap rekenen het plan met alle details door "
                             "(enkele seconden).",
                       "en": "The current plan as plan.yaml (for sporen simulate --plan), its report and the results "
                             "workbook. The report and workbook simulate the plan with every detail (a few "
                             "seconds)."},
    "download_plan": {"nl": "plan.yaml", "en": "plan.yaml"},
    "download_variant": {"nl": "variant.yaml (voorrangsregel)", "en": "variant.yaml (priority rule)"},
    "download_report": {"nl": "Rapport (HTML)", "en": "Report (HTML)"},
    "download_workbook": {"nl": "Werkmap (Excel)", "en": "Workbook (Excel)"},
    "problems": {"nl": "Dit klopt nog niet:", "en": "Something is not right:"},
    "failed": {"nl": "De simulatie is mislukt ({kind}). De vorige uitkomst blijft staan; probeer een andere waarde "
                     "of laad het scenario opnieuw.",
               "en": "The simulation failed ({kind}). The previous result stays on screen; try another value or "
                     "load the scenario again."},
    "optimiser_failed": {"nl": "De optimalisatie is mislukt ({kind}).", "en": "The optimiser failed ({kind})."},
    "scenario_loaded": {"nl": "Scenario {name}: {municipalities}; {start}, {years} jaar.",
                        "en": "Scenario {name}: {municipalities}; {start}, {years} years."},
    "chart_result_y": {"nl": "resultaat na vangnet\n(onder 0 = tekort)",
                       "en": "result after vangnet\n(below 0 = deficit)"},
    "chart_caseload_y": {"nl": "klanten", "en": "clients"},
    "chart_band": {"nl": "90% van de toekomsten", "en": "90% of futures"},
}


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (English when missing), with {placeholders} filled in."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def euro(value: float | None, lang: str = DEFAULT_LANG, sign: bool = False) -> str:
    """Whole euros as the council output writes them (common.i18n, Babel): € 1.234.567 (nl),
    €1,234,567 (en); '–' for a missing value; a leading + for a gain with `sign`."""
    if _missing(value):
        return "–"
    return i18n.money_signed(value, lang) if sign else i18n.money(value, lang)


def verdict_words(verdict: str, lang: str = DEFAULT_LANG) -> str:
    """meets / on_the_edge / does_not_meet in the report's words ('haalt het doel', ...)."""
    return i18n.text("verdict.short." + verdict, lang)


def euro_short(value: float, lang: str = DEFAULT_LANG) -> str:
    """Axis labels: € 1,2 mln / € 350k (nl), € 1.2M / € 350k (en)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1e6:
        number = f"{value / 1e6:.1f}"
        return f"{sign}€ {number.replace('.', ',')} mln" if lang == "nl" else f"{sign}€ {number}M"
    if value >= 1e3:
        return f"{sign}€ {value / 1e3:.0f}k"
    return f"{sign}€ {value:.0f}"


def percent(value: float | None, lang: str = DEFAULT_LANG) -> str:
    return "–" if _missing(value) else i18n.percent(value, lang)


def number(value: float, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    return "–" if _missing(value) else i18n.number(value, lang, digits)


def fte(value: float, lang: str = DEFAULT_LANG) -> str:
    return "–" if _missing(value) else i18n.fte(value, lang)
