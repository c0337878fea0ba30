"""`sporen optimise`: the cheapest plan that meets the target, decided at a stated confidence,
verified on fresh futures and explained, written to a run folder.

The search itself is `optimise.loop.optimise`; this job checks the options, connects the
simulator (local processes or Dask) and writes the files.

Files (docs/optimisation.md describes every column):

==================  ===========================================================================
plan.yaml           the plan, loadable by `inputs.load.load_plan` (comment header with the verdict)
formation.csv       role, function, fte_now, fte_planned, change, yearly_cost, arrives, later, fte per year
budget.csv          instrument, year, places, places_now, budget, extra_cost, paid_from
verification.csv    verdict, probability, ci_low, ci_high, replications, met, seeds, confidence, zone, ...
tradeoff.csv        probability, plan, cost, verdict, verified_probability, low, high, futures, ...
relaxations.csv     per target year and constraint: the plan re-solved without it, its cost and reach
savings.csv         per lever of the plan: its cost and what the plan does without it (paired)
history.csv         one row per sequential test of the search (no wall-clock times: reruns are identical)
manifest.json       scenario, options, seeds, versions, the answer with its verdict, file hashes
timing.json         wall-clock seconds, simulations used per stage (differs between reruns)
futures-cache.bin   the futures simulated (optimise/cache.py), reused by a rerun into this folder
==================  ===========================================================================
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sporen.inputs.load import load_with_variant
from sporen.jobs.options import OptimiseJobOptions, check_out_folder, raise_problems
from sporen.jobs.runs import RunFolder, rules_file_of, run_folder
from sporen.optimise.cache import CACHE_FILE
from sporen.optimise.loop import OptimiseResult
from sporen.optimise.stats import VERDICT_WORDS


@dataclass
class OptimiseJobResult:
    """The optimiser's answer and the folder it was written to."""

    optimised: OptimiseResult
    out_dir: Path


def run_optimise(options: OptimiseJobOptions, progress: Callable[[int, int, str], None] | None = None
                 ) -> OptimiseJobResult:
    """Find, verify and explain the plan; write the run folder. InputError for bad input; an
    `OptionsError` (optimise.options) for options that do not fit the scenario, named by the edge.

    `progress(simulated, planned, stage)` replaces the progress bar (the web app passes one)."""
    from sporen.optimise.loop import optimise
    from sporen.sim import futures
    from sporen.sim.api import evaluate, session

    inputs = [options.scenario, options.variant]
    raise_problems(check_out_folder(options.out, inputs))
    scenario = load_with_variant(options.scenario, options.variant)
    out = run_folder(options.out, "optimise", scenario.name, [*inputs, rules_file_of(scenario, options.scenario)])
    parallel = options.parallel
    searched = options.optimiser.model_copy(update={"workers": parallel.local_workers(), "progress": options.progress})
    with session(parallel.chosen_backend, parallel.scheduler) as client:
        simulate = functools.partial(evaluate, backend=parallel.chosen_backend, scheduler=client)
        # the plans of a stage in one dispatch (only with the simulator itself: a replaced one goes one by one)
        many = (functools.partial(futures.evaluate_many, backend=parallel.chosen_backend, scheduler=client)
                if getattr(evaluate, "__module__", "") == "sporen.sim.api" else None)
        result = optimise(scenario, searched, evaluate=simulate, progress=progress, evaluate_many=many,
                          cache_file=out.path / CACHE_FILE)
    write_run(result, out, command=options.command or options.command_line(), scenario_file=str(options.scenario),
              variant_file=str(options.variant) if options.variant else None)
    return OptimiseJobResult(result, out.path)


FLOAT_FORMAT = "%.10g"



def target_words(result: OptimiseResult) -> str:
    """The target in one line, e.g. 'BUIG result after vangnet >= EUR 0 in every year of 2019-2021, ...'."""
    target = result.target
    years = result.scenario.horizon_years
    line = {"buig": "BUIG result after vangnet", "exploitatie": "exploitatie result"}[target.on]
    if result.options.objective == "net":
        return "the best mean net result (result after vangnet over the horizon minus the plan's extra cost)"
    chance = "on average" if target.mean else f"in at least {float(target.probability):.0%} of futures"
    return (f"{line} >= EUR {target.level:,} {'summed over' if target.cumulative else 'in every year of'} "
            f"{target.from_year}-{years[-1]}, {target.scope}, {chance}")


