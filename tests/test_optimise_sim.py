"""The optimiser with the real simulator (sim.api.evaluate) on tests/data/tiny.yaml, checked by brute
force on fresh futures: every plan of a small space simulated on 200 futures the optimiser never
uses, so each plan's mean result is known to within a few thousand euros."""

from __future__ import annotations

import numpy as np
import pytest
from optimise_fakes import small_space, tiny

from sporen.inputs.plan import Plan, StaffLevel, check_plan
from sporen.optimise.design import result_array
from sporen.optimise.loop import OptimiseOptions, optimise
from sporen.sim.api import evaluate

LEVELS = {"role:km_werk": [1.0, 2.0], "instrument:leerwerk": [10, 20, 30]}
FRESH = 200
LEVEL = -95_000
"""The 2019 mean result after vangnet the plan must reach (tiny: baseline about -116k, 20 places about
-97k, 30 places about -75k, each +/- 5k)."""


@pytest.fixture(scope="module")
def brute():
    """Every plan's 2019 result (both municipalities) on FRESH futures from a root the optimiser never uses."""
    scenario = tiny()
    space = small_space(scenario, LEVELS)
    seeds = np.random.SeedSequence(4242).spawn(FRESH)
    years, muns = scenario.horizon_years, [m.name for m in scenario.municipalities]
    results = {}
    for choice in space.all_choices():
        run = evaluate(scenario, space.plan(choice), seeds, workers=2, frames=("yearly",))
        results[choice] = result_array(run.yearly, years, muns).sum(axis=2)[:, 1]
    return scenario, space, results


def test_real_simulator_answer_against_brute_force_on_fresh_futures(brute):
    scenario, space, results = brute
    means = {c: float(r.mean()) for c, r in results.items()}
    se = {c: float(r.std(ddof=1) / np.sqrt(len(r))) for c, r in results.items()}
    clear = [space.cost(c) for c in means if means[c] - 3 * se[c] >= LEVEL]   # clearly meets, by brute force
    assert clear and means[space.baseline] + 3 * se[space.baseline] < LEVEL    # the decision matters
    options = OptimiseOptions(probability="mean", target_level=LEVEL, target_from=2019, space=space,
                              dynamic=False, max_futures=800, tradeoff=(), workers=2, seed=7)
    result = optimise(scenario, options, evaluate=evaluate)
    assert result.verdict == "meets"
    assert result.cost <= min(clear)                   # no dearer than the cheapest clear plan
    assert means[result.choice] >= LEVEL - 3 * se[result.choice]
    # its verified mean is on fresh futures of its own, consistent with the brute force
    verified = result.verification.mean_result["2019"]
    assert abs(verified - means[result.choice]) < 6 * se[result.choice] + 10_000
    # the useless lever (tiny's km_werk has no effect here) is left at its baseline
    assert "km_werk" not in result.plan.staff


def test_a_tapering_staff_plan_is_simulated_and_costed_month_by_month():
    scenario = tiny()
    plan = Plan(name="taper", staff={"km_werk": StaffLevel(fte=3.0, arrives="2018-06", later={"2019-01": 2.0})})
    assert check_plan(plan, scenario) == []
    seeds = np.random.SeedSequence(1).spawn(2)
    base = evaluate(scenario, None, seeds, frames=("yearly",)).yearly
    taper = evaluate(scenario, plan, seeds, frames=("yearly",)).yearly
    extra = (taper.groupby("year")["personnel_cost"].sum() - base.groupby("year")["personnel_cost"].sum()) / 2
    assert extra.loc[2018] == pytest.approx(2 * 70_000 * 7 / 12, abs=2)
    assert extra.loc[2019] == pytest.approx(70_000, abs=2)
    bad = Plan(name="bad", staff={"km_werk": StaffLevel(fte=3.0, arrives="2018-06", later={"2018-03": 2.2})})
    problems = check_plan(bad, scenario)
    assert any("later.2018-03" in p[0] and "after" in p[1] for p in problems)
    assert any("0.5-fte steps" in p[1] for p in problems)


def test_a_batch_dispatch_gives_what_one_plan_at_a_time_gives():
    """The plans of a stage in one dispatch (sim.futures.evaluate_many) are the same futures, result for result."""
    from sporen.optimise.design import Oracle
    from sporen.sim import futures

    scenario = tiny()
    space = small_space(scenario, {"role:km_werk": [1.0, 2.0], "instrument:leerwerk": [10, 30]})
    points = [space.point(c) for c in space.all_choices()][:3]
    batched = Oracle(scenario, space, evaluate, 7, evaluate_many=futures.evaluate_many)
    batched.prefetch(points, 3)
    batched.prefetch(points, 5)                     # the missing futures only, again in one dispatch
    single = Oracle(scenario, space, evaluate, 7)
    for point in points:
        np.testing.assert_array_equal(batched.results(point, 5), single.results(point, 5))
    assert batched.batches == 2 and batched.sims == single.sims == 15
