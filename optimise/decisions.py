"""The decision space: what the optimiser may change in a plan, as levers with discrete levels.

A `Lever` is one decision management takes (MODEL.md section 6) with the levels the optimiser
chooses among; each level is simulated, so the optimiser only ever picks levels it has seen:

* **role** (``role:<name>``): fte levels ``fte_now + 0.5 k`` (`inputs.plan.FTE_STEP`) within
  ``[min_fte, max_fte]``; an unset ``max_fte`` means ``fte_now + 4`` (`DEFAULT_MAX_EXTRA_FTE`).
  Cuts below ``fte_now`` are levels only when asked for (``allow_cuts``, ``--allow-cuts``): a
  cheapest plan would otherwise shed every caseworker whose effect shows after the horizon.
  ``max_hires_per_year`` caps the increase: a plan has one staff change per role, arriving
  ``lead_time_months`` after the start, so all of it is hired in one year. ``fte_now`` is always a
  level (the baseline), even when it lies outside the limits; the model's formation constraints
  then force a move. Roles whose function the simulator gives no effect to (``admin``,
  ``other``) are never cut below ``fte_now`` (a cut would look free), and roles whose lead time
  reaches past the horizon are no levers at all.
* **instrument** (``instrument:<name>``): places per year: ``places_per_year``, then
  `INSTRUMENT_STEPS` even steps to ``max_places_per_year`` (unset: twice ``places_per_year``);
  0 only with ``allow_cuts`` (instruments, like roles, are not cut below the baseline unless asked).
* **measure** (``measure:<name>``): off / on. A measure that runs in the baseline is a lever only
  with ``allow_cuts`` (stopping it is a cut).

**Dynamic plans.** A `Choice` gives each lever one level for the whole horizon (what the MIP
decides). A `Point` gives each lever a level *per horizon year*: instrument places per year (a
plan can invest early and taper) and staff whose level changes at the start of a year (arrival
later than the lead time, or a taper in the last years). `DecisionSpace.point` turns a choice
into its constant point; `DecisionSpace.point_plan` turns a point into a `Plan` (staff with an
arrival month and later changes); `DecisionSpace.moves_down` lists the one-step reductions the
parsimony pass tries.

Costs are the plan's *extra* cost against the baseline in whole euros per horizon year:
personnel ``(fte - fte_now) x cost_per_fte_year x months in post that year / 12`` from the
arrival month; instruments ``(places - places_per_year) x cost_per_participant``; measures the
one-off cost in their start year plus ``cost_per_year`` for the months they run, when switched
relative to the baseline. `Lever.spend` holds the *absolute* participatiebudget spending per
level and year (instruments paid from the participatiebudget, measures), for the budget cap and
the partner share.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from sporen.inputs.plan import FTE_STEP, Plan, StaffLevel
from sporen.inputs.schema import Instrument, Measure, Role, Scenario, month_index, month_label

DEFAULT_MAX_EXTRA_FTE = 4.0
"""A role without max_fte may grow by at most this many fte."""
INSTRUMENT_STEPS = 2
"""Levels above places_per_year, evenly spaced up to the maximum."""
UNMODELLED_FUNCTIONS = ("admin", "other")
"""Role functions the simulator gives no effect to: never cut below fte_now (a cut would look free)."""
NEVER_CUT_FUNCTIONS = (*UNMODELLED_FUNCTIONS, "intake")
"""Also never cut: intake. Fewer intake staff 'saves' benefits only by leaving applications
undecided, which the law does not allow (a decision is due within eight weeks), so it is no lever."""

Choice = tuple[int, ...]
"""A full plan in the decision space: the level index of every lever, in `DecisionSpace.levers` order."""
Point = tuple[tuple[int, ...], ...]
"""A dynamic plan: per lever (in `DecisionSpace.levers` order) its level index in each horizon year."""


@dataclass(frozen=True)
class Lever:
    """One decision with its candidate levels and their costs."""

    kind: str                        # "role" | "instrument" | "measure"
    name: str
    levels: tuple                    # fte (float) | places per year (int) | on (bool)
    baseline: int                    # index of the baseline level
    cost: tuple[tuple[int, ...], ...]   # [level][year] extra cost against the baseline, EUR
    spend: tuple[tuple[int, ...], ...]  # [level][year] participatiebudget spending, EUR
    partner: bool = False            # spending goes through an external partner
    track: str | None = None         # instrument: its track
    paid_from: str | None = None     # instrument: participatiebudget | buig
    unit: str = ""
    months_in_post: tuple[int, ...] = ()   # role: months of each horizon year from the earliest arrival

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"

    def label(self, k: int) -> str:
        value = self.levels[k]
        if self.kind == "measure":
            return "on" if value else "off"
        if self.kind == "role":
            return f"{value:g}"
        return str(value)

    def total_cost(self, k: int) -> int:
        return int(sum(self.cost[k]))

    @property
    def top(self) -> int:
        """Index of the highest level (levels are sorted ascending)."""
        return len(self.levels) - 1


@dataclass
class DecisionSpace:
    """The levers of one scenario and how a choice of levels (or a dynamic point) becomes a `Plan`."""

    scenario: Scenario
    levers: list[Lever]
    years: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.years:
            self.years = list(self.scenario.horizon_years)

    @property
    def baseline(self) -> Choice:
        return tuple(lever.baseline for lever in self.levers)

    def index(self, key: str) -> int:
        for i, lever in enumerate(self.levers):
            if lever.key == key:
                return i
        raise KeyError(key)

    def size(self) -> int:
        """Number of full plans in the space."""
        return math.prod(len(lever.levels) for lever in self.levers)

    def all_choices(self) -> Iterator[Choice]:
        """Every full plan (for brute force on small spaces)."""
        return itertools.product(*(range(len(lever.levels)) for lever in self.levers))

    def cost(self, choice: Choice) -> int:
        """Extra cost of a full plan over the horizon, EUR."""
        return sum(lever.total_cost(k) for lever, k in zip(self.levers, choice, strict=True))

    def steps(self, choice: Choice) -> int:
        """Level steps away from the baseline (the tie-break: fewer changes at equal cost)."""
        return sum(abs(k - lever.baseline) for lever, k in zip(self.levers, choice, strict=True))

    def neighbours_up(self, choice: Choice) -> list[Choice]:
        """Each lever one level up, the others as chosen."""
        out = []
        for i, lever in enumerate(self.levers):
            if choice[i] < lever.top:
                out.append(choice[:i] + (choice[i] + 1,) + choice[i + 1:])
        return out

    def neighbours_down(self, choice: Choice) -> list[Choice]:
        """Each lever one level down, the others as chosen."""
        out = []
        for i in range(len(self.levers)):
            if choice[i] > 0:
                out.append(choice[:i] + (choice[i] - 1,) + choice[i + 1:])
        return out

    def describe(self, choice: Choice) -> str:
        return self.describe_point(self.point(choice))

    def plan(self, choice: Choice, name: str = "plan") -> Plan:
        """The `Plan` of a choice; levers at their baseline level are left out (omitted = baseline)."""
        return self.point_plan(self.point(choice), name)

    # -- dynamic points ---------------------------------------------------------------------------
    def point(self, choice: Choice) -> Point:
        """The constant point of a choice: every lever at its level in every year."""
        n = len(self.years)
        return tuple((k,) * n for k in choice)

    @property
    def baseline_point(self) -> Point:
        return self.point(self.baseline)

    def static(self, point: Point) -> Choice | None:
        """The choice of a constant point (None when some lever's level changes over the years)."""
        if all(len(set(levels)) == 1 for levels in point):
            return tuple(levels[0] for levels in point)
        return None

    def point_cost_by_year(self, point: Point) -> list[int]:
        """Extra cost of a point in each horizon year, EUR."""
        return [sum(lever.cost[levels[y]][y] for lever, levels in zip(self.levers, point, strict=True))
                for y in range(len(self.years))]

    def point_cost(self, point: Point) -> int:
        """Extra cost of a point over the horizon, EUR."""
        return sum(self.point_cost_by_year(point))

    def point_spend(self, point: Point) -> list[int]:
        """Participatiebudget spending of a point in each horizon year, EUR."""
        return [sum(lever.spend[levels[y]][y] for lever, levels in zip(self.levers, point, strict=True))
                for y in range(len(self.years))]

    def point_steps(self, point: Point) -> int:
        """Level-years away from the baseline (the tie-break between plans of equal cost)."""
        return sum(abs(k - lever.baseline) for lever, levels in zip(self.levers, point, strict=True) for k in levels)

    def value(self, i: int, k: int) -> float | int | bool:
        return self.levers[i].levels[k]

    def describe_point(self, point: Point) -> str:
        """A short description: each changed lever with its level (per year when it changes)."""
        parts = []
        for lever, levels in zip(self.levers, point, strict=True):
            if all(k == lever.baseline for k in levels):
                continue
            if len(set(levels)) == 1:
                parts.append(f"{lever.name}={lever.label(levels[0])}")
            else:
                parts.append(f"{lever.name}=" + "/".join(lever.label(k) for k in levels))
        return ", ".join(parts) if parts else "baseline"

    def staff_changes(self, i: int, levels: tuple[int, ...]) -> list[tuple[int, float]]:
        """(month index, fte) at which a role lever's per-year levels take effect (not the baseline start)."""
        lever = self.levers[i]
        role = self.scenario.role(lever.name)
        out: list[tuple[int, float]] = []
        current = lever.baseline
        for y, year in enumerate(self.years):
            if lever.months_in_post and lever.months_in_post[y] == 0:
                continue
            k = levels[y]
            if k == current:
                continue
            month = max(role.lead_time_months, month_index(self.scenario.start, f"{year}-01"))
            if month >= self.scenario.months:
                break
            out.append((month, float(lever.levels[k])))
            current = k
        return out

    def point_plan(self, point: Point, name: str = "plan") -> Plan:
        """The `Plan` of a point; levers at their baseline in every year are left out."""
        scenario = self.scenario
        staff: dict[str, StaffLevel] = {}
        instruments: dict[str, dict[int, int]] = {}
        measures: dict[str, bool] = {}
        for i, (lever, levels) in enumerate(zip(self.levers, point, strict=True)):
            if all(k == lever.baseline for k in levels):
                continue
            if lever.kind == "role":
                changes = self.staff_changes(i, levels)
                if not changes:
                    continue
                first_month, first_fte = changes[0]
                later = {month_label(scenario.start, m): fte for m, fte in changes[1:]}
                staff[lever.name] = StaffLevel(fte=first_fte, arrives=month_label(scenario.start, first_month),
                                               later=later)
            elif lever.kind == "instrument":
                instruments[lever.name] = {year: int(lever.levels[k]) for year, k in zip(self.years, levels,
                                                                                       strict=True)}
            else:
                measures[lever.name] = bool(lever.levels[levels[0]])
        return Plan(name=name, staff=staff, instruments=instruments, measures=measures)

    def moves_down(self, point: Point) -> list[tuple[str, Point]]:
        """Reductions towards the baseline (the parsimony pass), with a label each.

        Per changed lever: all of it back to the baseline; every year one level back; every year
        halfway back (when three or more levels from the baseline: a few tests find a level instead
        of one per step); the last changed year one level back or back to the baseline (a taper);
        the first changed year back to the baseline (a later start). A path therefore rises once
        and falls at most once.
        """
        out: list[tuple[str, Point]] = []
        for i, (lever, levels) in enumerate(zip(self.levers, point, strict=True)):
            changed = [y for y, k in enumerate(levels) if k != lever.baseline]
            if not changed:
                continue
            base = lever.baseline
            toward = [k - 1 if k > base else k + 1 if k < base else k for k in levels]
            half = [base + (k - base) // 2 if k > base else base - (base - k) // 2 for k in levels]
            out.append((f"{lever.name} back to the baseline", _replace(point, i, (base,) * len(levels))))
            out.append((f"{lever.name} one step back in every year", _replace(point, i, tuple(toward))))
            if max(abs(k - base) for k in levels) >= 3:
                out.append((f"{lever.name} halfway back in every year", _replace(point, i, tuple(half))))
            if lever.kind == "measure" or len(self.years) == 1:
                continue
            live = [y for y in changed if not lever.months_in_post or lever.months_in_post[y] > 0]
            if not live:
                continue
            last, first = live[-1], live[0]
            out.append((f"{lever.name} one step back in {self.years[last]}",
                        _replace(point, i, tuple(toward[j] if j == last else levels[j] for j in range(len(levels))))))
            out.append((f"{lever.name} at the baseline in {self.years[last]}",
                        _replace(point, i, tuple(base if j == last else levels[j] for j in range(len(levels))))))
            out.append((f"{lever.name} at the baseline in {self.years[first]}",
                        _replace(point, i, tuple(base if j == first else levels[j] for j in range(len(levels))))))
        seen: set[Point] = set()
        unique = []
        for label, p in out:
            if p not in seen and p != point:
                seen.add(p)
                unique.append((label, p))
        return unique


def _replace(point: Point, i: int, levels: tuple[int, ...]) -> Point:
    return point[:i] + (levels,) + point[i + 1:]


# -- building the levers ------------------------------------------------------------------------

def _months_per_year(scenario: Scenario, first_month: int, last_month: int | None = None) -> list[int]:
    """Months of each horizon year within [first_month, last_month) counted from the start."""
    end = scenario.months if last_month is None else min(last_month, scenario.months)
    years = scenario.horizon_years
    counts = [0] * len(years)
    for m in range(max(0, first_month), end):
        year = int(month_label(scenario.start, m)[:4])
        if year in years:
            counts[years.index(year)] += 1
    return counts


def role_levels(role: Role, allow_cuts: bool = False) -> list[float]:
    """fte levels of a role: fte_now + 0.5 k within its limits, plus fte_now itself.

    Without `allow_cuts` no level lies below fte_now (unless min_fte is above it).
    """
    top = role.max_fte if role.max_fte is not None else role.fte_now + DEFAULT_MAX_EXTRA_FTE
    if role.max_hires_per_year is not None:
        top = min(top, role.fte_now + role.max_hires_per_year)
    bottom = role.min_fte
    if role.function in NEVER_CUT_FUNCTIONS or not allow_cuts:
        bottom = max(bottom, role.fte_now)
    k_low = math.ceil((bottom - role.fte_now) / FTE_STEP - 1e-9)
    k_high = math.floor((top - role.fte_now) / FTE_STEP + 1e-9)
    levels = {round(role.fte_now + k * FTE_STEP, 6) for k in range(k_low, k_high + 1)}
    levels = {v for v in levels if v >= -1e-9}
    levels.add(round(role.fte_now, 6))
    return sorted(levels)


def role_lever(scenario: Scenario, role: Role, levels: list[float] | None = None,
               allow_cuts: bool = False) -> Lever | None:
    if role.lead_time_months >= scenario.months:
        return None
    levels = role_levels(role, allow_cuts) if levels is None else sorted({round(float(v), 6) for v in levels}
                                                             | {round(role.fte_now, 6)})
    if len(levels) < 2:
        return None
    in_post = _months_per_year(scenario, role.lead_time_months)
    cost = tuple(
        tuple(int(round((fte - role.fte_now) * role.cost_per_fte_year * months / 12)) for months in in_post)
        for fte in levels)
    zero = tuple(tuple(0 for _ in in_post) for _ in levels)
    return Lever("role", role.name, tuple(levels), levels.index(round(role.fte_now, 6)), cost, zero,
                 partner=role.partner, unit="fte", months_in_post=tuple(in_post))


def instrument_levels(instrument: Instrument, allow_cuts: bool = False) -> list[int]:
    """Places per year: the baseline, then even steps to the maximum; 0 only with `allow_cuts`."""
    base = instrument.places_per_year
    top = instrument.max_places_per_year if instrument.max_places_per_year is not None else 2 * base
    levels = {0, base} if allow_cuts else {base}
    if top > base:
        for step in range(1, INSTRUMENT_STEPS + 1):
            levels.add(int(round(base + (top - base) * step / INSTRUMENT_STEPS)))
    return sorted(levels)


def instrument_lever(scenario: Scenario, instrument: Instrument, levels: list[int] | None = None,
                     allow_cuts: bool = False) -> Lever | None:
    levels = instrument_levels(instrument, allow_cuts) if levels is None else sorted({int(v) for v in levels}
                                                                         | {instrument.places_per_year})
    if len(levels) < 2:
        return None
    years = scenario.years
    price = instrument.cost_per_participant
    cost = tuple(tuple((p - instrument.places_per_year) * price for _ in range(years)) for p in levels)
    from_budget = instrument.paid_from == "participatiebudget"
    spend = tuple(tuple(p * price if from_budget else 0 for _ in range(years)) for p in levels)
    return Lever("instrument", instrument.name, tuple(levels), levels.index(instrument.places_per_year),
                 cost, spend, partner=instrument.partner, track=instrument.track,
                 paid_from=instrument.paid_from, unit="places/year")


def measure_spend(scenario: Scenario, measure: Measure) -> tuple[int, ...]:
    """Cost of running a measure per horizon year (one-off cost in its start year), EUR."""
    start = measure.start_offset_months
    end = start + measure.duration_months if measure.duration_months is not None else None
    months = _months_per_year(scenario, start, end)
    per_year = [int(round(measure.cost_per_year * m / 12)) for m in months]
    if start < scenario.months:
        year = int(month_label(scenario.start, start)[:4])
        if year in scenario.horizon_years:
            per_year[scenario.horizon_years.index(year)] += measure.one_off_cost
    return tuple(per_year)


def measure_lever(scenario: Scenario, measure: Measure) -> Lever:
    running = measure_spend(scenario, measure)
    off = tuple(0 for _ in running)
    spend = (off, running)
    base = 1 if measure.on_in_baseline else 0
    cost = tuple(tuple(s - b for s, b in zip(spend[k], spend[base], strict=True)) for k in (0, 1))
    return Lever("measure", measure.name, (False, True), base, cost, spend, unit="on/off")


def decision_space(scenario: Scenario, include: list[str] | None = None, allow_cuts: bool = False) -> DecisionSpace:
    """Every lever of a scenario (or only the keys in `include`, e.g. ``["role:km_werk"]``).

    `allow_cuts`: roles may also go below fte_now (down to min_fte), instruments down to 0 places,
    and measures that run in the baseline may stop.
    """
    levers: list[Lever] = []
    for role in scenario.roles:
        lever = role_lever(scenario, role, allow_cuts=allow_cuts)
        if lever is not None:
            levers.append(lever)
    for instrument in scenario.instruments:
        lever = instrument_lever(scenario, instrument, allow_cuts=allow_cuts)
        if lever is not None:
            levers.append(lever)
    for measure in scenario.measures:
        if measure.on_in_baseline and not allow_cuts:
            continue  # stopping a running measure is a cut
        levers.append(measure_lever(scenario, measure))
    if include is not None:
        known = {lever.key: lever for lever in levers}
        missing = [key for key in include if key not in known]
        if missing:
            raise KeyError(f"unknown levers {missing}; known: {sorted(known)}")
        levers = [known[key] for key in include]
    return DecisionSpace(scenario, levers)


def restrict_levels(space: DecisionSpace, key: str, values: list) -> DecisionSpace:
    """A copy of the space where lever `key` has exactly the given levels (plus its baseline level).

    For tests and restricted studies; role levels must still be fte_now plus 0.5-fte steps to make
    a valid plan.
    """
    scenario = space.scenario
    out = []
    for lever in space.levers:
        if lever.key != key:
            out.append(lever)
        elif lever.kind == "role":
            replaced = role_lever(scenario, scenario.role(lever.name), list(values))
            out.append(replaced if replaced is not None else lever)
        elif lever.kind == "instrument":
            replaced = instrument_lever(scenario, scenario.instrument(lever.name), [int(v) for v in values])
            out.append(replaced if replaced is not None else lever)
        else:
            out.append(lever)
    return DecisionSpace(scenario, out, list(space.years))
