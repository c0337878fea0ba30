"""The fte lever and the initial state: caseload intensity, one pool per role, slot review,
clients in instruments at the start, per-municipality benefit and hazards, partial work at the
start and the benefit pause's behaviour (MODEL.md 2 and 3.3). Small hand-built scenarios; every
comparison of two plans runs on the same seeds (common random numbers)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from click.testing import CliRunner
from engine_support import ALL_RUNGS, base_dict, build, check_conservation, run
from hypothesis import given, settings
from hypothesis import strategies as st

from sporen.cli import main
from sporen.common.errors import InputError
from sporen.inputs.plan import Plan, StaffLevel
from sporen.inputs.schema import Intensity, IntensityPoint, Track
from sporen.sim.intensity import served_multiplier


def intense_dict(fte: float = 2.0, stock: int = 200, apps: float = 8.0, years: int = 2) -> dict:
    """One track whose caseworkers carry everyone (up to 400 per fte), served multiplier 2 at a
    caseload of 100 with a saturating intensity curve."""
    raw = base_dict(years=years, stock=stock, apps=apps)
    raw["tracks"][0].update({
        "caseload_per_fte": 400, "served_work_multiplier": 2.0,
        "intensity": {"reference_caseload": 100, "half_effect_caseload": 10},
        "hazards": {"work": [0.01], "moved": [0.005]},
    })
    raw["roles"][0]["fte_now"] = fte
    return raw


# -- the curve ------------------------------------------------------------------------------------
def test_saturating_curve_by_hand():
    track = Track(name="t", ladder=[1], hazards={"work": [0.01]}, served_work_multiplier=2.0,
                  intensity=Intensity(reference_caseload=100, half_effect_caseload=10))
    assert served_multiplier(track, 100) == pytest.approx(2.0)
    assert served_multiplier(track, 45) == pytest.approx(1 + 110 / 55)         # 3.0
    assert served_multiplier(track, 0) == pytest.approx(1 + 110 / 10)          # the maximum, 12
    assert served_multiplier(track, 1000) == pytest.approx(1 + 110 / 1010)


def test_points_curve_interpolates_and_is_flat_beyond_its_ends():
    curve = Intensity(curve=[IntensityPoint(caseload=25, multiplier=2.0), IntensityPoint(caseload=75, multiplier=1.5),
                             IntensityPoint(caseload=150, multiplier=1.2)])
    track = Track(name="t", ladder=[1], hazards={"work": [0.01]}, intensity=curve)
    assert [served_multiplier(track, x) for x in (10, 25, 50, 75, 112.5, 300)] == pytest.approx(
        [2.0, 2.0, 1.75, 1.5, 1.35, 1.2])


@settings(max_examples=60, deadline=None)
@given(s=st.floats(1.0, 4.0), h=st.floats(1.0, 200.0), ref=st.floats(5.0, 300.0),
       loads=st.lists(st.floats(0.0, 1000.0), min_size=2, max_size=6))
def test_saturating_curve_falls_with_the_caseload_with_diminishing_returns(s, h, ref, loads):
    track = Track(name="t", ladder=[1], hazards={"work": [0.01]}, served_work_multiplier=s,
                  intensity=Intensity(reference_caseload=ref, half_effect_caseload=h))
    loads = sorted(loads)
    values = [served_multiplier(track, x) for x in loads]
    assert all(a >= b - 1e-12 for a, b in zip(values, values[1:], strict=False))   # monotone
    assert served_multiplier(track, ref) == pytest.approx(s)
    # diminishing returns in caseworker time per client (1/L): equal steps of fte add less and less
    fte = [1.0, 2.0, 3.0]
    gains = [served_multiplier(track, 300 / f) for f in fte]
    assert gains[2] - gains[1] <= gains[1] - gains[0] + 1e-12


def test_a_curve_that_is_not_monotone_is_refused_naming_the_field(tmp_path):
    raw = intense_dict()
    raw["tracks"][0]["intensity"] = {"curve": [{"caseload": 25, "multiplier": 1.5},
                                               {"caseload": 80, "multiplier": 1.8}]}
    with pytest.raises(InputError) as err:
        build(raw)
    problem = err.value.problems[0]
    assert problem.path == "tracks.T.intensity.curve" and "not monotone" in problem.message
    import yaml

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and "tracks.T.intensity.curve" in result.output
    assert "Traceback" not in result.output


# -- the engine: intensity acts even when everyone is in view ------------------------------------
def test_more_fte_means_more_work_exits_even_when_everyone_is_in_view():
    few, many = intense_dict(fte=2.0), intense_dict(fte=4.0)
    a = [run(few, seed=s, events=False) for s in range(6)]
    b = [run(many, seed=s, events=False) for s in range(6)]
    for r in a + b:
        assert r.monthly.not_in_view.sum() == 0           # capacity 800-1600 > caseload
    work_a = sum(r.monthly.outflow_work.sum() for r in a)
    work_b = sum(r.monthly.outflow_work.sum() for r in b)
    assert work_b > 1.15 * work_a                       # caseload ~100 -> ~50: multiplier 2 -> ~2.8
    check_conservation(b[0], 24)


def test_intensity_follows_the_plan_month_by_month():
    raw = intense_dict(fte=2.0)
    sc = build(raw)
    cut = Plan(staff={"cw": StaffLevel(fte=1.0, arrives="2020-07")})
    base = [run(sc, seed=s, events=False) for s in range(6)]
    less = [run(sc, seed=s, events=False, plan=cut) for s in range(6)]
    first = sum(r.monthly[r.monthly.month < "2020-07"].outflow_work.sum() for r in base)
    first_cut = sum(r.monthly[r.monthly.month < "2020-07"].outflow_work.sum() for r in less)
    assert first == first_cut                           # the same until the cut arrives (paired)
    later = sum(r.monthly[r.monthly.month >= "2020-07"].outflow_work.sum() for r in base)
    later_cut = sum(r.monthly[r.monthly.month >= "2020-07"].outflow_work.sum() for r in less)
    assert later_cut < 0.9 * later


# -- one pool per role ------------------------------------------------------------------------------
def two_track_dict(rule: str = "fifo") -> dict:
    raw = base_dict(years=1, stock=60, apps=0.0)
    raw["segments"][0]["ladder_at_entry"] = {3: 0.5, 5: 0.5}
    raw["tracks"] = [
        {"name": "werk", "caseworker_role": "cw", "caseload_per_fte": 20, "ladder": [5, 6],
         "hazards": {"work": [0.0]}},
        {"name": "leer", "caseworker_role": "cw", "caseload_per_fte": 20, "ladder": [1, 2, 3, 4],
         "hazards": {"work": [0.0]}},
    ]
    raw["roles"][0]["fte_now"] = 1.0                    # 20 slots for 60 clients
    raw["policy"] = {"priority": rule}
    return raw


def test_a_role_serving_two_tracks_is_one_pool():
    result = run(two_track_dict(), seed=3, events=False)
    in_view = result.monthly.groupby("month").in_view.sum()
    assert (in_view == 20).all()                        # 20 slots for both tracks, not 20 each


def test_kansrijk_first_decides_between_the_tracks_of_one_pool():
    result = run(two_track_dict("kansrijk_first"), seed=3, events=False)
    first = result.monthly[result.monthly.month == "2020-01"].set_index("track")
    assert first.loc["werk", "in_view"] == 20 and first.loc["leer", "in_view"] == 0
    fifo = run(two_track_dict("fifo"), seed=3, events=False).monthly
    first = fifo[fifo.month == "2020-01"].set_index("track")
    assert first.loc["leer", "in_view"] > 0             # under fifo both tracks share the slots


def test_different_caseloads_in_one_pool_weigh_their_clients():
    raw = two_track_dict()
    raw["tracks"][1]["caseload_per_fte"] = 10           # a leer client takes two werk slots
    raw["policy"] = {"priority": "kansrijk_first"}
    raw["segments"][0]["ladder_at_entry"] = {3: 1.0}    # only leer clients
    result = run(raw, seed=1, events=False)
    assert (result.monthly.groupby("month").in_view.sum() == 10).all()


# -- slot review ------------------------------------------------------------------------------------
def review_dict(review: float | None) -> dict:
    raw = base_dict(years=3, stock=40, apps=1.0)
    raw["tracks"][0].update({"caseload_per_fte": 20, "hazards": {"work": [0.002], "moved": [0.002]}})
    raw["roles"][0]["fte_now"] = 1.0                   # 20 slots, 40 + 36 clients
    raw["policy"] = {"slot_review_months": review}
    return raw


def waiting_months(result) -> float:
    """Mean months from entry to a first slot of the clients who entered during the horizon."""
    ev = result.events
    entry = ev[ev.event == "entry"].groupby("client").time.min()
    slot = ev[ev.event == "slot_gained"].groupby("client").time.min()
    waited = (slot.reindex(entry.index).fillna(36.0) - entry).clip(lower=0)
    return float(waited.mean())


def test_slot_review_lets_new_clients_in_under_fifo():
    without = [waiting_months(run(review_dict(None), seed=s)) for s in range(4)]
    with_review = [waiting_months(run(review_dict(6.0), seed=s)) for s in range(4)]
    assert np.mean(with_review) < 0.6 * np.mean(without)
    result = run(review_dict(6.0), seed=0)
    assert (result.events.event == "slot_reviewed").sum() > 0
    check_conservation(result, 36)


def test_a_review_keeps_the_slot_when_nobody_waits():
    raw = review_dict(3.0)
    raw["roles"][0]["fte_now"] = 10.0                  # 200 slots: nobody waits
    result = run(raw, seed=2)
    assert (result.events.event == "slot_reviewed").sum() == 0


# -- the initial state ------------------------------------------------------------------------------
def initial_dict() -> dict:
    raw = base_dict(years=2, stock=100, apps=0.0)
    raw["tracks"][0].update({"caseload_per_fte": 200, "hazards": {"work": [0.0], "moved": [0.0]}})
    raw["segments"][0]["ladder_at_entry"] = {r: 1 / 6 for r in ALL_RUNGS}
    raw["instruments"] = [
        {"name": "traject", "track": "T", "duration_months": 6, "places_per_year": 0,
         "work_probability_at_end": 1.0, "cost_per_participant": 1000},
        {"name": "lks", "track": "T", "kind": "wage_cost_subsidy", "duration_months": 24, "places_per_year": 0},
    ]
    raw["wage_cost_subsidy"] = {"minimum_wage_month": 1800, "flat_share": 0.5, "flat_months": 6, "wage_value": 0.5}
    raw["municipalities"][0]["initial_instruments"] = [
        {"instrument": "traject", "clients": 10}, {"instrument": "lks", "segment": "s", "clients": 12}]
    return raw


def test_clients_in_a_trajectory_at_the_start_end_it_without_cost_or_new_places():
    result = run(initial_dict(), seed=5)
    mo = result.monthly
    ev = result.events
    assert (ev.event == "instrument_initial").sum() == 10
    # work probability 1 at the end, no other exits: 10 work exits within the 6 months, no starts, no cost
    assert mo[mo.month <= "2020-06"].outflow_work.sum() == 10
    assert mo.outflow.sum() == 10 and mo.instrument_starts.sum() == 0 and mo.instrument_cost.sum() == 0
    check_conservation(result, 24)


def test_running_wage_cost_subsidies_are_paid_and_run_off():
    result = run(initial_dict(), seed=5)
    sub = result.monthly.groupby("month").subsidy_cost.sum()
    # 12 contracts of 24 months with remaining (0, 24]: about half run a year, all gone after 24 months
    assert 0 < sub.iloc[0] <= 12 * 900 + 1
    assert sub.iloc[-1] < sub.iloc[0] and sub.iloc[-1] >= 0
    total = sub.sum()
    assert 12 * 5 * 882 < total < 12 * 24 * 900        # on average 12 months left, mostly at 1800 x 0.5
    # the same contracts whatever the plan (common random numbers)
    again = run(initial_dict(), seed=5, plan=Plan(staff={"cw": StaffLevel(fte=2.0)}))
    assert again.monthly.subsidy_cost.sum() == result.monthly.subsidy_cost.sum()


def test_initial_partial_work_lowers_the_benefit_of_that_share():
    raw = base_dict(years=1, stock=400, apps=0.0)
    raw["segments"][0]["initial_partial_work_share"] = 0.25
    raw["partial_work_benefit_reduction"] = 0.5
    result = run(raw, seed=1, events=False)
    january = result.monthly[result.monthly.month == "2020-01"].benefit_cost.sum()
    share = (1 - january / (400 * 1000)) / 0.5
    assert 0.18 < share < 0.32


def test_benefit_level_and_hazards_per_municipality():
    raw = base_dict(years=1, stock=300, apps=0.0)
    raw["tracks"][0].update({"caseload_per_fte": 1000, "hazards": {"work": [0.02]}})
    raw["municipalities"].append(copy.deepcopy(raw["municipalities"][0]))
    raw["municipalities"][1]["name"] = "B"
    raw["municipalities"][1]["benefit_per_month"] = {"s": 1200}
    raw["municipalities"][1]["hazard_multipliers"] = {"work": 2.0}
    result = run(raw, seed=2, events=False)
    jan = result.monthly[result.monthly.month == "2020-01"].set_index("municipality")
    assert jan.loc["A", "benefit_cost"] < 300 * 1000 + 1 and jan.loc["B", "benefit_cost"] > 300 * 1100
    work = result.monthly.groupby("municipality").outflow_work.sum()
    assert work["B"] > 1.5 * work["A"]


def test_benefit_pause_behaviour_raises_work_exits_only_with_a_pause():
    raw = intense_dict()
    raw["policy"] = {"benefit_pause_work_effect": 0.3}
    no_pause = sum(run(raw, seed=s, events=False).monthly.outflow_work.sum() for s in range(4))
    raw["policy"]["benefit_pause_months"] = 3
    pause = sum(run(raw, seed=s, events=False).monthly.outflow_work.sum() for s in range(4))
    raw["policy"]["benefit_pause_work_effect"] = 0.0
    plain = sum(run(raw, seed=s, events=False).monthly.outflow_work.sum() for s in range(4))
    assert pause > 1.1 * plain and no_pause <= plain * 1.05
