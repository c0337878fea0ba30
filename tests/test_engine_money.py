"""Money: benefit and subsidy costs against hand computations for deterministic cases."""

from __future__ import annotations

import math

from engine_support import base_dict, check_conservation, log, run


def one_client(**segment) -> dict:
    raw = base_dict(years=1, stock=1)
    raw["segments"][0].update(segment)
    return raw


def half_up(x: float) -> int:
    return math.floor(x + 0.5)


def test_benefit_cost_of_one_client_with_a_known_exit_time():
    raw = one_client()
    raw["instruments"] = [{"name": "traj", "track": "T", "duration_months": 2.5, "places_per_year": 12,
                           "work_probability_at_end": 1.0}]
    result = run(raw)
    assert log(result, 0)[-1] == ("exit_work", 2.5)
    assert result.monthly.benefit_cost.tolist() == [1000, 1000, 500] + [0] * 9
    assert result.monthly.subsidy_cost.sum() == 0


def test_benefit_cost_prorated_to_a_random_exit_time_and_rounded_half_up():
    raw = one_client(benefit_per_month=1234)
    raw["tracks"][0]["hazards"] = {"moved": [0.3]}
    for seed in range(5):
        result = run(raw, seed=seed)
        exit_time = result.spells.exit_time[0]
        assert not math.isnan(exit_time) and 0 < exit_time < 12  # 1 - exp(-3.6): nearly sure
        expected = [half_up(1234 * min(1.0, max(0.0, exit_time - m))) for m in range(12)]
        assert result.monthly.benefit_cost.tolist() == expected
        assert log(result, 0)[-1] == ("exit_moved", round(exit_time, 9))


def test_partial_work_lowers_the_benefit_from_its_time_on():
    raw = one_client()
    raw["tracks"][0]["hazards"] = {"partial_work": [0.5]}
    raw["partial_work_benefit_reduction"] = 0.4
    result = run(raw, seed=2)
    t = next(t for e, t in log(result, 0) if e == "partial_work")
    expected = [half_up(1000 * (min(1, max(0, t - m)) + 0.6 * (1 - min(1, max(0, t - m))))) for m in range(12)]
    assert result.monthly.benefit_cost.tolist() == expected
    assert result.monthly.partial_work.sum() == 1
    assert [e for e, _ in log(result, 0)].count("partial_work") == 1  # one-time: its hazard is then off


def test_client_without_benefit_costs_nothing_but_counts_and_holds_a_slot():
    raw = one_client(share_without_benefit=1.0)
    result = run(raw)
    mo = result.monthly
    assert mo.benefit_cost.sum() == 0
    assert mo.without_benefit.tolist() == [1] * 12 and mo.on_benefit.sum() == 0
    assert mo.in_view.tolist() == [1] * 12


def test_wage_cost_subsidy_flat_then_minimum_wage_minus_wage_value():
    raw = one_client()
    raw["instruments"] = [{"name": "lks", "track": "T", "kind": "wage_cost_subsidy", "duration_months": 9,
                           "places_per_year": 12, "cost_per_participant": 250}]
    raw["wage_cost_subsidy"] = {"minimum_wage_month": 1800, "flat_share": 0.5, "flat_months": 6,
                                "wage_value": 0.51, "max_share": 0.7}
    result = run(raw)
    mo = result.monthly
    assert log(result, 0) == [("initial", 0.0), ("slot_gained", 0.0), ("instrument_start", 0.0), ("exit_work", 0.0)]
    assert mo.subsidy_cost.tolist() == [900] * 6 + [882] * 3 + [0] * 3
    assert mo.benefit_cost.sum() == 0
    assert mo.outflow_work.tolist() == [1] + [0] * 11
    assert mo.instrument_cost.tolist() == [250] + [0] * 11
    check_conservation(result, 12)


def test_wage_cost_subsidy_capped_at_max_share_and_paid_from_buig():
    raw = one_client()
    raw["instruments"] = [{"name": "lks", "track": "T", "kind": "wage_cost_subsidy", "duration_months": 3,
                           "places_per_year": 12, "cost_per_participant": 100, "paid_from": "buig"}]
    raw["wage_cost_subsidy"] = {"minimum_wage_month": 2000, "flat_share": 0.5, "flat_months": 1,
                                "wage_value": 0.1, "max_share": 0.7}
    mo = run(raw).monthly
    assert mo.subsidy_cost.tolist() == [1000 + 100, 1400, 1400] + [0] * 9
    assert mo.instrument_cost.sum() == 0


def test_subsidy_stops_when_the_client_comes_back():
    raw = one_client()
    raw["instruments"] = [{"name": "lks", "track": "T", "kind": "wage_cost_subsidy", "duration_months": 9,
                           "places_per_year": 1}]  # one place, released in December
    raw["wage_cost_subsidy"] = {"minimum_wage_month": 1800}
    raw["returns"] = {"share_back": 1.0, "within_months": 0.5}
    raw["policy"] = {"benefit_pause_months": 3}
    raw["start"] = "2020-12"
    raw["municipalities"][0]["buig_budget"] = {2020: 1}
    result = run(raw)
    got = log(result, 0)
    r = next(t for e, t in got if e == "return")
    assert 0 < r < 0.5
    mo = result.monthly
    assert mo.subsidy_cost[0] == half_up(900 * r)
    assert mo.subsidy_cost[1:].sum() == 0
    assert mo.benefit_cost[0] == half_up(1000 * (1 - r))
    assert mo.benefit_cost[1:].tolist() == [1000] * 11
