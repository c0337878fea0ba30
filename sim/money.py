"""Yearly money of one replication: BUIG result, vangnet and the exploitatie (MODEL.md 3.8, 4, 5).

Pure functions: monthly frame (sim.results.MONTHLY_COLUMNS) + scenario + plan + vangnet rules ->
one row per calendar year and municipality, all money in whole euros (int64).

Per year and municipality:

* ``buig_budget``      the municipality's BUIG budget for the year (scenario), prorated by the
                       simulated months when the horizon covers only part of a year (``months``);
* ``benefit_cost``, ``subsidy_cost``  the year's summed monthly benefit and wage-cost subsidy cost;
* ``spending``         = benefit_cost + subsidy_cost, exactly (the BUIG pays both);
* ``buig_result``      = buig_budget - spending (negative = deficit);
* ``vangnet``          the safety-net grant from `sim.vangnet.vangnet_table`, with the
                       municipality's `history` years before the horizon feeding the multi-year test;
* ``result_after_vangnet`` = buig_result + vangnet (the "net result" of the benefit side);
* ``personnel_cost``   sum over roles of fte(month) x cost_per_fte_year / 12 over the year's
                       months, fte from `inputs.plan.fte_path` plus the `extra_fte` of measures
                       that run under the plan, while they run;
* ``instrument_cost``  the year's summed monthly ``instrument_cost`` (participatiebudget-paid
                       instruments; wage-cost subsidies are BUIG spending above);
* ``measure_cost``     one_off_cost in the month a measure starts + cost_per_year / 12 for every
                       month it runs, for the measures that run under the plan;
* ``other_lines``      the scenario's other exploitatie lines (WSW shortfall, ...) summed;
* ``participatiebudget`` the year's participatiebudget (income of the exploitatie);
* ``exploitatie_result`` = result_after_vangnet - personnel_cost - instrument_cost - measure_cost
                       - other_lines + participatiebudget.

The exploitatie result reads as follows. The benefit side is the BUIG result after vangnet: what
is left of (or missing from) the BUIG grant once benefits and wage-cost subsidies are paid and
the vangnet has compensated part of a large deficit. The execution side is paid from the
participatiebudget and the municipality's own funds: staff (personnel), re-integration
instruments, measures and the other lines; the participatiebudget is the income that covers
them, the rest comes from own funds. A negative exploitatie result is what the municipality adds
from its general means (or its reserve sociaal domein) in that year.

Shared costs -- personnel, instruments, measures, other lines and the participatiebudget -- are
totals for the executing organisation. Each year's total is allocated to the municipalities by
`Municipality.cost_share` when the scenario gives it, else pro rata by the year's client-months
on the caseload (on_benefit + without_benefit at each month end, summed over the year's months).
Allocation uses largest-remainder rounding (ties to the alphabetically first municipality), so
the municipalities' euros add up exactly to each total. Fractional amounts (personnel, prorated
costs) are computed exactly with fractions and rounded half up once per year total.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sporen.common.errors import Problem
from sporen.inputs.plan import Plan, baseline_plan, fte_path, measure_on
from sporen.inputs.schema import Scenario, month_label, parse_year_month
from sporen.sim.vangnet import VangnetError, vangnet_table

if TYPE_CHECKING:
    from sporen.inputs.vangnet_rules import VangnetRule

SHARED_COST_COLUMNS = ["personnel_cost", "instrument_cost", "measure_cost", "other_lines", "participatiebudget"]
MONEY_COLUMNS = [
    "buig_budget", "benefit_cost", "subsidy_cost", "spending", "buig_result", "vangnet",
    "result_after_vangnet", *SHARED_COST_COLUMNS, "exploitatie_result",
]
YEARLY_KEYS = ["year", "municipality"]
YEARLY_COLUMNS = [*YEARLY_KEYS, "months", *MONEY_COLUMNS]
"""Columns of the yearly frame; `months` is the number of simulated months in the year (12 unless
the horizon starts or ends mid-year)."""

TOTAL_COLUMNS = ["benefit_cost", "subsidy_cost", "instrument_cost", "caseload", "on_benefit",
                 "in_view", "not_in_view", "inflow", "outflow", "outflow_work"]
"""Monthly quantities summed over tracks and segments per month and municipality."""


def round_half_up(value: Fraction | int) -> int:
    """Whole euros, halves away from zero (a planner's rounding, not banker's)."""
    value = Fraction(value)
    if value >= 0:
        return int(value + Fraction(1, 2)) if value.denominator != 1 else int(value)
    return -round_half_up(-value)


def exact(number: float | int) -> Fraction:
    """A number exactly as written (1.67 -> 167/100, not the binary float's expansion)."""
    return Fraction(repr(float(number))) if isinstance(number, float) else Fraction(number)


def allocate(total: int, weights: Sequence[Fraction | int]) -> list[int]:
    """Split whole euros by weights with largest-remainder rounding; the parts sum to `total`.

    Remainders go to the largest fractional parts first, ties to the earliest weight. Zero (or
    no positive) weights split evenly. A negative total is split as its absolute value, negated.
    """
    n = len(weights)
    if n == 0:
        if total:
            raise ValueError("cannot allocate a non-zero total to no one")
        return []
    shares = [Fraction(w) for w in weights]
    if any(w < 0 for w in shares):
        raise ValueError(f"negative weight in {shares}")
    scale = sum(shares)
    if scale == 0:
        shares, scale = [Fraction(1)] * n, Fraction(n)
    sign, amount = (-1, -total) if total < 0 else (1, total)
    quotas = [amount * w / scale for w in shares]
    parts = [q.numerator // q.denominator for q in quotas]
    rest = amount - sum(parts)
    order = sorted(range(n), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:rest]:
        parts[i] += 1
    return [sign * p for p in parts]


# -- the horizon -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Horizon:
    """The simulated months and the calendar years they fall in."""

    labels: tuple[str, ...]          # YYYY-MM per simulated month
    years: tuple[int, ...]           # calendar years touched, ascending
    year_of_month: np.ndarray        # year index (into `years`) per month

    @classmethod
    def of(cls, scenario: Scenario) -> Horizon:
        labels = tuple(month_label(scenario.start, i) for i in range(scenario.months))
        calendar = [parse_year_month(label)[0] for label in labels]
        years = tuple(sorted(set(calendar)))
        index = {y: i for i, y in enumerate(years)}
        return cls(labels, years, np.array([index[y] for y in calendar], dtype=np.int64))

    @property
    def months_in_year(self) -> np.ndarray:
        return np.bincount(self.year_of_month, minlength=len(self.years))

    def per_year(self, monthly_values: Sequence[Fraction]) -> list[Fraction]:
        sums = [Fraction(0)] * len(self.years)
        for m, value in enumerate(monthly_values):
            sums[self.year_of_month[m]] += value
        return sums


def _prorated(amount: int, months: int) -> Fraction:
    return Fraction(amount * months, 12)


# -- costs that do not depend on the replication ------------------------------------------------
@dataclass(frozen=True)
class FixedCosts:
    """Whole-euro totals per simulated year of the costs a plan fixes (not random)."""

    years: tuple[int, ...]
    months: tuple[int, ...]
    personnel_cost: tuple[int, ...]
    measure_cost: tuple[int, ...]
    other_lines: tuple[int, ...]
    participatiebudget: tuple[int, ...]
    budgets: Mapping[str, tuple[int, ...]]   # BUIG budget per unit (municipality or merged one) and year
                                             # (prorated; 0 in years the unit has no accounts of its own)


def monthly_fte(plan: Plan, scenario: Scenario, role: str) -> list[Fraction]:
    """fte of a role in each simulated month under the plan (without measures' extra fte)."""
    path = fte_path(plan, scenario, role)
    out: list[Fraction] = []
    for m in range(scenario.months):
        level = path[0][1]
        for start, fte in path:
            if start <= m:
                level = fte
        out.append(exact(level))
    return out


def measure_months(scenario: Scenario, name: str) -> range:
    """The simulated months (indices) in which a measure runs when it is on."""
    measure = scenario.measure(name)
    start = measure.start_offset_months
    end = scenario.months if measure.duration_months is None else start + measure.duration_months
    return range(min(start, scenario.months), min(end, scenario.months))


def fixed_costs(scenario: Scenario, plan: Plan | None = None) -> FixedCosts:
    """Personnel, measures, other lines, participatiebudget and budgets per simulated year."""
    plan = plan if plan is not None else baseline_plan(scenario)
    horizon = Horizon.of(scenario)
    n_months = scenario.months
    months_in_year = [int(m) for m in horizon.months_in_year]

    personnel = [Fraction(0)] * n_months
    for role in scenario.roles:
        monthly_cost = Fraction(role.cost_per_fte_year, 12)
        for m, fte in enumerate(monthly_fte(plan, scenario, role.name)):
            personnel[m] += fte * monthly_cost
    measures = [Fraction(0)] * n_months
    for measure in scenario.measures:
        if not measure_on(plan, scenario, measure.name):
            continue
        running = measure_months(scenario, measure.name)
        if measure.start_offset_months < n_months:
            measures[measure.start_offset_months] += measure.one_off_cost
        for m in running:
            measures[m] += Fraction(measure.cost_per_year, 12)
            for role_name, extra in measure.effects.extra_fte.items():
                personnel[m] += exact(extra) * Fraction(scenario.role(role_name).cost_per_fte_year, 12)

    def yearly(per_year: Mapping[int, int]) -> tuple[int, ...]:
        return tuple(round_half_up(_prorated(per_year.get(y, 0), k)) for y, k in zip(horizon.years, months_in_year,
                                                                                  strict=True))

    other: dict[int, int] = {}
    for line in scenario.finance.other_lines.values():
        for year, amount in line.items():
            other[year] = other.get(year, 0) + amount
    return FixedCosts(
        years=horizon.years,
        months=tuple(months_in_year),
        personnel_cost=tuple(round_half_up(v) for v in horizon.per_year(personnel)),
        measure_cost=tuple(round_half_up(v) for v in horizon.per_year(measures)),
        other_lines=yearly(other),
        participatiebudget=yearly(scenario.finance.participatiebudget),
        budgets={
            **{m.name: yearly({y: b for y, b in m.buig_budget.items() if scenario.exists(m.name, y)})
               for m in scenario.municipalities},
            **{g.name: yearly({y: b for y, b in g.buig_budget.items() if y >= g.year}) for g in scenario.mergers},
        },
    )


# -- accounting units: municipalities and merged municipalities ---------------------------------
@dataclass(frozen=True)
class Units:
    """Who keeps BUIG accounts in which year (MODEL.md 2, mergers).

    Every municipality is a caseload *area* for the whole horizon; its money belongs to the
    municipality itself until a merger and to the merged municipality from the merger year on.
    ``names`` (sorted) is the unit axis of the money arrays; ``exists[y, u]`` says whether unit u
    has accounts of its own in year index y; ``unit_of_area[y, a]`` is the unit that area a's
    money goes to in year index y."""

    names: tuple[str, ...]
    areas: tuple[str, ...]
    exists: np.ndarray
    unit_of_area: np.ndarray
    predecessors: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, scenario: Scenario, years: Sequence[int]) -> Units:
        areas = tuple(sorted(m.name for m in scenario.municipalities))
        names = tuple(sorted([*areas, *(g.name for g in scenario.mergers)]))
        exists = np.array([[scenario.exists(u, y) for u in names] for y in years], dtype=bool)
        index = {u: i for i, u in enumerate(names)}

        def unit_of(area: str, year: int) -> int:
            """The accounts of an area in a year: its own, or after its merger the merged municipality's."""
            merger = scenario.merger_of(area)
            return index[area] if merger is None or scenario.exists(area, year) else index[merger.name]

        unit_of_area = np.array([[unit_of(a, y) for a in areas] for y in years], dtype=np.int64)
        return cls(names, areas, exists, unit_of_area,
                   {g.name: tuple(g.municipalities) for g in scenario.mergers})

    @property
    def merged(self) -> bool:
        return bool(self.predecessors)

    def to_units(self, per_area: np.ndarray) -> np.ndarray:
        """(..., years, areas) -> (..., years, units): each area's amount added to its unit."""
        if not self.merged:
            return per_area
        shape = (*per_area.shape[:-1], len(self.names))
        out = np.zeros(shape, dtype=per_area.dtype)
        for k in range(per_area.shape[-2]):
            for a in range(per_area.shape[-1]):
                out[..., k, self.unit_of_area[k, a]] += per_area[..., k, a]
        return out


def accounting_units(scenario: Scenario) -> Units:
    """The scenario's accounting units over its horizon (see `Units`)."""
    return Units.of(scenario, Horizon.of(scenario).years)


# -- monthly totals per municipality ------------------------------------------------------------
@dataclass(frozen=True)
class MonthlyTotals:
    """Monthly quantities summed over tracks and segments: arrays of shape (months, municipalities)."""

    months: tuple[str, ...]
    municipalities: tuple[str, ...]
    values: Mapping[str, np.ndarray]
    units: Units | None = None
    """The accounting units of the money that goes with these totals (None: the municipalities)."""

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]


