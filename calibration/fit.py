"""The fit: multipliers that make the simulated window match the observed history.

Every candidate is simulated on the same R replication seeds (common random numbers), through
the shared runner (`sim.futures.reduce_seeds`, so local processes or a Dask cluster), and the mean
of the R replications is compared with every observation. The objective is the sum of squared
relative errors (simulated / observed - 1) of all observations plus a weak pull (``RIDGE`` x
squared log-multiplier) towards the scenario's values, so a parameter the observations cannot
identify stays where the scenario put it. It is minimised over the log-multipliers, within
[-log 4, log 4], by `scipy.optimize.least_squares` (trust-region reflective, forward differences
with an absolute 5% step: large enough to average over the jumps of a simulated mean of counts).

Applications are an observation of a different kind: a planner's "applications" count every
request, while a scenario's ``applications_per_month`` may count only those that can add a client
(bmwe.yaml leaves out grants that add no new benefit: 216 granted but 173 new benefits in H1 2018).
So the simulated applications are compared as ``scale`` x observed, where ``scale`` (the share of
reported applications the scenario's applications stand for) is fitted in closed form at every
evaluation by default; the observed applications then fix the ratio between periods, and the
caseload and inflow fix the level. ``applications_scale=1.0`` compares them one to one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.random import SeedSequence
from scipy.optimize import least_squares

from sporen.calibration.observed import ALL, Observed, month_number, month_text
from sporen.calibration.options import DEFAULT_ITERATIONS, DEFAULT_REPLICATIONS, DEFAULT_SEED
from sporen.calibration.window import (
    MAX_MULTIPLIER,
    Layout,
    Parameters,
    apply_parameters,
    simulated_values,
    spending_counts,
    window_counts,
    window_scenario,
)
from sporen.common.errors import InputError, Problem
from sporen.inputs.schema import Scenario
from sporen.sim.futures import SELECTION, reduce_seeds

RIDGE = 1e-4
"""Weight of the pull towards the scenario's values, per squared log-multiplier."""
STEP = 0.05
"""Forward-difference step in log-multiplier (5%)."""
TOLERANCE = 0.01
"""Stop when a step improves the objective by less than 1% (the simulation noise is larger)."""
SPENDING_REPLICATIONS = 200
"""Forward replications for the benefit-level fit (its standard error per municipality is a
few tenths of a percent at 200; the fit's own replications would leave about 0.5%)."""
COUNTS = window_counts
"""What a window replication adds up to (passed to the workers as a function)."""
SPENDING_COUNTS = spending_counts


@dataclass
class Backend:
    """Where the window replications run (see `sim.runner`): never changes the result."""

    workers: int | None = None
    backend: str = "local"
    scheduler: Any = None


