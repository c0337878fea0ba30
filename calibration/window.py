"""The observation window: the scenario moved to the observed history, with fitted multipliers.

What is fitted (every multiplier is relative to the scenario's own values):

* ``work``: one multiplier on the base work hazard (``tracks.*.hazards.work``) of every track;
* ``other``: one multiplier on every other exit hazard of every track (moved, pension,
  partner_income, death, enforcement, prior_provision, other). Partial work, transitions between
  tracks, instruments and staff effects are not fitted. Only an observed share of the outflow to
  work can tell the two apart: without an ``outflow_work_share`` observation one multiplier scales
  every exit hazard (work = other, named ``exits``), so the scenario's mix of exit causes stays
  as the scenario put it rather than drifting along a direction the data cannot see;
* ``applications[municipality]``: one multiplier per municipality on its applications per month
  (every segment, and its monthly series if it has one);
* ``periods[p]``: when the observed applications give several periods (e.g. 2015, 2016, 2017,
  H1 2018), the application level of each period relative to the *reference* period, the one
  that holds the scenario's start month (else the one nearest to it). The reference is fixed at 1,
  so the per-municipality multipliers carry the level that applies from the scenario's start on;
  the other periods only shape the history window.

The window starts at the first observed caseload date (a stock on 1-1-2015 is the end of 2014-12,
so the window starts in 2015-01) and ends with the last observed month. The window scenario
(`window_scenario`) is the input scenario moved to that start: the initial stock per municipality
is the observed caseload, split over segments as the scenario's initial stock is; applications
follow the fitted levels month by month (the scenario's level and seasonality times the
municipality's and the period's multiplier; the scenario's trend is not used in the window);
measures keep their calendar months; the formation is the current one (``fte_now``); the gate
decides every application on arrival (the past intake capacity is not known, and the current one
must not queue the busier 2016).

Common random numbers for the application rates: the engine draws arrivals by thinning a Poisson
process at each stream's maximum rate, so a candidate with a different maximum would redraw every
arrival. The window therefore has one padding month after the observations whose application
rate is a fixed ceiling (`CEILING` x the stream's highest base rate, above any candidate's rate),
and a measure that rejects every application in the padding months: the maximum rate is the same
for every candidate, a higher rate only adds arrivals, and nothing after the window is used.

`window_counts` is what one replication of a window contributes (run where the replications run,
through the shared runner); `simulated_values` turns the mean counts into the observed figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.random import SeedSequence

from sporen.calibration.observed import ALL, Observed, month_number, month_text
from sporen.inputs.plan import Plan
from sporen.inputs.schema import EXIT_CAUSES, Scenario

if TYPE_CHECKING:
    from sporen.sim.results import ReplicationResult

OTHER_EXITS: tuple[str, ...] = tuple(c for c in EXIT_CAUSES if c != "work")
"""Exit hazards scaled by the `other` multiplier (partial work is a state change, not an exit)."""
MAX_MULTIPLIER = 4.0
"""Every fitted multiplier stays within [1/4, 4] of the scenario's value."""
CEILING = MAX_MULTIPLIER ** 2
"""Padding-month application rate = CEILING x the stream's highest base rate (see the module doc)."""
PADDING_MEASURE = "calibration-padding"
QUANTITIES = ("stock", "inflow", "outflow", "outflow_work", "applications")


# -- parameters --------------------------------------------------------------------------------
@dataclass
class Parameters:
    """Fitted multipliers, each relative to the scenario's own value (1 = unchanged)."""

    work: float = 1.0
    other: float = 1.0
    applications: dict[str, float] = field(default_factory=dict)
    periods: dict[str, float] = field(default_factory=dict)
    """Application level per observed applications period ('YYYY-MM..YYYY-MM'), reference = 1."""
    benefit: dict[str, float] = field(default_factory=dict)
    """Factor on a municipality's benefit level (every segment), from its observed spending of a
    horizon year (`calibration.fit.fit_benefit_levels`); not part of the window."""

    def application(self, municipality: str) -> float:
        return self.applications.get(municipality, 1.0)


