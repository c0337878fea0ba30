"""Explaining the answer truthfully: what blocks, what relaxing each limit would save, what each
lever does, and the cost-versus-probability trade-off.

Every figure here comes from simulations of whole plans, never from an LP over fractional lever
levels (the duals of such an LP describe plans that do not exist, so sporen reports none):

* `blocking` (when the plan does not meet the target): each target year and each hard constraint
  family in turn is relaxed, the model's best reachable plan is re-solved without it and
  simulated whole on the selection futures; a relaxation that lets clearly more futures meet the
  (rest of the) target is what blocks.
* `relaxations`: one row per relaxation with the plan re-solved without it, its cost and what it
  reaches. When the answer meets the target, the cheapest plan without the constraint is searched
  like the answer (candidates in cost order, each tested sequentially on the selection futures),
  so "saving if relaxed" is the cost difference of two tested plans.
* `savings`: per lever of the plan, the plan without that lever simulated on the same futures:
  its cost and the share of futures that would no longer meet the target (paired, with bounds).
* `tradeoff`: for each probability of the curve, the whole selection procedure (search and
  verification on its own fresh futures), so every point is solved and verified like the answer,
  and the curve passes through the answer (its own row).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from sporen.optimise.constraints import HardLimits
from sporen.optimise.design import SELECTION, Design, Oracle
from sporen.optimise.model import CONSTRAINT_FAMILIES, HARD_FAMILIES, SaaModel, Target
from sporen.optimise.search import MEETS, Judge, Outcome, Search, group_scale
from sporen.optimise.stats import DOES_NOT_MEET, Estimate, Precision

TRADEOFF_BLOCKS = 100
"""Verification blocks of trade-off point i start at (i + 1) x TRADEOFF_BLOCKS (disjoint from the answer's)."""
RELAX_CANDIDATES = 6
"""Candidates tested at most when re-solving without one constraint."""
BLOCK_GAIN = 0.02
"""A relaxation blocks when the best reachable share rises by more than this (and beyond noise)."""


def _judge(design: Design, target: Target, precision: Precision) -> Judge:
    return Judge(target, precision, design.years, design.municipalities,
                 group_scale(target, design))


def _present(design: Design, target: Target, limits: HardLimits) -> list[str]:
    """Hard constraint families the scenario actually has."""
    model = SaaModel(design, target, limits)
    return [f for f in HARD_FAMILIES if f in model.constraints]


def _target_years(design: Design, target: Target) -> list[int]:
    if target.cumulative:
        return []
    years = [y for y in design.years if y >= target.from_year and y not in target.skip_years]
    return years if len(years) > 1 else []


def _relaxed_best(oracle: Oracle, design: Design, limits: HardLimits, target: Target, precision: Precision,
                  drop: frozenset[str]) -> tuple[tuple, Estimate] | None:
    """The best reachable plan with a family dropped (or target years skipped), simulated whole on the
    design futures: (choice, its estimate on `target`)."""
    model = SaaModel(design, target, limits, drop=drop)
    solution = model.best()
    if solution is None:
        return None
    n0 = design.replications
    point = design.space.point(solution.choice)
    results = oracle.results(point, n0, SELECTION, column=design.column)
    return solution.choice, _judge(design, target, precision).estimate(results)


def _top_admissible(design: Design, limits: HardLimits) -> bool:
    """Every lever at its highest level is allowed: then no budget or policy limit binds the best plan."""
    space = design.space
    return limits.admissible(space.point(tuple(lever.top for lever in space.levers)))


def _year_relaxed(oracle: Oracle, design: Design, target: Target, precision: Precision, outcome: Outcome,
                  year: int) -> tuple[Estimate, Estimate, int]:
    """The best reachable plan judged with and without the target in `year`, on the selection futures
    it already has (no new simulation): (with, without, futures)."""
    reference = outcome.reference
    assert reference is not None
    n = max(design.replications, oracle.have(reference, SELECTION))
    results = oracle.results(reference, n, SELECTION, column=design.column)
    relaxed = replace(target, skip_years=target.skip_years + (year,))
    return (_judge(design, target, precision).estimate(results),
            _judge(design, relaxed, precision).estimate(results), n)


def blocking(oracle: Oracle, design: Design, limits: HardLimits, target: Target, precision: Precision,
             outcome: Outcome) -> list[str]:
    """Why the target is not met (empty when the verified plan meets it)."""
    lines = [note for note in limits.notes if "blocking" in note or "cannot be in view" in note]
    check = outcome.verification
    if check is None or check.verdict == MEETS or outcome.reference is None:
        return lines
    space = design.space
    n0 = design.replications
    judge = _judge(design, target, precision)
    what = "share of futures meeting the target" if not target.mean else "worst group's margin"
    n = max(n0, oracle.have(outcome.reference, SELECTION))
    base_est = judge.estimate(oracle.results(outcome.reference, n, SELECTION, column=design.column))
    lines.append(f"the best reachable plan ({space.describe_point(outcome.reference)}) reaches "
                 f"{base_est.value:.1%} on {base_est.n} selection futures; p = {target.probability}")
    for year in _target_years(design, target):
        _, est, n = _year_relaxed(oracle, design, target, precision, outcome, year)
        if est.value - base_est.value > BLOCK_GAIN and est.low > base_est.value - 1e-9:
            lines.append(f"{year} blocks: without the target in {year} the best reachable plan meets the rest in "
                         f"{est.value:.1%} of {n} selection futures ({est.low:.1%}-{est.high:.1%}) against "
                         f"{base_est.value:.1%} with it ({what})")
    if _top_admissible(design, limits):
        lines.append("every lever can reach its highest level within the budget and policy limits: no such "
                     "limit blocks; what is left is the levers' own reach (their highest levels)")
    else:
        for family in _present(design, target, limits):
            found = _relaxed_best(oracle, design, limits, target, precision, frozenset({family}))
            if found is None:
                continue
            choice, est = found
            reference = judge.estimate(oracle.results(outcome.reference, n0, SELECTION, column=design.column))
            if est.value - reference.value > BLOCK_GAIN and est.low > reference.value - 1e-9:
                lines.append(f"{family} blocks ({CONSTRAINT_FAMILIES[family]}): without it the best reachable "
                             f"plan ({space.describe(choice)}, EUR {space.cost(choice):,}) meets the target in "
                             f"{est.value:.1%} of the {n0} selection futures ({est.low:.1%}-{est.high:.1%})")
    levers = levers_at_limit(design, outcome)
    if levers:
        lines.append("levers at their highest level in the best reachable plan: " + "; ".join(levers))
    return lines


def levers_at_limit(design: Design, outcome: Outcome) -> list[str]:
    """The levers the best reachable plan pushed to their top level (a fact, not a cause)."""
    space = design.space
    if outcome.reference is None:
        return []
    out = []
    for lever, levels in zip(space.levers, outcome.reference, strict=True):
        if max(levels) == lever.top and lever.top != lever.baseline:
            out.append(f"{lever.name} at {lever.label(lever.top)} {lever.unit}".strip())
    return out


def relaxations(oracle: Oracle, design: Design, limits: HardLimits, target: Target, precision: Precision,
                outcome: Outcome) -> pd.DataFrame:
    """Per target year and hard constraint family: the plan re-solved without it, its cost and reach."""
    columns = ["relaxed", "kind", "meaning", "plan_without", "cost_without", "saving", "estimate_without",
               "low", "high", "futures", "how"]
    rows: list[dict] = []
    space = design.space
    answer_cost = space.point_cost(outcome.point)
    meets = outcome.verification is not None and outcome.verification.verdict == MEETS
    relaxations_list: list[tuple[str, str, Target, frozenset[str]]] = [
        (str(year), "target year", replace(target, skip_years=target.skip_years + (year,)), frozenset())
        for year in _target_years(design, target)]
    relaxations_list += [(family, "constraint", target, frozenset({family}))
                         for family in _present(design, target, limits)]
    for name, kind, tgt, drop in relaxations_list:
        meaning = CONSTRAINT_FAMILIES.get(name, f"the target in {name}") if kind == "constraint" else \
            f"the target in {name}"
        if meets:
            found = _cheapest_without(oracle, design, limits, tgt, precision, drop, outcome,
                                      reuse_cuts=tgt == target)
            if found is None:
                rows.append({"relaxed": name, "kind": kind, "meaning": meaning, "plan_without": "",
                             "cost_without": np.nan, "saving": 0, "estimate_without": np.nan, "low": np.nan,
                             "high": np.nan, "futures": 0,
                             "how": "no cheaper plan passes the model's screen without it: not binding"})
                continue
            point, est = found
            cost = space.point_cost(point)
            rows.append({"relaxed": name, "kind": kind, "meaning": meaning,
                         "plan_without": space.describe_point(point), "cost_without": cost,
                         "saving": max(0, answer_cost - cost), "estimate_without": est.value, "low": est.low,
                         "high": est.high, "futures": est.n,
                         "how": "cheapest plan without it that meets the target on the selection futures "
                                "(tested like the answer, not verified on fresh futures)"})
        elif kind == "target year" and outcome.reference is not None:
            _, est, n = _year_relaxed(oracle, design, target, precision, outcome, int(name))
            rows.append({"relaxed": name, "kind": kind, "meaning": meaning,
                         "plan_without": space.describe_point(outcome.reference),
                         "cost_without": space.point_cost(outcome.reference), "saving": np.nan,
                         "estimate_without": est.value, "low": est.low, "high": est.high, "futures": n,
                         "how": "the best reachable plan judged without the target in this year, on the "
                                f"{n} selection futures it has"})
        elif not _top_admissible(design, limits):
            found_best = _relaxed_best(oracle, design, limits, tgt, precision, drop)
            if found_best is None:
                continue
            choice, est = found_best
            rows.append({"relaxed": name, "kind": kind, "meaning": meaning, "plan_without": space.describe(choice),
                         "cost_without": space.cost(choice), "saving": np.nan, "estimate_without": est.value,
                         "low": est.low, "high": est.high, "futures": est.n,
                         "how": f"best reachable plan without it, simulated whole on {est.n} selection futures"})
        else:
            rows.append({"relaxed": name, "kind": kind, "meaning": meaning, "plan_without": "",
                         "cost_without": np.nan, "saving": np.nan, "estimate_without": np.nan, "low": np.nan,
                         "high": np.nan, "futures": 0,
                         "how": "not binding: every lever can reach its highest level within it"})
    return pd.DataFrame(rows, columns=columns)


def _cheapest_without(oracle: Oracle, design: Design, limits: HardLimits, target: Target, precision: Precision,
                      drop: frozenset[str], outcome: Outcome, reuse_cuts: bool):
    """The cheapest plan cheaper than the answer that meets `target` without the `drop` families,
    found like the answer (screen, then the sequential test); None when there is none. The answer's
    cuts (plans rejected for the same target) are reused when the target is the same."""
    search = Search(oracle, design, limits, target, precision,
                    stage=f"explain: without {', '.join(sorted(drop)) or 'a target year'}")
    if reuse_cuts:
        search.cuts = list(outcome.cuts)
    answer_key = search.key(outcome.point)
    required = search.screen_count()
    for _ in range(RELAX_CANDIDATES):
        model = SaaModel(design, target, limits, drop=drop, cuts=search.cuts)
        solution = model.cheapest(required, search.allowance() if target.mean else None)
        if solution is None:
            return None
        point = design.space.point(solution.choice)
        if search.key(point) >= answer_key:
            return None
        if not search.screened(solution.choice):
            continue
        if search.meets_test(point):
            n = search.checks[-1].futures
            return point, search.judge.estimate(oracle.results(point, n, SELECTION, column=design.column))
        search.reject(solution.choice)
    return None


def savings(oracle: Oracle, design: Design, target: Target, precision: Precision, outcome: Outcome) -> pd.DataFrame:
    """Per changed lever: the plan without it (that lever at its baseline in every year), paired on the
    same selection futures: its cost and the share of futures meeting the target with and without it."""
    columns = ["lever", "kind", "unit", "baseline", "chosen", "cost", "estimate_with", "estimate_without",
               "difference", "low", "high", "futures", "mean_effect_eur"]
    space = design.space
    judge = _judge(design, target, precision)
    point = outcome.point
    n0 = design.replications
    rows = []
    withouts = [point[:i] + ((lever.baseline,) * len(levels),) + point[i + 1:]
                for i, (lever, levels) in enumerate(zip(space.levers, point, strict=True))
                if any(k != lever.baseline for k in levels)]
    oracle.prefetch(withouts, n0)
    for i, (lever, levels) in enumerate(zip(space.levers, point, strict=True)):
        if all(k == lever.baseline for k in levels):
            continue
        without = point[:i] + ((lever.baseline,) * len(levels),) + point[i + 1:]
        # on the futures both plans already have (the parsimony pass tested most of these), at least n0
        n = max(n0, min(oracle.have(without, SELECTION), oracle.have(point, SELECTION)))
        oracle.expect(max(0, n - oracle.have(without, SELECTION)) + max(0, n - oracle.have(point, SELECTION)))
        with_results = oracle.results(point, n, SELECTION, column=design.column)
        results = oracle.results(without, n, SELECTION, column=design.column)
        est_with, est_without = judge.estimate(with_results), judge.estimate(results)
        diff = judge.paired(with_results, results)
        effect = float((grouped_total(with_results, judge) - grouped_total(results, judge)).mean())
        chosen = "/".join(lever.label(k) for k in levels) if len(set(levels)) > 1 else lever.label(levels[0])
        rows.append({"lever": lever.key, "kind": lever.kind, "unit": lever.unit,
                     "baseline": lever.label(lever.baseline), "chosen": chosen,
                     "cost": space.point_cost(point) - space.point_cost(without),
                     "estimate_with": est_with.value, "estimate_without": est_without.value,
                     "difference": diff.value, "low": diff.low, "high": diff.high, "futures": n,
                     "mean_effect_eur": round(effect)})
    return pd.DataFrame(rows, columns=columns)


def grouped_total(results: np.ndarray, judge: Judge) -> np.ndarray:
    """Per future: the result summed over the target groups, EUR."""
    from sporen.optimise.model import grouped

    return grouped(results, judge.matrix).sum(axis=1)


def tradeoff(oracle: Oracle, design: Design, limits: HardLimits, target: Target, precision: Precision,
             outcome: Outcome, probabilities: tuple[float, ...], dynamic: bool = True) -> pd.DataFrame:
    """Cost and verified probability of the answer for each probability of the curve."""
    columns = ["probability", "plan", "cost", "verdict", "verified_probability", "low", "high", "futures",
               "regime", "is_answer"]
    rows = []
    if target.mean:
        return pd.DataFrame(columns=columns)
    space = design.space
    answer_p = float(target.probability)
    for i, p in enumerate(sorted({answer_p, *(float(q) for q in probabilities)})):
        if abs(p - answer_p) < 1e-12:
            point, check, regime = outcome.point, outcome.verification, outcome.regime
        else:
            search = Search(oracle, design, limits, replace(target, probability=p), precision,
                            stage=f"trade-off p={p:g}", first_block=(i + 1) * TRADEOFF_BLOCKS, dynamic=dynamic)
            # a looser target starts from the answer (it likely meets it): descend from there
            found = search.run(start=outcome.point if p < answer_p else None)
            point, check, regime = found.point, found.verification, found.regime
            # the curve shows the cheapest plan verified within reach (meets or on the edge): a small sample
            # widens the zone, and should not move a point of the curve to a dearer plan
            within = [(q, c) for q, c in found.verified if c.verdict != DOES_NOT_MEET]
            if within:
                cheapest = min(within, key=lambda item: space.point_cost(item[0]))
                if space.point_cost(cheapest[0]) < space.point_cost(point):
                    point, check = cheapest
        rows.append({"probability": p, "plan": space.describe_point(point), "cost": space.point_cost(point),
                     "verdict": check.verdict if check is not None else "",
                     "verified_probability": check.probability if check is not None else np.nan,
                     "low": check.ci_low if check is not None else np.nan,
                     "high": check.ci_high if check is not None else np.nan,
                     "futures": check.replications if check is not None else 0,
                     "regime": regime, "is_answer": abs(p - answer_p) < 1e-12})
    return pd.DataFrame(rows, columns=columns)