def verdict_line(result: OptimiseResult) -> str:
    """The verdict in words with the verified figure and its confidence bounds."""
    v = result.verification
    if result.options.objective == "net":
        if v is None or v.replications == 0:
            return "no lever step pays for itself: the baseline has the best net result"
        words = {"meets": "pays for itself", "on_the_edge": "has a net gain within noise",
                 "does_not_meet": "does not pay for itself"}[v.verdict]
        return (f"the plan {words}: mean net gain EUR {v.estimate:,.0f} over the baseline on {v.replications} "
                f"fresh futures ({result.precision.confidence:.0%} bounds EUR {v.ci_low:,.0f} to {v.ci_high:,.0f})")
    if v is None:
        return "the plan was not verified (simulation budget spent)"
    words = VERDICT_WORDS[v.verdict]
    if v.probability is None:
        return (f"the plan {words} on average on {v.replications} fresh futures "
                f"(worst target group's margin {v.estimate:+.2%} of its BUIG budget, bounds {v.ci_low:+.2%} to "
                f"{v.ci_high:+.2%})")
    line = (f"the plan {words}: {v.met} of {v.replications} fresh futures meet it ({v.probability:.1%}; "
            f"{v.bounds} at {result.precision.confidence:.0%}: {v.ci_low:.1%}-{v.ci_high:.1%}; required "
            f"{float(result.target.probability):.0%}, indifference zone {100 * v.zone:g} points)")
    others = [(p, c) for p, c in result.verified if p != result.point and p == result.reference]
    if others and v.verdict == "does_not_meet" and others[0][1].verdict != "does_not_meet":
        c = others[0][1]
        line += (f"; the best reachable plan (EUR {result.space.point_cost(others[0][0]):,}) {VERDICT_WORDS[c.verdict]}"
                 f" on the same fresh futures ({c.probability:.1%}, bounds {c.ci_low:.1%}-{c.ci_high:.1%}): the "
                 "target is not out of reach, but no plan meets it clearly")
    return line


def cheaper_on_edge_lines(optimised: Any, lang: str) -> list[str]:
    """Beside an answer dearer than a verified plan on the edge: that plan, its probability and bounds, and
    the extra cost of the answer's certainty (never a silent swap to a dearer plan)."""
    from sporen.common import i18n
    from sporen.common.i18n import text

    edge = getattr(optimised, "cheaper_on_edge", None)
    if edge is None:
        return []
    point, check = edge
    space = optimised.space
    cost = space.point_cost(point)
    return [text("cli.plan.cheaper_on_edge", lang, plan=space.describe_point(point), cost=i18n.money(cost, lang),
                 n=check.replications, p=i18n.percent(check.probability, lang, 1),
                 low=i18n.percent(check.ci_low, lang, 1), high=i18n.percent(check.ci_high, lang, 1),
                 conf=i18n.percent(float(check.confidence), lang),
                 extra=i18n.money(optimised.cost - cost, lang))]


def plan_yaml(result: OptimiseResult) -> str:
    """plan.yaml text: a comment header, then the Plan (only levers away from the baseline)."""
    scenario = result.scenario
    lines = [
        f"# Plan found by `sporen optimise` for scenario '{scenario.name}' ({scenario.start}, {scenario.years} years).",
        f"# Target: {target_words(result)}.",
        f"# Extra cost over the horizon: EUR {result.cost:,}. Verdict: {result.verdict}.",
        f"# {verdict_line(result)[0].upper()}{verdict_line(result)[1:]}.",
        "# Omitted roles, instruments and measures stay as in the baseline; staff arrive in the month",
        "# given and change again at the months under 'later'; instruments have their places per year.",
        "# Simulate it with: sporen simulate SCENARIO --plan plan.yaml", ""]
    body = result.plan.model_dump(mode="json")
    for level in body["staff"].values():
        if not level.get("later"):
            level.pop("later", None)
    body["instruments"] = {name: {int(y): p for y, p in per.items()} for name, per in body["instruments"].items()}
    return "\n".join(lines) + yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


VERIFICATION_COLUMNS = ["verdict", "probability", "ci_low", "ci_high", "replications", "met", "required",
                        "confidence", "zone", "estimate", "seeds", "block", "mean_result"]


def verification_frame(result: OptimiseResult) -> pd.DataFrame:
    """One row per verified plan (the answer first), each on its own fresh futures."""
    rows = []
    verified = list(result.verified)
    verified.sort(key=lambda item: item[0] != result.point)
    for point, v in verified:
        rows.append({"verdict": v.verdict, "probability": None if v.probability is None else round(v.probability, 6),
                     "ci_low": round(v.ci_low, 6), "ci_high": round(v.ci_high, 6), "replications": v.replications,
                     "met": v.met, "required": result.target.probability, "confidence": v.confidence,
                     "zone": v.zone, "estimate": round(v.estimate, 6), "seeds": v.seeds, "block": v.block,
                     "mean_result": "; ".join(f"{g}: {m:.0f}" for g, m in v.mean_result.items()),
                     "plan": result.space.describe_point(point), "cost": result.space.point_cost(point),
                     "answer": point == result.point})
    return pd.DataFrame(rows, columns=[*VERIFICATION_COLUMNS, "plan", "cost", "answer"])


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


