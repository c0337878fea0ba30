"""CPU per replication of 1,000 BMWE replications on 1 and on 2 workers (sim.runner): the parallel overhead.

    python bench/bench_runner.py                   # 1,000 replications on 1 and 2 workers, yearly + kpis
    python bench/bench_runner.py --frames all      # also monthly and spells (what `sporen simulate` builds)
    python bench/bench_runner.py -n 200 --workers 1

For each worker count: wall time, CPU seconds of this process and its workers, CPU milliseconds per
replication, and the parallel efficiency: the one-worker CPU per replication over this one's (1.00:
no overhead; target >= 0.90, i.e. 2 workers reach >= 90% of twice the one-core rate). One worker
runs in this process; more start a pool (its start is counted). A short warm-up run comes first.

Uses inputs/scenarios/bmwe.yaml when it exists, else tests/data/tiny.yaml. Prints the machine,
the date, the scenario, the wall time (including starting the worker processes) and the CPU time
of this process and its workers, with the load average before and after: on a busy machine the
wall time says little, and CPU seconds / cores is what an idle machine would take. The target:
1,000 BMWE replications in under 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from machine import cpu_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--replications", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--frames", choices=["yearly", "evaluate", "all"], default="evaluate",
                        help="yearly: money only (the optimiser's fastest call); evaluate: yearly + kpis "
                             "(sim.api.evaluate's default); all: also monthly and spells")
    parser.add_argument("--scenario", default=None, help="default: inputs/scenarios/bmwe.yaml, else tiny")
    args = parser.parse_args()

    from sporen.inputs.load import load_scenario
    from sporen.sim.runner import run, shutdown_pools

    path = Path(args.scenario) if args.scenario else ROOT / "inputs" / "scenarios" / "bmwe.yaml"
    if not path.exists():
        path = ROOT / "tests" / "data" / "tiny.yaml"
    scenario = load_scenario(path)
    frames = {"yearly": ("yearly",), "evaluate": ("yearly", "kpis"),
              "all": ("monthly", "yearly", "kpis", "spells")}[args.frames]

    print(f"machine: {platform.node()} | {cpu_model()} | {os.cpu_count()} cpus | Python {platform.python_version()}")
    print(f"date: {datetime.datetime.now().isoformat(timespec='seconds')}")
    print(f"scenario: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({scenario.name}, "
          f"{len(scenario.municipalities)} municipalities, {scenario.years} years)")
    load_before = os.getloadavg()[0]

    def own_cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime + own.ru_stime

    def cpu() -> float:
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own_cpu() + kids.ru_utime + kids.ru_stime

    run(scenario, None, replications=2, seed=1, workers=1, progress=False, frames=frames)   # warm-up
    per_replication = {}
    for workers in args.workers:
        cpu_before, own_before = cpu(), own_cpu()
        started = time.perf_counter()
        result = run(scenario, None, replications=args.replications, seed=args.seed, workers=workers,
                     progress=False, frames=frames)
        wall = time.perf_counter() - started
        shutdown_pools()          # reaps the workers, so their CPU time is counted
        cpu_seconds, own_seconds = cpu() - cpu_before, own_cpu() - own_before
        per_replication[workers] = cpu_seconds / args.replications
        rows = {name: len(getattr(result, name)) for name in frames}
        efficiency = (f"; efficiency {per_replication[1] / per_replication[workers]:.2f}"
                      if 1 in per_replication and workers != 1 else "")
        print(f"{args.replications} replications, {workers} workers, frames {'+'.join(frames)}: "
              f"{wall:.1f} s wall; CPU {cpu_seconds:.1f} s = {per_replication[workers] * 1000:.1f} ms per "
              f"replication{efficiency}; main process {own_seconds:.1f} s; rows {rows}; "
              f"load average {os.getloadavg()[0]:.1f}")
    print(f"load average before {load_before:.1f}")

if __name__ == "__main__":
    main()
