"""The page's downloads: the current plan as plan.yaml, its report and its results workbook.

* `plan_yaml` is a Plan file that `sporen simulate SCENARIO --plan plan.yaml` and
  `sporen validate plan.yaml --scenario SCENARIO` accept, with a comment header that says how it
  was judged on the page (futures, seed, target, probability) and the command that repeats it.
* `variant_yaml` is needed only when the page's priority rule differs from the scenario's (a
  priority rule is policy, not part of a plan): a variant file that sets it.
* `report_html` and `workbook_bytes` build the council report and workbook of the current plan
  with the same writers as `sporen plan` (outputs/), from the plan and the baseline simulated with
  every frame on the page's futures, in the page's language (Dutch or English).

Nothing here writes outside a private temporary folder (the workbook writer needs a file).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sporen.common.i18n import text
from sporen.inputs.plan import Plan
from sporen.jobs.whatif.evaluate import Futures, WhatIfTarget, chance, formation_table, normalise_plan, with_priority


def target_words(futures: Futures, target: WhatIfTarget, lang: str = "en") -> str:
    """The target in the report's words (`jobs.plan.target_text`); English in files, `lang` for people."""
    from sporen.jobs.plan import target_text

    municipalities = [m.name for m in futures.scenario.municipalities]
    return target_text(target, municipalities, lang)


def plan_yaml(futures: Futures, plan: Plan, target: WhatIfTarget, *, priority: str | None = None,
              scenario_file: str = "SCENARIO") -> str:
    """plan.yaml text: a comment header, then the plan (only what differs from the baseline)."""
    scenario = futures.scenario
    plan = normalise_plan(plan, scenario)
    outcome = futures.outcome(plan, priority)
    odds = chance(outcome.yearly, target)
    chosen = with_priority(scenario, priority).policy.priority
    beside = Path(scenario_file).parent / "variant.yaml"
    variant = "" if chosen == scenario.policy.priority else f" --variant {beside}"
    lines = [
        f"# Plan tried on the sporen what-if page for scenario '{scenario.name}' ({scenario.start}, "
        f"{scenario.years} years).",
        f"# Target: {target_words(futures, target)}.",
        f"# On {futures.futures} simulated futures (seed {futures.seed}): the target is met in {odds.met} "
        f"({odds.probability:.0%}, 95% CI {odds.ci_low:.0%}-{odds.ci_high:.0%}).",
    ]
    if variant:
        lines.append(f"# Priority rule for caseworker slots: {chosen} (the scenario says "
                     f"{scenario.policy.priority}): variant.yaml, put next to the scenario, sets it.")
    lines += ["# Omitted roles, instruments and measures stay as in the baseline.",
              f"# Repeat it with: sporen simulate {scenario_file}{variant} --plan plan.yaml "
              f"--replications {futures.futures} --seed {futures.seed}", ""]
    body = plan.model_dump(mode="json")
    body["instruments"] = {name: {int(y): p for y, p in per.items()} for name, per in body["instruments"].items()}
    return "\n".join(lines) + yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


def variant_yaml(futures: Futures, priority: str | None, *, scenario_file: str = "SCENARIO") -> str | None:
    """A variant that sets the page's priority rule on the scenario, or None when it is the scenario's own."""
    scenario = futures.scenario
    chosen = with_priority(scenario, priority).policy.priority
    if chosen == scenario.policy.priority:
        return None
    body = {"variant": f"{scenario.name}-{chosen}", "base": Path(scenario_file).name,
            "description": f"{scenario.name} with the priority rule {chosen} (from the sporen what-if page)",
            "set": {"policy.priority": chosen}}
    return (f"# Put this file next to {Path(scenario_file).name} (base: is relative to this file).\n"
            + yaml.safe_dump(body, sort_keys=False, allow_unicode=True))


TARGET_SHEET = {"nl": "doel", "en": "target"}
"""The sheet with the target and the probability of meeting it, baseline and plan."""
TITLE = {"nl": "Wat-als-plan voor {name}", "en": "What-if plan for {name}"}
"""The report's title for a plan tried on the page (the optimiser's report says 'Plan for ...')."""


def _frames(futures: Futures, plan: Plan, priority: str | None) -> tuple[Any, Any]:
    base = futures.full_run(Plan(name="baseline"))
    planned = futures.full_run(plan, priority)
    return base, planned


