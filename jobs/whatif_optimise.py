"""The optimiser behind the page's button, through one small adapter.

`run_optimiser(scenario, target, progress=...)` runs `optimise.loop.optimise` with the page's
target (as `sporen optimise` would, with its defaults for replications, verification and seed)
and returns an `OptimiserAnswer`: the plan, the verdict in the report's three words (meets / on
the edge / does not meet), the verified probability with its 95% interval, the extra cost and
what blocks. The optimiser is being reworked (adaptive sampling, a `verdict` field, perhaps a
progress callback); this adapter reads the new fields when they exist and otherwise derives them,
so the page does not change when the optimiser does.

Progress: every simulation the optimiser asks for passes through a counting wrapper around
`sim.api.evaluate`; the fraction is replications simulated over the optimiser's simulation budget
(an upper bound: the loop often stops earlier, and the bar then jumps to the end).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sporen.common.errors import InputError, Problem
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.jobs.whatif import WhatIfTarget, check_target, normalise_plan, verdict, with_priority

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
            self.fraction = max(self.fraction, min(1.0, float(fraction)))
            self.text = text

    def read(self) -> tuple[float, str]:
        with self._lock:
            return self.fraction, self.text


def answer_verdict(result: Any, required: float) -> str:
    """The optimiser's verdict: its own `verdict` field when it has one, else from its verification
    (the whole 95% interval at or above the requirement: meets; wholly below: does not meet; else
    on the edge). A plan the optimiser itself rejects never 'meets'."""
    own = getattr(result, "verdict", None)
    if own is not None:
        text = str(getattr(own, "value", own)).lower().replace(" ", "_").replace("-", "_")
        return {"met": "meets", "not_met": "does_not_meet", "edge": "on_the_edge"}.get(text, text)
    check = result.verification
    if check is None:
        return "does_not_meet"
    found = verdict(check.ci_low, check.ci_high, required)
    if found == "meets" and not result.met:
        return "on_the_edge"
    return found


def _takes_callback(options_type: Any) -> bool:
    """Whether `OptimiseOptions.progress` accepts a callback (done, total, text) besides a bool."""
    for item in dataclasses.fields(options_type):
        if item.name == "progress":
            return "Callable" in str(item.type)
    return False


def _budget(model: Scenario, loop_options: Any) -> int | None:
    """The optimiser's simulation budget for these options, when the optimiser says it up front."""
    from sporen.optimise import loop
    from sporen.optimise.decisions import decision_space

    check = getattr(loop, "check_options", None)
    if check is None:
        return loop_options.budget_sims
    return int(check(decision_space(model, loop_options.levers, allow_cuts=loop_options.allow_cuts), loop_options))


def run_optimiser(scenario: Scenario, target: WhatIfTarget, *, priority: str | None = None,
                  progress: Progress | None = None, workers: int | None = None, **options: Any) -> OptimiserAnswer:
    """The cheapest plan that meets the page's target (see docs/optimisation.md); `options` go to
    `OptimiseOptions` where it has them (replications, verify, seed, budget_sims, ...). InputError for
    a target that does not fit the scenario."""
    from sporen.optimise.loop import OptimiseOptions, OptionsError
    from sporen.optimise.loop import optimise as search
    from sporen.sim.api import evaluate

    problems = check_target(target, scenario)
    if problems:
        raise InputError(problems)
    model = with_priority(scenario, priority)
    started = time.perf_counter()
    report = progress or (lambda fraction, text: None)
    known = {f.name for f in dataclasses.fields(OptimiseOptions)}
    values: dict[str, Any] = {
        "target_from": target.from_year, "scope": target.scope, "target_level": int(target.level),
        "cumulative": bool(target.cumulative), "probability": float(target.probability),
        "workers": int(workers or os.cpu_count() or 1), "progress": False, **options}
    callback = _takes_callback(OptimiseOptions)
    if callback:   # the optimiser reports its own progress: work done of work planned
        values["progress"] = lambda done, total, text: report(min(0.99, done / max(1, total)), str(text))
    try:
        loop_options = OptimiseOptions(**{k: v for k, v in values.items() if k in known})
        budget = None if callback else _budget(model, loop_options)
    except OptionsError as exc:
        raise InputError([Problem(exc.field, "", exc.message, exc.allowed)]) from None
    simulated = [0]

    def counting(*args: Any, **kwargs: Any) -> Any:
        seeds = args[2] if len(args) > 2 else kwargs.get("seeds", ())
        run = evaluate(*args, **kwargs)
        simulated[0] += len(seeds)
        if budget:
            report(min(0.99, simulated[0] / budget), f"{simulated[0]} simulated futures")
        return run

    report(0.0, "starting")
    try:
        result = search(model, loop_options, evaluate=functools.partial(counting))
    except OptionsError as exc:
        raise InputError([Problem(exc.field, "", exc.message, exc.allowed)]) from None
    report(1.0, "done")
    check = result.verification
    probability = None if check is None else getattr(check, "probability", None)
    plan = normalise_plan(result.plan, scenario, name=f"optimised {scenario.name}")
    own_words = getattr(result, "describe", None)
    describe = str(own_words()) if callable(own_words) else result.space.describe(result.choice)
    return OptimiserAnswer(
        plan=plan, verdict=answer_verdict(result, float(target.probability)), met=bool(result.met),
        probability=None if probability is None else float(probability),
        ci_low=None if check is None else float(check.ci_low), ci_high=None if check is None else float(check.ci_high),
        replications=None if check is None else int(check.replications), required=float(target.probability),
        cost=int(result.cost), describe=describe, blocking=list(result.blocking),
        seconds=time.perf_counter() - started, sims_used=int(result.sims_used))
