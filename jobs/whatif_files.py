"""The page's downloads: the current plan as plan.yaml, its report and its results workbook.

* `plan_yaml` is a Plan file that `sporen simulate SCENARIO --plan plan.yaml` and
  `sporen validate plan.yaml --scenario SCENARIO` accept, with a comment header that says how it
  was judged on the page (futures, seed, target, probability) and the command that repeats it.
* `variant_yaml` is needed only when the page's priority rule differs from the scenario's (a
  priority rule is policy, not part of a plan): a variant file that sets it.
* `report_html` and `workbook_bytes` build the council report and workbook of the current plan
  with the same writers as `sporen plan` (outputs/), from the plan and the baseline simulated with
  every frame on the page's futures. Their language follows the writers' `lang` where they have it.

Nothing here writes outside a private temporary folder (the workbook writer needs a file).
"""

from __future__ import annotations

import inspect
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sporen.inputs.plan import Plan
from sporen.jobs.whatif import Futures, WhatIfTarget, chance, formation_table, normalise_plan, with_priority


def _target_words(target: WhatIfTarget) -> str:
    level = ("no deficit after vangnet" if target.level == 0 else f"a result after vangnet of at least EUR "
             f"{target.level:,}")
    when = (f"summed over {target.from_year} and later" if target.cumulative else f"in every year from "
            f"{target.from_year}")
    scope = "all municipalities together" if target.scope == "total" else "in each municipality"
    return f"{level} {when}, {scope}, in at least {target.probability:.0%} of simulated futures"


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
        f"# Target: {_target_words(target)}.",
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


def _with_lang(function: Any, lang: str, **kwargs: Any) -> dict[str, Any]:
    """kwargs plus lang= when the writer takes a language (the Dutch council output)."""
    try:
        if "lang" in inspect.signature(function).parameters:
            return {**kwargs, "lang": lang}
    except (TypeError, ValueError):
        pass
    return kwargs


def _frames(futures: Futures, plan: Plan, priority: str | None) -> tuple[Any, Any]:
    base = futures.full_run(Plan(name="baseline"))
    planned = futures.full_run(plan, priority)
    return base, planned


def plan_tables(futures: Futures, plan: Plan, target: WhatIfTarget, *, priority: str | None = None,
                base: Any = None, planned: Any = None) -> dict[str, pd.DataFrame]:
    """The results workbook's sheets for the current plan (the names `sporen plan` uses where they match)."""
    from sporen.jobs.whatif import budget_table, caseload_tables, cost_table, reduce_run
    from sporen.outputs.report import deficit_table
    from sporen.sim.api import kpis_summary, yearly_summary

    scenario = futures.scenario
    if base is None or planned is None:
        base, planned = _frames(futures, plan, priority)
    odds, base_odds = chance(planned.yearly, target), chance(base.yearly, target)
    reduced_base, reduced_plan = reduce_run(base), reduce_run(planned)
    _, caseload_years = caseload_tables(reduced_base, reduced_plan)
    chosen = with_priority(scenario, priority).policy.priority
    target_row = pd.DataFrame([
        {"plan": label, "target": _target_words(target), "futures": c.n, "futures_meeting_target": c.met,
         "probability": c.probability, "probability_ci_low": c.ci_low, "probability_ci_high": c.ci_high,
         "required_probability": c.required, "verdict": c.verdict.replace("_", " "), "priority": pr,
         "seed": futures.seed}
        for label, c, pr in (("baseline", base_odds, scenario.policy.priority), ("plan", odds, chosen))])
    return {
        "target": target_row,
        "deficits": deficit_table(base.yearly, planned.yearly),
        "formation": formation_table(plan, scenario),
        "budget": budget_table(plan, scenario),
        "plan_cost": cost_table(plan, scenario),
        "caseload": caseload_years,
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
    tables = plan_tables(futures, plan, target, priority=priority)
    with tempfile.TemporaryDirectory(prefix="sporen-web-") as folder:
        path = Path(folder) / "results.xlsx"
        write_workbook(path, tables, **_with_lang(write_workbook, lang,
                                                  title=f"sporen what-if {futures.scenario.name}"))
        return path.read_bytes()


def report_html(futures: Futures, plan: Plan, target: WhatIfTarget, *, priority: str | None = None,
                lang: str = "nl") -> str:
    """The council report (as `sporen plan` writes it) of the current plan on the page's futures."""
    from sporen.outputs.report import PlanOutcome, RunFrames, plan_report

    scenario = futures.scenario
    plan = normalise_plan(plan, scenario)
    base, planned = _frames(futures, plan, priority)
    odds = chance(planned.yearly, target)
    formation = formation_table(plan, scenario).drop(columns=["function"])
    cost = plan_tables(futures, plan, target, priority=priority, base=base, planned=planned)["plan_cost"]
    outcome = PlanOutcome(
        plan=plan, formation=formation, cost_per_year=cost[["year", "total"]].rename(columns={"total": "cost"}),
        total_cost=float(cost["total"].sum()), probability=odds.probability,
        required_probability=float(target.probability), target_met=None,   # a tried plan, not the optimiser's answer
        target_text=_target_words(target), verification_replications=odds.n)
    chosen = with_priority(scenario, priority).policy.priority
    run = {"replications": futures.futures, "seed": futures.seed,
           "command": f"sporen serve (what-if page), priority {chosen}"}
    kwargs = _with_lang(plan_report, lang, run=run, title=f"What-if plan for {scenario.name}")
    return plan_report(scenario, RunFrames(base.monthly, base.yearly, base.kpis),
                       RunFrames(planned.monthly, planned.yearly, planned.kpis), outcome, **kwargs)
