"""Fake simulation oracles with known answers for the optimiser's tests (not a test module).

* `FakeSim`: `sim.api.evaluate`'s signature; result_after_vangnet is an additive function of the
  plan's levers with per-future noise (and an optional sub-additive interaction), keyed by the
  future's seed, so two plans on the same future are paired (common random numbers).
* `BernoulliSim`: every plan has a known probability of meeting the target (a function of its
  levers); future r meets it when its uniform draw U_r is below that probability. Plans are coupled
  through U_r (common random numbers, and more of a lever never hurts), and the true probability of
  every plan is known exactly: the synthetic oracle for the guarantee's error rates.

Both read a plan's levers the way the simulator does (`inputs.plan`), including per-year
instrument places and staff paths.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import yaml

from sporen.inputs.load import scenario_from_dict
from sporen.inputs.plan import fte_path, instrument_places, measure_on
from sporen.inputs.schema import Scenario, month_label
from sporen.optimise.decisions import DecisionSpace, decision_space, restrict_levels

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def tiny_raw() -> dict:
    return yaml.safe_load(TINY.read_text(encoding="utf-8"))


def tiny(patch: Callable[[dict], None] | None = None) -> Scenario:
    raw = tiny_raw()
    if patch is not None:
        patch(raw)
    return scenario_from_dict(raw, str(TINY))


def small_space(scenario: Scenario, levels: dict[str, list], allow_cuts: bool = False) -> DecisionSpace:
    """The decision space of the given levers, each restricted to the given level values."""
    space = decision_space(scenario, list(levels), allow_cuts=allow_cuts)
    for key, values in levels.items():
        space = restrict_levels(space, key, values)
    return space


def lever_values(scenario: Scenario, plan, keys: list[str]) -> dict[str, np.ndarray]:
    """Per lever key: its change from the baseline in each horizon year (fte at the year's end,
    places, or on/off)."""
    years = scenario.horizon_years
    out = {}
    for key in keys:
        kind, name = key.split(":", 1)
        if kind == "role":
            path = fte_path(plan, scenario, name)
            now = scenario.role(name).fte_now
            values = []
            for y, _ in enumerate(years):
                end = 12 * (y + 1) - 1
                level = path[0][1]
                for start, fte in path:
                    if start <= end:
                        level = fte
                values.append(level - now)
            out[key] = np.array(values, dtype=float)
        elif kind == "instrument":
            base = scenario.instrument(name).places_per_year
            out[key] = np.array([instrument_places(plan, scenario, name, y) - base for y in years], dtype=float)
        else:
            on = float(measure_on(plan, scenario, name)) - float(scenario.measure(name).on_in_baseline)
            out[key] = np.full(len(years), on)
    return out


def extra_cost_by_year(scenario: Scenario, plan) -> np.ndarray:
    """The plan's extra personnel and instrument cost in each horizon year (fte at each month's start)."""
    years = scenario.horizon_years
    out = np.zeros(len(years))
    for role in scenario.roles:
        path = fte_path(plan, scenario, role.name)
        for m in range(scenario.months):
            fte = path[0][1]
            for start, level in path:
                if start <= m:
                    fte = level
            out[m // 12] += (fte - role.fte_now) * role.cost_per_fte_year / 12
    for inst in scenario.instruments:
        for y, year in enumerate(years):
            out[y] += (instrument_places(plan, scenario, inst.name, year) - inst.places_per_year) \
                * inst.cost_per_participant
    from sporen.optimise.decisions import measure_spend

    for measure in scenario.measures:
        on = float(measure_on(plan, scenario, measure.name)) - float(measure.on_in_baseline)
        out += on * np.array(measure_spend(scenario, measure), dtype=float)
    return out


def _frames(scenario: Scenario, seeds, values_of, frames, caseload, plan=None) -> SimpleNamespace:
    years = scenario.horizon_years
    muns = [m.name for m in scenario.municipalities]
    n, ny, nm = len(seeds), len(years), len(muns)
    results = np.array([values_of(seed) for seed in seeds], dtype=float).reshape(n, ny, nm)
    extra = extra_cost_by_year(scenario, plan) if plan is not None else np.zeros(ny)
    exploitatie = results - extra[None, :, None] / nm
    yearly = pd.DataFrame({
        "replication": np.repeat(np.arange(n), ny * nm),
        "year": np.tile(np.repeat(years, nm), n),
        "municipality": np.tile(np.array(muns, dtype=object), n * ny),
        "result_after_vangnet": np.rint(results).astype(np.int64).ravel(),
        "exploitatie_result": np.rint(exploitatie).astype(np.int64).ravel(),
    })
    monthly = None
    if "monthly" in frames:
        rows = []
        for r in range(n):
            for month in range(scenario.months):
                for track, load in caseload.items():
                    rows.append({"replication": r, "month": month_label(scenario.start, month),
                                 "municipality": muns[0], "track": track, "segment": "regular",
                                 "on_benefit": load * (1 + 0.01 * np.sin(month)), "without_benefit": 0.0})
        monthly = pd.DataFrame(rows)
    return SimpleNamespace(yearly=yearly, monthly=monthly)


class FakeSim:
    """result = base + noise_r + sum_l slope_l x change_l(year) x u_r,l (- gamma x interaction); the
    exploitatie result is that minus the plan's extra personnel and instrument cost."""

    def __init__(self, slopes: dict[str, float], base: float = -60_000.0, noise: float = 25_000.0,
                 gamma: float = 0.0, caseload: dict[str, float] | None = None):
        self.slopes = slopes
        self.base = base
        self.noise = noise
        self.gamma = gamma
        self.caseload = caseload or {"werk": 50.0, "werkleer": 60.0, "participatie": 30.0}
        self.calls = 0
        self.replications = 0

    def __call__(self, scenario, plan, seeds, workers=1, backend="local", scheduler=None, progress=False,
                 frames=("yearly",)):
        self.calls += 1
        self.replications += len(seeds)
        years = scenario.horizon_years
        muns = [m.name for m in scenario.municipalities]
        keys = list(self.slopes)
        values = lever_values(scenario, plan, keys)

        def result(seed):
            rng = np.random.default_rng(seed)
            noise = rng.normal(0.0, self.noise, size=(len(years), len(muns)))
            u = rng.uniform(0.5, 1.5, size=(len(keys) + 1, len(years), len(muns)))
            out = self.base + noise
            for j, key in enumerate(keys):
                out = out + self.slopes[key] * values[key][:, None] * u[j]
            if self.gamma and len(keys) >= 2:
                role = next((k for k in keys if k.startswith("role:")), keys[0])
                inst = next((k for k in keys if k.startswith("instrument:")), keys[1])
                out = out - self.gamma * np.maximum(values[role], 0)[:, None] * np.maximum(values[inst], 0)[:, None] \
                    * u[-1]
            return out

        return _frames(scenario, seeds, result, frames, self.caseload, plan)


