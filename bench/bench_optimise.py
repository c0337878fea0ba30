"""Benchmark of `sporen optimise` and `sporen plan` end to end on BMWE: `python bench/bench_optimise.py`.

Prints the machine and date, then for inputs/scenarios/bmwe.yaml with the commands' defaults
(confidence 95%, zone 2 points, 40 design futures, target from 2019 at 90%, trade-off 0.8 and 0.95)
on `--workers` processes (default 2):

* `optimise`: wall time, CPU time of all processes (the idle-machine estimate CPU / workers),
  simulations used per stage (design, search, explanations), the number of sequential tests, the
  plan, its cost, the verdict with the verified probability and its confidence bounds, and the
  best reachable plan;
* with `--plan`: the whole `sporen plan` job (optimise, report futures, report) into a temporary
  folder, its wall time (goal < 3 minutes on 2 cores) and verdict;
* with `--seeds 1,2,3,4`: the stability check of the issue: the same question on each seed, the
  plans' costs (spread against the cheapest) and verdicts.

The machine's load average is printed too: wall times are only comparable on an otherwise idle
machine, so CPU times are printed as well.

Options: --workers K, --scenario FILE, --seeds S,S,..., --plan, --no-explain, --tradeoff P,P;
--synthetic N: only the synthetic oracle of tests/test_optimise_seeds.py over N seeds (replications
per stage, CPU seconds, plans within 5% of the true cheapest), no simulator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from machine import describe as describe_machine  # noqa: E402

from sporen.inputs.load import load_scenario  # noqa: E402
from sporen.optimise.decisions import decision_space  # noqa: E402
from sporen.optimise.design import design_points  # noqa: E402
from sporen.optimise.loop import OptimiseOptions, optimise  # noqa: E402

PLAN_GOAL_SECONDS = 180.0


def _cpu() -> float:
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


def _reap() -> None:
    """Shut the simulator's worker pools down so their CPU time is counted."""
    try:
        from sporen.sim.runner import shutdown_pools

        shutdown_pools()
    except ImportError:
        pass


def run_optimise(scenario, workers: int, seed: int, explain: bool, tradeoff: tuple[float, ...]) -> None:
    cpu_before = _cpu()
    started = time.perf_counter()
    result = optimise(scenario, OptimiseOptions(workers=workers, seed=seed, explain=explain, tradeoff=tradeoff))
    wall = time.perf_counter() - started
    _reap()
    cpu = _cpu() - cpu_before
    v = result.verification
    tests = len(result.history)
    print(f"seed {seed}: {wall:.1f} s wall on {workers} workers, {cpu:.1f} s CPU (idle estimate "
          f"{cpu / workers:.0f} s); {result.sims_used} replications {result.stage_sims}; {tests} sequential tests")
    print(f"   plan: {result.describe()}; extra cost EUR {result.cost:,}")
    if v is not None and v.probability is not None:
        print(f"   verdict: {result.verdict}: {v.met}/{v.replications} fresh futures = {v.probability:.1%} "
              f"(bounds {v.ci_low:.1%}-{v.ci_high:.1%}); regime: {result.regime}; stop: {result.stop_reason}")
    print(f"   best reachable: {result.reference_text}")
    for line in result.blocking:
        print(f"   blocking: {line}")
    return result