class Layout:
    """Which parameters are fitted and how they map to a vector of log-multipliers."""

    def __init__(self, scenario: Scenario, observed: Observed):
        self.municipalities = [m.name for m in scenario.municipalities]
        self.periods = observed.periods()
        start = month_number(scenario.start)
        self.reference: int | None = None
        if self.periods:
            inside = [i for i, (a, b) in enumerate(self.periods) if a <= start <= b]
            self.reference = inside[0] if inside else min(
                range(len(self.periods)), key=lambda i: (min(abs(start - self.periods[i][0]),
                                                             abs(start - self.periods[i][1])), -i))
        self.split = any(o.measure == "outflow_work_share" for o in observed.observations)
        """Whether work and other exits get their own multipliers (see the module doc)."""
        self.names = (["work", "other"] if self.split else ["exits"]) + [
            f"applications {m}" for m in self.municipalities] + [
            f"applications {self.period_label(i)}" for i in range(len(self.periods)) if i != self.reference]

    def period_label(self, i: int) -> str:
        a, b = self.periods[i]
        return f"{month_text(a)}..{month_text(b)}"

    @property
    def size(self) -> int:
        return len(self.names)

    def parameters(self, theta: np.ndarray) -> Parameters:
        x = np.exp(np.asarray(theta, dtype=float))
        n = len(self.municipalities)
        e = 2 if self.split else 1
        periods: dict[str, float] = {}
        k = e + n
        for i in range(len(self.periods)):
            if i == self.reference:
                periods[self.period_label(i)] = 1.0
            else:
                periods[self.period_label(i)] = float(x[k])
                k += 1
        return Parameters(work=float(x[0]), other=float(x[1] if self.split else x[0]),
                          applications={m: float(x[e + j]) for j, m in enumerate(self.municipalities)},
                          periods=periods)

    def vector(self, params: Parameters) -> np.ndarray:
        exits = [params.work, params.other] if self.split else [math.sqrt(params.work * params.other)]
        values = exits + [params.application(m) for m in self.municipalities] + [
            params.periods.get(self.period_label(i), 1.0) for i in range(len(self.periods)) if i != self.reference]
        return np.log(np.asarray(values, dtype=float))

    def period_of_month(self, number: int) -> str | None:
        """The applications period whose level applies in an absolute month (the nearest one)."""
        if not self.periods:
            return None
        best = min(range(len(self.periods)), key=lambda i: (
            0 if self.periods[i][0] <= number <= self.periods[i][1] else
            min(abs(number - self.periods[i][0]), abs(number - self.periods[i][1])), -i))
        return self.period_label(best)


# -- the window scenario -----------------------------------------------------------------------
def split_stock(total: int, shares: dict[str, float]) -> dict[str, int]:
    """`total` clients over segments by `shares`, largest remainder (ties in segment order)."""
    weight = sum(shares.values())
    if total <= 0 or weight <= 0:
        return {s: 0 for s in shares}
    exact = {s: total * v / weight for s, v in shares.items()}
    out = {s: int(math.floor(v)) for s, v in exact.items()}
    order = sorted(shares, key=lambda s: -(exact[s] - out[s]))
    for s in order[: total - sum(out.values())]:
        out[s] += 1
    return out


def base_rate(scenario: Scenario, municipality: str, segment: str, number: int) -> float:
    """The scenario's own application rate for an absolute month: its series value when it has one,
    else the level x the month's seasonality (the trend is not used outside the horizon)."""
    muni = next(m for m in scenario.municipalities if m.name == municipality)
    seg = scenario.segment(segment)
    series = (scenario.application_series or {}).get(municipality, {}).get(segment, {})
    label = month_text(number)
    if label in series:
        return float(series[label])
    season = seg.seasonality[number % 12] if seg.seasonality else 1.0
    return float(muni.applications_per_month.get(segment, 0.0)) * season


def _stock_shares(scenario: Scenario) -> dict[str, dict[str, float]]:
    total = {s.name: 0.0 for s in scenario.segments}
    for m in scenario.municipalities:
        for s, n in m.initial_stock.items():
            total[s] += n
    out = {}
    for m in scenario.municipalities:
        own = {s.name: float(m.initial_stock.get(s.name, 0)) for s in scenario.segments}
        out[m.name] = own if sum(own.values()) > 0 else total
    return out


def nearest_year(known: Iterable[int], year: int) -> int:
    """The known year nearest to `year`, the later one on a tie."""
    return min(known, key=lambda k: (abs(k - year), -k))


