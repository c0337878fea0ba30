"""What-if: a plan tried on fixed simulated futures, for the web page (`sporen serve`).

Management moves a formation and sees the deficit move. Every try is simulated on the same N
futures (`sim.futures.PAGE`) -- replication i uses child i of ``SeedSequence(seed).spawn(N)``, exactly as
``sporen simulate --replications N --seed S`` does -- so two tries differ only by the plan
(common random numbers) and the page shows the same numbers as a direct ``sporen simulate
--plan plan.yaml -n N --seed S`` of the same plan. `Futures` keeps what does not change (the
scenario, its vangnet rules, the seeds, the baseline) and a small cache of simulated plans, so a
try that was seen before (undo, another session with the same plan) costs nothing.

`what_if(futures, plan, target)` is the pure function behind one change of a control: the BUIG
result after vangnet per year with its 5-95% band, the probability of meeting the target with its
95% Wilson interval, the formation and instrument tables with their cost, the caseload per track,
and the paired differences with the baseline and with a reference plan (the optimiser's).

The default seed (1) differs from the optimiser's (20180101), so the futures on which the page
reports the optimiser's plan are never the futures it was chosen on.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from sporen.common.errors import InputError, Problem
from sporen.inputs.plan import Plan, check_plan, fte_path, instrument_places, measure_on
from sporen.inputs.schema import Scenario, month_label
from sporen.sim.futures import PAGE, scenario_digest

DEFAULT_FUTURES = 60
"""Futures per try: about 2 s for BMWE on an idle 2-core machine (bench/bench_web.py); the
probability of meeting the target then has a 95% interval about 15 points wide near 90%
(54 of 60: 80%-95%)."""
DEFAULT_SEED = 1
"""Root seed of the page's futures; not the optimiser's (20180101), so its plan is judged on fresh futures."""
CACHED_PLANS = 48
"""Simulated plans kept per set of futures (each a few hundred kB)."""
PRIORITIES = ("fifo", "kansrijk_first", "longest_waiting")
SCOPES = ("total", "per-municipality")
VERDICTS = ("meets", "on_the_edge", "does_not_meet")
YEARLY_KEEP = ["buig_result", "vangnet", "result_after_vangnet", "personnel_cost", "instrument_cost",
               "measure_cost", "exploitatie_result"]
RESULT = "result_after_vangnet"


# -- the target ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class WhatIfTarget:
    """What a plan must reach: the result after vangnet at least `level` (EUR) in every year from
    `from_year` (or summed over those years when `cumulative`), for all municipalities together
    or each one (`scope`), in at least `probability` of the futures. As `sporen optimise` states it."""

    from_year: int
    level: int = 0
    probability: float = 0.9
    scope: Literal["total", "per-municipality"] = "total"
    cumulative: bool = False


def default_target(scenario: Scenario) -> WhatIfTarget:
    """The optimiser's default: no deficit after vangnet from the second horizon year, 90%."""
    years = scenario.horizon_years
    return WhatIfTarget(from_year=years[1] if len(years) > 1 else years[0])


def check_target(target: WhatIfTarget, scenario: Scenario, file: str = "target") -> list[Problem]:
    """Problems of a target against the scenario's horizon (named as the page's fields)."""
    years = scenario.horizon_years
    problems = []
    if target.from_year not in years:
        problems.append(Problem(file, "from_year", f"{target.from_year} is outside the horizon",
                                f"{years[0]}-{years[-1]}"))
    if not (isinstance(target.probability, (int, float)) and 0 < target.probability <= 1):
        problems.append(Problem(file, "probability", f"{target.probability} is not a probability",
                                "a number in (0, 1]"))
    if target.scope not in SCOPES:
        problems.append(Problem(file, "scope", f"'{target.scope}' is not a scope", "total or per-municipality"))
    if abs(target.level) > 10**12:
        problems.append(Problem(file, "level", f"{target.level} is too large", "at most EUR 10^12 either way"))
    return problems


