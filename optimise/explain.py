"""Explaining an optimum: what blocks, what each constraint costs, what each lever does, trade-offs.

* `blocking`: when the target is out of reach (slack > 0): the target groups that stay short and
  by how much, the levers already at their highest simulated level (and which limit put it there),
  and every constraint family whose removal would shrink the shortfall (found by re-solving the
  phase-1 model without it). Also the model's own notes (e.g. everyone-in-view needing more fte
  than max_fte allows).
* `shadow_prices`: marginal values. With every binary fixed the model has nothing left to move,
  so the linear program fixes the chance constraint's replication choice ``z`` and the interaction
  switches ``w`` at the solution and relaxes the level choice ``x`` to [0, 1] (linear interpolation
  between simulated levels). Its duals say what relaxing each binding constraint by one unit
  would save locally. Target rows are summed per target group (EUR of plan cost per EUR of lower
  target). Beside them, ``saving_if_dropped`` is exact: the MIP re-solved without the whole
  constraint family.
* `savings`: per lever, its extra cost and its paired result effect (mean over replications)
  from the one-at-a-time design; an ``(interaction)`` row holds what the whole-plan simulation
  adds beyond the sum of the levers.
* `tradeoff`: the cost of the optimum for several target levels (result after vangnet >= level)
  and for probabilities 0.5, 0.7, 0.8, 0.9, 0.95, each a separate solve on the same design (model
  predictions, not verified).
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from sporen.optimise.design import Design
from sporen.optimise.model import (
    CONSTRAINT_FAMILIES,
    HARD_FAMILIES,
    SLACK_PENALTY,
    SaaModel,
    Solution,
    SolveError,
    Target,
    grouped,
    run_highs,
    solve,
    target_groups,
)

TRADEOFF_PROBABILITIES = (0.5, 0.7, 0.8, 0.9, 0.95)
TRADEOFF_FRACTIONS = (-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5)
"""Target levels of the trade-off: the chosen level plus these fractions of the baseline's shortfall."""
EXPLAINED_FAMILIES = ("target",) + HARD_FAMILIES
UNITS = {
    "target": "EUR of plan cost per EUR of lower target",
    "participatiebudget": "EUR of plan cost per EUR of extra participatiebudget",
    "formation_min": "EUR per fte",
    "formation_max": "EUR per fte",
    "hires_per_year": "EUR per fte",
    "no_reintegration_money": "EUR per place",
    "everyone_in_view": "EUR per fte of coverage",
    "partner_share": "EUR per EUR of partner spending",
}


def min_slack(design: Design, target: Target, drop: frozenset[str] | set[str] = frozenset()) -> float:
    """Phase 1 only: the smallest total shortfall any plan reaches."""
    m = SaaModel(design, target, drop=drop)
    m.model.minimize(m.slack_expr)
    result = run_highs(m.model)
    if not result.has_primal_feasible_solution():
        raise SolveError(result.termination.reason.name)
    return max(0.0, result.objective_value())


def _lever_limit(design: Design, i: int) -> str:
    lever = design.space.levers[i]
    scenario = design.space.scenario
    top = lever.levels[lever.top]
    if lever.kind == "role":
        role = scenario.role(lever.name)
        if role.max_hires_per_year is not None and abs(top - (role.fte_now + role.max_hires_per_year)) < 0.5:
            why = f"max_hires_per_year {role.max_hires_per_year:g}"
        elif role.max_fte is not None:
            why = f"max_fte {role.max_fte:g}"
        else:
            why = "no max_fte: the optimiser's ceiling fte_now + 4"
        return f"role {lever.name} is at its highest level {top:g} fte ({why})"
    if lever.kind == "instrument":
        inst = scenario.instrument(lever.name)
        why = (f"max_places_per_year {inst.max_places_per_year}" if inst.max_places_per_year is not None
               else "no max_places_per_year: twice places_per_year")
        return f"instrument {lever.name} is at its highest level {top} places a year ({why})"
    return f"measure {lever.name} is on"


