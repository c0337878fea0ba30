"""`sporen plan`: the main job, from a scenario to a run directory a council can be shown.

Steps (each with a progress bar on stderr unless quiet):

1. **Optimise.** `optimise.loop.optimise` finds the cheapest plan that meets the target, each
   decision taken at the stated confidence on growing samples of selection futures (children
   0, 1, ... of ``SeedSequence(seed)``), and judges the plan on fresh verification futures no
   decision has seen: the verdict *meets*, *on the edge* or *does not meet*.
2. **Report futures.** The plan and the baseline (current formation and instruments) on the first
   V of the plan's own verification futures, with every frame: per municipality and year the
   BUIG result, the vangnet and the result after vangnet with their 5-95% range and the chance of
   a deficit, without and with the plan, paired on the same futures.
3. **Variant** (with ``--variant``): the base scenario's baseline on the same futures, compared
   pairwise with the variant's (`jobs.compare`).
4. **Write** the run directory whole or not at all (`outputs.rundir.RunDirectory`): manifest.json,
   every table (CSV, or Parquet with ``--format parquet``), results.xlsx, report.html, plan.yaml.

Exit status (cli.py): 0 when the plan meets the target or is on the edge of it, 1 when the target
is out of reach (the verified plan, as good as the best reachable one, is below it; the report is
still written), 2 for bad input, 3 when --budget-sims ran out before the search was done (the best
plan verified so far is reported).
"""

from __future__ import annotations

import functools
import os
import platform
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sporen.common import i18n
from sporen.common.errors import InputError, Problem
from sporen.inputs.schema import Scenario
from sporen.jobs.options import (  # noqa: F401  (BUNDLED_SCENARIO, PLAN_*, REPORT_FUTURES: named here for callers)
    BUNDLED_SCENARIO,
    PLAN_MAX_FUTURES,
    PLAN_TRADEOFF,
    REPORT_FUTURES,
    PlanJobOptions,
    check_out_folder,
)
from sporen.jobs.runs import rules_file_of, run_folder
from sporen.sim.api import session

RAW_FRAMES = ("monthly", "yearly", "kpis", "spells")
EXACT_BOUNDS = "two-sided Clopper-Pearson at the stop"
"""`optimise.sequential.BOUNDS_LABEL`: the verification's bounds (the report names them so)."""


@dataclass
class PlanJobResult:
    """What the job did: where it wrote, the verdict, the optimiser's answer."""

    out_dir: Path
    met: bool
    optimised: Any
    baseline: Any
    plan_run: Any
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    seconds: float = 0.0
    lang: str = "nl"
    outcome: Any = None           # outputs.report.PlanOutcome: verdict, plan in words, next steps
    scenario: Scenario | None = None

    @property
    def verdict(self) -> str:
        return str(self.optimised.verdict)

    @property
    def out_of_reach(self) -> bool:
        return bool(self.optimised.out_of_reach) and self.optimised.options.objective != "net"

    @property
    def budget_spent(self) -> bool:
        """--budget-sims ran out before the search was done (its own exit code; the best plan verified so far)."""
        return bool(getattr(self.optimised, "budget_spent", False))


# -- words -------------------------------------------------------------------------------------------
def target_text(target: Any, municipalities: Sequence[str], lang: str = "en") -> str:
    """The target in words, e.g. 'no deficit after vangnet in every year from 2019, all municipalities
    together, in at least 90% of simulated futures' (English for the files, `lang` for a person)."""
    from sporen.common.i18n import text, text_n

    level = text("target.no_deficit", lang) if target.level == 0 else (
        text("target.at_least", lang, amount=i18n.money(target.level, lang)) if target.level > 0
        else text("target.at_most", lang, amount=i18n.money(-target.level, lang)))
    when = (text("target.summed", lang, year=target.from_year) if target.cumulative
            else text("target.every_year", lang, year=target.from_year))
    scope = (text_n("target.total", len(municipalities), lang) if target.scope == "total" or len(municipalities) == 1
             else text("target.each", lang))
    chance = (text("target.mean", lang) if target.probability == "mean"
              else text("target.share", lang, share=i18n.percent(float(target.probability), lang)))
    return f"{level} {when}, {scope}, {chance}"


