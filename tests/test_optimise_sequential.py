"""The verdict's sequential test (optimise/sequential.py): exact operating characteristics.

For p in {0.5, 0.8, 0.9, 0.95, 0.99}: the chance of *meets* at p is at most 1 - C, of *does not
meet* at p at most 1 - C, of *meets* at p + D_eff at least 0.95, on a grid of true probabilities
around p as well (the characteristics are monotone); the dynamic programme against brute-force
enumeration of every outcome sequence, and against Monte Carlo runs of the test itself (verdict
shares and expected futures).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sporen.optimise.sequential import (
    POWER,
    SequentialDesign,
    characteristics,
    clopper_pearson,
    design_test,
    effective_zone,
)
from sporen.optimise.stats import DOES_NOT_MEET, MEETS, ON_THE_EDGE

CONFIDENCE = 0.95
ALPHA = 1 - CONFIDENCE
PS = (0.5, 0.8, 0.9, 0.95, 0.99)


@pytest.fixture(scope="module", params=PS)
def design(request) -> SequentialDesign:
    return design_test(request.param, 0.02, CONFIDENCE, 40)


def test_error_at_p_and_power_at_p_plus_zone(design):
    p, d = design.p, design.zone_eff
    assert d == pytest.approx(effective_zone(p, 0.02))
    at_p = characteristics(design, p)
    assert at_p.meets <= ALPHA + 1e-12
    assert at_p.does_not_meet <= ALPHA + 1e-12
    assert at_p.meets + at_p.does_not_meet + at_p.on_the_edge == pytest.approx(1.0)
    assert characteristics(design, p + d).meets >= POWER
    # the schedule's last look is the shortest with that power: one step less falls short
    shorter = design_test(p, 0.02, CONFIDENCE, 40, cap=design.last - 40)
    assert shorter.zone_eff > d


def test_characteristics_are_monotone_and_errors_hold_on_either_side(design):
    p, d = design.p, design.zone_eff
    qs = np.clip(np.concatenate([p - d * np.array([4, 2, 1, 0.5, 0.1]), [p],
                                 p + d * np.array([0.1, 0.5, 1, 2, 4])]), 1e-4, 1 - 1e-6)
    ocs = [characteristics(design, float(q)) for q in qs]
    meets = [oc.meets for oc in ocs]
    dnm = [oc.does_not_meet for oc in ocs]
    assert all(a <= b + 1e-12 for a, b in zip(meets, meets[1:], strict=False))
    assert all(a >= b - 1e-12 for a, b in zip(dnm, dnm[1:], strict=False))
    for q, oc in zip(qs, ocs, strict=True):
        if q <= p:
            assert oc.meets <= ALPHA + 1e-12
        if q >= p:
            assert oc.does_not_meet <= ALPHA + 1e-12
        if q >= p + d:
            assert oc.meets >= POWER


EXPECTED = {  # p: (last look, expected futures at p, at p + D_eff, at p + 3 D_eff or 1)
    0.5: (8040, 7641, 3618, 672),
    0.8: (4960, 4715, 2259, 405),
    0.9: (2640, 2512, 1226, 206),
    0.95: (1240, 1183, 598, 120),
    0.99: (3800, 3620, 1863, 520),
}


def test_expected_futures_as_designed(design):
    """The figures docs/optimisation.md quotes: far from p a test stops early, near p it runs long."""
    p, d = design.p, design.zone_eff
    last, at_p, at_power, far = EXPECTED[p]
    assert design.last == last
    assert characteristics(design, p).expected_futures == pytest.approx(at_p, abs=1)
    assert characteristics(design, p + d).expected_futures == pytest.approx(at_power, abs=1)
    assert characteristics(design, min(p + 3 * d, 1.0)).expected_futures == pytest.approx(far, abs=1)


def _monte_carlo(design: SequentialDesign, q: float, runs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Verdicts and futures used of `runs` independent tests on Bernoulli(q) futures."""
    rng = np.random.default_rng(seed)
    looks = np.array(design.looks)
    counts = np.cumsum(rng.random((runs, design.last)) < q, axis=1)[:, looks - 1]
    up = counts >= np.array(design.upper)
    low = counts <= np.array(design.lower)
    stop = up | low
    stop[:, -1] = True
    first = stop.argmax(axis=1)
    rows = np.arange(runs)
    verdicts = np.where(up[rows, first], MEETS, np.where(low[rows, first], DOES_NOT_MEET, ON_THE_EDGE))
    return verdicts, looks[first]


