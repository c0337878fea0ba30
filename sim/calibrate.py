"""Calibration: fit exit hazards and application rates to an observed history (`sporen calibrate`).

What is fitted (every multiplier is relative to the scenario's own values):

* ``work``: one multiplier on the base work hazard (``tracks.*.hazards.work``) of every track;
* ``other``: one multiplier on every other exit hazard of every track (moved, pension,
  partner_income, death, enforcement, prior_provision, other). Partial work, transitions between
  tracks, instruments and staff effects are not fitted;
* ``applications[municipality]``: one multiplier per municipality on its applications per month
  (every segment, and its monthly series if it has one);
* ``periods[p]``: when the observed applications give several periods (e.g. 2015, 2016, 2017,
  H1 2018), the application level of each period relative to the *reference* period, the one
  that holds the scenario's start month (else the one nearest to it). The reference is fixed at 1,
  so the per-municipality multipliers carry the level that applies from the scenario's start on;
  the other periods only shape the history window.

How: the observation window starts at the first observed caseload date (a stock on 1-1-2015 is
the end of 2014-12, so the window starts in 2015-01) and ends with the last observed month. The
window scenario (`window_scenario`) is the input scenario moved to that start: the initial stock
per municipality is the observed caseload, split over segments as the scenario's initial stock
is; applications follow the fitted levels month by month (the scenario's level and seasonality
times the municipality's and the period's multiplier; the scenario's trend is not used in the
window); measures keep their calendar months; the formation is the current one (``fte_now``);
the gate decides every application on arrival (the past intake capacity is not known, and the
current one must not queue the busier 2016). Each candidate is simulated with the same
replication seeds (common random numbers) and the mean of R replications is compared with every
observation. The objective is the sum of squared relative errors (simulated / observed - 1) of all
observations plus a weak pull (``RIDGE`` x squared log-multiplier) towards the scenario's values,
so a parameter the observations cannot identify stays where the scenario put it. It is minimised
over the log-multipliers by Levenberg-Marquardt with a forward-difference Jacobian (updated by
Broyden between recomputations); numpy only.

Applications are an observation of a different kind: a planner's "applications" count every
request, while a scenario's ``applications_per_month`` may count only those that can add a client
(bmwe.yaml leaves out grants that add no new benefit: 216 granted but 173 new benefits in H1 2018).
So the simulated applications are compared as ``scale`` x observed, where ``scale`` (the share of
reported applications the scenario's applications stand for) is fitted in closed form at every
evaluation by default; the observed applications then fix the ratio between periods, and the
caseload and inflow fix the level. ``applications_scale=1.0`` compares them one to one. The
simulated applications are those of the scenario's application streams (new applicants); the
re-applications of clients who return after work are not counted (about 3% of the applications in
bmwe.yaml).

Common random numbers for the application rates: the engine draws arrivals by thinning a Poisson
process at each stream's maximum rate, so a candidate with a different maximum would redraw every
arrival. The window therefore has one padding month after the observations whose application
rate is a fixed ceiling (`CEILING` x the stream's highest base rate, above any candidate's rate),
and a measure that rejects every application in the padding months: the maximum rate is the same
for every candidate, a higher rate only adds arrivals, and nothing after the window is used.

The observed file (CSV, comma- or semicolon-separated): columns ``date, municipality, measure,
value`` and optionally ``source`` / ``note`` (kept for the reader, not used). See
docs/calibration.md.
"""

from __future__ import annotations

import calendar
import copy
import math
import multiprocessing
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.random import SeedSequence

from sporen.common.errors import InputError, Problem
from sporen.inputs.schema import EXIT_CAUSES, Scenario, parse_year_month
from sporen.inputs.textfile import csv_rows, parse_number, read_text

MEASURES: tuple[str, ...] = ("caseload", "inflow", "outflow", "outflow_work_share", "applications")
FLOW_MEASURES: tuple[str, ...] = ("inflow", "outflow", "outflow_work_share", "applications")
COLUMNS: tuple[str, ...] = ("date", "municipality", "measure", "value")
OPTIONAL_COLUMNS: tuple[str, ...] = ("source", "note")
ALL = "all"
OTHER_EXITS: tuple[str, ...] = tuple(c for c in EXIT_CAUSES if c != "work")
"""Exit hazards scaled by the `other` multiplier (partial work is a state change, not an exit)."""

