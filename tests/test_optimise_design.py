"""Decision space, dynamic plans, futures and the design: levels, costs, plans, disjoint futures."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimise_fakes import FakeSim, small_space, tiny

from sporen.inputs.plan import FTE_STEP, check_plan, fte_path
from sporen.optimise.constraints import HardLimits
from sporen.optimise.decisions import decision_space, role_levels
from sporen.optimise.design import (
    Oracle,
    build_design,
    design_levels,
    design_points,
    seed_label,
    selection_seeds,
    verification_seeds,
)
from sporen.optimise.loop import OptimiseOptions, OptionsError, optimise


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**63), r=st.integers(1, 60), v=st.integers(1, 300), block=st.integers(0, 200))
def test_verification_futures_never_overlap_selection_futures(seed, r, v, block):
    sel = selection_seeds(seed, 0, r)
    ver = verification_seeds(seed, block, 0, v)
    other = verification_seeds(seed, block + 1, 0, v)
    assert len(sel) == r and len(ver) == v
    states = [{tuple(s.generate_state(4)) for s in group} for group in (sel, ver, other)]
    assert not states[0] & states[1] and not states[1] & states[2] and not states[0] & states[2]
    # the selection futures are the ones `sporen simulate` draws for R replications
    assert [tuple(s.generate_state(2)) for s in sel] == \
        [tuple(s.generate_state(2)) for s in np.random.SeedSequence(seed).spawn(r)]


def test_seed_label_names_the_spawn_range():
    assert seed_label(7, ("selection", 0), 5) == "SeedSequence(7) children 0-4"
    assert seed_label(7, ("verification", 1), 3) == "SeedSequence(7) children 1001000000-1001000002"


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


def test_instruments_and_running_measures_are_not_cut_unless_asked():
    scenario = tiny()
    space = decision_space(scenario)
    leerwerk = space.levers[space.index("instrument:leerwerk")]
    assert leerwerk.levels == (10, 20, 30) and leerwerk.baseline == 0
    cuts = decision_space(scenario, allow_cuts=True)
    assert cuts.levers[cuts.index("instrument:leerwerk")].levels == (0, 10, 20, 30)
    assert cuts.levers[cuts.index("instrument:leerwerk")].total_cost(0) == -2 * 10 * 3000
    running = tiny(lambda raw: raw["measures"][0].update(on_in_baseline=True))
    assert "measure:screening" not in [lv.key for lv in decision_space(running).levers]
    assert "measure:screening" in [lv.key for lv in decision_space(running, allow_cuts=True).levers]


def test_every_design_plan_passes_check_plan_and_costs_add_up():
    scenario = tiny()
    space = decision_space(scenario)
    for choice in design_points(space):
        assert check_plan(space.plan(choice), scenario) == []
    werk = space.levers[space.index("role:km_werk")]
    # +1 fte from June 2018 (lead time 5 months) to December 2019: 19 months x EUR 70,000 / 12
    assert werk.total_cost(werk.levels.index(2.0)) == round(70_000 * 7 / 12) + 70_000
    leerwerk = space.levers[space.index("instrument:leerwerk")]
    assert leerwerk.spend[2] == (90_000, 90_000)
    screening = space.levers[space.index("measure:screening")]
    assert screening.levels == (False, True) and screening.total_cost(1) == 40_000
    plan = space.plan(tuple(lever.top for lever in space.levers))
    assert plan.staff["km_werk"].fte == 4.0 and plan.staff["km_werk"].arrives == "2018-06"
    assert plan.instruments["leerwerk"] == {2018: 30, 2019: 30} and plan.measures == {"screening": True}


def test_design_levels_spread_over_long_levers():
    space = decision_space(tiny())
    i = space.index("role:intake")             # 0.5 .. 4.5: eight steps up
    levels = design_levels(space, i)
    lever = space.levers[i]
    assert levels[0] == lever.baseline and lever.baseline + 1 in levels and lever.top in levels
    assert len(levels) == 3          # the baseline, the first step and the last


def test_a_dynamic_point_becomes_a_plan_with_arrival_taper_and_places_per_year():
    scenario = tiny()
    space = decision_space(scenario)
    i, j = space.index("role:km_werk"), space.index("instrument:leerwerk")
    werk, leerwerk = space.levers[i], space.levers[j]
    point = list(space.baseline_point)
    point[i] = (werk.levels.index(3.0), werk.levels.index(2.0))       # 3 fte from June 2018, 2 fte from 2019
    point[j] = (leerwerk.levels.index(30), leerwerk.levels.index(10))  # invest early, taper
    point = tuple(point)
    plan = space.point_plan(point)
    assert check_plan(plan, scenario) == []
    assert plan.staff["km_werk"].arrives == "2018-06" and plan.staff["km_werk"].later == {"2019-01": 2.0}
    assert fte_path(plan, scenario, "km_werk") == [(0, 1.0), (5, 3.0), (12, 2.0)]
    assert plan.instruments["leerwerk"] == {2018: 30, 2019: 10}
    expected = round(2 * 70_000 * 7 / 12) + 70_000 + 20 * 3000
    assert space.point_cost(point) == expected
    assert space.point_cost_by_year(point) == [round(2 * 70_000 * 7 / 12) + 20 * 3000, 70_000]
    # later arrival: the first year at the baseline, the level from January
    late = list(space.baseline_point)
    late[i] = (werk.baseline, werk.levels.index(2.0))
    plan = space.point_plan(tuple(late))
    assert plan.staff["km_werk"].arrives == "2019-01" and not plan.staff["km_werk"].later


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_move_down_is_cheaper_or_free_and_a_valid_plan(data):
    scenario = tiny()
    space = decision_space(scenario)
    point = tuple(tuple(data.draw(st.integers(0, lever.top)) for _ in space.years) if lever.kind != "measure"
                  else (data.draw(st.integers(0, 1)),) * len(space.years) for lever in space.levers)
    assert check_plan(space.point_plan(point), scenario) == []
    for _, move in space.moves_down(point):
        assert space.point_cost(move) <= space.point_cost(point)
        assert space.point_steps(move) < space.point_steps(point)
        assert check_plan(space.point_plan(move), scenario) == []


def test_hard_limits_check_each_year():
    scenario = tiny()
    space = decision_space(scenario)
    limits = HardLimits(space, {})
    j = space.index("instrument:leerwerk")
    m = space.index("measure:screening")
    point = list(space.baseline_point)
    point[j] = (2, 0)                              # 30 places in 2018: 90,000
    assert limits.admissible(tuple(point))
    point[m] = (1, 1)                              # + screening 40,000 a year: over the 100,000 in 2018
    assert limits.violations(tuple(point)) == ["participatiebudget"]
    point[j] = (0, 2)                              # now over in 2019 only
    assert limits.violations(tuple(point)) == ["participatiebudget"]
    point[j] = (0, 1)
    assert limits.admissible(tuple(point))


def test_design_is_paired_one_lever_at_a_time():
    scenario = tiny()
    fake = FakeSim({"role:km_werk": 10_000.0, "instrument:leerwerk": 1_000.0})
    space = small_space(scenario, {"role:km_werk": [1.0, 2.0], "instrument:leerwerk": [10, 20, 30]})
    oracle = Oracle(scenario, space, fake, 3)
    design = build_design(oracle, 4)
    assert oracle.sims == 4 * 4 and fake.calls == 4  # baseline + 1 + 2 levels
    assert design.baseline.shape == (4, 2, 2)
    assert np.all(design.delta[0][0] == 0) and np.all(design.delta[1][0] == 0)
    assert np.all(design.delta[0][1] > 0) and np.all(design.delta[1][2] > design.delta[1][1])
    assert set(design.caseload_peak) == {"werk", "werkleer", "participatie"}


def test_a_sample_grows_by_simulating_only_the_futures_it_lacks():
    scenario = tiny()
    fake = FakeSim({"role:km_werk": 10_000.0})
    space = small_space(scenario, {"role:km_werk": [1.0, 2.0]})
    oracle = Oracle(scenario, space, fake, 3)
    point = space.point((1,))
    first = oracle.results(point, 5)
    more = oracle.results(point, 12)
    assert oracle.sims == 12 and fake.calls == 2
    assert np.array_equal(more[:5], first)
    again = Oracle(scenario, space, fake, 3).results(point, 12)
    assert np.array_equal(again, more)           # the same futures whatever the growth path


def test_a_target_on_a_line_the_scenario_lacks_is_an_input_error():
    def no_lines(raw):
        raw["finance"].pop("participatiebudget", None)
        raw["finance"].pop("other_lines", None)
    fake = FakeSim({"role:km_werk": 1.0})
    with pytest.raises(OptionsError) as info:
        optimise(tiny(no_lines), OptimiseOptions(objective="exploitatie"), evaluate=fake)
    assert info.value.field == "objective" and fake.replications == 0


@pytest.mark.parametrize("options,field", [
    ({"target_from": 2030}, "target_from"),
    ({"budget_sims": 10}, "budget_sims"),
    ({"levers": ["role:nobody"]}, "levers"),
])
def test_options_that_do_not_fit_the_scenario_name_their_field(options, field):
    """Checked against the scenario by the loop: an OptionsError naming the field (never a flag: the
    edge spells it, `--target-from` on the command line), before anything is simulated."""
    fake = FakeSim({"role:km_werk": 1.0})
    with pytest.raises(OptionsError) as info:
        optimise(tiny(), OptimiseOptions(**options), evaluate=fake)
    assert info.value.field == field and "--" not in str(info.value)
    assert fake.replications == 0


@pytest.mark.parametrize("options,option", [
    ({"probability": 1.5}, "probability"),
    ({"probability": 1.0}, "probability"),
    ({"probability": "often"}, "probability"),
    ({"confidence": 1.0}, "confidence"),
    ({"confidence": 0.0}, "confidence"),
    ({"zone": 0.0}, "zone"),
    ({"zone": 1.5}, "zone"),
    ({"objective": "profit"}, "objective"),
    ({"tradeoff": (0.8, 1.2)}, "tradeoff"),
    ({"replications": 1}, "replications"),
    ({"replications": 10, "max_futures": 5}, "max_futures"),
])
def test_bad_options_are_refused_by_the_model_naming_the_option(options, option):
    """The model refuses them before the loop runs, named as the edge spells them."""
    from sporen.common.errors import InputError

    with pytest.raises(InputError) as info:
        OptimiseOptions.parse(**options)
    assert [p.file for p in info.value.problems] == [option]
    with pytest.raises(InputError) as info:
        OptimiseOptions.read(options, edge="cli", lang="en")
    assert [p.file for p in info.value.problems] == ["--" + option.replace("_", "-")]