def verdict_of(optimised: Any) -> str:
    """meets | does_not_meet | on_the_edge: the optimiser's verdict when it gives one, else from `met`."""
    verdict = getattr(optimised, "verdict", None)
    verdict = getattr(verdict, "value", verdict)
    if verdict in ("meets", "does_not_meet", "on_the_edge"):
        return str(verdict)
    return "meets" if optimised.met else "does_not_meet"


MAX_WIDEN_STEPS = 3
"""At most this many 'widen this field' steps (the report's Plan details list every lever at its limit)."""


def _shown_path(path: Path) -> str:
    """A scenario path as a user would type it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def next_steps(optimised: Any, scenario: Scenario, options: PlanJobOptions, verify: int) -> list[Any]:
    """Concrete things to try when the target is not met: the scenario fields that hold the levers
    at their limit, then the options that loosen the target (with the verified cost where the
    trade-off curve has it), a narrower zone when the answer is on the edge, more budget when the
    optimiser ran out."""
    from sporen.common import i18n
    from sporen.outputs.report import NextStep

    lang = options.lang or scenario.language
    verdict = verdict_of(optimised)
    if verdict == "meets":
        return []
    file = _shown_path(options.scenario)
    steps: list[NextStep] = []
    space, point = optimised.space, optimised.point
    for lever, levels in zip(space.levers, point, strict=True):
        k = max(levels)
        if k != lever.top or k == lever.baseline and lever.kind != "role":
            continue
        if lever.kind == "role":
            role = scenario.role(lever.name)
            top = lever.levels[lever.top]
            if role.max_hires_per_year is not None and abs(top - (role.fte_now + role.max_hires_per_year)) < 0.5:
                steps.append(NextStep("next.widen_hires", {
                    "file": file, "field": f"roles.{role.name}.max_hires_per_year",
                    "now": i18n.fte(role.max_hires_per_year, lang), "role": scenario.label(role.name, lang)}))
            else:
                steps.append(NextStep("next.widen_max_fte", {"file": file, "field": f"roles.{role.name}.max_fte",
                                                             "now": i18n.fte(top, lang),
                                                             "role": scenario.label(role.name, lang)}))
        elif lever.kind == "instrument":
            steps.append(NextStep("next.widen_places", {
                "file": file, "field": f"instruments.{lever.name}.max_places_per_year",
                "now": i18n.number(lever.levels[lever.top], lang), "instrument": scenario.label(lever.name, lang)}))
    if len(steps) > MAX_WIDEN_STEPS:   # the summary is one page: the levers that matter most come first
        steps = steps[:MAX_WIDEN_STEPS]
    if verdict == "on_the_edge":
        zone = float(optimised.precision.zone)
        steps.append(NextStep("next.zone", {"zone": f"{zone / 2:g}", "now": f"{zone:g}"}))
    if "budget" in str(optimised.stop_reason):
        steps.append(NextStep("next.budget_sims", {"n": 2 * int(optimised.budget_sims)}))
    target = optimised.target
    tradeoff = optimised.tradeoff
    if (target.probability != "mean" and tradeoff is not None and len(tradeoff)
            and {"probability", "verdict", "cost"} <= set(tradeoff.columns)):
        looser = tradeoff[(tradeoff["verdict"] == "meets")
                          & (tradeoff["probability"] < float(target.probability) - 1e-9)]
        if len(looser):
            best = looser.sort_values("probability").iloc[-1]
            steps.append(NextStep("next.probability", {"probability": f"{float(best['probability']):g}",
                                                       "cost": i18n.money(best["cost"], lang)}))
    years = scenario.horizon_years
    if target.from_year < years[-1]:
        steps.append(NextStep("next.target_from", {"year": target.from_year + 1}))
    if not target.cumulative and target.from_year < years[-1]:
        steps.append(NextStep("next.cumulative", {}))
    if not any(step.key.startswith("next.widen") for step in steps):
        steps.append(NextStep("next.add_levers", {"file": file}))
    return steps


def end_message(result: PlanJobResult) -> list[str]:
    """What `sporen plan` prints when it is done, in the run's language: the verdict, the plan in
    words, its cost and verified probability, the report's path and, when the target is not met,
    the next steps."""
    from sporen.common import i18n
    from sporen.common.i18n import text

    lang, opt, outcome = result.lang, result.optimised, result.outcome
    check = opt.verification
    lines = []
    if result.budget_spent:
        key = "cli.plan.budget_spent" if opt.verified else "cli.plan.budget_unverified"
        lines.append(text(key, lang, budget=i18n.number(opt.budget_sims, lang)))
    lines.append(text("cli.plan.verdict", lang, name=opt.scenario.name,
                      verdict=text("verdict.short." + verdict_of(opt), lang)))
    described = outcome.plan_lines if outcome is not None else []
    lines.append(text("cli.plan.plan", lang, plan="; ".join(described) if described else text("cli.plan.no_change",
                                                                                               lang)))
    lines.append(text("cli.plan.cost", lang, cost=i18n.money(opt.cost, lang)))
    if check is not None:
        lines.append(text("cli.plan.verified", lang, n=check.replications, p=i18n.percent(check.probability, lang),
                          low=i18n.percent(check.ci_low, lang), high=i18n.percent(check.ci_high, lang),
                          conf=i18n.percent(float(opt.precision.confidence), lang)))
    from sporen.jobs.optimise import cheaper_on_edge_lines

    lines += cheaper_on_edge_lines(opt, lang)
    note = outcome.sample_note(lang) if outcome is not None else None
    if note:
        lines.append("  " + note.strip())
    lines.append(text("cli.plan.report", lang, path=result.out_dir / "report.html",
                      workbook=result.out_dir / "results.xlsx", seconds=f"{result.seconds:.0f}"))
    steps = outcome.next_steps if outcome is not None else []
    if steps and verdict_of(opt) != "meets":
        lines.append(text("cli.plan.next", lang))
        lines += [f"  {i}. {step.words(lang)}" for i, step in enumerate(steps, start=1)]
    return [line.replace("\u00a0", " ") for line in lines]


# -- the job -----------------------------------------------------------------------------------------
class _Steps:
    """A one-line progress display of the job's steps on stderr: 'sporen plan 2/4: optimise ...'."""

    def __init__(self, total: int, name: str, quiet: bool):
        from tqdm import tqdm

        self.total, self.name, self.done = total, name, 0
        self.bar = tqdm(total=total, desc=name, file=sys.stderr, disable=quiet, leave=False,
                        bar_format="{desc} [{elapsed}]")

    def start(self, text: str) -> None:
        words = i18n.stage_text(text, i18n.display_language())
        self.bar.set_description_str(f"{self.name} {self.done + 1}/{self.total}: {words}")

    def finish(self) -> None:
        self.done += 1
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def load_job_inputs(options: PlanJobOptions) -> tuple[Scenario, Scenario | None]:
    """(scenario to plan for, base scenario when a variant is given); InputError for bad input."""
    from sporen.inputs.load import load_scenario
    from sporen.inputs.variants import load_with_variant

    problems: list[Problem] = check_out_folder(options.out, [options.scenario, options.variant])
    scenario = base = None
    try:
        if options.variant is not None:
            scenario = load_with_variant(options.scenario, options.variant)
            base = load_scenario(options.scenario)
        else:
            scenario = load_scenario(options.scenario)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    assert scenario is not None
    return scenario, base