def _column(monthly: pd.DataFrame, name: str) -> np.ndarray:
    if name == "caseload":
        return monthly["on_benefit"].to_numpy(np.int64) + monthly["without_benefit"].to_numpy(np.int64)
    return monthly[name].to_numpy(np.int64)


def monthly_totals(monthly: pd.DataFrame, months: Sequence[str], municipalities: Sequence[str]) -> MonthlyTotals:
    """Sum the monthly frame over tracks and segments into (month, municipality) arrays.

    `months` and `municipalities` give the order (and completeness) of the result; combinations
    without rows are zero. The engine's frame (every month x municipality x track x segment,
    sorted) takes a reshape fast path; any other order goes through a group-by.
    """
    months, municipalities = tuple(months), tuple(municipalities)
    n_m, n_u, n = len(months), len(municipalities), len(monthly)
    per = n // (n_m * n_u) if n_m * n_u else 0
    month_col = monthly["month"].to_numpy()
    muni_col = monthly["municipality"].to_numpy()
    dense = (
        per > 0 and n == n_m * n_u * per
        and list(municipalities) == sorted(municipalities)
        and np.array_equal(month_col, np.repeat(np.array(months, dtype=object), n_u * per))
        and np.array_equal(muni_col, np.tile(np.repeat(np.array(municipalities, dtype=object), per), n_m))
    )
    values: dict[str, np.ndarray] = {}
    if dense:
        for name in TOTAL_COLUMNS:
            values[name] = _column(monthly, name).reshape(n_m, n_u, per).sum(axis=2)
    else:
        m_index = pd.Index(months).get_indexer(pd.Index(month_col))
        u_index = pd.Index(municipalities).get_indexer(pd.Index(muni_col))
        keep = (m_index >= 0) & (u_index >= 0)
        flat = m_index[keep] * n_u + u_index[keep]
        for name in TOTAL_COLUMNS:
            sums = np.bincount(flat, weights=_column(monthly, name)[keep], minlength=n_m * n_u)
            values[name] = np.rint(sums).astype(np.int64).reshape(n_m, n_u)
    return MonthlyTotals(months, municipalities, values)