MAX_MULTIPLIER = 4.0
"""Every fitted multiplier stays within [1/4, 4] of the scenario's value."""
CEILING = MAX_MULTIPLIER ** 2
"""Padding-month application rate = CEILING x the stream's highest base rate (see the module doc)."""
RIDGE = 1e-4
"""Weight of the pull towards the scenario's values, per squared log-multiplier."""
STEP = 0.05
"""Forward-difference step in log-multiplier (5%): large enough to average over the jumps of a
simulated mean of counts."""
PADDING_MEASURE = "calibration-padding"
DEFAULT_SEED = 20180101
DEFAULT_REPLICATIONS = 40
DEFAULT_ITERATIONS = 12

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_PERIOD = re.compile(r"^(\d{4}-\d{2})\s*\.\.\s*(\d{4}-\d{2})$")
STOCK_DATE = ("YYYY-MM-DD on the first day of a month, meaning the stock at the end of the month before, "
              "or on the last day of a month")
PERIOD = "a period YYYY-MM..YYYY-MM (first and last month), e.g. 2018-01..2018-06, or one month YYYY-MM"


# -- months ------------------------------------------------------------------------------------
def month_number(label: str) -> int:
    """'2018-06' -> an absolute month number (year x 12 + month - 1)."""
    year, month = parse_year_month(label)
    return year * 12 + month - 1


def month_text(number: int) -> str:
    """Absolute month number -> 'YYYY-MM'."""
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


# -- observations ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Observation:
    """One observed figure. Months are absolute month numbers (`month_number`).

    A caseload is the stock at the end of month ``first`` (= ``last``); a flow runs over the months
    ``first`` .. ``last`` inclusive."""

    row: int
    date: str
    municipality: str
    measure: str
    value: float
    first: int
    last: int

    @property
    def label(self) -> str:
        return f"{self.measure} {self.date} {self.municipality}"


@dataclass
class Observed:
    """An observed file, checked against a scenario."""

    file: str
    observations: list[Observation]
    municipalities: list[str]

    @property
    def caseloads(self) -> list[Observation]:
        return [o for o in self.observations if o.measure == "caseload"]

    @property
    def start(self) -> int:
        """First simulated month: the month after the first observed stock."""
        return min(o.first for o in self.caseloads) + 1

    @property
    def end(self) -> int:
        """Last month any observation needs."""
        return max(o.last for o in self.observations)

    @property
    def months(self) -> int:
        return self.end - self.start + 1

    def initial(self) -> dict[str, int]:
        """Caseload per municipality at the window's start (the first observed stock)."""
        first = self.start - 1
        rows = {o.municipality: o.value for o in self.caseloads if o.first == first}
        if all(m in rows for m in self.municipalities):
            return {m: int(round(rows[m])) for m in self.municipalities}
        return {ALL: int(round(rows[ALL]))}

    def periods(self) -> list[tuple[int, int]]:
        """The distinct applications periods, in time order."""
        return sorted({(o.first, o.last) for o in self.observations if o.measure == "applications"})


def _stock_month(text: str) -> int | None:
    """'2018-06-01' -> the month whose end the stock is (2018-05); None if not such a day."""
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        return None
    last_day = calendar.monthrange(year, month)[1]
    if day == 1:
        return year * 12 + month - 2
    if day == last_day:
        return year * 12 + month - 1
    return None


def _period(text: str) -> tuple[int, int] | None:
    match = _PERIOD.match(text)
    parts = match.groups() if match else (text, text) if _MONTH.match(text) else None
    if parts is None:
        return None
    try:
        first, last = month_number(parts[0]), month_number(parts[1])
    except ValueError:
        return None
    return first, last


