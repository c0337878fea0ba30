"""One core for simulated futures: the seed streams, the evaluator port, batch dispatch and a cache.

Usage (every caller that simulates -- optimise, calibration, compare, sensitivity, plan, the page):

    from sporen.sim import futures

    seeds = futures.SELECTION.seeds(root, 0, 40)             # the first 40 selection futures
    check = futures.verification(0).seeds(root, 0, 200)     # block 0 of the verification futures
    run = futures.evaluate(scenario, plan, seeds, workers=2, frames=("yearly",))        # a RunResult
    runs = futures.evaluate_many([(scenario, plan_a), (scenario, plan_b)], seeds, workers=2)
    cache = futures.FutureCache(futures.evaluate_many)       # or any EvaluateMany (a fake in tests)
    values = cache.values(scenario, [plan_a, plan_b], seeds, workers=2)   # values[plan][replication]
    cache.save(folder / "futures.npz"); cache.load(folder / "futures.npz")   # a rerun reuses them

A *future* is one `numpy.random.SeedSequence`: child ``first + i`` of ``SeedSequence(root)`` for
future i of a `Stream`. The streams are disjoint ranges of children, defined here once:

* `SELECTION` (children 0, 1, ...): what `sporen simulate -n R --seed S` draws, what compare and
  the calibration use, and the futures on which the optimiser chooses (common random numbers).
* `verification(j)` (children ``VERIFY_BASE + j * BLOCK + i``): futures no decision of the search
  has seen; the plan's probability is stated on them. `report(j)` is the same block: the report
  is made on the futures that verified the plan, so they are simulated once.
* `PAGE`: the what-if page's futures, children 0, 1, ... of the page's own seed, so the page shows
  what `sporen simulate --seed S` shows.
* `sensitivity(j)` (children ``SENSITIVITY_BASE + j * BLOCK + i``): the sensitivity analysis's
  futures, apart from the ones a plan was chosen or verified on.

`Evaluate` and `EvaluateMany` are the ports: plain functions, passed as functions. `evaluate_many`
simulates many (scenario, plan) cases on the same seeds in one dispatch, so every worker is busy
and the scenario travels once; `one_by_one` turns an `Evaluate` (a fake, say) into an
`EvaluateMany`. `FutureCache` keeps one value per (scenario digest, plan digest, future) and
simulates only the futures a plan lacks, all lacking plans in one dispatch; `save`/`load` keep it
on disk (arrays only, no pickles) so a rerun in the same run folder simulates nothing twice.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.random import SeedSequence

from sporen.common.files import write_bytes
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.sim.runner import Reducer, RunResult, reduce_seeds, simulate_cases, simulate_seeds

__all__ = ["BLOCK", "EVALUATE_FRAMES", "PAGE", "SELECTION", "SENSITIVITY_BASE", "VERIFY_BASE", "Case", "Evaluate",
           "EvaluateMany", "FutureCache", "Reduce", "Reducer", "RunResult", "Stream", "evaluate", "evaluate_many",
           "future_index", "one_by_one", "plan_digest", "reduce_seeds", "report", "scenario_digest", "sensitivity",
           "verification", "yearly_arrays"]

EVALUATE_FRAMES = ("yearly", "kpis")
"""The frames `evaluate` builds unless asked otherwise."""
VERIFY_BASE = 1_000_000_000
"""First child of verification block 0."""
SENSITIVITY_BASE = 2_000_000_000
"""First child of sensitivity block 0."""
BLOCK = 1_000_000
"""Futures per block of the verification and sensitivity streams."""
BLOCKS = 1_000
"""Blocks per stream: the verification blocks end where the sensitivity blocks begin."""

Case = tuple[Scenario, "Plan | None"]
"""One thing to simulate: a scenario under a plan (None: the baseline plan)."""


# -- the streams ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stream:
    """A named range of futures: future i is child ``first + i`` of ``SeedSequence(root)``."""

    kind: str
    first: int = 0
    size: int | None = None   # futures in the range (None: unbounded)

    def seed(self, root: int, index: int) -> SeedSequence:
        """Future `index` of this stream."""
        if index < 0 or (self.size is not None and index >= self.size):
            raise IndexError(f"future {index} is outside the {self.kind} stream (0 to {self.size})")
        return SeedSequence(root, spawn_key=(self.first + index,))

    def seeds(self, root: int, start: int, stop: int) -> list[SeedSequence]:
        """Futures start .. stop-1 of this stream."""
        return [self.seed(root, i) for i in range(start, stop)]

    def label(self, root: int, n: int, start: int = 0) -> str:
        """How a set of futures is written in the outputs: the root seed and the children's range."""
        return f"SeedSequence({root}) children {self.first + start}-{self.first + start + n - 1}"


