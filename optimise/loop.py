"""`optimise(scenario, options, evaluate=..., progress=...)`: the library entry point of the optimiser.

It checks the options, builds the decision space, the oracle and the design, runs the selection
procedure (optimise/search.py) and the explanations (optimise/explain.py), and returns an
`OptimiseResult` with the plan, its verdict on fresh futures and the tables `sporen optimise`
and `sporen plan` write. docs/optimisation.md describes the method and its guarantee.

Objectives (``OptimiseOptions.objective``, MODEL.md section 6):

* ``buig`` (default): the cheapest plan whose BUIG result after vangnet meets the target;
* ``exploitatie``: the cheapest plan whose exploitatie result meets the target (with level 0:
  budget-neutral, as in seed 004's first model);
* ``net``: the plan with the best mean net result (the result after vangnet over the horizon minus
  the plan's extra cost): which investments pay for themselves.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sporen.common.i18n import display_language, stage_text, text
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.optimise.constraints import HardLimits
from sporen.optimise.decisions import Choice, DecisionSpace, Point, decision_space
from sporen.optimise.design import BudgetSpent, Design, Oracle, build_design, design_size
from sporen.optimise.model import Target
from sporen.optimise.options import DEFAULT_REPLICATIONS, DEFAULT_TRADEOFF, OBJECTIVES, OptimiseOptions, OptionsError
from sporen.optimise.search import BUDGET_SPENT, MEETS, Check, NoAdmissiblePlan, Outcome, Search, Verification
from sporen.optimise.sequential import design_test
from sporen.optimise.stats import DOES_NOT_MEET, ON_THE_EDGE, Precision
from sporen.sim.options import DEFAULT_SEED

__all__ = ["optimise", "OptimiseOptions", "OptimiseResult", "OptionsError", "Check", "formation_table",
           "budget_table", "make_target", "DEFAULT_REPLICATIONS", "DEFAULT_SEED", "DEFAULT_TRADEOFF", "OBJECTIVES"]


@dataclass
class OptimiseResult:
    """Everything `sporen optimise` writes, for the CLI, `sporen plan` and the web app."""

    scenario: Scenario
    options: OptimiseOptions
    target: Target
    precision: Precision
    space: DecisionSpace
    design: Design
    point: Point
    plan: Plan
    verification: Verification | None
    verdict: str                         # meets | on_the_edge | does_not_meet
    regime: str                          # "meets": some plan meets; "best reachable": none does clearly
    reference: Point | None              # the best reachable plan
    reference_text: str
    stop_reason: str
    sims_used: int
    budget_sims: int
    sim_seconds: float
    solve_seconds: float
    total_seconds: float
    explain_seconds: float = 0.0
    history: list[dict] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    formation: pd.DataFrame | None = None
    budget: pd.DataFrame | None = None
    tradeoff: pd.DataFrame | None = None
    relaxations: pd.DataFrame | None = None
    savings: pd.DataFrame | None = None
    stage_sims: dict[str, int] = field(default_factory=dict)
    verified: list[tuple[Point, Verification]] = field(default_factory=list)
    reused: int = 0                      # replications taken from a former run's cache (counted in sims_used)
    cache_key: str | None = None         # the futures' cache file key (optimise/cache.py), when kept
    futures: dict = field(default_factory=dict, repr=False)   # every future simulated: what the cache keeps

    @property
    def cost(self) -> int:
        return self.space.point_cost(self.point)

    @property
    def choice(self) -> Choice | None:
        """The plan as one level per lever (None when some lever changes over the years)."""
        return self.space.static(self.point)

    @property
    def met(self) -> bool:
        """The verified plan meets the target (verdict *meets*)."""
        return self.verdict == MEETS

    @property
    def budget_spent(self) -> bool:
        """`--budget-sims` ran out before the search was done: the answer is the best plan verified so far
        (or none), and the run says so with its own exit code."""
        return self.stop_reason == BUDGET_SPENT

    @property
    def out_of_reach(self) -> bool:
        """The target is out of reach: the search was done and every plan verified (the answer and, when it
        fell short, the best reachable plan on the same fresh futures) does not meet it. Never without a
        verified plan, never when the budget ran out first."""
        if self.verdict != DOES_NOT_MEET or self.budget_spent or not self.verified:
            return False
        return all(check.verdict == DOES_NOT_MEET for _, check in self.verified)

    @property
    def cheaper_on_edge(self) -> tuple[Point, Verification] | None:
        """The cheapest verified plan *on the edge* that costs less than the answer (None when there is none):
        shown beside the answer with the extra cost of its certainty, never swapped away silently."""
        cost = self.cost
        edge = [(point, check) for point, check in self.verified
                if check.verdict == ON_THE_EDGE and self.space.point_cost(point) < cost]
        return min(edge, key=lambda item: self.space.point_cost(item[0])) if edge else None

    @property
    def reachable(self) -> bool:
        return not self.out_of_reach

    def describe(self) -> str:
        return self.space.describe_point(self.point)


def default_target_from(scenario: Scenario) -> int:
    """The second horizon year (the first when there is one): decisions taken at the start take
    months to arrive, so the start year's result is mostly given."""
    years = scenario.horizon_years
    return years[1] if len(years) > 1 else years[0]


