"""Each policy rule of the scenario holds in the optimiser's answer, and the answer is still the
cheapest plan that respects it (brute force with the fake oracle)."""

from __future__ import annotations

from test_optimise_fake import FakeSim, brute_force, small_space, tiny

from sporen.optimise.design import optimisation_seeds
from sporen.optimise.loop import OptimiseOptions, optimise


def _optimise(scenario, levels, slopes, caseload=None, **target):
    fake = FakeSim(slopes, caseload=caseload)
    space = small_space(scenario, levels)
    options = OptimiseOptions(replications=8, verify=30, space=space, target_from=2019, **target)
    result = optimise(scenario, options, evaluate=fake)
    seeds = optimisation_seeds(result.options.seed, 8)
    return result, fake, seeds


def _places(result, name: str) -> set[int]:
    rows = result.budget[result.budget["instrument"] == name]
    return set(rows["places"])


def test_no_reintegration_money_for_a_banned_track():
    def patch(raw):
        raw["policy"]["no_reintegration_money_for"] = ["werkleer"]
    scenario = tiny(patch)
    slopes = {"role:km_werk": 40_000.0, "instrument:leerwerk": 6_000.0}
    levels = {"role:km_werk": [1.0, 1.5, 2.0], "instrument:leerwerk": [0, 10, 20]}
    result, fake, seeds = _optimise(scenario, levels, slopes, target_level=-280_000)
    assert _places(result, "leerwerk") == {0}
    best, plans = brute_force(result.space, fake, seeds, result.target)
    assert result.cost == best and result.choice in plans
    # without the rule, the cheap instrument is bought
    free, _, _ = _optimise(tiny(), levels, slopes, target_level=-280_000)
    assert _places(free, "leerwerk") != {0}


def test_partner_share_is_respected():
    def patch(raw):
        raw["instruments"].append({"name": "coaching", "track": "werk", "cost_per_participant": 1000,
                                   "duration_months": 3, "places_per_year": 10, "max_places_per_year": 30,
                                   "work_probability_at_end": 0.3})
        raw["policy"]["min_partner_share"] = 0.6
    scenario = tiny(patch)
    slopes = {"instrument:coaching": 4_000.0, "instrument:leerwerk": 2_500.0}
    levels = {"instrument:coaching": [0, 10, 20, 30], "instrument:leerwerk": [0, 10, 20]}
    result, fake, seeds = _optimise(scenario, levels, slopes, target_level=-20_000)
    budget = result.budget.groupby("instrument")["budget"].sum()
    partner = budget.get("leerwerk", 0)
    total = budget.get("leerwerk", 0) + budget.get("coaching", 0)
    assert partner >= 0.6 * total
    best, plans = brute_force(result.space, fake, seeds, result.target)
    assert result.cost == best and result.choice in plans
    assert "partner_share" in set(result.shadow_prices["family"])


def test_everyone_in_view_gives_enough_caseworker_slots():
    def patch(raw):
        raw["policy"]["everyone_in_view"] = True
    scenario = tiny(patch)
    caseload = {"werk": 70.0, "werkleer": 30.0, "participatie": 20.0}
    slopes = {"role:km_werk": 5_000.0, "instrument:leerwerk": 3_000.0}
    levels = {"role:km_werk": [1.0, 1.5, 2.0, 2.5], "instrument:leerwerk": [0, 10, 20]}
    result, fake, seeds = _optimise(scenario, levels, slopes, caseload=caseload, target_level=-200_000)
    peak = result.design.caseload_peak
    assert peak["werk"] > 69.0
    formation = result.formation.set_index("role")
    assert formation.loc["km_werk", "fte_planned"] * 40 >= peak["werk"]
    assert formation.loc["km_werkleer", "fte_now"] * 40 >= peak["werkleer"]
    best, plans = brute_force(result.space, fake, seeds, result.target, peaks=peak)
    assert result.cost == best and result.choice in plans
    assert formation.loc["km_werk", "fte_planned"] == 2.0  # the cheapest level with 80 slots >= 70.7


def test_everyone_in_view_beyond_max_fte_is_reported_as_blocking():
    def patch(raw):
        raw["policy"]["everyone_in_view"] = True
    scenario = tiny(patch)
    caseload = {"werk": 500.0, "werkleer": 30.0, "participatie": 20.0}
    levels = {"role:km_werk": [1.0, 1.5, 2.0], "instrument:leerwerk": [0, 10]}
    result, _, _ = _optimise(scenario, levels, {"role:km_werk": 1.0, "instrument:leerwerk": 1.0},
                             caseload=caseload, target_level=-10_000_000)
    assert any("everyone_in_view[km_werk]" in line for line in result.blocking)
    assert result.formation.set_index("role").loc["km_werk", "fte_planned"] == 2.0
