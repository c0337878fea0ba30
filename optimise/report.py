"""Writing an optimisation run into a folder (used by `sporen optimise` and `sporen plan`).

Files (docs/optimisation.md describes every column):

==================  ===========================================================================
plan.yaml           the plan, loadable by `inputs.load.load_plan` (comment header with the answer)
formation.csv       role, function, fte_now, fte_planned, change, yearly_cost, arrives
budget.csv          instrument, year, places, budget
tradeoff.csv        vary, target_level, probability, cost, feasible, shortfall, plan
verification.csv    probability, ci_low, ci_high, replications, met, seeds, accepted
shadow_prices.csv   constraint, family, meaning, unit, dual, saving_if_dropped, shortfall_if_dropped
savings.csv         per lever: baseline, chosen, cost, paired result effects
history.csv         one row per round of the loop
manifest.json       scenario, options, seeds, versions, the answer, file hashes (no timestamps)
timing.json         wall-clock seconds, simulations used, solve time (differs between reruns)
==================  ===========================================================================

The folder is written to a temporary folder beside the target and renamed when complete
(`outputs.rundir.RunDirectory`).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sporen.optimise.loop import OptimiseResult

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
    from sporen.outputs.tables import build_manifest, write_json

    directory = Path(directory)
    files: dict[str, Path] = {}
    path = directory / "plan.yaml"
    path.write_text(plan_yaml(result), encoding="utf-8")
    files["plan.yaml"] = path
    tables = {"formation": result.formation, "budget": result.budget, "tradeoff": result.tradeoff,
              "verification": verification_frame(result), "shadow_prices": result.shadow_prices,
              "savings": result.savings, "history": pd.DataFrame(result.history)}
    for name, frame in tables.items():
        files[f"{name}.csv"] = _csv(frame, directory / f"{name}.csv")
    options = {k: v for k, v in asdict(result.options).items() if k not in ("space", "progress", "workers")}
    target = asdict(result.target)
    seeds = [{"replication": i, "entropy": int(s.entropy), "spawn_key": [int(k) for k in s.spawn_key]}
             for i, s in enumerate(np.random.SeedSequence(result.options.seed).spawn(result.options.replications))]
    rules = result.scenario.finance.vangnet_rules
    if rules is not None and not Path(rules).is_file() and scenario_file is not None:
        rules = str(Path(scenario_file).parent / rules)  # relative to the scenario file
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
                          "explain_seconds": round(result.explain_seconds, 3), "sims_used": result.sims_used,
                          "workers": result.options.workers}), directory / "timing.json")
    files["manifest.json"] = directory / "manifest.json"
    files["timing.json"] = directory / "timing.json"
    return files


def write_run(result: OptimiseResult, out_dir: str | Path, **kwargs) -> Path:
    """Write the run into `out_dir`, appearing whole or not at all."""
    from sporen.outputs.rundir import RunDirectory

    with RunDirectory(out_dir) as tmp:
        write_files(result, tmp, **kwargs)
    return Path(out_dir)