def read_observed(path: str | Path, municipalities: Sequence[str] | None = None) -> list[Observation]:
    """Read an observed file: every format problem as one InputError (with `municipalities`, unknown
    names are problems too)."""
    path = Path(path)
    file = str(path)
    shape = "a CSV file with the columns " + ", ".join(COLUMNS) + " (and optionally source)"
    text = read_text(path, shape)
    header, reader, delimiter = csv_rows(text)
    allowed = COLUMNS + OPTIONAL_COLUMNS
    problems = [Problem(file, "row 1", f"missing column {name!r}", shape) for name in COLUMNS if name not in header]
    problems += [Problem(file, "row 1", f"unknown column {name!r}", "columns " + ", ".join(allowed))
                 for name in dict.fromkeys(header) if name not in allowed]
    problems += [Problem(file, "row 1", f"column {name!r} appears {header.count(name)} times", shape)
                 for name in allowed if header.count(name) > 1]
    if problems:
        raise InputError(problems)

    observations: list[Observation] = []
    seen: dict[tuple[str, str, str], int] = {}
    for cells in reader:
        row = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(file, f"row {row}", f"{len(cells)} fields, expected {len(header)}",
                                    f"one value per column, separated by {delimiter!r}"))
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        bad = len(problems)
        measure = values["measure"]
        if measure not in MEASURES:
            problems.append(Problem(file, f"row {row}.measure", f"{measure!r} is not a measure",
                                    "one of: " + ", ".join(MEASURES)))
        municipality = values["municipality"]
        if not municipality:
            problems.append(Problem(file, f"row {row}.municipality", "empty", f"a municipality's name or {ALL}"))
        elif municipalities is not None and municipality != ALL and municipality not in municipalities:
            problems.append(Problem(file, f"row {row}.municipality", f"unknown municipality {municipality!r}",
                                    f"{ALL} or one of: " + ", ".join(municipalities)))
        date = values["date"]
        first = last = None
        if measure == "caseload":
            first = last = _stock_month(date)
            if first is None:
                problems.append(Problem(file, f"row {row}.date", f"{date!r} is not a stock date", STOCK_DATE))
        elif measure in FLOW_MEASURES:
            span = _period(date)
            if span is None:
                problems.append(Problem(file, f"row {row}.date", f"{date!r} is not a period", PERIOD))
            elif span[1] < span[0]:
                problems.append(Problem(file, f"row {row}.date", f"{date!r} ends before it starts",
                                        "a first month no later than the last"))
            else:
                first, last = span
        value = parse_number(values["value"], delimiter)
        if value is None:
            problems.append(Problem(file, f"row {row}.value", f"{values['value']!r} is not a number",
                                    "a number, e.g. 1206 or 0.497"))
        elif measure == "outflow_work_share" and not 0.0 < value <= 1.0:
            problems.append(Problem(file, f"row {row}.value", f"{value:g} is not a share", "above 0 and at most 1"))
        elif value <= 0.0:
            problems.append(Problem(file, f"row {row}.value", f"{value:g} is too small",
                                    "above 0 (errors are relative to the observed value)"))
        key = (measure, date.replace(" ", ""), municipality)
        if len(problems) == bad:
            if key in seen:
                problems.append(Problem(file, f"row {row}", f"{measure} {date} {municipality} appears again "
                                        f"(first in row {seen[key]})", "one value per date, municipality and measure"))
            else:
                seen[key] = row
                observations.append(Observation(row, date, municipality, measure, float(value), first, last))
    if problems:
        raise InputError(problems)
    if not observations:
        raise InputError([Problem(file, "", "no observations", shape)])
    return observations


def check_observed(observations: list[Observation], scenario: Scenario, file: str) -> Observed:
    """Check observations against a scenario (municipalities, the window); InputError lists all problems."""
    names = [m.name for m in scenario.municipalities]
    problems: list[Problem] = []
    for o in observations:
        if o.municipality != ALL and o.municipality not in names:
            problems.append(Problem(file, f"row {o.row}.municipality", f"unknown municipality {o.municipality!r}",
                                    f"{ALL} or one of: " + ", ".join(names)))
    if problems:
        raise InputError(problems)
    caseloads = [o for o in observations if o.measure == "caseload"]
    if not caseloads:
        problems.append(Problem(file, "", "no caseload observation",
                                "at least the caseload per municipality (or all) on the window's first day"))
    if problems:
        raise InputError(problems)
    observed = Observed(file, observations, names)
    first = observed.start - 1
    at_first = {o.municipality: o for o in caseloads if o.first == first}
    given = [m for m in names if m in at_first]
    if given and len(given) < len(names) and ALL not in at_first:
        row = min(o.row for o in at_first.values())
        missing = [m for m in names if m not in at_first]
        problems.append(Problem(file, f"row {row}.municipality",
                                f"the first caseload date {at_first[given[0]].date} gives no caseload for "
                                + ", ".join(missing), "every municipality on the first date, or all"))
    window_start = month_text(observed.start)
    for o in observations:
        if o.measure != "caseload" and o.first < observed.start:
            problems.append(Problem(file, f"row {o.row}.date", f"{o.date} starts before the window "
                                    f"(the first caseload date sets its start: {window_start})",
                                    f"periods from {window_start} on"))
    if observed.end < observed.start:
        problems.append(Problem(file, "", "nothing to fit: every observation is on the first caseload date",
                                "observations after the first caseload date"))
    spans: dict[tuple[int, int], int] = {}
    for o in sorted((o for o in observations if o.measure == "applications"), key=lambda o: o.row):
        for (a, b), row in spans.items():
            if (a, b) != (o.first, o.last) and o.first <= b and a <= o.last:
                problems.append(Problem(file, f"row {o.row}.date", f"{o.date} overlaps the applications period "
                                        f"of row {row}", "applications periods that do not overlap"))
                break
        spans.setdefault((o.first, o.last), o.row)
    if problems:
        raise InputError(problems)
    return observed


