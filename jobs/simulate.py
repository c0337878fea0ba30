"""`sporen simulate`: a scenario (with a variant and/or a plan) over replications, written to a run folder.

Every replication follows each client through gate, tracks, caseworker slots, instruments and
exits; the yearly money adds the BUIG budget, vangnet and the exploitatie. Identical inputs and
seed give byte-identical tables, whatever the number of workers or the backend.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sporen.inputs.load import load_plan, load_with_variant, read_yaml
from sporen.inputs.plan import Plan, baseline_plan
from sporen.inputs.schema import Scenario
from sporen.jobs.options import SimulateOptions, check_out_folder, raise_problems
from sporen.jobs.runs import rules_file_of, run_folder
from sporen.sim.runner import RunResult, load_rules, run
from sporen.sim.stats import mean_ci
from sporen.sim.summary import run_summaries


@dataclass
class SimulateResult:
    """The run and where it was written."""

    scenario: Scenario
    plan: Plan
    run: RunResult
    out_dir: Path
    seconds: float
    lang: str = "nl"

    def headline(self) -> pd.DataFrame:
        """Per year, all municipalities: mean and 95% CI of the result after vangnet and the exploitatie result."""
        yearly = self.run.yearly
        assert yearly is not None
        summed = yearly.groupby(["replication", "year"])[["result_after_vangnet", "exploitatie_result"]].sum()
        rows = []
        for year, frame in summed.groupby(level="year"):
            # pandas-stubs type the keys of groupby(level=<one name>) as tuples; pandas gives the year itself
            row: dict[str, float | int] = {"year": int(year)}  # type: ignore[call-overload]
            for column in ("result_after_vangnet", "exploitatie_result"):
                _, mean, _, low, high = mean_ci(frame[column].to_numpy(float))
                row.update({column: mean, f"{column}_ci_low": low, f"{column}_ci_high": high})
            rows.append(row)
        return pd.DataFrame(rows)


def load_inputs(options: SimulateOptions) -> tuple[Scenario, Plan, str | None]:
    """(scenario with its variant applied, the plan, the variant's name); every problem at once."""
    problems = check_out_folder(options.out, options.input_files())
    raise_problems(problems)
    scenario = load_with_variant(options.scenario, options.variant)
    variant_name = None
    if options.variant is not None:
        variant_name = str(read_yaml(options.variant).get("variant") or options.variant.stem)
    plan = load_plan(options.plan, scenario) if options.plan is not None else baseline_plan(scenario)
    return scenario, plan, variant_name


def run_simulate(options: SimulateOptions) -> SimulateResult:
    """Simulate and write the run folder (whole or not at all); InputError for bad input."""
    from sporen.outputs.tables import build_manifest, write_json, write_run_tables

    scenario, plan, variant_name = load_inputs(options)
    rules = load_rules(scenario, options.scenario.parent)
    rules_file = rules_file_of(scenario, options.scenario)
    command = "simulate --plan" if options.plan is not None else "simulate"
    target = run_folder(options.out, command, scenario.name, [*options.input_files(), rules_file],
                        f"simulate-{scenario.name}" + ("-plan" if options.plan is not None else ""))
    started = time.perf_counter()
    parallel = options.parallel
    result = run(scenario, plan, replications=options.replications, seed=options.seed,
                 workers=parallel.local_workers(options.replications) if parallel.chosen_backend == "local" else None,
                 backend=parallel.chosen_backend, scheduler=parallel.scheduler, record_events=options.events,
                 progress=options.progress, rules=rules)
    simulated = time.perf_counter() - started
    with target.open() as folder:
        files = write_run_tables(result, folder, options.fmt, summaries=run_summaries(result, scenario, rules))
        manifest = build_manifest(
            command=options.command_line(), scenario=scenario, scenario_file=str(options.scenario),
            variant_name=variant_name, variant_file=str(options.variant) if options.variant else None, plan=plan,
            plan_file=str(options.plan) if options.plan else None,
            rules_file=rules_file, seed=options.seed,
            seed_records=result.seed_records(), files=files, extra={"kind": "simulate"})
        write_json(manifest, folder / "manifest.json")
        write_json({"simulate_seconds": round(simulated, 3),
                    "total_seconds": round(time.perf_counter() - started, 3),
                    "backend": parallel.chosen_backend, "workers": parallel.workers, "scheduler": parallel.scheduler,
                    "replications": options.replications}, folder / "timing.json")
    return SimulateResult(scenario, plan, result, target.path, time.perf_counter() - started,
                          options.lang or scenario.language)
