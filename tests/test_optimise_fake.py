"""A fake simulation oracle with a known optimum, and brute force over small decision spaces.

`FakeSim` has `sim.api.evaluate`'s signature and returns yearly (and monthly) frames whose
result_after_vangnet is a deterministic function of the plan and the replication's seed:
``base[y, m] + noise_r[y, m] + sum_l slope_l x (value_l - baseline_l) x u_r,l`` plus an optional
sub-additive interaction ``- gamma x (extra fte of the first role) x (extra places of the first
instrument) x u_r``. Other test modules import it from here (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import yaml

from sporen.inputs.load import scenario_from_dict
from sporen.inputs.plan import fte_path, instrument_places, measure_on
from sporen.inputs.schema import Scenario, month_label
from sporen.optimise.decisions import DecisionSpace, decision_space, restrict_levels
from sporen.optimise.design import optimisation_seeds, result_array
from sporen.optimise.model import Target, meets

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def tiny_raw() -> dict:
    return yaml.safe_load(TINY.read_text(encoding="utf-8"))


def tiny(patch=None) -> Scenario:
    raw = tiny_raw()
    if patch is not None:
        patch(raw)
    return scenario_from_dict(raw, str(TINY))


class FakeSim:
    """A deterministic stand-in for sim.api.evaluate with a known response to each lever."""

    def __init__(self, slopes: dict[str, float], base: float = -60_000.0, noise: float = 25_000.0,
                 gamma: float = 0.0, caseload: dict[str, float] | None = None):
        self.slopes = slopes
        self.base = base
        self.noise = noise
        self.gamma = gamma
        self.caseload = caseload or {"werk": 50.0, "werkleer": 60.0, "participatie": 30.0}
        self.calls = 0
        self.replications = 0

    def values(self, scenario: Scenario, plan) -> dict[str, float]:
        out = {}
        for key in self.slopes:
            kind, name = key.split(":", 1)
            if kind == "role":
                out[key] = fte_path(plan, scenario, name)[-1][1] - scenario.role(name).fte_now
            elif kind == "instrument":
                first = scenario.horizon_years[0]
                out[key] = instrument_places(plan, scenario, name, first) - scenario.instrument(name).places_per_year
            else:
                out[key] = float(measure_on(plan, scenario, name)) - float(scenario.measure(name).on_in_baseline)
        return out

    def __call__(self, scenario, plan, seeds, workers=1, backend="local", scheduler=None, progress=False,
                 frames=("yearly",)):
        self.calls += 1
        self.replications += len(seeds)
        years = scenario.horizon_years
        muns = [m.name for m in scenario.municipalities]
        values = self.values(scenario, plan)
        keys = list(self.slopes)
        rows, monthly = [], []
        for r, seed in enumerate(seeds):
            rng = np.random.default_rng(seed)
            noise = rng.normal(0.0, self.noise, size=(len(years), len(muns)))
            u = rng.uniform(0.5, 1.5, size=(len(keys) + 1, len(years), len(muns)))
            result = self.base + noise
            for j, key in enumerate(keys):
                result = result + self.slopes[key] * values[key] * u[j]
            if self.gamma and len(keys) >= 2:
                role = next((k for k in keys if k.startswith("role:")), keys[0])
                inst = next((k for k in keys if k.startswith("instrument:")), keys[1])
                result = result - self.gamma * max(values[role], 0) * max(values[inst], 0) * u[-1]
            for yi, year in enumerate(years):
                for mi, mun in enumerate(muns):
                    rows.append({"replication": r, "year": year, "municipality": mun,
                                 "result_after_vangnet": int(round(result[yi, mi]))})
            if "monthly" in frames:
                for month in range(scenario.months):
                    for track, load in self.caseload.items():
                        monthly.append({"replication": r, "month": month_label(scenario.start, month),
                                        "municipality": muns[0], "track": track, "segment": "regular",
                                        "on_benefit": load * (1 + 0.01 * np.sin(month)), "without_benefit": 0.0})
        yearly = pd.DataFrame(rows)
        return SimpleNamespace(yearly=yearly, monthly=pd.DataFrame(monthly) if monthly else None)


def small_space(scenario: Scenario, levels: dict[str, list]) -> DecisionSpace:
    """The decision space of the given levers, each restricted to the given level values."""
    space = decision_space(scenario, list(levels))
    for key, values in levels.items():
        space = restrict_levels(space, key, values)
    return space


def feasible(space: DecisionSpace, choice, peaks: dict[str, float] | None = None) -> bool:
    """The hard (non-target) constraints, checked directly from the scenario."""
    scenario = space.scenario
    years = space.years
    policy = scenario.policy
    spend_total, partner_total = 0, 0
    for y, year in enumerate(years):
        spend = sum(lever.spend[k][y] for lever, k in zip(space.levers, choice, strict=True))
        cap = scenario.finance.participatiebudget.get(year)
        if cap is not None and spend > cap:
            return False
    for lever, k in zip(space.levers, choice, strict=True):
        value = lever.levels[k]
        if lever.kind == "instrument":
            inst = scenario.instrument(lever.name)
            if inst.track in policy.no_reintegration_money_for and inst.paid_from == "participatiebudget" and value:
                return False
            money = sum(lever.spend[k])
            spend_total += money
            partner_total += money if inst.partner else 0
        if lever.kind == "role":
            role = scenario.role(lever.name)
            if value < role.min_fte - 1e-9 or (role.max_fte is not None and value > role.max_fte + 1e-9):
                return False
    if partner_total < policy.min_partner_share * spend_total - 1e-6:
        return False
    if policy.everyone_in_view and peaks:
        for track in scenario.tracks:
            role = track.caseworker_role
            key = f"role:{role}"
            fte = next((lv.levels[k] for lv, k in zip(space.levers, choice, strict=True) if lv.key == key),
                       scenario.role(role).fte_now)
            if fte * track.caseload_per_fte < peaks.get(track.name, 0) - 1e-6:
                return False
    return True


def brute_force(space: DecisionSpace, fake: FakeSim, seeds, target: Target,
                peaks: dict[str, float] | None = None) -> tuple[int, list[tuple]]:
    """Cheapest cost and all cheapest plans that meet the target on the seeds (cost None if none)."""
    scenario = space.scenario
    years = scenario.horizon_years
    muns = [m.name for m in scenario.municipalities]
    best, plans = None, []
    for choice in space.all_choices():
        if not feasible(space, choice, peaks):
            continue
        run = fake(scenario, space.plan(choice), seeds)
        if not meets(result_array(run.yearly, years, muns), years, muns, target):
            continue
        cost = space.cost(choice)
        if best is None or cost < best:
            best, plans = cost, [choice]
        elif cost == best:
            plans.append(choice)
    return best, plans


def test_fake_is_deterministic_and_keyed_by_seed():
    scenario = tiny()
    fake = FakeSim({"role:km_werk": 10_000.0})
    seeds = optimisation_seeds(1, 3)
    space = decision_space(scenario, ["role:km_werk"])
    one = fake(scenario, space.plan(space.baseline), seeds).yearly
    two = fake(scenario, space.plan(space.baseline), optimisation_seeds(1, 3)).yearly
    pd.testing.assert_frame_equal(one, two)
    assert one.groupby("replication")["result_after_vangnet"].sum().nunique() == 3