def synthetic(seeds: int) -> int:
    """The optimiser on the synthetic oracle of tests/test_optimise_seeds.py (every plan's probability known,
    no simulator): replications per stage (median over the seeds), CPU seconds, and how often the plan
    found costs within 5% of the true cheapest plan that meets the target."""
    import itertools
    import statistics

    sys.path.insert(0, str(ROOT / "tests"))
    from optimise_fakes import BernoulliSim, additive_probability, small_space, tiny

    from sporen.optimise.constraints import HardLimits
    from sporen.optimise.loop import OptimiseOptions, optimise

    levels = {"role:km_werk": [1.0, 1.5, 2.0, 2.5, 3.0], "instrument:leerwerk": [10, 20, 30],
              "measure:screening": [False, True]}
    space = small_space(tiny(), levels)
    probability = additive_probability(space.scenario, 0.55, {"role:km_werk": 0.12, "instrument:leerwerk": 0.006,
                                                              "measure:screening": 0.08}, years=[2019])
    limits = HardLimits(space, {})
    cheapest = min(space.point_cost(p) for p in (
        tuple((k, k) if lv.kind == "measure" else (lv.baseline, k) for lv, k in zip(space.levers, second, strict=True))
        for second in itertools.product(*(range(len(lv.levels)) for lv in space.levers)))
        if limits.admissible(p) and probability(space.scenario, space.point_plan(p)) >= 0.9)
    started = time.process_time()
    rows = []
    for seed in range(seeds):
        r = optimise(space.scenario, OptimiseOptions(space=space, seed=seed, explain=False),
                     evaluate=BernoulliSim(probability))
        verification = sum(v.replications for _, v in r.verified)
        rows.append((r.stage_sims.get("design", 0), r.stage_sims.get("search", 0) - verification, verification,
                     r.sims_used, r.cost))
    print(f"synthetic oracle, {seeds} seeds, {time.process_time() - started:.1f} CPU-s")
    for i, name in enumerate(["design", "search (selection)", "verification", "total"]):
        print(f"  replications, {name}: median {statistics.median(row[i] for row in rows):,.0f}")
    within = sum(row[4] <= 1.05 * cheapest + 1 for row in rows)
    print(f"  within 5% of the true cheapest (EUR {cheapest:,}): {within} of {seeds}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "inputs" / "scenarios" / "bmwe.yaml"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", default="20180101")
    parser.add_argument("--plan", action="store_true", help="also time the whole `sporen plan` job")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--tradeoff", default="0.8,0.95")
    parser.add_argument("--synthetic", type=int, default=0, metavar="SEEDS",
                        help="only the synthetic oracle over SEEDS seeds (no simulator)")
    args = parser.parse_args()

    print(f"machine: {describe_machine()}")
    print(f"date:    {dt.datetime.now().isoformat(timespec='seconds')}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.synthetic:
        return synthetic(args.synthetic)
    scenario = load_scenario(args.scenario)
    space = decision_space(scenario)
    print(f"scenario: {scenario.name}: {len(space.levers)} levers, {len(design_points(space))} design points, "
          f"{space.size():,} plans with one level per lever")
    tradeoff = tuple(float(p) for p in args.tradeoff.split(",") if p.strip())
    results = [run_optimise(scenario, args.workers, int(seed), not args.no_explain, tradeoff)
               for seed in args.seeds.split(",")]
    if len(results) > 1:
        costs = [r.cost for r in results]
        spread = max(costs) / max(min(costs), 1) - 1
        print(f"stability: costs {', '.join(f'EUR {c:,}' for c in costs)} (spread {spread:.1%}; goal <= 5%); "
              f"verdicts {', '.join(r.verdict for r in results)}")
    if args.plan:
        from sporen.jobs.plan import PlanJobOptions, run_plan_job

        with tempfile.TemporaryDirectory() as folder:
            cpu_before = _cpu()
            started = time.perf_counter()
            job = run_plan_job(PlanJobOptions.parse(scenario=args.scenario, out=Path(folder) / "plan", quiet=True,
                                                    parallel={"workers": args.workers}))
            wall = time.perf_counter() - started
            _reap()
            cpu = _cpu() - cpu_before
        print(f"sporen plan: {wall:.1f} s wall (goal < {PLAN_GOAL_SECONDS:.0f} s: "
              f"{'OK' if wall < PLAN_GOAL_SECONDS else 'ABOVE GOAL'}), {cpu:.1f} s CPU; "
              f"{job.optimised.sims_used} optimiser replications; verdict {job.verdict}; plan "
              f"{job.optimised.describe()} EUR {job.optimised.cost:,}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
