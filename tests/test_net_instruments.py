"""Net instrument effects (sporen.sim.instruments.net_instruments, MODEL.md 3.5).

A deadweight d thins an instrument's effect above the participants' own hazards by (1 - d), so
the extra work exits per extra start scale by about (1 - d) against the same simulation with
d = 0 (common random numbers: the same people, only the instrument's places differ)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sporen.common.errors import InputError
from sporen.inputs.plan import baseline_plan
from sporen.sim.instruments import net_instrument, net_instruments
from tests.engine_support import base_dict, build, run

SEEDS = range(4)


def scenario(deadweight: float, places: int):
    raw = base_dict(years=1, stock=1500)
    raw["tracks"][0]["hazards"] = {"work": [0.02]}
    raw["tracks"][0]["caseload_per_fte"] = 10_000
    raw["instruments"] = [{"name": "loc", "track": "T", "duration_months": 4, "places_per_year": places,
                           "cost_per_participant": 100, "work_multiplier_while_in": 4.0,
                           "work_probability_at_end": 0.38, "deadweight": deadweight}]
    return build(raw)


def extra_per_start(deadweight: float) -> float:
    """(extra work exits) / (extra starts) of 600 against 200 places a year, summed over the seeds."""
    exits, starts = [], []
    for places in (200, 600):
        sc = scenario(deadweight, places)
        runs = [run(sc, seed=s, plan=baseline_plan(sc), events=False).monthly for s in SEEDS]
        exits.append(sum(int(m.outflow_work.sum()) for m in runs))
        starts.append(sum(int(m.instrument_starts.sum()) for m in runs))
    assert starts[1] - starts[0] > 1000
    return (exits[1] - exits[0]) / (starts[1] - starts[0])


def per_start(deadweight: float, hazard: float = 0.02, months: float = 4, multiplier: float = 4.0,
              end: float = 0.38) -> float:
    """Analytic extra work exits per start within the trajectory: the exits the thinned extra hazard
    adds while in it, plus the thinned end chance of those still there."""
    keep = 1 - deadweight
    survive = np.exp(-hazard * months * (1 + keep * (multiplier - 1)))
    return (np.exp(-hazard * months) - survive) + survive * keep * end


def test_extra_work_exits_per_extra_start_scale_by_one_minus_deadweight():
    gross = extra_per_start(0.0)
    assert 0.25 < gross < 0.5, gross          # the gross effect, less the exits it pre-empts later
    for d in (0.5, 0.8):
        ratio = extra_per_start(d) / gross
        # about (1 - d); a bit more, as survivors of a weaker hazard still get the end chance
        assert abs(ratio - per_start(d) / per_start(0.0)) < 0.02, (d, ratio)
        assert 0 <= ratio - (1 - d) < 0.06, (d, ratio)


def test_no_deadweight_simulates_exactly_as_before():
    sc = scenario(0.0, 300)
    assert net_instruments(sc) is sc
    a = run(sc, seed=1, events=False).monthly
    raw = sc.model_dump()
    raw["instruments"][0].pop("deadweight")
    b = run(build(raw), seed=1, events=False).monthly
    assert a.equals(b)


@given(st.floats(1.0, 6.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_net_effect_formula_and_idempotence(multiplier, end, d):
    sc = scenario(0.0, 10)
    instrument = sc.instruments[0].model_copy(update={"work_multiplier_while_in": multiplier,
                                                      "work_probability_at_end": end, "deadweight": d})
    net = net_instrument(instrument)
    assert net.work_multiplier_while_in == pytest.approx(1 + (1 - d) * (multiplier - 1))
    assert net.work_probability_at_end == pytest.approx((1 - d) * end)
    assert net_instrument(net) == net
    assert 1.0 <= net.work_multiplier_while_in <= multiplier and net.work_probability_at_end <= end


def test_deadweight_on_a_wage_cost_subsidy_is_refused():
    raw = base_dict()
    raw["instruments"] = [{"name": "lks", "track": "T", "kind": "wage_cost_subsidy", "duration_months": 12,
                           "places_per_year": 1, "deadweight": 0.3}]
    raw["wage_cost_subsidy"] = {"minimum_wage_month": 1700}
    with pytest.raises((InputError, ValueError), match="deadweight"):
        build(raw)


def test_net_scenario_keeps_everything_else():
    sc = scenario(0.6, 100)
    net = net_instruments(sc)
    assert net.instruments[0].deadweight == 0 and sc.instruments[0].deadweight == 0.6
    assert net.model_dump(exclude={"instruments"}) == sc.model_dump(exclude={"instruments"})
    assert np.isclose(net.instruments[0].work_probability_at_end, 0.4 * 0.38)