def run_plan_job(options: PlanJobOptions, progress: Any = None) -> PlanJobResult:
    """Run the whole `sporen plan` pipeline and write the run directory; see the module docstring.

    `progress(simulated, planned, stage)` follows the optimiser (the web app passes one)."""

    started = time.perf_counter()
    scenario, base_scenario = load_job_inputs(options)
    _out_folder(options, scenario)      # refused now rather than after the work
    parallel = options.parallel
    with session(parallel.chosen_backend, parallel.scheduler) as client, \
            i18n.use_language(options.lang or scenario.language):   # progress in the run's language
        result = _run(options, scenario, base_scenario, parallel.chosen_backend, client, started, progress)
    result.seconds = time.perf_counter() - started
    return result


def _out_folder(options: PlanJobOptions, scenario: Scenario) -> Any:
    """The run folder: --out, or outputs/runs/<scenario>-plan (InputError when it may not be written)."""
    return run_folder(options.out, "plan", scenario.name,
                      [options.scenario, options.variant, rules_file_of(scenario, options.scenario)],
                      f"{scenario.name}-plan")


def _run(options: PlanJobOptions, scenario: Scenario, base_scenario: Scenario | None, backend: str, client: Any,
         started: float, progress: Any = None) -> PlanJobResult:
    from sporen.jobs.compare import describe_variant, paired_comparison
    from sporen.optimise.loop import optimise
    from sporen.sim.api import evaluate as sim_evaluate
    from sporen.sim.api import evaluate_many, report
    from sporen.sim.api import scenario_vangnet_rules as load_rules

    quiet = options.quiet
    workers = options.parallel.local_workers()
    rules = load_rules(scenario, Path(options.scenario).parent)
    evaluate = functools.partial(sim_evaluate, backend=backend, scheduler=client, rules=rules)
    steps = _Steps(3 + (base_scenario is not None) + bool(options.sensitivity_check and scenario.uncertainty),
                   "sporen plan", quiet)
    try:
        # 1. optimise
        steps.start("optimise: the cheapest plan that meets the target, verified on fresh futures")
        years = scenario.horizon_years
        searched = options.optimiser.model_copy(update={"workers": workers, "progress": not quiet})
        if searched.target_from is None:
            searched = searched.model_copy(update={"target_from": years[1] if len(years) > 1 else years[0]})
        from sporen.sim import futures

        many = (functools.partial(futures.evaluate_many, backend=backend, scheduler=client, rules=rules)
                if getattr(sim_evaluate, "__module__", "") == "sporen.sim.api" else None)
        from sporen.optimise.cache import CACHE_FILE

        optimised = optimise(scenario, searched, evaluate=evaluate, progress=progress, evaluate_many=many,
                             cache_file=_out_folder(options, scenario).path / CACHE_FILE, cache_rules=rules)
        steps.finish()

        # 2. baseline and plan on the plan's own fresh verification futures, every frame
        steps.start("report futures: baseline and plan on the plan's fresh futures")
        check = optimised.verification
        block = check.block if check is not None and check.replications else 0
        V = int(options.verify)
        seeds = report(block).seeds(options.optimiser.seed, 0, V)
        baseline, plan_run = evaluate_many([(scenario, None), (scenario, optimised.plan)], seeds, workers=workers,
                                           progress=not quiet, frames=RAW_FRAMES, backend=backend, scheduler=client,
                                           rules=rules)
        baseline.seed = options.optimiser.seed
        steps.finish()

        # 2b. which assumptions decide (`sporen sensitivity`'s analysis of the plan, smaller)
        sensitivity = None
        if options.sensitivity_check and scenario.uncertainty:
            from sporen.jobs.sensitivity import sensitivity_of, tables_of

            steps.start("sensitivity: which assumptions decide")
            sensitivity = tables_of(sensitivity_of(scenario, optimised.plan, rules, optimised.target,
                                                   options=options.sensitivity, seed=options.optimiser.seed,
                                                   workers=workers, backend=backend, scheduler=client))
            steps.finish()

        # 3. the variant against its base
        comparison = None
        variant_name: str | None = None
        variant_lines: list[str] = []
        if base_scenario is not None:
            assert options.variant is not None
            steps.start("variant: the base scenario on the same futures")
            variant_name, variant_lines = describe_variant(options.variant)
            base_rules = load_rules(base_scenario, Path(options.scenario).parent)
            base_run = sim_evaluate(base_scenario, None, seeds, workers=workers, progress=not quiet,
                                    frames=("yearly", "kpis"), rules=base_rules, backend=backend, scheduler=client)
            comparison = paired_comparison(_asked(base_run.yearly), _asked(base_run.kpis), _asked(baseline.yearly),
                                           _asked(baseline.kpis), variant_name)
            steps.finish()

        # 4. write
        steps.start("write: tables, workbook, report")
        elapsed = time.perf_counter() - started
        result = write_plan_run(options, scenario, baseline, plan_run, optimised, comparison, variant_name,
                                variant_lines, seeds, workers, elapsed, rules, sensitivity)
        steps.finish()
    finally:
        steps.close()
    return result