class BernoulliSim:
    """Each plan meets the target in a future with a known probability `probability(plan)`.

    Future r draws U_r (from its seed); the plan's result in every year is (probability - U_r) x
    EUR 1,000,000, so it meets target level 0 exactly when U_r is below the plan's probability: the
    share of futures meeting the target estimates `probability(plan)`, plans are coupled through
    U_r (common random numbers), and a plan that does more has a higher result in every future.
    """

    def __init__(self, probability: Callable[[Scenario, object], float], caseload: dict[str, float] | None = None):
        self.probability = probability
        self.caseload = caseload or {"werk": 50.0, "werkleer": 60.0, "participatie": 30.0}
        self.replications = 0

    def __call__(self, scenario, plan, seeds, workers=1, backend="local", scheduler=None, progress=False,
                 frames=("yearly",)):
        self.replications += len(seeds)
        years = scenario.horizon_years
        muns = [m.name for m in scenario.municipalities]
        p = self.probability(scenario, plan)

        def result(seed):
            u = np.random.default_rng(seed).uniform()
            return np.full((len(years), len(muns)), (p - u) * 1_000_000 / len(muns))

        return _frames(scenario, seeds, result, frames, self.caseload)


def additive_probability(scenario: Scenario, base: float, gains: dict[str, float], years: list[int] | None = None,
                         cap: float = 0.999) -> Callable[[Scenario, object], float]:
    """A probability that rises with each lever: base + sum gain x (mean change over the target years)."""
    def probability(sc: Scenario, plan) -> float:
        values = lever_values(sc, plan, list(gains))
        idx = slice(None) if years is None else [sc.horizon_years.index(y) for y in years]
        p = base + sum(g * float(np.mean(values[k][idx])) for k, g in gains.items())
        return float(min(cap, max(0.0, p)))
    return probability


def fresh_shares(space: DecisionSpace, evaluate, target, futures: int = 1000, root: int = 4242,
                 limits=None) -> dict[tuple, float]:
    """Brute force on fresh futures: every admissible static plan's share of `futures` futures (from a
    root seed the optimiser never uses) that meet the target."""
    from sporen.optimise.design import result_array
    from sporen.optimise.model import met_by_replication

    scenario = space.scenario
    seeds = np.random.SeedSequence(root).spawn(futures)
    years, muns = scenario.horizon_years, [m.name for m in scenario.municipalities]
    out = {}
    for choice in space.all_choices():
        if limits is not None and not limits.admissible(space.point(choice)):
            continue
        run = evaluate(scenario, space.plan(choice), seeds, frames=("yearly",))
        results = result_array(run.yearly, years, muns, target.column)
        out[choice] = float(met_by_replication(results, years, muns, target).mean())
    return out