SELECTION = Stream("selection")
PAGE = Stream("page")


def _block(kind: str, base: int, block: int) -> Stream:
    if not 0 <= block < BLOCKS:
        raise ValueError(f"{kind} block {block} (allowed: 0 to {BLOCKS - 1})")
    return Stream(kind, base + block * BLOCK, BLOCK)


def verification(block: int) -> Stream:
    """Verification block `block`: futures no choice of the search has seen."""
    return _block("verification", VERIFY_BASE, block)


def report(block: int) -> Stream:
    """The futures the report is made on: the verification block that verified the plan."""
    return verification(block)


def sensitivity(block: int = 0) -> Stream:
    """The sensitivity analysis's futures (block `block`)."""
    return _block("sensitivity", SENSITIVITY_BASE, block)


def future_index(seed: SeedSequence) -> tuple[int, int]:
    """(root entropy, child number) of a future made by a `Stream`."""
    entropy = seed.entropy
    if not isinstance(entropy, (int, np.integer)) or len(seed.spawn_key) != 1:
        raise ValueError("not a future of a sporen stream (SeedSequence(int) child)")
    return int(entropy), int(seed.spawn_key[0])


# -- the ports ----------------------------------------------------------------------------------------
class Evaluate(Protocol):
    """Simulate one plan on the seeds (replication i = seeds[i]); `sim.api.evaluate` is one."""

    def __call__(self, scenario: Scenario, plan: Plan | None, seeds: Sequence[SeedSequence], *,
                 workers: int = 1, progress: bool = False,
                 frames: Sequence[str] = EVALUATE_FRAMES) -> RunResult: ...


class EvaluateMany(Protocol):
    """Simulate many cases on the same seeds; one result per case, in order."""

    def __call__(self, cases: Sequence[Case], seeds: Sequence[SeedSequence], *, workers: int = 1,
                 progress: bool = False, frames: Sequence[str] = EVALUATE_FRAMES) -> list[RunResult]: ...


def evaluate(scenario: Scenario, plan: Plan | None, seeds: Sequence[SeedSequence], *, workers: int = 1,
             progress: bool = False, frames: Sequence[str] = EVALUATE_FRAMES, backend: str = "local",
             scheduler: Any = None, rules: Mapping[int, Any] | None = None) -> RunResult:
    """Simulate `plan` once per seed: the stacked frames asked for (default yearly and kpis)."""
    return simulate_seeds(scenario, plan, list(seeds), workers=workers, backend=backend, scheduler=scheduler,
                          progress=progress, frames=tuple(frames), rules=rules)


def evaluate_many(cases: Sequence[Case], seeds: Sequence[SeedSequence], *, workers: int = 1,
                  progress: bool = False, frames: Sequence[str] = EVALUATE_FRAMES, backend: str = "local",
                  scheduler: Any = None, rules: Mapping[int, Any] | None = None) -> list[RunResult]:
    """Every case on the same seeds in one dispatch (cases x seeds spread over the workers). `rules`:
    the vangnet rules of every case (default: each scenario's own)."""
    return simulate_cases(list(cases), list(seeds), workers=workers, backend=backend, scheduler=scheduler,
                          progress=progress, frames=tuple(frames), rules=[rules] * len(cases))


def one_by_one(evaluate: Evaluate) -> EvaluateMany:
    """An `EvaluateMany` that calls `evaluate` once per case (for fakes and simple callers)."""

    def many(cases: Sequence[Case], seeds: Sequence[SeedSequence], *, workers: int = 1, progress: bool = False,
             frames: Sequence[str] = EVALUATE_FRAMES) -> list[RunResult]:
        return [evaluate(scenario, plan, seeds, workers=workers, progress=progress, frames=frames)
                for scenario, plan in cases]

    return many


# -- digests and the cache ------------------------------------------------------------------------------
def scenario_digest(scenario: Scenario) -> str:
    """A short hash of everything the simulator reads from the scenario."""
    return hashlib.sha256(scenario.model_dump_json().encode("utf-8")).hexdigest()[:16]


def plan_digest(plan: Plan | None) -> str:
    """A short hash of what a plan does (its name left out; None is the baseline plan)."""
    plan = plan if plan is not None else Plan()
    return hashlib.sha256(plan.model_dump_json(exclude={"name"}).encode("utf-8")).hexdigest()[:16]


Reduce = Callable[[Scenario, RunResult], Sequence[Any]]
"""What the cache keeps of a run: one value per replication, in the run's order."""


