"""Sample average approximation with common random numbers: seeds, the simulation oracle, the design.

**Seeds.** The optimisation uses the R replications ``SeedSequence(seed).spawn(R)`` (spawn keys
0..R-1, the same futures `sporen simulate` draws for R replications). Verification uses V fresh
replications: the children R..R+V-1 of ``SeedSequence(seed).spawn(R + V)``, so the two sets
never share a seed (`tests/test_optimise_design.py` checks it). Every plan is simulated on the
same seeds, so the difference between two plans in one replication is a paired comparison.

**Oracle.** `Oracle` is the optimiser's only door to the simulator: it calls
``sim.api.evaluate(scenario, plan, seeds, workers=K, ...)``, caches results per plan and seed
set, counts every replication simulated against the budget (``--budget-sims``) and shows a tqdm
bar on stderr.

**Design.** The baseline plus one-lever-at-a-time points (every level of every lever, the others
at baseline), all on the optimisation seeds. The response of a level is the paired difference
``delta[lever][level][r, year, municipality] = result_after_vangnet(point) - result_after_vangnet(baseline)``
in whole euros. Full plans simulated later (the loop's chosen plans and their neighbours) are
kept in `Design.full`; the model uses their difference from the additive prediction as an
interaction correction.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm import tqdm

from sporen.inputs.schema import Scenario
from sporen.optimise.decisions import Choice, DecisionSpace

RESPONSE = "result_after_vangnet"
"""The yearly column the target is set on: BUIG result plus vangnet, whole euros."""

Evaluate = Callable[..., object]


def optimisation_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """The R optimisation seeds: children 0..R-1 of SeedSequence(seed)."""
    return np.random.SeedSequence(seed).spawn(replications)


def verification_seeds(seed: int, replications: int, verify: int) -> list[np.random.SeedSequence]:
    """The V verification seeds: children R..R+V-1 of SeedSequence(seed), disjoint from the optimisation's."""
    return np.random.SeedSequence(seed).spawn(replications + verify)[replications:]


def seed_label(seeds: list[np.random.SeedSequence]) -> str:
    """How a seed set is written in verification.csv: entropy and spawn-key range."""
    if not seeds:
        return ""
    keys = [s.spawn_key[-1] for s in seeds]
    return f"SeedSequence({seeds[0].entropy}).spawn children {min(keys)}-{max(keys)}"


class BudgetSpent(RuntimeError):
    """The simulation budget (replications) does not allow the next evaluation."""


def result_array(yearly: pd.DataFrame, years: list[int], municipalities: list[str],
                 scenario: Scenario | None = None) -> np.ndarray:
    """result_after_vangnet as an int64 array [replication, year, municipality] (replications in order).

    With `scenario`, a (year, municipality) without accounts of its own (merged away, or not yet
    merged: `Scenario.exists`) is 0."""
    table = yearly.pivot_table(index="replication", columns=["year", "municipality"], values=RESPONSE,
                               aggfunc="sum").sort_index()
    columns = pd.MultiIndex.from_product([years, municipalities], names=["year", "municipality"])
    table = table.reindex(columns=columns)
    if scenario is not None:
        absent = [(y, m) for y, m in columns if not scenario.exists(m, y)]
        table[absent] = table[absent].fillna(0)
    if table.isna().to_numpy().any():
        raise ValueError("the simulator returned no result for some year or municipality")
    values = np.rint(table.to_numpy(dtype=float)).astype(np.int64)
    return values.reshape(len(table), len(years), len(municipalities))


def caseload_by_track(monthly: pd.DataFrame) -> dict[str, float]:
    """Peak over months of the mean (over replications) caseload of each track, all municipalities."""
    load = monthly.assign(caseload=monthly["on_benefit"] + monthly["without_benefit"])
    per_month = load.groupby(["replication", "month", "track"])["caseload"].sum()
    mean = per_month.groupby(["month", "track"]).mean()
    return {str(track): float(v) for track, v in mean.groupby("track").max().items()}