def _verification_table(optimised: Any, target: str) -> pd.DataFrame:
    """The verdict with its figures: one row for the answer (verification.csv of the run)."""
    check = optimised.verification
    row = {"target": target, "verdict": optimised.verdict, "required_probability": optimised.target.probability,
           "met": bool(optimised.met), "out_of_reach": bool(optimised.out_of_reach),
           "confidence": optimised.precision.confidence, "zone": optimised.precision.zone,
           "stop_reason": optimised.stop_reason, "best_reachable": optimised.reference_text,
           "plan_cost": int(optimised.cost), "sims_used": optimised.sims_used, "budget_sims": optimised.budget_sims}
    if check is not None:
        row.update({"replications": check.replications, "replications_meeting_target": check.met,
                    "probability": check.probability, "probability_ci_low": check.ci_low,
                    "probability_ci_high": check.ci_high, "estimate": check.estimate, "seeds": check.seeds})
    return pd.DataFrame([row])


def _cost_per_year(optimised: Any, years: Sequence[int]) -> pd.DataFrame:
    return pd.DataFrame({"year": list(years),
                         "cost": np.asarray(optimised.space.point_cost_by_year(optimised.point), dtype=np.int64)})


def _formation_with_total(formation: pd.DataFrame | None, scenario: Scenario) -> pd.DataFrame | None:
    """The council's formation table: per role fte now, planned and the change, the yearly cost of
    the formation now and planned and of the change (Nijkerk's 'yearly cost of the extra'), and a
    total row."""
    if formation is None or not len(formation):
        return formation
    cost = {r.name: r.cost_per_fte_year for r in scenario.roles}
    out = formation.rename(columns={"yearly_cost": "extra_yearly_cost"}).copy()
    per_fte = out["role"].map(cost).astype(float)
    out.insert(list(out.columns).index("extra_yearly_cost"), "yearly_cost_now",
               (out["fte_now"] * per_fte).round().astype(np.int64))
    out.insert(list(out.columns).index("extra_yearly_cost"), "yearly_cost_planned",
               (out["fte_planned"] * per_fte).round().astype(np.int64))
    total: dict[str, Any] = {c: "" for c in out.columns}
    total["role"] = "total"
    fte_columns = ["fte_now", "fte_planned", "change", *(c for c in out.columns if str(c).startswith("fte_")
                                                         and c not in ("fte_now", "fte_planned"))]
    for column in (*fte_columns, "yearly_cost_now", "yearly_cost_planned", "extra_yearly_cost"):
        total[column] = out[column].sum()
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    for column in fte_columns:
        out[column] = out[column].astype(float).round(6)
    for column in ("yearly_cost_now", "yearly_cost_planned", "extra_yearly_cost"):
        out[column] = out[column].astype(np.int64)
    return out