def window_scenario(scenario: Scenario, observed: Observed, params: Parameters, layout: Layout | None = None,
                    keep_sources: bool = False) -> Scenario:
    """The scenario moved to the observation window, with `params` applied (see the module doc)."""
    layout = layout or Layout(scenario, observed)
    start, months = observed.start, observed.months
    years = math.ceil((months + 1) / 12)  # at least one padding month
    first_year = start // 12
    horizon = list(range(first_year, first_year + years))
    raw = scenario.model_dump()
    raw["name"] = f"{scenario.name}-history"
    raw["start"] = month_text(start)
    raw["years"] = years
    raw["series"] = None
    raw["gate"]["intake_role"] = None
    if not keep_sources:
        raw["sources"] = {}

    initial = observed.initial()
    shares = _stock_shares(scenario)
    if ALL in initial:
        weights = {m: float(sum(mu.initial_stock.values())) for m, mu in
                   ((mu.name, mu) for mu in scenario.municipalities)}
        per_muni = split_stock(initial[ALL], weights)
    else:
        per_muni = initial

    series: dict[str, dict[str, dict[str, float]]] = {}
    for muni in raw["municipalities"]:
        name = muni["name"]
        muni["initial_stock"] = split_stock(per_muni.get(name, 0), shares[name])
        known = {y: a["budget"] for y, a in muni["history"].items()}
        known.update(muni["buig_budget"])
        muni["buig_budget"] = {y: known[nearest_year(known, y)] for y in horizon}
        muni["history"] = {y: a for y, a in muni["history"].items() if y < first_year}
        a_m = params.application(name)
        per_segment: dict[str, dict[str, float]] = {}
        for seg in scenario.segments:
            rates = [base_rate(scenario, name, seg.name, start + i) for i in range(months)]
            values: dict[str, float] = {}
            for i, rate in enumerate(rates):
                period = layout.period_of_month(start + i)
                level = params.periods.get(period, 1.0) if period is not None else 1.0
                values[month_text(start + i)] = rate * a_m * level
            ceiling = CEILING * max(rates, default=0.0)
            for i in range(months, years * 12):
                values[month_text(start + i)] = ceiling if i == months else 0.0
            per_segment[seg.name] = values
        muni["applications_per_month"] = {seg.name: 0.0 for seg in scenario.segments}
        series[name] = per_segment
    raw["application_series"] = series

    for track in raw["tracks"]:
        hazards = track["hazards"]
        for cause, per_band in hazards.items():
            factor = params.work if cause == "work" else params.other if cause in OTHER_EXITS else 1.0
            hazards[cause] = [v * factor for v in per_band]

    shift = month_number(scenario.start) - start
    measures = []
    for measure in raw["measures"]:
        begin = measure["start_offset_months"] + shift
        if begin < 0:
            if measure["duration_months"] is not None:
                remaining = measure["duration_months"] + begin
                if remaining <= 0:
                    continue
                measure["duration_months"] = remaining
            begin = 0
        measure["start_offset_months"] = begin
        measures.append(measure)
    name = PADDING_MEASURE
    while any(m["name"] == name for m in measures):
        name += "-"
    measures.append({"name": name, "description": "sporen calibrate: rejects the applications after the "
                     "observation window (they only fix the arrival process's maximum rate)",
                     "on_in_baseline": True, "start_offset_months": months,
                     "duration_months": years * 12 - months, "effects": {"grant_multiplier": 0.0}})
    raw["measures"] = measures
    return Scenario.model_validate(raw)


def benefit_levels(scenario: Scenario, municipality: str, factor: float) -> dict[str, int]:
    """A municipality's benefit per client-month per segment x `factor`, in whole euros."""
    return {s.name: int(round(scenario.benefit(municipality, s.name) * factor)) for s in scenario.segments}


def apply_parameters(scenario: Scenario, params: Parameters) -> Scenario:
    """The scenario with the fitted multipliers applied (its start and horizon unchanged)."""
    raw = scenario.model_dump()
    for muni in raw["municipalities"]:
        if muni["name"] in params.benefit:
            muni["benefit_per_month"] = benefit_levels(scenario, muni["name"], params.benefit[muni["name"]])
        a = params.application(muni["name"])
        muni["applications_per_month"] = {s: v * a for s, v in muni["applications_per_month"].items()}
    if raw.get("application_series"):
        raw["application_series"] = {
            m: {s: {month: v * params.application(m) for month, v in per.items()} for s, per in segs.items()}
            for m, segs in raw["application_series"].items()}
    for track in raw["tracks"]:
        for cause, values in track["hazards"].items():
            factor = params.work if cause == "work" else params.other if cause in OTHER_EXITS else 1.0
            track["hazards"][cause] = [v * factor for v in values]
    return Scenario.model_validate(raw)