# -- the yearly accounts ------------------------------------------------------------------------
def allocate_rows(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """`allocate` for many rows at once: totals (N,) whole euros, weights (N, U) non-negative ints.

    Same largest-remainder rule as `allocate` (exact integer arithmetic), vectorised.
    """
    totals = np.asarray(totals, dtype=np.int64)
    weights = np.asarray(weights, dtype=np.int64)
    n, u = weights.shape
    scale = weights.sum(axis=1)
    weights = np.where(scale[:, None] == 0, 1, weights)
    scale = weights.sum(axis=1)
    amount = np.abs(totals)
    if n == 0 or u == 0:
        return np.zeros((n, u), dtype=np.int64)
    if int(amount.max(initial=0)) * int(weights.max(initial=0)) >= 2**62:   # would overflow int64
        return np.array([allocate(int(t), [int(x) for x in w]) for t, w in zip(totals, weights, strict=True)],
                        dtype=np.int64).reshape(n, u)
    product = amount[:, None] * weights
    parts = product // scale[:, None]
    remainder = product % scale[:, None]
    rest = amount - parts.sum(axis=1)
    order = np.argsort(-remainder, axis=1, kind="stable")        # largest remainder first, ties: first
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(u)[None, :].repeat(n, axis=0), axis=1)
    parts += rank < rest[:, None]
    return np.where(totals[:, None] < 0, -parts, parts)