def _asked(frame: pd.DataFrame | None) -> pd.DataFrame:
    """A frame the run was asked for (RAW_FRAMES): present."""
    assert frame is not None, "every frame of RAW_FRAMES was asked for"
    return frame


def _effect(effect: pd.DataFrame) -> tuple[float, float, float] | None:
    """The plan's paired effect on the result after vangnet, all municipalities and years: mean, 95% CI."""
    row = effect[(effect["measure"] == "result_after_vangnet") & (effect["municipality"] == "all")
                 & (effect["year"] == "all")]
    if not len(row) or pd.isna(row["ci_low"].iloc[0]):
        return None
    return float(row["diff_mean"].iloc[0]), float(row["ci_low"].iloc[0]), float(row["ci_high"].iloc[0])


def _summary_table(baseline_yearly: pd.DataFrame, plan_yearly: pd.DataFrame, cost: pd.DataFrame) -> pd.DataFrame:
    """Per year, all municipalities: result after vangnet without and with the plan, the plan's cost."""
    from sporen.outputs.report import yearly_band

    base = yearly_band(baseline_yearly, "result_after_vangnet").set_index("year")
    plan = yearly_band(plan_yearly, "result_after_vangnet").set_index("year")
    out = pd.DataFrame({
        "year": base.index.astype(int),
        "result_after_vangnet_without_plan": base["mean"].round().astype(np.int64).to_numpy(),
        "without_plan_p5": base["low"].round().astype(np.int64).to_numpy(),
        "without_plan_p95": base["high"].round().astype(np.int64).to_numpy(),
        "result_after_vangnet_with_plan": plan["mean"].reindex(base.index).round().astype(np.int64).to_numpy(),
        "with_plan_p5": plan["low"].reindex(base.index).round().astype(np.int64).to_numpy(),
        "with_plan_p95": plan["high"].reindex(base.index).round().astype(np.int64).to_numpy(),
    })
    return out.merge(cost.rename(columns={"cost": "plan_extra_cost"}), on="year", how="left")


