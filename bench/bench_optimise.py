"""Benchmark of `sporen optimise` end to end on BMWE: `python bench/bench_optimise.py`.

Prints the machine and date, then for inputs/scenarios/bmwe.yaml with the command's defaults
(R = 12 optimisation replications, V = 100 verification replications, target from 2019, 90%)
on `--workers` processes (default 2): wall time (goal < 60 s on 2 cores), replications simulated,
the simulator's share of the time, MIP solve time per round and in all, the rounds of the loop,
the answer and its verified probability. The machine's load average is printed too: wall times
are only comparable on an otherwise idle machine, so the CPU time of all processes (the main one
and the simulator's workers) is printed as well, with the idle-machine estimate CPU / workers.

Options: --workers K, --replications R, --verify V, --target-from YEAR, --scenario FILE.
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
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from machine import describe as describe_machine  # noqa: E402

from sporen.inputs.load import load_scenario  # noqa: E402
from sporen.optimise.decisions import decision_space  # noqa: E402
from sporen.optimise.design import design_points  # noqa: E402
from sporen.optimise.loop import OptimiseOptions, optimise  # noqa: E402

GOAL_SECONDS = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "inputs" / "scenarios" / "bmwe.yaml"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--replications", type=int, default=12)
    parser.add_argument("--verify", type=int, default=100)
    parser.add_argument("--target-from", type=int, default=None)
    args = parser.parse_args()

    print(f"machine: {describe_machine()}")
    print(f"date:    {dt.datetime.now().isoformat(timespec='seconds')}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    scenario = load_scenario(args.scenario)
    space = decision_space(scenario)
    print(f"scenario: {scenario.name}: {len(space.levers)} levers, {len(design_points(space))} design points, "
          f"{space.size():,} plans in the decision space")
    options = OptimiseOptions(replications=args.replications, verify=args.verify, workers=args.workers,
                              target_from=args.target_from)
    cpu_before = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                     for f in ("ru_utime", "ru_stime"))
    started = time.perf_counter()
    result = optimise(scenario, options)
    wall = time.perf_counter() - started
    try:  # reap the simulator's worker processes so their CPU time is counted
        from sporen.sim.runner import shutdown_pools

        shutdown_pools()
    except ImportError:
        pass
    cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime")) - cpu_before
    rounds = result.history
    print(f"end to end:     {wall:.1f} s on {args.workers} workers (goal < {GOAL_SECONDS:.0f} s)"
          f" {'OK' if wall < GOAL_SECONDS else 'ABOVE GOAL'}")
    print(f"cpu time:       {cpu:.1f} s in all processes; on {args.workers} idle cores about "
          f"{cpu / args.workers:.0f} s (an estimate that does not depend on other jobs' load)")
    print(f"simulations:    {result.sims_used} replications ({len(design_points(space)) * args.replications} "
          f"in the design), {result.sim_seconds:.1f} s in the simulator "
          f"({result.sims_used / max(result.sim_seconds, 1e-9):.1f} replications/s)")
    print(f"MIP solve:      {result.solve_seconds * 1000:.0f} ms over {len(rounds)} rounds "
          f"(max {max(h['solve_seconds'] for h in rounds) * 1000:.0f} ms a round, two phases each)")
    print(f"explanations:   {result.explain_seconds:.1f} s (blocking, shadow prices, savings, trade-off)")
    v = result.verification
    print(f"answer:         {result.space.describe(result.choice)}; extra cost EUR {result.cost:,}")
    if v is not None:
        print(f"verified:       {v.met}/{v.replications} = {v.probability:.1%} "
              f"(95% CI {v.ci_low:.1%}-{v.ci_high:.1%}); met={result.met}; stop: {result.stop_reason}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
