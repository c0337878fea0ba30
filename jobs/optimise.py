"""`sporen optimise`: the cheapest plan that meets the target, verified and explained, written to a run folder.

The search itself is `optimise.loop.optimise`; this job checks the options, connects the
simulator (local processes or Dask) and writes the files.

Files (docs/optimisation.md describes every column):

==================  ===========================================================================
plan.yaml           the plan, loadable by `inputs.load.load_plan` (comment header with the answer)
formation.csv       role, function, fte_now, fte_planned, change, yearly_cost, arrives
budget.csv          instrument, year, places, budget
tradeoff.csv        vary, target_level, probability, cost, feasible, shortfall, plan
verification.csv    probability, ci_low, ci_high, replications, met, seeds, accepted
shadow_prices.csv   constraint, family, meaning, unit, dual, saving_if_dropped, shortfall_if_dropped
savings.csv         per lever: baseline, chosen, cost, paired result effects
history.csv         one row per round of the loop (no wall-clock times: reruns are identical)
manifest.json       scenario, options, seeds, versions, the answer, file hashes (no timestamps)
timing.json         wall-clock seconds, simulations used, solve time (differs between reruns)
==================  ===========================================================================
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import Field

from sporen.common.errors import InputError, Problem
from sporen.inputs.load import load_with_variant
from sporen.jobs.options import (
    JobOptions,
    Parallel,
    Probability,
    check_out_folder,
    raise_problems,
    replications_field,
    seed_field,
)
from sporen.jobs.runs import RunFolder, rules_file_of, run_folder
from sporen.optimise.loop import DEFAULT_REPLICATIONS, DEFAULT_SEED, DEFAULT_VERIFY, OptimiseResult


class OptimiseJobOptions(JobOptions):
    """What `sporen optimise` asks for."""

    scenario: Path
    variant: Path | None = None
    target_from: int | None = None
    scope: Literal["total", "per-municipality"] = "total"
    target_level: int = Field(default=0, ge=-10**12, le=10**12)
    cumulative: bool = False
    probability: Probability = 0.9
    replications: int = replications_field(DEFAULT_REPLICATIONS)
    verify: int = replications_field(DEFAULT_VERIFY)
    budget_sims: int | None = Field(default=None, ge=1, le=10**8)
    seed: int = seed_field(DEFAULT_SEED)
    parallel: Parallel = Field(default_factory=Parallel)
    out: Path | None = None
    allow_cuts: bool = False
    progress: bool = True
    command: list[str] = Field(default_factory=list)


@dataclass
class OptimiseJobResult:
    """The optimiser's answer and the folder it was written to."""

    optimised: OptimiseResult
    out_dir: Path


def run_optimise(options: OptimiseJobOptions) -> OptimiseJobResult:
    """Find, verify and explain the plan; write the run folder. InputError for bad input."""
    from sporen.optimise.loop import OptimiseOptions, OptionsError, optimise
    from sporen.sim.api import evaluate, session

    inputs = [options.scenario, options.variant]
    raise_problems(check_out_folder(options.out, inputs))
    scenario = load_with_variant(options.scenario, options.variant)
    out = run_folder(options.out, "optimise", scenario.name, [*inputs, rules_file_of(scenario, options.scenario)])
    parallel = options.parallel
    workers = parallel.workers if parallel.workers is not None else _cpus()
    loop_options = OptimiseOptions(
        target_from=options.target_from, scope=options.scope, target_level=options.target_level,
        cumulative=options.cumulative, probability=options.probability, replications=options.replications,
        verify=options.verify, budget_sims=options.budget_sims, seed=options.seed, workers=workers,
        progress=options.progress, allow_cuts=options.allow_cuts)
    with session(parallel.chosen_backend, parallel.scheduler) as client:
        simulate = functools.partial(evaluate, backend=parallel.chosen_backend, scheduler=client)
        try:
            result = optimise(scenario, loop_options, evaluate=simulate)
        except OptionsError as exc:
            raise InputError([Problem(exc.field, "", exc.message, exc.allowed)]) from None
    write_run(result, out, command=options.command or _command_line(options), scenario_file=str(options.scenario),
              variant_file=str(options.variant) if options.variant else None)
    return OptimiseJobResult(result, out.path)


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def _command_line(options: OptimiseJobOptions) -> list[str]:
    """The command as a canonical argument list (not the options that never change the results)."""
    skip = {"scenario", "parallel", "progress", "command"}
    argv = ["sporen", "optimise", str(options.scenario)]
    for name, value in options.model_dump().items():
        if name in skip or value is None or value is False:
            continue
        argv += [f"--{name.replace('_', '-')}"] + ([] if value is True else [str(value)])
    return argv

FLOAT_FORMAT = "%.10g"


def plan_yaml(result: OptimiseResult) -> str:
    """plan.yaml text: a comment header, then the Plan (only levers away from the baseline)."""
    scenario = result.scenario
    v = result.verification
    verdict = "meets the target" if result.met else "does NOT meet the target (best reachable plan)"
    lines = [
        f"# Plan found by `sporen optimise` for scenario '{scenario.name}' ({scenario.start}, {scenario.years} years).",
        f"# Target: result after vangnet >= EUR {result.target.level:,} "
        f"{'summed over' if result.target.cumulative else 'in every year of'} {result.target.from_year}-"
        f"{scenario.horizon_years[-1]}, {result.target.scope}, probability {result.target.probability}.",
        f"# Extra cost over the horizon: EUR {result.cost:,}. The plan {verdict}.",
    ]
    if v is not None:
        lines.append(f"# Verified on {v.replications} fresh replications: {v.probability:.1%} meet the target "
                     f"(95% CI {v.ci_low:.1%}-{v.ci_high:.1%}).")
    lines += ["# Omitted roles, instruments and measures stay as in the baseline.",
              "# Simulate it with: sporen simulate SCENARIO --plan plan.yaml", ""]
    body = result.plan.model_dump(mode="json")
    body["instruments"] = {name: {int(y): p for y, p in per.items()} for name, per in body["instruments"].items()}
    return "\n".join(lines) + yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


