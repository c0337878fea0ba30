"""`sporen sensitivity`: which assumptions decide whether a plan meets the target.

Loads the scenario (with a variant) and the plan (default: the baseline), turns the target
options into the analysis's goal, runs `sensitivity.analysis.analyse` (Sobol indices with the
noise as its own row, the tornado, the robustness check, the metamodel check) and writes a run
folder: sensitivity_indices, tornado, robustness and metamodel_indices (CSV or Parquet),
results.xlsx (the conclusion in words first), report.html (the section `sporen plan` shows too),
manifest.json and timing.json.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.jobs.options import SensitivityJobOptions
from sporen.jobs.runs import rules_file_of, run_folder
from sporen.outputs.sensitivity_section import SensitivityTables
from sporen.sensitivity.analysis import Sensitivity, analyse
from sporen.sensitivity.goal import Goal


@dataclass
class SensitivityJobResult:
    """What the job computed and where it wrote."""

    scenario: Scenario
    analysis: Sensitivity
    tables: SensitivityTables
    out_dir: Path | None
    lang: str
    seconds: float = 0.0


def goal_of(target: Any) -> Goal:
    """The optimiser's target (`optimise.model.Target`) as the analysis's goal."""
    return Goal(from_year=int(target.from_year), level=int(target.level), scope=str(target.scope),
                cumulative=bool(target.cumulative), probability=target.probability, on=str(target.on))


def tables_of(found: Sensitivity) -> SensitivityTables:
    """The analysis as the tables the report, the workbook and the page show."""
    return SensitivityTables(indices=found.indices, tornado=found.tornado, robustness=found.robustness,
                             metamodel=found.metamodel, ranked=list(found.ranked), runs=found.runs, base=found.base,
                             futures=found.futures, required=found.goal.required, from_year=found.goal.from_year)


def sensitivity_of(scenario: Scenario, plan: Plan, rules: Mapping[int, Any], target: Any, *, options: Any,
                   seed: int, workers: int | None, backend: str = "local", scheduler: Any = None,
                   progress: Callable[[int], None] | None = None) -> Sensitivity:
    """The analysis of `plan` against the optimiser's `target` (also called by `sporen plan`)."""
    return analyse(scenario, plan, rules, goal_of(target), named=options.named(), base=options.base,
                   futures=options.futures, seed=seed, workers=workers, backend=backend, scheduler=scheduler,
                   progress=progress)


def end_lines(result: SensitivityJobResult) -> list[str]:
    """What the terminal shows: the assumptions by total index, the robustness in words, the report."""
    from sporen.common.i18n import text
    from sporen.outputs.sensitivity_section import factor_label, robustness_words

    lang = result.lang
    indices = result.analysis.indices
    target: Any = indices[indices["output"] == "target_years"].set_index("factor")
    lines = [text("cli.sensitivity.top", lang)]
    for name in [*result.analysis.ranked, "seed"]:
        lines.append(text("cli.sensitivity.row", lang, assumption=factor_label(name, result.scenario, lang),
                          index=f"{float(target.loc[name, 'total']):.2f}"))
    lines += robustness_words(result.tables, result.scenario, lang)
    if result.out_dir is not None:
        lines.append(text("cli.report", lang, path=result.out_dir / "report.html"))
    return lines


def _bar(total: int, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="sporen sensitivity", file=sys.stderr, disable=quiet, leave=False, unit="run")


def planned_runs(scenario: Scenario, options: Any) -> int:
    """Futures the analysis simulates (for the progress bar)."""
    k = len({u.parameter for u in scenario.uncertainty} | {u.parameter for u in options.named()})
    return options.base * (k + 3) + options.futures * (2 * k + 1 + (1 if k else 0))


def run_sensitivity(options: SensitivityJobOptions) -> SensitivityJobResult:
    """Analyse, then write the run folder whole or not at all."""
    from sporen.inputs.load import load_plan, load_with_variant
    from sporen.inputs.plan import baseline_plan
    from sporen.optimise.loop import make_target
    from sporen.sim.runner import load_rules, session

    started = time.perf_counter()
    scenario = load_with_variant(options.scenario, options.variant)
    plan = load_plan(options.plan, scenario) if options.plan is not None else baseline_plan(scenario)
    target = make_target(scenario, options.target)
    rules = load_rules(scenario, options.scenario.parent)
    lang = options.lang or scenario.language
    folder = run_folder(options.out, "sensitivity", scenario.name,
                        [*options.input_files(), rules_file_of(scenario, options.scenario)],
                        f"{scenario.name}-sensitivity")
    parallel = options.parallel
    bar = _bar(planned_runs(scenario, options.analysis), options.quiet)
    try:
        with session(parallel.chosen_backend, parallel.scheduler) as client:
            found = sensitivity_of(scenario, plan, rules, target, options=options.analysis, seed=options.seed,
                                   workers=parallel.local_workers(options.analysis.base),
                                   backend=parallel.chosen_backend, scheduler=client, progress=bar.update)
    finally:
        bar.close()
    tables = tables_of(found)
    result = SensitivityJobResult(scenario, found, tables, folder.path, lang)
    _write(result, options, plan, folder, started)
    result.seconds = time.perf_counter() - started
    return result


def _write(result: SensitivityJobResult, options: SensitivityJobOptions, plan: Plan, folder: Any,
           started: float) -> None:
    from sporen.common.i18n import text
    from sporen.outputs import tables as out_tables
    from sporen.outputs.report import page, write_report
    from sporen.outputs.sensitivity_section import sensitivity_section, workbook_tables
    from sporen.outputs.workbook import write_workbook

    scenario, found, lang = result.scenario, result.analysis, result.lang
    named = {"sensitivity_indices": found.indices, "tornado": found.tornado, "robustness": found.robustness,
             "metamodel_indices": found.metamodel.assign(
                 agrees_with_simulation=found.metamodel["factor"].map(found.agreement.to_dict()))}
    section = sensitivity_section(result.tables, scenario, lang)
    assert section is not None
    title = text("title.sensitivity", lang, name=scenario.name)
    with folder.open() as tmp:
        files: dict[str, Path] = {}
        for name, frame in named.items():
            files[name] = out_tables.write_table(frame, tmp, name, options.fmt)
        files["results.xlsx"] = write_workbook(tmp / "results.xlsx", workbook_tables(result.tables, scenario, lang),
                                               lang=lang, scenario=scenario, title=title)
        files["report.html"] = write_report(tmp / "report.html", page(title, scenario.name, [section], lang))
        manifest = out_tables.build_manifest(
            command=list(options.command or options.command_line()), scenario=scenario,
            scenario_file=str(options.scenario), variant_name=None,
            variant_file=str(options.variant) if options.variant else None, plan=plan,
            plan_file=str(options.plan) if options.plan else None, rules_file=scenario.finance.vangnet_rules,
            seed=options.seed, seed_records=[], files=files,
            extra={"kind": "sensitivity", "runs": found.runs, "base": found.base, "futures": found.futures,
                   "factors": [f.name for f in found.factors], "ranked": found.ranked})
        out_tables.write_json(manifest, tmp / "manifest.json")
        out_tables.write_json({"seconds": round(time.perf_counter() - started, 3), "runs": found.runs,
                               "workers": options.parallel.workers, "backend": options.parallel.chosen_backend,
                               "platform": platform.platform(terse=True), "cpus": os.cpu_count()},
                              tmp / "timing.json")
