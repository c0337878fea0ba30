"""Returns of earlier job-leavers from the first month (sporen.sim.arrivals, MODEL.md 3.6).

E work exits a month before the start, each back with probability q after Uniform(0, W) months,
give returns at rate E q (W - t) / W on [0, W): E q W / 2 in all, at mean time W / 3. Together
with the run's own returns (rate E q t / W while they build up) a steady caseload gets returns
at the flat rate E q from the first month."""

from __future__ import annotations

import numpy as np

from sporen.sim.arrivals import earlier_return_rate, earlier_return_times
from sporen.sim.population import RETURNER_K, draw_people
from tests.engine_support import base_dict, build, run


def scenario(exits: float, years: int = 2, stock: int = 1, apps: float = 0.0, hazard: float = 0.0):
    raw = base_dict(years=years, stock=stock, apps=apps)
    raw["segments"].append({"name": "r", "benefit_per_month": 1000, "ladder_at_entry": {4: 1.0}})
    raw["municipalities"][0]["applications_per_month"] = {"s": 3 * apps, "r": apps}
    raw["municipalities"][0]["initial_stock"] = {"s": stock}
    raw["municipalities"][0]["work_exits_before_start"] = exits
    raw["returns"] = {"share_back": 0.5, "within_months": 12.0}
    raw["tracks"][0]["hazards"] = {"work": [hazard]}
    raw["tracks"][0]["caseload_per_fte"] = 10_000
    return build(raw)


def test_earlier_returns_have_the_analytic_count_and_a_falling_rate():
    sc = scenario(40.0, apps=1.0)
    q, w = sc.returns.share_back, sc.returns.within_months
    rates = [earlier_return_rate(sc, 0, s) for s in range(len(sc.segments))]
    assert np.allclose(rates, [40.0 * q * 0.75, 40.0 * q * 0.25])   # split pro rata to applications
    draws = [earlier_return_times(sc, seed, 0, 0) for seed in np.random.SeedSequence(5).spawn(400)]
    counts = np.array([len(d) for d in draws])
    expected = rates[0] * w / 2
    assert abs(counts.mean() - expected) < 4 * np.sqrt(expected / len(draws))
    times = np.concatenate(draws)
    assert times.min() >= 0 and times.max() < w
    # the law's density 2 (W - t) / W^2: mean W / 3, sd W / sqrt(18)
    assert abs(times.mean() - w / 3) < 4 * (w / np.sqrt(18)) / np.sqrt(len(times))


def test_no_earlier_exits_leaves_every_person_as_before():
    seed = np.random.SeedSequence(3)
    before = draw_people(scenario(0.0, apps=2.0), seed)
    after = draw_people(scenario(30.0, apps=2.0), seed)
    assert not (before.app_k >= RETURNER_K).any()
    returners = after.app_k >= RETURNER_K
    assert returners.sum() > 0
    assert np.array_equal(np.asarray(after.app_times)[~returners], np.asarray(before.app_times))


def test_a_steady_caseload_has_flat_inflow_from_the_first_month():
    """Stock 1,000 at work hazard 0.02: 20 work exits a month, balanced by 20 - 10 (returns)
    applications. With the 20 earlier exits a month the inflow is flat; without them it ramps up
    by the 10 returns a month over the first year."""
    def inflow(exits: float):
        sc = scenario(exits, stock=1000, apps=2.5, hazard=0.02)
        runs = [run(sc, seed=seed, events=False).monthly.groupby("month").inflow.sum() for seed in range(6)]
        return sum(runs) / len(runs)
    flat, ramp = inflow(20.0), inflow(0.0)
    assert abs(flat.iloc[:3].mean() / flat.iloc[12:].mean() - 1) < 0.1, flat.round(1).tolist()
    assert ramp.iloc[:3].mean() < 0.8 * ramp.iloc[12:].mean(), ramp.round(1).tolist()
