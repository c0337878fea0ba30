"""The optimisation loop: design -> solve -> simulate the answer -> correct -> verify out of sample.

1. Simulate the design (baseline and one-lever-at-a-time points) on the R optimisation seeds.
2. Solve the MIP (optimise/model.py).
3. If the chosen plan was never simulated as a whole, simulate it on the optimisation seeds; its
   simulation minus its additive prediction becomes an interaction correction in the model. When
   it meets the target in fewer replications than predicted (or, for 'mean', a lower mean in some
   target group), its neighbours (each lever one level up) are simulated and added too; when it
   does better than predicted (levers that reinforce each other), its neighbours one level down
   (cheaper plans the additive model wrongly rules out). Solve again.
4. When the chosen plan is one the model knows exactly, simulate it on V fresh verification seeds:
   the verified probability of meeting the target, with a 95% Wilson interval. The plan is
   accepted when the verified share itself reaches the required probability (for 'mean': when
   the verified mean reaches the target level in every group); the interval is reported beside
   it, so a planner sees how sure the estimate is. A
   rejected plan makes the in-sample requirement one replication stricter (`Target.margin`) and
   the loop goes on at step 2.
5. Stop when a plan is accepted, when the target is out of reach (the best reachable plan is
   verified and reported), or when the simulation budget (replications) is spent.

When every interaction between levers is sub-additive (two levers together do less than the sum
of each alone, as caseworkers and instruments competing for the same clients do), the additive
prediction is optimistic for every unsimulated plan, so the plan the loop returns is the
cheapest plan that meets the target on the optimisation seeds (tests check it by brute force).

`optimise(scenario, options, evaluate)` is the library entry point (used by `sporen optimise` and
`sporen plan`).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.optimise.decisions import Choice, DecisionSpace, decision_space
from sporen.optimise.design import (
    BudgetSpent,
    Design,
    Oracle,
    build_design,
    design_size,
    optimisation_seeds,
    seed_label,
    verification_seeds,
)
from sporen.optimise.model import Solution, Target, grouped, met_by_replication, solve, target_groups

DEFAULT_REPLICATIONS = 12
DEFAULT_VERIFY = 100
DEFAULT_SEED = 20180101
MAX_ROUNDS = 25
Z95 = 1.959963984540054


class OptionsError(ValueError):
    """Options that do not fit the scenario (a bad input: exit code 2)."""

    def __init__(self, field_name: str, message: str, allowed: str = ""):
        super().__init__(f"{field_name}: {message}")
        self.field, self.message, self.allowed = field_name, message, allowed


@dataclass
class OptimiseOptions:
    """What `sporen optimise` asks for; defaults are the command's defaults."""

    target_from: int | None = None         # first target year; default: the second horizon year
    scope: str = "total"                   # "total" | "per-municipality"
    target_level: int = 0                  # result after vangnet >= this, EUR
    cumulative: bool = False
    probability: float | str = 0.9         # or "mean"
    replications: int = DEFAULT_REPLICATIONS
    verify: int = DEFAULT_VERIFY
    budget_sims: int | None = None         # replications simulated in all; default: see default_budget
    seed: int = DEFAULT_SEED
    workers: int = 1
    progress: bool = False
    levers: list[str] | None = None        # only these lever keys (e.g. "role:km_werk"); default all
    allow_cuts: bool = False               # roles may go below fte_now (down to min_fte)
    space: DecisionSpace | None = None     # a ready decision space (tests, restricted studies)
    explain: bool = True                   # blocking, shadow prices, savings, trade-off


@dataclass
class Verification:
    """The chosen plan simulated on fresh seeds."""

    probability: float
    ci_low: float
    ci_high: float
    replications: int
    met: int
    seeds: str
    accepted: bool
    mean_result: dict[str, float] = field(default_factory=dict)


