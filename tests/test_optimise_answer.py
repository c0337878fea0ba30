"""What the answer says beside its plan: never 'out of reach' without a verified plan or after a spent
budget, and a cheaper verified plan on the edge shown with the extra cost of the answer's certainty."""

from __future__ import annotations

from dataclasses import replace

import pytest
from optimise_fakes import BernoulliSim, additive_probability, small_space, tiny

from sporen.jobs.optimise import cheaper_on_edge_lines, summary
from sporen.optimise.loop import OptimiseOptions, optimise
from sporen.optimise.search import BUDGET_SPENT, Verification
from sporen.optimise.stats import DOES_NOT_MEET, MEETS, ON_THE_EDGE

LEVELS = {"role:km_werk": [1.0, 1.5, 2.0, 2.5, 3.0], "instrument:leerwerk": [10, 20, 30]}


@pytest.fixture(scope="module")
def result():
    scenario = tiny()
    space = small_space(scenario, LEVELS)
    probability = additive_probability(scenario, 0.6, {"role:km_werk": 0.2, "instrument:leerwerk": 0.01},
                                       years=[2019])
    return optimise(scenario, OptimiseOptions(space=space, seed=3, explain=False), evaluate=BernoulliSim(probability))


def _check(verdict: str, probability: float) -> Verification:
    return Verification(verdict=verdict, probability=probability, ci_low=probability - 0.02,
                        ci_high=probability + 0.02, replications=1200, met=int(1200 * probability), seeds="",
                        block=1, confidence=0.95, zone=0.02, estimate=probability)


def test_the_answer_meets_and_costs_something(result):
    assert result.verdict == MEETS and result.cost > 0
    assert result.verification.bounds == "two-sided Clopper-Pearson at the stop"
    v = result.verification
    assert v.ci_low < v.probability <= v.ci_high and v.ci_low >= 0.9 - 1e-9   # meets: the bound reaches p


def test_a_cheaper_plan_on_the_edge_is_shown_with_the_extra_cost(result):
    cheap = result.space.baseline_point
    edge = _check(ON_THE_EDGE, 0.905)
    shown = replace(result, verified=[(cheap, edge), (result.point, result.verification)])
    assert shown.cheaper_on_edge == (cheap, edge)
    assert summary(shown)["cheaper_on_edge"]["extra_cost_of_answer"] == result.cost
    line = cheaper_on_edge_lines(shown, "nl")[0]
    assert "op het randje" in line and "90,5" in line
    # a dearer plan on the edge, or none, is not shown
    assert replace(result, verified=[(result.point, result.verification)]).cheaper_on_edge is None
    assert cheaper_on_edge_lines(replace(result, verified=[]), "en") == []


def test_never_out_of_reach_without_a_verified_plan_or_after_a_spent_budget(result):
    short = _check(DOES_NOT_MEET, 0.7)
    assert replace(result, verdict=DOES_NOT_MEET, verified=[(result.point, short)]).out_of_reach
    assert not replace(result, verdict=DOES_NOT_MEET, verified=[]).out_of_reach
    spent = replace(result, verdict=DOES_NOT_MEET, verified=[(result.point, short)], stop_reason=BUDGET_SPENT)
    assert spent.budget_spent and not spent.out_of_reach