class MoneyModel:
    """Everything of the yearly money that does not depend on the replication, computed once.

    `yearly(monthly)` gives one replication's yearly frame; `yearly_many` does a batch of
    replications with one vangnet calculation (the runner's workers use it per chunk).
    """

    def __init__(self, scenario: Scenario, plan: Plan | None, rules: Mapping[int, VangnetRule]):
        self.scenario = scenario
        self.plan = plan if plan is not None else baseline_plan(scenario)
        self.horizon = Horizon.of(scenario)
        self.fixed = fixed_costs(scenario, self.plan)
        self.units = Units.of(scenario, self.horizon.years)
        self.areas = self.units.areas
        self.municipalities = self.units.names
        """The unit axis of the money: municipalities and merged municipalities, sorted."""
        first = self.horizon.years[0]
        # Only the simulated years' rules: earlier years are history that feeds the multi-year
        # test. Simulated years before the first rule (the vangnet began in 2015) get no vangnet.
        self.rules = {y: r for y, r in rules.items() if y in self.horizon.years}
        self.years_without_rules = [y for y in self.horizon.years if y not in rules and rules and y > min(rules)]
        self.cost_weights = self._cost_weights(scenario)
        by_name = {m.name: m for m in scenario.municipalities}
        self.history = [
            (name, year, acc.budget, acc.spending)
            for name in self.areas
            for year, acc in sorted(by_name[name].history.items()) if year < first
        ]
        n_y = len(self.horizon.years)
        self.budget = np.array([[self.fixed.budgets[u][k] for u in self.municipalities] for k in range(n_y)],
                               dtype=np.int64)
        self.fixed_lines = {
            "personnel_cost": np.array(self.fixed.personnel_cost, dtype=np.int64),
            "measure_cost": np.array(self.fixed.measure_cost, dtype=np.int64),
            "other_lines": np.array(self.fixed.other_lines, dtype=np.int64),
            "participatiebudget": np.array(self.fixed.participatiebudget, dtype=np.int64),
        }

    def _cost_weights(self, scenario: Scenario) -> np.ndarray | None:
        """(years, units) integer weights from `cost_share` (a merged municipality: its own share or
        its predecessors' summed), or None when costs go pro rata by client-months."""
        by_name = {m.name: m for m in scenario.municipalities}
        if any(m.cost_share is None for m in scenario.municipalities):
            return None
        shares: dict[str, Fraction] = {name: exact(m.cost_share) for name, m in by_name.items()
                                       if m.cost_share is not None}  # (all are, see above)
        for g in scenario.mergers:
            shares[g.name] = (exact(g.cost_share) if g.cost_share is not None
                              else sum((shares[m] for m in g.municipalities), Fraction(0)))
        denominator = math.lcm(*(f.denominator for f in shares.values()))
        row = np.array([int(shares[u] * denominator) for u in self.municipalities], dtype=np.int64)
        return np.where(self.units.exists, row[None, :], 0)

    def totals(self, monthly: pd.DataFrame) -> MonthlyTotals:
        totals = monthly_totals(monthly, self.horizon.labels, self.areas)
        return MonthlyTotals(totals.months, totals.municipalities, totals.values, self.units)

    def yearly(self, monthly: pd.DataFrame) -> pd.DataFrame:
        return self.yearly_from_totals(self.totals(monthly))

    def yearly_from_totals(self, totals: MonthlyTotals) -> pd.DataFrame:
        return self.frame(self.yearly_arrays([totals]))

    def yearly_many(self, totals: Sequence[MonthlyTotals], replications: Sequence[int]) -> pd.DataFrame:
        """The yearly frames of several replications, stacked, with `replication` first."""
        return self.frame(self.yearly_arrays(totals), replications)

    def accounts(self, spending: Mapping[str, Sequence[int]]) -> pd.DataFrame:
        """History + simulated BUIG accounts (municipality, year, budget, spending) for the vangnet:
        one row per unit and year in which it has accounts of its own."""
        rows = list(self.history)
        for j, name in enumerate(self.municipalities):
            for k, year in enumerate(self.horizon.years):
                if self.units.exists[k, j]:
                    rows.append((name, year, self.fixed.budgets[name][k], int(spending[name][k])))
        return pd.DataFrame(rows, columns=["municipality", "year", "budget", "spending"])

    def vangnet(self, spending: np.ndarray) -> np.ndarray:
        """The vangnet (R, years, units) for spending of the same shape, by `vangnet_table`.

        One table for the whole batch: replication r's unit u is the account holder "r<TAB>u",
        with u's history repeated, so each keeps its own multi-year test; a merged municipality's
        test sums its predecessors' results for the years before the merger."""
        n_r, n_y, n_u = spending.shape
        out = np.zeros_like(spending)
        if not self.rules or n_r == 0:
            return out
        rows: list[tuple[str, int, int, int]] = []
        where: list[tuple[int, int, int] | None] = []  # the (r, k, j) of each row; None for history
        predecessors: dict[str, list[str]] = {}
        for r in range(n_r):
            rows += [(f"{r}\t{name}", year, budget, spent) for name, year, budget, spent in self.history]
            where += [None] * len(self.history)
            for j, name in enumerate(self.municipalities):
                holder = f"{r}\t{name}"
                for k, year in enumerate(self.horizon.years):
                    if self.units.exists[k, j]:
                        rows.append((holder, year, int(self.budget[k, j]), int(spending[r, k, j])))
                        where.append((r, k, j))
            for merged, parts in self.units.predecessors.items():
                predecessors[f"{r}\t{merged}"] = [f"{r}\t{p}" for p in parts]
        accounts = pd.DataFrame(rows, columns=["municipality", "year", "budget", "spending"])
        compensation = vangnet_table(accounts, self.rules, predecessors)["compensation"].to_numpy(np.int64)
        for value, at in zip(compensation, where, strict=True):
            if at is not None:
                out[at] = value
        return out

    def yearly_arrays(self, totals: Sequence[MonthlyTotals]) -> dict[str, np.ndarray]:
        """Every money column as an int64 array (replications, years, units); zero where a unit
        has no accounts of its own that year (before or after its merger)."""
        n_r, n_y, n_a = len(totals), len(self.horizon.years), len(self.areas)
        n_u = len(self.municipalities)
        ym = self.horizon.year_of_month

        def per_year(name: str) -> np.ndarray:
            out = np.zeros((n_r, n_y, n_a), dtype=np.int64)
            for r, t in enumerate(totals):
                np.add.at(out[r], ym, t[name])
            return self.units.to_units(out)

        benefit, subsidy = per_year("benefit_cost"), per_year("subsidy_cost")
        instrument, client_months = per_year("instrument_cost"), per_year("caseload")
        spending = benefit + subsidy
        budget = np.broadcast_to(self.budget, (n_r, n_y, n_u)).copy()
        vangnet = self.vangnet(spending)
        if self.cost_weights is not None:
            weights = np.broadcast_to(self.cost_weights, (n_r, n_y, n_u)).reshape(n_r * n_y, n_u)
        else:
            weights = client_months.reshape(n_r * n_y, n_u)
        line_totals = dict(self.fixed_lines)
        line_totals["instrument_cost"] = instrument.sum(axis=2)
        shared = {}
        for line in SHARED_COST_COLUMNS:
            total = np.broadcast_to(line_totals[line], (n_r, n_y)).reshape(n_r * n_y)
            shared[line] = allocate_rows(total, weights).reshape(n_r, n_y, n_u)
        result = budget - spending
        after = result + vangnet
        exploitatie = (after - shared["personnel_cost"] - shared["instrument_cost"] - shared["measure_cost"]
                       - shared["other_lines"] + shared["participatiebudget"])
        return {
            "buig_budget": budget, "benefit_cost": benefit, "subsidy_cost": subsidy, "spending": spending,
            "buig_result": result, "vangnet": vangnet, "result_after_vangnet": after, **shared,
            "exploitatie_result": exploitatie,
        }

    def frame(self, arrays: Mapping[str, np.ndarray], replications: Sequence[int] | None = None) -> pd.DataFrame:
        """Stack (R, years, units) arrays into the yearly frame (with `replication` first if given):
        one row per year and unit with accounts of its own that year (after a merger: the merged
        municipality, not its predecessors)."""
        n_r, n_y, n_u = arrays["spending"].shape
        years, munis = self.horizon.years, self.municipalities
        keep = np.tile(self.units.exists.ravel(), n_r)
        columns: dict[str, np.ndarray] = {}
        if replications is not None:
            columns["replication"] = np.repeat(np.asarray(replications, dtype=np.int64), n_y * n_u)[keep]
        columns["year"] = np.tile(np.repeat(np.array(years, dtype=np.int64), n_u), n_r)[keep]
        columns["municipality"] = np.tile(np.array(munis, dtype=object), n_r * n_y)[keep]
        columns["months"] = np.tile(np.repeat(np.array(self.fixed.months, dtype=np.int64), n_u), n_r)[keep]
        for name in MONEY_COLUMNS:
            columns[name] = np.ascontiguousarray(arrays[name], dtype=np.int64).ravel()[keep]
        order = (["replication"] if replications is not None else []) + YEARLY_COLUMNS
        return pd.DataFrame(columns, columns=order).reset_index(drop=True)


