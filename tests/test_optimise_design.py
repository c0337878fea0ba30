"""Decision space, seeds and the design: levels, costs, plans, disjoint seeds, the one import of sim."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_optimise_fake import FakeSim, small_space, tiny

from sporen.inputs.plan import FTE_STEP, check_plan
from sporen.optimise.decisions import decision_space, role_levels
from sporen.optimise.design import (
    Oracle,
    build_design,
    design_points,
    optimisation_seeds,
    seed_label,
    verification_seeds,
)
from sporen.optimise.loop import OptimiseOptions, OptionsError, optimise, wilson

ROOT = Path(__file__).resolve().parent.parent


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**63), r=st.integers(1, 60), v=st.integers(1, 300))
def test_verification_seeds_never_overlap_optimisation_seeds(seed, r, v):
    opt = optimisation_seeds(seed, r)
    ver = verification_seeds(seed, r, v)
    assert len(opt) == r and len(ver) == v
    assert not {s.spawn_key for s in opt} & {s.spawn_key for s in ver}
    opt_states = {tuple(s.generate_state(4)) for s in opt}
    ver_states = {tuple(s.generate_state(4)) for s in ver}
    assert not opt_states & ver_states
    # the optimisation seeds are the ones `sporen simulate` draws for R replications
    assert [s.spawn_key for s in opt] == [s.spawn_key for s in np.random.SeedSequence(seed).spawn(r)]


def test_seed_label_names_the_spawn_range():
    assert seed_label(verification_seeds(7, 3, 5)) == "SeedSequence(7).spawn children 3-7"


def test_role_levels_are_half_fte_steps_within_limits():
    scenario = tiny()
    werk = scenario.role("km_werk")           # fte_now 1, max_fte 4
    assert role_levels(werk) == [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]
    assert role_levels(werk, allow_cuts=True)[0] == 0.0
    intake = scenario.role("intake")          # no max_fte: fte_now + 4
    assert role_levels(intake)[-1] == 4.5
    # intake is never cut: fewer intakes would only leave applications undecided
    assert role_levels(intake, allow_cuts=True)[0] == intake.fte_now
    capped = werk.model_copy(update={"max_hires_per_year": 1.0, "min_fte": 0.5})
    assert role_levels(capped, allow_cuts=True) == [0.5, 1.0, 1.5, 2.0]
    odd = werk.model_copy(update={"fte_now": 1.67, "max_fte": 3.0})
    levels = role_levels(odd)
    assert levels == [1.67, 2.17, 2.67]
    assert all(abs(((v - 1.67) / FTE_STEP) - round((v - 1.67) / FTE_STEP)) < 1e-9 for v in levels)


def test_every_design_plan_passes_check_plan_and_costs_add_up():
    scenario = tiny()
    space = decision_space(scenario)
    keys = [lever.key for lever in space.levers]
    assert "role:km_werk" in keys and "instrument:leerwerk" in keys and "measure:screening" in keys
    for point in design_points(space):
        assert check_plan(space.plan(point), scenario) == []
    werk = space.levers[space.index("role:km_werk")]
    # +1 fte from June 2018 (lead time 5 months) to December 2019: 19 months x EUR 70,000 / 12
    assert werk.total_cost(werk.levels.index(2.0)) == round(70_000 * 7 / 12) + 70_000
    leerwerk = space.levers[space.index("instrument:leerwerk")]
    assert leerwerk.levels == (0, 10, 20, 30)
    assert leerwerk.total_cost(0) == -2 * 10 * 3000 and leerwerk.spend[3] == (90_000, 90_000)
    screening = space.levers[space.index("measure:screening")]
    assert screening.levels == (False, True) and screening.total_cost(1) == 40_000
    plan = space.plan(tuple(lever.top for lever in space.levers))
    assert plan.staff["km_werk"].fte == 4.0 and plan.staff["km_werk"].arrives == "2018-06"
    assert plan.instruments["leerwerk"] == {2018: 30, 2019: 30} and plan.measures == {"screening": True}


def test_design_is_paired_one_lever_at_a_time():
    scenario = tiny()
    fake = FakeSim({"role:km_werk": 10_000.0, "instrument:leerwerk": 1_000.0})
    space = small_space(scenario, {"role:km_werk": [1.0, 2.0], "instrument:leerwerk": [0, 10, 20]})
    seeds = optimisation_seeds(3, 4)
    oracle = Oracle(scenario, space, fake, seeds, [], budget=None)
    design = build_design(oracle)
    assert oracle.sims == 4 * 4 and fake.calls == 4  # baseline + 1 + 2 levels
    assert design.baseline.shape == (4, 2, 2)
    assert np.all(design.delta[0][0] == 0) and np.all(design.delta[1][1] == 0)
    assert np.all(design.delta[0][1] > 0) and np.all(design.delta[1][0] < 0)
    assert set(design.caseload_peak) == {"werk", "werkleer", "participatie"}


def test_bad_options_are_input_errors():
    scenario = tiny()
    fake = FakeSim({"role:km_werk": 1.0})
    with pytest.raises(OptionsError, match="outside the horizon"):
        optimise(scenario, OptimiseOptions(target_from=2030), evaluate=fake)
    with pytest.raises(OptionsError, match="cannot cover the design"):
        optimise(scenario, OptimiseOptions(budget_sims=10), evaluate=fake)
    with pytest.raises(OptionsError):
        optimise(scenario, OptimiseOptions(probability=1.5), evaluate=fake)
    with pytest.raises(OptionsError):
        optimise(scenario, OptimiseOptions(levers=["role:nobody"]), evaluate=fake)


def test_wilson_interval():
    low, high = wilson(90, 100)
    assert 0.82 < low < 0.83 and 0.94 < high < 0.95
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] > 0.999999
