"""The optimiser with the real simulator (sim.api.evaluate) on tests/data/tiny.yaml.

A space of 3 levers (2 x 3 x 2 = 12 plans) on 6 replications: every plan is simulated on the
optimisation seeds and the cheapest plan that meets the target is found by enumeration. The
target level is set between the baseline and the best plan, so the decision matters.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_optimise_fake import feasible, small_space, tiny

pytest.importorskip("sporen.sim.engine", reason="the simulation engine (sim/engine.py) is not there yet")

from sporen.optimise.design import Oracle, build_design, optimisation_seeds, result_array  # noqa: E402
from sporen.optimise.loop import OptimiseOptions, optimise  # noqa: E402
from sporen.optimise.model import Target, meets, solve  # noqa: E402
from sporen.sim.api import evaluate  # noqa: E402

LEVELS = {"role:km_werk": [1.0, 2.0], "instrument:leerwerk": [0, 10, 30], "measure:screening": [False, True]}
R = 6
SEED = 11


@pytest.fixture(scope="module")
def enumerated():
    """Every plan of the small space simulated on the optimisation seeds."""
    scenario = tiny()
    space = small_space(scenario, LEVELS)
    seeds = optimisation_seeds(SEED, R)
    years, muns = scenario.horizon_years, [m.name for m in scenario.municipalities]
    results = {}
    for choice in space.all_choices():
        run = evaluate(scenario, space.plan(choice), seeds, frames=("yearly",))
        results[choice] = result_array(run.yearly, years, muns)
    return scenario, space, seeds, results


def _brute(space, results, years, muns, target):
    ok = [(space.cost(c), c) for c, res in results.items()
          if feasible(space, c) and meets(res, years, muns, target)]
    if not ok:
        return None, []
    best = min(cost for cost, _ in ok)
    return best, [c for cost, c in ok if cost == best]


def _level_between(results, space, stat) -> int:
    """60% of the way from the baseline's statistic of 2019 to the best feasible plan's."""
    base = stat(results[space.baseline].sum(axis=2)[:, 1])
    best = max(stat(res.sum(axis=2)[:, 1]) for c, res in results.items() if feasible(space, c))
    return int(base + 0.6 * (best - base))


@pytest.mark.parametrize("probability,quantile", [("mean", None), (0.5, 0.5)])
def test_real_simulator_optimum_equals_brute_force(enumerated, probability, quantile):
    scenario, space, seeds, results = enumerated
    years, muns = scenario.horizon_years, [m.name for m in scenario.municipalities]
    stat = np.mean if quantile is None else (lambda v: float(np.sort(v)[::-1][R // 2 - 1]))
    level = _level_between(results, space, stat)
    target = Target(from_year=2019, level=level, probability=probability)
    best, plans = _brute(space, results, years, muns, target)
    assert best is not None and space.baseline not in plans

    # The MIP over every simulated plan (all interactions known) is the enumeration's optimum.
    oracle = Oracle(scenario, space, evaluate, seeds, [], budget=None)
    design = build_design(oracle)
    for choice, res in results.items():
        design.add(choice, res)
    exact = solve(design, target)
    assert exact.cost == best and exact.choice in plans

    # The loop, starting from the one-at-a-time design, reaches it after its corrections.
    options = OptimiseOptions(target_from=2019, target_level=level, probability=probability, replications=R,
                              verify=12, seed=SEED, space=space, explain=False)
    result = optimise(scenario, options, evaluate=evaluate)
    assert result.reachable
    assert np.array_equal(result.design.full[result.choice], results[result.choice])
    final_best, final_plans = _brute(space, results, years, muns, result.target)
    assert result.cost == final_best and result.choice in final_plans