def yearly_accounts(
    monthly: pd.DataFrame, scenario: Scenario, plan: Plan | None, rules: Mapping[int, VangnetRule]
) -> pd.DataFrame:
    """One replication's yearly money (YEARLY_COLUMNS), one row per year x municipality.

    exploitatie_result = result_after_vangnet - personnel_cost - instrument_cost - measure_cost
    - other_lines + participatiebudget: the BUIG result after vangnet is the benefit side;
    personnel, instruments, measures and other lines are paid from the participatiebudget and own
    funds. See the module docstring for every column.
    """
    return MoneyModel(scenario, plan, rules).yearly(monthly)


def money_problems(scenario: Scenario, rules: Mapping[int, VangnetRule], file: str = "scenario") -> list[Problem]:
    """What stops the yearly money being computed (a budget missing or zero, a year without
    vangnet rules, history missing for the multi-year test), found before any simulation."""
    problems: list[Problem] = []
    horizon = Horizon.of(scenario)
    for m in scenario.municipalities:
        missing = [y for y in horizon.years if scenario.exists(m.name, y) and y not in m.buig_budget]
        if missing:
            problems.append(Problem(file, f"municipalities.{m.name}.buig_budget", f"no budget for {missing}",
                                    "a budget for every calendar year the horizon touches (before a merger)"))
    for g in scenario.mergers:
        missing = [y for y in horizon.years if y >= g.year and y not in g.buig_budget]
        if missing:
            problems.append(Problem(file, f"mergers.{g.name}.buig_budget", f"no budget for {missing}",
                                    "a budget for every calendar year the horizon touches from the merger"))
    if problems:
        return problems
    model = MoneyModel(scenario, None, rules)
    if model.years_without_rules:
        return [Problem(file, "finance.vangnet_rules", f"no vangnet rules for {model.years_without_rules}",
                        f"a rule for every simulated year in the rules file (it has {min(rules)}-{max(rules)})")]
    if not model.rules:
        return problems
    # a deficit in every simulated year, so that every multi-year test is needed
    accounts = model.accounts({u: [b + 1 for b in model.fixed.budgets[u]] for u in model.municipalities})
    merged = {g.name for g in scenario.mergers}
    try:
        vangnet_table(accounts, model.rules, model.units.predecessors)
    except VangnetError as exc:
        for issue in exc.issues:
            row = accounts.iloc[issue.row] if isinstance(issue.row, (int, np.integer)) else None
            muni = row["municipality"] if row is not None else ""
            group = "mergers" if muni in merged else "municipalities"
            if "needs" in issue.message:
                where = f"{group}.{muni}.history" if group == "municipalities" else f"mergers.{muni}.municipalities"
                allowed = issue.allowed.replace("add rows for", "add history (budget, spending) for")
            else:
                where = f"{group}.{muni}.buig_budget" if muni else issue.field
                allowed = issue.allowed
            problems.append(Problem(file, where, issue.message, allowed))
    return problems