def mean_counts(scenario: Scenario, seeds: list[SeedSequence], where: Backend) -> np.ndarray:
    """Mean over the seeds of `window.window_counts` for one window scenario."""
    total = reduce_seeds(scenario, None, seeds, COUNTS, workers=where.workers, backend=where.backend,
                         scheduler=where.scheduler)
    return np.asarray(total, dtype=float) / len(seeds)


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
    spending: pd.DataFrame | None = None  # the forward spending fit: observed, simulated before and after


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
    """Residuals of a candidate parameter vector, each candidate simulated once (cached)."""

    def __init__(self, scenario: Scenario, observed: Observed, layout: Layout, seeds: list[SeedSequence],
                 where: Backend, scale: float | None, log: Callable[[str], None] | None = None):
        self.scenario, self.observed, self.layout, self.scale = scenario, observed, layout, scale
        self.seeds, self.where, self.log = seeds, where, log
        self.evaluations = 0
        self.first: float | None = None
        self.best: float | None = None
        self._cache: dict[bytes, np.ndarray] = {}

    def simulate(self, theta: np.ndarray) -> np.ndarray:
        """The simulated value of every observation at `theta` (log-multipliers)."""
        key = np.asarray(theta, dtype=float).round(12).tobytes()
        if key not in self._cache:
            window = window_scenario(self.scenario, self.observed, self.layout.parameters(theta), self.layout)
            initial = {m.name: sum(m.initial_stock.values()) for m in window.municipalities}
            self._cache[key] = simulated_values(self.observed, mean_counts(window, self.seeds, self.where), initial)
            self.evaluations += 1
        return self._cache[key]

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        r, _ = residuals(self.observed, self.simulate(theta), self.scale)
        out = np.concatenate([r, math.sqrt(RIDGE) * np.asarray(theta)])
        value = float(out @ out)
        if self.first is None:
            self.first = value
        if self.best is None or value < self.best:
            self.best = value
            if self.log:
                self.log(f"candidate {self.evaluations}: objective {value:.6g}")
        return out

    def jacobian(self, theta: np.ndarray) -> np.ndarray:
        """Forward differences with an absolute step of `STEP` in log-multiplier (inwards at the upper
        bound). scipy's own steps are relative to theta, which is 0 at the start, so they would fall
        back to 1e-8: far below the resolution of a simulated mean of counts."""
        bound = math.log(MAX_MULTIPLIER)
        theta = np.asarray(theta, dtype=float)
        r = self(theta)
        columns = []
        for j in range(len(theta)):
            h = -STEP if theta[j] + STEP > bound else STEP
            columns.append((self(theta + h * np.eye(len(theta))[j]) - r) / h)
        return np.column_stack(columns)


def calibrate(scenario: Scenario, observed: Observed, *, replications: int = DEFAULT_REPLICATIONS,
              seed: int = DEFAULT_SEED, workers: int | None = None, backend: str = "local", scheduler: Any = None,
              applications_scale: float | None = None, iterations: int = DEFAULT_ITERATIONS,
              start: Parameters | None = None, source: str | None = None,
              log: Callable[[str], None] | None = None,
              spending_replications: int = SPENDING_REPLICATIONS, starts: int = 1) -> CalibrationResult:
    """Fit `Parameters` to `observed` (see the module doc) and return the calibrated scenarios.

    `iterations` bounds the steps of the least-squares solver per start (0 = no fit, only the
    table); `starts` > 1 fits from that many starting points (`starting_points`) and keeps the
    lowest objective (the earliest start on a tie). Every start uses the same seeds, so their
    objectives compare like for like."""
    layout = Layout(scenario, observed)
    seeds = SELECTION.seeds(seed, 0, replications)
    where = Backend(workers, backend, scheduler)
    objective = Objective(scenario, observed, layout, seeds, where, applications_scale, log)
    bound = math.log(MAX_MULTIPLIER)
    theta0 = np.clip(layout.vector(start) if start is not None else np.zeros(layout.size), -bound, bound)
    if iterations > 0:
        results = []
        for k, point in enumerate(starting_points(theta0, starts, seed, bound)):
            fitted = least_squares(objective, point, jac=objective.jacobian, bounds=(-bound, bound), method="trf",
                                   ftol=TOLERANCE, xtol=1e-3, gtol=1e-8, max_nfev=iterations, x_scale=1.0)
            results.append((float(fitted.fun @ fitted.fun), k, fitted.x))
            if log and starts > 1:
                log(f"start {k + 1}/{starts}: objective {results[-1][0]:.6g}")
        f, _, theta = min(results, key=lambda r: (r[0], r[1]))
    else:
        theta = theta0
        r0 = objective(theta)
        f = float(r0 @ r0)
    f0 = objective.first if objective.first is not None else f
    params = layout.parameters(theta)
    simulated = objective.simulate(theta)
    _, scale = residuals(observed, simulated, applications_scale)
    window = (month_text(observed.start), month_text(observed.end))
    history = window_scenario(scenario, observed, params, layout, keep_sources=True)
    spending = None
    if observed.spending:
        forward = SELECTION.seeds(seed, 0, max(replications, spending_replications))
        params.benefit, spending = fit_benefit_levels(apply_parameters(scenario, params), observed, forward, where)
    return CalibrationResult(
        scenario=apply_parameters(scenario, params), history=history, parameters=params,
        table=fit_table(observed, simulated, applications_scale), objective=f, objective_start=f0,
        applications_scale=scale, evaluations=objective.evaluations, replications=replications, seed=seed,
        window=window, names=layout.names, spending=spending)


