# ruff: noqa: E501  (a table of sentences: one entry a line reads better than wrapped strings)
"""Every sentence sporen shows a person, in Dutch and English: key -> (Dutch, English).

One place for all wording (`common.i18n.text` looks keys up here); `{name}` placeholders are
filled by `str.format`. Dutch domain terms keep their names in both languages (BUIG, vangnet,
spoor, exploitatie). tests/test_language.py checks that both wordings of every key have the same
placeholders.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "unknown": ("onbekend", "unknown"),
    "every_year": ("elk jaar", "every year"),
    "unit.points": ("{value} procentpunt", "{value} pp"),
}

# -- words used everywhere ------------------------------------------------------------------------
MESSAGES.update({
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    "total": ("totaal", "total"),
    "all": ("alle", "all"),
    "all_municipalities": ("alle gemeenten", "all municipalities"),
    "all_years": ("hele periode", "whole horizon"),
    "end": ("einde", "end"),
    "and": ("en", "and"),
    "to": ("tot", "to"),
    "range": ("{low} tot {high}", "{low} to {high}"),
    "verdict.meets": ("Het plan haalt het doel.", "The plan meets the target."),
    "verdict.does_not_meet": ("Geen plan binnen de grenzen haalt het doel; hieronder het beste plan dat is gevonden.",
                              "No plan within the limits meets the target; below is the best one found."),
    "verdict.on_the_edge": ("Het plan haalt het doel op het randje: de gemeten kans ligt binnen de onzekerheidsmarge "
                            "rond de gevraagde kans. Meer gesimuleerde toekomsten (--verify) maken het antwoord zeker.",
                            "The plan is on the edge: the measured probability lies within the margin of uncertainty "
                            "around the required one. More simulated futures (--verify) settle it."),
    "verdict.short.meets": ("haalt het doel", "meets the target"),
    "verdict.short.does_not_meet": ("haalt het doel NIET", "does NOT meet the target"),
    "verdict.short.on_the_edge": ("haalt het doel op het randje", "is on the edge of the target"),
    "result.break_even": ("quitte", "break-even"),
    "result.deficit": ("een tekort van {amount}", "a deficit of {amount}"),
    "result.surplus": ("een overschot van {amount}", "a surplus of {amount}"),
    "kind.seed": ("cijfer van de gemeente", "seed figure"),
    "kind.public": ("openbare bron", "public source"),
    "kind.assumption": ("aanname", "assumption"),
    "kind.calibrated": ("gekalibreerd", "calibrated"),
    "kind.changed": ("gewijzigd door gebruiker", "changed by user"),
    "status.verified": ("geverifieerd", "verified"),
    "status.documented": ("gedocumenteerd", "documented"),
    "status.assumed": ("aangenomen", "assumed"),
    "function.caseworker": ("klantmanager", "caseworker"),
    "function.intake": ("intake", "intake"),
    "function.enforcement": ("handhaving", "enforcement"),
    "function.employer_services": ("werkgeversdienstverlening", "employer services"),
    "function.admin": ("administratie", "administration"),
    "function.other": ("overig", "other"),
    "lever.role": ("formatie", "formation"),
    "lever.instrument": ("instrument", "instrument"),
    "lever.measure": ("maatregel", "measure"),
    "unit.fte": ("fte", "fte"),
    "unit.places": ("plaatsen per jaar", "places a year"),
    "unit.on": ("aan/uit", "on/off"),
})

# -- KPIs and measures by code ------------------------------------------------------------------
MESSAGES.update({
    "kpi.caseload_1jan": ("klantenbestand op 1 januari", "caseload on 1 January"),
    "kpi.caseload_end": ("klantenbestand aan het eind", "caseload at the end"),
    "kpi.deficit": ("BUIG-tekort", "BUIG deficit"),
    "kpi.deficit_after_vangnet": ("tekort na vangnet", "deficit after vangnet"),
    "kpi.deficit_after_vangnet_cumulative": ("tekort na vangnet, opgeteld", "deficit after vangnet, cumulative"),
    "kpi.inflow": ("instroom", "inflow"),
    "kpi.outflow": ("uitstroom", "outflow"),
    "kpi.outflow_work": ("uitstroom naar werk", "outflow to work"),
    "kpi.outflow_to_work_share": ("aandeel uitstroom naar werk", "outflow-to-work share"),
    "kpi.mean_time_on_benefit_months": ("gemiddelde duur in de uitkering (maanden)", "mean time on benefit (months)"),
    "kpi.median_time_on_benefit_months": ("mediane duur in de uitkering (maanden)", "median time on benefit (months)"),
    "kpi.on_benefit_end": ("met uitkering aan het eind", "on benefit at the end"),
    "kpi.share_in_view": ("aandeel in beeld", "share in view"),
    "kpi.ladder_share_rung": ("aandeel op trede {rung} van de participatieladder", "share on rung {rung} of the ladder"),
    "measure.result_after_vangnet": ("resultaat na vangnet", "result after vangnet"),
    "measure.exploitatie_result": ("resultaat exploitatie", "exploitatie result"),
    "measure.spending": ("uitgaven BUIG", "BUIG spending"),
    "measure.buig_result": ("BUIG-resultaat", "BUIG result"),
    "measure.vangnet": ("vangnet", "vangnet"),
})

# -- column headers of tables a person reads (report and results.xlsx), with their units ---------
MESSAGES.update({
    "col.year": ("jaar", "year"),
    "col.municipality": ("gemeente", "municipality"),
    "col.month": ("maand", "month"),
    "col.track": ("spoor", "track"),
    "col.role": ("functie", "role"),
    "col.function": ("taak", "function"),
    "col.instrument": ("instrument", "instrument"),
    "col.variant": ("variant", "variant"),
    "col.kind": ("soort", "kind"),
    "col.measure": ("grootheid", "measure"),
    "col.kpi": ("kengetal", "indicator"),
    "col.quantity": ("grootheid", "quantity"),
    "col.unit": ("eenheid", "unit"),
    "col.reason": ("wat in de weg staat", "what stands in the way"),
    "col.result_after_vangnet_without_plan": ("resultaat na vangnet zonder plan (€)", "result after vangnet without the plan (€)"),
    "col.without_plan_p5": ("zonder plan, 5%-grens (€)", "without the plan, 5th percentile (€)"),
    "col.without_plan_p95": ("zonder plan, 95%-grens (€)", "without the plan, 95th percentile (€)"),
    "col.result_after_vangnet_with_plan": ("resultaat na vangnet met plan (€)", "result after vangnet with the plan (€)"),
    "col.with_plan_p5": ("met plan, 5%-grens (€)", "with the plan, 5th percentile (€)"),
    "col.with_plan_p95": ("met plan, 95%-grens (€)", "with the plan, 95th percentile (€)"),
    "col.plan_extra_cost": ("extra kosten plan (€)", "extra cost of the plan (€)"),
    "col.buig_result_mean": ("BUIG-resultaat, gemiddeld (€)", "BUIG result, mean (€)"),
    "col.vangnet_mean": ("vangnet, gemiddeld (€)", "vangnet, mean (€)"),
    "col.result_after_vangnet_mean": ("resultaat na vangnet, gemiddeld (€)", "result after vangnet, mean (€)"),
    "col.result_after_vangnet_p5": ("resultaat na vangnet, 5%-grens (€)", "result after vangnet, 5th percentile (€)"),
    "col.result_after_vangnet_p95": ("resultaat na vangnet, 95%-grens (€)", "result after vangnet, 95th percentile (€)"),
    "col.probability_deficit": ("kans op tekort na vangnet (%)", "chance of a deficit after vangnet (%)"),
    "col.plan_buig_result_mean": ("met plan: BUIG-resultaat, gemiddeld (€)", "with the plan: BUIG result, mean (€)"),
    "col.plan_vangnet_mean": ("met plan: vangnet, gemiddeld (€)", "with the plan: vangnet, mean (€)"),
    "col.plan_result_after_vangnet_mean": ("met plan: resultaat na vangnet, gemiddeld (€)",
                                           "with the plan: result after vangnet, mean (€)"),
    "col.plan_result_after_vangnet_p5": ("met plan: resultaat na vangnet, 5%-grens (€)",
                                         "with the plan: result after vangnet, 5th percentile (€)"),
    "col.plan_result_after_vangnet_p95": ("met plan: resultaat na vangnet, 95%-grens (€)",
                                          "with the plan: result after vangnet, 95th percentile (€)"),
    "col.plan_probability_deficit": ("met plan: kans op tekort (%)", "with the plan: chance of a deficit (%)"),
    "col.target": ("doel", "target"),
    "col.required_probability": ("gevraagde kans (%)", "required probability (%)"),
    "col.met": ("doel gehaald", "target met"),
    "col.reachable": ("bereikbaar", "reachable"),
    "col.stop_reason": ("reden van stoppen", "stop reason"),
    "col.plan_cost": ("kosten plan over de periode (€)", "cost of the plan over the horizon (€)"),
    "col.sims_used": ("gesimuleerde replicaties (aantal)", "simulated replications (count)"),
    "col.budget_sims": ("maximum replicaties optimalisatie (aantal)", "optimiser's replication budget (count)"),
    "col.replications": ("gesimuleerde toekomsten (aantal)", "simulated futures (count)"),
    "col.replications_meeting_target": ("toekomsten die het doel halen (aantal)", "futures meeting the target (count)"),
    "col.probability": ("kans (%)", "probability (%)"),
    "col.probability_ci_low": ("kans, 95%-ondergrens (%)", "probability, 95% lower bound (%)"),
    "col.probability_ci_high": ("kans, 95%-bovengrens (%)", "probability, 95% upper bound (%)"),
    "col.accepted": ("aanvaard", "accepted"),
    "col.seeds": ("seeds", "seeds"),
    "col.fte_now": ("fte nu", "fte now"),
    "col.fte_planned": ("fte gepland", "fte planned"),
    "col.change": ("verschil (fte)", "change (fte)"),
    "col.yearly_cost_now": ("kosten per jaar nu (€)", "yearly cost now (€)"),
    "col.yearly_cost_planned": ("kosten per jaar gepland (€)", "yearly cost planned (€)"),
    "col.extra_yearly_cost": ("extra kosten per jaar (€)", "extra yearly cost (€)"),
    "col.arrives": ("in dienst vanaf", "in post from"),
    "col.places": ("plaatsen (aantal)", "places (count)"),
    "col.budget": ("budget (€)", "budget (€)"),
    "col.cost": ("extra kosten (€)", "extra cost (€)"),
    "col.replications_n": ("toekomsten (aantal)", "futures (count)"),
    "col.base_mean": ("basis, gemiddeld", "base, mean"),
    "col.variant_mean": ("variant, gemiddeld", "variant, mean"),
    "col.diff_mean": ("verschil, gemiddeld", "difference, mean"),
    "col.ci_low": ("95%-ondergrens", "95% lower bound"),
    "col.ci_high": ("95%-bovengrens", "95% upper bound"),
    "col.significant": ("significant", "significant"),
    "col.headline": ("kerncijfer", "headline"),
    "col.lever": ("hefboom", "lever"),
    "col.baseline": ("nu", "now"),
    "col.chosen": ("gekozen", "chosen"),
    "col.estimate_with": ("kans met hefboom", "probability with the lever"),
    "col.estimate_without": ("kans zonder", "probability without"),
    "col.difference": ("verschil", "difference"),
    "col.low": ("ondergrens", "lower bound"),
    "col.high": ("bovengrens", "upper bound"),
    "col.futures": ("toekomsten (aantal)", "futures (count)"),
    "col.mean_effect_eur": ("gemiddeld effect op het resultaat (€)", "mean effect on the result (€)"),
    "col.relaxed": ("losgelaten", "relaxed"),
    "col.plan_without": ("plan zonder", "plan without it"),
    "col.cost_without": ("kosten zonder (€)", "cost without it (€)"),
    "col.saving": ("besparing (€)", "saving (€)"),
    "col.how": ("toelichting", "how"),
    "col.verdict": ("oordeel", "verdict"),
    "col.regime": ("regime", "regime"),
    "col.is_answer": ("het antwoord", "the answer"),
    "col.out_of_reach": ("buiten bereik", "out of reach"),
    "col.confidence": ("zekerheid", "confidence"),
    "col.zone": ("marge", "zone"),
    "col.best_reachable": ("beste haalbare plan", "best reachable plan"),
    "col.estimate": ("schatting", "estimate"),
    "col.stage": ("stap", "stage"),
    "col.test": ("toets", "test"),
    "col.outcome": ("uitkomst", "outcome"),
    "col.stream": ("toekomsten", "futures"),
    "col.result_effect_target_years": ("effect op resultaat in de doeljaren (€)", "effect on the result in the target years (€)"),
    "col.result_effect_horizon": ("effect op resultaat over de periode (€)", "effect on the result over the horizon (€)"),
    "col.net_horizon": ("netto over de periode (€)", "net over the horizon (€)"),
    "col.constraint": ("beperking", "constraint"),
    "col.family": ("soort beperking", "constraint family"),
    "col.meaning": ("betekenis", "meaning"),
    "col.dual": ("schaduwprijs", "shadow price"),
    "col.saving_if_dropped": ("besparing zonder deze beperking (€)", "saving without it (€)"),
    "col.shortfall_if_dropped": ("tekort op het doel zonder deze beperking (€)", "shortfall without it (€)"),
    "col.vary": ("gevarieerd", "varied"),
    "col.target_level": ("doelniveau resultaat na vangnet (€)", "target level of the result after vangnet (€)"),
    "col.feasible": ("haalbaar", "feasible"),
    "col.shortfall": ("tekort op het doel (€)", "shortfall (€)"),
    "col.plan": ("plan", "plan"),
    "col.round": ("ronde", "round"),
    "col.predicted_met": ("voorspeld gehaald (aantal toekomsten)", "predicted met (futures)"),
    "col.required": ("vereist (aantal toekomsten)", "required (futures)"),
    "col.slack": ("tekort in het model (€)", "slack in the model (€)"),
    "col.simulated_before": ("al eerder gesimuleerd", "simulated before"),
    "col.simulated_met": ("gesimuleerd gehaald (aantal)", "simulated met (count)"),
    "col.verified_probability": ("geverifieerde kans (%)", "verified probability (%)"),
    "col.n": ("toekomsten (aantal)", "futures (count)"),
    "col.mean": ("gemiddelde", "mean"),
    "col.std": ("standaardafwijking", "standard deviation"),
    "col.without_plan_mean": ("zonder plan, gemiddeld (klanten)", "without the plan, mean (clients)"),
    "col.with_plan_mean": ("met plan, gemiddeld (klanten)", "with the plan, mean (clients)"),
    "col.caseload_without_p5": ("zonder plan, 5%-grens (klanten)", "without the plan, 5th percentile (clients)"),
    "col.entry_year": ("jaar van instroom", "entry year"),
    "col.months": ("maanden sinds instroom", "months since entry"),
    "col.at_risk": ("nog in beeld van de telling (aantal)", "at risk (count)"),
    "col.exits": ("uitstroom (aantal)", "exits (count)"),
    "col.survival": ("nog in het bestand (%)", "still on the caseload (%)"),
    "col.parameter": ("parameter", "parameter"),
    "col.value": ("waarde", "value"),
    "col.source": ("bron", "source"),
    "col.note": ("toelichting", "note"),
    "col.origin": ("herkomst", "origin"),
    "col.changed_from": ("waarde volgens de bron (gewijzigd door gebruiker)", "value the source gives (changed by user)"),
    "col.clients": ("klanten (aantal)", "clients (count)"),
})

MESSAGES.update({
    "col.caseload.without_plan_p5": ("zonder plan, 5%-grens (klanten)", "without the plan, 5th percentile (clients)"),
    "col.caseload.without_plan_p95": ("zonder plan, 95%-grens (klanten)", "without the plan, 95th percentile (clients)"),
    "col.caseload.with_plan_p5": ("met plan, 5%-grens (klanten)", "with the plan, 5th percentile (clients)"),
    "col.caseload.with_plan_p95": ("met plan, 95%-grens (klanten)", "with the plan, 95th percentile (clients)"),
    "col.plan_cost.cost": ("extra kosten plan (€)", "extra cost of the plan (€)"),
    "col.savings.cost": ("extra kosten over de periode (€)", "extra cost over the horizon (€)"),
    "col.tradeoff.cost": ("kosten goedkoopste plan (€)", "cost of the cheapest plan (€)"),
    "col.tradeoff.probability": ("gevraagde kans (%)", "required probability (%)"),
    "col.optimiser_rounds.cost": ("kosten plan (€)", "cost of the plan (€)"),
    "col.survival.months": ("maanden sinds instroom", "months since entry"),
})

# -- the report --------------------------------------------------------------------------------
MESSAGES.update({
    "empty": ("leeg", "empty"),
    "title.plan": ("Plan voor {name}: het BUIG-tekort sluiten", "Plan for {name}: closing the BUIG deficit"),
    "title.compare": ("Varianten van {name} vergeleken", "Variants of {name} compared"),
    "subtitle.scenario": ("scenario {name}", "scenario {name}"),
    "subtitle.variant": ("variant {name}", "variant {name}"),
    "subtitle.verified": ("zonder en met plan vergeleken op {futures} nieuwe gesimuleerde toekomsten",
                          "baseline and plan compared on {futures} fresh simulated futures"),
    "subtitle.futures": ("{futures} gesimuleerde toekomsten", "{futures} simulated futures"),
    "subtitle.reference": ("peildatum {date}", "reference date {date}"),
    "subtitle.made": ("berekend {date}", "computed {date}"),
    "section.summary": ("Samenvatting", "Summary"),
    "section.glossary": ("Begrippen", "Glossary"),
    "section.money": ("BUIG-budget, uitgaven en vangnet", "BUIG budget, spending and vangnet"),
    "section.caseload": ("Klantenbestand per spoor", "Caseload per track"),
    "section.formation": ("Formatie", "Formation"),
    "section.tradeoff": ("Afweging: kosten tegen doel", "Trade-off: cost against target"),
    "section.details": ("Het plan in detail", "Plan details"),
    "section.comparison": ("Vergelijking van varianten", "Variant comparison"),
    "section.compare_base": ("Vergelijking met de basis", "Comparison with the base"),
    "section.variants": ("De varianten", "The variants"),
    "section.base": ("De basis", "The base"),
    "section.survival": ("Verblijfsduur van instroomcohorten", "Cohort survival"),
    "section.model": ("Modelbeschrijving (STRESS-DES)", "Model description (STRESS-DES)"),
    "section.appendix": ("Bijlage: aannames en bronnen", "Appendix: assumptions and sources"),
    "report.first_rows": ("De eerste {shown} van {total} rijen; de CSV en de werkmap hebben ze allemaal.",
                          "First {shown} of {total} rows; the CSV and the workbook have all."),
    "summary.without": ("<b>Zonder extra maatregelen</b> sluiten {municipalities} samen {span} af met {result} op "
                        "de BUIG na vangnet",
                        "<b>Without extra measures</b> {municipalities} together end {span} with {result} on the "
                        "BUIG after the vangnet"),
    "summary.deficit_in": (" (een tekort in {years}).", " (a deficit in {years})."),
    "summary.with": ("<b>Met het plan</b> wordt dat {result}", "<b>With the plan</b> this becomes {result}"),
    "summary.still_deficit_in": (" (nog een tekort in {years}).", " (still a deficit in {years})."),
    "summary.no_deficit_year": (" (gemiddeld geen jaar met een tekort).", " (no year in deficit on average)."),
    "summary.cost": ("<b>Het plan kost</b> {amount} extra over {years} (personeel, instrumenten en "
                     "maatregelen)",
                     "<b>The plan costs</b> {amount} extra over {years} (staff, instruments and measures)"),
    "summary.saving": ("<b>Het plan bespaart</b> {amount} op personeel, instrumenten en maatregelen over "
                       "{years}",
                       "<b>The plan saves</b> {amount} on staff, instruments and measures over {years}"),
    "summary.net_better": ("; per saldo staan de gemeenten er {amount} beter voor dan zonder plan",
                           "; net of that, the municipalities are {amount} better off than without it"),
    "summary.net_worse": ("; per saldo staan de gemeenten er {amount} slechter voor dan zonder plan",
                          "; net of that, the municipalities are {amount} worse off than without it"),
    "summary.chance": ("<b>Kans van slagen</b>: het plan haalt het doel in {probability} van {futures} nieuwe "
                       "gesimuleerde toekomsten{ci}",
                       "<b>Chance of success</b>: the plan meets the target in {probability} of {futures} fresh "
                       "simulated futures{ci}"),
    "summary.ci": (" (95%-betrouwbaarheidsinterval {low} tot {high})", " (95% confidence interval {low} to {high})"),
    "summary.required": ("; het doel vraagt minstens {required}", "; the target asks for at least {required}"),
    "summary.plan_heading": ("Het plan in woorden:", "The plan in plain words:"),
    "summary.no_change": ("geen verandering ten opzichte van de huidige formatie en instrumenten.",
                          "no change from the current formation and instruments."),
    "summary.table_intro": ("Resultaat op de BUIG na vangnet, alle gemeenten samen (onder nul is een tekort); de "
                            "bandbreedte bevat 90% van de gesimuleerde toekomsten:",
                            "BUIG result after vangnet, all municipalities together (below zero is a deficit); the "
                            "range holds 90% of the simulated futures:"),
    "card.without": ("Resultaat na vangnet zonder plan, hele periode", "Result after vangnet without plan, whole horizon"),
    "card.with": ("... met het plan", "... with the plan"),
    "card.cost": ("Extra kosten van het plan", "Extra cost of the plan"),
    "card.saving": ("Besparing van het plan (minder personeel of instrumenten)",
                    "Saving of the plan (less staff or instruments)"),
    "card.probability": ("Kans dat het plan het doel haalt", "Probability the plan meets the target"),
    "sum.without": ("zonder plan", "without the plan"),
    "sum.with": ("met plan", "with the plan"),
    "sum.range_without": ("bandbreedte zonder plan", "range without the plan"),
    "sum.range_with": ("bandbreedte met plan", "range with the plan"),
    "sum.extra": ("extra kosten plan", "extra cost of the plan"),
    "next.heading": ("Wat nu?", "What to do next"),
    "plan.staff_more": ("{change} fte extra {role} (van {now} naar {planned} fte), in dienst vanaf {when}",
                        "{change} fte more {role} (from {now} to {planned} fte), in post from {when}"),
    "plan.staff_less": ("{change} fte minder {role} (van {now} naar {planned} fte), vanaf {when}",
                        "{change} fte less {role} (from {now} to {planned} fte), from {when}"),
    "plan.places_a_year": ("{places} plaatsen per jaar", "{places} places a year"),
    "plan.places_in": ("{places} plaatsen in {year}", "{places} places in {year}"),
    "plan.instrument": ("{instrument}: {what} (nu {now} per jaar)", "{instrument}: {what} (now {now} a year)"),
    "plan.measure_start": ("start de maatregel {measure}", "start the measure {measure}"),
    "plan.measure_stop": ("stop de maatregel {measure}", "stop the measure {measure}"),
    "money.col.municipality": ("gemeente", "municipality"),
    "money.col.year": ("jaar", "year"),
    "money.col.buig_result_mean": ("BUIG-resultaat", "BUIG result"),
    "money.col.vangnet_mean": ("vangnet", "vangnet"),
    "money.col.result_after_vangnet_mean": ("resultaat na vangnet", "result after vangnet"),
    "money.col.probability_deficit": ("kans op tekort", "chance of a deficit"),
    "money.col.plan_result_after_vangnet_mean": ("met plan", "with the plan"),
    "money.col.plan_probability_deficit": ("kans op tekort met plan", "chance of a deficit with the plan"),
    "money.intro": ("Per gemeente en jaar het gemiddelde BUIG-resultaat, de vangnetuitkering en het resultaat na "
                    "vangnet over de gesimuleerde toekomsten, en het deel van die toekomsten met een tekort na "
                    "vangnet. Het werkblad 'Tekort per gemeente' in de werkmap heeft ook de bandbreedtes.",
                    "Per municipality and year: the mean BUIG result, vangnet and result after vangnet over the "
                    "simulated futures, and the share of them with a deficit after vangnet. The workbook's sheet "
                    "'Deficit per municipality' also has the ranges."),
    "money.intro_plan": ("Per gemeente en jaar het gemiddelde BUIG-resultaat, de vangnetuitkering en het resultaat "
                         "na vangnet zonder plan, het deel van de gesimuleerde toekomsten met een tekort na vangnet, "
                         "en hetzelfde met het plan. Het werkblad 'Tekort per gemeente' in de werkmap heeft ook de "
                         "bandbreedtes.",
                         "Per municipality and year: the mean BUIG result, vangnet and result after vangnet without "
                         "the plan, the share of simulated futures with a deficit after vangnet, and the same with "
                         "the plan. The workbook's sheet 'Deficit per municipality' also has the ranges."),
    "rules.heading": ("Gebruikte vangnetregels", "Vangnet rules used"),
    "rules.intro": ("De vangnetuitkering volgt per jaar de regels hieronder. De status zegt hoe zeker de regel is: "
                    "geverifieerd (reproduceert een eigen berekening van de gemeente tot op de euro), "
                    "gedocumenteerd (beschreven, nog niet nagerekend) of aangenomen (overgenomen van het dichtstbij "
                    "liggende jaar; controleer het Besluit Participatiewet van dat jaar).",
                    "The vangnet follows the rules below, year by year. The status says how sure a rule is: "
                    "verified (reproduces the municipality's own calculation to the euro), documented (described, "
                    "not yet recomputed) or assumed (copied from the nearest year; check that year's Besluit "
                    "Participatiewet)."),
    "rules.assumed_warning": ("Let op: de regels voor {years} zijn aangenomen, niet nagezocht. Het vangnet in die "
                              "jaren, en dus het tekort na vangnet, kan anders uitvallen.",
                              "Note: the rules for {years} are assumed, not looked up. The vangnet in those years, "
                              "and so the deficit after vangnet, may differ."),
    "rules.col.year": ("jaar", "year"),
    "rules.col.threshold": ("drempel (eigen risico)", "threshold (own risk)"),
    "rules.col.tiers": ("vergoeding", "compensation"),
    "rules.col.test": ("meerjarentoets", "multi-year test"),
    "rules.col.status": ("status", "status"),
    "rules.col.source": ("bron", "source"),
    "rules.tier": ("{rate} van het tekort tussen {lower} en {upper}", "{rate} of the deficit from {lower} to {upper}"),
    "rules.tier_above": ("{rate} van het tekort boven {lower}", "{rate} of the deficit above {lower}"),
    "rules.multi_year": ("{years} opgeteld: tekort boven {threshold}",
                         "{years} summed: deficit above {threshold}"),
    "rules.no_multi_year": ("geen", "none"),
    "rules.none": ("geen regel voor dit jaar: geen vangnet", "no rule for this year: no vangnet"),
    "caseload.kpi_intro": ("Kengetallen voor de hele organisatie (gemiddelde over de gesimuleerde toekomsten; "
                           "'hele periode' is de hele looptijd, 'einde' de laatste maand):",
                           "Key figures for the whole organisation (mean over the simulated futures; 'whole "
                           "horizon' is all years, 'end' the last month):"),
    "caseload.kpi_intro_plan": ("Kengetallen voor de hele organisatie (gemiddelde over de gesimuleerde toekomsten; "
                                "zonder plan → met plan; 'hele periode' is de hele looptijd, 'einde' de laatste "
                                "maand):",
                                "Key figures for the whole organisation (mean over the simulated futures; without "
                                "the plan → with the plan; 'whole horizon' is all years, 'end' the last month):"),
    "survival.after": ("nog in bestand na {months}", "still on after {months}"),
    "survival.intro": ("Deel van de instroom dat nog in het klantenbestand zit (Kaplan-Meier, zonder plan, de "
                       "{futures} toekomsten samen; de instroom is het gemiddelde per toekomst; leeg waar de periode "
                       "te kort is):",
                       "Share still on the caseload (Kaplan-Meier, baseline, the {futures} futures pooled; the "
                       "inflow is the mean per future; empty where the horizon is too short to tell):"),
    "survival.inflow_per_future": ("instroom in dat jaar (per toekomst)", "inflow that year (per future)"),
    "caseload.censoring": ("De gemiddelde duur telt alleen de uitkeringen die binnen de periode eindigden; wie aan het eind nog een uitkering heeft, telt daar niet mee. De mediane duur (Kaplan-Meier) telt die lopende uitkeringen wel mee, als 'nog niet geëindigd'. Daarom kan de mediaan hoger zijn dan het gemiddelde: de lange uitkeringen zitten wel in de mediaan en niet in het gemiddelde.", "The mean stay counts only the benefits that ended within the horizon; whoever still has a benefit at its end is left out of it. The median stay (Kaplan-Meier) does count those running benefits, as 'not yet ended'. So the median can be above the mean: the long stays are in the median and not in the mean."),
    "formation.note": ("Per functie: fte nu en gepland, het verschil, de jaarlijkse kosten nu en gepland en de extra "
                       "jaarlijkse kosten van de wijziging (negatief: een besparing). Nieuwe medewerkers zijn in "
                       "dienst vanaf de maand in de laatste kolom (de doorlooptijd van de functie na het besluit).",
                       "Per role: fte now and planned, the change, the yearly cost of the formation now and planned, "
                       "and the extra yearly cost of the change (negative: a saving). New staff are in post from the "
                       "month in the last column (the role's lead time after the decision)."),
    "details.blocking": ("Wat in de weg staat", "What stands in the way"),
    "details.budget": ("Instrumenten per jaar", "Instruments per year"),
    "details.budget.note": ("Plaatsen en budget per instrument en jaar in het plan.",
                            "Instrument places and budget per year under the plan."),
    "details.savings": ("Wat elke hefboom doet", "What each lever does"),
    "details.savings.note": ("Elke hefboom van het plan: de extra kosten, en het deel van de toekomsten dat het doel "
                             "haalt met en zonder die hefboom (gepaard, op dezelfde selectietoekomsten, met "
                             "betrouwbaarheidsgrenzen van het verschil); het gemiddelde effect op het resultaat in euro.",
                             "Each lever of the plan: its extra cost, and the share of futures meeting the target with "
                             "and without it (paired, on the same selection futures, with confidence bounds of the "
                             "difference); its mean effect on the result in euros."),
    "details.relaxations": ("Wat het doel tegenhoudt", "What holds the target back"),
    "details.relaxations.note": ("Elk doeljaar en elke beperking in de rij losgelaten: het plan opnieuw gezocht zonder, "
                                 "de kosten en wat het haalt (gesimuleerde hele plannen, geen LP-schaduwprijzen).",
                                 "Each target year and constraint relaxed in turn: the plan searched again without it, "
                                 "its cost and what it reaches (simulated whole plans, not LP duals)."),
    "relaxed.year": ("het doel in {year}", "the target in {year}"),
    "budget.cell": ("{places} pl. / {budget}", "{places} pl. / {budget}"),
    "compare.detail": ("Per gemeente en jaar", "Per municipality and year"),
    "compare.intro": ("Elke variant is gesimuleerd op dezelfde toekomsten als de basis (common random numbers), "
                      "dus de verschillen zijn gepaard: het interval is het 95%-betrouwbaarheidsinterval van het "
                      "gemiddelde verschil.",
                      "Each variant is simulated on the same seeds as the base (common random numbers), so the "
                      "differences are paired: the interval is the 95% confidence interval of the mean difference."),
    "compare.same": ("het resultaat na vangnet is in elke gesimuleerde toekomst gelijk aan dat van de basis: geen "
                     "verschil.",
                     "the result after vangnet is the same as the base's in every simulated future: no difference."),
    "compare.better": ("het resultaat na vangnet over de periode is {amount} beter dan dat van de basis "
                       "(95%-interval {low} tot {high}): {sig}.",
                       "the result after vangnet over the horizon is {amount} better than the base's (95% interval "
                       "{low} to {high}): {sig}."),
    "compare.worse": ("het resultaat na vangnet over de periode is {amount} slechter dan dat van de basis "
                      "(95%-interval {low} tot {high}): {sig}.",
                      "the result after vangnet over the horizon is {amount} worse than the base's (95% interval "
                      "{low} to {high}): {sig}."),
    "compare.significant": ("een significant verschil", "a significant difference"),
    "compare.not_significant": ("niet significant verschillend van de basis (het 95%-interval bevat nul)",
                                "not significantly different from the base (the 95% interval includes zero)"),
    "compare.col.variant": ("variant", "variant"),
    "compare.col.measure": ("grootheid", "measure"),
    "compare.col.municipality": ("gemeente", "municipality"),
    "compare.col.year": ("jaar", "year"),
    "compare.col.base": ("basis", "base"),
    "compare.col.variant_value": ("variant", "variant value"),
    "compare.col.difference": ("verschil", "difference"),
    "compare.col.interval": ("95%-interval", "95% interval"),
    "compare.col.significant": ("significant", "significant"),
    "family.target": ("het resultaat na vangnet haalt het doelniveau in een doeljaar",
                      "the result after vangnet meets the target level in a target year"),
    "family.participatiebudget": ("de uitgaven aan instrumenten en maatregelen blijven binnen het participatiebudget "
                                  "van dat jaar",
                                  "instrument and measure spending stays within that year's participatiebudget"),
    "family.formation_min": ("een functie gaat niet onder haar minimum-fte", "a role stays at or above its min_fte"),
    "family.formation_max": ("een functie gaat niet boven haar maximum-fte", "a role stays at or below its max_fte"),
    "family.hires_per_year": ("niet meer nieuwe fte per jaar dan toegestaan", "no more new fte a year than allowed"),
    "family.no_reintegration_money": ("geen re-integratiegeld voor sporen die dat niet mogen krijgen",
                                      "no re-integration money for tracks that may not get it"),
    "family.everyone_in_view": ("iedereen in beeld: genoeg klantmanagers voor alle klanten",
                                "everyone in view: enough caseworkers for every client"),
    "family.partner_share": ("minimaal aandeel re-integratie via een partner",
                             "minimum share of re-integration through a partner"),
    "family.interaction_on": ("samenhang tussen hefbomen (model)", "interaction between levers (model)"),
    "family.interaction_off": ("samenhang tussen hefbomen (model)", "interaction between levers (model)"),
})

# -- glossary -------------------------------------------------------------------------------------
MESSAGES.update({
    "glossary.buig.term": ("BUIG", "BUIG"),
    "glossary.buig": ("Het jaarlijkse rijksbudget waaruit de gemeente de bijstandsuitkeringen en "
                      "loonkostensubsidies betaalt (Bundeling Uitkeringen Inkomensvoorzieningen Gemeenten).",
                      "The yearly national grant from which a municipality pays social-assistance benefits and "
                      "wage-cost subsidies."),
    "glossary.vangnet.term": ("Vangnet", "Vangnet (safety net)"),
    "glossary.vangnet": ("Een aanvullende uitkering van het Rijk als het BUIG-tekort groot is: boven een drempel "
                         "wordt een deel van het tekort vergoed, volgens regels die per jaar verschillen.",
                         "A supplementary grant when the BUIG deficit is large: above a threshold part of the "
                         "deficit is compensated, by rules that differ per year."),
    "glossary.eigen_risico.term": ("Eigen risico", "Own risk (eigen risico)"),
    "glossary.eigen_risico": ("Het deel van het tekort dat de gemeente altijd zelf betaalt: tot de drempel van het "
                              "vangnet (bijvoorbeeld 5% of 7,5% van het budget).",
                              "The part of the deficit a municipality always pays itself: up to the vangnet's "
                              "threshold (e.g. 5% or 7.5% of the budget)."),
    "glossary.exploitatie.term": ("Exploitatie", "Exploitatie"),
    "glossary.exploitatie": ("De begroting van werk en inkomen als geheel: BUIG na vangnet, personeel, "
                             "instrumenten en de andere posten (zoals het WSW-tekort) samen.",
                             "The budget for work and income as a whole: BUIG after vangnet, staff, instruments "
                             "and the other lines (such as the WSW shortfall) together."),
    "glossary.spoor.term": ("Spoor", "Spoor (track)"),
    "glossary.spoor": ("Een route door de dienstverlening: werkspoor (dicht bij werk), werkleerspoor (eerst leren) "
                       "of participatiespoor (ver van werk: activering en meedoen).",
                       "A route through the service: work track (close to work), learn-work track (training first) "
                       "or participation track (far from work: activation and taking part)."),
    "glossary.in_beeld.term": ("In beeld", "In view (in beeld)"),
    "glossary.in_beeld": ("Een klant heeft een klantmanager die tijd voor hem of haar heeft en een plan; wie niet in "
                          "beeld is, wacht.",
                          "A client has a caseworker with time for them and a plan; a client not in view waits."),
    "glossary.resultaat_na_vangnet.term": ("Resultaat na vangnet", "Result after vangnet"),
    "glossary.resultaat_na_vangnet": ("BUIG-budget plus vangnet min de uitgaven; onder nul is een tekort dat de "
                                      "gemeente uit eigen middelen betaalt.",
                                      "BUIG budget plus vangnet minus spending; below zero is a deficit the "
                                      "municipality pays from its own funds."),
    "glossary.toekomst.term": ("Gesimuleerde toekomst", "Simulated future"),
    "glossary.toekomst": ("Eén doorrekening van alle klanten met toevallige instroom en uitstroom; veel toekomsten "
                          "samen laten zien hoe zeker een uitkomst is.",
                          "One run of every client with random inflow and outflow; many futures together show how "
                          "certain an outcome is."),
    "glossary.fte.term": ("Fte", "Fte"),
    "glossary.fte": ("Voltijdsbaan: 1 fte is één medewerker die voltijds werkt.",
                     "Full-time equivalent: 1 fte is one person working full time."),
    "glossary.participatieladder.term": ("Participatieladder", "Participatieladder"),
    "glossary.participatieladder": ("Zes treden van geïsoleerd (1) tot betaald werk (6); de trede bepaalt het "
                                    "spoor van een klant.",
                                    "Six rungs from isolated (1) to paid work (6); the rung decides a client's "
                                    "track."),
})

# -- figures --------------------------------------------------------------------------------------
MESSAGES.update({
    "axis.millions": ("€ {value} mln", "€{value}M"),
    "axis.thousands": ("€ {value}k", "€{value}k"),
    "axis.euros": ("€ {value}", "€{value}"),
    "fig.without": ("zonder plan", "without the plan"),
    "fig.with": ("met plan", "with the plan"),
    "fig.baseline": ("huidige formatie", "baseline"),
    "fig.band": ("90% van de gesimuleerde toekomsten (5-95%)", "90% of simulated futures (5-95%)"),
    "fig.caseload.y": ("klanten in het bestand", "clients on the caseload"),
    "fig.caseload.title": ("Klantenbestand per spoor", "Caseload per track"),
    "fig.caseload.caption": ("Klanten in het bestand (met en zonder uitkering) aan het eind van elke maand, alle "
                             "gemeenten samen. De lijn is het gemiddelde over de gesimuleerde toekomsten, de band "
                             "bevat 90% ervan (5e tot 95e percentiel).",
                             "Clients on the caseload (with and without benefit) at the end of each month, all "
                             "municipalities together. The line is the mean over the simulated futures, the band "
                             "holds 90% of them (5th to 95th percentile)."),
    "fig.caseload.alt": ("Lijngrafieken van het aantal klanten per spoor per maand met onzekerheidsbanden.",
                         "Line charts of the number of clients per track per month with uncertainty bands."),
    "fig.spending": ("uitgaven", "spending"),
    "fig.spending_without": ("uitgaven zonder plan", "spending without the plan"),
    "fig.spending_with": ("uitgaven met plan", "spending with the plan"),
    "fig.budget": ("BUIG-budget", "BUIG budget"),
    "fig.vangnet": ("vangnet (gemiddeld)", "vangnet (mean)"),
    "fig.vangnet_without": ("vangnet (gemiddeld, zonder plan)", "vangnet (mean, without the plan)"),
    "fig.budget.title": ("BUIG-budget, uitgaven en vangnet", "BUIG budget, spending and vangnet"),
    "fig.budget.caption": ("Per gemeente en jaar: het BUIG-budget (grijs) met het verwachte vangnet erbovenop "
                           "(groen), tegenover de verwachte uitgaven aan uitkeringen en loonkostensubsidies. De "
                           "strepen bevatten 90% van de gesimuleerde toekomsten. Uitgaven boven budget plus vangnet "
                           "betaalt de gemeente uit eigen middelen.",
                           "Per municipality and year: the BUIG budget (grey) with the expected vangnet on top "
                           "(green), against the expected spending on benefits and wage-cost subsidies. Whiskers "
                           "hold 90% of the simulated futures. Spending above budget plus vangnet is paid from the "
                           "municipality's own funds."),
    "fig.budget.alt": ("Staafdiagrammen per gemeente van BUIG-budget, vangnet en uitgaven per jaar.",
                       "Bar charts per municipality of BUIG budget, vangnet and spending per year."),
    "fig.result.y": ("resultaat na vangnet\n(onder 0 = tekort)", "result after vangnet\n(below 0 = deficit)"),
    "fig.result.title": ("BUIG-resultaat na vangnet per jaar", "Yearly BUIG result after vangnet"),
    "fig.result.caption": ("Alle gemeenten samen: BUIG-budget plus vangnet min uitgaven, per jaar. Onder nul is een "
                           "tekort dat de gemeenten uit eigen middelen betalen. De strepen bevatten 90% van de "
                           "gesimuleerde toekomsten.",
                           "All municipalities together: BUIG budget plus vangnet minus spending, per year. Below "
                           "zero is a deficit the municipalities pay from their own funds. Whiskers hold 90% of the "
                           "simulated futures."),
    "fig.result.alt": ("Staafdiagram van het resultaat na vangnet per jaar, zonder en met plan.",
                       "Bar chart of the yearly result after vangnet with and without the plan."),
    "fig.tradeoff.feasible": ("goedkoopste plan dat het haalt", "cheapest plan that meets it"),
    "fig.tradeoff.infeasible": ("geen plan haalt het duidelijk (het gevonden plan: op het randje of buiten bereik)",
                                "no plan meets it clearly (the plan found: on the edge or out of reach)"),
    "fig.tradeoff.chosen": ("het gekozen doel", "the chosen target"),
    "fig.tradeoff.x.probability": ("gevraagd deel van de toekomsten dat het doel haalt",
                                   "required share of futures meeting the target"),
    "fig.tradeoff.x.target_level": ("doel: resultaat na vangnet minstens", "target: result after vangnet at least"),
    "fig.tradeoff.y": ("extra kosten van het plan", "extra cost of the plan"),
    "fig.tradeoff.title": ("Kosten tegen doel", "Cost against target"),
    "fig.tradeoff.caption": ("Wat het goedkoopste plan kost bij een strenger of ruimer doel. Elk punt is een aparte "
                             "optimalisatie, geverifieerd op eigen nieuwe gesimuleerde toekomsten; het gekozen doel "
                             "is er een van.",
                             "What the cheapest plan costs for stricter or looser targets. Each point is a separate "
                             "optimisation, verified on its own fresh simulated futures; the chosen target is one "
                             "of them."),
    "fig.tradeoff.alt": ("Lijngrafiek van de kosten van het plan tegen het doel.",
                         "Line chart of the plan's cost against the target."),
    "fig.survival.entered": ("ingestroomd in {year}", "entered in {year}"),
    "fig.survival.x": ("maanden sinds instroom", "months since entry"),
    "fig.survival.y": ("deel nog in het bestand", "share still on the caseload"),
    "fig.survival.title": ("Verblijfsduur in het bestand per instroomjaar", "Cohort survival on the caseload"),
    "fig.survival.caption": ("Kaplan-Meier-schatting van het deel van de klanten dat nog in het bestand zit, naar "
                             "maanden sinds instroom, per instroomjaar, alle toekomsten samen. Lijnen stoppen waar "
                             "minder dan {n} klanten in de telling over zijn; wie aan het eind nog in het bestand zit, "
                             "telt tot dan mee (gecensureerd).",
                             "Kaplan-Meier estimate of the share of clients still on the caseload by months since "
                             "they entered, per entry year, all futures pooled. Curves stop where fewer than {n} "
                             "clients remain under observation; clients still on the caseload at the end of the "
                             "horizon are censored."),
    "fig.survival.alt": ("Trapgrafieken van het deel van elk instroomcohort dat nog in het bestand zit.",
                         "Step curves of the share of each entry year's cohort still on the caseload."),
    "fig.unit.EUR": ("€", "EUR"),
    "fig.unit.share": ("procentpunt", "percentage points"),
    "fig.unit.months": ("maanden", "months"),
    "fig.unit.clients": ("klanten", "clients"),
    "fig.compare.x": ("verschil, variant min basis ({unit})", "difference, variant minus base ({unit})"),
    "fig.compare.title": ("Varianten tegenover de basis", "Variants against the base"),
    "fig.compare.caption": ("Gemiddeld gepaard verschil (variant min basis, op dezelfde gesimuleerde toekomsten) met "
                            "het 95%-betrouwbaarheidsinterval, opgeteld over de periode en alle gemeenten. Een dichte "
                            "stip is significant (het interval bevat geen nul), een open stip niet.",
                            "Mean paired difference (variant minus base, on the same simulated futures) with its 95% "
                            "confidence interval, totals over the horizon and all municipalities. A filled dot is "
                            "significant (the interval excludes zero); an open dot is not."),
    "fig.compare.alt": ("Stip-en-streepgrafiek van de verschillen van elke variant met de basis.",
                        "Dot-and-whisker chart of each variant's differences from the base."),
    "fig.flow.applications": ("aanvragen", "applications"),
    "fig.flow.gate": ("poort\nintake en\nbesluit", "gate\nintake and\ndecision"),
    "fig.flow.exits": ("uitstroom\nwerk, verhuizing,\npensioen, inkomen partner,\noverlijden, handhaving, ...",
                       "exits\nwork, moved, pension,\npartner income, death,\nenforcement, ..."),
    "fig.flow.in_view": ("in beeld  |  wacht", "in view  |  waiting"),
    "fig.flow.returns": ("terugkeer: een deel van de uitstroom naar werk komt terug",
                         "returns: a share of work exits comes back"),
    "fig.flow.title": ("Overzicht van het model", "Model overview"),
    "fig.flow.caption": ("Aanvragen gaan door de poort; toegekende klanten komen in een spoor, waar ze in beeld zijn "
                         "bij een klantmanager als er plek is en anders wachten; ze stromen uit om concurrerende "
                         "redenen of gaan over naar een ander spoor (gebogen pijlen).",
                         "Applications pass the gate; granted clients enter a track, where they are in view of a "
                         "caseworker when a slot is free and wait otherwise; they leave by competing exit causes or "
                         "move between tracks (curved arrows)."),
    "fig.flow.alt": ("Stroomschema van aanvragen via de poort en de sporen naar de uitstroom.",
                     "Flow diagram from applications through the gate and the tracks to the exits."),
})

# -- the model description (STRESS-DES) and the appendix ---------------------------------------
MESSAGES.update({
    "md.intro": ("Het model is beschreven in de zes onderdelen van de STRESS-DES-richtlijn voor het rapporteren van "
                 "discrete-event-simulaties (Monks e.a., 2019).",
                 "The model is described in the six sections of the STRESS-DES reporting guideline for "
                 "discrete-event simulation studies (Monks et al., 2019)."),
    "md.h.objectives": ("Doel", "Objectives"),
    "md.h.logic": ("Logica", "Logic"),
    "md.h.data": ("Gegevens", "Data"),
    "md.h.experimentation": ("Experimenten", "Experimentation"),
    "md.h.implementation": ("Uitvoering", "Implementation"),
    "md.h.code": ("Toegang tot de code", "Code access"),
    "md.purpose_label": ("Doel.", "Purpose."),
    "md.outputs_label": ("Uitkomsten.", "Outputs."),
    "md.experiments_label": ("Wat er wordt vergeleken.", "Experimentation aims."),
    "md.purpose": ("Het BUIG-resultaat na vangnet van {municipalities} voor {span} vooruitberekenen en het goedkoopste "
                   "plan voor personeel en re-integratie vinden dat het tekort met de gekozen kans sluit, en laten "
                   "zien wat er met de klanten gebeurt (bestand per spoor, uitstroom naar werk, duur in de uitkering).",
                   "Project the BUIG result after vangnet of {municipalities} for {span} and find the cheapest "
                   "staffing and re-integration plan that closes the deficit with the chosen probability, while "
                   "showing what happens to the clients (caseload per track, outflow to work, time on benefit)."),
    "md.output.monthly": ("klantenbestand per maand, gemeente, spoor en doelgroep: met en zonder uitkering, in beeld, "
                          "niet in beeld, instroom, uitstroom per reden, kosten van uitkeringen en subsidies",
                          "monthly caseload per municipality, track and segment: on benefit, without benefit, in "
                          "view, not in view, inflow, outflow by cause, benefit and subsidy cost"),
    "md.output.yearly": ("geld per jaar en gemeente: BUIG-budget, uitgaven, BUIG-resultaat, vangnet, resultaat na "
                         "vangnet, kosten van personeel, instrumenten en maatregelen, andere posten, "
                         "participatiebudget, resultaat van de exploitatie",
                         "yearly money per municipality: BUIG budget, spending, BUIG result, vangnet, result after "
                         "vangnet, personnel, instrument and measure cost, other lines, participatiebudget, "
                         "exploitatie result"),
    "md.output.kpis": ("kengetallen: aandeel uitstroom naar werk, gemiddelde duur in de uitkering, aandeel in beeld, "
                       "verdeling over de participatieladder, tekorten",
                       "KPIs: outflow-to-work share, mean time on benefit, share in view, ladder distribution, "
                       "deficits"),
    "md.output.spells": ("verblijfsperioden van klanten (instroom, uitstroom, reden) voor overlevingscurven per "
                         "instroomjaar",
                         "client spells (entry, exit, cause) for cohort survival curves"),
    "md.output.plan": ("het plan: formatietabel, budget voor instrumenten, kosten, geverifieerde kans om het doel "
                       "te halen, afweging tussen kosten en doel",
                       "the plan: formation table, instrument budget, cost, verified probability of meeting the "
                       "target, trade-off curve"),
    "md.experiment.plan": ("de huidige formatie en instrumenten tegenover het geoptimaliseerde plan, op dezelfde "
                           "toevalsgetallen (common random numbers)",
                           "the baseline (current formation, current instruments) against the optimised plan, on "
                           "common random numbers"),
    "md.experiment.tradeoff": ("een afwegingscurve van kosten tegen doel", "a cost-versus-target trade-off curve"),
    "md.experiment.variants": ("beleidsvarianten als gepaarde vergelijking met hun basis (sporen compare)",
                               "policy variants as paired comparisons against their base (sporen compare)"),
    "md.base_model": ("Basismodel. Elke klant is een proces in continue tijd (maanden). Aanvragen komen binnen als "
                      "Poisson-proces per doelgroep en gemeente (nu ongeveer {apps} per maand in totaal), wachten op "
                      "intakecapaciteit en krijgen een besluit (toegekend, afgewezen, ingetrokken, buiten behandeling, "
                      "niet tot aanvraag gekomen). Een toegekende klant krijgt een trede op de participatieladder en "
                      "een spoor volgens de regel van het scenario. De plekken van een spoor zijn fte maal caseload "
                      "per fte; een klant zonder plek wacht 'niet in beeld' volgens de voorrangsregel {priority} en "
                      "houdt alleen de basiskansen. Uitstroom is een keuze tussen concurrerende redenen (werk, "
                      "verhuizing, pensioen, inkomen partner, overlijden, handhaving, voorliggende voorziening, "
                      "overig) met kansen die per duurklasse vast zijn (vanaf {bands} maanden) en opnieuw worden "
                      "getrokken als de toestand van een klant verandert. Een deel van de uitstroom naar werk komt "
                      "terug; {pause}Elke klantmaand met uitkering kost de uitkering van de doelgroep; "
                      "loonkostensubsidies worden uit de BUIG betaald. Geld en mensen kloppen elke maand precies.",
                      "Base model. Each client is a process in continuous time (months). Applications arrive as a "
                      "Poisson process per segment and municipality (now about {apps} a month in total), wait for "
                      "intake capacity and get a gate decision (granted, rejected, withdrawn, not processed, no "
                      "application). A granted client gets a participation-ladder rung and a track by the "
                      "scenario's rule. A track's caseworker slots are fte x caseload per fte; a client without a "
                      "slot waits 'not in view' under the priority rule {priority} and keeps only the base hazards. "
                      "Exits are competing risks (work, moving, pension, partner income, death, enforcement, prior "
                      "provision, other) with hazards that are constant within duration bands (from {bands} "
                      "months) and are redrawn whenever a client's state changes. A share of work exits returns; "
                      "{pause}Every client-month on benefit costs the segment's benefit; wage-cost subsidies are "
                      "paid from BUIG. Money and people are conserved exactly each month."),
    "md.pause": ("wie binnen {months} terugkomt, slaat de poort over (uitkeringspauze). ",
                 "within {months} they skip the gate (benefit pause). "),
    "md.scenario_logic": ("Scenariologica. Een plan verandert de fte per functie vanaf de maand van indiensttreding, "
                          "de plaatsen per instrument per jaar en de maatregelen (aan of uit).",
                          "Scenario logic. A plan changes the fte per role from its arrival month, the instrument "
                          "places per year and the on/off measures."),
    "md.variant": ("Deze berekening past een variant toe op haar basis:", "This run applies a variant to its base:"),
    "md.algorithms": ("Algoritmen. Tijdstippen worden getrokken uit exponentiële verdelingen per concurrerende "
                      "reden (per klant wordt de volgende gebeurtenis ingepland, klanten worden niet elke maand "
                      "langsgelopen). Het vangnet volgt de regels van elk jaar als gegevens (drempel, schijven, "
                      "meerjarentoets), exact in decimalen. Het plan wordt gevonden met steekproefgemiddelden "
                      "(sample average approximation): de simulatie draait op een ontwerp van beslisniveaus met dezelfde "
                      "toevalsgetallen, een exact gemengd-geheeltallig model (OR-Tools) kiest de goedkoopste "
                      "combinatie die het doel in het gevraagde deel van de toekomsten haalt, en het gekozen plan "
                      "wordt opnieuw gesimuleerd op nieuwe toekomsten om het te verifiëren.",
                      "Algorithms. Event times are drawn from exponential distributions per competing cause (the "
                      "next event per client is scheduled, clients are not ticked monthly). The vangnet follows "
                      "each year's rules as data (threshold, tiers, multi-year test), computed in exact decimals. "
                      "The plan is found by sample average approximation: the simulator is run on a design of "
                      "decision levels with common random numbers, an exact mixed-integer model (OR-Tools) picks "
                      "the cheapest combination meeting the target in the required share of replications, and the "
                      "chosen plan is simulated again on fresh seeds to verify it."),
    "md.components": ("Onderdelen.", "Components."),
    "md.entities": ("Entiteiten: klanten (huishoudens) in {segments} doelgroepen ({segment_names}) en {municipalities} "
                    "gemeenten ({names}); {stock} in het bestand op {start}.",
                    "Entities: clients (households) in {segments} segments ({segment_names}) and {municipalities} "
                    "municipalities ({names}); {stock} on the caseload at {start}."),
    "md.activities": ("Activiteiten: intake en besluit, begeleiding door een klantmanager, instrumenten, handhaving.",
                      "Activities: intake and decision, guidance by a caseworker, instruments, enforcement."),
    "md.resources": ("Middelen", "Resources"),
    "md.tracks": ("Sporen en wachtrijen", "Tracks and queues"),
    "md.instruments": ("Instrumenten", "Instruments"),
    "md.entry_exit": ("In- en uitgang: aanvragen per doelgroep en gemeente; uitstroom om de concurrerende redenen; "
                      "overgangen tussen sporen met vaste kansen.",
                      "Entry and exit: applications per segment and municipality; exits by the competing causes; "
                      "moves between tracks by transition rates."),
    "md.none": ("geen", "none"),
    "md.slots": ("{fte} fte x {caseload} klanten = {slots} plekken nu", "{fte} fte x {caseload} clients = {slots} slots now"),
    "md.no_slots": ("geen plekken bij een klantmanager", "no caseworker slots"),
    "md.move": ("naar {to} met {rate} per maand", "to {to} at {rate} a month"),
    "md.segments": ("; doelgroepen {segments}", "; segments {segments}"),
    "md.track": ("treden {rungs}{segments}: {slots}; kans op werk x {multiplier} in beeld; overgangen {moves}",
                 "ladder rungs {rungs}{segments}: {slots}; work hazard x {multiplier} while in view; transitions {moves}"),
    "md.role": ("{function}: {fte} fte nu, {cost} per fte per jaar, in dienst {months} na het besluit",
                "{function}: {fte} fte now, {cost} per fte per year, arrives {months} after the decision"),
    "md.instrument": ("spoor {track}: {places} plaatsen per jaar, {months}, {cost} per deelnemer, betaald uit "
                      "{paid_from}",
                      "track {track}: {places} places a year, {months}, {cost} per participant, paid from "
                      "{paid_from}"),
    "md.sources": ("Bronnen. {n} parameters noemen hun bron ({kinds}). Soorten:",
                   "Sources. {n} parameters name their source ({kinds}). Kinds:"),
    "md.kind.seed": ("een cijfer uit de eigen stukken van de gemeenten", "a figure from the municipalities' own documents"),
    "md.kind.public": ("een openbare statistiek of studie (CBS, Divosa, Berenschot, experimenten, de wet)",
                       "a public statistic or study (CBS, Divosa, Berenschot, trials, the law)"),
    "md.kind.assumption": ("een aanname van de maker van het scenario, lokaal te controleren",
                           "an assumption of the scenario's author, to be checked locally"),
    "md.kind.calibrated": ("geschat zodat het model waargenomen cijfers nabootst",
                           "fitted so the model reproduces observed figures"),
    "md.preprocessing": ("Voorbewerking. Waarden die in het scenario als {value, source} staan, worden met hun bron "
                         "gelezen; BUIG-rekeningen uit het verleden dienen alleen de meerjarentoets van het vangnet; "
                         "varianten passen het basisscenario aan vóór de controle.",
                         "Pre-processing. Values written as {value, source} in the scenario file are read with their "
                         "source; past BUIG accounts (history) feed only the vangnet's multi-year test; variants "
                         "patch the base scenario before validation."),
    "md.appendix_link": ("Invoerparameters en aannames: elke parameter met zijn bron staat in de bijlage",
                         "Input parameters and assumptions: every parameter with its source is in the appendix"),
    "md.uncertain": ("Onzekere parameters, per gesimuleerde toekomst gelijkmatig getrokken tussen laag en hoog:",
                     "Uncertain parameters, drawn per replication uniformly between low and high:"),
    "md.uncertain.parameter": ("parameter", "parameter"),
    "md.uncertain.low": ("laag", "low"),
    "md.uncertain.high": ("hoog", "high"),
    "md.init": ("Begintoestand: geen inloopperiode; de berekening begint met het bestand van {start} ({stock} klanten), "
                "verdeeld over de duurklassen zoals het scenario aangeeft.",
                "Initialisation: no warm-up; the run starts from the caseload at {start} ({stock} clients), spread "
                "over the duration bands as the scenario gives."),
    "md.length": ("Looptijd: {years} ({months}), {span}.", "Run length: {years} ({months}), {span}."),
    "md.replications_plan": ("Gesimuleerde toekomsten: elk kandidaatplan wordt in de optimalisatie op dezelfde {r} "
                             "toekomsten gesimuleerd (common random numbers); het gekozen plan en de huidige formatie "
                             "op {v} nieuwe toekomsten, waarop dit rapport ze vergelijkt (de toekomsten van de "
                             "optimalisatie worden niet hergebruikt, dus de geverifieerde kans is buiten de "
                             "steekproef gemeten)",
                             "Replications: every candidate plan is simulated on the same {r} futures (common random "
                             "numbers) in the optimisation; the chosen plan and the baseline on {v} fresh futures, on "
                             "which this report compares them (the optimisation's futures are not reused, so the "
                             "verified probability is out of sample)"),
    "md.budget_sims": ("; de optimalisatie simuleert hoogstens {n} replicaties",
                       "; at most {n} simulated replications for the optimiser"),
    "md.replications": ("Gesimuleerde toekomsten: {n}, dezelfde voor elke vergeleken berekening (common random "
                        "numbers).",
                        "Replications: {n} simulated futures, the same for every run compared (common random "
                        "numbers)."),
    "md.estimation": ("Schatting: gemiddelden met de band van het 5e tot het 95e percentiel over de toekomsten; "
                      "gepaarde verschillen met een 95%-betrouwbaarheidsinterval (t-verdeling); de kans om het doel "
                      "te halen is het deel van de verificatietoekomsten dat het haalt.",
                      "Estimation: means with the 5th-95th percentile band across replications; paired differences "
                      "with a 95% confidence interval (t distribution); the probability of meeting the target is the "
                      "share of verification replications that meet it."),
    "md.software": ("Software: Python met SimPy (discrete-event-simulatie), NumPy, pandas, OR-Tools, matplotlib en "
                    "Babel", "Software: Python with SimPy (discrete-event simulation), NumPy, pandas, OR-Tools, "
                    "matplotlib and Babel"),
    "md.random": ("Toeval: seeds uit numpy.random.SeedSequence(seed).spawn(R); trekkingen hangen af van replicatie "
                  "en klant, zodat plannen en varianten op dezelfde seeds gepaard zijn (common random numbers)",
                  "Random sampling: seeds from numpy.random.SeedSequence(seed).spawn(R); draws are keyed by "
                  "replication and client, so plans and variants compared on the same seeds are paired (common "
                  "random numbers)"),
    "md.base_seed": ("; basisseed {seed}", "; base seed {seed}"),
    "md.execution": ("Uitvoering: replicaties draaien parallel in werkprocessen (lokaal, of een Dask-cluster); de "
                     "uitkomsten hangen niet af van het aantal processen.",
                     "Execution: replications run in parallel worker processes (local, or a Dask cluster); the "
                     "results do not depend on the number of workers."),
    "md.system": ("Systeem: timing.json naast dit rapport noteert de machine, de processen en de rekentijd; die staan "
                  "niet in dit rapport en niet in manifest.json, zodat een herhaling dezelfde bestanden geeft.",
                  "System: timing.json beside this report records the machine, the workers and the run time; they "
                  "are left out of this report and of manifest.json so that a rerun gives identical files."),
    "md.open_source": ("sporen is open source (EUPL-1.2): de code, de meegeleverde scenario's en de generator van "
                       "deze beschrijving staan in de repository",
                       "sporen is open source (EUPL-1.2): the code, the bundled scenarios and this description's "
                       "generator are in its repository"),
    "md.this_run": ("Deze berekening:", "This run:"),
    "md.manifest": ("manifest.json naast dit rapport noteert seeds en versies om haar te herhalen.",
                    "manifest.json beside this report records seeds and versions to reproduce it."),
    "appendix.intro": ("Elke parameter met een genoemde bron ({n}): de waarde waarmee is gerekend, de eenheid, de soort "
                       "bron en de bron zelf (in de woorden van het scenario).",
                       "Every parameter with a named source ({n}): the value used, its unit, the kind of source and "
                       "the source itself (in the scenario's words)."),
    "appendix.changed": ("{n} waarde(n) zijn door een gebruiker gewijzigd na het noemen van de bron (gemarkeerd): "
                         "de bron onderbouwt dan de oorspronkelijke waarde, niet de gebruikte.",
                         "{n} value(s) were changed by a user after their source was named (marked): the source then "
                         "supports the original value, not the one used."),
    "appendix.changed_note": ("Gewijzigd door gebruiker; de bron geeft {original}.",
                              "Changed by user; the source gives {original}."),
    "appendix.none": ("geen genoemd", "none named"),
    "appendix.origin.file": ("scenariobestand", "scenario file"),
    "appendix.origin.default": ("standaardwaarde van het programma", "program default"),
    "appendix.unsourced": ("{n} andere waarden zonder genoemde bron ({file} uit het scenariobestand, {default} "
                           "standaardwaarden van het programma): behandel ze als aannames",
                           "{n} further values without a named source ({file} from the scenario file, {default} "
                           "program defaults): treat them as assumptions"),
})

# -- what to do next when the target is not met (report summary and the CLI's end message) --------
MESSAGES.update({
    "next.widen_max_fte": ("Verruim {field} in {file} (nu {now} fte): {role} zit in het beste plan op het maximum.",
                           "Widen {field} in {file} (now {now} fte): {role} is at its maximum in the best plan."),
    "next.widen_hires": ("Verruim {field} in {file} (nu {now} fte per jaar): {role} kan niet sneller groeien.",
                         "Widen {field} in {file} (now {now} fte a year): {role} cannot grow faster."),
    "next.widen_places": ("Verruim {field} in {file} (nu {now} plaatsen per jaar): {instrument} zit op het maximum.",
                          "Widen {field} in {file} (now {now} places a year): {instrument} is at its maximum."),
    "next.widen_budget": ("Verhoog het participatiebudget ({field} in {file}): de instrumenten lopen tegen het budget aan.",
                          "Raise the participatiebudget ({field} in {file}): the instruments hit the budget."),
    "next.probability": ("Vraag een kleinere kans: --probability {probability} (het goedkoopste plan daarvoor kost {cost}; "
                         "gezocht en geverifieerd zoals het antwoord, zie 'Kosten tegen doel').",
                         "Ask for a smaller probability: --probability {probability} (the cheapest plan for it costs "
                         "{cost}; searched and verified like the answer, see 'Cost against target')."),
    "next.target_from": ("Laat het doel een jaar later ingaan: --target-from {year} (nieuw personeel is pas maanden na "
                         "het besluit in dienst).",
                         "Start the target a year later: --target-from {year} (new staff arrive months after the "
                         "decision)."),
    "next.cumulative": ("Toets de jaren samen in plaats van elk jaar apart: --cumulative.",
                        "Test the years together instead of each year: --cumulative."),
    "next.zone": ("Vraag een smallere marge: --zone {zone} (nu {now}; de gemeten kans ligt zo dicht bij de gevraagde "
                  "dat die marge het verschil niet kan beslissen; een smallere marge vraagt meer toekomsten).",
                  "Ask for a narrower zone: --zone {zone} (now {now}; the measured probability is so close to the "
                  "required one that this zone cannot decide; a narrower zone needs more futures)."),
    "next.budget_sims": ("Geef de optimalisatie meer rekenruimte: --budget-sims {n} (ze stopte omdat de ruimte op was).",
                         "Give the optimiser more room: --budget-sims {n} (it stopped because its budget was spent)."),
    "next.add_levers": ("Voeg hefbomen toe aan {file}: een functie (roles), instrument (instruments) of maatregel "
                        "(measures) die het tekort kan verkleinen, of verhoog de maxima van de bestaande.",
                        "Add levers to {file}: a role (roles), instrument (instruments) or measure (measures) that can "
                        "shrink the deficit, or raise the maxima of the existing ones."),
})

# -- targets and the command's messages -------------------------------------------------------------
MESSAGES.update({
    "target.no_deficit": ("geen tekort na vangnet", "no deficit after vangnet"),
    "target.at_least": ("een resultaat na vangnet van minstens {amount}", "a result after vangnet of at least {amount}"),
    "target.at_most": ("een tekort na vangnet van hoogstens {amount}", "a deficit after vangnet of at most {amount}"),
    "target.summed": ("opgeteld over {year} en later", "summed over {year} and later years"),
    "target.every_year": ("in elk jaar vanaf {year}", "in every year from {year}"),
    "target.total": ("alle gemeenten samen", "all municipalities together"),
    "target.each": ("in elke gemeente", "in each municipality"),
    "target.mean": ("gemiddeld over de gesimuleerde toekomsten", "on average over the simulated futures"),
    "target.share": ("in minstens {share} van de gesimuleerde toekomsten", "in at least {share} of simulated futures"),
    "compare.variant_intro": ("De variant {name} tegenover haar basisscenario, beide zonder plan, op dezelfde "
                              "gesimuleerde toekomsten (gepaarde verschillen, 95%-betrouwbaarheidsintervallen).",
                              "The variant {name} against its base scenario, both without a plan, on the same "
                              "simulated futures (paired differences, 95% confidence intervals)."),
    "cli.plan.verdict": ("plan voor {name}: {verdict}", "plan for {name}: {verdict}"),
    "cli.plan.plan": ("  plan: {plan}", "  plan: {plan}"),
    "cli.plan.no_change": ("geen verandering", "no change"),
    "cli.plan.cost": ("  extra kosten over de periode: {cost}", "  extra cost over the horizon: {cost}"),
    "cli.plan.verified": ("  geverifieerd op {n} nieuwe toekomsten: {p} haalt het doel "
                          "(betrouwbaarheidsgrenzen {low}-{high} bij {conf} zekerheid)",
                          "  verified on {n} fresh futures: {p} meet the target ({conf} confidence bounds {low}-{high})"),
    "cli.plan.report": ("  rapport: {path}\n  werkmap: {workbook}  ({seconds} s)",
                        "  report: {path}\n  workbook: {workbook}  ({seconds} s)"),
    "cli.plan.next": ("wat nu:", "what to do next:"),
    "cli.blocking": ("wat in de weg staat: {line}", "blocking: {line}"),
    "cli.compare.head": ("{n} gepaarde toekomsten per variant; resultaat na vangnet over de periode, alle gemeenten, "
                         "variant min basis:",
                         "{n} paired futures per variant; result after vangnet over the horizon, all "
                         "municipalities, variant minus base:"),
    "cli.compare.row": ("  {variant}: {diff} [95%-interval {low}; {high}] {sig}",
                        "  {variant}: {diff} [95% CI {low}; {high}] {sig}"),
    "cli.compare.significant": ("significant", "significant"),
    "cli.compare.not_significant": ("niet significant", "not significant"),
    "cli.report": ("  rapport: {path}", "  report: {path}"),
    "cli.simulate.wrote": ("{path} geschreven ({n} replicaties, seed {seed}; {seconds} s)",
                           "wrote {path} ({n} replications, seed {seed}; {seconds} s)"),
    "cli.simulate.head": ("alle gemeenten, gemiddelde [95%-interval]:", "all municipalities, mean [95% CI]:"),
    "cli.simulate.year": ("jaar", "year"),
    "cli.simulate.result": ("BUIG-resultaat na vangnet", "BUIG result after vangnet"),
    "cli.simulate.exploitatie": ("resultaat exploitatie", "exploitatie result"),
})

# -- results.xlsx -------------------------------------------------------------------------------------
MESSAGES.update({
    "sheet.overview": ("Samenvatting", "Summary"),
    "sheet.summary": ("Resultaat per jaar", "Result per year"),
    "sheet.deficits": ("Tekort per gemeente", "Deficit per municipality"),
    "sheet.verification": ("Verificatie", "Verification"),
    "sheet.formation": ("Formatie", "Formation"),
    "sheet.budget": ("Instrumenten per jaar", "Instruments per year"),
    "sheet.plan_cost": ("Kosten plan per jaar", "Plan cost per year"),
    "sheet.plan_effect": ("Effect van het plan", "Effect of the plan"),
    "sheet.savings": ("Hefbomen", "Levers"),
    "sheet.shadow_prices": ("Beperkingen", "Constraints"),
    "sheet.tradeoff": ("Kosten tegen doel", "Cost against target"),
    "sheet.blocking": ("Wat in de weg staat", "What blocks"),
    "sheet.relaxations": ("Wat het doel tegenhoudt", "What holds the target back"),
    "sheet.optimiser_tests": ("Toetsen optimalisatie", "Optimiser tests"),
    "sheet.optimiser_rounds": ("Rondes optimalisatie", "Optimiser rounds"),
    "sheet.yearly_summary": ("Geld per jaar zonder plan", "Money per year without plan"),
    "sheet.plan_yearly_summary": ("Geld per jaar met plan", "Money per year with plan"),
    "sheet.kpis_summary": ("Kengetallen zonder plan", "Indicators without plan"),
    "sheet.plan_kpis_summary": ("Kengetallen met plan", "Indicators with plan"),
    "sheet.caseload": ("Klantenbestand per maand", "Caseload per month"),
    "sheet.survival": ("Verblijfsduur", "Cohort survival"),
    "sheet.assumptions": ("Aannames en bronnen", "Assumptions and sources"),
    "sheet.unsourced_parameters": ("Waarden zonder bron", "Values without a source"),
    "sheet.comparison": ("Vergelijking", "Comparison"),
    "sheet.comparison_totals": ("Vergelijking totalen", "Comparison totals"),
    "sheet.base_yearly_summary": ("Basis geld per jaar", "Base money per year"),
    "wb.subtitle": ("Scenario {name}, {span}, peildatum {date}, seed {seed}", "Scenario {name}, {span}, reference date {date}, seed {seed}"),
    "wb.verdict": ("Oordeel", "Verdict"),
    "wb.target": ("Doel", "Target"),
    "wb.probability_note": ("95%-betrouwbaarheidsinterval {low} tot {high}, gemeten op {n} nieuwe gesimuleerde toekomsten",
                            "95% confidence interval {low} to {high}, measured on {n} fresh simulated futures"),
    "wb.required": ("Gevraagde kans", "Required probability"),
    "wb.cost": ("Extra kosten van het plan over de periode", "Extra cost of the plan over the horizon"),
    "wb.cost_note": ("personeel, instrumenten en maatregelen; negatief is een besparing",
                     "staff, instruments and measures; negative is a saving"),
    "wb.below_zero": ("onder nul is een tekort", "below zero is a deficit"),
    "wb.with": ("Resultaat na vangnet met plan, hele periode", "Result after vangnet with the plan, whole horizon"),
    "wb.net": ("Netto effect van het plan (na zijn kosten)", "Net effect of the plan (after its cost)"),
    "wb.net_note": ("verbetering van het resultaat na vangnet min de extra kosten",
                    "improvement of the result after vangnet minus the extra cost"),
    "wb.yearly": ("Resultaat na vangnet per jaar, alle gemeenten samen", "Result after vangnet per year, all municipalities together"),
    "wb.formation_title": ("Formatie team Werk: plan voor {name}", "Formation of team Werk: plan for {name}"),
    "wb.formation_chart": ("Fte nu en gepland per functie", "Fte now and planned per role"),
})
MESSAGES.update({
    "next.more": ("En {n} meer: zie 'Het plan in detail'.", "And {n} more: see 'Plan details'."),
})
MESSAGES.update({
    "col.replication": ("toekomst (nr.)", "future (no.)"),
    "col.buig_budget": ("BUIG-budget (€)", "BUIG budget (€)"),
    "col.benefit_cost": ("kosten uitkeringen (€)", "benefit cost (€)"),
    "col.subsidy_cost": ("kosten loonkostensubsidies (€)", "wage-cost subsidy cost (€)"),
    "col.spending": ("uitgaven BUIG (€)", "BUIG spending (€)"),
    "col.buig_result": ("BUIG-resultaat (€)", "BUIG result (€)"),
    "col.vangnet": ("vangnet (€)", "vangnet (€)"),
    "col.result_after_vangnet": ("resultaat na vangnet (€)", "result after vangnet (€)"),
    "col.personnel_cost": ("kosten personeel (€)", "personnel cost (€)"),
    "col.instrument_cost": ("kosten instrumenten (€)", "instrument cost (€)"),
    "col.measure_cost": ("kosten maatregelen (€)", "measure cost (€)"),
    "col.other_lines": ("andere posten (€)", "other lines (€)"),
    "col.participatiebudget": ("participatiebudget (€)", "participatiebudget (€)"),
    "col.exploitatie_result": ("resultaat exploitatie (€)", "exploitatie result (€)"),
})

# -- the scenario workbook (sporen convert): units, explanations per column, instructions ------------
MESSAGES.update({
    "u.euro": ("€", "€"), "u.share": ("aandeel 0-1", "share 0-1"), "u.per_month": ("per maand", "per month"),
    "u.fte": ("fte", "fte"), "u.months": ("maanden", "months"), "u.clients": ("klanten", "clients"),
    "u.text": ("tekst", "text"), "u.yes_no": ("ja/nee", "yes/no"), "u.choice": ("keuze", "choice"),
    "u.list": ("lijst, bijv. 0, 12, 36", "list, e.g. 0, 12, 36"), "u.number": ("getal", "number"),
    "u.multiplier": ("factor", "multiplier"), "u.year": ("jaar", "year"), "u.rung": ("trede 1-6", "rung 1-6"),
    "u.count": ("aantal", "count"), "u.month": ("JJJJ-MM", "YYYY-MM"), "u.per_fte_month": ("per fte per maand", "per fte per month"),
    "u.applications": ("aanvragen per maand", "applications a month"), "u.places": ("plaatsen per jaar", "places a year"),
    "wbs.unit_mark": ("eenheid:", "unit:"),
    "wbs.about_mark": ("uitleg:", "about:"),
    "wbs.source_col": ("bron (uit blad sources)", "source (from sheet sources)"),
    "wbs.instructions": ("uitleg", "instructions"),
    "help.name": ("naam (code) waarmee andere bladen ernaar verwijzen; niet wijzigen zonder ook die bladen aan te passen",
                  "name (code) other sheets refer to; do not change without changing them too"),
    "help.label": ("naam in rapport en werkmap, bijv. 'Leerwerkcoach LOC'", "display name in reports, e.g. 'Learn-work coach'"),
    "help.label_en": ("naam in Engelse rapporten (leeg = label)", "display name in English reports (empty = label)"),
    "help.description": ("vrije tekst", "free text"),
    "help.municipalities.cost_share": ("aandeel in gedeelde kosten; leeg = naar rato van klantmaanden",
                                       "share of shared costs; empty = pro rata by client-months"),
    "help.segments.benefit_per_month": ("kosten van de uitkering per klant per maand", "benefit cost per client-month"),
    "help.segments.share_without_benefit": ("deel van de klanten zonder uitkering (bijv. doelgroepregister)",
                                            "share of clients without benefit (e.g. doelgroepregister)"),
    "help.segments.initial_duration": ("verdeling van het beginbestand over de duurklassen (som 1)",
                                       "initial stock per duration band (sums to 1)"),
    "help.segments.application_trend_per_year": ("jaarlijkse groei van de aanvragen (0,02 = +2%)",
                                                 "yearly growth of applications (0.02 = +2%)"),
    "help.segments.seasonality": ("12 maandfactoren op de aanvragen, gemiddeld 1", "12 monthly factors, mean 1"),
    "help.tracks.caseworker_role": ("functie (blad roles) wiens fte de plekken van dit spoor geeft",
                                    "role (sheet roles) whose fte gives this track's slots"),
    "help.tracks.caseload_per_fte": ("klanten per fte klantmanager", "clients per caseworker fte"),
    "help.tracks.ladder": ("treden van de participatieladder die bij instroom in dit spoor komen",
                           "ladder rungs assigned to this track at entry"),
    "help.tracks.segments": ("doelgroepen van dit spoor; leeg = alle", "segments of this track; empty = all"),
    "help.tracks.served_work_multiplier": ("factor op de kans op werk als de klant in beeld is",
                                           "multiplier on the work hazard while in view"),
    "help.roles.function": ("taak: caseworker, intake, enforcement, employer_services, admin of other",
                            "function: caseworker, intake, enforcement, employer_services, admin or other"),
    "help.roles.fte_now": ("huidige formatie", "current formation"),
    "help.roles.cost_per_fte_year": ("loonkosten per fte per jaar", "cost per fte per year"),
    "help.roles.lead_time_months": ("maanden van besluit tot indiensttreding", "months from decision to arrival"),
    "help.roles.min_fte": ("minimale formatie", "minimum formation"),
    "help.roles.max_fte": ("maximale formatie (leeg = huidige + standaardruimte)", "maximum formation (empty = now + default room)"),
    "help.roles.max_hires_per_year": ("hoogstens zoveel fte erbij per jaar", "at most this many fte more a year"),
    "help.roles.partner": ("geleverd door een externe partner", "delivered by an external partner"),
    "help.roles.enforcement_hazard_per_fte": ("handhaving: extra uitstroomkans per fte", "enforcement: added exit hazard per fte"),
    "help.roles.work_multiplier_per_fte": ("werkgeversdienstverlening: kans op werk x (1 + dit x fte)",
                                           "employer services: work hazard x (1 + this x fte)"),
    "help.instruments.track": ("spoor (blad tracks) van het instrument", "track (sheet tracks) of the instrument"),
    "help.instruments.kind": ("trajectory (traject) of wage_cost_subsidy (loonkostensubsidie)",
                              "trajectory or wage_cost_subsidy"),
    "help.instruments.cost_per_participant": ("kosten per deelnemer", "cost per participant"),
    "help.instruments.duration_months": ("duur van het instrument", "duration"),
    "help.instruments.places_per_year": ("plaatsen per jaar nu", "places a year now"),
    "help.instruments.max_places_per_year": ("maximaal aantal plaatsen per jaar in een plan", "most places a year in a plan"),
    "help.instruments.work_probability_at_end": ("kans op werk aan het eind", "probability of work at the end"),
    "help.instruments.work_multiplier_while_in": ("factor op de kans op werk tijdens het instrument",
                                                  "multiplier on the work hazard while in it"),
    "help.instruments.eligible_ladder": ("treden die mogen deelnemen; leeg = alle", "rungs that may take part; empty = all"),
    "help.instruments.paid_from": ("betaald uit participatiebudget of buig", "paid from participatiebudget or buig"),
    "help.instruments.partner": ("geleverd door een externe partner", "delivered by an external partner"),
    "help.measures.on_in_baseline": ("staat de maatregel nu aan?", "is the measure on now?"),
    "help.measures.one_off_cost": ("eenmalige kosten bij de start", "one-off cost at the start"),
    "help.measures.cost_per_year": ("kosten per jaar zolang hij loopt", "cost per year while on"),
    "help.measures.start_offset_months": ("maanden na de start van de berekening", "months after the start"),
    "help.measures.duration_months": ("looptijd; leeg = tot het eind", "duration; empty = to the end"),
    "help.measures.effects.grant_multiplier": ("factor op het deel toegekende aanvragen", "multiplier on the share of granted applications"),
    "help.buig_budget.budget": ("BUIG-budget van dat jaar", "BUIG budget of that year"),
    "help.history.budget": ("BUIG-budget van een voorgaand jaar (voor de meerjarentoets)", "past BUIG budget (multi-year test)"),
    "help.history.spending": ("BUIG-uitgaven van dat jaar", "BUIG spending of that year"),
    "help.initial_stock.clients": ("klanten in het bestand bij de start", "clients on the caseload at the start"),
    "help.applications.applications": ("gemiddeld aantal aanvragen per maand bij de start", "mean applications a month at the start"),
    "help.ladder_at_entry.share": ("deel van de instroom op deze trede (som 1 per doelgroep)", "share of entrants on this rung (sums to 1)"),
    "help.segment_hazards.multiplier": ("factor op deze uitstroomkans voor de doelgroep", "multiplier on this hazard for the segment"),
    "help.hazards.band": ("eerste maand van de duurklasse (zoals duration_bands)", "first month of the duration band"),
    "help.hazards.rate": ("uitstroomkans per maand", "hazard per month"),
    "help.hazards.cause": ("reden: work, partial_work, moved, pension, partner_income, death, enforcement, prior_provision, other",
                           "cause: work, partial_work, moved, pension, partner_income, death, enforcement, prior_provision, other"),
    "help.transitions.to": ("naar dit spoor", "to this track"),
    "help.transitions.rate_per_month": ("kans per maand om over te gaan", "chance a month to move"),
    "help.transitions.in_view_only": ("alleen klanten die in beeld zijn", "only clients in view"),
    "help.measure_hazards.multiplier": ("factor op deze uitstroomkans zolang de maatregel loopt", "multiplier while the measure runs"),
    "help.measure_fte.fte": ("extra fte van deze functie zolang de maatregel loopt", "extra fte of this role while on"),
    "help.finance.line": ("'participatiebudget' of een andere post van de exploitatie (bijv. wsw_shortfall)",
                          "'participatiebudget' or another line of the exploitatie (e.g. wsw_shortfall)"),
    "help.finance.amount": ("bedrag van dat jaar (andere posten: kosten, mag negatief)", "amount of that year"),
    "help.application_series.month": ("maand, JJJJ-MM als tekst", "month, YYYY-MM as text"),
    "help.application_series.applications": ("gemiddeld aantal aanvragen in die maand", "mean applications that month"),
    "help.uncertainty.parameter": ("pad van de parameter, bijv. tracks.werkspoor.served_work_multiplier", "dotted path"),
    "help.uncertainty.low": ("laagste waarde", "low"),
    "help.uncertainty.high": ("hoogste waarde", "high"),
    "help.sources.path": ("pad van de parameter waar de bron bij hoort", "path of the parameter the source belongs to"),
    "help.sources.source": ("waar de waarde vandaan komt", "where the value comes from"),
    "help.sources.kind": ("seed (cijfer van de gemeente), public, assumption of calibrated", "seed, public, assumption or calibrated"),
    "help.sources.unit": ("eenheid", "unit"),
    "help.sources.note": ("toelichting", "note"),
    "help.sources.value": ("de waarde volgens de bron (bij export); wijkt de waarde in het werkblad af, dan meldt het rapport 'gewijzigd door gebruiker'",
                           "the value the source gives (at export); if the value in its sheet differs, the report says 'changed by user'"),
    "help.owner": ("naam uit blad {sheet}", "a name from sheet {sheet}"),
    "help.key.year": ("jaar", "year"), "help.key.rung": ("trede van de participatieladder", "ladder rung"),
    "help.key.segment": ("doelgroep (blad segments)", "segment (sheet segments)"), "help.key.hazard": ("uitstroomreden", "exit cause"),
    "help.key.role": ("functie (blad roles)", "role (sheet roles)"),
    "help.scenario.key": ("naam van de instelling (niet wijzigen)", "setting (do not change)"),
    "help.scenario.value": ("waarde; wijzig alleen deze kolom", "value; change only this column"),
    "help.scenario.unit": ("eenheid van de waarde", "unit of the value"),
    "help.scenario.about": ("wat de instelling betekent", "what the setting means"),
    "instructions.lines": (
        "Scenario '{name}': invoer voor sporen in één werkmap.\n"
        "\n"
        "Hoe u deze werkmap gebruikt\n"
        "• Elk blad heeft bovenaan de veldnamen (rij 1, niet wijzigen), de eenheid (rij 2) en uitleg (rij 3); de gegevens staan vanaf rij 4.\n"
        "• Blad 'scenario' bevat losse instellingen: wijzig alleen de kolom 'value'.\n"
        "• De bladen municipalities, segments, tracks, roles, instruments en measures hebben één rij per gemeente, doelgroep, spoor, functie, instrument of maatregel; de andere bladen één rij per waarde (bijv. het BUIG-budget per gemeente en jaar).\n"
        "• Keuzes (voorrangsregel, sporen, functies, ja/nee) hebben een keuzelijst in de cel.\n"
        "• Getallen mogen Nederlands: 1,67  1.742.859  9%  € 7.098.000; formules mogen ook (de berekende waarde telt; bedragen worden op hele euro's afgerond).\n"
        "• Een getal dat op twee manieren te lezen is (1.066: duizend-zesenzestig of één komma nul zes zes) wordt geweigerd met de cel erbij: schrijf 1066 of 1,0660.\n"
        "\n"
        "Bronnen\n"
        "• Naast elke waarde staat haar bron (kolom 'source', uit blad 'sources'). Pas bronnen aan in blad 'sources'.\n"
        "• Blad 'sources' bewaart ook de waarde zoals de bron die geeft (kolom 'value'). Wijzigt u een waarde, dan meldt het rapport die parameter als 'gewijzigd door gebruiker', met de oorspronkelijke waarde. Heeft u een nieuwe bron, zet dan de nieuwe waarde ook in de kolom 'value' van blad 'sources'.\n"
        "\n"
        "Rekenen\n"
        "• Controleer: sporen validate {file}\n"
        "• Doorrekenen: sporen plan {file}\n"
        "• Terug naar YAML: sporen convert {file} scenario.yaml\n"
        "Fouten worden gemeld met blad en cel, bijvoorbeeld 'roles cel E5 (fte_now): ...'.",
        "Scenario '{name}': input for sporen in one workbook.\n"
        "\n"
        "How to use this workbook\n"
        "• Every sheet has the field names at the top (row 1, do not change), the unit (row 2) and an explanation (row 3); data starts in row 4.\n"
        "• Sheet 'scenario' holds single settings: change only the column 'value'.\n"
        "• Sheets municipalities, segments, tracks, roles, instruments and measures have one row per item; the other sheets one row per value (e.g. the BUIG budget per municipality and year).\n"
        "• Choices (priority rule, tracks, roles, yes/no) have a dropdown in the cell.\n"
        "• Numbers may be Dutch or English: 1,67  1.742.859  9%  € 7.098.000; formulas are fine (their value counts; money is rounded to whole euros).\n"
        "• A number with two readings (1.066: one thousand sixty-six or one point zero six six) is refused with its cell: write 1066 or 1.0660.\n"
        "\n"
        "Sources\n"
        "• Next to every value is its source (column 'source', from sheet 'sources'). Edit sources in sheet 'sources'.\n"
        "• Sheet 'sources' also keeps the value as its source gives it (column 'value'). If you change a value, the report marks the parameter 'changed by user' with the original value. With a new source, also put the new value in column 'value' of sheet 'sources'.\n"
        "\n"
        "Running\n"
        "• Check: sporen validate {file}\n"
        "• Plan: sporen plan {file}\n"
        "• Back to YAML: sporen convert {file} scenario.yaml\n"
        "Problems name the sheet and cell, e.g. 'roles cell E5 (fte_now): ...'."),
    "wb.cell_problem": ("{sheet} cel {cell} ({column})", "{sheet} cell {cell} ({column})"),
})

# -- the what-if page (`sporen serve`, web/) --------------------------------------------------------
MESSAGES.update({
    "web.title": ("sporen: wat als?", "sporen: what if?"),
    "web.subtitle": ("Verander de formatie, de instrumenten of de maatregelen en zie het BUIG-tekort na vangnet meebewegen. Elke wijziging wordt opnieuw gesimuleerd op dezelfde {n} toekomsten (seed {seed}).", "Change the formation, the instruments or the measures and watch the BUIG deficit after vangnet move. Every change is simulated again on the same {n} futures (seed {seed})."),
    "web.scenario": ("Scenario", "Scenario"),
    "web.bundled": ("Meegeleverd scenario", "Bundled scenario"),
    "web.upload_scenario": ("Of upload een scenario (YAML of werkmap .xlsx)", "Or upload a scenario (YAML or workbook .xlsx)"),
    "web.upload_plan": ("Plan laden (plan.yaml)", "Load a plan (plan.yaml)"),
    "web.browse": ("Kies…", "Browse…"),
    "web.no_file": ("Geen bestand", "No file"),
    "web.uploaded": ("geüpload: {name}", "uploaded: {name}"),
    "web.formation": ("Formatie (fte)", "Formation (fte)"),
    "web.instruments": ("Instrumenten (plaatsen per jaar)", "Instruments (places per year)"),
    "web.measures": ("Maatregelen", "Measures"),
    "web.policy": ("Beleid", "Policy"),
    "web.priority": ("Voorrang bij klantmanagers", "Priority for caseworker slots"),
    "web.prio_fifo": ("wie het eerst komt (fifo)", "first come, first served (fifo)"),
    "web.prio_kansrijk_first": ("kansrijk eerst", "kansrijk (good prospects) first"),
    "web.prio_longest_waiting": ("langst wachtend eerst", "longest waiting first"),
    "web.target": ("Doel", "Target"),
    "web.from_year": ("Geen tekort na vangnet vanaf", "No deficit after vangnet from"),
    "web.level": ("Resultaat na vangnet minstens (€)", "Result after vangnet at least (€)"),
    "web.probability": ("In minstens dit deel van de toekomsten (%)", "In at least this share of futures (%)"),
    "web.scope": ("Voor", "For"),
    "web.scope_total": ("alle gemeenten samen", "all municipalities together"),
    "web.scope_each": ("elke gemeente apart", "each municipality"),
    "web.cumulative": ("opgeteld over de jaren", "summed over the years"),
    "web.reset": ("Terug naar de huidige formatie", "Back to the current formation"),
    "web.now": ("nu {value}", "now {value}"),
    "web.limits": ("{low}–{high}", "{low}–{high}"),
    "web.updating": ("bezig met rekenen…", "updating…"),
    "web.updated": ("bijgewerkt in {seconds} s", "updated in {seconds} s"),
    "web.first_run": ("De eerste berekening van dit scenario loopt (basis en plan)…", "The first simulation of this scenario is running (baseline and plan)…"),
    "web.card_result": ("Resultaat na vangnet {span}", "Result after vangnet {span}"),
    "web.card_base": ("zonder plan {value}", "without the plan {value}"),
    "web.card_chance": ("Kans dat het doel gehaald wordt", "Probability of meeting the target"),
    "web.card_chance_detail": ("{met} van {n} toekomsten, 95%-BI {low}–{high}; vereist {required}", "{met} of {n} futures, 95% CI {low}–{high}; required {required}"),
    "web.card_cost": ("Extra kosten van het plan", "Extra cost of the plan"),
    "web.card_cost_detail": ("personeel, instrumenten en maatregelen, {span}", "staff, instruments and measures, {span}"),
    "web.card_diff": ("Verschil met de huidige formatie", "Difference with the current formation"),
    "web.card_diff_detail": ("na vangnet, {span}; 95%-BI {low} tot {high}", "after vangnet, {span}; 95% CI {low} to {high}"),
    "web.card_ref": ("Verschil met het plan van de optimalisatie", "Difference with the optimiser's plan"),
    "web.card_ref_none": ("nog geen optimalisatie gedraaid", "the optimiser has not run yet"),
    "web.section_result": ("BUIG-resultaat na vangnet per jaar", "BUIG result after vangnet per year"),
    "web.section_result_note": ("Alle gemeenten samen; onder nul is een tekort dat de gemeenten zelf betalen. De band bevat 90% van de gesimuleerde toekomsten (5e tot 95e percentiel). Verschillen zijn gepaard: dezelfde toekomsten met en zonder plan (95%-betrouwbaarheidsinterval).", "All municipalities together; below zero is a deficit the municipalities pay themselves. The band holds 90% of the simulated futures (5th to 95th percentile). Differences are paired: the same futures with and without the plan (95% confidence interval)."),
    "web.year": ("jaar", "year"),
    "web.total": ("totaal", "total"),
    "web.with_plan": ("met plan", "with the plan"),
    "web.without_plan": ("zonder plan", "without the plan"),
    "web.optimiser_plan": ("plan optimalisatie", "optimiser's plan"),
    "web.band": ("90%-band", "90% band"),
    "web.difference": ("verschil (95%-BI)", "difference (95% CI)"),
    "web.vs_optimiser": ("t.o.v. optimalisatie", "vs the optimiser"),
    "web.section_formation": ("Formatie en kosten", "Formation and cost"),
    "web.role": ("rol", "role"),
    "web.function": ("functie", "function"),
    "web.fte_now": ("fte nu", "fte now"),
    "web.fte_planned": ("fte plan", "fte planned"),
    "web.change": ("verschil", "change"),
    "web.yearly_cost_now": ("kosten per jaar nu", "yearly cost now"),
    "web.yearly_cost_planned": ("kosten per jaar plan", "yearly cost planned"),
    "web.extra_yearly_cost": ("extra per jaar", "extra per year"),
    "web.arrives": ("in dienst vanaf", "in post from"),
    "web.instrument": ("instrument", "instrument"),
    "web.places_now": ("plaatsen nu", "places now"),
    "web.places": ("plaatsen plan", "places planned"),
    "web.budget": ("budget plan", "planned budget"),
    "web.budget_horizon": ("budget plan, alle jaren", "planned budget, all years"),
    "web.extra_budget": ("extra", "extra"),
    "web.budget_note": ("Plaatsen per instrument en jaar in het plan; budget = plaatsen × prijs per deelnemer.", "Places per instrument and year in the plan; budget = places × cost per participant."),
    "web.measure": ("maatregel", "measure"),
    "web.on": ("aan", "on"),
    "web.off": ("uit", "off"),
    "web.cost_note": ("Extra kosten t.o.v. de huidige formatie, zoals de optimalisatie ze telt: personeel vanaf de maand van indiensttreding, instrumentplaatsen × prijs per deelnemer (het budget), maatregelen die aan of uit gaan.", "Extra cost against the current formation, as the optimiser counts it: staff from the month they arrive, instrument places × cost per participant (the budget), measures switched on or off."),
    "web.personnel": ("personeel", "staff"),
    "web.instruments_cost": ("instrumenten", "instruments"),
    "web.measures_cost": ("maatregelen", "measures"),
    "web.section_caseload": ("Klantenbestand per spoor", "Caseload per track"),
    "web.caseload_note": ("Gemiddeld aantal klanten (met en zonder uitkering) aan het eind van de maand, per jaar.", "Mean number of clients (with and without benefit) at the end of a month, per year."),
    "web.track": ("spoor", "track"),
    "web.clients": ("klanten", "clients"),
    "web.section_optimiser": ("Optimalisatie", "Optimiser"),
    "web.optimiser_note": ("Zoekt het goedkoopste plan dat het doel hierboven haalt (zoals sporen optimise) en laadt het in de knoppen. Het oordeel komt uit de eigen controle van de optimalisatie op verse toekomsten.", "Finds the cheapest plan that meets the target above (as sporen optimise does) and loads it into the controls. The verdict comes from the optimiser's own check on fresh futures."),
    "web.run_optimiser": ("Optimaliseer", "Run the optimiser"),
    "web.optimiser_running": ("De optimalisatie loopt: {done} van de tot nu toe geplande simulaties gedaan.", "The optimiser is running: {done} of the simulations planned so far done."),
    "web.optimiser_done": ("Het plan van de optimalisatie {verdict}: {probability} van {n} verse toekomsten (95%-BI {low}–{high}; vereist {required}). Extra kosten {cost}. Geladen in de knoppen.", "The optimiser's plan {verdict}: {probability} of {n} fresh futures (95% CI {low}–{high}; required {required}). Extra cost {cost}. Loaded into the controls."),
    "web.optimiser_plan_is": ("Plan: {plan}", "Plan: {plan}"),
    "web.optimiser_blocking": ("Wat het doel tegenhoudt en wat u kunt doen, staat in het rapport (zie Downloads).", "What keeps the target out of reach and what to do next is in the report (see Downloads)."),
    "web.optimiser_stale": ("(voor een ander scenario; niet geladen)", "(for another scenario; not loaded)"),
    "web.section_downloads": ("Downloads", "Downloads"),
    "web.downloads_note": ("Het huidige plan als plan.yaml (voor sporen simulate --plan), het rapport en de werkmap met resultaten. Rapport en werkmap rekenen het plan met alle details door (enkele seconden).", "The current plan as plan.yaml (for sporen simulate --plan), its report and the results workbook. The report and workbook simulate the plan with every detail (a few seconds)."),
    "web.download_plan": ("plan.yaml", "plan.yaml"),
    "web.download_variant": ("variant.yaml (voorrangsregel)", "variant.yaml (priority rule)"),
    "web.download_report": ("Rapport (HTML)", "Report (HTML)"),
    "web.download_workbook": ("Werkmap (Excel)", "Workbook (Excel)"),
    "web.problems": ("Dit klopt nog niet:", "Something is not right:"),
    "web.failed": ("De simulatie is mislukt ({kind}). De vorige uitkomst blijft staan; probeer een andere waarde of laad het scenario opnieuw.", "The simulation failed ({kind}). The previous result stays on screen; try another value or load the scenario again."),
    "web.optimiser_failed": ("De optimalisatie is mislukt ({kind}).", "The optimiser failed ({kind})."),
    "web.scenario_loaded": ("Scenario {name}: {municipalities}; {start}, {years}.", "Scenario {name}: {municipalities}; {start}, {years}."),
    "web.chart_result_y": ("resultaat na vangnet\n(onder 0 = tekort)", "result after vangnet\n(below 0 = deficit)"),
    "web.chart_caseload_y": ("klanten", "clients"),
    "web.part_failed": ("Dit onderdeel kon niet worden getoond (zie het logboek van de server).", "This part could not be shown (see the server log)."),
    "web.report_failed": ("Het rapport kon niet worden gemaakt; zie het logboek van de server.", "The report could not be made; see the server log."),
    "web.reading_upload": ("bestand wordt ingelezen…", "reading the file…"),
    "web.field_empty": ("is leeg", "is empty"),
    "web.field_not_a_number": ("'{value}' is geen getal", "'{value}' is not a number"),
    "web.field_not_whole": ("'{value}' is geen heel getal", "'{value}' is not a whole number"),
    "web.allowed_fte": ("een aantal fte, bijvoorbeeld 4,5", "a number of fte, e.g. 4.5"),
    "web.allowed_places": ("een heel aantal plaatsen, bijvoorbeeld 120", "a whole number of places, e.g. 120"),
    "web.allowed_level": ("een bedrag in euro's; 0 = geen tekort", "a sum in euros; 0 = no deficit"),
    "web.allowed_probability": ("een percentage boven 0 en hoogstens 100, bijvoorbeeld 90%",
                                "a percentage above 0 and at most 100, e.g. 90%"),
    "web.allowed_year": ("een jaar van de periode", "a year of the horizon"),
    "web.chart_band": ("90% van de toekomsten", "90% of futures"),
})

# -- files from the browser (jobs/whatif/upload.py) ------------------------------------------------
MESSAGES.update({
    "upload.line": ("regel {line}", "line {line}"),
    "upload.missing": ("het bestand is niet aangekomen", "the upload did not arrive"),
    "upload.missing_allowed": ("upload het bestand opnieuw", "upload the file again"),
    "upload.too_large": ("is {size} MB", "is {size} MB"),
    "upload.at_most_mb": ("hoogstens {limit} MB", "at most {limit} MB"),
    "upload.empty": ("het bestand is leeg", "file is empty"),
    "upload.empty_allowed": ("een scenario- of planbestand", "a scenario or plan file"),
    "upload.yaml_tag": ("een YAML-tag ({tag}) wordt niet aangenomen van de browser", "a YAML tag ({tag}) is not accepted from the browser"),
    "upload.yaml_tag_allowed": ("gewone waarden zonder tags", "plain values without tags"),
    "upload.yaml_anchor": ("een YAML-anker ({name}) wordt niet aangenomen van de browser", "a YAML anchor ({name}) is not accepted from the browser"),
    "upload.yaml_alias": ("een YAML-alias ({name}) wordt niet aangenomen van de browser", "a YAML alias ({name}) is not accepted from the browser"),
    "upload.yaml_anchor_allowed": ("schrijf de waarden uit", "write the values out"),
    "upload.yaml_syntax": ("geen geldige YAML: {problem}", "not valid YAML: {problem}"),
    "upload.yaml_syntax_allowed": ("YAML-opmaak", "YAML syntax"),
    "upload.not_text": ("geen tekstbestand", "not a text file"),
    "upload.yaml_allowed": ("een YAML-bestand (UTF-8) met sleutels en waarden", "a UTF-8 YAML file of keys and values"),
    "upload.no_data": ("het bestand bevat geen gegevens (alleen commentaar?)", "file holds no data (only comments?)"),
    "upload.not_mapping": ("het bovenste niveau is een {kind}", "top level is a {kind}"),
    "upload.variant": ("een variant noemt zijn basisbestand, en dat kan de pagina niet openen", "a variant names its base file, which the page cannot open"),
    "upload.variant_allowed": ("een heel scenario: sporen convert VARIANT.yaml scenario.yaml schrijft er een", "a whole scenario: sporen convert VARIANT.yaml scenario.yaml writes one"),
    "upload.series": ("CSV-bijlagen zijn bestanden die de pagina niet kan openen", "CSV side tables are files the page cannot open"),
    "upload.series_allowed": ("de reeks in het scenario zelf (application_series), of de scenariowerkmap", "the series inline (application_series), or the scenario workbook"),
    "upload.rules_file": ("een regelbestand is een pad dat de pagina niet opent", "a rules file is a path the page does not open"),
    "upload.rules_file_allowed": ("leeg: de meegeleverde vangnetregels", "empty: the bundled vangnet rules"),
    "upload.not_xlsx": ("geen leesbare XLSX-werkmap", "not a readable XLSX workbook"),
    "upload.xlsx_allowed": ("een werkmap van sporen convert of Excel", "a workbook written by sporen convert or Excel"),
    "upload.unpacks_to": ("wordt uitgepakt {size} MB in {parts} delen", "unpacks to {size} MB in {parts} parts"),
    "upload.unpacked_allowed": ("een scenariowerkmap (uitgepakt hoogstens {limit} MB)", "a scenario workbook (at most {limit} MB unpacked)"),
    "upload.not_scenario": ("'{suffix}' is geen scenariobestand", "'{suffix}' is not a scenario file"),
    "upload.scenario_allowed": ("een scenario (.yaml) of de scenariowerkmap (.xlsx)", "a scenario .yaml or the scenario workbook .xlsx"),
    "upload.not_plan": ("is geen planbestand", "is not a plan file"),
    "upload.plan_allowed": ("een plan.yaml (zoals sporen optimise en de pagina die schrijven)", "a plan.yaml (as sporen optimise and the page write it)"),
    "upload.busy": ("de server leest nu andere bestanden", "the server is reading other uploads"),
    "upload.busy_allowed": ("probeer het over een minuut opnieuw", "try again in a minute"),
    "upload.too_slow": ("inlezen duurde langer dan {seconds} s en is gestopt", "reading took longer than {seconds} s and was stopped"),
    "upload.too_big_in_memory": ("inlezen vroeg meer dan {memory} MB geheugen en is gestopt", "reading needed more than {memory} MB of memory and was stopped"),
    "upload.crashed": ("het inlezen is onverwacht gestopt", "reading stopped unexpectedly"),
    "upload.bounded_allowed": ("een scenario van normale omvang: alleen de rijen en kolommen met gegevens, lijsten van redelijke lengte", "a scenario of ordinary size: only the rows and columns that hold data, lists of reasonable length"),
    "upload.failed": ("het bestand kon niet worden gelezen ({kind})", "the file could not be read ({kind})"),
})

# -- values in the results workbook's tables (outputs/person_tables.py): codes in words ------------
MESSAGES.update({
    "sheet.empty": ("Leeg", "Empty"),
    "sheet.empty_note": ("Deze run heeft geen tabellen.", "This run has no tables."),
    "wb.field": ("gegeven", "field"),
    "wb.value": ("waarde", "value"),
    "col.places_now": ("plaatsen nu (aantal)", "places now (count)"),
    "col.extra_cost": ("extra kosten (€)", "extra cost (€)"),
    "col.paid_from": ("betaald uit", "paid from"),
    "col.later": ("later", "later"),
    "col.origin": ("herkomst", "origin"),
    "value.verdict.meets": ("haalt het doel", "meets the target"),
    "value.verdict.on_the_edge": ("haalt het doel op het randje", "is on the edge of the target"),
    "value.verdict.does_not_meet": ("haalt het doel niet", "does not meet the target"),
    "value.test.meets": ("haalt het doel", "meets the target"),
    "value.test.as good as best": ("even goed als het beste", "as good as the best"),
    "value.test.verdict": ("oordeel op verse toekomsten", "verdict on fresh futures"),
    "value.test.verdict so far": ("oordeel tot nu toe", "verdict so far"),
    "value.test.net gain": ("netto winst", "net gain"),
    "value.test.screen": ("voorselectie", "screen"),
    "value.outcome.accepted": ("aangenomen", "accepted"),
    "value.outcome.rejected": ("afgewezen", "rejected"),
    "value.outcome.not shown": ("niet aangetoond", "not shown"),
    "value.outcome.screened out": ("afgevallen bij de voorselectie", "screened out"),
    "value.outcome.meets": ("haalt het doel", "meets the target"),
    "value.outcome.on_the_edge": ("op het randje", "on the edge"),
    "value.outcome.does_not_meet": ("haalt het doel niet", "does not meet the target"),
    "value.stage.search": ("zoeken", "search"),
    "value.stop_reason.verified": ("geverifieerd", "verified"),
    "value.stop_reason.no plan verified as meeting the target": ("geen plan haalt aantoonbaar het doel", "no plan verified as meeting the target"),
    "value.stop_reason.simulation budget spent": ("de rekenruimte (simulaties) is op", "simulation budget spent"),
    "value.stop_reason.verified: the plan pays for itself": ("geverifieerd: het plan verdient zichzelf terug", "verified: the plan pays for itself"),
    "value.stop_reason.the plan's net gain is within noise": ("de netto winst van het plan valt binnen de ruis", "the plan's net gain is within noise"),
    "value.stop_reason.no lever step pays for itself: the baseline has the best net result": ("geen stap verdient zichzelf terug: zonder plan is het netto resultaat het best", "no lever step pays for itself: the baseline has the best net result"),
    "value.kind.target year": ("doeljaar", "target year"),
    "value.kind.constraint": ("beperking", "constraint"),
    "value.kind.role": ("functie", "role"),
    "value.kind.instrument": ("instrument", "instrument"),
    "value.kind.measure": ("maatregel", "measure"),
    "value.kind.seed": ("cijfer van de gemeente", "seed figure"),
    "value.kind.public": ("openbare bron", "public source"),
    "value.kind.assumption": ("aanname", "assumption"),
    "value.kind.calibrated": ("gekalibreerd", "calibrated"),
    "value.kind.money": ("geld", "money"),
    "value.kind.kpi": ("kengetal", "indicator"),
    "value.chosen.on": ("aan", "on"),
    "value.chosen.off": ("uit", "off"),
    "value.baseline.on": ("aan", "on"),
    "value.baseline.off": ("uit", "off"),
    "value.on.on": ("aan", "on"),
    "value.on.off": ("uit", "off"),
    "value.origin.scenario file": ("scenariobestand", "scenario file"),
    "value.origin.program default": ("standaardwaarde van het programma", "program default"),
    "value.plan.baseline": ("zonder plan", "without the plan"),
    "value.plan.plan": ("met plan", "with the plan"),
    "value.priority.fifo": ("wie het eerst komt (fifo)", "first come, first served (fifo)"),
    "value.priority.kansrijk_first": ("kansrijk eerst", "kansrijk (good prospects) first"),
    "value.priority.longest_waiting": ("langst wachtend eerst", "longest waiting first"),
    "value.none": ("(geen)", "(none)"),
    "value.stream": ("toekomsten {first}-{last} van seed {seed}", "futures {first}-{last} of seed {seed}"),
    "kpi.benefit_cost": ("uitkeringslasten", "benefit cost"),
    "kpi.buig_budget": ("BUIG-budget", "BUIG budget"),
    "kpi.buig_result": ("BUIG-resultaat", "BUIG result"),
    "kpi.exploitatie_result": ("resultaat exploitatie", "exploitatie result"),
    "kpi.instrument_cost": ("kosten instrumenten", "instrument cost"),
    "kpi.measure_cost": ("kosten maatregelen", "measure cost"),
    "kpi.other_lines": ("overige posten", "other lines"),
    "kpi.participatiebudget": ("participatiebudget", "participatiebudget"),
    "kpi.personnel_cost": ("personeelskosten", "personnel cost"),
    "kpi.result_after_vangnet": ("resultaat na vangnet", "result after vangnet"),
    "kpi.spending": ("uitgaven BUIG", "BUIG spending"),
    "kpi.subsidy_cost": ("loonkostensubsidies", "wage-cost subsidies"),
    "kpi.vangnet": ("vangnet", "vangnet"),
    "unitname.EUR": ("€", "€"),
    "unitname.share": ("aandeel", "share"),
    "unitname.months": ("maanden", "months"),
    "unitname.clients": ("klanten", "clients"),
    "unitname.per month": ("per maand", "per month"),
    "unitname.fte": ("fte", "fte"),
    "unitname.EUR/fte/year": ("€ per fte per jaar", "€ per fte per year"),
    "unitname.EUR/year": ("€ per jaar", "€ per year"),
    "unitname.clients/fte": ("klanten per fte", "clients per fte"),
    "unitname.EUR/client-month": ("€ per klantmaand", "€ per client-month"),
    "unitname.starts/year": ("starts per jaar", "starts per year"),
    "unitname.share by participatieladder rung": ("aandeel per trede van de participatieladder", "share by participatieladder rung"),
    "unitname.EUR/participant": ("€ per deelnemer", "€ per participant"),
    "unitname.share per duration band": ("aandeel per duurklasse", "share per duration band"),
    "unitname.applications/month": ("aanvragen per maand", "applications per month"),
    "unitname.share of applications": ("aandeel van de aanvragen", "share of applications"),
    "unitname.intakes/fte/month": ("intakes per fte per maand", "intakes per fte per month"),
    "unitname.EUR/month": ("€ per maand", "€ per month"),
    "unitname.per client-month per fte": ("per klantmaand per fte", "per client-month per fte"),
    "unitname.per client-month": ("per klantmaand", "per client-month"),
    "unitname.places": ("plaatsen", "places"),
    "unitname.places a year": ("plaatsen per jaar", "places a year"),
    "unitname.on/off": ("aan/uit", "on/off"),
    "unitname.places/year": ("plaatsen per jaar", "places a year"),
    "value.regime.meets": ("haalt het doel", "meets the target"),
    "value.regime.best reachable": ("beste haalbare plan", "best reachable plan"),
    "value.regime.net": ("beste netto resultaat", "best net result"),
})

# -- one municipality: the singular wording of sentences about "the municipalities" (i18n.text_n) ---
MESSAGES.update({
    "summary.without.one": ("<b>Zonder extra maatregelen</b> sluit {municipalities} {span} af met {result} op de BUIG na vangnet", "<b>Without extra measures</b> {municipalities} ends {span} with {result} on the BUIG after the vangnet"),
    "summary.net_better.one": ("; per saldo staat de gemeente er {amount} beter voor dan zonder plan", "; net of that, the municipality is {amount} better off than without it"),
    "summary.net_worse.one": ("; per saldo staat de gemeente er {amount} slechter voor dan zonder plan", "; net of that, the municipality is {amount} worse off than without it"),
    "summary.table_intro.one": ("Resultaat op de BUIG na vangnet (onder nul is een tekort); de bandbreedte bevat 90% van de gesimuleerde toekomsten:", "BUIG result after vangnet (below zero is a deficit); the range holds 90% of the simulated futures:"),
    "fig.caseload.caption.one": ("Klanten in het bestand (met en zonder uitkering) aan het eind van elke maand. De lijn is het gemiddelde over de gesimuleerde toekomsten, de band bevat 90% ervan (5e tot 95e percentiel).", "Clients on the caseload (with and without benefit) at the end of each month. The line is the mean over the simulated futures, the band holds 90% of them (5th to 95th percentile)."),
    "md.entities.one": ("Entiteiten: klanten (huishoudens) in {segments} doelgroepen ({segment_names}) in de gemeente {names}; {stock} in het bestand op {start}.", "Entities: clients (households) in {segments} segments ({segment_names}) in the municipality of {names}; {stock} on the caseload at {start}."),
    "target.total.one": ("voor de gemeente", "for the municipality"),
    "fig.result.caption.one": ("BUIG-budget plus vangnet min uitgaven, per jaar. Onder nul is een tekort dat de gemeente uit eigen middelen betaalt. De strepen bevatten 90% van de gesimuleerde toekomsten.", "BUIG budget plus vangnet minus spending, per year. Below zero is a deficit the municipality pays from its own funds. Whiskers hold 90% of the simulated futures."),
    "wb.yearly.one": ("Resultaat na vangnet per jaar", "Result after vangnet per year"),
    "web.section_result_note.one": ("Onder nul is een tekort dat de gemeente zelf betaalt. De band bevat 90% van de gesimuleerde toekomsten (5e tot 95e percentiel). Verschillen zijn gepaard: dezelfde toekomsten met en zonder plan (95%-betrouwbaarheidsinterval).", "Below zero is a deficit the municipality pays itself. The band holds 90% of the simulated futures (5th to 95th percentile). Differences are paired: the same futures with and without the plan (95% confidence interval)."),
})

# -- page 1: the target and the probability on every path, and what the numbers of futures mean ---
MESSAGES.update({
    "summary.chance_report": ("<b>Kans van slagen</b>: geen plan is op verse toekomsten als geslaagd bevestigd; op de {futures} toekomsten van dit rapport haalt het getoonde plan het doel in {probability} ({met} van {futures})", "<b>Chance of success</b>: no plan was confirmed on fresh futures; on this report's {futures} futures the plan shown meets the target in {probability} ({met} of {futures})"),
    "summary.chance_unknown": ("<b>Kans van slagen</b>: onbekend; de optimalisatie heeft geen plan op verse toekomsten kunnen toetsen", "<b>Chance of success</b>: unknown; the optimiser could not test a plan on fresh futures"),
    "summary.target_line": ("<b>Doel</b>: {target}.", "<b>Target</b>: {target}."),
    "samples.small": ("Dit is een snelle verkenning op weinig gesimuleerde toekomsten ({n}; voor een besluit minstens {default}): kansen en bedragen kunnen bij een nieuwe run enkele procentpunten en tienduizenden euro's verschuiven.", "This is a quick look on few simulated futures ({n}; for a decision at least {default}): probabilities and amounts may shift by a few points and tens of thousands of euros in another run."),
    "samples.both": (" De kans is gemeten op de {check} verse toekomsten waarop de optimalisatie het plan toetste; de bedragen per jaar op {report} toekomsten uit dezelfde reeks verse toekomsten.", " The probability is measured on the {check} fresh futures the optimiser tested the plan on; the yearly amounts on {report} futures of the same fresh series."),
})

# -- the vangnet rules' sources in the report's language (outputs/report.rule_source) -------------
MESSAGES.update({
    "rules.source.refs": ("bronnen {refs} (genummerd en geciteerd in inputs/rules/vangnet.yaml)", "sources {refs} (numbered and quoted in inputs/rules/vangnet.yaml)"),
    "rules.source.seeds": ("{seeds} van de gemeenten", "the municipalities' {seeds}"),
    "rules.source.assumed": ("aangenomen: {parts}", "assumed: {parts}"),
    "rules.source.file": ("zie inputs/rules/vangnet.yaml", "see inputs/rules/vangnet.yaml"),
    "rules.part.threshold": ("de drempel", "the threshold"),
    "rules.part.tiers": ("de vergoedingsstaffel", "the tiers"),
    "rules.part.tiers.rate": ("het vergoedingspercentage", "the tiers' rates"),
    "rules.part.tiers.lower": ("de ondergrens van de staffel", "the tiers' lower bounds"),
    "rules.part.tiers.upper": ("de bovengrens van de staffel", "the tiers' upper bounds"),
    "rules.part.cumulative_years": ("de jaren van de meerjarentoets", "the multi-year test's years"),
    "rules.part.cumulative_threshold": ("de drempel van de meerjarentoets", "the multi-year test's threshold"),
})

# -- nouns counted (i18n.quantity): one or more ----------------------------------------------------
MESSAGES.update({
    "noun.month.one": ("{value} maand", "{value} month"),
    "noun.month": ("{value} maanden", "{value} months"),
    "noun.year.one": ("{value} jaar", "{value} year"),
    "noun.year": ("{value} jaar", "{value} years"),
})

# -- progress while a command works (sim/runner.py, optimise/: i18n.stage_text) --------------------
MESSAGES.update({
    "progress.simulate": ("simuleren", "simulate"),
    "progress.futures": ("gesimuleerde toekomsten", "simulated futures"),
    "stage.design": ("ontwerp", "design"),
    "stage.one lever at a time": ("één hefboom tegelijk", "one lever at a time"),
    "stage.search": ("zoeken", "search"),
    "stage.net": ("netto", "net"),
    "stage.the best reachable plan": ("het beste haalbare plan", "the best reachable plan"),
    "stage.each lever step earns its place": ("elke stap van een hefboom moet zijn plaats verdienen", "each lever step earns its place"),
    "stage.verification on fresh futures": ("controle op verse toekomsten", "verification on fresh futures"),
    "stage.candidates in cost order": ("kandidaten van goedkoop naar duur", "candidates in cost order"),
    "stage.the best predicted plan": ("het beste voorspelde plan", "the best predicted plan"),
    "stage.each lever step pays for itself": ("elke stap verdient zichzelf terug", "each lever step pays for itself"),
    "stage.explain_without": ("uitleg: zonder {value}", "explain: without {value}"),
    "stage.a_target_year": ("een doeljaar", "a target year"),
    "stage.tradeoff": ("afweging bij kans {value}", "trade-off p={value}"),
    "stage.optimise": ("optimaliseren", "optimise"),
    "stage.the cheapest plan that meets the target, verified on fresh futures": ("het goedkoopste plan dat het doel haalt, gecontroleerd op verse toekomsten", "the cheapest plan that meets the target, verified on fresh futures"),
    "stage.report futures": ("toekomsten voor het rapport", "report futures"),
    "stage.baseline and plan on the plan's fresh futures": ("zonder en met plan op de verse toekomsten van het plan", "baseline and plan on the plan's fresh futures"),
    "stage.variant": ("variant", "variant"),
    "stage.the base scenario on the same futures": ("het basisscenario op dezelfde toekomsten", "the base scenario on the same futures"),
    "stage.write": ("schrijven", "write"),
    "stage.tables, workbook, report": ("tabellen, werkmap, rapport", "tables, workbook, report"),
    "stage.starting": ("starten", "starting"),
    "stage.done": ("klaar", "done"),
})