def _edge_summary(result: OptimiseResult) -> dict[str, Any] | None:
    edge = result.cheaper_on_edge
    if edge is None:
        return None
    point, check = edge
    return {"plan": result.space.describe_point(point), "cost": result.space.point_cost(point),
            "verified_probability": check.probability, "bounds": [check.ci_low, check.ci_high],
            "verified_on": check.replications, "extra_cost_of_answer": result.cost - result.space.point_cost(point)}


def summary(result: OptimiseResult) -> dict[str, Any]:
    """The answer in a few fields (manifest.json, the command's last lines, the web app)."""
    v = result.verification
    return _jsonable({
        "verdict": result.verdict,
        "met": result.met,
        "out_of_reach": result.out_of_reach,
        "cost": result.cost,
        "plan": result.describe(),
        "verified_probability": None if v is None else v.probability,
        "bounds": None if v is None else [v.ci_low, v.ci_high],
        "verified_on": None if v is None else v.replications,
        "confidence": result.precision.confidence,
        "zone": result.precision.zone,
        "regime": result.regime,
        "best_reachable": result.reference_text,
        "stop_reason": result.stop_reason,
        "budget_spent": result.budget_spent,
        "cheaper_on_edge": _edge_summary(result),
        "bounds_method": None if v is None else v.bounds,
        "blocking": result.blocking,
        "sims_used": result.sims_used,
        "budget_sims": result.budget_sims,
        "tests": len(result.history),
    })


def write_files(result: OptimiseResult, directory: str | Path, *, command: list[str] | None = None,
                scenario_file: str | None = None, variant_file: str | None = None) -> dict[str, Path]:
    """Write every file of an optimisation run into an existing folder; return name -> path."""
    from sporen.common.files import write_text
    from sporen.outputs.tables import build_manifest, write_json

    directory = Path(directory)
    files: dict[str, Path] = {}
    files["plan.yaml"] = write_text(directory / "plan.yaml", plan_yaml(result))
    if result.cache_key is not None:
        from sporen.optimise import cache

        files[CACHE_FILE] = cache.save(directory / CACHE_FILE, result.cache_key, result.futures)
    tables = {"formation": result.formation, "budget": result.budget, "tradeoff": result.tradeoff,
              "verification": verification_frame(result), "relaxations": result.relaxations,
              "savings": result.savings, "history": pd.DataFrame(result.history)}
    for name, frame in tables.items():
        files[f"{name}.csv"] = _csv(frame, directory / f"{name}.csv")
    options = result.options.manifest()
    target = asdict(result.target)
    seeds = [{"replication": i, "entropy": int(s.entropy), "spawn_key": [int(k) for k in s.spawn_key]}
             for i, s in enumerate(np.random.SeedSequence(result.options.seed).spawn(result.options.replications))
             if isinstance(s.entropy, int)]
    rules = rules_file_of(result.scenario, scenario_file)
    if rules is not None and not Path(rules).is_file():
        rules = None
    manifest = build_manifest(
        command=command or ["sporen", "optimise"], scenario=result.scenario, scenario_file=scenario_file,
        variant_name=result.scenario.name if variant_file else None, variant_file=variant_file,
        plan=result.plan, plan_file="plan.yaml", rules_file=rules,
        seed=result.options.seed, seed_records=seeds, files=files,
        extra={"kind": "optimise", "options": _jsonable(options), "target": _jsonable(target),
               "verdict": result.verdict,
               "verification_seeds": result.verification.seeds if result.verification else None,
               "selection_futures": f"SeedSequence({result.options.seed}) children 0-..., as many as each test "
                                    "needed (history.csv)",
               "levers": [{"lever": lv.key, "levels": [lv.label(k) for k in range(len(lv.levels))],
                           "baseline": lv.label(lv.baseline)} for lv in result.space.levers],
               "answer": summary(result)})
    write_json(manifest, directory / "manifest.json")
    write_json(_jsonable({"total_seconds": round(result.total_seconds, 3),
                          "simulation_seconds": round(result.sim_seconds, 3),
                          "explain_seconds": round(result.explain_seconds, 3), "sims_used": result.sims_used,
                          "sims_by_stage": result.stage_sims, "workers": result.options.workers,
                          "reused_from_cache": result.reused}),
               directory / "timing.json")
    files["manifest.json"] = directory / "manifest.json"
    files["timing.json"] = directory / "timing.json"
    return files


def write_run(result: OptimiseResult, out_dir: str | Path | RunFolder, **kwargs: Any) -> Path:
    """Write the run into `out_dir`, appearing whole or not at all (and replacing only a sporen run)."""
    folder = out_dir if isinstance(out_dir, RunFolder) else RunFolder(Path(out_dir))
    with folder.open() as tmp:
        write_files(result, tmp, **kwargs)
    return folder.path