# -- one replication of a window, and the observed figures from their mean --------------------------
def window_months(scenario: Scenario) -> int:
    """The observed months of a window scenario: those before its padding month."""
    padding = next((m for m in scenario.measures if m.name.startswith(PADDING_MEASURE)), None)
    return padding.start_offset_months if padding is not None else scenario.months


def window_counts(scenario: Scenario, plan: Plan, seed: SeedSequence, result: ReplicationResult) -> np.ndarray:
    """What one replication of a window contributes: array (QUANTITIES, municipality, month) over the
    observed months (municipalities in scenario order). Called by the runner where the replication ran."""
    from sporen.sim.arrivals import application_times
    from sporen.sim.uncertainty import apply_uncertainty

    months = window_months(scenario)
    names = [m.name for m in scenario.municipalities]
    labels = [month_text(month_number(scenario.start) + i) for i in range(months)]
    mo = result.monthly
    mo = mo[mo["month"].isin(labels)]
    cols = ["on_benefit", "without_benefit", "inflow", "outflow", "outflow_work"]
    grouped = mo.groupby(["municipality", "month"])[cols].sum()
    index = pd.MultiIndex.from_product([names, labels], names=["municipality", "month"])
    grouped = grouped.reindex(index, fill_value=0)
    out = np.zeros((len(QUANTITIES), len(names), months))
    shape = (len(names), months)
    out[0] = (grouped["on_benefit"] + grouped["without_benefit"]).to_numpy().reshape(shape)
    out[1] = grouped["inflow"].to_numpy().reshape(shape)
    out[2] = grouped["outflow"].to_numpy().reshape(shape)
    out[3] = grouped["outflow_work"].to_numpy().reshape(shape)
    drawn, _ = apply_uncertainty(scenario, seed)
    for mi in range(len(names)):
        for si in range(len(drawn.segments)):
            times = application_times(drawn, seed, mi, si)
            times = times[times < months]
            out[4, mi] += np.bincount(times.astype(np.int64), minlength=months)[:months]
    return out


def simulated_values(observed: Observed, means: np.ndarray, initial: dict[str, int]) -> np.ndarray:
    """The simulated value of every observation (applications raw, in the scenario's own terms)."""
    names = observed.municipalities
    start = observed.start
    out = np.zeros(len(observed.observations))
    for i, o in enumerate(observed.observations):
        rows = list(range(len(names))) if o.municipality == ALL else [names.index(o.municipality)]
        if o.measure == "caseload":
            if o.first == start - 1:
                out[i] = sum(initial.get(names[r], 0) for r in rows)
            else:
                out[i] = means[0, rows, o.first - start].sum()
            continue
        span = slice(o.first - start, o.last - start + 1)
        if o.measure == "outflow_work_share":
            total = means[2, rows, span].sum()
            out[i] = means[3, rows, span].sum() / total if total > 0 else 0.0
        else:
            q = {"inflow": 1, "outflow": 2, "applications": 4}[o.measure]
            out[i] = means[q, rows, span].sum()
    return out




def spending_counts(scenario: Scenario, plan: Plan, seed: SeedSequence, result: ReplicationResult) -> np.ndarray:
    """What one forward replication contributes to the benefit-level fit: array (2, municipality,
    year of the horizon) of benefit cost and subsidy cost, EUR (municipalities in scenario order)."""
    names = [m.name for m in scenario.municipalities]
    years = scenario.horizon_years
    mo = result.monthly
    frame = mo.assign(year=mo["month"].str[:4].astype(int)).groupby(["municipality", "year"])[
        ["benefit_cost", "subsidy_cost"]].sum()
    frame = frame.reindex(pd.MultiIndex.from_product([names, years]), fill_value=0)
    shape = (len(names), len(years))
    return np.stack([frame["benefit_cost"].to_numpy(float).reshape(shape),
                     frame["subsidy_cost"].to_numpy(float).reshape(shape)])
