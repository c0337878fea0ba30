"""Process logic of the engine, asserted as event logs of hand-built 1-3 client scenarios."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from engine_support import base_dict, build, check_conservation, log, run

from sporen.inputs.load import load_scenario
from sporen.inputs.plan import Plan, StaffLevel, baseline_plan
from sporen.sim.engine import run_replication

ROOT = Path(__file__).resolve().parent.parent
TINY = str(ROOT / "tests" / "data" / "tiny.yaml")


def trajectory_dict(**returns) -> dict:
    raw = base_dict(years=1, stock=1)
    raw["instruments"] = [{"name": "traj", "track": "T", "duration_months": 2.5, "places_per_year": 12,
                           "work_probability_at_end": 1.0, "cost_per_participant": 100}]
    raw["returns"] = {"share_back": 1.0, "within_months": 0.5, **returns}
    raw["policy"] = {"benefit_pause_months": 3}
    return raw


def test_trajectory_work_exit_and_direct_return_cycle():
    result = run(trajectory_dict())
    got = log(result, 0)
    returns = [t for e, t in got if e == "return"]
    assert len(returns) == 4
    r1, r2, r3, r4 = returns
    expected = [
        ("initial", 0.0), ("slot_gained", 0.0), ("instrument_start", 0.0),
        ("instrument_end", 2.5), ("exit_work", 2.5),
        ("return", r1), ("entry", r1), ("slot_gained", r1),
        ("instrument_start", 3.0), ("instrument_end", 5.5), ("exit_work", 5.5),
        ("return", r2), ("entry", r2), ("slot_gained", r2),
        ("instrument_start", 6.0), ("instrument_end", 8.5), ("exit_work", 8.5),
        ("return", r3), ("entry", r3), ("slot_gained", r3),
        ("instrument_start", 9.0), ("instrument_end", 11.5), ("exit_work", 11.5),
        ("return", r4), ("entry", r4), ("slot_gained", r4),
    ]
    assert got == expected
    for start, r in zip((2.5, 5.5, 8.5, 11.5), returns, strict=True):
        assert start <= r < start + 0.5
    mo = result.monthly
    assert mo.instrument_starts.tolist() == [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]
    assert mo.instrument_cost.tolist() == [100, 0, 0, 100, 0, 0, 100, 0, 0, 100, 0, 0]
    assert mo.outflow_work.sum() == 4 and mo.inflow.sum() == 4
    # benefit: whole months, then half of month 2 and the part of the month after the return
    assert mo.benefit_cost[0] == 1000 and mo.benefit_cost[1] == 1000
    assert mo.benefit_cost[2] == round(500 + (3 - r1) * 1000)
    assert set(result.spells.client) == {0} and len(result.spells) == 5
    check_conservation(result, 12)


def test_return_after_the_pause_reapplies_through_the_intake_queue():
    raw = trajectory_dict()
    raw["policy"] = {"benefit_pause_months": 0}
    raw["gate"]["intake_role"] = "intake"
    raw["gate"]["intakes_per_fte_per_month"] = 2.0
    raw["roles"].append({"name": "intake", "function": "intake", "fte_now": 1.0, "cost_per_fte_year": 1})
    got = log(run(raw), 0)
    r1 = next(t for e, t in got if e == "return")
    i = got.index(("return", r1))
    assert got[i:i + 5] == [("return", r1), ("application", r1), ("decision_granted", round(r1 + 0.5, 9)),
                            ("entry", round(r1 + 0.5, 9)), ("slot_gained", round(r1 + 0.5, 9))]


def test_no_return_when_share_back_is_zero():
    got = log(run(trajectory_dict(share_back=0.0)), 0)
    assert got == [("initial", 0.0), ("slot_gained", 0.0), ("instrument_start", 0.0),
                   ("instrument_end", 2.5), ("exit_work", 2.5)]


def three_clients_with_staff_swings() -> dict:
    raw = base_dict(years=1, stock=3)
    raw["roles"][0]["fte_now"] = 1.0
    raw["measures"] = [
        {"name": "extra-early", "on_in_baseline": True, "start_offset_months": 0, "duration_months": 2,
         "effects": {"extra_fte": {"cw": 2.0}}},
        {"name": "extra-later", "on_in_baseline": True, "start_offset_months": 4, "duration_months": 2,
         "effects": {"extra_fte": {"cw": 2.0}}},
    ]
    return raw


def test_capacity_drop_evicts_the_lowest_priority_holders_and_regains_them_in_order():
    result = run(three_clients_with_staff_swings())
    sp = result.spells.sort_values("entry_time")  # fifo: earliest on the list first
    oldest, middle, newest = sp.client.tolist()
    ev = result.events
    at = {t: [(int(c), e) for c, e in zip(g.client, g.event, strict=True)] for t, g in ev.groupby("time")}
    assert sorted(at[0.0]) == sorted([(c, "initial") for c in (0, 1, 2)] + [(c, "slot_gained") for c in (0, 1, 2)])
    assert at[2.0] == [(newest, "slot_lost"), (middle, "slot_lost")]  # lowest priority first
    assert at[4.0] == [(middle, "slot_gained"), (newest, "slot_gained")]  # best waiting first
    assert at[6.0] == [(newest, "slot_lost"), (middle, "slot_lost")]
    assert oldest not in {c for c, _ in at[2.0] + at[6.0]}
    mo = result.monthly
    assert mo.in_view.tolist() == [3, 3, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1]
    check_conservation(result, 12)


def test_plan_staff_change_takes_effect_in_its_arrival_month():
    raw = base_dict(years=1, stock=3)
    raw["roles"][0]["fte_now"] = 3.0
    sc = build(raw)
    plan = Plan(staff={"cw": StaffLevel(fte=1.0, arrives="2020-03")})
    result = run(sc, plan=plan)
    lost = result.events[result.events.event == "slot_lost"]
    assert lost.time.tolist() == [2.0, 2.0]
    newest = result.spells.sort_values("entry_time").client.tolist()[1:][::-1]
    assert lost.client.tolist() == newest
    assert result.monthly.in_view.tolist() == [3, 3] + [1] * 10


@pytest.mark.parametrize("rule", ["fifo", "kansrijk_first", "longest_waiting"])
def test_initial_slots_follow_the_priority_rule(rule):
    raw = base_dict(years=1, stock=40)
    raw["segments"][0]["ladder_at_entry"] = {2: 0.6, 5: 0.4}
    raw["roles"][0]["fte_now"] = 5.0
    raw["policy"] = {"priority": rule}
    result = run(raw)
    holders = set(result.events[(result.events.event == "slot_gained") & (result.events.time == 0)].client)
    sp = result.spells.set_index("client")
    assert len(holders) == 5
    if rule == "kansrijk_first":
        high = sp[sp.rung >= 4]
        assert len(high) >= 5
        assert all(sp.rung[c] >= 4 for c in holders)
        assert holders == set(high.sort_values("entry_time").index[:5])
    else:  # fifo (initial stock joined when it entered) and longest on the caseload: the same here
        assert holders == set(sp.sort_values("entry_time").index[:5])


def test_kansrijk_first_serves_high_rungs_first_when_a_slot_frees():
    raw = base_dict(years=3, stock=0, apps=4.0)
    raw["segments"][0]["ladder_at_entry"] = {2: 0.5, 5: 0.5}
    raw["tracks"][0]["hazards"] = {"moved": [0.2]}
    raw["roles"][0]["fte_now"] = 3.0
    out = {}
    for rule in ("fifo", "kansrijk_first"):
        raw["policy"] = {"priority": rule}
        result = run(raw, seed=3)
        sp = result.spells.drop_duplicates("client").set_index("client")
        gained = result.events[result.events.event == "slot_gained"]
        out[rule] = sp.rung[gained.client].ge(4).mean()
        if rule == "kansrijk_first":
            # replay: whenever a slot goes to a low rung, no high rung may be waiting
            waiting: dict[int, int] = {}
            holders: set[int] = set()
            for c, e in zip(result.events.client, result.events.event, strict=True):
                if e == "entry":
                    waiting[c] = sp.rung[c]
                elif e == "slot_gained":
                    rung = waiting.pop(c)
                    holders.add(c)
                    if rung < 4:
                        assert all(r < 4 for r in waiting.values())
                elif e.startswith("exit_"):
                    waiting.pop(c, None)
                    holders.discard(c)
    assert out["kansrijk_first"] > out["fifo"] + 0.1


def four_track_dict() -> dict:
    raw = base_dict(years=2, stock=40, apps=3.0)
    raw["duration_bands"] = [0, 6, 24]
    raw["segments"] = [
        {"name": "jong", "benefit_per_month": 900, "ladder_at_entry": {1: 0.25, 3: 0.25, 4: 0.25, 6: 0.25},
         "initial_duration": [0.5, 0.3, 0.2], "share_without_benefit": 0.1},
        {"name": "oud", "benefit_per_month": 1200, "ladder_at_entry": {2: 0.5, 5: 0.5}},
    ]
    raw["municipalities"][0]["initial_stock"] = {"jong": 30, "oud": 20}
    raw["municipalities"][0]["applications_per_month"] = {"jong": 2.0, "oud": 1.0}
    haz = {"work": [0.05, 0.03, 0.01], "moved": [0.01, 0.01, 0.01], "partial_work": [0.01, 0.01, 0.01]}
    raw["tracks"] = [
        {"name": "zeta", "caseworker_role": "z", "caseload_per_fte": 10, "ladder": [5, 6], "hazards": haz,
         "served_work_multiplier": 2.0},
        {"name": "alpha", "caseworker_role": "a", "caseload_per_fte": 10, "ladder": [3, 4], "hazards": haz,
         "transitions": [{"to": "zeta", "rate_per_month": 0.05}]},
        {"name": "mu", "ladder": [1], "hazards": haz,
         "transitions": [{"to": "alpha", "rate_per_month": 0.05, "in_view_only": False}]},
        {"name": "beta", "caseworker_role": "a", "caseload_per_fte": 5, "ladder": [2], "hazards": haz,
         "transitions": [{"to": "mu", "rate_per_month": 0.02}, {"to": "zeta", "rate_per_month": 0.02}]},
    ]
    raw["roles"] = [
        {"name": "z", "function": "caseworker", "fte_now": 1.0, "cost_per_fte_year": 1},
        {"name": "a", "function": "caseworker", "fte_now": 1.5, "cost_per_fte_year": 1},
        {"name": "emp", "function": "employer_services", "fte_now": 1.0, "cost_per_fte_year": 1,
         "work_multiplier_per_fte": 0.2},
        {"name": "enf", "function": "enforcement", "fte_now": 1.0, "cost_per_fte_year": 1,
         "enforcement_hazard_per_fte": 0.01},
    ]
    raw["instruments"] = [{"name": "i1", "track": "alpha", "duration_months": 3, "places_per_year": 12,
                           "work_multiplier_while_in": 3.0, "work_probability_at_end": 0.3,
                           "cost_per_participant": 500}]
    raw["returns"] = {"share_back": 0.3, "within_months": 6}
    raw["policy"] = {"priority": "longest_waiting", "benefit_pause_months": 2}
    return raw


def test_four_tracks_with_other_names_run_and_conserve():
    result = run(four_track_dict(), seed=11)
    mo = result.monthly
    assert sorted(mo.track.unique()) == ["alpha", "beta", "mu", "zeta"]
    assert set(mo.segment) == {"jong", "oud"}
    check_conservation(result, 24)
    assert mo[mo.track == "mu"].in_view.sum() == 0  # no caseworker role: nobody in view
    assert mo.transfers_in.sum() > 0 and mo.partial_work.sum() > 0 and mo.instrument_starts.sum() > 0
    assert mo.outflow_enforcement.sum() > 0
    ev = result.events
    tr = ev[ev.event == "transfer"]
    assert set(tr.track) <= {"zeta", "alpha", "mu"}
    # a rung outside the new track's ladder moves to its nearest rung: zeta takes 5-6 only
    assert ev[ev.event == "band"].shape[0] > 0


def test_band_events_at_the_band_edges():
    raw = base_dict(years=1, stock=2)
    raw["duration_bands"] = [0, 1, 2]
    raw["tracks"][0]["hazards"] = {"work": [0.0, 0.0, 0.0]}
    raw["segments"][0]["initial_duration"] = [1.0, 0.0, 0.0]
    raw["roles"][0]["fte_now"] = 2.0
    result = run(raw)
    sp = result.spells.set_index("client")
    for c in (0, 1):
        bands = [t for e, t in log(result, c) if e == "band"]
        start = sp.entry_time[c]
        assert -1.0 < start <= 0.0
        assert bands == [round(start + 1, 9), round(start + 2, 9)]


def test_identical_for_the_same_seed_different_for_another():
    sc = load_scenario(TINY)
    plan = baseline_plan(sc)
    a = run_replication(sc, plan, np.random.SeedSequence(5), record_events=True)
    b = run_replication(sc, plan, np.random.SeedSequence(5), record_events=True)
    c = run_replication(sc, plan, np.random.SeedSequence(6), record_events=True)
    d = run_replication(sc, plan, np.random.SeedSequence(5), record_events=False)
    for name in ("initial", "monthly", "spells", "events"):
        assert getattr(a, name).equals(getattr(b, name)), name
    assert a.monthly.equals(d.monthly) and a.spells.equals(d.spells)  # recording changes nothing
    assert not a.monthly.equals(c.monthly)
    assert not a.spells.equals(c.spells)


def test_spawned_seeds_are_independent_of_order():
    sc = load_scenario(TINY)
    plan = baseline_plan(sc)
    seeds = np.random.SeedSequence(42).spawn(3)
    forward = [run_replication(sc, plan, s, i).monthly for i, s in enumerate(seeds)]
    again = run_replication(sc, plan, np.random.SeedSequence(42).spawn(3)[2], 2).monthly
    assert forward[2].equals(again)
    assert not forward[0].equals(forward[1])


def test_tiny_scenario_uses_every_feature_and_conserves():
    sc = load_scenario(TINY)
    result = run(sc, seed=1)
    check_conservation(result, 24)
    total = result.monthly.drop(columns=["month", "municipality", "track", "segment"]).sum()
    for col in ("inflow", "outflow_work", "transfers_in", "instrument_starts", "instrument_cost",
                "benefit_cost", "subsidy_cost", "without_benefit", "in_view", "not_in_view"):
        assert total[col] > 0, col
    ev = result.events
    for e in ("application", "decision_granted", "entry", "slot_gained", "band", "instrument_start",
              "instrument_end", "transfer", "exit_work", "return"):
        assert (ev.event == e).any(), e
    assert list(ev.columns) == ["client", "time", "event", "municipality", "track"]
    assert result.initial.stock.sum() == 120


def test_uncertain_parameters_are_drawn_per_replication_and_paired_across_plans():
    raw = copy.deepcopy(four_track_dict())
    raw["uncertainty"] = [{"parameter": "tracks.zeta.served_work_multiplier", "low": 1.0, "high": 3.0},
                          {"parameter": "instruments.i1.places_per_year", "low": 0, "high": 40}]
    sc = build(raw)
    from sporen.sim.uncertainty import apply_uncertainty

    a, va = apply_uncertainty(sc, np.random.SeedSequence(1))
    b, vb = apply_uncertainty(sc, np.random.SeedSequence(1))
    c, vc = apply_uncertainty(sc, np.random.SeedSequence(2))
    assert va == vb and va != vc
    assert 1.0 <= a.track("zeta").served_work_multiplier <= 3.0
    assert a.track("zeta").served_work_multiplier == va["tracks.zeta.served_work_multiplier"]
    assert isinstance(a.instrument("i1").places_per_year, int)
    assert a.instrument("i1").places_per_year == va["instruments.i1.places_per_year"]
    assert sc.track("zeta").served_work_multiplier == 2.0  # the original is untouched
    assert sc.instrument("i1").places_per_year == 12
    r1 = run(sc, seed=1, events=False)
    r2 = run(a.model_copy(update={"uncertainty": []}), seed=1, events=False)
    assert r1.monthly.equals(r2.monthly)


def test_identical_in_another_process_with_another_hash_seed():
    import os
    import subprocess
    import sys

    code = ("import numpy as np, hashlib;"
            "from sporen.inputs.load import load_scenario; from sporen.inputs.plan import baseline_plan;"
            "from sporen.sim.engine import run_replication;"
            f"sc = load_scenario('{TINY}');"
            "r = run_replication(sc, baseline_plan(sc), np.random.SeedSequence(5), record_events=True);"
            "print(hashlib.sha256(r.monthly.to_csv().encode() + r.events.to_csv().encode()).hexdigest())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        digests.add(out.stdout.strip())
    sc = load_scenario(TINY)
    r = run_replication(sc, baseline_plan(sc), np.random.SeedSequence(5), record_events=True)
    import hashlib

    digests.add(hashlib.sha256(r.monthly.to_csv().encode() + r.events.to_csv().encode()).hexdigest())
    assert len(digests) == 1
