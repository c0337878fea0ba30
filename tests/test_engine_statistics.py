"""Statistical checks: the slot pool as an M/M/c queue, Poisson arrivals, common random numbers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from engine_support import base_dict, build, run

from sporen.inputs.load import load_scenario
from sporen.inputs.plan import Plan, StaffLevel, baseline_plan
from sporen.sim.arrivals import application_times
from sporen.sim.engine import run_replication

T_975 = {19: 2.093, 24: 2.064}


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean waiting time in the queue of an M/M/c queue (Erlang C)."""
    a = lam / mu
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def test_slot_pool_is_an_mmc_queue_with_the_erlang_c_waiting_time():
    lam, mu, c = 8.0, 1.0, 10
    raw = base_dict(years=10, stock=8, apps=lam)
    raw["tracks"][0].update(caseload_per_fte=c, hazards={"work": [mu / 1e6]}, served_work_multiplier=1e6)
    sc = build(raw)
    means = []
    for seed in range(20):
        ev = run(sc, seed=seed).events
        entry = ev[ev.event == "entry"].set_index("client").time
        gained = ev[ev.event == "slot_gained"].drop_duplicates("client").set_index("client").time
        window = entry[(entry >= 12) & (entry < 108)]
        waits = gained.reindex(window.index) - window
        assert waits.notna().all() and (waits >= 0).all()
        means.append(waits.mean())
    means = np.array(means)
    half = T_975[19] * means.std(ddof=1) / math.sqrt(len(means))
    expected = erlang_c_wait(lam, mu, c)
    assert abs(means.mean() - expected) <= half, (means.mean(), half, expected)


def test_application_counts_are_poisson_with_trend_seasonality_and_series():
    raw = base_dict(years=2, stock=0, apps=5.0)
    raw["segments"][0]["application_trend_per_year"] = 1.0
    raw["segments"][0]["seasonality"] = [2.0] + [10 / 11] * 11
    raw["application_series"] = {"A": {"s": {"2020-06": 40.0}}}
    raw["economy"] = {"application_multiplier": 1.5}
    sc = build(raw)
    counts = np.zeros((300, 24))
    for i in range(300):
        t = application_times(sc, np.random.SeedSequence(i), 0, 0)
        counts[i] = np.bincount(t.astype(int), minlength=24)
    m = np.arange(24)
    season = np.array([2.0] + [10 / 11] * 11)[m % 12]
    growth = (2.0 ** ((m + 1) / 12) - 2.0 ** (m / 12)) / (math.log(2.0) / 12)  # mean of 2^(t/12) over month
    expected = 5.0 * 1.5 * season * growth
    expected[5] = 40.0 * 1.5  # the series month replaces level, trend and seasonality
    se = np.sqrt(expected / 300)
    assert np.all(np.abs(counts.mean(axis=0) - expected) < 4.5 * se)
    assert abs(counts.var(axis=0).mean() / expected.mean() - 1) < 0.15  # Poisson: variance = mean


def test_more_caseworkers_never_raise_benefit_spending_beyond_noise_under_crn():
    sc = load_scenario(Path(__file__).parent / "data" / "tiny.yaml")
    base = baseline_plan(sc)
    more = Plan(name="more", staff={"km_werk": StaffLevel(fte=3.0), "km_werkleer": StaffLevel(fte=3.0),
                                    "km_participatie": StaffLevel(fte=1.5)})
    paired, unpaired = [], []
    for i, seed in enumerate(np.random.SeedSequence(7).spawn(25)):
        a = run_replication(sc, base, seed, i).monthly
        b = run_replication(sc, more, seed, i).monthly
        other = run_replication(sc, base, np.random.SeedSequence([99, i]), i).monthly
        cost = lambda m: m.benefit_cost.sum() + m.subsidy_cost.sum()  # noqa: E731
        paired.append(cost(b) - cost(a))
        unpaired.append(cost(b) - cost(other))
        assert (a.in_view.iloc[: 5 * 12].sum() == b.in_view.iloc[: 5 * 12].sum())  # staff arrive in month 5
    paired = np.array(paired, dtype=float)
    se = paired.std(ddof=1) / math.sqrt(len(paired))
    assert paired.mean() <= T_975[24] * se
    assert paired.mean() < 0  # and here it clearly lowers spending
    assert paired.std(ddof=1) < 0.5 * np.std(unpaired, ddof=1)  # common random numbers pair the runs


def test_piecewise_hazards_and_a_mid_run_change_give_the_right_survival():
    """Survival over duration bands, with a measure doubling the hazard from month 1 (a restate)."""
    from sporen.sim.hazards import cumulative

    raw = base_dict(years=1, stock=4000)
    raw["duration_bands"] = [0, 2, 5]
    raw["tracks"][0]["hazards"] = {"moved": [0.3, 0.1, 0.5]}
    raw["segments"][0]["initial_duration"] = [1.0, 0.0, 0.0]
    raw["roles"][0]["fte_now"] = 4000.0
    raw["measures"] = [{"name": "double", "on_in_baseline": True, "start_offset_months": 1,
                        "effects": {"hazard_multipliers": {"moved": 2.0}}}]
    result = run(raw, seed=4, events=False)
    sp = result.spells
    d0 = -sp.entry_time.to_numpy()
    tot, edges = (0.3, 0.1, 0.5), [0.0, 2.0, 5.0]
    for horizon in (0.5, 1.0, 3.0, 6.0):
        expected = np.mean([math.exp(-cumulative(tot, edges, d, d + min(horizon, 1.0))
                                     - 2 * cumulative(tot, edges, d + 1.0, d + max(horizon, 1.0))) for d in d0])
        observed = np.mean(~(sp.exit_time < horizon))
        assert abs(observed - expected) < 4 * math.sqrt(expected * (1 - expected) / len(sp)), horizon