def write_plan_run(options: PlanJobOptions, scenario: Scenario, baseline: Any, plan_run: Any, optimised: Any,
                   comparison: pd.DataFrame | None, variant_name: str | None, variant_lines: list[str],
                   seeds: Sequence[np.random.SeedSequence], workers: int, elapsed: float,
                   rules: Mapping[int, Any] | None = None, sensitivity: Any = None) -> PlanJobResult:
    """Build every table, the workbook and the report (in the options' language, else the
    scenario's), and write the run directory."""
    from sporen.common.files import write_text
    from sporen.common.i18n import text
    from sporen.jobs.compare import comparison_for_report, paired_comparison
    from sporen.outputs import figures, tables
    from sporen.outputs.model_description import assumptions_table, unsourced_table
    from sporen.outputs.report import (
        PlanOutcome,
        RunFrames,
        caseload_table,
        deficit_table,
        describe_plan,
        plan_report,
        write_report,
    )
    from sporen.outputs.workbook import write_plan_workbook
    from sporen.sim import api as summary

    municipalities = [m.name for m in scenario.municipalities]
    lang = options.lang or scenario.language
    words = target_text(optimised.target, municipalities)
    target_words = target_text(optimised.target, municipalities, lang)
    cost = _cost_per_year(optimised, scenario.horizon_years)
    check = optimised.verification
    formation = _formation_with_total(optimised.formation, scenario)

    # the report compares baseline and plan on the same V fresh futures (the plan's verification futures)
    V = len(seeds)
    fresh = RunFrames(baseline.monthly, baseline.yearly, baseline.kpis, baseline.spells)
    planned = RunFrames(plan_run.monthly, plan_run.yearly, plan_run.kpis, plan_run.spells)
    effect = paired_comparison(fresh.yearly, fresh.kpis, planned.yearly, planned.kpis, "plan")
    effect = effect.drop(columns="variant")

    start_month = int(scenario.start.split("-")[1])
    spells = baseline.spells
    survival = figures.kaplan_meier(
        spells[spells["entry_time"] >= 0].assign(entry_time=lambda f: f["entry_time"] + start_month - 1,
                                                  exit_time=lambda f: f["exit_time"] + start_month - 1),
        scenario.months + start_month - 1, scenario.horizon_years[0])
    caseload = caseload_table(fresh.monthly).rename(columns=lambda c: c.replace("caseload", "without_plan"))
    caseload = caseload.merge(caseload_table(planned.monthly).rename(
        columns=lambda c: c.replace("caseload", "with_plan")), on=["month", "track"], how="left")
    blocking = pd.DataFrame({"reason": list(optimised.blocking)}, columns=["reason"])

    summary_tables: dict[str, pd.DataFrame] = {
        "summary": _summary_table(fresh.yearly, planned.yearly, cost),
        "deficits": deficit_table(fresh.yearly, planned.yearly),
        "verification": _verification_table(optimised, words),
        "formation": formation if formation is not None else pd.DataFrame(),
        "budget": optimised.budget if optimised.budget is not None else pd.DataFrame(),
        "plan_cost": cost,
        "plan_effect": effect,
        "savings": optimised.savings if optimised.savings is not None else pd.DataFrame(),
        "relaxations": optimised.relaxations if optimised.relaxations is not None else pd.DataFrame(),
        "tradeoff": optimised.tradeoff if optimised.tradeoff is not None else pd.DataFrame(),
        "blocking": blocking,
        # the search's sequential tests (no wall-clock times: reruns give identical files)
        "optimiser_tests": pd.DataFrame(optimised.history),
        "yearly_summary": summary.yearly_summary(fresh.yearly),
        "plan_yearly_summary": summary.yearly_summary(planned.yearly),
        "kpis_summary": summary.kpis_summary(_asked(fresh.kpis)),
        "plan_kpis_summary": summary.kpis_summary(_asked(planned.kpis)),
        "caseload": caseload,
        "survival": survival,
        "assumptions": assumptions_table(scenario),
        "unsourced_parameters": unsourced_table(scenario),
    }
    if comparison is not None:
        summary_tables["comparison"] = comparison
    if sensitivity is not None:
        from sporen.outputs.sensitivity_section import workbook_tables

        summary_tables.update(workbook_tables(sensitivity, scenario, lang))
    raw_tables = {
        "monthly": baseline.monthly, "yearly": baseline.yearly, "kpis": baseline.kpis, "spells": baseline.spells,
        "plan_monthly": plan_run.monthly, "plan_yearly": plan_run.yearly, "plan_kpis": plan_run.kpis,
        "plan_spells": plan_run.spells,
    }

    tradeoff = optimised.tradeoff
    tradeoff_shown = None
    x = label = None
    chosen: float | None = None
    if tradeoff is not None and len(tradeoff) and "probability" in tradeoff:
        tradeoff_shown = tradeoff.sort_values("probability").reset_index(drop=True)
        tradeoff_shown = tradeoff_shown.assign(feasible=tradeoff_shown["verdict"] == "meets")
        x, chosen = "probability", float(optimised.target.probability)
    from sporen.jobs.optimise import plan_yaml

    outcome = PlanOutcome(
        plan=optimised.plan, formation=formation, cost_per_year=cost, total_cost=float(optimised.cost),
        probability=check.probability if check is not None else None,
        required_probability=(None if optimised.target.probability == "mean" or optimised.options.objective == "net"
                              else float(optimised.target.probability)),
        target_met=bool(optimised.met), target_text=target_words, verdict=verdict_of(optimised),
        probability_ci_exact=check is not None and getattr(check, "bounds", "") == EXACT_BOUNDS,
        probability_ci=(check.ci_low, check.ci_high) if check is not None and check.probability is not None
        else None,
        next_steps=next_steps(optimised, scenario, options, V),
        verification_replications=check.replications if check is not None else None,
        tradeoff=tradeoff_shown, tradeoff_x=x, tradeoff_y="cost" if tradeoff_shown is not None else None,
        tradeoff_x_label=label, tradeoff_chosen=chosen,
        blocking=list(optimised.blocking),
        effect=_effect(effect),
        tables={k: v for k, v in (("budget", optimised.budget), ("savings", optimised.savings),
                                  ("relaxations", optimised.relaxations)) if v is not None},
    )
    outcome.plan_lines = describe_plan(optimised.plan, scenario, lang)
    outcome.report_futures, outcome.report_met = V, _met_on(planned.yearly, optimised.target)
    versions = tables.package_versions()
    git = tables.git_state()
    run_info = {
        "replications": V, "optimisation_replications": options.optimiser.replications, "verification_replications": V,
        "seed": options.optimiser.seed,
        "budget_sims": optimised.budget_sims, "variant": variant_name, "variant_changes": variant_lines,
        "command": " ".join(options.command), "git_commit": git.get("commit"), "versions": versions,
        "scenario_hash": tables.model_hash(scenario),
    }
    html = plan_report(
        scenario, RunFrames(fresh.monthly, fresh.yearly, fresh.kpis, baseline.spells), planned, outcome,
        comparison=comparison_for_report(comparison) if comparison is not None else None,
        comparison_intro=(text("compare.variant_intro", lang, name=variant_name) if comparison is not None else ""),
        run=run_info, rules=rules, lang=lang, sensitivity=sensitivity)

    folder = _out_folder(options, scenario)
    out_dir = folder.path
    with folder.open() as tmp:
        files: dict[str, Path] = {}
        for name, frame in {**summary_tables, **raw_tables}.items():
            if frame is None:
                continue
            files[f"{name}.{options.fmt}"] = tables.write_table(frame, tmp, name, options.fmt)
        files["plan.yaml"] = write_text(tmp / "plan.yaml", plan_yaml(optimised))
        if getattr(optimised, "cache_key", None) is not None:   # the futures simulated, for a rerun
            from sporen.optimise import cache

            files[cache.CACHE_FILE] = cache.save(tmp / cache.CACHE_FILE, optimised.cache_key, optimised.futures)
        files["report.html"] = write_report(tmp / "report.html", html)
        files["results.xlsx"] = write_plan_workbook(tmp / "results.xlsx", summary_tables, scenario=scenario,
                                                    outcome=outcome, lang=lang, run=run_info)
        manifest = tables.build_manifest(
            command=list(options.command), scenario=scenario, scenario_file=str(options.scenario),
            variant_name=variant_name, variant_file=str(options.variant) if options.variant else None,
            plan=optimised.plan, plan_file=None, rules_file=scenario.finance.vangnet_rules,
            seed=options.optimiser.seed,
            seed_records=baseline.seed_records(), files=files,
            extra={"kind": "plan",
                   "replications_detail": {"design": options.optimiser.replications, "report": V,
                                           "selection_futures": f"SeedSequence({options.optimiser.seed}) children "
                                                                "0-..., as many as each test needed",
                                           "report_futures": seed_text(seeds)},
                   "target": {**asdict(optimised.target), "text": words},
                   "verdict": optimised.verdict,
                   "outcome": summary_of(optimised)})
        tables.write_json(manifest, tmp / "manifest.json")
        tables.write_json({"seconds": round(elapsed, 3), "workers": workers, "backend": options.parallel.chosen_backend,
                           "platform": platform.platform(terse=True), "cpus": os.cpu_count(),
                           "optimiser_sim_seconds": round(optimised.sim_seconds, 3),
                           "optimiser_sims_by_stage": optimised.stage_sims}, tmp / "timing.json")
    return PlanJobResult(out_dir=out_dir, met=bool(optimised.met), optimised=optimised, baseline=baseline,
                         plan_run=plan_run, tables=summary_tables, lang=lang, outcome=outcome, scenario=scenario)


def _met_on(yearly: pd.DataFrame, target: Any) -> int | None:
    """Futures of `yearly` in which the plan meets the target (page 1 when no plan was verified)."""
    from sporen.jobs.whatif.evaluate import WhatIfTarget, target_met

    if target.probability == "mean":
        return None
    wanted = WhatIfTarget(from_year=int(target.from_year), level=int(target.level), scope=target.scope,
                          cumulative=bool(target.cumulative))
    return int(target_met(yearly, wanted).sum())


def seed_text(seeds: Sequence[np.random.SeedSequence]) -> str:
    keys = [int(s.spawn_key[-1]) for s in seeds]
    return f"SeedSequence({seeds[0].entropy}) children {min(keys)}-{max(keys)}" if keys else ""


def summary_of(optimised: Any) -> dict[str, Any]:
    from sporen.jobs.optimise import summary

    return summary(optimised)
