"""Futures (seeds), the simulation oracle with growing samples, and the one-at-a-time design.

**Futures.** Two kinds of simulated futures, never shared:

* *selection futures*: child i of ``SeedSequence(seed)`` (spawn key ``(i,)``), i = 0, 1, 2, ...
  The design and every test the search makes use the first n of them, so every plan is compared
  with every other on the same futures (common random numbers) and a plan's sample grows by
  simulating only the futures it lacks. They are the futures `sporen simulate -n R` draws.
* *verification futures*: block j (j = 0, 1, 2, ...) is the children with spawn keys
  ``VERIFY_BASE + j x VERIFY_BLOCK + i``. The chosen plan's probability is reported on a block
  no decision of the search has seen; when a verification sends the search on, the next
  candidate is verified on the next block.

**Oracle.** `Oracle` is the optimiser's only door to the simulator: it calls
``sim.api.evaluate(scenario, plan, seeds, workers=K, ...)``, keeps every plan's yearly results per
stream of futures, counts every replication against the budget (``--budget-sims``) and reports
progress as (simulated, planned) replications.

**Design.** The baseline plus one-lever-at-a-time points on the first n selection futures: every
level of a lever with at most `DESIGN_LEVELS` levels on each side of its baseline, else that many
evenly spread levels (the first step and the last always among them); the responses of the levels
in between are interpolated. ``delta[lever][level][r, year, municipality]`` is the paired
difference from the baseline in whole euros. Whole plans simulated later are kept in
`Design.full`; the model uses their difference from the additive prediction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sporen.inputs.schema import Scenario
from sporen.optimise.decisions import Choice, DecisionSpace, Point
from sporen.sim import api as futures
from sporen.sim.api import VERIFY_BASE as VERIFY_BASE  # re-exported: where verification begins

RESPONSE = "result_after_vangnet"
"""The yearly column a BUIG target is set on: BUIG result plus vangnet, whole euros."""
COLUMNS = ("result_after_vangnet", "exploitatie_result")
"""The yearly columns kept per plan and future (the target's column is one of them)."""
VERIFY_BLOCK = futures.BLOCK
"""The streams of futures are defined once, in `sim.futures` (VERIFY_BASE, BLOCK come from there)."""
DESIGN_LEVELS = 2
"""Simulated levels of a lever on each side of its baseline in the design (the first step and the last;
the others are interpolated: the design only screens, every decision is a whole-plan simulation)."""

SELECTION = ("selection", 0)
Stream = tuple[str, int]
Evaluate = futures.Evaluate
"""The evaluator port (`sim.futures.Evaluate`): sim.api.evaluate, or a fake oracle in the tests."""
Progress = Callable[[int, int, str], None]
"""progress(simulated, planned, stage): replications simulated so far and planned so far."""


def selection_seeds(seed: int, start: int, stop: int) -> list[np.random.SeedSequence]:
    """Selection futures start..stop-1: child i of SeedSequence(seed)."""
    return futures.SELECTION.seeds(seed, start, stop)


def verification_seeds(seed: int, block: int, start: int, stop: int) -> list[np.random.SeedSequence]:
    """Futures start..stop-1 of verification block `block` (disjoint from every selection future)."""
    return futures.verification(block).seeds(seed, start, stop)


def stream_seeds(seed: int, stream: Stream, start: int, stop: int) -> list[np.random.SeedSequence]:
    kind, block = stream
    if kind == "selection":
        return selection_seeds(seed, start, stop)
    return verification_seeds(seed, block, start, stop)


def seed_label(seed: int, stream: Stream, n: int) -> str:
    """How a set of futures is written in the outputs: root seed and spawn-key range."""
    kind, block = stream
    return (futures.SELECTION if kind == "selection" else futures.verification(block)).label(seed, n)


class BudgetSpent(RuntimeError):
    """The simulation budget (replications) does not allow the next evaluation."""


def result_array(yearly: pd.DataFrame, years: list[int], municipalities: list[str],
                 column: str = RESPONSE, scenario: Scenario | None = None) -> np.ndarray:
    """A yearly column as an int64 array [replication, year, municipality] (replications in order).

    With `scenario`, a (year, municipality) without accounts of its own (merged away, or not yet
    merged: `Scenario.exists`) is 0."""
    reps, r_idx = np.unique(yearly["replication"].to_numpy(), return_inverse=True)
    y_idx = pd.Index(years).get_indexer(pd.Index(yearly["year"]))
    m_idx = pd.Index(municipalities).get_indexer(pd.Index(yearly["municipality"]))
    keep = (y_idx >= 0) & (m_idx >= 0)
    shape = (len(reps), len(years), len(municipalities))
    total = np.zeros(shape, dtype=float)
    count = np.zeros(shape, dtype=np.int64)
    np.add.at(total, (r_idx[keep], y_idx[keep], m_idx[keep]), yearly[column].to_numpy(dtype=float)[keep])
    np.add.at(count, (r_idx[keep], y_idx[keep], m_idx[keep]), 1)
    if scenario is not None:
        for j, year in enumerate(years):
            for k, municipality in enumerate(municipalities):
                if not scenario.exists(municipality, year):
                    count[:, j, k] = np.maximum(count[:, j, k], 1)
    if np.any(count == 0):
        raise ValueError("the simulator returned no result for some year or municipality")
    return np.rint(total).astype(np.int64)


def caseload_by_track(monthly: pd.DataFrame) -> dict[str, float]:
    """Peak over months of the mean (over replications) caseload of each track, all municipalities."""
    load = monthly.assign(caseload=monthly["on_benefit"] + monthly["without_benefit"])
    per_month = load.groupby(["replication", "month", "track"])["caseload"].sum()
    mean = per_month.groupby(["month", "track"]).mean()
    return {str(track): float(v) for track, v in mean.groupby("track").max().items()}


@dataclass
class Oracle:
    """Simulates points of a decision space through `evaluate`, growing each plan's sample on demand."""

    scenario: Scenario
    space: DecisionSpace
    evaluate: Evaluate
    seed: int
    workers: int = 1
    budget: int | None = None
    progress: Progress | None = None
    sims: int = 0
    reserve: int = 0                 # replications kept for the verification (search stages may not use them)
    planned: int = 0
    calls: int = 0
    seconds: float = 0.0
    stage: str = ""
    store: dict[tuple[Stream, Point], dict[str, np.ndarray]] = field(default_factory=dict)
    runs: dict[tuple[Stream, Point], list] = field(default_factory=dict)
    keep_runs: bool = False
    evaluate_many: Any = None        # sim.futures.EvaluateMany: several plans on the same futures in one dispatch
    batches: int = 0                 # dispatches of several plans at once
    cached: dict = field(default_factory=dict)   # a former run's store (optimise/cache.py): reused, not re-simulated
    reused: int = 0                  # replications taken from `cached`

    def __post_init__(self) -> None:
        self.municipalities = self.scenario.accounting_units  # with merged municipalities (mergers)
        self.years = list(self.scenario.horizon_years)

    def remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.sims

    def affordable(self, replications: int) -> bool:
        return self.budget is None or self.sims + replications <= self.budget - self.reserve

    def have(self, point: Point, stream: Stream = SELECTION) -> int:
        """Futures of the stream the point has been simulated on (always the first ones)."""
        stored = self.store.get((stream, point))
        return 0 if stored is None else len(next(iter(stored.values())))

    def expect(self, replications: int) -> None:
        """Announce work the current stage has planned (the progress total grows by it)."""
        self.planned = max(self.planned, self.sims) + max(0, replications)
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.sims, max(self.planned, self.sims), self.stage)

    def simulate(self, point: Point, n: int, stream: Stream = SELECTION, monthly: bool = False):
        """Simulate the point on the first n futures of the stream (only those it lacks); return the run
        of the new futures (None when nothing was missing)."""
        have = self.have(point, stream)
        if n <= have and not monthly:
            return None
        start = have if not monthly else 0
        missing = n - start
        if not self.affordable(missing):
            raise BudgetSpent(f"{self.sims} of {self.budget} replications used; {missing} more needed")
        if self.planned < self.sims + missing:
            self.planned = self.sims + missing
        if not monthly and self._from_cache(point, stream, have, n):
            return None
        seeds = stream_seeds(self.seed, stream, start, n)
        frames = ("yearly", "monthly") if monthly else ("yearly",)
        plan = self.space.point_plan(point, name=self.space.describe_point(point))
        started = time.perf_counter()
        run: Any = self.evaluate(self.scenario, plan, seeds, workers=self.workers, progress=False, frames=frames)
        self.seconds += time.perf_counter() - started
        self.calls += 1
        self._store(point, stream, run, missing, monthly)
        return run

    def prefetch(self, points: list[Point], n: int, stream: Stream = SELECTION) -> None:
        """Simulate every point that lacks some of the first n futures of the stream, those lacking the same
        futures in one dispatch (`evaluate_many`: every worker busy); without it, one by one. The results are
        the ones `simulate` would give (the same seeds per future)."""
        groups: dict[int, list[Point]] = {}
        for point in dict.fromkeys(points):
            have = self.have(point, stream)
            if have < n and not self._cached_enough(point, stream, n):
                groups.setdefault(have, []).append(point)
        for have, group in sorted(groups.items()):
            if self.evaluate_many is None or len(group) == 1:
                for point in group:
                    self.simulate(point, n, stream)
                continue
            missing = (n - have) * len(group)
            if not self.affordable(missing):
                raise BudgetSpent(f"{self.sims} of {self.budget} replications used; {missing} more needed")
            if self.planned < self.sims + missing:
                self.planned = self.sims + missing
            seeds = stream_seeds(self.seed, stream, have, n)
            cases = [(self.scenario, self.space.point_plan(p, name=self.space.describe_point(p))) for p in group]
            started = time.perf_counter()
            runs = self.evaluate_many(cases, seeds, workers=self.workers, progress=False, frames=("yearly",))
            self.seconds += time.perf_counter() - started
            self.calls += 1
            self.batches += 1
            for point, run in zip(group, runs, strict=True):
                self._store(point, stream, run, n - have, False)

    def _cached_enough(self, point: Point, stream: Stream, n: int) -> bool:
        kept = self.cached.get((stream, point))
        return kept is not None and all(len(values) >= n for values in kept.values())

    def _from_cache(self, point: Point, stream: Stream, have: int, n: int) -> bool:
        """Take futures have..n-1 of the point from a former run's store (counted like simulated ones, so
        every decision, count and file is the same as on a cold run); False when it lacks them."""
        if not self._cached_enough(point, stream, n):
            return False
        kept = self.cached[(stream, point)]
        old = self.store.get((stream, point))
        new = {c: np.asarray(v[have:n]) for c, v in kept.items()}
        self.store[(stream, point)] = new if old is None else {c: np.concatenate([old[c], new[c]]) for c in new}
        self.sims += n - have
        self.reused += n - have
        self._report()
        return True

    def _store(self, point: Point, stream: Stream, run: Any, missing: int, monthly: bool) -> None:
        """Keep the yearly columns of a run of `missing` new futures of the point."""
        self.sims += missing
        new = {}
        for column in COLUMNS:
            if column in run.yearly.columns:
                new[column] = result_array(run.yearly, self.years, self.municipalities, column,
                                           self.scenario)
        key = (stream, point)
        if monthly:
            self.store[key] = new
        else:
            old = self.store.get(key)
            self.store[key] = new if old is None else {c: np.concatenate([old[c], new[c]]) for c in new}
        if self.keep_runs:
            self.runs.setdefault(key, []).append(run)
        self._report()

    def results(self, point: Point, n: int, stream: Stream = SELECTION, column: str = RESPONSE) -> np.ndarray:
        """A yearly column [r, year, municipality] of a point on the first n futures of a stream."""
        self.simulate(point, n, stream)
        stored = self.store[(stream, point)]
        if column not in stored:
            raise KeyError(f"the simulator returned no '{column}' column")
        return stored[column][:n]


