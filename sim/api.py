"""The one narrow function the optimiser uses to ask the simulator (MODEL.md section 1).

`optimise/` knows nothing of the engine: it builds Plans and calls `evaluate` (or `evaluate_many`,
many plans in one dispatch) with the same futures (`SELECTION`, `verification(j)`: `sim.futures`)
for every plan it compares (common random numbers, so the differences between plans are
paired). Replication i of the result is `seeds[i]`. Besides `evaluate`, this module re-exports
the result type and the pure statistics that read its frames (summaries, paired differences),
so `optimise/` imports nothing else from `sim/`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.inputs.vangnet_rules import scenario_vangnet_rules
from sporen.sim.futures import (
    BLOCK,
    PAGE,
    SELECTION,
    VERIFY_BASE,
    Evaluate,
    EvaluateMany,
    FutureCache,
    Stream,
    evaluate_many,
    one_by_one,
    plan_digest,
    report,
    scenario_digest,
    sensitivity,
    verification,
    yearly_arrays,
)
from sporen.sim.runner import RunResult, session, simulate_seeds
from sporen.sim.stats import paired_difference
from sporen.sim.summary import kpis_summary, run_summaries, yearly_summary

__all__ = ["evaluate", "session", "RunResult", "scenario_vangnet_rules", "paired_difference", "yearly_summary",
           "kpis_summary", "run_summaries",
           # the futures core (sim.futures), for the layers that reach the simulator only through here
           "BLOCK", "PAGE", "SELECTION", "VERIFY_BASE", "Evaluate", "EvaluateMany", "FutureCache", "Stream",
           "evaluate_many", "one_by_one", "plan_digest", "report", "scenario_digest", "sensitivity", "verification",
           "yearly_arrays"]

EVALUATE_FRAMES = ("yearly", "kpis")


def evaluate(
    scenario: Scenario,
    plan: Plan | None,
    seeds: Sequence[np.random.SeedSequence],
    workers: int = 1,
    backend: str = "local",
    scheduler: Any = None,
    progress: bool = False,
    frames: Sequence[str] = EVALUATE_FRAMES,
    rules: Mapping[int, Any] | None = None,
) -> RunResult:
    """Simulate `plan` once per seed and return the stacked frames (by default yearly and kpis).

    `frames` may be any of monthly, yearly, kpis, spells; ask for ("yearly",) alone when only the
    money matters (fastest). `scheduler` is a Dask address or a `distributed.Client` kept by the
    caller (cheaper across many calls). `rules` are the vangnet rules (default: the scenario's).
    Local worker pools are kept between calls. Raises `inputs.errors.InputError` for a plan that
    does not fit the scenario.
    """
    return simulate_seeds(scenario, plan, list(seeds), workers=workers, backend=backend, scheduler=scheduler,
                          progress=progress, frames=tuple(frames), rules=rules)
