"""Each policy rule of the scenario holds in the optimiser's answer, and the answer is no dearer than
the cheapest plan that respects the rule and clearly meets the target on fresh futures (brute force
on 1,000 futures the optimiser never saw, with the fake oracle)."""

from __future__ import annotations

from optimise_fakes import FakeSim, fresh_shares, small_space, tiny

from sporen.optimise.constraints import HardLimits
from sporen.optimise.loop import OptimiseOptions, optimise

FAST = {"replications": 20, "max_futures": 320, "tradeoff": (), "static": True}


def _optimise(scenario, levels, slopes, caseload=None, **target):
    fake = FakeSim(slopes, caseload=caseload)
    space = small_space(scenario, levels)
    options = OptimiseOptions(space=space, target_from=2019, dynamic=False,
                              **{k: v for k, v in FAST.items() if k != "static"}, **target)
    return optimise(scenario, options, evaluate=fake), fake


def _check_against_fresh_futures(result, fake):
    """The answer costs no more than the cheapest admissible plan whose fresh share is two zones above p,
    and (when it says 'meets') its own fresh share is at least p - zone."""
    limits = HardLimits(result.space, result.design.caseload_peak)
    shares = fresh_shares(result.space, fake, result.target, limits=limits)
    p, zone = float(result.target.probability), result.precision.zone
    clear = [result.space.cost(c) for c, q in shares.items() if q >= p + 2 * zone]
    if clear:
        assert result.cost <= min(clear)
    if result.verdict == "meets":
        assert shares[result.choice] >= p - zone
    return shares


def _places(result, name: str) -> set[int]:
    rows = result.budget[result.budget["instrument"] == name]
    return set(rows["places"])


def test_no_reintegration_money_for_a_banned_track():
    def patch(raw):
        raw["policy"]["no_reintegration_money_for"] = ["werkleer"]
    scenario = tiny(patch)
    slopes = {"role:km_werk": 40_000.0, "instrument:leerwerk": 6_000.0}
    levels = {"role:km_werk": [1.0, 1.5, 2.0, 2.5, 3.0], "instrument:leerwerk": [10, 20, 30]}
    result, fake = _optimise(scenario, levels, slopes, target_level=0)
    assert _places(result, "leerwerk") == {10}          # no extra places on the banned track
    _check_against_fresh_futures(result, fake)
    # without the rule, the cheap instrument is bought
    free, fake = _optimise(tiny(), levels, slopes, target_level=0)
    assert _places(free, "leerwerk") != {10} and free.verdict == "meets"
    _check_against_fresh_futures(free, fake)


def test_partner_share_is_respected():
    def patch(raw):
        raw["instruments"].append({"name": "coaching", "track": "werk", "cost_per_participant": 1000,
                                   "duration_months": 3, "places_per_year": 10, "max_places_per_year": 30,
                                   "work_probability_at_end": 0.3})
        raw["policy"]["min_partner_share"] = 0.6
    scenario = tiny(patch)
    slopes = {"instrument:coaching": 4_000.0, "instrument:leerwerk": 2_500.0}
    levels = {"instrument:coaching": [10, 20, 30], "instrument:leerwerk": [10, 20, 30]}
    result, fake = _optimise(scenario, levels, slopes, target_level=-40_000)
    budget = result.budget.groupby("instrument")["budget"].sum()
    partner = budget.get("leerwerk", 0)
    total = budget.get("leerwerk", 0) + budget.get("coaching", 0)
    assert partner >= 0.6 * total
    _check_against_fresh_futures(result, fake)
    assert "partner_share" in set(result.relaxations["relaxed"])


def test_everyone_in_view_gives_enough_caseworker_slots():
    def patch(raw):
        raw["policy"]["everyone_in_view"] = True
    scenario = tiny(patch)
    caseload = {"werk": 70.0, "werkleer": 30.0, "participatie": 20.0}
    slopes = {"role:km_werk": 5_000.0, "instrument:leerwerk": 3_000.0}
    levels = {"role:km_werk": [1.0, 1.5, 2.0, 2.5], "instrument:leerwerk": [10, 20, 30]}
    result, fake = _optimise(scenario, levels, slopes, caseload=caseload, target_level=-200_000)
    peak = result.design.caseload_peak
    assert peak["werk"] > 69.0
    formation = result.formation.set_index("role")
    assert formation.loc["km_werk", "fte_2019"] * 40 >= peak["werk"]
    assert formation.loc["km_werkleer", "fte_now"] * 40 >= peak["werkleer"]
    _check_against_fresh_futures(result, fake)
    assert formation.loc["km_werk", "fte_planned"] == 2.0  # the cheapest level with 80 slots >= 70.7


def test_everyone_in_view_beyond_max_fte_is_reported_as_blocking():
    def patch(raw):
        raw["policy"]["everyone_in_view"] = True
    scenario = tiny(patch)
    caseload = {"werk": 500.0, "werkleer": 30.0, "participatie": 20.0}
    levels = {"role:km_werk": [1.0, 1.5, 2.0], "instrument:leerwerk": [10, 20]}
    result, _ = _optimise(scenario, levels, {"role:km_werk": 1.0, "instrument:leerwerk": 1.0},
                          caseload=caseload, target_level=-10_000_000)
    assert any("everyone_in_view[km_werk]" in line for line in result.blocking)
    assert result.formation.set_index("role").loc["km_werk", "fte_planned"] == 2.0
