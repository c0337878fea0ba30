"""sporen: simulate the Participatiewet, project the BUIG result with vangnet, find the cheapest plan.

The Python API for researchers (every function returns pandas frames or plain results; nothing is
printed and nothing is written unless asked):

    import sporen
    scenario = sporen.load_scenario("inputs/scenarios/bmwe.yaml")
    run = sporen.simulate(scenario, replications=20, seed=1)
    run.yearly                     # one row per replication, year and municipality
    answer = sporen.optimise_plan(scenario, probability=0.9)
    diff = sporen.compare("inputs/scenarios/bmwe.yaml", ["inputs/scenarios/variants/bmwe-social.yaml"],
                          replications=20)

The names are imported lazily, so `import sporen` (and the `sporen` command's --help) stays fast.
No name here is also a module of the package (the optimiser's package is `sporen.optimise`, its
function `sporen.optimise_plan`): a module imported later would replace the name.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["load_scenario", "load_plan", "baseline_plan", "simulate", "optimise_plan", "compare", "calibrate",
           "reforecast_plan",
           "Plan", "Scenario", "InputError", "Problem", "OptimiseOptions", "AtLeast", "OnAverage", "DEFAULT_SEED"]

_LAZY = {
    "load_scenario": "sporen.jobs.api:load_scenario",
    "load_plan": "sporen.jobs.api:load_plan",
    "baseline_plan": "sporen.jobs.api:baseline_plan",
    "simulate": "sporen.jobs.api:simulate",
    "optimise_plan": "sporen.jobs.api:optimise_plan",
    "compare": "sporen.jobs.api:compare",
    "calibrate": "sporen.jobs.api:calibrate",
    "reforecast_plan": "sporen.jobs.api:reforecast_plan",
    "Plan": "sporen.inputs.plan:Plan",
    "Scenario": "sporen.inputs.schema:Scenario",
    "InputError": "sporen.common.errors:InputError",
    "Problem": "sporen.common.errors:Problem",
    "OptimiseOptions": "sporen.optimise.options:OptimiseOptions",
    "AtLeast": "sporen.optimise.options:AtLeast",
    "OnAverage": "sporen.optimise.options:OnAverage",
    "DEFAULT_SEED": "sporen.sim.options:DEFAULT_SEED",
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'sporen' has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