def blocking(design: Design, target: Target, solution: Solution) -> list[str]:
    """Why the target is out of reach (empty when it is reachable and nothing else blocks)."""
    lines = [note for note in solution.notes if "blocking" in note or "cannot be in view" in note]
    if solution.reachable:
        return lines
    reps = design.replications
    for group, short in solution.slack.items():
        if short > 0.5:
            how = "on average" if target.mean else f"in {solution.required} of {reps} replications"
            lines.append(f"target[{group}]: out of reach by EUR {short:,.0f} {how}; the best reachable "
                         f"result after vangnet is EUR {target.level - short:,.0f}")
    lines.extend(levers_at_limit(design, solution))
    present = set(SaaModel(design, target).constraints)
    base = solution.total_slack
    for family in HARD_FAMILIES:
        if family not in present:
            continue
        try:
            without = min_slack(design, target, {family})
        except SolveError:
            continue
        if without < base - 1.0:
            lines.append(f"{family} blocks ({CONSTRAINT_FAMILIES[family]}): without it the shortfall falls "
                         f"from EUR {base:,.0f} to EUR {without:,.0f}")
    return lines


def levers_at_limit(design: Design, solution: Solution) -> list[str]:
    """The levers the plan pushed to their top level: what a planner would have to widen."""
    return [_lever_limit(design, i) for i, k in enumerate(solution.choice)
            if k == design.space.levers[i].top and k != design.space.levers[i].baseline]


def _counted(design: Design, target: Target, solution: Solution) -> np.ndarray:
    labels, matrix = target_groups(design.years, design.municipalities, target)
    slack = np.array([solution.slack[g] for g in labels])
    return np.all(grouped(solution.predicted, matrix) + slack + 0.5 >= target.level, axis=1)


def shadow_prices(design: Design, target: Target, solution: Solution) -> pd.DataFrame:
    """Duals of the binding constraints (LP with z, w fixed) and exact savings of dropping each family."""
    columns = ["constraint", "family", "meaning", "unit", "dual", "saving_if_dropped", "shortfall_if_dropped"]
    rows: list[dict] = []
    lp = SaaModel(design, target, relax=True)
    counted = _counted(design, target, solution)
    for r, var in enumerate(lp.z):
        var.lower_bound = var.upper_bound = 1.0 if counted[r] else 0.0
    # Interactions: every switch off (w = 1 would pin x through interaction_off); the chosen plan's
    # correction enters as a constant, so the prediction at the solution stays exact.
    for var in lp.w:
        var.lower_bound = var.upper_bound = 0.0
    for family in ("interaction_on", "interaction_off"):
        for con in lp.constraints.pop(family, {}).values():
            lp.model.delete_linear_constraint(con)
    if solution.choice in lp.corrections and "target" in lp.constraints:
        labels, matrix = target_groups(design.years, design.municipalities, target)
        corr = grouped(lp.corrections[solution.choice], matrix)
        for name, con in lp.constraints["target"].items():
            if target.mean:
                con.lower_bound -= float(corr[:, labels.index(name)].sum())
            else:
                r, group = name.split(",", 1)
                con.lower_bound -= float(corr[int(r[1:]), labels.index(group)])
    lp.model.minimize(lp.cost_expr + SLACK_PENALTY * lp.slack_expr)
    result = run_highs(lp.model)
    if result.has_dual_feasible_solution():
        duals = result.dual_values()
        per_group: dict[str, float] = {}
        for family, name, con in lp.all_constraints():
            if family not in UNITS:
                continue
            dual = float(duals.get(con, 0.0))
            if family == "target":
                group = name.split(",", 1)[1] if name.startswith("r") and "," in name else name
                scale = design.replications if target.mean else 1
                per_group[group] = per_group.get(group, 0.0) + abs(dual) * scale
                continue
            if abs(dual) > 1e-6:
                rows.append({"constraint": f"{family}[{name}]", "family": family,
                             "meaning": CONSTRAINT_FAMILIES[family], "unit": UNITS[family],
                             "dual": round(abs(dual), 4)})
        for group, value in per_group.items():
            if value > 1e-6:
                rows.append({"constraint": f"target[{group}]", "family": "target",
                             "meaning": CONSTRAINT_FAMILIES["target"], "unit": UNITS["target"],
                             "dual": round(value, 4)})
    present = set(SaaModel(design, target).constraints)
    for family in HARD_FAMILIES:
        if family not in present:
            continue
        try:
            other = solve(design, target, drop={family})
        except SolveError:
            continue
        comparable = other.total_slack <= solution.total_slack + 1
        rows.append({"constraint": f"{family}[*]", "family": family, "meaning": CONSTRAINT_FAMILIES[family],
                     "unit": "EUR over the horizon", "dual": np.nan,
                     "saving_if_dropped": int(solution.cost - other.cost) if comparable else np.nan,
                     "shortfall_if_dropped": round(other.total_slack)})
    return pd.DataFrame(rows, columns=columns)


