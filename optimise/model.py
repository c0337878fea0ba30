"""The exact model: a MathOpt MIP (HiGHS) over the simulated design (sample average approximation).

Every variable and constraint has a name; one ``define_*`` builder per constraint family;
`CONSTRAINT_FAMILIES` maps each family to its business meaning (docs/optimisation.md repeats it).

Variables

======================  ========================================================================
``x[lever=level]``      binary: the lever takes this simulated level (one-hot per lever)
``z[r]``                binary: replication r counts towards the chance constraint
``w[p]``                binary: the chosen plan is exactly simulated full plan p (interaction)
``slack[group]``        >= 0, EUR: how far the target of a year (group) is out of reach
======================  ========================================================================

Prediction. For replication r and target group g (a year, a year and municipality, or the sum of
the target years when cumulative), the predicted result after vangnet is
``A[r,g] + sum_{l,k} D[l,k,r,g] x[l,k] + sum_p C[p,r,g] w[p]`` with A the baseline simulation,
D the paired one-at-a-time responses and C the interaction correction of each simulated full plan
(its simulation minus its additive prediction), all in whole euros.

Objective. Minimise the plan's extra cost over the horizon (integer euro coefficients) plus
`SLACK_PENALTY` euros per euro of slack. The solve is lexicographic, which is the penalty taken to
its limit: phase 1 minimises the total slack alone; phase 2 keeps the slack at that minimum
(constraint ``best_reachable``) and minimises cost. So an impossible target still returns the
cheapest of the best reachable plans, and a reachable one has zero slack.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import math
import os
import sys
from dataclasses import dataclass, field

import numpy as np
from ortools.math_opt.python import mathopt

from sporen.common.errors import RunFailed
from sporen.optimise.decisions import Choice, DecisionSpace
from sporen.optimise.design import Design

SLACK_PENALTY = 1000
"""EUR of objective per EUR of target slack (phase 2 and the shadow-price LP)."""
TIME_LIMIT_S = 60.0

CONSTRAINT_FAMILIES: dict[str, str] = {
    "one_level": "each decision takes exactly one of its simulated levels",
    "target": "the result after vangnet meets the target level in a target year (per replication when "
              "the target is a probability, on average over replications when it is 'mean')",
    "chance": "at least ceil(p x R) of the R simulated futures meet every target",
    "interaction_on": "when the plan is exactly a simulated full plan, its simulated result applies",
    "interaction_off": "a simulated full plan's correction applies only when the plan is that plan",
    "participatiebudget": "instrument and measure spending of a year stays within that year's participatiebudget",
    "formation_min": "a role keeps at least its minimum fte",
    "formation_max": "a role has at most its maximum fte",
    "hires_per_year": "a role grows by at most its maximum hires per year",
    "no_reintegration_money": "policy: no participatiebudget places on a track that gets no re-integration money",
    "everyone_in_view": "policy: every client in view: a track's caseworker slots cover its peak caseload",
    "partner_share": "policy: at least the minimum share of re-integration spending goes through a partner",
    "best_reachable": "phase 2: the total slack stays at the phase-1 minimum (only when the target is out of reach)",
}
HARD_FAMILIES = ("participatiebudget", "formation_min", "formation_max", "hires_per_year",
                 "no_reintegration_money", "everyone_in_view", "partner_share")
"""Families a planner could relax; explain.py drops each to see what it costs and whether it blocks."""


# -- the target ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """What the plan must reach: result after vangnet >= level, from a year, with a probability."""

    from_year: int
    level: int = 0
    scope: str = "total"             # "total" over municipalities | "per-municipality"
    cumulative: bool = False         # the sum over the target years instead of every year
    probability: float | str = 0.9   # share of replications, or "mean" (on average)
    margin: int = 0                  # extra replications required (the loop's reaction to a failed verification)

    @property
    def mean(self) -> bool:
        return self.probability == "mean"

    def required(self, replications: int) -> int:
        """Replications that must meet the target (chance constraint)."""
        if self.mean:
            return replications
        need = math.ceil(float(self.probability) * replications - 1e-9) + self.margin
        return max(0, min(replications, need))


def target_groups(years: list[int], municipalities: list[str], target: Target) -> tuple[list[str], np.ndarray]:
    """Labels and the 0/1 matrix [group, year x municipality] that sums results into target groups."""
    ty = [y for y in years if y >= target.from_year]
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
    """Whether each replication meets every target group."""
    _, matrix = target_groups(years, municipalities, target)
    return np.all(grouped(results, matrix) >= target.level, axis=1)


def meets(results: np.ndarray, years: list[int], municipalities: list[str], target: Target) -> bool:
    """Whether simulated results meet the target as the model states it."""
    if target.mean:
        _, matrix = target_groups(years, municipalities, target)
        return bool(np.all(grouped(results, matrix).mean(axis=0) >= target.level))
    met = met_by_replication(results, years, municipalities, target)
    return int(met.sum()) >= target.required(len(met))


# -- the model -----------------------------------------------------------------------------------

@dataclass
class Solution:
    """The answer of one solve, re-evaluated in numpy from the chosen levels."""

    choice: Choice
    cost: int
    slack: dict[str, float]
    predicted: np.ndarray            # [r, year, municipality] as the model predicts it
    predicted_met: int               # replications meeting every target group (prediction)
    required: int
    status: str
    solve_seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def total_slack(self) -> float:
        return float(sum(self.slack.values()))

    @property
    def reachable(self) -> bool:
        return self.total_slack <= 0.5


class SaaModel:
    """The MIP over a design. `drop` leaves constraint families out (for explain.py)."""

    def __init__(self, design: Design, target: Target, drop: frozenset[str] | set[str] = frozenset(),
                 relax: bool = False):
        self.design = design
        self.space: DecisionSpace = design.space
        self.scenario = self.space.scenario
        self.target = target
        self.drop = frozenset(drop)
        self.relax = relax
        self.model = mathopt.Model(name="sporen_saa")
        self.constraints: dict[str, dict[str, mathopt.LinearConstraint]] = {}
        self.notes: list[str] = []
        self.labels, self.matrix = target_groups(design.years, design.municipalities, target)
        self.corrections = design.corrections()
        self.define_variables()
        self.define_one_level()
        self.define_interactions()
        self.define_target()
        self.define_formation()
        for family, builder in (("participatiebudget", self.define_participatiebudget),
                                ("no_reintegration_money", self.define_no_reintegration_money),
                                ("everyone_in_view", self.define_everyone_in_view),
                                ("partner_share", self.define_partner_share)):
            if family not in self.drop:
                builder()
        self.cost_expr = mathopt.fast_sum(
            lever.total_cost(k) * self.x[i][k]
            for i, lever in enumerate(self.space.levers) for k in range(len(lever.levels))
            if lever.total_cost(k) != 0)
        self.slack_expr = mathopt.fast_sum(self.slack.values())

    # -- variables ---------------------------------------------------------------------------------
    def _binary(self, name: str) -> mathopt.Variable:
        if self.relax:
            return self.model.add_variable(lb=0.0, ub=1.0, name=name)
        return self.model.add_binary_variable(name=name)

    def define_variables(self) -> None:
        self.x = [[self._binary(f"x[{lever.key}={lever.label(k)}]") for k in range(len(lever.levels))]
                  for lever in self.space.levers]
        reps = self.design.replications
        self.z = [] if self.target.mean else [self._binary(f"z[r{r}]") for r in range(reps)]
        self.plans = list(self.corrections)
        self.w = [self._binary(f"w[p{j}: {self.space.describe(p)}]") for j, p in enumerate(self.plans)]
        self.slack = {g: self.model.add_variable(lb=0.0, name=f"slack[{g}]") for g in self.labels}

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
                expr = mathopt.fast_sum(terms) + self.slack[label] - m * self.z[r]
                self._add("target", f"r{r},{label}", expr >= level - int(base[r, g]) - m)
        self._add("chance", "all", mathopt.fast_sum(self.z) >= self.target.required(reps))

    def _years(self) -> list[int]:
        return self.design.years

    def define_participatiebudget(self) -> None:
        budget = self.scenario.finance.participatiebudget
        for y_idx, year in enumerate(self._years()):
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
            for m in self.scenario.measures:
                extra = m.effects.extra_fte.get(role_name, 0.0)
                if extra:
                    i = self.space.index(f"measure:{m.name}") if f"measure:{m.name}" in self._keys() else None
                    if i is not None:
                        expr = expr + extra * self.x[i][1]
                    elif m.on_in_baseline:
                        expr = expr + extra
        return expr

    def _keys(self) -> set[str]:
        return {lever.key for lever in self.space.levers}

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
                places = mathopt.fast_sum(int(v) * self.x[i][k] for k, v in enumerate(lever.levels) if v)
                self._add("no_reintegration_money", lever.name, places <= 0)

    def needed_fte(self) -> dict[str, float]:
        """fte each caseworker role needs for every client of its tracks to be in view (baseline peak)."""
        need: dict[str, float] = {}
        for track in self.scenario.tracks:
            peak = self.design.caseload_peak.get(track.name)
            if peak is None or peak <= 0:
                continue
            if track.caseworker_role is None:
                self.notes.append(f"everyone_in_view: track {track.name} has no caseworker role, so its "
                                  f"{peak:.0f} clients cannot be in view")
                continue
            need[track.caseworker_role] = need.get(track.caseworker_role, 0.0) + peak / track.caseload_per_fte
        return need

    def define_everyone_in_view(self) -> None:
        if not self.scenario.policy.everyone_in_view:
            return
        if not self.design.caseload_peak:
            self.notes.append("everyone_in_view: no monthly caseload from the baseline simulation; not enforced")
            return
        for role_name, need in self.needed_fte().items():
            top = self._max_fte(role_name)
            if need > top + 1e-9:
                self.notes.append(
                    f"everyone_in_view[{role_name}]: the baseline's peak caseload needs {need:.2f} fte but "
                    f"at most {top:g} fte can be planned; the constraint asks for {top:g} (blocking)")
                need = top
            self._add("everyone_in_view", role_name, self.fte_expr(role_name, with_measures=True) >= need)

    def _max_fte(self, role_name: str) -> float:
        role = self.scenario.role(role_name)
        try:
            top = float(max(self.space.levers[self.space.index(f"role:{role_name}")].levels))
        except KeyError:
            top = role.fte_now
        for m in self.scenario.measures:
            top += m.effects.extra_fte.get(role_name, 0.0) if (
                f"measure:{m.name}" in self._keys() or m.on_in_baseline) else 0.0
        return top

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
        if self.relax:
            params = mathopt.SolveParameters(time_limit=datetime.timedelta(seconds=TIME_LIMIT_S))
        return run_highs(self.model, params)

    def solve(self) -> Solution:
        """Lexicographic: minimise slack, then cost at that slack."""
        seconds = 0.0
        self.model.minimize(self.slack_expr)
        first = self._solve()
        seconds += first.solve_time().total_seconds()
        _check(first)
        best = max(0.0, first.objective_value())
        if best > 0.5:
            self._add("best_reachable", "all", self.slack_expr <= best + 1.0)
        else:
            for var in self.slack.values():
                var.upper_bound = 0.0
        self.model.minimize(self.cost_expr + SLACK_PENALTY * self.slack_expr)
        second = self._solve()
        seconds += second.solve_time().total_seconds()
        _check(second)
        values = second.variable_values()
        choice = tuple(int(np.argmax([values[v] for v in row])) for row in self.x)
        slack = {g: max(0.0, float(values[v])) for g, v in self.slack.items()}
        predicted = self.design.predict(choice)
        met = met_by_replication(predicted, self.design.years, self.design.municipalities, self.target)
        return Solution(choice=choice, cost=self.space.cost(choice), slack=slack, predicted=predicted,
                        predicted_met=int(met.sum()), required=self.target.required(len(met)),
                        status=second.termination.reason.name, solve_seconds=seconds, notes=list(self.notes))

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


def solve(design: Design, target: Target, drop: frozenset[str] | set[str] = frozenset()) -> Solution:
    """Build and solve the MIP over a design."""
    return SaaModel(design, target, drop=drop).solve()