@pytest.mark.parametrize("p", [0.9, 0.99])
def test_dynamic_programme_matches_monte_carlo(p):
    design = design_test(p, 0.02, CONFIDENCE, 40)
    runs = 3000
    for i, q in enumerate((p, p + design.zone_eff / 2, p + design.zone_eff)):
        exact = characteristics(design, q)
        verdicts, futures = _monte_carlo(design, q, runs, seed=i)
        for share, value in ((np.mean(verdicts == MEETS), exact.meets),
                             (np.mean(verdicts == DOES_NOT_MEET), exact.does_not_meet)):
            assert abs(share - value) <= 4 * math.sqrt(max(value * (1 - value), 1e-4) / runs)
        sd = float(np.std(futures))
        assert abs(float(np.mean(futures)) - exact.expected_futures) <= 4 * sd / math.sqrt(runs) + 1
        # the design's own stepping agrees with the vectorised one
        rng = np.random.default_rng(99)
        met = rng.random(design.last) < q
        found, n, s = design.run(met)
        assert s == int(met[:n].sum())
        assert found == design.decide(design.looks.index(n), s)


def test_dynamic_programme_matches_enumeration():
    """A tiny design: every one of the 2^8 outcome sequences weighed by hand."""
    design = SequentialDesign(p=0.6, zone=0.2, zone_eff=0.2, alpha=0.1, looks=(2, 4, 6, 8),
                              upper=(3, 4, 5, 6), lower=(-1, 0, 2, 5))
    for q in (0.3, 0.6, 0.85):
        totals = {MEETS: 0.0, DOES_NOT_MEET: 0.0, ON_THE_EDGE: 0.0}
        expected = 0.0
        for seq in itertools.product((0, 1), repeat=8):
            weight = q ** sum(seq) * (1 - q) ** (8 - sum(seq))
            found, n, _ = design.run(np.array(seq))
            totals[found] += weight
            expected += weight * n
        oc = characteristics(design, q)
        assert oc.meets == pytest.approx(totals[MEETS])
        assert oc.does_not_meet == pytest.approx(totals[DOES_NOT_MEET])
        assert oc.on_the_edge == pytest.approx(totals[ON_THE_EDGE])
        assert oc.expected_futures == pytest.approx(expected)


def test_a_cap_widens_the_zone_and_keeps_the_guarantee():
    design = design_test(0.9, 0.02, CONFIDENCE, 40, cap=400)
    assert design.last <= 400
    assert design.zone_eff > 0.02
    assert characteristics(design, 0.9).meets <= ALPHA + 1e-12
    assert characteristics(design, 0.9 + design.zone_eff).meets >= POWER


def test_zone_narrows_near_one():
    assert effective_zone(0.99, 0.02) == pytest.approx(0.005)
    assert effective_zone(0.9, 0.02) == 0.02
    design = design_test(0.97, 0.02, CONFIDENCE, 40)
    assert design.zone_eff == pytest.approx(0.015)
    assert characteristics(design, 0.985).meets >= POWER


def test_clopper_pearson_against_closed_forms():
    n = 50
    low, high = clopper_pearson(n, n, 0.95)
    assert high == 1.0 and low == pytest.approx(0.025 ** (1 / n))
    low, high = clopper_pearson(0, n, 0.95)
    assert low == 0.0 and high == pytest.approx(1 - 0.025 ** (1 / n))
    low, high = clopper_pearson(45, 50, 0.95)
    assert 0.78 < low < 0.9 < high < 0.97


def test_the_plan_job_names_the_verification_bounds_as_the_test_labels_them():
    from sporen.jobs.plan import EXACT_BOUNDS
    from sporen.optimise.sequential import BOUNDS_LABEL

    assert EXACT_BOUNDS == BOUNDS_LABEL