def verification_frame(result: OptimiseResult) -> pd.DataFrame:
    columns = ["probability", "ci_low", "ci_high", "replications", "met", "seeds", "accepted", "required",
               "mean_result"]
    v = result.verification
    if v is None:
        return pd.DataFrame(columns=columns)
    required = result.target.probability
    means = "; ".join(f"{g}: {m:.0f}" for g, m in v.mean_result.items())
    return pd.DataFrame([{"probability": round(v.probability, 6), "ci_low": round(v.ci_low, 6),
                          "ci_high": round(v.ci_high, 6), "replications": v.replications, "met": v.met,
                          "seeds": v.seeds, "accepted": v.accepted, "required": required,
                          "mean_result": means}], columns=columns)


def _csv(frame: pd.DataFrame | None, path: Path) -> Path:
    frame = frame if frame is not None else pd.DataFrame()
    frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n", encoding="utf-8")
    return path


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def summary(result: OptimiseResult) -> dict[str, Any]:
    """The answer in a few fields (manifest.json and the command's last lines)."""
    v = result.verification
    return _jsonable({
        "met": result.met,
        "reachable": result.reachable,
        "cost": result.cost,
        "plan": result.space.describe(result.choice),
        "shortfall": round(result.solution.total_slack),
        "verified_probability": None if v is None else v.probability,
        "ci": None if v is None else [v.ci_low, v.ci_high],
        "stop_reason": result.stop_reason,
        "blocking": result.blocking,
        "sims_used": result.sims_used,
        "budget_sims": result.budget_sims,
        "rounds": len(result.history),
    })


def write_files(result: OptimiseResult, directory: str | Path, *, command: list[str] | None = None,
                scenario_file: str | None = None, variant_file: str | None = None) -> dict[str, Path]:
    """Write every file of an optimisation run into an existing folder; return name -> path."""
    from sporen.common.files import write_text
    from sporen.outputs.tables import build_manifest, write_json

    directory = Path(directory)
    files: dict[str, Path] = {}
    files["plan.yaml"] = write_text(directory / "plan.yaml", plan_yaml(result))
    history = pd.DataFrame(result.history).drop(columns=["solve_seconds"], errors="ignore")
    tables = {"formation": result.formation, "budget": result.budget, "tradeoff": result.tradeoff,
              "verification": verification_frame(result), "shadow_prices": result.shadow_prices,
              "savings": result.savings, "history": history}
    for name, frame in tables.items():
        files[f"{name}.csv"] = _csv(frame, directory / f"{name}.csv")
    options = {k: v for k, v in asdict(result.options).items() if k not in ("space", "progress", "workers")}
    target = asdict(result.target)
    seeds = [{"replication": i, "entropy": int(s.entropy), "spawn_key": [int(k) for k in s.spawn_key]}
             for i, s in enumerate(np.random.SeedSequence(result.options.seed).spawn(result.options.replications))]
    rules = rules_file_of(result.scenario, scenario_file)
    if rules is not None and not Path(rules).is_file():
        rules = None
    manifest = build_manifest(
        command=command or ["sporen", "optimise"], scenario=result.scenario, scenario_file=scenario_file,
        variant_name=result.scenario.name if variant_file else None, variant_file=variant_file,
        plan=result.plan, plan_file="plan.yaml", rules_file=rules,
        seed=result.options.seed, seed_records=seeds, files=files,
        extra={"kind": "optimise", "options": _jsonable(options), "target": _jsonable(target),
               "verification_seeds": result.verification.seeds if result.verification else None,
               "levers": [{"lever": lv.key, "levels": [lv.label(k) for k in range(len(lv.levels))],
                           "baseline": lv.label(lv.baseline)} for lv in result.space.levers],
               "answer": summary(result)})
    write_json(manifest, directory / "manifest.json")
    write_json(_jsonable({"total_seconds": round(result.total_seconds, 3),
                          "simulation_seconds": round(result.sim_seconds, 3),
                          "solve_seconds": round(result.solve_seconds, 4),
                          "solve_seconds_per_round": [round(h.get("solve_seconds", 0.0), 4) for h in result.history],
                          "explain_seconds": round(result.explain_seconds, 3), "sims_used": result.sims_used,
                          "workers": result.options.workers}), directory / "timing.json")
    files["manifest.json"] = directory / "manifest.json"
    files["timing.json"] = directory / "timing.json"
    return files


def write_run(result: OptimiseResult, out_dir: str | Path | RunFolder, **kwargs: Any) -> Path:
    """Write the run into `out_dir`, appearing whole or not at all (and replacing only a sporen run)."""
    folder = out_dir if isinstance(out_dir, RunFolder) else RunFolder(Path(out_dir))
    with folder.open() as tmp:
        write_files(result, tmp, **kwargs)
    return folder.path
