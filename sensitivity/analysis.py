"""The whole analysis for one scenario and plan: indices, tornado, robustness, metamodel check.

Model runs: base x (k + 2) for the Saltelli sample (k factors, the noise included), then
futures x (2 m + 2) for the tornado and the robustness check (m assumptions: their low and high
ends, the centre, and the pessimistic ends together). Everything derives from the root seed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario, Uncertain
from sporen.sensitivity.evaluate import Results, simulate_points
from sporen.sensitivity.goal import Goal, target_total, yearly_total
from sporen.sensitivity.indices import ranking, sobol_indices
from sporen.sensitivity.metamodel import agree, metamodel_indices
from sporen.sensitivity.options import DEFAULT_BASE, DEFAULT_FUTURES
from sporen.sensitivity.robustness import TOP, pessimistic_ends, robustness_table, together_setting
from sporen.sensitivity.sampling import TORNADO_BLOCK, Factor, factors_of, points_of, saltelli
from sporen.sensitivity.tornado import outcomes, points_for, settings_of, tornado_table

TARGET_OUTPUT = "target_years"
PROBABILITY_OUTPUT = "probability"


def year_output(year: int) -> str:
    return f"year_{year}"


@dataclass
class Sensitivity:
    """What the analysis found (tables in long form, ready to write)."""

    factors: list[Factor]
    goal: Goal
    indices: pd.DataFrame            # output, factor, first(+interval), total(+interval)
    tornado: pd.DataFrame
    robustness: pd.DataFrame
    metamodel: pd.DataFrame          # the metamodel's indices of the target-years output
    agreement: pd.Series             # per factor: direct and metamodel intervals overlap (total order)
    ranked: list[str]
    runs: int
    base: int
    futures: int
    years: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def top(self) -> list[str]:
        return self.ranked[:TOP]


def index_tables(factors: Sequence[Factor], results: Results, goal: Goal, seed: int) -> pd.DataFrame:
    """Indices of the yearly result after vangnet (each year), of the target line over the target
    years, and of meeting the target (0/1 per future: its variance is that of the probability)."""
    yearly = yearly_total(results)
    parts = [sobol_indices(factors, yearly[:, i], year_output(y), seed) for i, y in enumerate(results.years)]
    parts.append(sobol_indices(factors, target_total(results, goal), TARGET_OUTPUT, seed))
    parts.append(sobol_indices(factors, goal.met(results).astype(float), PROBABILITY_OUTPUT, seed))
    return pd.concat(parts, ignore_index=True)


def analyse(scenario: Scenario, plan: Plan, rules: Mapping[int, Any], goal: Goal, *, named: Sequence[Uncertain] = (),
            base: int = DEFAULT_BASE, futures: int = DEFAULT_FUTURES, seed: int = 0, workers: int | None = 1,
            backend: str = "local", scheduler: Any = None,
            progress: Callable[[int], None] | None = None) -> Sensitivity:
    """Sobol indices, the tornado and the robustness check of `plan` on `scenario`."""
    factors = factors_of(scenario, named)
    parameters = [f.name for f in factors if not f.noise]
    run = dict(workers=workers, backend=backend, scheduler=scheduler, on_done=progress)

    sample = saltelli(factors, base, seed)
    design = simulate_points(scenario, plan, rules, parameters, points_of(factors, sample), seed, **run)
    indices = index_tables(factors, design, goal, seed + 1)
    ranked = ranking(indices, TARGET_OUTPUT)

    keep = [i for i, f in enumerate(factors) if not f.noise]
    meta = metamodel_indices(factors, sample[:, keep], target_total(design, goal), TARGET_OUTPUT, seed + 1,
                             block=len(factors) + 2)
    agreement = agree(indices[indices["output"] == TARGET_OUTPUT], meta)

    settings = settings_of(factors)
    found = outcomes(settings, simulate_points(scenario, plan, rules, parameters, points_for(settings, futures),
                                               seed, block=TORNADO_BLOCK, **run), goal, futures)
    tornado = tornado_table(factors, settings, found)
    ends = pessimistic_ends(factors, tornado, ranked[:TOP])
    together = together_setting(factors, ends)
    if ends:
        last = simulate_points(scenario, plan, rules, parameters, points_for([together], futures), seed,
                               block=TORNADO_BLOCK, **run)
        together_outcome = outcomes([together], last, goal, futures)[0]
    else:
        together_outcome = found[0]
    robustness = robustness_table(ends, tornado, together_outcome, goal)
    runs = len(sample) + len(settings) * futures + (futures if ends else 0)
    return Sensitivity(factors, goal, indices, tornado, robustness, meta, agreement, ranked, runs, base, futures,
                       design.years, {"mean_target_total": float(np.mean(target_total(design, goal)))})