def savings(design: Design, target: Target, solution: Solution) -> pd.DataFrame:
    """Extra cost and paired result effect of each lever at its chosen level."""
    labels, matrix = target_groups(design.years, design.municipalities, target)
    space = design.space
    rows = []
    total_effect = 0.0
    for i, (lever, k) in enumerate(zip(space.levers, solution.choice, strict=True)):
        delta = design.delta[i][k]
        in_target = float(grouped(delta, matrix).sum(axis=1).mean())
        horizon = float(delta.sum(axis=(1, 2)).mean())
        total_effect += in_target
        cost = lever.total_cost(k)
        rows.append({"lever": lever.key, "kind": lever.kind, "unit": lever.unit,
                     "baseline": lever.label(lever.baseline), "chosen": lever.label(k), "cost": cost,
                     "result_effect_target_years": round(in_target), "result_effect_horizon": round(horizon),
                     "net_horizon": round(horizon - cost)})
    predicted = float(grouped(solution.predicted - design.baseline, matrix).sum(axis=1).mean())
    interaction = predicted - total_effect
    horizon_all = float((solution.predicted - design.baseline).sum(axis=(1, 2)).mean())
    horizon_levers = sum(row["result_effect_horizon"] for row in rows)
    rows.append({"lever": "(interaction)", "kind": "", "unit": "", "baseline": "", "chosen": "", "cost": 0,
                 "result_effect_target_years": round(interaction),
                 "result_effect_horizon": round(horizon_all - horizon_levers),
                 "net_horizon": round(horizon_all - horizon_levers)})
    return pd.DataFrame(rows)


def _baseline_shortfall(design: Design, target: Target) -> float:
    """How far the baseline is from the target at the required quantile (or mean); at least 1% of budget."""
    labels, matrix = target_groups(design.years, design.municipalities, target)
    per_group = grouped(design.baseline, matrix)
    reps = design.replications
    if target.mean:
        reach = per_group.mean(axis=0).min()
    else:
        worst = np.sort(per_group.min(axis=1))[::-1]
        reach = worst[max(0, min(reps, target.required(reps)) - 1)]
    scenario = design.space.scenario
    budget = [*scenario.municipalities, *scenario.mergers]   # a merged municipality has the budget after its merger
    yearly_budget = np.mean([sum(m.buig_budget.get(y, 0) for m in budget) for y in design.years])
    return max(float(target.level - reach), 0.01 * float(yearly_budget), 1000.0)


def tradeoff(design: Design, target: Target, solution: Solution) -> pd.DataFrame:
    """Cost of the cheapest plan against the target level and against the probability."""
    rows = []
    step = _baseline_shortfall(design, target)
    base = asdict(target)

    def run(kind: str, tgt: Target) -> None:
        try:
            sol = solve(design, tgt)
        except SolveError:
            return
        rows.append({"vary": kind, "target_level": tgt.level, "probability": tgt.probability,
                     "cost": sol.cost, "feasible": sol.reachable, "shortfall": round(sol.total_slack),
                     "plan": design.space.describe(sol.choice)})

    levels = sorted({int(round((target.level + f * step) / 1000.0) * 1000) for f in TRADEOFF_FRACTIONS}
                    | {target.level})
    for level in levels:
        run("target_level", Target(**{**base, "level": level}))
    for p in TRADEOFF_PROBABILITIES:
        run("probability", Target(**{**base, "probability": p, "margin": 0}))
    return pd.DataFrame(rows, columns=["vary", "target_level", "probability", "cost", "feasible", "shortfall",
                                       "plan"])