def yearly_arrays(columns: Sequence[str] = ("result_after_vangnet",)) -> Reduce:
    """A `Reduce` keeping, per replication, {column: int64 array [year, accounting unit]}."""

    def reduce(scenario: Scenario, run: RunResult) -> list[dict[str, np.ndarray]]:
        yearly = run.yearly
        assert yearly is not None, "the cache's frames include yearly"
        years = list(scenario.horizon_years)
        units = list(scenario.accounting_units)
        n = run.replications
        y = np.searchsorted(np.asarray(years), yearly["year"].to_numpy())
        u = np.asarray([units.index(m) for m in yearly["municipality"]], dtype=np.int64)
        r = yearly["replication"].to_numpy()
        out = []
        arrays = {}
        for column in columns:
            full = np.zeros((n, len(years), len(units)), dtype=np.int64)
            full[r, y, u] = yearly[column].to_numpy(np.int64)
            arrays[column] = full
        for i in range(n):
            out.append({column: arrays[column][i] for column in columns})
        return out

    return reduce


class FutureCache:
    """Values of simulated futures kept by (scenario digest, plan digest, root seed, child number).

    `values` simulates only the futures each plan lacks, every lacking plan in one `EvaluateMany`
    dispatch, and keeps at most `capacity` futures (least recently used go first). Thread-safe."""

    def __init__(self, evaluate_many: EvaluateMany, *, frames: Sequence[str] = ("yearly",),
                 reduce: Reduce | None = None, capacity: int | None = None):
        self.evaluate_many = evaluate_many
        self.frames = tuple(frames)
        self.reduce = reduce if reduce is not None else yearly_arrays()
        self.capacity = capacity
        self.simulated = 0   # futures simulated through this cache (the others were found)
        self._store: OrderedDict[tuple[str, str, int, int], Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._store)

    def values(self, scenario: Scenario, plans: Sequence[Plan | None], seeds: Sequence[SeedSequence], *,
               workers: int = 1, progress: bool = False) -> list[list[Any]]:
        """values[p][i]: the kept value of plan p on seeds[i], simulated where missing."""
        digest = scenario_digest(scenario)
        futures = [future_index(s) for s in seeds]
        keys = [[(digest, plan_digest(plan), root, child) for root, child in futures] for plan in plans]
        with self._lock:
            lacking = sorted({i for row in keys for i, key in enumerate(row) if key not in self._store})
        if lacking:
            self._fill(scenario, plans, keys, seeds, lacking, workers, progress)
        with self._lock:
            for row in keys:
                for key in row:
                    self._store.move_to_end(key)
            found = [[self._store[key] for key in row] for row in keys]
            while self.capacity is not None and len(self._store) > self.capacity:
                self._store.popitem(last=False)
            return found

    def _fill(self, scenario: Scenario, plans: Sequence[Plan | None], keys: list[list[tuple[str, str, int, int]]],
              seeds: Sequence[SeedSequence], lacking: list[int], workers: int, progress: bool) -> None:
        """Simulate the plans lacking any of the `lacking` futures, on those futures, in one dispatch."""
        with self._lock:
            who = [p for p, row in enumerate(keys) if any(row[i] not in self._store for i in lacking)]
        chosen = [seeds[i] for i in lacking]
        runs = self.evaluate_many([(scenario, plans[p]) for p in who], chosen, workers=workers, progress=progress,
                                  frames=self.frames)
        with self._lock:
            for p, run in zip(who, runs, strict=True):
                values = self.reduce(scenario, run)
                for i, value in zip(lacking, values, strict=True):
                    self._store[keys[p][i]] = value
                self.simulated += len(lacking)

    def save(self, path: str | Path) -> Path:
        """Write the kept futures to `path` (.npz, written whole): values must be {column: array}
        (as `yearly_arrays` keeps them). No pickles: `load` reads arrays only."""
        arrays: dict[str, Any] = {}
        with self._lock:
            for (digest, plan, root, child), value in self._store.items():
                for column, array in value.items():
                    arrays[f"{digest}|{plan}|{root}|{child}|{column}"] = np.asarray(array)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return write_bytes(path, buffer.getvalue())

    def load(self, path: str | Path) -> int:
        """Keep the futures `save` wrote to `path`; returns how many (0 for a missing or unreadable file:
        a cache is never a reason to stop)."""
        try:
            with np.load(path, allow_pickle=False) as stored:
                entries: dict[tuple[str, str, int, int], dict[str, np.ndarray]] = {}
                for name in stored.files:
                    digest, plan, root, child, column = name.split("|", 4)
                    entries.setdefault((digest, plan, int(root), int(child)), {})[column] = stored[name]
        except (OSError, ValueError, KeyError):
            return 0
        with self._lock:
            for key, value in entries.items():
                self._store.setdefault(key, value)
        return len(entries)