def make_target(scenario: Scenario, options: OptimiseOptions) -> Target:
    """The target of the options; OptionsError (naming the option's field) when it does not fit the scenario."""
    years = scenario.horizon_years
    first = options.target_from if options.target_from is not None else default_target_from(scenario)
    if first not in years:
        raise OptionsError("target_from", "option.outside_horizon", "option.allowed.range", value=first,
                           first=years[0], last=years[-1])
    on = "exploitatie" if options.objective == "exploitatie" else "buig"
    finance = scenario.finance
    if on == "exploitatie" and not finance.participatiebudget and not finance.other_lines:
        raise OptionsError("objective", "option.no_exploitatie_lines", "option.allowed.no_exploitatie_lines")
    return Target(from_year=first, level=int(options.target_level), scope=options.scope,
                  cumulative=options.cumulative, probability=options.target_probability, on=on)


def make_precision(options: OptimiseOptions) -> Precision:
    """The guarantee's numbers (their limits are the options' own)."""
    return Precision(confidence=float(options.confidence), zone=float(options.zone), first=int(options.replications),
                     cap=options.max_futures)


def verification_futures(precision: Precision, target: Target) -> int:
    """Most futures one verification uses: the last look of the exact sequential test (optimise/sequential.py)
    for a probability target, the selection tests' cap for a 'mean' target."""
    if target.mean:
        return precision.cap_for(0.5)
    p = float(target.probability)
    return design_test(p, precision.zone, precision.confidence, precision.first, cap=precision.cap).last


def default_budget(space: DecisionSpace, options: OptimiseOptions, precision: Precision, target: Target) -> int:
    """A ceiling the procedure rarely reaches: the design plus 30 + 4 per lever full-length tests and three
    full-length verifications."""
    p = 0.5 if target.mean else float(target.probability)
    return (design_size(space, options.replications) + (30 + 4 * len(space.levers)) * precision.cap_for(p)
            + 3 * verification_futures(precision, target))


def check_options(space: DecisionSpace, options: OptimiseOptions, precision: Precision, target: Target) -> int:
    """The simulation budget; OptionsError when the one asked for cannot cover the design, one selection test
    and one full verification."""
    p = 0.5 if target.mean else float(target.probability)
    tests = precision.cap_for(p) + verification_futures(precision, target)
    need = design_size(space, options.replications) + tests
    budget = (options.budget_sims if options.budget_sims is not None
              else default_budget(space, options, precision, target))
    if budget < need:
        raise OptionsError("budget_sims", "option.budget_too_small", "option.allowed.at_least_option", budget=budget,
                           design=design_size(space, options.replications), tests=tests, limit=need)
    return budget