def load_observed(path: str | Path, scenario: Scenario) -> Observed:
    """Read and check an observed file against a scenario."""
    return check_observed(read_observed(path, [m.name for m in scenario.municipalities]), scenario, str(path))


# -- parameters --------------------------------------------------------------------------------
@dataclass
class Parameters:
    """Fitted multipliers, each relative to the scenario's own value (1 = unchanged)."""

    work: float = 1.0
    other: float = 1.0
    applications: dict[str, float] = field(default_factory=dict)
    periods: dict[str, float] = field(default_factory=dict)
    """Application level per observed applications period ('YYYY-MM..YYYY-MM'), reference = 1."""

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
        self.names = ["work", "other"] + [f"applications {m}" for m in self.municipalities] + [
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
        periods: dict[str, float] = {}
        k = 2 + n
        for i in range(len(self.periods)):
            if i == self.reference:
                periods[self.period_label(i)] = 1.0
            else:
                periods[self.period_label(i)] = float(x[k])
                k += 1
        return Parameters(work=float(x[0]), other=float(x[1]),
                          applications={m: float(x[2 + j]) for j, m in enumerate(self.municipalities)},
                          periods=periods)

    def vector(self, params: Parameters) -> np.ndarray:
        values = [params.work, params.other] + [params.application(m) for m in self.municipalities] + [
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
        muni["buig_budget"] = {y: known[min(known, key=lambda k, y=y: (abs(k - y), -k))] for y in horizon}
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
        for cause, values in hazards.items():
            factor = params.work if cause == "work" else params.other if cause in OTHER_EXITS else 1.0
            hazards[cause] = [v * factor for v in values]

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


# -- simulating a window -----------------------------------------------------------------------
QUANTITIES = ("stock", "inflow", "outflow", "outflow_work", "applications")


def simulate_replication(scenario: Scenario, seed: SeedSequence, months: int, replication: int = 0) -> np.ndarray:
    """One replication of a window scenario: array (QUANTITIES, municipality, month) over the first
    `months` months (municipalities in scenario order)."""
    from sporen.inputs.plan import baseline_plan
    from sporen.sim.arrivals import application_times
    from sporen.sim.engine import run_replication
    from sporen.sim.uncertainty import apply_uncertainty

    result = run_replication(scenario, baseline_plan(scenario), seed, replication=replication)
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


def _task_chunk(task: tuple[Scenario, list[tuple[int, SeedSequence]], int]) -> np.ndarray:
    scenario, items, months = task
    return sum(simulate_replication(scenario, seed, months, r) for r, seed in items)


def _mp_context() -> multiprocessing.context.BaseContext:
    """fork when no other thread runs (fast, safe), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    others = [t for t in threading.enumerate() if t is not threading.main_thread() and type(t).__name__ != "TMonitor"]
    if "fork" in methods and not others:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class Simulator:
    """Simulates window scenarios over fixed seeds (common random numbers), in parallel."""

    def __init__(self, seeds: Sequence[SeedSequence], months: int, workers: int | None = None):
        self.seeds = list(seeds)
        self.months = months
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self.pool: ProcessPoolExecutor | None = None
        self.runs = 0

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def mean(self, scenarios: list[Scenario]) -> list[np.ndarray]:
        """Mean over the seeds of `simulate_replication`, per scenario."""
        items = list(enumerate(self.seeds))
        self.runs += len(scenarios) * len(items)
        if self.workers <= 1 or len(scenarios) * len(items) <= 1:
            totals = [_task_chunk((sc, items, self.months)) for sc in scenarios]
        else:
            per = max(1, math.ceil(len(scenarios) * len(items) / (self.workers * 3)))
            per = min(per, len(items))
            chunks = [items[i:i + per] for i in range(0, len(items), per)]
            tasks = [(sc, chunk, self.months) for sc in scenarios for chunk in chunks]
            if self.pool is None:
                self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_mp_context())
            parts = list(self.pool.map(_task_chunk, tasks))
            totals = [sum(parts[i * len(chunks):(i + 1) * len(chunks)]) for i in range(len(scenarios))]
        return [t / len(items) for t in totals]


# -- observation values from a simulated window --------------------------------------------------
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


def residuals(observed: Observed, simulated: np.ndarray, scale: float | None) -> tuple[np.ndarray, float | None]:
    """(simulated / observed - 1 per observation, the applications scale used).

    Applications are compared as scale x observed; scale None = fitted (closed form)."""
    values = np.array([o.value for o in observed.observations])
    apps = np.array([o.measure == "applications" for o in observed.observations])
    ratio = simulated / values
    used = None
    if apps.any():
        q = ratio[apps]
        if scale is None:
            x = float(q.sum() / (q * q).sum()) if (q * q).sum() > 0 else 1.0
            used = 1.0 / x if x > 0 else 1.0
        else:
            used = float(scale)
        ratio = ratio.copy()
        ratio[apps] = q / used
    return ratio - 1.0, used


# -- the fit -------------------------------------------------------------------------------------
@dataclass
class CalibrationResult:
    """What `calibrate` found."""

    scenario: Scenario        # the input scenario with the fitted values (same start and horizon)
    history: Scenario         # the window scenario with the fitted values
    parameters: Parameters
    table: pd.DataFrame       # row, observation, date, municipality, measure, observed, simulated, error
    objective: float
    objective_start: float
    applications_scale: float | None
    evaluations: int
    replications: int
    seed: int
    window: tuple[str, str]
    names: list[str] = field(default_factory=list)


def fit_table(observed: Observed, simulated: np.ndarray, scale: float | None) -> pd.DataFrame:
    """Observed vs simulated per observation; applications in reported terms (simulated / scale)."""
    errors, used = residuals(observed, simulated, scale)
    rows = []
    for o, sim, err in zip(observed.observations, simulated, errors, strict=True):
        shown = sim / used if (o.measure == "applications" and used) else sim
        rows.append({"row": o.row, "observation": o.label, "date": o.date, "municipality": o.municipality,
                     "measure": o.measure, "observed": o.value, "simulated": float(shown), "error": float(err)})
    return pd.DataFrame(rows)


class Objective:
    """Residuals of candidate parameter vectors, simulated in batches."""

    def __init__(self, scenario: Scenario, observed: Observed, layout: Layout, simulator: Simulator,
                 scale: float | None):
        self.scenario, self.observed, self.layout, self.sim, self.scale = scenario, observed, layout, simulator, scale
        self.evaluations = 0
        self.first: float | None = None

    def simulate(self, thetas: list[np.ndarray]) -> list[np.ndarray]:
        scenarios = [window_scenario(self.scenario, self.observed, self.layout.parameters(t), self.layout)
                     for t in thetas]
        self.evaluations += len(thetas)
        initial = {m.name: sum(m.initial_stock.values()) for m in scenarios[0].municipalities} if scenarios else {}
        return [simulated_values(self.observed, means, initial) for means in self.sim.mean(scenarios)]

    def residuals(self, thetas: list[np.ndarray]) -> list[np.ndarray]:
        out = []
        for theta, sim in zip(thetas, self.simulate(thetas), strict=True):
            r, _ = residuals(self.observed, sim, self.scale)
            out.append(np.concatenate([r, math.sqrt(RIDGE) * np.asarray(theta)]))
        if self.first is None and out:
            self.first = float(out[0] @ out[0])
        return out


def levenberg_marquardt(fun: Callable[[list[np.ndarray]], list[np.ndarray]], theta0: np.ndarray, bound: float,
                        iterations: int, log: Callable[[str], None] | None = None, step: float = STEP,
                        jacobians: int = 2, tolerance: float = 0.01) -> tuple[np.ndarray, np.ndarray, float]:
    """Minimise sum(fun(theta)**2) over |theta_j| <= bound. `fun` takes a batch of points.

    Levenberg-Marquardt with a forward-difference Jacobian (one batch of len(theta) points),
    Broyden updates after accepted steps, and a fresh Jacobian (at most `jacobians` in all) when a
    step fails on an updated one after real progress. Stops when a step gains less than
    `tolerance` (relative), after `iterations` steps, or when no step helps. Returns (theta,
    residuals, objective)."""
    say = log or (lambda _: None)
    theta = np.clip(np.asarray(theta0, dtype=float), -bound, bound)
    r = fun([theta])[0]
    f = float(r @ r)
    n = len(theta)
    say(f"start: objective {f:.6g}")

    def jacobian(theta: np.ndarray, r: np.ndarray) -> np.ndarray:
        h = np.where(theta + step > bound, -step, step)
        cols = fun([theta + h[j] * np.eye(n)[j] for j in range(n)])
        return np.column_stack([(c - r) / h[j] for j, c in enumerate(cols)])

    jac = jacobian(theta, r)
    made, fresh, lam, gain = 1, True, 1e-2, 1.0
    for it in range(iterations):
        a = jac.T @ jac
        g = jac.T @ r
        diag = np.maximum(np.diag(a), 1e-12)
        accepted = False
        for _ in range(6):
            new = np.clip(theta + np.linalg.solve(a + lam * np.diag(diag), -g), -bound, bound)
            delta = new - theta
            if np.max(np.abs(delta)) < 1e-4:
                break
            rn = fun([new])[0]
            fn = float(rn @ rn)
            if fn < f:
                jac = jac + np.outer(rn - r - jac @ delta, delta) / float(delta @ delta)
                gain = (f - fn) / f if f > 0 else 0.0
                theta, r, f = new, rn, fn
                lam, fresh, accepted = max(lam / 5.0, 1e-6), False, True
                say(f"step {it + 1}: objective {f:.6g}")
                break
            lam *= 8.0
            if not fresh:
                break
        if accepted:
            if gain < tolerance:
                break
            continue
        if fresh or made >= jacobians or gain < 5 * tolerance:
            break
        say(f"step {it + 1}: a fresh Jacobian")
        jac = jacobian(theta, r)
        made, fresh, lam = made + 1, True, 1e-2
    return theta, r, f


def calibrate(scenario: Scenario, observed: Observed, *, replications: int = DEFAULT_REPLICATIONS,
              seed: int = DEFAULT_SEED, workers: int | None = None, applications_scale: float | None = None,
              iterations: int = DEFAULT_ITERATIONS, start: Parameters | None = None,
              source: str | None = None, log: Callable[[str], None] | None = None) -> CalibrationResult:
    """Fit `Parameters` to `observed` (see the module doc) and return the calibrated scenarios."""
    layout = Layout(scenario, observed)
    seeds = SeedSequence(seed).spawn(replications)
    source = source or f"sporen calibrate on {observed.file}"
    with Simulator(seeds, observed.months, workers) as simulator:
        objective = Objective(scenario, observed, layout, simulator, applications_scale)
        theta0 = layout.vector(start) if start is not None else np.zeros(layout.size)
        bound = math.log(MAX_MULTIPLIER)
        if iterations > 0:
            theta, _, f = levenberg_marquardt(objective.residuals, theta0, bound, iterations, log)
            f0 = objective.first
        else:
            theta = np.clip(theta0, -bound, bound)
            r0 = objective.residuals([theta])[0]
            f = f0 = float(r0 @ r0)
        params = layout.parameters(theta)
        simulated = objective.simulate([theta])[0]
        evaluations = objective.evaluations
    _, scale = residuals(observed, simulated, applications_scale)
    window = (month_text(observed.start), month_text(observed.end))
    history = window_scenario(scenario, observed, params, layout, keep_sources=True)
    return CalibrationResult(
        scenario=apply_parameters(scenario, params), history=history, parameters=params,
        table=fit_table(observed, simulated, applications_scale), objective=f, objective_start=f0,
        applications_scale=scale, evaluations=evaluations, replications=replications, seed=seed, window=window,
        names=layout.names)


def apply_parameters(scenario: Scenario, params: Parameters) -> Scenario:
    """The scenario with the fitted multipliers applied (its start and horizon unchanged)."""
    raw = scenario.model_dump()
    for muni in raw["municipalities"]:
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


def simulate_window(scenario: Scenario, observed: Observed, params: Parameters | None = None, *,
                    replications: int = DEFAULT_REPLICATIONS, seed: int = DEFAULT_SEED, workers: int | None = None,
                    applications_scale: float | None = None, window: bool = True) -> pd.DataFrame:
    """Simulate the observation window (the fit table) for given parameters, without fitting.

    `window=False`: `scenario` already is a window scenario (e.g. a written history file)."""
    params = params or Parameters()
    if window:
        sc = window_scenario(scenario, observed, params)
    else:
        sc = scenario
        if month_number(sc.start) != observed.start:
            raise InputError([Problem(observed.file, "", f"the window starts in {month_text(observed.start)}, the "
                                      f"history scenario in {sc.start}", "the same start")])
    seeds = SeedSequence(seed).spawn(replications)
    with Simulator(seeds, observed.months, workers) as simulator:
        means = simulator.mean([sc])[0]
    initial = {m.name: sum(m.initial_stock.values()) for m in sc.municipalities}
    return fit_table(observed, simulated_values(observed, means, initial), applications_scale)


# -- writing the calibrated scenario -------------------------------------------------------------
def _rounded(value: float) -> float:
    return float(f"{value:.6g}")


def _unwrap(value: Any) -> Any:
    from sporen.inputs.load import is_wrapper

    while is_wrapper(value):
        value = value["value"]
    return value


def _named(items: Any, name: str) -> dict | None:
    for item in _unwrap(items) or []:
        item = _unwrap(item)
        if isinstance(item, dict) and str(item.get("name")) == name:
            return item
    return None


def _values_text(values: Any) -> str:
    if isinstance(values, dict):
        return ", ".join(f"{k} {_rounded(v):g}" for k, v in values.items())
    return "[" + ", ".join(f"{_rounded(v):g}" for v in values) + "]"


def _was(scenario: Scenario, path: str) -> str:
    old = scenario.sources.get(path)
    return f" (input source, {old.kind}: {old.source.strip()})" if old is not None else ""


def calibrated_mapping(raw: dict, scenario: Scenario, params: Parameters, source: str,
                       scale: float | None = None) -> dict:
    """A raw scenario mapping (as read from YAML) with the fitted values written as
    ``{value:, source:, kind: calibrated, unit:, note:}``; everything else untouched. The note gives
    the multiplier, the input values and the input's own source."""
    raw = copy.deepcopy(raw)
    unit_apps, unit_hazard = "applications/month", "per month, by duration band"
    for muni in scenario.municipalities:
        item = _named(raw.get("municipalities"), muni.name)
        if item is None:
            continue
        a = params.application(muni.name)
        note = f"x {a:.4f} on the input values ({_values_text(muni.applications_per_month)})"
        if scale is not None:
            note += (f"; these applications stand for {scale:.3f} of the applications the observed file reports "
                     "(the observed applications fix the ratio between periods, caseload and inflow the level)")
        note += _was(scenario, f"municipalities.{muni.name}.applications_per_month")
        item["applications_per_month"] = {
            "value": {s: _rounded(v * a) for s, v in muni.applications_per_month.items()},
            "source": source, "kind": "calibrated", "unit": unit_apps, "note": note}
    if scenario.application_series:
        raw.pop("series", None)
        raw["application_series"] = {
            "value": {m: {s: {month: _rounded(v * params.application(m)) for month, v in per.items()}
                          for s, per in segs.items()} for m, segs in scenario.application_series.items()},
            "source": source, "kind": "calibrated", "unit": unit_apps,
            "note": "the input series x each municipality's fitted multiplier" + _was(scenario, "application_series")}
    for track in scenario.tracks:
        item = _named(raw.get("tracks"), track.name)
        if item is None:
            continue
        hazards = item.get("hazards")
        if isinstance(hazards, dict) and "value" in hazards and "source" in hazards:
            inherited = {k: v for k, v in hazards.items() if k != "value"}
            hazards = {c: {"value": v, **inherited} for c, v in _unwrap(hazards).items()}
        hazards = dict(hazards)
        for cause, values in track.hazards.items():
            if cause == "work":
                factor, name = params.work, "work"
            elif cause in OTHER_EXITS:
                factor, name = params.other, "other"
            else:
                continue
            hazards[cause] = {
                "value": [_rounded(v * factor) for v in values], "source": source, "kind": "calibrated",
                "unit": unit_hazard,
                "note": f"x {factor:.4f} (the {name}-exit multiplier) on the input values {_values_text(values)}"
                        + _was(scenario, f"tracks.{track.name}.hazards.{cause}")}
        item["hazards"] = hazards
    return raw


def history_mapping(history: Scenario, observed: Observed, params: Parameters, source: str) -> dict:
    """The window scenario as a raw mapping with the sources of what the window changed."""
    raw = history.model_dump(exclude={"series"})
    sources = raw.pop("sources", {}) or {}
    first = month_text(observed.start - 1)
    for muni in history.municipalities:
        base = f"municipalities.{muni.name}"
        sources[f"{base}.initial_stock"] = {
            "source": f"{observed.file}: caseload at the end of {first}, split over segments as the "
                      "scenario's initial stock", "kind": "seed", "unit": "clients", "note": ""}
        sources[f"{base}.buig_budget"] = {
            "source": "the scenario's history accounts for the window years (else its nearest budget); "
                      "not used by the calibration", "kind": "assumption", "unit": "EUR/year", "note": ""}
        sources.pop(f"{base}.applications_per_month", None)
    for track in history.tracks:
        for cause in track.hazards:
            if cause == "work" or cause in OTHER_EXITS:
                sources[f"tracks.{track.name}.hazards.{cause}"] = {
                    "source": source, "kind": "calibrated", "unit": "per month, by duration band",
                    "note": f"x {params.work if cause == 'work' else params.other:.4f} on the input values"}
    sources["application_series"] = {
        "source": source, "kind": "calibrated", "unit": "applications/month",
        "note": "the scenario's rates x each municipality's multiplier x each period's level "
                + str({k: round(v, 4) for k, v in params.periods.items()})
                + f"; the padding month after the window has the fixed rate ceiling ({CEILING:g} x the highest "
                "base rate) and the measure calibration-padding rejects its applications"}
    sources["gate.intake_role"] = {"source": "sporen calibrate: every application is decided on arrival in the "
                                   "window (the past intake capacity is not known)", "kind": "assumption",
                                   "unit": "", "note": ""}
    raw["sources"] = {k: sources[k] for k in sorted(sources)}
    return raw


def dump_yaml(raw: dict, header: str = "") -> str:
    """YAML text of a scenario mapping (key order kept), with an optional comment header."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data)

    _Dumper.add_representer(str, _str)
    body = yaml.dump(raw, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110,
                     default_flow_style=None)
    return header + body


def yaml_load(text: str) -> Any:
    """Parse YAML text written by `dump_yaml`."""
    import yaml

    return yaml.safe_load(text)


def leading_comments(text: str) -> str:
    """The comment block at the top of a YAML file."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line)
        else:
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def write_text(path: Path, text: str) -> None:
    """Write a file whole: a temporary file in the same folder, renamed over the target."""
    import tempfile

    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def format_table(table: pd.DataFrame, scale: float | None = None) -> str:
    """The fit table as text: observation, observed, simulated, error %."""
    width = max([len("observation")] + [len(s) for s in table["observation"]])
    lines = [f"{'observation':<{width}}  {'observed':>9}  {'simulated':>9}  {'error %':>7}"]
    for row in table.itertuples():
        digits = 3 if row.measure == "outflow_work_share" else 0
        lines.append(f"{row.observation:<{width}}  {row.observed:>9,.{digits}f}  {row.simulated:>9,.{max(digits, 1)}f}"
                     f"  {100 * row.error:>+7.1f}")
    if scale is not None and (table["measure"] == "applications").any():
        lines.append(f"applications: simulated = the scenario's applications / {scale:.3f} (the fitted share of the "
                     "reported applications they stand for)")
    return "\n".join(lines)
