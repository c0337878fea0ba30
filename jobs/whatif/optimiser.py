"""The optimiser behind the page's button, through one small adapter.

`run_optimiser(scenario, target, progress=...)` runs `optimise.loop.optimise` with the page's
target (as `sporen optimise` would, with its defaults for futures, confidence, zone and seed) and
returns an `OptimiserAnswer`: the plan, the optimiser's verdict (meets / on the edge / does not
meet), the probability on its fresh verification futures with the confidence bounds, the extra
cost and what blocks.

Progress: the optimiser reports (replications simulated, replications planned so far, stage);
the page shows simulated / planned, which only grows as the procedure decides it needs more
futures (docs/optimisation.md), and ends full.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sporen.common.errors import InputError, Problem
from sporen.common.i18n import text
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.jobs.whatif.evaluate import WhatIfTarget, check_target, normalise_plan, with_priority

Progress = Callable[[float, str], None]
"""progress(fraction done in [0, 1], what is happening)."""


@dataclass
class OptimiserAnswer:
    """What the page shows of an optimiser run."""

    plan: Plan
    verdict: str                      # meets | on_the_edge | does_not_meet
    met: bool                         # the optimiser's own acceptance
    probability: float | None         # verified on the optimiser's fresh futures
    ci_low: float | None
    ci_high: float | None
    replications: int | None
    required: float
    cost: int                         # extra cost over the horizon, EUR
    describe: str                     # the plan in one line
    blocking: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sims_used: int = 0


class Counter:
    """Thread-safe progress of one optimiser run (read by the page while it runs)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.fraction = 0.0
        self.text = ""
        self.done = False

    def __call__(self, fraction: float, text: str) -> None:
        with self._lock:
            self.fraction = min(1.0, max(0.0, float(fraction)))
            self.text = text

    def read(self) -> tuple[float, str]:
        with self._lock:
            return self.fraction, self.text


def plan_in_words(plan: Plan, scenario: Scenario, lang: str) -> str:
    """The plan as the report says it ('1 fte extra Werkcoach (van 10 naar 11 fte), ...'), one line."""
    from sporen.outputs.report import describe_plan

    return "; ".join(describe_plan(plan, scenario, lang)) or text("cli.plan.no_change", lang)


def run_optimiser(scenario: Scenario, target: WhatIfTarget, *, priority: str | None = None,
                  progress: Progress | None = None, workers: int | None = None, **options: Any) -> OptimiserAnswer:
    """The cheapest plan that meets the page's target (see docs/optimisation.md); `options` go to
    `OptimiseOptions` (replications, max_futures, tradeoff, seed, budget_sims, ...). InputError for a
    target that does not fit the scenario or an option out of range."""
    from sporen.optimise.loop import OptimiseOptions, OptionsError
    from sporen.optimise.loop import optimise as search
    from sporen.sim.api import evaluate

    problems = check_target(target, scenario)
    if problems:
        raise InputError(problems)
    model = with_priority(scenario, priority)
    started = time.perf_counter()
    report = progress or (lambda fraction, text: None)

    def follow(done: int, planned: int, stage: str) -> None:
        report(min(0.99, done / max(1, planned)), str(stage))

    report(0.0, "starting")
    # The page's controls hold one fte per role (from an arrival month) and places per year, not a
    # role's later changes: the page asks for plans its controls can show, so loading the answer
    # into them shows exactly the answer (a taper is `sporen plan`'s to find).
    options.setdefault("dynamic", False)
    try:
        loop_options = OptimiseOptions.read({   # InputError naming an option it does not have or refuses
            "target_from": target.from_year, "scope": target.scope, "target_level": int(target.level),
            "cumulative": bool(target.cumulative), "probability": float(target.probability), **options})
        loop_options = loop_options.model_copy(update={"workers": int(workers or os.cpu_count() or 1)})
        result = search(model, loop_options, evaluate=evaluate, progress=follow)
    except OptionsError as exc:
        raise InputError([Problem(exc.field, "", exc.message, exc.allowed)]) from None
    report(1.0, "done")
    check = result.verification
    probability = None if check is None else check.probability
    plan = normalise_plan(result.plan, scenario, name=f"optimised {scenario.name}")
    return OptimiserAnswer(
        plan=plan, verdict=str(result.verdict), met=bool(result.met),
        probability=None if probability is None else float(probability),
        ci_low=None if check is None else float(check.ci_low), ci_high=None if check is None else float(check.ci_high),
        replications=None if check is None else int(check.replications), required=float(target.probability),
        cost=int(result.cost), describe=result.describe(), blocking=list(result.blocking),
        seconds=time.perf_counter() - started, sims_used=int(result.sims_used))