@dataclass
class Oracle:
    """Simulates plans of a decision space through `evaluate`, with caching, budget and progress."""

    scenario: Scenario
    space: DecisionSpace
    evaluate: Evaluate
    opt_seeds: list[np.random.SeedSequence]
    ver_seeds: list[np.random.SeedSequence]
    workers: int = 1
    budget: int | None = None
    progress: bool = False
    sims: int = 0
    calls: int = 0
    seconds: float = 0.0
    cache: dict[tuple[str, Choice], np.ndarray] = field(default_factory=dict)
    _bar: tqdm | None = None

    def __post_init__(self) -> None:
        self.municipalities = self.scenario.accounting_units  # with merged municipalities (mergers)
        self.years = list(self.scenario.horizon_years)
        # the bar shows the work planned, not the budget's ceiling: the design first, then each
        # further simulation is added to the total when it is started (see `run`)
        planned = design_size(self.space, len(self.opt_seeds))
        self._bar = tqdm(total=planned, desc="simulated replications", unit="rep", file=sys.stderr,
                         disable=not self.progress, leave=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.sims

    def affordable(self, replications: int) -> bool:
        return self.budget is None or self.sims + replications <= self.budget

    def run(self, choice: Choice, which: str = "opt", monthly: bool = False):
        """Simulate a full plan on the optimisation ('opt') or verification ('ver') seeds."""
        import time

        seeds = self.opt_seeds if which == "opt" else self.ver_seeds
        if not self.affordable(len(seeds)):
            raise BudgetSpent(f"{self.sims} of {self.budget} replications used; {len(seeds)} more needed")
        frames = ("yearly", "monthly") if monthly else ("yearly",)
        if self._bar is not None and self._bar.total is not None and self.sims + len(seeds) > self._bar.total:
            self._bar.total = self.sims + len(seeds)   # work beyond the design: planned now, shown now
            self._bar.refresh()
        plan = self.space.plan(choice, name=self.space.describe(choice))
        started = time.perf_counter()
        run = self.evaluate(self.scenario, plan, seeds, workers=self.workers, progress=False, frames=frames)
        self.seconds += time.perf_counter() - started
        self.sims += len(seeds)
        self.calls += 1
        if self._bar is not None:
            self._bar.update(len(seeds))
        self.cache[(which, choice)] = result_array(run.yearly, self.years, self.municipalities, self.scenario)
        return run

    def results(self, choice: Choice, which: str = "opt") -> np.ndarray:
        """result_after_vangnet [r, year, municipality] of a plan, simulated once per seed set."""
        if (which, choice) not in self.cache:
            self.run(choice, which)
        return self.cache[(which, choice)]

    def known(self, choice: Choice, which: str = "opt") -> bool:
        return (which, choice) in self.cache


@dataclass
class Design:
    """Baseline and one-at-a-time responses on the optimisation seeds, plus simulated full plans."""

    space: DecisionSpace
    years: list[int]
    municipalities: list[str]
    baseline: np.ndarray                       # [r, year, municipality]
    delta: list[list[np.ndarray]]              # [lever][level] -> [r, year, municipality]
    caseload_peak: dict[str, float]            # track -> peak mean caseload in the baseline
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
        for choice, _ in self.full.items():
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
        self.full[choice] = results


def design_points(space: DecisionSpace) -> list[Choice]:
    """Baseline first, then every non-baseline level of every lever with the others at baseline."""
    base = space.baseline
    points = [base]
    for i, lever in enumerate(space.levers):
        for k in range(len(lever.levels)):
            if k != lever.baseline:
                points.append(base[:i] + (k,) + base[i + 1:])
    return points


def design_size(space: DecisionSpace, replications: int) -> int:
    """Replications the design simulates."""
    return len(design_points(space)) * replications


def build_design(oracle: Oracle) -> Design:
    """Simulate the baseline (with monthly frames, for caseloads) and every one-at-a-time point."""
    space = oracle.space
    base = space.baseline
    run = oracle.run(base, "opt", monthly=True)
    monthly = getattr(run, "monthly", None)
    peaks = caseload_by_track(monthly) if monthly is not None and len(monthly) else {}
    baseline = oracle.cache[("opt", base)]
    delta: list[list[np.ndarray]] = []
    for i, lever in enumerate(space.levers):
        row = []
        for k in range(len(lever.levels)):
            if k == lever.baseline:
                row.append(np.zeros_like(baseline))
            else:
                point = base[:i] + (k,) + base[i + 1:]
                row.append(oracle.results(point, "opt") - baseline)
        delta.append(row)
    design = Design(space, oracle.years, oracle.municipalities, baseline, delta, peaks)
    for point in design_points(space):
        design.add(point, oracle.results(point, "opt"))
    return design
