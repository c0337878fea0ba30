"""Instructions per BMWE replication, counted by valgrind: a speed figure that a busy machine does not move.

`python bench/bench_instructions.py [--reps 20] [--scenario inputs/scenarios/bmwe.yaml]`

Runs the engine in a child process under ``valgrind --tool=callgrind`` twice, once with no
replications after a warm-up and once with ``--reps`` more, with PYTHONHASHSEED=0 (dict and set
order, and so the instruction count, depend on the hash seed), and prints the difference per
replication. Wall-clock figures (bench_sim.py) need a quiet machine; this one does not, so it is
the before/after check for a change to sim/ when other work shares the cores. Counts vary by about
0.5% between runs.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = """
import sys
import numpy as np
from sporen.inputs.load import load_scenario
from sporen.inputs.plan import baseline_plan
from sporen.sim.engine import run_replication
scenario = load_scenario(sys.argv[1])
plan = baseline_plan(scenario)
run_replication(scenario, plan, np.random.SeedSequence(99))
for i, seed in enumerate(np.random.SeedSequence(7).spawn(int(sys.argv[2]))):
    run_replication(scenario, plan, seed, replication=i)
"""


def instructions(scenario: str, reps: int) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c",
                           WORK, scenario, str(reps)], capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if found is None:
        raise RuntimeError(done.stderr[-2000:])
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--scenario", default=str(ROOT / "inputs" / "scenarios" / "bmwe.yaml"))
    args = parser.parse_args()
    base = instructions(args.scenario, 0)
    total = instructions(args.scenario, args.reps)
    print(f"{Path(args.scenario).name}: {(total - base) / args.reps / 1e6:,.1f} M instructions per replication "
          f"({args.reps} replications, valgrind callgrind, PYTHONHASHSEED=0)")


if __name__ == "__main__":
    main()
