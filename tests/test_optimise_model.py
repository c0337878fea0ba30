"""The MIP and the loop against brute force on small decision spaces, with the fake oracle.

Every plan of a 2-3 lever space is simulated on the same optimisation seeds and checked against
the target and the hard constraints; the cheapest such plan must be the optimiser's (additive
oracle: straight from the design; sub-additive interactions: after the loop's corrections).
"""

from __future__ import annotations

import pytest
from test_optimise_fake import FakeSim, brute_force, small_space, tiny

from sporen.optimise.design import Oracle, build_design, optimisation_seeds, verification_seeds
from sporen.optimise.loop import OptimiseOptions, optimise
from sporen.optimise.model import CONSTRAINT_FAMILIES, SaaModel, Target, solve

LEVELS = {"role:km_werk": [1.0, 1.5, 2.0], "instrument:leerwerk": [0, 10, 20], "measure:screening": [False, True]}
SLOPES = {"role:km_werk": 40_000.0, "instrument:leerwerk": 3_000.0, "measure:screening": 30_000.0}


def _run(fake, target_kwargs, replications=10, levels=LEVELS, scenario=None):
    scenario = scenario or tiny()
    space = small_space(scenario, levels)
    options = OptimiseOptions(replications=replications, verify=40, space=space, **target_kwargs)
    return optimise(scenario, options, evaluate=fake)


@pytest.mark.parametrize("target_kwargs", [
    {"target_from": 2019},
    {"target_from": 2018, "probability": 0.8},
    {"target_from": 2019, "scope": "per-municipality", "target_level": -40_000, "probability": 0.7},
    {"target_from": 2018, "cumulative": True, "target_level": -20_000},
    {"target_from": 2019, "probability": "mean", "target_level": 30_000},
])
def test_additive_oracle_optimum_equals_brute_force(target_kwargs):
    fake = FakeSim(SLOPES)
    result = _run(fake, target_kwargs)
    seeds = optimisation_seeds(result.options.seed, result.options.replications)
    best, plans = brute_force(result.space, fake, seeds, result.target)
    assert best is not None
    assert result.reachable
    assert result.cost == best
    assert result.choice in plans
    # the design alone (no full plan beyond one-at-a-time points) gives the same answer
    oracle = Oracle(result.scenario, result.space, fake, seeds, [], budget=None)
    direct = solve(build_design(oracle), result.target)
    assert direct.cost == best


def test_interactions_are_corrected_by_the_loop():
    fake = FakeSim(SLOPES, gamma=1_500.0)
    result = _run(fake, {"target_from": 2019, "target_level": -20_000})
    seeds = optimisation_seeds(result.options.seed, result.options.replications)
    best, plans = brute_force(result.space, fake, seeds, result.target)
    assert result.cost == best and result.choice in plans
    # the additive model alone would have been too optimistic: the loop had to correct it
    assert any(h.get("simulated_met", 99) < h["predicted_met"] for h in result.history)
    assert result.choice in result.design.full  # the answer's prediction is its simulation


def test_impossible_target_gives_best_reachable_plan_and_blocker():
    fake = FakeSim(SLOPES)
    result = _run(fake, {"target_from": 2019, "target_level": 5_000_000})
    assert not result.met and not result.reachable
    assert result.solution.total_slack > 0
    assert result.plan is not None
    # best reachable: every lever at its top level (each one only helps)
    assert result.choice == tuple(lever.top for lever in result.space.levers)
    text = "\n".join(result.blocking)
    assert "target[2019]" in text and "out of reach" in text
    assert "km_werk is at its highest level 2 fte" in text
    assert result.stop_reason == "target out of reach"


def test_budget_cap_binds_and_is_explained():
    def patch(raw):
        raw["finance"]["participatiebudget"] = {2018: 40_000, 2019: 40_000}
    fake = FakeSim(SLOPES)
    scenario = tiny(patch)
    result = _run(fake, {"target_from": 2019, "target_level": 5_000_000}, scenario=scenario)
    for y in range(2):
        spend = sum(lv.spend[k][y] for lv, k in zip(result.space.levers, result.choice, strict=True))
        assert 30_000 <= spend <= 40_000
    budget = result.budget[result.budget["instrument"] == "leerwerk"]
    screening = 20_000 if result.plan.measures.get("screening") else 0
    assert (budget["budget"] + screening <= 40_000).all()
    assert any(line.startswith("participatiebudget blocks") for line in result.blocking)
    prices = result.shadow_prices
    row = prices[prices["constraint"] == "participatiebudget[*]"]
    assert len(row) == 1 and row["shortfall_if_dropped"].iloc[0] < result.solution.total_slack


