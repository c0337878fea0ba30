"""Benchmark of `sporen sensitivity` on BMWE: `python bench/bench_sensitivity.py`.

The analysis of `sporen sensitivity inputs/scenarios/bmwe.yaml --plan bench/bmwe-plan.yaml`
(the BMWE answer of `sporen plan`) with the command's defaults (Saltelli base 64, 32 futures per
tornado setting, target from 2019 at 90%) on `--workers` processes (default 2). Prints the
machine, date and load; the model runs; wall time (goal < 2 minutes on 2 cores) and CPU seconds
of this process and its workers (the idle-machine estimate: CPU / workers); the assumptions by
total index; the robustness sentences; and the metamodel check (item 4 of issue 20): per
assumption, whether the metamodel's and the simulation's total-order intervals overlap.

Options: --workers K, --base N, --futures R, --seed S, --plan FILE (default bench/bmwe-plan.yaml;
'baseline' for the current formation).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from machine import describe as describe_machine  # noqa: E402

from sporen.inputs.load import load_plan, load_scenario  # noqa: E402
from sporen.inputs.plan import baseline_plan  # noqa: E402
from sporen.inputs.vangnet_rules import scenario_vangnet_rules  # noqa: E402
from sporen.outputs.sensitivity_section import robustness_words  # noqa: E402
from sporen.sensitivity.analysis import TARGET_OUTPUT, analyse  # noqa: E402
from sporen.sensitivity.goal import Goal  # noqa: E402
from sporen.sensitivity.options import DEFAULT_BASE, DEFAULT_FUTURES  # noqa: E402
from sporen.sim.options import DEFAULT_SEED  # noqa: E402
from sporen.sim.runner import shutdown_pools  # noqa: E402


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the worker pool, once shut down)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--base", type=int, default=DEFAULT_BASE)
    parser.add_argument("--futures", type=int, default=DEFAULT_FUTURES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--plan", default=str(ROOT / "bench" / "bmwe-plan.yaml"))
    args = parser.parse_args()

    print(describe_machine())
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()[0]:.1f}")
    scenario = load_scenario(ROOT / "inputs" / "scenarios" / "bmwe.yaml")
    plan = baseline_plan(scenario) if args.plan == "baseline" else load_plan(args.plan, scenario)
    goal = Goal(from_year=scenario.horizon_years[1])
    wall, cpu = time.perf_counter(), cpu_seconds()
    found = analyse(scenario, plan, scenario_vangnet_rules(scenario), goal, base=args.base, futures=args.futures,
                    seed=args.seed, workers=args.workers)
    shutdown_pools()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(f"plan {plan.name}: {found.runs} model runs (base {found.base}, {found.futures} futures per tornado "
          f"setting); {wall:.1f} s wall, {cpu:.1f} s CPU (idle estimate {cpu / args.workers:.1f} s on "
          f"{args.workers} workers; goal < 120 s)")
    table = found.indices[found.indices["output"] == TARGET_OUTPUT].set_index("factor")
    meta = found.metamodel.set_index("factor")
    print("total index, result after vangnet in the target years: simulation [interval] | metamodel [interval]")
    for name in [*found.ranked, "seed"]:
        r, m = table.loc[name], meta.loc[name]
        print(f"  {name:52s} {r['total']:6.3f} [{r['total_low']:6.3f}, {r['total_high']:6.3f}] | "
              f"{m['total']:6.3f} [{m['total_low']:6.3f}, {m['total_high']:6.3f}]  "
              f"{'agree' if found.agreement.get(name, False) else 'DIFFER'}")
    print(f"intervals overlap for {int(found.agreement.sum())} of {len(found.agreement)} rows")
    from sporen.jobs.sensitivity import tables_of

    for line in robustness_words(tables_of(found), scenario, "en"):
        print(line)


if __name__ == "__main__":
    main()
