"""The exact model: a MathOpt MIP (HiGHS) over the simulated design (sample average approximation).

The MIP is the search's *screen*: it proposes the cheapest plan that could meet the target, and
the sequential tests on whole-plan simulations (optimise/search.py) decide. Every variable and
constraint has a name; one ``define_*`` builder per constraint family; `CONSTRAINT_FAMILIES` maps
each family to its business meaning (docs/optimisation.md repeats it).

Variables

======================  ========================================================================
``x[lever=level]``      binary: the lever takes this level (one-hot per lever)
``z[r]``                binary: design future r counts as meeting the target
``w[p]``                binary: the chosen plan is exactly simulated full plan p (interaction)
``slack[group]``        >= 0, EUR: ('mean' target only) how far a target group's mean is out of reach
======================  ========================================================================

Prediction. For design future r and target group g (a year, a year and municipality, or the sum
of the target years when cumulative), the predicted result is
``A[r,g] + sum_{l,k} D[l,k,r,g] x[l,k] + sum_p C[p,r,g] w[p]`` with A the baseline simulation,
D the paired one-at-a-time responses (interpolated between simulated levels) and C the
interaction correction of each simulated full plan (its simulation minus its additive
prediction), all in whole euros.

Solves (`SaaModel`):

* `cheapest(k)`: the cheapest plan predicted to meet the target in at least k design futures
  (a 'mean' target: whose predicted mean meets it in every group), or None;
* `best()`: the plan predicted to meet the target in the most design futures (a 'mean' target:
  the smallest total shortfall), the cheapest such;
* `best_net()`: the plan with the highest predicted mean net result (the result after vangnet
  over the horizon minus the plan's extra cost).

Objective tie-break: cost is counted in cents plus one per level step away from the baseline, so
between plans of equal cost the one with fewer changes wins (a lever that costs nothing and does
nothing stays at its baseline). `Cut`s exclude plans the search has rejected: the plan itself,
and every plan that does not exceed it on any lever whose response rises with its level.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import math
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np
from ortools.math_opt.python import mathopt

from sporen.common.errors import RunFailed
from sporen.optimise.constraints import HardLimits
from sporen.optimise.decisions import Choice, DecisionSpace
from sporen.optimise.design import RESPONSE, Design

TIME_LIMIT_S = 60.0
CENTS = 100
"""Cost coefficients in cents, so one unit per level step breaks ties without changing any cost order."""

CONSTRAINT_FAMILIES: dict[str, str] = {
    "one_level": "each decision takes exactly one of its levels",
    "target": "the result meets the target level in a target year (per design future when the target is a "
              "probability, on average over the futures when it is 'mean')",
    "chance": "at least k of the design futures meet every target (k: the screen's count)",
    "interaction_on": "when the plan is exactly a simulated full plan, its simulated result applies",
    "interaction_off": "a simulated full plan's correction applies only when the plan is that plan",
    "participatiebudget": "instrument and measure spending of a year stays within that year's participatiebudget",
    "formation_min": "a role keeps at least its minimum fte",
    "formation_max": "a role has at most its maximum fte",
    "hires_per_year": "a role grows by at most its maximum hires per year",
    "no_reintegration_money": "policy: no extra participatiebudget places on a track that gets no re-integration "
                              "money (with --allow-cuts: none at all)",
    "everyone_in_view": "policy: every client in view: a track's caseworker slots cover its peak caseload",
    "partner_share": "policy: at least the minimum share of re-integration spending goes through a partner",
    "rejected": "a plan the search rejected, and every plan that does no more on any lever whose effect "
                "rises with its level, is excluded",
    "best_reachable": "phase 2: the best predicted outcome of phase 1 is kept while cost is minimised",
}
HARD_FAMILIES = ("participatiebudget", "formation_min", "formation_max", "hires_per_year",
                 "no_reintegration_money", "everyone_in_view", "partner_share")
"""Families a planner could relax; explain.py drops each to see what it costs and whether it blocks."""


# -- the target ----------------------------------------------------------------------------------

TARGET_LINES = {"buig": RESPONSE, "exploitatie": "exploitatie_result"}
"""The yearly column each target line is set on."""


@dataclass(frozen=True)
class Target:
    """What the plan must reach: a yearly result >= level from a year on, with a probability.

    `on` is the line: ``buig`` (the BUIG result after vangnet) or ``exploitatie`` (the exploitatie
    result: BUIG after vangnet, personnel, instruments, measures and the other lines together).
    """

    from_year: int
    level: int = 0
    scope: str = "total"             # "total" over municipalities | "per-municipality"
    cumulative: bool = False         # the sum over the target years instead of every year
    probability: float | str = 0.9   # share of futures, or "mean" (on average)
    on: str = "buig"
    skip_years: tuple[int, ...] = ()  # target years left out (explain.py relaxes one at a time)

    @property
    def mean(self) -> bool:
        return self.probability == "mean"

    @property
    def column(self) -> str:
        return TARGET_LINES[self.on]

    def required(self, replications: int) -> int:
        """Futures that must meet the target for the share to reach the probability."""
        if self.mean:
            return replications
        need = math.ceil(float(self.probability) * replications - 1e-9)
        return max(0, min(replications, need))


def target_groups(years: list[int], municipalities: list[str], target: Target) -> tuple[list[str], np.ndarray]:
    """Labels and the 0/1 matrix [group, year x municipality] that sums results into target groups."""
    ty = [y for y in years if y >= target.from_year and y not in target.skip_years]
    per_mun = target.scope == "per-municipality"
    mun_sets = [[m] for m in municipalities] if per_mun else [municipalities]
    year_sets = [ty] if target.cumulative else [[y] for y in ty]
    labels, rows = [], []
    for ys in year_sets:
        for ms in mun_sets:
            row = np.zeros((len(years), len(municipalities)))
            for y in ys:
                for m in ms:
                    row[years.index(y), municipalities.index(m)] = 1
            label = f"{ys[0]}-{ys[-1]}" if target.cumulative else str(ys[0])
            if per_mun:
                label += f",{ms[0]}"
            labels.append(label)
            rows.append(row.reshape(-1))
    return labels, np.array(rows, dtype=np.int64).reshape(len(rows), len(years) * len(municipalities))


def grouped(results: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """[r, year, municipality] -> [r, group]."""
    return results.reshape(results.shape[0], -1) @ matrix.T


def met_by_replication(results: np.ndarray, years: list[int], municipalities: list[str],
                       target: Target) -> np.ndarray:
    """Whether each future meets every target group."""
    _, matrix = target_groups(years, municipalities, target)
    return np.all(grouped(results, matrix) >= target.level, axis=1)


def meets(results: np.ndarray, years: list[int], municipalities: list[str], target: Target) -> bool:
    """Whether simulated results meet the target in the sample (share >= p, or every group's mean)."""
    if target.mean:
        _, matrix = target_groups(years, municipalities, target)
        return bool(np.all(grouped(results, matrix).mean(axis=0) >= target.level))
    met = met_by_replication(results, years, municipalities, target)
    return int(met.sum()) >= target.required(len(met))


# -- the model -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cut:
    """Exclude `choice` and, for the levers flagged monotone, every plan at or below it on them;
    levers flagged inert (they do nothing) may take any level."""

    choice: Choice
    monotone: tuple[bool, ...]
    inert: tuple[bool, ...] = ()


@dataclass
class Solution:
    """The answer of one solve, re-evaluated in numpy from the chosen levels."""

    choice: Choice
    cost: int
    predicted: np.ndarray            # [r, year, municipality] as the model predicts it
    predicted_met: int               # design futures meeting every target group (prediction)
    status: str
    solve_seconds: float
    slack: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def total_slack(self) -> float:
        return float(sum(self.slack.values()))


class SaaModel:
    """The MIP over a design. `drop` leaves hard constraint families out (for explain.py)."""

    def __init__(self, design: Design, target: Target, limits: HardLimits,
                 drop: frozenset[str] | set[str] = frozenset(), cuts: list[Cut] | tuple[Cut, ...] = (),
                 net: bool = False):
        self.design = design
        self.space: DecisionSpace = design.space
        self.scenario = self.space.scenario
        self.target = target
        self.limits = limits
        self.drop = frozenset(drop)
        self.net = net
        self.model = mathopt.Model(name="sporen_saa")
        self.excluded_all = False
        self.constraints: dict[str, dict[str, mathopt.LinearConstraint]] = {}
        self.notes: list[str] = list(limits.notes)
        self.labels, self.matrix = target_groups(design.years, design.municipalities, target)
        self.corrections = design.corrections()
        self.define_variables()
        self.define_one_level()
        self.define_interactions()
        if not net:
            self.define_target()
        self.define_formation()
        for family, builder in (("participatiebudget", self.define_participatiebudget),
                                ("no_reintegration_money", self.define_no_reintegration_money),
                                ("everyone_in_view", self.define_everyone_in_view),
                                ("partner_share", self.define_partner_share)):
            if family not in self.drop:
                builder()
        self.define_cuts(cuts)
        self.cost_expr = mathopt.fast_sum(
            lever.total_cost(k) * self.x[i][k]
            for i, lever in enumerate(self.space.levers) for k in range(len(lever.levels))
            if lever.total_cost(k) != 0)
        self.tie_expr = mathopt.fast_sum(
            (CENTS * lever.total_cost(k) + abs(k - lever.baseline)) * self.x[i][k]
            for i, lever in enumerate(self.space.levers) for k in range(len(lever.levels))
            if lever.total_cost(k) != 0 or k != lever.baseline)
        self.slack_expr = mathopt.fast_sum(self.slack.values())

    # -- variables ---------------------------------------------------------------------------------
    def define_variables(self) -> None:
        self.x = [[self.model.add_binary_variable(name=f"x[{lever.key}={lever.label(k)}]")
                   for k in range(len(lever.levels))] for lever in self.space.levers]
        reps = self.design.replications
        self.z = [] if (self.target.mean or self.net) else [
            self.model.add_binary_variable(name=f"z[r{r}]") for r in range(reps)]
        self.plans = list(self.corrections)
        self.w = [self.model.add_binary_variable(name=f"w[p{j}: {self.space.describe(p)}]")
                  for j, p in enumerate(self.plans)]
        self.slack = {g: self.model.add_variable(lb=0.0, name=f"slack[{g}]") for g in self.labels} \
            if self.target.mean and not self.net else {}

    def _add(self, family: str, name: str, bounded) -> mathopt.LinearConstraint:
        con = self.model.add_linear_constraint(bounded, name=f"{family}[{name}]")
        self.constraints.setdefault(family, {})[name] = con
        return con

    # -- constraint families -----------------------------------------------------------------------
    def define_one_level(self) -> None:
        for i, lever in enumerate(self.space.levers):
            self._add("one_level", lever.key, mathopt.fast_sum(self.x[i]) == 1)

    def define_interactions(self) -> None:
        n = len(self.space.levers)
        for j, plan in enumerate(self.plans):
            picked = [self.x[i][k] for i, k in enumerate(plan)]
            self._add("interaction_on", f"p{j}", self.w[j] >= mathopt.fast_sum(picked) - (n - 1))
            for i, var in enumerate(picked):
                self._add("interaction_off", f"p{j},{self.space.levers[i].key}", self.w[j] <= var)

    def define_target(self) -> None:
        d = self.design
        base = grouped(d.baseline, self.matrix)                                   # [r, g]
        resp = [[grouped(level, self.matrix) for level in row] for row in d.delta]  # [l][k] -> [r, g]
        corr = [grouped(self.corrections[p], self.matrix) for p in self.plans]        # [p] -> [r, g]
        level = self.target.level
        reps = d.replications
        if self.target.mean:
            for g, label in enumerate(self.labels):
                terms = [int(resp[i][k][:, g].sum()) * self.x[i][k]
                         for i, row in enumerate(resp) for k in range(len(row)) if resp[i][k][:, g].any()]
                terms += [int(c[:, g].sum()) * self.w[j] for j, c in enumerate(corr) if c[:, g].any()]
                expr = mathopt.fast_sum(terms) + reps * self.slack[label]
                self._add("target", label, expr >= reps * level - int(base[:, g].sum()))
            return
        low = sum(np.min(np.stack(row), axis=0) for row in resp) if resp else np.zeros_like(base)
        low = low + sum((np.minimum(c, 0) for c in corr), np.zeros_like(base))
        big_m = level - (base + low)                                              # [r, g]
        for r in range(reps):
            for g, label in enumerate(self.labels):
                if big_m[r, g] <= 0:
                    continue  # met whatever the plan: no constraint needed
                terms = [int(resp[i][k][r, g]) * self.x[i][k]
                         for i, row in enumerate(resp) for k in range(len(row)) if resp[i][k][r, g] != 0]
                terms += [int(c[r, g]) * self.w[j] for j, c in enumerate(corr) if c[r, g] != 0]
                m = int(big_m[r, g])
                expr = mathopt.fast_sum(terms) - m * self.z[r]
                self._add("target", f"r{r},{label}", expr >= level - int(base[r, g]) - m)

    def define_cuts(self, cuts: list[Cut] | tuple[Cut, ...]) -> None:
        for j, cut in enumerate(cuts):
            terms = []
            inert = cut.inert or (False,) * len(cut.choice)
            for i, (k, mono) in enumerate(zip(cut.choice, cut.monotone, strict=True)):
                if inert[i]:
                    continue
                if mono:
                    terms += [self.x[i][h] for h in range(k + 1, len(self.x[i]))]
                else:
                    terms += [self.x[i][h] for h in range(len(self.x[i])) if h != k]
            if not terms:
                self.excluded_all = True      # every plan is excluded: no solution
                continue
            self._add("rejected", f"c{j}", mathopt.fast_sum(terms) >= 1)

    def define_participatiebudget(self) -> None:
        budget = self.scenario.finance.participatiebudget
        for y_idx, year in enumerate(self.design.years):
            if year not in budget:
                continue
            terms = [lever.spend[k][y_idx] * self.x[i][k] for i, lever in enumerate(self.space.levers)
                     for k in range(len(lever.levels)) if lever.spend[k][y_idx]]
            if terms:
                self._add("participatiebudget", str(year), mathopt.fast_sum(terms) <= budget[year])

    def fte_expr(self, role_name: str, with_measures: bool = False):
        """The role's planned fte as an expression (a constant when it is no lever)."""
        role = self.scenario.role(role_name)
        try:
            i = self.space.index(f"role:{role_name}")
            expr = mathopt.fast_sum(float(v) * self.x[i][k] for k, v in enumerate(self.space.levers[i].levels))
        except KeyError:
            expr = mathopt.LinearExpression(role.fte_now)
        if with_measures:
            keys = {lever.key for lever in self.space.levers}
            for m in self.scenario.measures:
                extra = m.effects.extra_fte.get(role_name, 0.0)
                if not extra:
                    continue
                if f"measure:{m.name}" in keys:
                    expr = expr + extra * self.x[self.space.index(f"measure:{m.name}")][1]
                elif m.on_in_baseline:
                    expr = expr + extra
        return expr

    def define_formation(self) -> None:
        for lever in self.space.levers:
            if lever.kind != "role":
                continue
            role = self.scenario.role(lever.name)
            fte = self.fte_expr(role.name)
            if "formation_min" not in self.drop and role.min_fte > 0:
                self._add("formation_min", role.name, fte >= role.min_fte)
            if "formation_max" not in self.drop and role.max_fte is not None:
                self._add("formation_max", role.name, fte <= role.max_fte)
            if "hires_per_year" not in self.drop and role.max_hires_per_year is not None:
                self._add("hires_per_year", role.name, fte <= role.fte_now + role.max_hires_per_year)

    def define_no_reintegration_money(self) -> None:
        banned = set(self.scenario.policy.no_reintegration_money_for)
        for i, lever in enumerate(self.space.levers):
            if lever.kind == "instrument" and lever.track in banned and lever.paid_from == "participatiebudget":
                cap = 0 if self.limits.allow_cuts else self.scenario.instrument(lever.name).places_per_year
                places = mathopt.fast_sum(int(v) * self.x[i][k] for k, v in enumerate(lever.levels) if v)
                self._add("no_reintegration_money", lever.name, places <= cap)

    def define_everyone_in_view(self) -> None:
        if not self.scenario.policy.everyone_in_view:
            return
        if not self.design.caseload_peak:
            self.notes.append("everyone_in_view: no monthly caseload from the baseline simulation; not enforced")
            return
        for role_name, need in self.limits.need.items():
            self._add("everyone_in_view", role_name, self.fte_expr(role_name, with_measures=True) >= need)

    def define_partner_share(self) -> None:
        share = self.scenario.policy.min_partner_share
        if share <= 0:
            return
        terms = []
        for i, lever in enumerate(self.space.levers):
            if lever.kind != "instrument":
                continue
            weight = (1.0 if lever.partner else 0.0) - share
            for k in range(len(lever.levels)):
                total = sum(lever.spend[k])
                if total:
                    terms.append(weight * total * self.x[i][k])
        if terms:
            self._add("partner_share", "all", mathopt.fast_sum(terms) >= 0)

    # -- solving -----------------------------------------------------------------------------------
    def _solve(self):
        params = mathopt.SolveParameters(time_limit=datetime.timedelta(seconds=TIME_LIMIT_S),
                                         relative_gap_tolerance=0.0, absolute_gap_tolerance=0.5)
        return run_highs(self.model, params)

    def _solution(self, result, seconds: float) -> Solution:
        values = result.variable_values()
        choice = tuple(int(np.argmax([values[v] for v in row])) for row in self.x)
        slack = {g: max(0.0, float(values[v])) for g, v in self.slack.items()}
        predicted = self.design.predict(choice)
        met = met_by_replication(predicted, self.design.years, self.design.municipalities, self.target)
        return Solution(choice=choice, cost=self.space.cost(choice), predicted=predicted,
                        predicted_met=int(met.sum()), status=result.termination.reason.name,
                        solve_seconds=seconds, slack=slack, notes=list(self.notes))

    def cheapest(self, required: int, allowance: dict[str, float] | None = None) -> Solution | None:
        """The cheapest plan predicted to meet the target in `required` design futures (None: none).

        A 'mean' target: whose predicted mean in each group falls short of the level by at most
        the group's `allowance` (EUR; default none)."""
        started = time.perf_counter()
        if self.excluded_all:
            return None
        if self.target.mean:
            for group, var in self.slack.items():
                var.upper_bound = max(0.0, float((allowance or {}).get(group, 0.0)))
        else:
            self._add("chance", "all", mathopt.fast_sum(self.z) >= required)
        self.model.minimize(self.tie_expr)
        result = self._solve()
        if result.termination.reason == mathopt.TerminationReason.INFEASIBLE or \
                not result.has_primal_feasible_solution():
            if result.termination.reason not in (mathopt.TerminationReason.INFEASIBLE,
                                                 mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED):
                _check(result)
            return None
        return self._solution(result, time.perf_counter() - started)

    def result_expr(self):
        """The predicted result summed over the design futures and target groups (EUR, without the baseline)."""
        d = self.design
        terms = []
        for i, row in enumerate(d.delta):
            for k, delta in enumerate(row):
                total = int(grouped(delta, self.matrix).sum())
                if total:
                    terms.append(total * self.x[i][k])
        for j, p in enumerate(self.plans):
            total = int(grouped(self.corrections[p], self.matrix).sum())
            if total:
                terms.append(total * self.w[j])
        return mathopt.fast_sum(terms)

    def best(self) -> Solution | None:
        """The plan predicted to do best: most futures meeting the target (a 'mean' target: least
        shortfall), then the highest result in the target groups (so an unreachable target still
        gets the plan that comes closest in euros)."""
        started = time.perf_counter()
        if self.target.mean:
            self.model.minimize(self.slack_expr)
        else:
            self.model.maximize(mathopt.fast_sum(self.z))
        first = self._solve()
        if not first.has_primal_feasible_solution():
            return None
        _check(first)
        value = first.objective_value()
        if self.target.mean:
            self._add("best_reachable", "all", self.slack_expr <= value + 1.0)
        else:
            self._add("best_reachable", "all", mathopt.fast_sum(self.z) >= round(value))
        self.model.maximize(self.result_expr() - self.tie_expr * (1.0 / CENTS / 1000.0))
        second = self._solve()
        _check(second)
        return self._solution(second, time.perf_counter() - started)

    def best_net(self) -> Solution | None:
        """The plan with the highest predicted mean net result (result over the horizon minus cost)."""
        started = time.perf_counter()
        d = self.design
        reps = d.replications
        gain = mathopt.fast_sum(
            [int(round(d.delta[i][k].sum() / reps)) * self.x[i][k]
             for i in range(len(self.x)) for k in range(len(self.x[i])) if d.delta[i][k].any()]
            + [int(round(self.corrections[p].sum() / reps)) * self.w[j] for j, p in enumerate(self.plans)])
        self.model.maximize(CENTS * (gain - self.cost_expr) - (self.tie_expr - CENTS * self.cost_expr))
        result = self._solve()
        if not result.has_primal_feasible_solution():
            return None
        _check(result)
        return self._solution(result, time.perf_counter() - started)

    def all_constraints(self):
        for family, named in self.constraints.items():
            for name, con in named.items():
                yield family, name, con


@contextlib.contextmanager
def _silence_native_stdout():
    """HiGHS 1.12 prints a debug line from C++ on some MIPs even with output off: hide fd 1 meanwhile."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        with contextlib.suppress(Exception):
            ctypes.CDLL(None).fflush(None)  # C stdio's buffer, written while fd 1 is /dev/null
        os.dup2(saved, fd)
        os.close(saved)


def run_highs(model: mathopt.Model, params: mathopt.SolveParameters | None = None):
    """mathopt.solve with HiGHS, quietly."""
    with _silence_native_stdout():
        return mathopt.solve(model, mathopt.SolverType.HIGHS, params=params)


class SolveError(RunFailed):
    """The solver returned no usable solution."""


def _check(result) -> None:
    ok = (mathopt.TerminationReason.OPTIMAL, mathopt.TerminationReason.FEASIBLE)
    if result.termination.reason not in ok or not result.has_primal_feasible_solution():
        raise SolveError(f"HiGHS: {result.termination.reason.name} ({result.termination.detail})")


def cheapest(design: Design, target: Target, limits: HardLimits, required: int,
             cuts: list[Cut] | tuple[Cut, ...] = (), drop: frozenset[str] | set[str] = frozenset()) -> Solution | None:
    """Build and solve the screen: the cheapest plan predicted to meet the target in `required` futures."""
    return SaaModel(design, target, limits, drop=drop, cuts=cuts).cheapest(required)


def best(design: Design, target: Target, limits: HardLimits, cuts: list[Cut] | tuple[Cut, ...] = (),
         drop: frozenset[str] | set[str] = frozenset()) -> Solution | None:
    """Build and solve: the plan predicted to do best, the cheapest such."""
    return SaaModel(design, target, limits, drop=drop, cuts=cuts).best()
