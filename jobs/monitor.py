"""`sporen monitor`: is the plan on course? The re-forecast from the year's actuals (MODEL.md 3.9).

Reads the scenario, the plan being monitored (default: the baseline) and the actuals; simulates
the plan's forecast from the scenario's start and the re-forecast from the month after the last
actual, on the same seeds (`jobs.reforecast`); writes a run folder, whole or not at all:

* monitor.csv         per year, municipality ('all' summed) and measure (spending, buig_result,
                      vangnet, result_after_vangnet): the BUIG budget, the plan's forecast (mean,
                      5%, 95%), the re-forecast (mean, 5%, 25%, 50%, 75%, 95%) and the change;
* monitor_months.csv  every actual against the plan's 90% band (5%-95% of its forecast), outside yes/no;
* plan_yearly.csv, reforecast_yearly.csv  the yearly money per future;
* results.xlsx, report.html  the same for a person, with the flag in words and the fan chart;
* manifest.json, timing.json.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sporen.common.errors import InputError
from sporen.inputs.actuals import Actuals, read_actuals
from sporen.inputs.load import load_plan, load_with_variant
from sporen.inputs.plan import Plan, baseline_plan
from sporen.inputs.schema import Scenario
from sporen.jobs.options import MonitorOptions, check_out_folder
from sporen.jobs.reforecast import Reforecast, band_check, monitor_table, reforecast
from sporen.jobs.runs import rules_file_of, run_folder
from sporen.sim.runner import load_rules


@dataclass
class MonitorResult:
    """What the monitor found and where it was written."""

    scenario: Scenario
    plan: Plan
    actuals: Actuals
    frames: Reforecast
    table: pd.DataFrame
    check: pd.DataFrame
    outside: bool
    flag: str
    years: list[str]          # per year, in words: the re-forecast against the plan and the budget
    out_dir: Path
    seconds: float
    lang: str = "nl"


def load_inputs(options: MonitorOptions) -> tuple[Scenario, Plan, Actuals]:
    """The scenario, the plan and the actuals; every problem of the three (and --out) at once."""
    problems = list(check_out_folder(options.out, options.input_files()))
    scenario = load_with_variant(options.scenario, None)
    plan: Plan | None = baseline_plan(scenario)
    actuals = None
    if options.plan is not None:
        try:
            plan = load_plan(options.plan, scenario)
        except InputError as exc:
            problems += exc.problems
    try:
        actuals = read_actuals(options.actuals, scenario)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    assert plan is not None and actuals is not None
    return scenario, plan, actuals


def run_monitor(options: MonitorOptions) -> MonitorResult:
    """Re-forecast and write the run folder; InputError for bad input (nothing written then)."""
    from sporen.common.i18n import text
    from sporen.outputs.monitor import flag_words, monitor_report, write_monitor_workbook, year_lines
    from sporen.outputs.report import write_report
    from sporen.outputs.tables import build_manifest, write_json, write_table

    scenario, plan, actuals = load_inputs(options)
    lang = options.lang or scenario.language
    rules = load_rules(scenario, options.scenario.parent)
    rules_file = rules_file_of(scenario, options.scenario)
    target = run_folder(options.out, "monitor", scenario.name, [*options.input_files(), rules_file],
                        f"monitor-{scenario.name}")
    started = time.perf_counter()
    parallel = options.parallel
    frames = reforecast(scenario, plan, actuals, replications=options.replications, seed=options.seed, rules=rules,
                        workers=parallel.local_workers(options.replications) if parallel.chosen_backend == "local"
                        else None, backend=parallel.chosen_backend, scheduler=parallel.scheduler,
                        progress=options.progress)
    table, check = monitor_table(frames), band_check(frames, actuals)
    outside, flag = flag_words(check, actuals.last_month, lang)
    plan_name = str(options.plan) if options.plan is not None else "baseline"
    caseload = actuals.per_municipality()
    with target.open() as folder:
        files = {name: write_table(frame, folder, name) for name, frame in (
            ("monitor", table), ("monitor_months", check), ("plan_yearly", frames.plan_yearly),
            ("reforecast_yearly", frames.yearly), ("realised", frames.realised))}
        files["results.xlsx"] = write_monitor_workbook(
            folder / "results.xlsx", table, check, flag, year_lines(table, lang),
            text("monitor.summary", lang, month=frames.restart_start, last=actuals.last_month,
                 n=options.replications, plan=plan_name, file=str(options.actuals)), scenario=scenario, lang=lang)
        files["report.html"] = write_report(folder / "report.html", monitor_report(
            scenario, frames, table, check, caseload, plan_name=plan_name, actuals_file=str(options.actuals),
            replications=options.replications, rules=rules, lang=lang))
        manifest = build_manifest(
            command=options.command_line(), scenario=scenario, scenario_file=str(options.scenario),
            variant_name=None, variant_file=None, plan=plan,
            plan_file=str(options.plan) if options.plan else None, rules_file=rules_file, seed=options.seed,
            seed_records=frames.seed_records, files=files,
            extra={"kind": "monitor", "actuals": {"file": str(options.actuals), "last_month": actuals.last_month},
                   "restart": frames.restart_start, "outside_band": outside})
        write_json(manifest, folder / "manifest.json")
        write_json({"total_seconds": round(time.perf_counter() - started, 3), "backend": parallel.chosen_backend,
                    "workers": parallel.workers, "replications": options.replications}, folder / "timing.json")
    return MonitorResult(scenario, plan, actuals, frames, table, check, outside, flag, year_lines(table, lang),
                         target.path, time.perf_counter() - started, lang)