def target_groups(yearly: pd.DataFrame, target: WhatIfTarget) -> pd.DataFrame:
    """Result after vangnet per replication and target group (columns: replication, group, value).

    Groups: one per target year (or one for the years summed, when cumulative), for all
    municipalities together or per municipality. Municipalities are read from the frame, not the
    scenario, so a merger (one merged municipality in later years) is taken as the simulator
    reports it."""
    rows = yearly[yearly["year"] >= target.from_year]
    keys = ["replication"]
    if not target.cumulative:
        keys.append("year")
    if target.scope == "per-municipality":
        keys.append("municipality")
    grouped = rows.groupby(keys, sort=True)[RESULT].sum().reset_index()
    return grouped


def target_met(yearly: pd.DataFrame, target: WhatIfTarget) -> np.ndarray:
    """Per replication (in replication order): whether every target group meets the level."""
    groups = target_groups(yearly, target)
    met = (groups[RESULT] >= target.level).groupby(groups["replication"]).all()
    replications = np.sort(yearly["replication"].unique())
    return met.reindex(replications, fill_value=True).to_numpy(bool)


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval of a proportion (the optimiser's bounds, `optimise.stats.wilson`)."""
    from sporen.optimise.stats import wilson, z_value

    return wilson(int(successes), int(n), z_value(0.025))


def verdict(ci_low: float, ci_high: float, required: float) -> str:
    """'meets' when the whole 95% interval is at or above the required probability, 'does_not_meet'
    when it is wholly below it, else 'on_the_edge' (the interval straddles the requirement: more
    futures could go either way)."""
    if ci_low >= required - 1e-12:
        return "meets"
    if ci_high < required - 1e-12:
        return "does_not_meet"
    return "on_the_edge"


@dataclass(frozen=True)
class Chance:
    """How often a plan meets the target on the futures, with its 95% interval and verdict."""

    met: int
    n: int
    probability: float
    ci_low: float
    ci_high: float
    required: float
    verdict: str


def chance(yearly: pd.DataFrame, target: WhatIfTarget) -> Chance:
    met = target_met(yearly, target)
    k, n = int(met.sum()), len(met)
    low, high = wilson_interval(k, n)
    return Chance(k, n, k / n if n else math.nan, low, high, float(target.probability),
                  verdict(low, high, float(target.probability)))


# -- plans --------------------------------------------------------------------------------------
def normalise_plan(plan: Plan, scenario: Scenario, name: str | None = None) -> Plan:
    """The same plan with only what differs from the baseline (what plan.yaml needs to say)."""
    staff = {role: level for role, level in plan.staff.items()
             if abs(level.fte - scenario.role(role).fte_now) > 1e-9}
    instruments = {}
    for inst, per_year in plan.instruments.items():
        now = scenario.instrument(inst).places_per_year
        changed = {int(y): int(p) for y, p in per_year.items() if int(p) != now}
        if changed:
            instruments[inst] = dict(sorted(changed.items()))
    measures = {m: bool(on) for m, on in plan.measures.items() if bool(on) != scenario.measure(m).on_in_baseline}
    return Plan(name=name or plan.name, staff=staff, instruments=instruments, measures=measures)


def plan_key(plan: Plan, scenario: Scenario) -> tuple:
    """What a plan does, as a hashable value (names, arrival defaults and no-op entries ignored)."""
    staff = tuple((r.name, tuple(fte_path(plan, scenario, r.name))) for r in scenario.roles
                  if r.name in plan.staff and abs(plan.staff[r.name].fte - r.fte_now) > 1e-9)
    places = tuple((i.name, tuple(instrument_places(plan, scenario, i.name, y) for y in scenario.horizon_years))
                   for i in scenario.instruments)
    measures = tuple((m.name, measure_on(plan, scenario, m.name)) for m in scenario.measures)
    return staff, places, measures


def plan_from_levels(scenario: Scenario, fte: Mapping[str, float], places: Mapping[str, Mapping[int, int]],
                     measures: Mapping[str, bool], name: str = "what-if",
                     arrives: Mapping[str, str | None] | None = None) -> Plan:
    """A plan from the page's controls (missing entries stay at the baseline), checked like a plan
    file: InputError naming `staff.<role>.fte` etc. for a level outside its limits. `arrives` keeps
    the arrival months of a loaded plan (default: the role's lead time after the start)."""
    from sporen.inputs.load import validate_model

    arrives = arrives or {}
    raw = {"name": name,
           "staff": {role: {"fte": value, "arrives": arrives.get(role)} for role, value in fte.items()},
           "instruments": {inst: dict(per) for inst, per in places.items()},
           "measures": dict(measures)}
    plan = validate_model(Plan, raw, "plan")
    assert isinstance(plan, Plan)
    problems = [Problem("plan", path, message, allowed) for path, message, allowed in check_plan(plan, scenario)]
    if problems:
        raise InputError(problems)
    return normalise_plan(plan, scenario, name)


def with_priority(scenario: Scenario, priority: str | None) -> Scenario:
    """The scenario with another priority rule for caseworker slots (None: its own)."""
    if priority is None or priority == scenario.policy.priority:
        return scenario
    if priority not in PRIORITIES:
        raise InputError([Problem("policy", "priority", f"'{priority}' is not a priority rule",
                                  ", ".join(PRIORITIES))])
    return scenario.model_copy(update={"policy": scenario.policy.model_copy(update={"priority": priority})})


# -- the futures and their cache ------------------------------------------------------------------
@dataclass
class Outcome:
    """One plan on the futures, reduced to what the page shows: yearly money per replication,
    year and municipality, and the caseload per replication, month and track."""

    yearly: pd.DataFrame
    caseload: pd.DataFrame
    seconds: float = 0.0


def reduce_run(run: Any) -> Outcome:
    yearly = run.yearly[["replication", "year", "municipality", *YEARLY_KEEP]].copy()
    monthly = run.monthly
    load = monthly.assign(caseload=monthly["on_benefit"] + monthly["without_benefit"])
    caseload = load.groupby(["replication", "month", "track"], sort=True)["caseload"].sum().reset_index()
    return Outcome(yearly.reset_index(drop=True), caseload)


class Futures:
    """The fixed futures of one scenario: seeds, vangnet rules, the baseline and recent plans.

    Thread-safe: the page simulates in worker threads, several sessions at once; two sessions
    asking for the same plan at the same time share one simulation."""

    def __init__(self, scenario: Scenario, *, futures: int = DEFAULT_FUTURES, seed: int = DEFAULT_SEED,
                 workers: int | None = None, rules: Mapping[int, Any] | None = None, source: str = "",
                 cached: int = CACHED_PLANS):
        from sporen.sim.api import scenario_vangnet_rules

        if futures < 2:
            raise InputError([Problem("--futures", "", f"{futures} futures", "at least 2")])
        self.scenario = scenario
        self.futures = int(futures)
        self.seed = int(seed)
        self.workers = int(workers or os.cpu_count() or 1)
        self.rules = dict(rules) if rules is not None else scenario_vangnet_rules(scenario)
        self.source = source
        self.seeds = PAGE.seeds(self.seed, 0, self.futures)
        self.digest = scenario_digest(scenario)
        self._cached = cached
        self._cache: OrderedDict[tuple, Outcome] = OrderedDict()
        self._inflight: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()
        self._full_baseline: Any = None

    @property
    def key(self) -> tuple[str, int, int]:
        return self.digest, self.futures, self.seed

    def baseline(self) -> Outcome:
        """The current formation and instruments under the scenario's own policy."""
        return self.outcome(Plan(name="baseline"))

    def outcome(self, plan: Plan, priority: str | None = None) -> Outcome:
        """The plan (under `priority`, default the scenario's) on the futures; cached."""
        scenario = with_priority(self.scenario, priority)
        key = (scenario.policy.priority, plan_key(plan, self.scenario))
        while True:
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
                waiting = self._inflight.get(key)
                if waiting is None:
                    self._inflight[key] = threading.Event()
                    break
            waiting.wait()
        try:
            outcome = self._simulate(scenario, plan)
            with self._lock:
                self._cache[key] = outcome
                while len(self._cache) > self._cached:
                    self._cache.popitem(last=False)
            return outcome
        finally:
            with self._lock:
                self._inflight.pop(key).set()

    def full_run(self, plan: Plan, priority: str | None = None) -> Any:
        """Every frame (monthly, yearly, kpis) of the plan on the futures, for the report and workbook
        (the baseline's is kept once made)."""
        from sporen.sim.api import evaluate

        scenario = with_priority(self.scenario, priority)
        baseline = scenario is self.scenario and plan_key(plan, self.scenario) == plan_key(Plan(), self.scenario)
        if baseline and self._full_baseline is not None:
            return self._full_baseline
        run = evaluate(scenario, plan, self.seeds, workers=self.workers, frames=("monthly", "yearly", "kpis"),
                       rules=self.rules)
        if baseline:
            self._full_baseline = run
        return run

    def _simulate(self, scenario: Scenario, plan: Plan) -> Outcome:
        from sporen.sim.api import evaluate

        started = time.perf_counter()
        run = evaluate(scenario, plan, self.seeds, workers=self.workers, frames=("monthly", "yearly"),
                       rules=self.rules)
        outcome = reduce_run(run)
        outcome.seconds = time.perf_counter() - started
        return outcome


_REGISTRY: dict[tuple, Futures] = {}
_REGISTRY_LOCK = threading.Lock()
REGISTRY_SIZE = 8


def futures_for(scenario: Scenario, *, futures: int = DEFAULT_FUTURES, seed: int = DEFAULT_SEED,
                workers: int | None = None, rules: Mapping[int, Any] | None = None, source: str = "") -> Futures:
    """The shared `Futures` of a scenario (one per scenario content, futures and seed), so every
    session that opens the same scenario reuses its baseline and simulated plans."""
    key = (scenario_digest(scenario), int(futures), int(seed))
    with _REGISTRY_LOCK:
        found = _REGISTRY.get(key)
        if found is None:
            found = Futures(scenario, futures=futures, seed=seed, workers=workers, rules=rules, source=source)
            _REGISTRY[key] = found
            while len(_REGISTRY) > REGISTRY_SIZE:
                _REGISTRY.pop(next(iter(_REGISTRY)))
        return found


# -- the view of one try ------------------------------------------------------------------------
@dataclass
class WhatIfView:
    """Everything the page shows for one plan (frames are small: per year, role, track, month)."""

    plan: Plan
    priority: str
    target: WhatIfTarget
    futures: int
    seed: int
    years: pd.DataFrame            # year, mean, p5, p95, base_*, diff_* (paired vs baseline), ref_*, refdiff_*
    totals: dict[str, float]       # horizon sums of the same
    chance: Chance
    base_chance: Chance
    ref_chance: Chance | None
    formation: pd.DataFrame        # role, function, fte now/planned, change, yearly cost now/planned/extra, arrives
    budget: pd.DataFrame           # instrument, year, places_now, places, budget, extra_budget
    measures: pd.DataFrame         # measure, on, on_in_baseline, cost_per_year
    cost: pd.DataFrame             # year, personnel, instruments, measures, total: extra cost vs now (EUR)
    caseload: pd.DataFrame         # month, track, mean, p5, p95, base_mean, base_p5, base_p95
    caseload_years: pd.DataFrame   # track, year, mean, base_mean, diff (mean clients on the caseload)
    simulated_seconds: float = 0.0
    municipalities: list[str] = field(default_factory=list)


def _band(frame: pd.DataFrame, by: list[str], value: str) -> pd.DataFrame:
    """Mean and 5-95% band across replications of `value` summed per replication and `by`
    (as the report's figures compute it)."""
    from sporen.outputs.figures import band

    return band(frame, by, value)


def _paired(a: pd.DataFrame, b: pd.DataFrame, by: list[str], value: str) -> pd.DataFrame:
    """b - a per `by`, paired by replication: mean_diff, ci_low, ci_high (95%, Student t)."""
    from sporen.sim.api import paired_difference

    sum_a = a.groupby(["replication", *by], sort=True)[value].sum().reset_index()
    sum_b = b.groupby(["replication", *by], sort=True)[value].sum().reset_index()
    out = paired_difference(sum_a, sum_b, by, value)
    return out[[*by, "mean_diff", "ci_low", "ci_high"]]


def _year_table(base: Outcome, plan: Outcome, ref: Outcome | None) -> tuple[pd.DataFrame, dict[str, float]]:
    table = _band(plan.yearly, ["year"], RESULT).rename(columns={"low": "p5", "high": "p95"})
    totals_plan = plan.yearly.groupby("replication")[RESULT].sum()
    totals: dict[str, float] = {"mean": float(totals_plan.mean())}
    table = _against(table, totals, plan, totals_plan, base, "base", "diff")
    if ref is not None:
        table = _against(table, totals, plan, totals_plan, ref, "ref", "refdiff")
    return table.sort_values("year").reset_index(drop=True), totals


def _against(table: pd.DataFrame, totals: dict[str, float], plan: Outcome, totals_plan: pd.Series,
             other: Outcome, name: str, diff: str) -> pd.DataFrame:
    """The plan's year table with `other`'s band (`name`_mean/_p5/_p95) and the paired difference
    (`diff`_mean/_low/_high) beside it; the horizon totals of both added to `totals`."""
    band = _band(other.yearly, ["year"], RESULT).rename(
        columns={"mean": f"{name}_mean", "low": f"{name}_p5", "high": f"{name}_p95"})
    paired = _paired(other.yearly, plan.yearly, ["year"], RESULT).rename(
        columns={"mean_diff": f"{diff}_mean", "ci_low": f"{diff}_low", "ci_high": f"{diff}_high"})
    totals_other = other.yearly.groupby("replication")[RESULT].sum()
    totals[f"{name}_mean"] = float(totals_other.mean())
    totals.update(_mean_ci(totals_plan - totals_other, diff))
    return table.merge(band, on="year").merge(paired, on="year")


def _mean_ci(values: pd.Series, prefix: str) -> dict[str, float]:
    from sporen.sim.stats import mean_ci

    _, mean, _, low, high = mean_ci(values.to_numpy(float))
    return {f"{prefix}_mean": mean, f"{prefix}_low": low, f"{prefix}_high": high}


def formation_table(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """The council's formation table: per role fte now and planned, the yearly cost of both and of
    the change (a full year at cost_per_fte_year), and the month the change takes effect."""
    rows = []
    for role in scenario.roles:
        planned = plan.staff[role.name].fte if role.name in plan.staff else role.fte_now
        path = fte_path(plan, scenario, role.name)
        arrives = month_label(scenario.start, path[-1][0]) if abs(planned - role.fte_now) > 1e-9 else ""
        rows.append({"role": role.name, "function": role.function, "fte_now": role.fte_now,
                     "fte_planned": round(planned, 6), "change": round(planned - role.fte_now, 6),
                     "yearly_cost_now": int(round(role.fte_now * role.cost_per_fte_year)),
                     "yearly_cost_planned": int(round(planned * role.cost_per_fte_year)),
                     "extra_yearly_cost": int(round((planned - role.fte_now) * role.cost_per_fte_year)),
                     "arrives": arrives})
    return pd.DataFrame(rows, columns=["role", "function", "fte_now", "fte_planned", "change", "yearly_cost_now",
                                       "yearly_cost_planned", "extra_yearly_cost", "arrives"])


def budget_table(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """Instrument places per year now and planned, and the planned budget (places x cost per participant)."""
    rows = []
    for inst in scenario.instruments:
        for year in scenario.horizon_years:
            places = instrument_places(plan, scenario, inst.name, year)
            rows.append({"instrument": inst.name, "year": year, "places_now": inst.places_per_year,
                         "places": places, "budget": places * inst.cost_per_participant,
                         "extra_budget": (places - inst.places_per_year) * inst.cost_per_participant,
                         "paid_from": inst.paid_from})
    return pd.DataFrame(rows, columns=["instrument", "year", "places_now", "places", "budget", "extra_budget",
                                       "paid_from"])


def measures_table(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    rows = [{"measure": m.name, "on": measure_on(plan, scenario, m.name), "on_in_baseline": m.on_in_baseline,
             "cost_per_year": m.cost_per_year, "one_off_cost": m.one_off_cost, "description": m.description}
            for m in scenario.measures]
    return pd.DataFrame(rows, columns=["measure", "on", "on_in_baseline", "cost_per_year", "one_off_cost",
                                       "description"])


def cost_table(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """Per year, the plan's extra cost against the current formation, as the optimiser counts it:
    staff (fte - fte_now) x cost per fte for the months in post from the arrival month, instrument
    places above or below places_per_year x cost per participant (the budget, whether or not every
    place is taken up), and measures switched on or off (one-off cost in the start year)."""
    from sporen.optimise.decisions import measure_spend

    years = scenario.horizon_years
    personnel = np.zeros(len(years), dtype=np.int64)
    for role in scenario.roles:
        if role.name not in plan.staff:
            continue
        # month by month along the role's path (arrival, then later changes: a dynamic plan rises and tapers)
        path = fte_path(plan, scenario, role.name)
        fte_months = [0.0] * len(years)
        for m in range(scenario.months):
            year = int(month_label(scenario.start, m)[:4])
            level = [fte for start, fte in path if start <= m][-1]
            if year in years:
                fte_months[years.index(year)] += level - role.fte_now
        personnel += np.array([int(round(x * role.cost_per_fte_year / 12)) for x in fte_months], dtype=np.int64)
    instruments = np.array([sum((instrument_places(plan, scenario, i.name, y) - i.places_per_year)
                                * i.cost_per_participant for i in scenario.instruments) for y in years], dtype=np.int64)
    measures = np.zeros(len(years), dtype=np.int64)
    for measure in scenario.measures:
        on, before = measure_on(plan, scenario, measure.name), measure.on_in_baseline
        if on != before:
            measures += (1 if on else -1) * np.array(measure_spend(scenario, measure), dtype=np.int64)
    return pd.DataFrame({"year": years, "personnel": personnel, "instruments": instruments, "measures": measures,
                         "total": personnel + instruments + measures})


def caseload_tables(base: Outcome, plan: Outcome) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Caseload per month and track (mean and 5-95% band, plan and baseline) and per track and
    year (mean clients on the caseload at a month's end)."""
    plan_band = _band(plan.caseload, ["month", "track"], "caseload").rename(columns={"low": "p5", "high": "p95"})
    base_band = _band(base.caseload, ["month", "track"], "caseload").rename(
        columns={"mean": "base_mean", "low": "base_p5", "high": "base_p95"})
    monthly = plan_band.merge(base_band, on=["month", "track"], how="outer").sort_values(["track", "month"])
    per_year = monthly.assign(year=monthly["month"].str.slice(0, 4).astype(int))
    years = per_year.groupby(["track", "year"], sort=False)[["mean", "base_mean"]].mean().reset_index()
    years["diff"] = years["mean"] - years["base_mean"]
    track_order = list(dict.fromkeys(monthly["track"]))
    years["track"] = pd.Categorical(years["track"], categories=track_order, ordered=True)
    years = years.sort_values(["track", "year"]).reset_index(drop=True)
    years["track"] = years["track"].astype(str)
    return monthly.reset_index(drop=True), years.round(1)


def what_if(futures: Futures, plan: Plan, target: WhatIfTarget, *, priority: str | None = None,
            reference: Plan | None = None) -> WhatIfView:
    """One try: the plan (and the scenario's priority rule replaced by `priority`) on the futures,
    against the baseline and, when given, the reference plan (the optimiser's) on the same futures."""
    scenario = futures.scenario
    problems = check_target(target, scenario)
    problems += [Problem("plan", p, m, a) for p, m, a in check_plan(plan, scenario)]
    if problems:
        raise InputError(problems)
    chosen = with_priority(scenario, priority).policy.priority
    base = futures.baseline()
    outcome = futures.outcome(plan, chosen)
    ref = futures.outcome(reference, chosen) if reference is not None else None
    years, totals = _year_table(base, outcome, ref)
    caseload, caseload_years = caseload_tables(base, outcome)
    municipalities = list(dict.fromkeys(outcome.yearly["municipality"]))
    return WhatIfView(
        plan=plan, priority=chosen, target=target, futures=futures.futures, seed=futures.seed, years=years,
        totals=totals, chance=chance(outcome.yearly, target), base_chance=chance(base.yearly, target),
        ref_chance=chance(ref.yearly, target) if ref is not None else None,
        formation=formation_table(plan, scenario), budget=budget_table(plan, scenario),
        measures=measures_table(plan, scenario), cost=cost_table(plan, scenario), caseload=caseload,
        caseload_years=caseload_years, simulated_seconds=outcome.seconds, municipalities=municipalities)


def plan_levels(plan: Plan, scenario: Scenario) -> dict[str, Any]:
    """The page's control values for a plan: fte per role, places per instrument and year, measures."""
    return {
        "fte": {r.name: (plan.staff[r.name].fte if r.name in plan.staff else r.fte_now) for r in scenario.roles},
        "arrives": {r: level.arrives for r, level in plan.staff.items() if level.arrives is not None},
        "places": {i.name: {y: instrument_places(plan, scenario, i.name, y) for y in scenario.horizon_years}
                   for i in scenario.instruments},
        "measures": {m.name: measure_on(plan, scenario, m.name) for m in scenario.measures},
    }


def control_limits(scenario: Scenario) -> dict[str, Any]:
    """Limits of the page's controls: fte from min_fte to max_fte (unset: fte_now + 4; at most
    fte_now + max_hires_per_year) in 0.5 steps from fte_now; places from 0 to max_places_per_year
    (unset: twice places_per_year, at least 10)."""
    from sporen.optimise.decisions import DEFAULT_MAX_EXTRA_FTE

    roles = {}
    for r in scenario.roles:
        top = r.max_fte if r.max_fte is not None else r.fte_now + DEFAULT_MAX_EXTRA_FTE
        if r.max_hires_per_year is not None:
            top = min(top, r.fte_now + r.max_hires_per_year)   # one change per plan, hired in one year
        steps_down = math.floor((r.fte_now - r.min_fte) / 0.5 + 1e-9)
        steps_up = math.floor((top - r.fte_now) / 0.5 + 1e-9)
        roles[r.name] = (round(r.fte_now - 0.5 * steps_down, 6), round(r.fte_now + 0.5 * steps_up, 6))
    places = {i.name: (0, i.max_places_per_year if i.max_places_per_year is not None
                       else max(2 * i.places_per_year, 10)) for i in scenario.instruments}
    return {"fte": roles, "places": places}


def summary_lines(view: WhatIfView) -> list[str]:
    """A few lines in English for logs and the command line (the page has its own words)."""
    c = view.chance
    return [f"result after vangnet over the horizon: {view.totals['mean']:,.0f} EUR "
            f"(baseline {view.totals['base_mean']:,.0f})",
            f"target met in {c.met} of {c.n} futures ({c.probability:.0%}, 95% CI {c.ci_low:.0%}-{c.ci_high:.0%}): "
            f"{c.verdict.replace('_', ' ')}"]


__all__ = ["DEFAULT_FUTURES", "DEFAULT_SEED", "PRIORITIES", "SCOPES", "VERDICTS", "Chance", "Futures", "Outcome",
           "WhatIfTarget", "WhatIfView", "chance", "check_target", "control_limits", "default_target",
           "formation_table", "futures_for", "normalise_plan", "plan_from_levels", "plan_key", "plan_levels",
           "summary_lines", "target_met", "verdict", "what_if", "wilson_interval", "with_priority"]