def design_levels(space: DecisionSpace, i: int) -> list[int]:
    """Level indices of lever i simulated in the design (the baseline included)."""
    lever = space.levers[i]
    base = lever.baseline
    up = list(range(base + 1, len(lever.levels)))
    down = list(range(base - 1, -1, -1))
    chosen = {base}
    for side in (up, down):
        if len(side) <= DESIGN_LEVELS:
            chosen.update(side)
        else:
            picks = np.rint(np.linspace(0, len(side) - 1, DESIGN_LEVELS)).astype(int)
            chosen.update(side[j] for j in picks)
    return sorted(chosen)


@dataclass
class Design:
    """Baseline and one-at-a-time responses on the design futures, plus simulated whole plans."""

    space: DecisionSpace
    years: list[int]
    municipalities: list[str]
    baseline: np.ndarray                       # [r, year, municipality]
    delta: list[list[np.ndarray]]              # [lever][level] -> [r, year, municipality]
    simulated: list[list[int]]                 # [lever] -> level indices simulated (others interpolated)
    caseload_peak: dict[str, float]            # track -> peak mean caseload in the baseline
    column: str = RESPONSE
    full: dict[Choice, np.ndarray] = field(default_factory=dict)

    @property
    def replications(self) -> int:
        return self.baseline.shape[0]

    def additive(self, choice: Choice) -> np.ndarray:
        """Prediction of a full plan from the one-at-a-time responses alone."""
        out = self.baseline.copy()
        for i, k in enumerate(choice):
            out += self.delta[i][k]
        return out

    def correction(self, choice: Choice) -> np.ndarray:
        """Simulated minus additive result of a simulated full plan (the interaction)."""
        return self.full[choice] - self.additive(choice)

    def corrections(self) -> dict[Choice, np.ndarray]:
        """Interaction corrections of the simulated full plans that are not design points."""
        out = {}
        for choice in self.full:
            corr = self.correction(choice)
            if np.any(corr != 0):
                out[choice] = corr
        return out

    def predict(self, choice: Choice) -> np.ndarray:
        """The model's prediction: the simulation where the plan was simulated, else additive."""
        if choice in self.full:
            return self.full[choice]
        return self.additive(choice)

    def add(self, choice: Choice, results: np.ndarray) -> None:
        self.full[choice] = results[: self.replications]


