"""Validation of `sporen optimise` against brute force on fresh futures: `python bench/validate_optimise.py`.

An independent check of the optimiser's promise on a small scenario whose whole decision space
can be enumerated: a Nijkerk-like variant of inputs/scenarios/nijkerk.yaml with four levers (three
caseworker/employer-services roles and a re-integration instrument paid from a capped
participatiebudget). Steps:

1. every admissible plan (one level per lever) is simulated on the same F fresh futures (default
   300; root seed 999, never a seed the optimiser uses), so each plan's share of futures meeting
   the default target (no deficit after vangnet from the second year, 90%) is known; the true
   cheapest plan is the cheapest whose share reaches 90%;
2. `optimise` runs with its defaults (2 workers) on several seeds;
3. for each run: the plan's cost against the true cheapest (within 5%?), its verdict, and its own
   share on the F fresh futures.

Options: --futures F, --seeds 1,2,3,4, --workers K, --budget EUR (the BUIG budget that sets how hard
the target is), --static (optimise one level per lever, as the enumeration does).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from machine import describe as describe_machine  # noqa: E402

from sporen.inputs.load import scenario_from_dict  # noqa: E402
from sporen.optimise.constraints import HardLimits  # noqa: E402
from sporen.optimise.decisions import decision_space  # noqa: E402
from sporen.optimise.design import result_array  # noqa: E402
from sporen.optimise.loop import OptimiseOptions, default_target_from, make_target, optimise  # noqa: E402
from sporen.optimise.model import met_by_replication  # noqa: E402
from sporen.sim.api import evaluate  # noqa: E402

NIJKERK = ROOT / "inputs" / "scenarios" / "nijkerk.yaml"


def nijkerk_like(budget: int) -> object:
    """Nijkerk with four levers: km_regulier, km_doelgroepregister, accountmanager (0.5-fte steps to
    their seed maxima) and 'werkfit', a trajectory on the regular track paid from a participatiebudget
    of EUR 120,000 a year; the BUIG budget `budget` a year sets how hard the target is."""
    import yaml

    raw = yaml.safe_load(NIJKERK.read_text(encoding="utf-8"))
    for role in raw["roles"]:
        if role["name"] == "admin":
            role["max_fte"] = {"value": 0.0, "source": "validation: no lever", "kind": "assumption"}
    for inst in raw["instruments"]:
        inst["max_places_per_year"] = {"value": inst["places_per_year"]["value"], "source": "validation: no lever",
                                       "kind": "assumption"}
    raw["instruments"].append({
        "name": "werkfit", "track": "regulier", "kind": "trajectory",
        "cost_per_participant": {"value": 4000, "source": "validation assumption", "kind": "assumption"},
        "duration_months": {"value": 6, "source": "validation assumption", "kind": "assumption"},
        "places_per_year": {"value": 10, "source": "validation assumption", "kind": "assumption"},
        "max_places_per_year": {"value": 40, "source": "validation assumption", "kind": "assumption"},
        "work_probability_at_end": {"value": 0.35, "source": "validation assumption", "kind": "assumption"},
        "paid_from": "participatiebudget"})
    years = [int(raw["start"][:4]) + i for i in range(int(raw["years"]))]
    raw["finance"]["participatiebudget"] = {"value": {y: 120000 for y in years}, "source": "validation assumption",
                                            "kind": "assumption", "unit": "EUR/year"}
    for muni in raw["municipalities"]:
        muni["buig_budget"]["value"] = {y: budget for y in years}
    raw["name"] = "nijkerk-like"
    return scenario_from_dict(raw, str(NIJKERK))


def shares(scenario, space, choices, seeds, workers: int) -> dict:
    target = make_target(scenario, OptimiseOptions())
    years, munis = scenario.horizon_years, [m.name for m in scenario.municipalities]
    out = {}
    for choice in choices:
        run = evaluate(scenario, space.plan(choice), seeds, workers=workers, frames=("yearly",))
        met = met_by_replication(result_array(run.yearly, years, munis), years, munis, target)
        out[choice] = float(met.mean())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--futures", type=int, default=300)
    parser.add_argument("--seeds", default="1,2,3,4")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--budget", type=int, default=6_700_000)
    parser.add_argument("--static", action="store_true")
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    scenario = nijkerk_like(args.budget)
    space = decision_space(scenario)
    limits = HardLimits(space, {})
    choices = [c for c in space.all_choices() if limits.admissible(space.point(c))]
    print(f"scenario {scenario.name}: levers {[lv.key for lv in space.levers]}, {space.size()} plans, "
          f"{len(choices)} within the participatiebudget; target from {default_target_from(scenario)}, 90%")
    fresh = np.random.SeedSequence(999).spawn(args.futures)
    started = time.perf_counter()
    truth = shares(scenario, space, choices, fresh, args.workers)
    print(f"enumeration: {len(choices)} plans x {args.futures} fresh futures in {time.perf_counter() - started:.0f} s")
    meeting = sorted((space.cost(c), c) for c, q in truth.items() if q >= 0.9)
    if not meeting:
        print("no plan meets the target on the fresh futures: choose a larger --budget")
        return 1
    best_cost, best = meeting[0]
    print(f"true cheapest: {space.describe(best)}  EUR {best_cost:,}  share {truth[best]:.3f}")
    for cost, c in sorted((space.cost(c), c) for c in choices)[:60]:
        if cost <= best_cost * 1.3:
            print(f"   EUR {cost:>9,}  {truth[c]:.3f}  {space.describe(c)}")
    ok_all = True
    for seed in (int(s) for s in args.seeds.split(",")):
        started = time.perf_counter()
        result = optimise(scenario, OptimiseOptions(seed=seed, workers=args.workers, dynamic=not args.static))
        seconds = time.perf_counter() - started
        run = evaluate(scenario, result.plan, fresh, workers=args.workers, frames=("yearly",))
        years, munis = scenario.horizon_years, [m.name for m in scenario.municipalities]
        own = met_by_replication(result_array(run.yearly, years, munis), years, munis,
                                 make_target(scenario, OptimiseOptions())).mean()
        within = result.cost <= 1.05 * best_cost
        ok = within and result.verdict == "meets"
        ok_all &= ok
        v = result.verification
        print(f"seed {seed}: {result.describe()}  EUR {result.cost:,} ({result.cost / best_cost - 1:+.1%} vs true "
              f"cheapest)  verdict {result.verdict}  verified {v.probability:.3f} on {v.replications}  "
              f"share on the {args.futures} fresh futures {own:.3f}  {result.sims_used} simulations  "
              f"{seconds:.0f} s  {'OK' if ok else 'NOT OK'}")
    print("all OK" if ok_all else "NOT all OK")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
