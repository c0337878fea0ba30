"""The guarantee, checked on synthetic oracles whose true probabilities are known.

* The sequential verdict on Bernoulli futures: a plan below p is declared *meets*, and a plan at
  or above p *does not meet*, in at most 1 - confidence of many independent runs; a plan two
  zones above p is declared *meets* nearly always; a plan at p is *on the edge* mostly.
* The whole optimiser on `BernoulliSim` (every plan's probability known exactly) across many
  seeds: the chosen plan meets the target when it says so (error rate within the stated
  confidence), it costs no more than the cheapest plan that clearly meets it, the verdict is
  never "out of reach" while a verified plan meets the target, and the same question on other
  seeds gives the same plan.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optimise_fakes import BernoulliSim, additive_probability, small_space, tiny

from sporen.optimise.loop import OptimiseOptions, optimise
from sporen.optimise.stats import (
    DOES_NOT_MEET,
    MEETS,
    ON_THE_EDGE,
    Estimate,
    Precision,
    binomial_cdf,
    decide,
    screen_count,
    verdict,
    wilson,
)

RUNS = 4000


def _sequential_verdicts(pi: float, p: float, precision: Precision, runs: int, seed: int) -> np.ndarray:
    """The verdict of `runs` independent sequential tests on Bernoulli(pi) futures."""
    rng = np.random.default_rng(seed)
    looks = precision.looks(p)
    z = precision.z(p)
    draws = rng.random((runs, looks[-1])) < pi
    counts = np.cumsum(draws, axis=1)
    out = np.empty(runs, dtype=object)
    for r in range(runs):
        for i, n in enumerate(looks):
            k = int(counts[r, n - 1])
            low, high = wilson(k, n, z)
            found = verdict(Estimate(k / n, low, high, n, k), p, precision.zone, i == len(looks) - 1)
            if found is not None:
                out[r] = found
                break
    return out


def _allowed_errors(alpha: float, runs: int) -> int:
    """At most this many errors out of `runs` when the true error rate is alpha (99.9% one-sided)."""
    return int(alpha * runs + 3.1 * math.sqrt(alpha * (1 - alpha) * runs))


@pytest.mark.parametrize("p", [0.9, 0.8])
def test_verdict_error_rates_are_within_the_stated_confidence(p):
    precision = Precision()
    alpha = 1 - precision.confidence
    zone = precision.zone
    at_p = _sequential_verdicts(p, p, precision, RUNS, 1)
    # at p exactly both wrong-side errors are at their worst: 'meets' needs pi >= p, 'does not meet' pi < p
    assert np.sum(at_p == MEETS) <= _allowed_errors(alpha, RUNS)
    assert np.sum(at_p == DOES_NOT_MEET) <= _allowed_errors(alpha, RUNS)
    assert np.mean(at_p == ON_THE_EDGE) > 0.9                   # within the zone: on the edge
    below = _sequential_verdicts(p - zone / 2, p, precision, RUNS, 2)
    assert np.sum(below == MEETS) <= _allowed_errors(alpha, RUNS) // 4
    above = _sequential_verdicts(p + 2 * zone, p, precision, RUNS, 3)
    assert np.mean(above == MEETS) >= 1 - alpha                 # clearly above p: meets
    far = _sequential_verdicts(p - 3 * zone, p, precision, RUNS, 4)
    assert np.mean(far == DOES_NOT_MEET) >= 1 - alpha


def test_bounds_and_decisions():
    low, high = wilson(90, 100, 1.959963984540054)
    assert 0.82 < low < 0.83 and 0.94 < high < 0.95
    assert wilson(0, 10, 2.0)[0] == 0.0 and wilson(10, 10, 2.0)[1] == 1.0
    precision = Precision()
    assert precision.looks(0.9)[0] == 40 and precision.looks(0.9)[-1] == precision.cap_for(0.9)
    # at the cap the half-width at p is about the zone
    n, z = precision.cap_for(0.9), precision.z(0.9)
    assert abs(z * math.sqrt(0.09 / n) - precision.zone) < 0.001
    e = Estimate(0.95, 0.91, 0.98, 200)
    assert decide(e, 0.9, 0.02, False) is True and verdict(e, 0.9, 0.02, False) == MEETS
    e = Estimate(0.85, 0.80, 0.89, 200)
    assert decide(e, 0.9, 0.02, False) is False and verdict(e, 0.9, 0.02, False) == DOES_NOT_MEET
    e = Estimate(0.9, 0.885, 0.915, 1300)
    assert decide(e, 0.9, 0.02, False) is False and verdict(e, 0.9, 0.02, False) == ON_THE_EDGE
    assert decide(Estimate(0.9, 0.86, 0.94, 100), 0.9, 0.02, False) is None
    assert screen_count(40, 0.9) == 31 and binomial_cdf(30, 40, 0.9) <= 0.01 < binomial_cdf(31, 40, 0.9)


# -- the whole optimiser on a synthetic oracle with known probabilities ---------------------------------
LEVELS = {"role:km_werk": [1.0, 1.5, 2.0, 2.5, 3.0], "instrument:leerwerk": [10, 20, 30],
          "measure:screening": [False, True]}


def _truth(space, probability):
    """(cost, probability) of every admissible point whose first year is at the baseline (only 2019 counts)."""
    from sporen.optimise.constraints import HardLimits

    limits = HardLimits(space, {})
    out = []
    for second in itertools.product(*(range(len(lv.levels)) for lv in space.levers)):
        point = tuple((k, k) if lv.kind == "measure" else (lv.baseline, k)
                      for lv, k in zip(space.levers, second, strict=True))
        if limits.admissible(point):
            out.append((space.point_cost(point), probability(space.scenario, space.point_plan(point))))
    return out


@pytest.fixture(scope="module")
def landscape():
    scenario = tiny()
    space = small_space(scenario, LEVELS)
    probability = additive_probability(scenario, 0.55, {"role:km_werk": 0.12, "instrument:leerwerk": 0.006,
                                                        "measure:screening": 0.08}, years=[2019])
    return scenario, space, probability


def test_optimiser_on_known_probabilities_across_seeds(landscape):
    scenario, space, probability = landscape
    truth = _truth(space, probability)
    p, zone = 0.9, 0.02
    clear = min(cost for cost, q in truth if q >= p + zone)        # the cheapest plan that clearly meets
    seeds = range(12)
    verdicts, costs, wrong = [], [], 0
    for seed in seeds:
        result = optimise(scenario, OptimiseOptions(space=space, seed=seed, explain=False),
                          evaluate=BernoulliSim(probability))
        true_p = probability(scenario, result.plan)
        verdicts.append(result.verdict)
        costs.append(result.cost)
        wrong += result.verdict == MEETS and true_p < p
        assert result.cost <= clear * 1.05 + 1
        assert not (result.out_of_reach and any(v.verdict == MEETS for _, v in result.verified))
    assert wrong <= 1                                             # 5% of 12 runs: at most one
    # a plan at p + 1.5 zones is declared 'meets' with probability about 0.97 (power): at most one
    # of twelve runs may say 'on the edge' instead, never 'does not meet'
    assert verdicts.count(MEETS) >= len(verdicts) - 1 and DOES_NOT_MEET not in verdicts
    assert max(costs) <= 1.05 * min(costs)                        # stable across seeds


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.floats(0.3, 0.8), gain=st.floats(0.0, 0.15), seed=st.integers(0, 10**6))
def test_never_out_of_reach_while_a_verified_plan_meets(landscape, base, gain, seed):
    scenario, space, _ = landscape
    probability = additive_probability(scenario, base, {"role:km_werk": gain, "instrument:leerwerk": gain / 20,
                                                        "measure:screening": gain / 2}, years=[2019])
    result = optimise(scenario, OptimiseOptions(space=space, seed=seed, explain=False),
                      evaluate=BernoulliSim(probability))
    assert not (result.out_of_reach and any(v.verdict == MEETS for _, v in result.verified))
    best = max(q for _, q in _truth(space, probability))
    if result.out_of_reach:
        assert best < 0.9                       # out of reach only when the best plan truly is below p
    if best >= 0.9 + 2 * 0.02:
        assert result.verdict == MEETS          # clearly reachable: found and verified