def design_points(space: DecisionSpace) -> list[Choice]:
    """Baseline first, then the design levels of every lever with the others at baseline."""
    base = space.baseline
    points = [base]
    for i in range(len(space.levers)):
        for k in design_levels(space, i):
            if k != space.levers[i].baseline:
                points.append(base[:i] + (k,) + base[i + 1:])
    return points


def design_size(space: DecisionSpace, replications: int) -> int:
    """Replications the design simulates."""
    return len(design_points(space)) * replications


def _interpolate(values: list[float], known: dict[int, np.ndarray], k: int) -> np.ndarray:
    """The response at level k, linear in the level's value between the nearest simulated levels."""
    if k in known:
        return known[k]
    below = max((j for j in known if j < k), default=None)
    above = min((j for j in known if j > k), default=None)
    if below is None or above is None:  # pragma: no cover - the first and last steps are simulated
        nearest = below if below is not None else above
        assert nearest is not None, "the design simulates at least the baseline"
        return known[nearest]
    t = (float(values[k]) - float(values[below])) / (float(values[above]) - float(values[below]))
    return np.rint(known[below] + t * (known[above] - known[below])).astype(np.int64)


def build_design(oracle: Oracle, replications: int, column: str = RESPONSE) -> Design:
    """Simulate the baseline (with monthly frames, for caseloads) and the one-at-a-time points."""
    space = oracle.space
    base = space.baseline
    points = design_points(space)
    oracle.expect(len(points) * replications)
    run = oracle.simulate(space.point(base), replications, monthly=True)
    monthly = getattr(run, "monthly", None) if run is not None else None
    peaks = caseload_by_track(monthly) if monthly is not None and len(monthly) else {}
    baseline = oracle.results(space.point(base), replications, column=column)
    # every design point in one dispatch (the order of simulation does not change any result)
    lever_points = [space.point(base[:i] + (k,) + base[i + 1:]) for i, lever in enumerate(space.levers)
                    for k in design_levels(space, i) if k != lever.baseline]
    oracle.prefetch(lever_points + [space.point(choice) for choice in points], replications)
    delta: list[list[np.ndarray]] = []
    simulated: list[list[int]] = []
    for i, lever in enumerate(space.levers):
        levels = design_levels(space, i)
        known: dict[int, np.ndarray] = {}
        for k in levels:
            if k == lever.baseline:
                known[k] = np.zeros_like(baseline)
            else:
                point = space.point(base[:i] + (k,) + base[i + 1:])
                known[k] = oracle.results(point, replications, column=column) - baseline
        delta.append([_interpolate(list(lever.levels), known, k) for k in range(len(lever.levels))])
        simulated.append(levels)
    design = Design(space, oracle.years, oracle.municipalities, baseline, delta, simulated, peaks, column)
    for choice in points:
        design.add(choice, oracle.results(space.point(choice), replications, column=column))
    return design