def formation_table(space: DecisionSpace, point: Point) -> pd.DataFrame:
    """Nijkerk's council table: role, fte now, fte planned, change, yearly cost of the change, the
    arrival month, and the fte in post in each year (a dynamic plan can rise and taper)."""
    from sporen.inputs.plan import fte_path
    from sporen.inputs.schema import month_index

    scenario = space.scenario
    plan = space.point_plan(point)
    years = space.years
    rows = []
    for role in scenario.roles:
        path = fte_path(plan, scenario, role.name)
        per_year = {}
        for year in years:
            end = min(scenario.months, month_index(scenario.start, f"{year + 1}-01")) - 1
            level = path[0][1]
            for start, fte in path:
                if start <= end:
                    level = fte
            per_year[f"fte_{year}"] = round(level, 6)
        planned = max(fte for _, fte in path) if role.name in plan.staff else role.fte_now
        if role.name in plan.staff and all(fte <= role.fte_now + 1e-9 for _, fte in path):
            planned = min(fte for _, fte in path)
        change = round(planned - role.fte_now, 6)
        staff = plan.staff.get(role.name)
        rows.append({"role": role.name, "function": role.function, "fte_now": role.fte_now,
                     "fte_planned": round(planned, 6), "change": change,
                     "yearly_cost": int(round(change * role.cost_per_fte_year)),
                     "arrives": staff.arrives if staff is not None else "",
                     "later": "; ".join(f"{m}: {v:g}" for m, v in staff.later.items()) if staff is not None else "",
                     **per_year})
    columns = ["role", "function", "fte_now", "fte_planned", "change", "yearly_cost", "arrives", "later",
               *[f"fte_{y}" for y in years]]
    return pd.DataFrame(rows, columns=columns)


def budget_table(space: DecisionSpace, point: Point) -> pd.DataFrame:
    """Instrument places and budget per year under the plan, with the baseline's beside them."""
    from sporen.inputs.plan import instrument_places

    scenario = space.scenario
    plan = space.point_plan(point)
    rows = []
    for instrument in scenario.instruments:
        for year in scenario.horizon_years:
            places = instrument_places(plan, scenario, instrument.name, year)
            rows.append({"instrument": instrument.name, "year": year, "places": places,
                         "places_now": instrument.places_per_year,
                         "budget": places * instrument.cost_per_participant,
                         "extra_cost": (places - instrument.places_per_year) * instrument.cost_per_participant,
                         "paid_from": instrument.paid_from})
    return pd.DataFrame(rows, columns=["instrument", "year", "places", "places_now", "budget", "extra_cost",
                                       "paid_from"])


def _progress(option: bool | Callable[[int, int, str], None]) -> tuple[Callable[[int, int, str], None] | None,
                                                                     Callable[[], None]]:
    """A progress callback (a tqdm bar on stderr for True) and how to close it."""
    if callable(option):
        return option, lambda: None
    if not option:
        return None, lambda: None
    from tqdm import tqdm

    lang = display_language()
    bar = tqdm(total=0, desc=text("progress.futures", lang), unit="rep", file=sys.stderr, leave=False)

    def report(done: int, planned: int, stage: str) -> None:
        bar.total = max(planned, done)
        bar.n = done
        bar.set_description_str(stage_text(stage, lang)[:60] or text("progress.futures", lang), refresh=False)
        bar.refresh()

    return report, bar.close


