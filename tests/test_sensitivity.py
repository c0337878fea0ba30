"""Sensitivity indices against what could be wrong: analytic indices of a linear function, a
parameter built to dominate, a parameter the output never reads, common random numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sporen.inputs.load import load_scenario
from sporen.inputs.plan import baseline_plan
from sporen.inputs.schema import Uncertain
from sporen.inputs.vangnet_rules import scenario_vangnet_rules
from sporen.sensitivity.evaluate import simulate_points
from sporen.sensitivity.goal import Goal, target_total
from sporen.sensitivity.indices import ranking, sobol_indices
from sporen.sensitivity.sampling import NOISE, Factor, factors_of, points_of, saltelli

TINY = Path(__file__).parent / "data" / "tiny.yaml"

DOMINANT = "segments.regular.benefit_per_month"
UNREAD = "finance.other_lines.wsw_shortfall.2018"   # an exploitatie line: never in the BUIG result


def test_linear_function_gives_the_analytic_indices():
    """y = sum a_i x_i, x_i uniform: S_i = ST_i = a_i^2 w_i^2 / sum_j a_j^2 w_j^2 (w: the range's width)."""
    factors = [Factor("a", 0, 1), Factor("b", 0, 2), Factor("c", -1, 1), Factor("d", 5, 5.5)]
    weights = np.array([1.0, 1.5, -2.0, 3.0])
    x = saltelli(factors, 1024, seed=3)
    table = sobol_indices(factors, x @ weights, seed=3)
    widths = np.array([f.high - f.low for f in factors])
    analytic = (weights * widths) ** 2 / ((weights * widths) ** 2).sum()
    for column in ("first", "total"):
        assert np.allclose(table[column], analytic, atol=0.03), (column, table[column].tolist(), analytic)
        inside = (table[f"{column}_low"] <= analytic + 1e-9) & (analytic - 1e-9 <= table[f"{column}_high"])
        assert inside.all(), table


@pytest.fixture(scope="module")
def tiny_design():
    scenario = load_scenario(TINY)
    named = [Uncertain(parameter=DOMINANT, low=500, high=3000),
             Uncertain(parameter="tracks.werk.served_work_multiplier", low=1.3, high=1.5),
             Uncertain(parameter=UNREAD, low=0, high=1_000_000)]
    factors = factors_of(scenario, named)
    sample = saltelli(factors, 64, seed=11)
    points = points_of(factors, sample)
    parameters = [f.name for f in factors if not f.noise]
    results = simulate_points(scenario, baseline_plan(scenario), scenario_vangnet_rules(scenario), parameters,
                              points, 11, workers=1)
    return scenario, factors, sample, points, parameters, results


def test_the_dominant_parameter_ranks_first(tiny_design):
    _, factors, _, _, _, results = tiny_design
    table = sobol_indices(factors, target_total(results, Goal(from_year=2019)), "total", seed=11)
    assert ranking(table, "total")[0] == DOMINANT
    assert float(table.set_index("factor").loc[DOMINANT, "total"]) > 0.8


def test_a_parameter_the_output_never_reads_has_an_interval_around_zero(tiny_design):
    _, factors, _, _, _, results = tiny_design
    table = sobol_indices(factors, target_total(results, Goal(from_year=2019)), "total", seed=11).set_index("factor")
    for column in ("first", "total"):
        assert table.loc[UNREAD, f"{column}_low"] <= 0 <= table.loc[UNREAD, f"{column}_high"]
    # the noise is there and counted (the tiny scenario's clients are few)
    assert table.loc[NOISE, "total"] > 0


def test_common_random_numbers_pair_each_assumption_with_its_base_future(tiny_design):
    """In each block A, AB_1..AB_k, B the rows AB_i (i not the noise) keep A's seed, and changing an
    unread parameter alone changes no BUIG result at all."""
    _, factors, _, points, parameters, results = tiny_design
    k = len(factors)
    line = results.line().sum(axis=2)
    unread = parameters.index(UNREAD)
    for block in range(0, len(points), k + 2):
        a = points[block]
        for i, factor in enumerate(factors):
            ab = points[block + 1 + i]
            assert (ab.seed == a.seed) != factor.noise
        assert np.array_equal(line[block], line[block + 1 + unread])


def test_worker_count_does_not_change_the_results(tiny_design):
    scenario, _, _, points, parameters, results = tiny_design
    again = simulate_points(scenario, baseline_plan(scenario), scenario_vangnet_rules(scenario), parameters,
                            points[:24], 11, workers=2)
    for name, array in again.arrays.items():
        assert np.array_equal(array, results.arrays[name][:24])


def test_metamodel_and_direct_indices_agree_on_a_noisy_function():
    """y = 2a + b^2 + a*b + noise (seed-driven): the metamodel's indices (noise as the residual) and
    SALib's from the same futures overlap for every factor, and the noise row is the analytic share."""
    from sporen.sensitivity.metamodel import agree, metamodel_indices

    factors = [Factor("a", 0, 1), Factor("b", -1, 1), Factor("unused", 0, 5), Factor(NOISE, 0, 1)]
    x = saltelli(factors, 512, seed=5)
    noise = np.sqrt(12) * 0.3 * (x[:, 3] - 0.5)          # uniform, variance 0.09, additive
    y = 2 * x[:, 0] + x[:, 1] ** 2 + x[:, 0] * x[:, 1] + noise
    direct = sobol_indices(factors, y, seed=5)
    meta = metamodel_indices(factors, x[:, :3], y, seed=5, block=len(factors) + 2)
    assert agree(direct, meta).all(), (direct, meta)
    grid = np.random.default_rng(0).random((400_000, 2)) * [1, 2] - [0, 1]     # the signal variance, by brute force
    signal = np.var(2 * grid[:, 0] + grid[:, 1] ** 2 + grid[:, 0] * grid[:, 1])
    share = 0.09 / (signal + 0.09)
    row = meta.set_index("factor").loc[NOISE]
    assert row["total_low"] - 0.02 <= share <= row["total_high"] + 0.02, (share, row)
    unused = meta.set_index("factor").loc["unused"]
    assert unused["total"] < 0.01


@pytest.mark.parametrize(("met", "futures", "expected"), [
    (32, 32, "meets"), (29, 32, "meets"), (28, 32, "on_the_edge"), (20, 32, "does_not_meet"), (0, 32, "does_not_meet"),
])
def test_robustness_verdict_weighs_the_few_futures(met, futures, expected):
    """At 90%: a share at or above it meets it; below it but within the 95% Wilson interval is on the
    edge; an interval wholly below does not (Wilson's interval checked against scipy's binomial)."""
    from scipy.stats import binomtest

    from sporen.sensitivity.goal import Goal
    from sporen.sensitivity.robustness import verdict

    found, low, high = verdict(met / futures, futures, Goal(from_year=2019))
    assert found == expected
    exact = binomtest(met, futures).proportion_ci(0.95, method="wilson")
    assert low == pytest.approx(exact.low, abs=1e-9) and high == pytest.approx(exact.high, abs=1e-9)
