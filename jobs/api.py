"""The Python API for researchers: `import sporen`, then these functions. Nothing is printed or written.

Each function takes a scenario (a path to a YAML file or workbook, or a loaded `Scenario`) and
returns pandas frames or a plain result object holding them. They run the same code as the
commands, with the same options: the keywords are the command's options (`jobs.options`, declared
once in the layers' models), with the same defaults and limits, checked alike (bad input raises
`sporen.InputError`, whose `.problems` name the keyword, what is wrong and what is allowed), and
the same reproducibility: identical inputs and seed give identical frames, on any backend or worker
count.

    >>> import sporen
    >>> scenario = sporen.load_scenario("tests/data/tiny.yaml")
    >>> run = sporen.simulate(scenario, replications=4, seed=1, workers=1)
    >>> sorted(run.yearly.columns)[:3]
    ['benefit_cost', 'buig_budget', 'buig_result']

The names never clash with the package's own modules (`sporen.optimise` is the optimiser's
package; its function here is `optimise_plan`): tests/test_api.py checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sporen.common.errors import InputError
from sporen.common.options import OptionProblem, keywords_of
from sporen.inputs.load import load_plan as _load_plan
from sporen.inputs.load import load_with_variant
from sporen.inputs.plan import Plan
from sporen.inputs.plan import baseline_plan as _baseline_plan
from sporen.inputs.schema import Scenario
from sporen.jobs.options import CalibrateRun, CompareRun, MonitorRun, OptimiseRun, SimulateRun
from sporen.sim.runner import RunResult

ScenarioLike = str | Path | Scenario
Progress = Callable[[int, int, str], None]


def load_scenario(path: str | Path, variant: str | Path | None = None) -> Scenario:
    """A validated scenario from YAML or a workbook, optionally with a variant applied."""
    return load_with_variant(path, variant)


def load_plan(path: str | Path, scenario: ScenarioLike) -> Plan:
    """A plan file (as `sporen optimise` writes it) checked against the scenario."""
    return _load_plan(path, _scenario(scenario))


def baseline_plan(scenario: ScenarioLike) -> Plan:
    """The plan 'current formation, current instruments'."""
    return _baseline_plan(_scenario(scenario))


@keywords_of(SimulateRun)
def simulate(scenario: ScenarioLike, plan: Plan | str | Path | None = None, *,
             frames: Sequence[str] = ("monthly", "yearly", "kpis", "spells"), **options: Any) -> RunResult:
    """Simulate `replications` futures; the result has `.yearly`, `.monthly`, `.kpis`, `.spells` frames
    (one row per replication and key) and `.seeds`. `scheduler` may also be a `distributed.Client`."""
    from sporen.sim.runner import run

    chosen, client = _checked(SimulateRun, options)
    model = _scenario(scenario)
    where = chosen.parallel
    if isinstance(plan, (str, Path)):
        plan = _load_plan(plan, model)
    return run(model, plan, replications=chosen.replications, seed=chosen.seed,
               workers=where.local_workers(chosen.replications), backend=where.chosen_backend, scheduler=client,
               record_events=chosen.events, progress=False,
               frames=tuple(frames) + (("events",) if chosen.events else ()))


@keywords_of(OptimiseRun)
def optimise_plan(scenario: ScenarioLike, *, progress: Progress | None = None, **options: Any) -> Any:
    """The cheapest plan that meets the target, decided at a stated confidence (see docs/optimisation.md).

    `probability` is a share such as 0.9, 'mean', or `sporen.AtLeast(p=0.9)` / `sporen.OnAverage()`.
    `progress(simulated, planned, stage)` is called after every simulation. The result has `.plan`,
    `.verdict` ('meets', 'on_the_edge', 'does_not_meet'), `.verification`, `.formation`, `.budget`,
    `.tradeoff`, `.relaxations` and `.savings` (frames where tables)."""
    import functools

    from sporen.optimise.loop import optimise as search
    from sporen.sim.api import evaluate, session

    chosen, client = _checked(OptimiseRun, options)
    model = _scenario(scenario)
    where = chosen.parallel
    searched = chosen.optimiser.model_copy(update={"workers": where.local_workers(), "progress": False})
    with session(where.chosen_backend, client) as connected:
        simulate_plan = functools.partial(evaluate, backend=where.chosen_backend, scheduler=connected)
        try:
            return search(model, searched, evaluate=simulate_plan, progress=progress)
        except OptionProblem as exc:    # the options against the scenario (target years, budget): by keyword
            raise InputError([OptimiseRun.problem(exc)]) from None


@keywords_of(CompareRun)
def compare(base: str | Path, variants: Sequence[str | Path], **options: Any) -> pd.DataFrame:
    """Each variant against its base on the same futures: one row per variant, measure, municipality
    and year with the mean paired difference and its 95% confidence interval."""
    from sporen.jobs.compare import load_inputs, paired_comparison
    from sporen.sim.api import SELECTION, evaluate_many, session

    chosen, client = _checked(CompareRun, options)
    base_model, models, _ = load_inputs(base, list(variants))
    where = chosen.parallel
    seeds = SELECTION.seeds(chosen.seed, 0, chosen.replications)
    with session(where.chosen_backend, client) as connected:   # the base and every variant in one dispatch
        runs = evaluate_many([(base_model, None), *((model, None) for model in models.values())], seeds,
                             workers=where.local_workers(chosen.replications), backend=where.chosen_backend,
                             scheduler=connected, frames=("yearly", "kpis"))
    frames = [(run.yearly, run.kpis) for run in runs]
    base_yearly, base_kpis = frames[0]
    parts = []
    for name, (yearly, kpis) in zip(models, frames[1:], strict=True):
        assert base_yearly is not None and base_kpis is not None and yearly is not None and kpis is not None
        parts.append(paired_comparison(base_yearly, base_kpis, yearly, kpis, name))
    return pd.concat(parts, ignore_index=True)


@keywords_of(CalibrateRun)
def calibrate(scenario: ScenarioLike, observed: str | Path, **options: Any) -> Any:
    """Fit exit hazards and application rates to an observed history (docs/calibration.md). The
    result has `.scenario` (calibrated), `.parameters` and `.table` (observed vs simulated).
    `applications_scale` None or 'fit' fits it."""
    from sporen.calibration.fit import calibrate as fit
    from sporen.calibration.observed import load_observed

    chosen, client = _checked(CalibrateRun, options)
    model = _scenario(scenario)
    where, how = chosen.parallel, chosen.fit
    return fit(model, load_observed(observed, model), replications=how.replications, seed=how.seed,
               iterations=how.iterations, applications_scale=how.scale,
               workers=where.local_workers(how.replications), backend=where.chosen_backend, scheduler=client)


@keywords_of(MonitorRun)
def reforecast_plan(scenario: ScenarioLike, actuals: str | Path, plan: Plan | str | Path | None = None,
                    **options: Any) -> Any:
    """The re-forecast from actuals (docs/monitor.md), as `sporen monitor` computes it: the result has
    `.table` (per year, municipality and measure: budget, the plan's forecast and the re-forecast
    with their quantiles), `.check` (every actual against the plan's 90% band), `.flag` (the
    sentence), and `.frames` (`.plan_yearly`, `.yearly`, `.plan_monthly`, `.monthly`, `.realised`)."""
    from sporen.inputs.actuals import read_actuals
    from sporen.jobs.reforecast import band_check, monitor_table, reforecast
    from sporen.outputs.monitor import flag_words
    from sporen.sim.runner import load_rules

    chosen, client = _checked(MonitorRun, options)
    model = _scenario(scenario)
    if isinstance(plan, (str, Path)):
        plan = _load_plan(plan, model)
    observed = read_actuals(actuals, model)
    where = chosen.parallel
    folder = Path(scenario).parent if isinstance(scenario, (str, Path)) else None
    frames = reforecast(model, plan if plan is not None else _baseline_plan(model), observed,
                        replications=chosen.replications, seed=chosen.seed, rules=load_rules(model, folder),
                        workers=where.local_workers(chosen.replications), backend=where.chosen_backend,
                        scheduler=client, progress=False)
    table, check = monitor_table(frames), band_check(frames, observed)
    _, flag = flag_words(check, observed.last_month, model.language)
    return Reforecasted(table, check, flag, frames)


@dataclass
class Reforecasted:
    """What `reforecast_plan` returns."""

    table: pd.DataFrame
    check: pd.DataFrame
    flag: str
    frames: Any


def _scenario(scenario: ScenarioLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_with_variant(scenario, None)


def _checked(model: Any, options: dict[str, Any]) -> tuple[Any, Any]:
    """The options checked by `model` as keywords; a `distributed.Client` may stand for the scheduler's
    address (checked as one). Returns (options, the scheduler to use: the client or the address)."""
    scheduler = options.get("scheduler")
    if scheduler is not None and not isinstance(scheduler, str):
        options = {**options, "scheduler": "client"}
    chosen = model.parse(**options)
    return chosen, scheduler if scheduler is not None else chosen.parallel.scheduler