@dataclass
class OptimiseResult:
    """Everything `sporen optimise` writes, for the CLI and for `sporen plan`."""

    scenario: Scenario
    options: OptimiseOptions
    target: Target
    space: DecisionSpace
    design: Design
    solution: Solution
    plan: Plan
    verification: Verification | None
    met: bool                            # a verified plan that meets the target
    reachable: bool                      # the model found a plan with zero slack
    stop_reason: str
    sims_used: int
    budget_sims: int
    sim_seconds: float
    solve_seconds: float
    total_seconds: float
    explain_seconds: float = 0.0
    history: list[dict] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)
    formation: pd.DataFrame | None = None
    budget: pd.DataFrame | None = None
    tradeoff: pd.DataFrame | None = None
    shadow_prices: pd.DataFrame | None = None
    savings: pd.DataFrame | None = None

    @property
    def cost(self) -> int:
        return self.solution.cost

    @property
    def choice(self) -> Choice:
        return self.solution.choice


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95% Wilson score interval of a proportion."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def default_budget(space: DecisionSpace, replications: int, verify: int) -> int:
    """Design, three rounds of a chosen plan with all its neighbours, three verifications."""
    return design_size(space, replications) + 3 * (len(space.levers) + 1) * replications + 3 * verify


def default_target_from(scenario: Scenario) -> int:
    """The second horizon year (the first when there is one): decisions taken at the start take
    months to arrive, so the start year's result is mostly given."""
    years = scenario.horizon_years
    return years[1] if len(years) > 1 else years[0]


def make_target(scenario: Scenario, options: OptimiseOptions) -> Target:
    years = scenario.horizon_years
    first = options.target_from if options.target_from is not None else default_target_from(scenario)
    if first not in years:
        raise OptionsError("--target-from", f"{first} is outside the horizon", f"{years[0]}-{years[-1]}")
    if options.scope not in ("total", "per-municipality"):
        raise OptionsError("--target", f"'{options.scope}' is not a scope", "total or per-municipality")
    prob = options.probability
    if prob != "mean":
        try:
            prob = float(prob)
        except (TypeError, ValueError):
            raise OptionsError("--probability", f"'{prob}' is not a probability",
                               "a number in (0, 1] or 'mean'") from None
        if not 0 < prob <= 1:
            raise OptionsError("--probability", f"{prob} is outside (0, 1]", "a number in (0, 1] or 'mean'")
    return Target(from_year=first, level=int(options.target_level), scope=options.scope,
                  cumulative=options.cumulative, probability=prob)


def check_options(space: DecisionSpace, options: OptimiseOptions) -> int:
    """Validate numbers; return the simulation budget."""
    if options.replications < 1:
        raise OptionsError("--replications", f"{options.replications}", "at least 1")
    if options.verify < 1:
        raise OptionsError("--verify", f"{options.verify}", "at least 1")
    if options.workers < 1:
        raise OptionsError("--workers", f"{options.workers}", "at least 1")
    need = design_size(space, options.replications) + options.verify
    budget = options.budget_sims if options.budget_sims is not None else default_budget(
        space, options.replications, options.verify)
    if budget < need:
        raise OptionsError("--budget-sims", f"{budget} replications cannot cover the design "
                           f"({design_size(space, options.replications)}) and one verification ({options.verify})",
                           f"at least {need}")
    return budget


def verify(oracle: Oracle, design: Design, target: Target, choice: Choice) -> Verification:
    """Simulate a plan on the verification seeds and judge it against the target."""
    results = oracle.results(choice, "ver")
    met_rows = met_by_replication(results, design.years, design.municipalities, target)
    n, met = len(met_rows), int(met_rows.sum())
    low, high = wilson(met, n)
    labels, matrix = target_groups(design.years, design.municipalities, target)
    per_group = grouped(results, matrix)
    means = per_group.mean(axis=0)
    # Accepted only when the out-of-sample estimate itself meets the target: "meets the target"
    # in the report must not mean "not significantly below it".
    if target.mean:
        accepted = bool(np.all(means >= target.level))
    else:
        accepted = met / n >= float(target.probability) - 1e-12
    return Verification(probability=met / n, ci_low=low, ci_high=high, replications=n, met=met,
                        seeds=seed_label(oracle.ver_seeds), accepted=accepted,
                        mean_result={g: float(v) for g, v in zip(labels, means, strict=True)})


