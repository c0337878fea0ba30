"""Intensity by thinning (sim.hazards, sim.intensity.upper_bound) against the closed form.

Everyone is in view and leaves only by work at 0.03 a month x the served multiplier. A points
curve that is flat beyond its ends makes the multiplier path known in advance: 3.0 while the
caseworkers carry at most one client each (months 0-5, 10,000 fte), 2.8 once they carry 250 or
more (from month 6, 1 fte). 2.8 lies within the upper multiplier's band (3.0 x 1.10 = 3.3 is
kept), so from month 6 every clock runs at 3.3 and 15% of its work candidates are rejected.
The stock at every month's end must follow exp(-H(t)), H(t) = 0.09 t until 6 and
0.54 + 0.084 (t - 6) after; without the rejection (the clock at 3.3) month 12 would be far off.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_support import base_dict, run
from hypothesis import given, settings
from hypothesis import strategies as st

from sporen.inputs.plan import Plan, StaffLevel
from sporen.sim.hazards import PARTIAL_WORK, TRANSFER, WORK, Profile, thinned_cause
from sporen.sim.intensity import HEADROOM, SLACK, upper_bound

N, H = 8000, 0.03


def flat_curve_dict() -> dict:
    raw = base_dict(years=1, stock=N)
    raw["tracks"][0].update({
        "caseload_per_fte": 10_000, "hazards": {"work": [H]},
        "intensity": {"curve": [{"caseload": 1, "multiplier": 3.0}, {"caseload": 250, "multiplier": 2.8}]},
    })
    raw["roles"][0]["fte_now"] = 10_000.0
    return raw


def expected_stock(t: float) -> float:
    cumulative = 3.0 * H * t if t <= 6 else 3.0 * H * 6 + 2.8 * H * (t - 6)
    return N * math.exp(-cumulative)


def test_upper_bound_keeps_its_band_and_resets_outside_it():
    assert upper_bound(3.0, 3.0) == 3.0
    assert upper_bound(2.8, 3.3) == 3.3                       # 2.8 x 1.25 >= 3.3: kept
    assert upper_bound(2.4, 3.15) == pytest.approx(2.4 * HEADROOM)   # below the band: reset
    assert upper_bound(3.2, 3.15) == pytest.approx(3.2 * HEADROOM)   # above the bound: reset
    assert SLACK > HEADROOM


@settings(max_examples=40, deadline=None)
@given(rates=st.lists(st.floats(0.01, 1.0), min_size=4, max_size=4), ratio=st.floats(0.05, 1.0))
def test_a_candidate_is_each_cause_with_its_actual_rate_and_otherwise_rejected(rates, ratio):
    """Enumerate the candidate's uniform on a fine grid: each cause gets its share of the
    dominating total at its actual rate (the served ones x ratio), the rest is rejected."""
    work, partial, moved, move = rates
    cum = tuple(np.cumsum(rates).tolist())
    prof = Profile((cum[-1],), (cum,), (WORK, PARTIAL_WORK, 2, TRANSFER), thin=0, up=(work + partial,))
    n = 20_000
    codes = [thinned_cause(prof, 0, (i + 0.5) / n, ratio) for i in range(n)]
    total = cum[-1]
    expected = {WORK: work * ratio, PARTIAL_WORK: partial * ratio, 2: moved, TRANSFER: move,
                -1: (1 - ratio) * (work + partial)}
    for code, rate in expected.items():
        assert codes.count(code) / n == pytest.approx(rate / total, abs=3 / n)


@pytest.mark.parametrize("seed", [3, 4])
def test_stock_follows_the_closed_form_through_a_thinned_multiplier(seed):
    plan = Plan(staff={"cw": StaffLevel(fte=10_000.0, arrives="2020-01", later={"2020-07": 1.0})})
    result = run(flat_curve_dict(), seed=seed, plan=plan, events=False)
    mo = result.monthly.sort_values("month")
    stock = (mo.on_benefit + mo.without_benefit).to_numpy()
    assert (mo.in_view.to_numpy() == stock).all()
    assert stock[-1] >= 250  # the caseload stayed on the curve's flat end: the path is as assumed
    for m, observed in enumerate(stock):
        p = expected_stock(m + 1) / N
        sd = math.sqrt(N * p * (1 - p))
        assert abs(observed - N * p) < 3.5 * sd, (m, observed, N * p)