def optimise(scenario: Scenario, options: OptimiseOptions | None = None, evaluate=None,
             progress: Callable[[int, int, str], None] | None = None, evaluate_many=None,
             cache_file: Path | None = None, cache_rules: Any = None) -> OptimiseResult:
    """Find the cheapest plan that meets the target, decided at the stated confidence; the library
    entry point (`sporen optimise`, `sporen plan`, the web app).

    `evaluate` defaults to `sim.api.evaluate`; tests pass a fake oracle with the same signature.
    `evaluate_many` (`sim.futures.evaluate_many`'s signature; the default with the default `evaluate`)
    simulates the plans of one stage in one dispatch; without it they are simulated one by one.
    `cache_file`: a former run's futures (optimise/cache.py; keyed by scenario, decision space, seed,
    vangnet rules `cache_rules` and the simulator's source): what it holds is reused.
    `progress(simulated, planned, stage)` is called after every simulation with the replications
    simulated and planned so far (the total grows as the procedure decides it needs more).
    Raises `OptionsError` for options that do not fit the scenario.
    """
    started = time.perf_counter()
    options = options or OptimiseOptions()
    if evaluate is None:
        from sporen.sim.api import evaluate as sim_evaluate
        from sporen.sim.api import evaluate_many as sim_evaluate_many

        evaluate = sim_evaluate
        evaluate_many = evaluate_many or sim_evaluate_many
    target = make_target(scenario, options)
    precision = make_precision(options)
    tradeoff_ps = tuple(options.tradeoff)
    if options.space is not None:
        space = options.space
    else:
        try:
            space = decision_space(scenario, options.levers, allow_cuts=options.allow_cuts)
        except KeyError as exc:
            raise OptionsError("levers", "option.unknown_lever", "option.allowed.levers", value=exc.args[0]) from None
    budget = check_options(space, options, precision, target)
    report, close = _progress(progress if progress is not None else options.progress)
    oracle = Oracle(scenario, space, evaluate, options.seed, workers=options.workers, budget=budget,
                    progress=report, evaluate_many=evaluate_many)
    key = None
    if cache_file is not None:
        from sporen.optimise import cache

        key = cache.cache_key(space, options.seed, cache_rules)
        oracle.cached = cache.load(Path(cache_file), key)
    stage_sims: dict[str, int] = {}
    try:
        oracle.stage = "design: one lever at a time"
        column = "result_after_vangnet" if options.objective == "net" else target.column
        design = build_design(oracle, options.replications, column=column)
        stage_sims["design"] = oracle.sims
        limits = HardLimits(space, design.caseload_peak, allow_cuts=options.allow_cuts)
        if options.objective == "net":
            from sporen.optimise.net import search_net

            outcome = search_net(oracle, design, limits, target, precision, dynamic=options.dynamic)
        else:
            search = Search(oracle, design, limits, target, precision, dynamic=options.dynamic)
            try:
                outcome = search.run()
            except NoAdmissiblePlan as exc:
                raise OptionsError("scenario", "option.no_admissible_plan", "option.allowed.no_admissible_plan",
                                   families=", ".join(exc.families)) from None
        stage_sims["search"] = oracle.sims - stage_sims["design"]
        point = outcome.point
        check = outcome.verification
        verdict = check.verdict if check is not None else DOES_NOT_MEET
        result = OptimiseResult(
            scenario=scenario, options=options, target=target, precision=precision, space=space, design=design,
            point=point, plan=space.point_plan(point, name=f"optimised {scenario.name}"), verification=check,
            verdict=verdict, regime=outcome.regime, reference=outcome.reference,
            reference_text=_reference_text(space, outcome), stop_reason=outcome.stop_reason,
            sims_used=oracle.sims, budget_sims=budget, sim_seconds=0.0, solve_seconds=0.0, total_seconds=0.0,
            history=[c.as_dict() for c in outcome.checks], notes=list(outcome.notes) + list(limits.notes),
            formation=formation_table(space, point), budget=budget_table(space, point), stage_sims=stage_sims,
            verified=list(outcome.verified))
        if options.explain and options.objective != "net":
            from sporen.optimise import explain

            before = oracle.sims
            explain_started = time.perf_counter()
            try:
                result.blocking = explain.blocking(oracle, design, limits, target, precision, outcome)
                result.relaxations = explain.relaxations(oracle, design, limits, target, precision, outcome)
                result.savings = explain.savings(oracle, design, target, precision, outcome)
                result.tradeoff = explain.tradeoff(oracle, design, limits, target, precision, outcome, tradeoff_ps,
                                                   dynamic=options.dynamic)
            except BudgetSpent:
                result.notes.append("the simulation budget ran out during the explanations")
            result.explain_seconds = time.perf_counter() - explain_started
            stage_sims["explain"] = oracle.sims - before
        elif options.objective == "net":
            from sporen.optimise.net import net_savings

            result.savings = net_savings(oracle, design, precision, outcome)
    finally:
        close()
    result.sims_used = oracle.sims
    result.reused = oracle.reused
    if key is not None:
        result.cache_key, result.futures = key, oracle.store
    result.sim_seconds = oracle.seconds
    result.solve_seconds = 0.0
    result.total_seconds = time.perf_counter() - started
    return result


def _reference_text(space: DecisionSpace, outcome: Outcome) -> str:
    if outcome.reference is None or outcome.reference_estimate is None:
        return ""
    est = outcome.reference_estimate
    return (f"{space.describe_point(outcome.reference)} (EUR {space.point_cost(outcome.reference):,}): "
            f"{est.value:.1%} of {est.n} selection futures ({est.low:.1%}-{est.high:.1%})")