def _worse_than_predicted(design: Design, target: Target, predicted: np.ndarray, simulated: np.ndarray) -> bool:
    if target.mean:
        _, matrix = target_groups(design.years, design.municipalities, target)
        return bool(np.any(grouped(simulated, matrix).mean(axis=0) < grouped(predicted, matrix).mean(axis=0)))
    pm = met_by_replication(predicted, design.years, design.municipalities, target).sum()
    sm = met_by_replication(simulated, design.years, design.municipalities, target).sum()
    return bool(sm < pm)


def run_loop(oracle: Oracle, design: Design, target: Target, rounds: int = MAX_ROUNDS):
    """Steps 2-5 of the module docstring. Returns (solution, target, verification, history, reason)."""
    space = design.space
    reps = design.replications
    history: list[dict] = []
    verified: list[tuple[Solution, Target, Verification]] = []
    solution: Solution | None = None
    reason = "round limit"
    for round_no in range(1, rounds + 1):
        solution = solve(design, target)
        entry = {"round": round_no, "plan": space.describe(solution.choice), "cost": solution.cost,
                 "predicted_met": solution.predicted_met, "required": solution.required,
                 "slack": round(solution.total_slack), "simulated_before": solution.choice in design.full,
                 "solve_seconds": round(solution.solve_seconds, 4)}
        history.append(entry)
        choice = solution.choice
        if choice not in design.full:
            if not oracle.affordable(reps):
                reason = "simulation budget spent"
                break
            simulated = oracle.results(choice, "opt")
            design.add(choice, simulated)
            entry["simulated_met"] = int(met_by_replication(simulated, design.years, design.municipalities,
                                                            target).sum())
            worse = _worse_than_predicted(design, target, solution.predicted, simulated)
            better = _worse_than_predicted(design, target, simulated, solution.predicted)
            if worse or better:
                # worse: the levers together do less than their sum; try one level more of each.
                # better: they do more; a cheaper plan one level down may meet the target too.
                neighbours = space.neighbours_up(choice) if worse else space.neighbours_down(choice)
                added = 0
                for neighbour in neighbours:
                    if neighbour in design.full:
                        continue
                    if not oracle.affordable(reps):
                        break
                    design.add(neighbour, oracle.results(neighbour, "opt"))
                    added += 1
                entry["neighbours_added"] = f"{added} {'up' if worse else 'down'}"
            continue
        if not oracle.affordable(0 if oracle.known(choice, "ver") else len(oracle.ver_seeds)):
            reason = "simulation budget spent"
            break
        check = verify(oracle, design, target, choice)
        entry.update(verified_probability=round(check.probability, 4), accepted=check.accepted)
        verified.append((solution, target, check))
        if not solution.reachable:
            reason = "target out of reach"
            break
        if check.accepted:
            reason = "verified"
            break
        if target.mean:
            reason = "verification rejected the plan's mean"
            break
        if target.required(reps) >= reps:
            reason = "verification rejected the plan; no stricter in-sample requirement is possible"
            break
        target = Target(**{**asdict(target), "margin": target.margin + 1})
    if solution is None:  # pragma: no cover - rounds >= 1
        raise RuntimeError("no round ran")
    # The answer: an accepted plan; else the best verified; else the last solution.
    for sol, tgt, check in verified:
        if check.accepted:
            return sol, tgt, check, history, reason
    if verified:
        sol, tgt, check = max(verified, key=lambda item: (item[2].probability, -item[0].cost))
        return sol, tgt, check, history, reason
    return solution, target, None, history, reason


def formation_table(space: DecisionSpace, plan: Plan) -> pd.DataFrame:
    """Nijkerk's council table: role, fte now, fte planned, change, yearly cost of the change."""
    scenario = space.scenario
    rows = []
    for role in scenario.roles:
        level = plan.staff.get(role.name)
        planned = level.fte if level is not None else role.fte_now
        change = round(planned - role.fte_now, 6)
        rows.append({"role": role.name, "function": role.function, "fte_now": role.fte_now,
                     "fte_planned": round(planned, 6), "change": change,
                     "yearly_cost": int(round(change * role.cost_per_fte_year)),
                     "arrives": level.arrives if level is not None else ""})
    return pd.DataFrame(rows, columns=["role", "function", "fte_now", "fte_planned", "change", "yearly_cost",
                                       "arrives"])