def test_every_variable_and_constraint_is_named_and_documented():
    fake = FakeSim(SLOPES)
    scenario = tiny()
    space = small_space(scenario, LEVELS)
    seeds = optimisation_seeds(1, 5)
    design = build_design(Oracle(scenario, space, fake, seeds, [], budget=None))
    design.add((2, 2, 1), design.additive((2, 2, 1)) - 1000)  # an interaction correction
    model = SaaModel(design, Target(from_year=2019))
    names = [v.name for v in model.model.variables()]
    assert all(names) and len(set(names)) == len(names)
    assert any(n.startswith("w[") for n in names) and any(n.startswith("z[") for n in names)
    cons = [c.name for c in model.model.linear_constraints()]
    assert all(cons) and len(set(cons)) == len(cons)
    families = {c.split("[", 1)[0] for c in cons}
    assert families <= set(CONSTRAINT_FAMILIES)
    assert {"one_level", "target", "chance", "interaction_on", "interaction_off"} <= families


def test_explanations_have_their_tables():
    fake = FakeSim(SLOPES)
    result = _run(fake, {"target_from": 2019})
    trade = result.tradeoff
    probs = trade[trade["vary"] == "probability"]
    assert list(probs["probability"]) == [0.5, 0.7, 0.8, 0.9, 0.95]
    assert probs["cost"].is_monotonic_increasing
    levels = trade[trade["vary"] == "target_level"].sort_values("target_level")
    assert levels["cost"].is_monotonic_increasing and len(levels) >= 5
    assert set(result.savings["lever"]) >= {"role:km_werk", "instrument:leerwerk", "measure:screening"}
    assert int(result.savings["cost"].sum()) == result.cost
    target_rows = result.shadow_prices[result.shadow_prices["family"] == "target"]
    assert len(target_rows) == 1 and target_rows["dual"].iloc[0] > 0
    assert result.verification is not None and result.verification.replications == 40


def test_verification_seeds_are_used_for_verification_only():
    seen: list[tuple] = []
    base = FakeSim(SLOPES)

    def spy(scenario, plan, seeds, **kwargs):
        seen.append(tuple(s.spawn_key for s in seeds))
        return base(scenario, plan, seeds, **kwargs)

    result = _run(spy, {"target_from": 2019}, replications=6)
    opt = tuple(s.spawn_key for s in optimisation_seeds(result.options.seed, 6))
    ver = tuple(s.spawn_key for s in verification_seeds(result.options.seed, 6, 40))
    assert set(seen) == {opt, ver}
    assert seen.count(ver) == 1
    assert result.sims_used == 6 * (len(seen) - 1) + 40


def test_a_plan_that_fails_verification_is_not_met_and_the_levers_at_their_limit_are_named():
    """Out of sample worse than in sample: the answer is 'not met', with what a planner could widen."""
    fake = FakeSim(SLOPES)
    options = OptimiseOptions(replications=10, verify=40)
    fresh = {tuple(s.spawn_key) for s in verification_seeds(options.seed, 10, 40)}

    def pessimistic(scenario, plan, seeds, **kwargs):
        out = fake(scenario, plan, seeds, **kwargs)
        if seeds and tuple(seeds[0].spawn_key) in fresh:
            out.yearly["result_after_vangnet"] -= 10_000_000
        return out

    result = _run(pessimistic, {"target_from": 2019})
    assert result.reachable and not result.met
    assert result.verification is not None and result.verification.probability == 0.0
    text = "\n".join(result.blocking)
    assert "verification: the plan met the target in 0 of 40" in text
    at_top = [lever for lever, k in zip(result.space.levers, result.choice, strict=True)
              if k == lever.top and k != lever.baseline]
    assert at_top, "the loop should have tightened the plan up to some lever's limit"
    for lever in at_top:
        assert lever.name in text