def vangnet_projection(scenario: Scenario, yearly: pd.DataFrame, rules: Mapping[int, VangnetRule]) -> pd.DataFrame:
    """The vangnet of the projection, beside the expected vangnet over the futures.

    A municipality's own prognosis (seed 003's "Prognose vangnetuitkering 2018") applies the
    vangnet rules to one projected spending figure. The simulation's expected vangnet is the mean
    over the futures of the vangnet in each future, and it is larger: the vangnet grows with the
    deficit beyond its threshold and is 0 below it (a convex function), so the futures with a
    large deficit raise the mean more than those with a small one lower it (Jensen's inequality).
    This table gives both, per year and municipality (with its own accounts that year): the mean
    spending over the futures (whole euros) and the vangnet computed on it as a prognosis does
    (`vangnet_at_mean_spending`, with the scenario's history for the multi-year test), beside the
    mean vangnet over the futures (`vangnet_mean`), with the rule's assessment and status.
    """
    model = MoneyModel(scenario, None, rules)
    means = yearly.groupby(["year", "municipality"])[["spending", "vangnet"]].mean()
    spending = {u: [int(round(means["spending"].get((y, u), 0))) for y in model.horizon.years]
                for u in model.municipalities}
    accounts = model.accounts(spending)
    columns = ["year", "municipality", "buig_budget", "spending", "vangnet_at_mean_spending",
               "result_after_vangnet_at_mean", "vangnet_mean", "assessment", "rule_status"]
    if not model.rules:
        return pd.DataFrame(columns=columns)
    table = vangnet_table(accounts, model.rules, model.units.predecessors)
    table = table[table["year"].isin(model.horizon.years)]
    out = pd.DataFrame({
        "year": table["year"].to_numpy(np.int64),
        "municipality": table["municipality"].to_numpy(object),
        "buig_budget": table["budget"].to_numpy(np.int64),
        "spending": table["spending"].to_numpy(np.int64),
        "vangnet_at_mean_spending": table["compensation"].to_numpy(np.int64),
        "result_after_vangnet_at_mean": table["result_after_vangnet"].to_numpy(np.int64),
        "vangnet_mean": [float(means["vangnet"].get((y, u), np.nan))
                         for y, u in zip(table["year"], table["municipality"], strict=True)],
        "assessment": table["assessment"].to_numpy(object),
        "rule_status": table["rule_status"].to_numpy(object),
    }, columns=columns)
    return out.sort_values(["year", "municipality"], kind="stable").reset_index(drop=True)