def plan_tables(futures: Futures, plan: Plan, target: WhatIfTarget, *, priority: str | None = None,
                base: Any = None, planned: Any = None, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The results workbook's sheets for the current plan (the names `sporen plan` uses where they match)."""
    from sporen.jobs.whatif.evaluate import budget_table, cost_table
    from sporen.outputs.report import caseload_table, deficit_table
    from sporen.sim.api import kpis_summary, yearly_summary

    scenario = futures.scenario
    if base is None or planned is None:
        base, planned = _frames(futures, plan, priority)
    odds, base_odds = chance(planned.yearly, target), chance(base.yearly, target)
    caseload = caseload_table(base.monthly).rename(columns=lambda c: c.replace("caseload", "without_plan")).merge(
        caseload_table(planned.monthly).rename(columns=lambda c: c.replace("caseload", "with_plan")),
        on=["month", "track"], how="left")   # as `sporen plan` writes it
    chosen = with_priority(scenario, priority).policy.priority
    target_row = pd.DataFrame([
        {"plan": label, "target": target_words(futures, target, lang), "futures": c.n, "futures_meeting_target": c.met,
         "probability": c.probability, "probability_ci_low": c.ci_low, "probability_ci_high": c.ci_high,
         "required_probability": c.required, "verdict": text("verdict.short." + c.verdict, lang), "priority": pr,
         "seed": futures.seed}
        for label, c, pr in (("baseline", base_odds, scenario.policy.priority), ("plan", odds, chosen))])
    return {
        TARGET_SHEET.get(lang, "target"): target_row,
        "deficits": deficit_table(base.yearly, planned.yearly),
        "formation": formation_table(plan, scenario),
        "budget": budget_table(plan, scenario),
        "plan_cost": cost_table(plan, scenario),
        "caseload": caseload,
        "yearly_summary": yearly_summary(base.yearly),
        "plan_yearly_summary": yearly_summary(planned.yearly),
        "kpis_summary": kpis_summary(base.kpis),
        "plan_kpis_summary": kpis_summary(planned.kpis),
    }


def workbook_bytes(futures: Futures, plan: Plan, target: WhatIfTarget, *, priority: str | None = None,
                   lang: str = "nl") -> bytes:
    """results.xlsx of the current plan, as bytes."""
    from sporen.outputs.workbook import write_workbook

    plan = normalise_plan(plan, futures.scenario)
    tables = plan_tables(futures, plan, target, priority=priority, lang=lang)
    with tempfile.TemporaryDirectory(prefix="sporen-web-") as folder:
        path = Path(folder) / "results.xlsx"
        write_workbook(path, tables, lang=lang, title=TITLE.get(lang, TITLE["en"]).format(name=futures.scenario.name),
                       scenario=futures.scenario)
        return path.read_bytes()


def report_html(futures: Futures, plan: Plan, target: WhatIfTarget, *, priority: str | None = None,
                lang: str = "nl") -> str:
    """The council report (as `sporen plan` writes it) of the current plan on the page's futures."""
    from sporen.outputs.report import PlanOutcome, RunFrames, describe_plan, plan_report

    scenario = futures.scenario
    plan = normalise_plan(plan, scenario)
    base, planned = _frames(futures, plan, priority)
    odds = chance(planned.yearly, target)
    formation = formation_table(plan, scenario).drop(columns=["function"])
    cost = plan_tables(futures, plan, target, priority=priority, base=base, planned=planned)["plan_cost"]
    outcome = PlanOutcome(
        plan=plan, formation=formation, cost_per_year=cost[["year", "total"]].rename(columns={"total": "cost"}),
        total_cost=float(cost["total"].sum()), probability=odds.probability, probability_ci=(odds.ci_low, odds.ci_high),
        required_probability=float(target.probability),
        target_met=None, verdict=None,   # a tried plan, not the optimiser's answer: no verdict sentence
        target_text=target_words(futures, target, lang), verification_replications=odds.n)
    outcome.plan_lines = describe_plan(plan, scenario, lang)
    chosen = with_priority(scenario, priority).policy.priority
    run = {"replications": futures.futures, "seed": futures.seed,
           "command": f"sporen serve (what-if page), priority {chosen}"}
    return plan_report(scenario, RunFrames(base.monthly, base.yearly, base.kpis),
                       RunFrames(planned.monthly, planned.yearly, planned.kpis), outcome, run=run,
                       title=TITLE.get(lang, TITLE["en"]).format(name=scenario.name), rules=futures.rules, lang=lang)