def budget_table(space: DecisionSpace, plan: Plan) -> pd.DataFrame:
    """Instrument places and budget per year under the plan."""
    from sporen.inputs.plan import instrument_places

    scenario = space.scenario
    rows = []
    for instrument in scenario.instruments:
        for year in scenario.horizon_years:
            places = instrument_places(plan, scenario, instrument.name, year)
            rows.append({"instrument": instrument.name, "year": year, "places": places,
                         "budget": places * instrument.cost_per_participant})
    return pd.DataFrame(rows, columns=["instrument", "year", "places", "budget"])


def optimise(scenario: Scenario, options: OptimiseOptions | None = None, evaluate=None) -> OptimiseResult:
    """Find the cheapest plan that meets the target; the library entry point.

    `evaluate` defaults to `sim.api.evaluate`; tests pass a fake oracle with the same signature.
    Raises `OptionsError` for options that do not fit the scenario.
    """
    started = time.perf_counter()
    options = options or OptimiseOptions()
    if evaluate is None:
        from sporen.sim.api import evaluate as sim_evaluate

        evaluate = sim_evaluate
    target = make_target(scenario, options)
    if options.space is not None:
        space = options.space
    else:
        try:
            space = decision_space(scenario, options.levers, allow_cuts=options.allow_cuts)
        except KeyError as exc:
            raise OptionsError("levers", str(exc.args[0]), "lever keys such as role:<name>") from None
    budget = check_options(space, options)
    oracle = Oracle(scenario, space, evaluate, optimisation_seeds(options.seed, options.replications),
                    verification_seeds(options.seed, options.replications, options.verify),
                    workers=options.workers, budget=budget, progress=options.progress)
    try:
        design = build_design(oracle)
        solution, final_target, check, history, reason = run_loop(oracle, design, target)
    except BudgetSpent as exc:  # pragma: no cover - check_options keeps the design within budget
        raise OptionsError("--budget-sims", str(exc), "a larger budget") from None
    finally:
        oracle.close()
    plan = space.plan(solution.choice, name=f"optimised {scenario.name}")
    reachable = solution.reachable
    met = bool(reachable and check is not None and check.accepted)
    result = OptimiseResult(
        scenario=scenario, options=options, target=final_target, space=space, design=design,
        solution=solution, plan=plan, verification=check, met=met, reachable=reachable,
        stop_reason=reason, sims_used=oracle.sims, budget_sims=budget, sim_seconds=oracle.seconds,
        solve_seconds=sum(h["solve_seconds"] for h in history), total_seconds=0.0, history=history,
        formation=formation_table(space, plan), budget=budget_table(space, plan))
    if options.explain:
        from sporen.optimise import explain

        explain_started = time.perf_counter()
        result.blocking = explain.blocking(design, final_target, solution)
        result.shadow_prices = explain.shadow_prices(design, final_target, solution)
        result.savings = explain.savings(design, final_target, solution)
        result.tradeoff = explain.tradeoff(design, final_target, solution)
        result.explain_seconds = time.perf_counter() - explain_started
    elif not reachable:
        result.blocking = [f"target out of reach: shortfall {solution.total_slack:,.0f} EUR"]
    if check is not None and not check.accepted and reachable:
        result.blocking.append(
            f"verification: the plan met the target in {check.met} of {check.replications} fresh replications "
            f"({check.probability:.0%}, 95% CI {check.ci_low:.0%}-{check.ci_high:.0%}); required "
            f"{final_target.probability}")
        from sporen.optimise.explain import levers_at_limit

        result.blocking.extend(levers_at_limit(design, solution))
    result.total_seconds = time.perf_counter() - started
    return result
