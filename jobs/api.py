"""The Python API for researchers: `import sporen`, then these functions. Nothing is printed or written.

Each function takes a scenario (a path to a YAML file or workbook, or a loaded `Scenario`) and
returns pandas frames or a plain result object holding them. They run the same code as the
commands, with the same checks (bad input raises `sporen.InputError`, whose `.problems` say what
is wrong) and the same reproducibility: identical inputs and seed give identical frames, on any
backend or worker count.

    >>> import sporen
    >>> scenario = sporen.load_scenario("tests/data/tiny.yaml")
    >>> run = sporen.simulate(scenario, replications=4, seed=1, workers=1)
    >>> sorted(run.yearly.columns)[:3]
    ['benefit_cost', 'buig_budget', 'buig_result']
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sporen.common.errors import input_error
from sporen.inputs.load import load_plan as _load_plan
from sporen.inputs.load import load_with_variant
from sporen.inputs.plan import Plan
from sporen.inputs.plan import baseline_plan as _baseline_plan
from sporen.inputs.schema import Scenario
from sporen.jobs.options import Parallel
from sporen.sim.runner import RunResult

ScenarioLike = str | Path | Scenario


def load_scenario(path: str | Path, variant: str | Path | None = None) -> Scenario:
    """A validated scenario from YAML or a workbook, optionally with a variant applied."""
    return load_with_variant(path, variant)


def load_plan(path: str | Path, scenario: ScenarioLike) -> Plan:
    """A plan file (as `sporen optimise` writes it) checked against the scenario."""
    return _load_plan(path, _scenario(scenario))


def baseline_plan(scenario: ScenarioLike) -> Plan:
    """The plan 'current formation, current instruments'."""
    return _baseline_plan(_scenario(scenario))


def simulate(scenario: ScenarioLike, plan: Plan | str | Path | None = None, *, replications: int = 100,
             seed: int = 0, workers: int | None = None, backend: str | None = None, scheduler: Any = None,
             frames: Sequence[str] = ("monthly", "yearly", "kpis", "spells"), events: bool = False) -> RunResult:
    """Simulate `replications` futures; the result has `.yearly`, `.monthly`, `.kpis`, `.spells` frames
    (one row per replication and key) and `.seeds`."""
    from sporen.sim.runner import run

    model = _scenario(scenario)
    where = _parallel(workers, backend, scheduler)
    if isinstance(plan, (str, Path)):
        plan = _load_plan(plan, model)
    return run(model, plan, replications=replications, seed=seed, workers=where.workers,
               backend=where.chosen_backend, scheduler=scheduler, record_events=events, progress=False,
               frames=tuple(frames) + (("events",) if events else ()))


def optimise(scenario: ScenarioLike, *, target_from: int | None = None, probability: float | str = 0.9,
             target_level: int = 0, scope: str = "total", cumulative: bool = False, seed: int = 20180101,
             allow_cuts: bool = False, workers: int | None = None, backend: str | None = None,
             scheduler: Any = None, progress: Any = None, **options: Any) -> Any:
    """The cheapest plan that meets the target, decided at a stated confidence (see docs/optimisation.md).

    Further options: objective ('buig', 'exploitatie', 'net'), confidence (0.95), zone (0.02),
    replications (40), max_futures, tradeoff ((0.8, 0.95)), dynamic (True), budget_sims.
    `progress(simulated, planned, stage)` is called after every simulation. The result has `.plan`,
    `.verdict` ('meets', 'on_the_edge', 'does_not_meet'), `.verification`, `.formation`, `.budget`,
    `.tradeoff`, `.relaxations` and `.savings` (frames where tables)."""
    import functools

    from sporen.jobs.options import parse_probability
    from sporen.optimise.loop import OptimiseOptions, OptionsError
    from sporen.optimise.loop import optimise as search
    from sporen.sim.api import evaluate, session

    model = _scenario(scenario)
    where = _parallel(workers, backend, scheduler)
    try:
        loop_options = OptimiseOptions(target_from=target_from, probability=parse_probability(probability),
                                       target_level=target_level, scope=scope, cumulative=cumulative, seed=seed,
                                       allow_cuts=allow_cuts, workers=where.workers or _cpus(), progress=False,
                                       **options)
    except ValueError as exc:
        raise input_error("probability", "", str(exc)) from None
    except TypeError as exc:
        raise input_error("options", "", str(exc), "see docs/optimisation.md") from None
    with session(where.chosen_backend, scheduler) as client:
        simulate_plan = functools.partial(evaluate, backend=where.chosen_backend, scheduler=client)
        try:
            return search(model, loop_options, evaluate=simulate_plan, progress=progress)
        except OptionsError as exc:
            raise input_error(exc.field, "", exc.message, exc.allowed) from None


def compare(base: str | Path, variants: Sequence[str | Path], *, replications: int = 20, seed: int = 20180101,
            workers: int | None = None, backend: str | None = None, scheduler: Any = None) -> pd.DataFrame:
    """Each variant against its base on the same futures: one row per variant, measure, municipality
    and year with the mean paired difference and its 95% confidence interval."""
    from sporen.jobs.compare import load_inputs, paired_comparison
    from sporen.sim.api import evaluate, session

    base_model, models, _ = load_inputs(base, list(variants))
    where = _parallel(workers, backend, scheduler)
    seeds = np.random.SeedSequence(seed).spawn(replications)
    parts = []
    with session(where.chosen_backend, scheduler) as client:
        def run(model: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
            """The yearly and KPI frames of a model on the seeds."""
            result = evaluate(model, None, seeds, workers=where.workers or _cpus(), backend=where.chosen_backend,
                              scheduler=client, frames=("yearly", "kpis"))
            assert result.yearly is not None and result.kpis is not None  # the frames asked for
            return result.yearly, result.kpis

        base_yearly, base_kpis = run(base_model)
        for name, model in models.items():
            yearly, kpis = run(model)
            parts.append(paired_comparison(base_yearly, base_kpis, yearly, kpis, name))
    return pd.concat(parts, ignore_index=True)


def calibrate(scenario: ScenarioLike, observed: str | Path, *, replications: int = 40, seed: int = 20180101,
              iterations: int = 12, applications_scale: float | None = None, workers: int | None = None,
              backend: str | None = None, scheduler: Any = None) -> Any:
    """Fit exit hazards and application rates to an observed history (docs/calibration.md). The
    result has `.scenario` (calibrated), `.parameters` and `.table` (observed vs simulated)."""
    from sporen.calibration.fit import calibrate as fit
    from sporen.calibration.observed import load_observed

    model = _scenario(scenario)
    where = _parallel(workers, backend, scheduler)
    return fit(model, load_observed(observed, model), replications=replications, seed=seed, iterations=iterations,
               applications_scale=applications_scale, workers=where.workers, backend=where.chosen_backend,
               scheduler=scheduler)


def _scenario(scenario: ScenarioLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_with_variant(scenario, None)


def _parallel(workers: int | None, backend: str | None, scheduler: Any) -> Parallel:
    """Checked like the command-line options; a `distributed.Client` may stand for the address."""
    address = scheduler if scheduler is None or isinstance(scheduler, str) else "client"
    return Parallel.parse(workers=workers, backend=backend, scheduler=address)


def _cpus() -> int:
    import os

    return os.cpu_count() or 1
