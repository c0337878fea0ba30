"""The best-net objective: which investments pay for themselves.

The net result of a plan in one future is its result after vangnet summed over the horizon (all
years, all municipalities) minus the plan's extra cost. The procedure:

1. The MIP picks the plan with the highest predicted mean net result over the design futures
   (`SaaModel.best_net`); a plan the design has not simulated whole is simulated and the model
   solved again until its answer is a simulated plan (at most `ROUNDS` times).
2. Parsimony: every one-step reduction of the plan is compared with it on the same selection
   futures (paired). A step stays only when its net gain is positive at the stated confidence;
   it is dropped as soon as the gain is shown to be below the zone (`zone` x a year's BUIG budget)
   or, at the last look, when it is not shown to be positive.
3. Verification: the plan and the baseline on fresh futures; the verdict is *meets* when the
   paired net gain's lower bound is above zero (the plan pays for itself), *does not meet* when
   the upper bound is below zero, *on the edge* otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sporen.optimise.constraints import HardLimits
from sporen.optimise.design import SELECTION, Design, Oracle, Stream, seed_label
from sporen.optimise.model import SaaModel, Target
from sporen.optimise.search import Check, Outcome, Verification
from sporen.optimise.stats import DOES_NOT_MEET, MEETS, ON_THE_EDGE, Estimate, Precision, decide, mean_bounds, verdict

ROUNDS = 8


def _net(oracle: Oracle, point, n: int, stream: Stream = SELECTION) -> np.ndarray:
    results = oracle.results(point, n, stream, column="result_after_vangnet")
    return results.sum(axis=(1, 2)).astype(float) - oracle.space.point_cost(point)


def zone_eur(design: Design, precision: Precision) -> float:
    """The indifference zone of a net gain, EUR: the zone times a year's BUIG budget (all municipalities)."""
    scenario = design.space.scenario
    budgets = [sum(scenario.buig_budget_of(m, y) for m in scenario.accounting_units) for y in design.years]
    return precision.zone * float(np.mean(budgets)) if budgets else 0.0


def search_net(oracle: Oracle, design: Design, limits: HardLimits, target: Target, precision: Precision,
               dynamic: bool = True) -> Outcome:
    space = design.space
    n0 = design.replications
    z = precision.z(0.5)
    looks = precision.looks(0.5)
    zone = zone_eur(design, precision)
    checks: list[Check] = []
    choice = space.baseline
    oracle.stage = "net: the best predicted plan"
    for _ in range(ROUNDS):
        solution = SaaModel(design, target, limits, net=True).best_net()
        if solution is None:
            break
        choice = solution.choice
        if choice in design.full:
            break
        oracle.expect(n0)
        design.add(choice, oracle.results(space.point(choice), n0, column="result_after_vangnet"))
    point = space.point(choice)

    def gain_test(with_point, without_point) -> tuple[bool, Estimate]:
        """Does the step from `without_point` to `with_point` pay (paired net gain > 0)?"""
        est = Estimate(0.0, 0.0, 0.0, 0)
        for i, n in enumerate(looks):
            oracle.expect(max(0, n - oracle.have(with_point)) + max(0, n - oracle.have(without_point)))
            d = _net(oracle, with_point, n) - _net(oracle, without_point, n)
            mean, low, high = mean_bounds(d, z, floor_sd=1.0)
            est = Estimate(mean, low, high, n)
            keep = decide(est, 0.0, zone, i == len(looks) - 1)
            if keep is not None:
                return bool(keep), est
        return False, est  # pragma: no cover

    oracle.stage = "net: each lever step pays for itself"
    improved = True
    while improved:
        improved = False
        moves = [(label, p) for label, p in space.moves_down(point) if limits.admissible(p)
                 and (dynamic or space.static(p) is not None)]
        moves.sort(key=lambda item: (space.point_cost(item[1]) - space.point_cost(point), item[0]))
        for _, move in moves:
            keep, est = gain_test(point, move)
            checks.append(Check("net", space.describe_point(move), space.point_cost(move), "step pays",
                                "kept" if keep else "dropped", est.value, est.low, est.high, est.n,
                                seed_label(oracle.seed, SELECTION, est.n)))
            if not keep:
                point = move
                improved = True
                break
    # verification: paired net gain over the baseline on fresh futures
    oracle.stage = "net: verification on fresh futures"
    stream: Stream = ("verification", 0)
    base = space.baseline_point
    if point == base:
        check = Verification(verdict=ON_THE_EDGE, probability=None, ci_low=0.0, ci_high=0.0, replications=0,
                             met=None, seeds="", block=0, confidence=precision.confidence, zone=precision.zone,
                             estimate=0.0)
        reason = "no lever step pays for itself: the baseline has the best net result"
    else:
        est = Estimate(0.0, 0.0, 0.0, 0)
        found = None
        for i, n in enumerate(looks):
            oracle.expect(max(0, n - oracle.have(point, stream)) + max(0, n - oracle.have(base, stream)))
            d = _net(oracle, point, n, stream) - _net(oracle, base, n, stream)
            mean, low, high = mean_bounds(d, z, floor_sd=1.0)
            est = Estimate(mean, low, high, n)
            found = verdict(est, 0.0, zone, i == len(looks) - 1)
            if found is not None:
                break
        assert found is not None
        check = Verification(verdict=found, probability=None, ci_low=est.low, ci_high=est.high,
                             replications=est.n, met=None, seeds=seed_label(oracle.seed, stream, est.n), block=0,
                             confidence=precision.confidence, zone=precision.zone, estimate=est.value)
        checks.append(Check("net", space.describe_point(point), space.point_cost(point), "verdict", found,
                            est.value, est.low, est.high, est.n, check.seeds))
        reason = {MEETS: "verified: the plan pays for itself", ON_THE_EDGE: "the plan's net gain is within noise",
                  DOES_NOT_MEET: "on fresh futures the plan does not pay for itself"}[found]
    return Outcome(point=point, verification=check, regime="net", reference=None, reference_estimate=None,
                   stop_reason=reason, checks=checks, verified=[(point, check)])


def net_savings(oracle: Oracle, design: Design, precision: Precision, outcome: Outcome) -> pd.DataFrame:
    """Per changed lever: its cost and its paired net effect (the plan with minus without it)."""
    space = design.space
    point = outcome.point
    n = max(design.replications, oracle.have(point))
    z = precision.z(0.5)
    rows = []
    for i, (lever, levels) in enumerate(zip(space.levers, point, strict=True)):
        if all(k == lever.baseline for k in levels):
            continue
        without = point[:i] + ((lever.baseline,) * len(levels),) + point[i + 1:]
        d = _net(oracle, point, n) - _net(oracle, without, n)
        mean, low, high = mean_bounds(d, z, floor_sd=1.0)
        rows.append({"lever": lever.key, "kind": lever.kind, "unit": lever.unit,
                     "baseline": lever.label(lever.baseline),
                     "chosen": "/".join(lever.label(k) for k in levels) if len(set(levels)) > 1
                     else lever.label(levels[0]),
                     "cost": space.point_cost(point) - space.point_cost(without), "net_gain": round(mean),
                     "low": round(low), "high": round(high), "futures": n})
    return pd.DataFrame(rows, columns=["lever", "kind", "unit", "baseline", "chosen", "cost", "net_gain", "low",
                                       "high", "futures"])
