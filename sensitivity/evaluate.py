"""Simulate many points, each one future with its own parameter values and seed.

The runner (`sim.runner`) simulates one scenario on many seeds; a sensitivity sample needs a
different scenario per future. Here each point's values are applied as a zero-width uncertainty
range (so `sim.uncertainty` sets them exactly as it sets a drawn value: whole numbers rounded,
the copy validated), the future runs on its seed, and only the yearly result after vangnet and
the exploitatie result per year and municipality come back. Points go to the runner's worker
pool (or a Dask cluster) in chunks and come back in point order: the same arrays for any worker
count or backend. (It borrows the runner's kept pool and its Ctrl-C handling, `_pool` and
`_drop_pool`; a batch evaluator in sim/ taking one scenario per future would replace this module.)
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass
from typing import Any

import numpy as np

from sporen.common import interrupt
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario, Uncertain
from sporen.sensitivity.sampling import Point, future_seed
from sporen.sim.engine import run_replication
from sporen.sim.money import MoneyModel
from sporen.sim.runner import _drop_pool, _pool, check_inputs, session
from sporen.sim.uncertainty import apply_uncertainty

COLUMNS = ("result_after_vangnet", "exploitatie_result")
"""The yearly money lines kept per point (the target's two lines)."""
CHUNKS_PER_WORKER = 4


@dataclass(frozen=True)
class Results:
    """Per point, year and municipality: each kept money line (int64 euros)."""

    arrays: Mapping[str, np.ndarray]
    years: tuple[int, ...]
    municipalities: tuple[str, ...]

    def line(self, name: str = "result_after_vangnet") -> np.ndarray:
        return np.asarray(self.arrays[name])

    def take(self, rows: slice | np.ndarray) -> Results:
        return Results({k: v[rows] for k, v in self.arrays.items()}, self.years, self.municipalities)


@dataclass(frozen=True)
class _Job:
    scenario: Scenario
    plan: Plan
    rules: Mapping[int, Any]
    parameters: tuple[str, ...]
    root: int
    block: int = 0


def point_scenario(scenario: Scenario, parameters: Sequence[str], values: Sequence[float]) -> Scenario:
    """The scenario with every factor at its value and nothing left to draw."""
    fixed = [Uncertain(parameter=p, low=v, high=v) for p, v in zip(parameters, values, strict=True)]
    drawn, _ = apply_uncertainty(scenario.model_copy(update={"uncertainty": fixed}), future_seed(0, 0))
    return drawn.model_copy(update={"uncertainty": []})


def _simulate(job: _Job, items: Sequence[Point]) -> dict[str, np.ndarray]:
    """One chunk of points: the kept money lines, [point, year, municipality]."""
    parts: dict[str, list[np.ndarray]] = {c: [] for c in COLUMNS}
    for point in items:
        scenario = point_scenario(job.scenario, job.parameters, point.values)
        seed = future_seed(job.root, point.seed, job.block)
        result = run_replication(scenario, job.plan, seed)
        money = MoneyModel(scenario, job.plan, job.rules)
        arrays = money.yearly_arrays([money.totals(result.monthly)])
        for c in COLUMNS:
            parts[c].append(arrays[c])
    return {c: np.concatenate(v) for c, v in parts.items()}


def _chunks(points: Sequence[Point], parallel: int) -> list[list[Point]]:
    size = max(1, math.ceil(len(points) / (max(1, parallel) * CHUNKS_PER_WORKER)))
    return [list(points[i:i + size]) for i in range(0, len(points), size)]


def simulate_points(scenario: Scenario, plan: Plan, rules: Mapping[int, Any], parameters: Sequence[str],
                    points: Sequence[Point], root: int, *, workers: int | None = 1, backend: str = "local",
                    scheduler: Any = None, on_done: Callable[[int], None] | None = None, block: int = 0) -> Results:
    """Every point simulated once (in point order), on local processes or a Dask cluster; a point's
    seed is its number in block `block` of the sensitivity stream."""
    check_inputs(scenario, plan, rules)
    job = _Job(scenario.model_copy(update={"uncertainty": []}), plan, dict(rules), tuple(parameters), root, block)
    parallel = workers if workers is not None else (os.cpu_count() or 1)
    if backend == "dask":
        with session(backend, scheduler) as client:
            outputs = _run_dask(job, _chunks(points, _threads(client)), client, on_done)
    else:
        outputs = _run_local(job, _chunks(points, parallel), parallel, on_done)
    arrays = {c: (np.concatenate([o[c] for o in outputs]) if outputs else np.zeros((0, 0, 0), np.int64))
              for c in COLUMNS}
    money = MoneyModel(scenario, plan, rules)
    return Results(arrays, tuple(money.horizon.years), tuple(money.municipalities))


def _run_local(job: _Job, chunks: list[list[Point]], workers: int,
               on_done: Callable[[int], None] | None) -> list[dict[str, np.ndarray]]:
    done_count = on_done or (lambda n: None)
    if workers <= 1 or len(chunks) <= 1:
        out = []
        for items in chunks:
            interrupt.check()
            out.append(_simulate(job, items))
            done_count(len(items))
        return out
    pool = _pool(workers)
    futures = {pool.submit(_simulate, job, items): i for i, items in enumerate(chunks)}
    results: list[dict[str, np.ndarray] | None] = [None] * len(chunks)
    pending = set(futures)
    try:
        while pending:
            finished, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            interrupt.check()
            for future in finished:
                results[futures[future]] = future.result()
                done_count(len(chunks[futures[future]]))
    except BaseException as exc:
        if not isinstance(exc, Exception):      # Ctrl-C, SIGTERM: stop the workers now, as the runner does
            _drop_pool(workers, pool, kill=True)
        for future in futures:
            future.cancel()
        raise
    return [r for r in results if r is not None]


def _threads(client: Any) -> int:
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:
        return 1


def _run_dask(job: _Job, chunks: list[list[Point]], client: Any,
              on_done: Callable[[int], None] | None) -> list[dict[str, np.ndarray]]:
    scattered = client.scatter(job, broadcast=True, hash=False)
    futures = [client.submit(_simulate, scattered, items, pure=False) for items in chunks]
    out = []
    for future, items in zip(futures, chunks, strict=True):
        out.append(future.result())
        if on_done is not None:
            on_done(len(items))
    return out