def starting_points(theta0: np.ndarray, starts: int, seed: int, bound: float) -> list[np.ndarray]:
    """`theta0` and `starts` - 1 points spread around it: a Latin hypercube over [-log 2, log 2]
    in every log-multiplier (its own stream of `seed`), clipped to the bounds. The same seed gives
    the same points."""
    points = [np.asarray(theta0, dtype=float)]
    n, d = starts - 1, len(theta0)
    if n <= 0 or d == 0:
        return points
    rng = np.random.default_rng(SeedSequence(seed).spawn(1)[0].spawn(1)[0])
    cells = np.column_stack([rng.permutation(n) for _ in range(d)])
    u = (cells + rng.random((n, d))) / n
    offsets = (2 * u - 1) * math.log(2.0)
    points += [np.clip(points[0] + row, -bound, bound) for row in offsets]
    return points


def fit_benefit_levels(scenario: Scenario, observed: Observed, seeds: list[SeedSequence],
                       where: Backend) -> tuple[dict[str, float], pd.DataFrame]:
    """Factors on each municipality's benefit levels that make the mean simulated spending of an
    observed horizon year equal the observed spending (e.g. seed 003's 2018 prognosis).

    The scenario (hazards and applications already fitted) is simulated forward from its own
    start on the fit's seeds. The benefit level moves no client, so the factor is closed-form:
    (observed - simulated wage-cost subsidies) / simulated benefit cost; the benefit level is
    therefore net of the subsidies the scenario pays itself (no double counting). An `all` row
    gives one factor for every municipality. Returns (factors, table of the fit)."""
    totals = reduce_seeds(scenario, None, seeds, SPENDING_COUNTS, workers=where.workers, backend=where.backend,
                          scheduler=where.scheduler)
    means = np.asarray(totals, dtype=float) / len(seeds)
    names = [m.name for m in scenario.municipalities]
    years = scenario.horizon_years
    factors: dict[str, float] = {}
    rows = []
    for o in sorted(observed.spending, key=lambda o: (o.municipality != ALL, o.row)):
        k = years.index(o.first // 12)
        chosen = range(len(names)) if o.municipality == ALL else [names.index(o.municipality)]
        benefit = sum(means[0, j, k] for j in chosen)
        subsidy = sum(means[1, j, k] for j in chosen)
        factor = (o.value - subsidy) / benefit if benefit > 0 else 1.0
        for j in chosen:
            factors[names[j]] = factor
        rows.append({"row": o.row, "observation": o.label, "municipality": o.municipality, "observed": o.value,
                     "simulated_before": benefit + subsidy, "subsidy": subsidy, "factor": factor,
                     "replications": len(seeds)})
    return factors, pd.DataFrame(rows)


def simulate_window(scenario: Scenario, observed: Observed, params: Parameters | None = None, *,
                    replications: int = DEFAULT_REPLICATIONS, seed: int = DEFAULT_SEED, workers: int | None = None,
                    backend: str = "local", scheduler: Any = None, applications_scale: float | None = None,
                    window: bool = True) -> pd.DataFrame:
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
    means = mean_counts(sc, SELECTION.seeds(seed, 0, replications), Backend(workers, backend, scheduler))
    initial = {m.name: sum(m.initial_stock.values()) for m in sc.municipalities}
    return fit_table(observed, simulated_values(observed, means, initial), applications_scale)
