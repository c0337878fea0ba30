"""Summaries of engine runs to compare two engines in distribution (tests/test_engine_equivalence.py).

Two cases: BMWE under its baseline plan, and BMWE with strong intensity effects (half-effect
caseload 2, so the served multiplier moves a lot with the caseload, and a plan that cuts then
raises the caseworker fte, so the caseload moves). One row per replication: the stock at the end
of each year, the exits by cause and the transfers and partial-work starts over the horizon, the
mean number in view, and spending and vangnet per year (over the municipalities).

`python tests/engine_reference.py` writes tests/data/engine_reference.csv (REFERENCE_REPS
replications of each case, seeds from REFERENCE_SEED). The file holds the engine that restated
every client in view when a served multiplier moved (multiplier rounded to 0.01), on the model of
main at c60aa59 (returns of earlier job-leavers, net instrument effects, BMWE recalibrated with its
deadweights): that tree with the thinning commits (de23d8e, 9a9148d, 4a90fbb) reversed in sim/.
It is the reference the thinning engine is tested against; re-record it the same way when the model
itself changes BMWE's figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "engine_reference.csv"
REFERENCE_REPS, REFERENCE_SEED = 240, 17_2026
CASES = ("bmwe", "strong")


def scenario_and_plan(case: str):
    """The case's scenario and plan."""
    from sporen.inputs.load import load_scenario
    from sporen.inputs.plan import Plan, StaffLevel, baseline_plan

    scenario = load_scenario(ROOT / "inputs" / "scenarios" / "bmwe.yaml")
    if case == "bmwe":
        return scenario, baseline_plan(scenario)
    raw = scenario.model_dump()
    for track in raw["tracks"]:
        if track.get("intensity"):
            track["intensity"]["half_effect_caseload"] = 2.0
    raw["uncertainty"] = [u for u in raw.get("uncertainty") or []
                          if "half_effect" not in u["parameter"]]
    scenario = type(scenario).model_validate(raw)
    plan = Plan(staff={
        "werkcoach": StaffLevel(fte=5.0, arrives="2018-04", later={"2019-07": 20.0}),
        "km_participatiespoor": StaffLevel(fte=2.0, arrives="2018-06", later={"2020-01": 8.0}),
    })
    return scenario, plan


def summarise(case: str, seeds: list[np.random.SeedSequence]) -> pd.DataFrame:
    """One row per replication of the case's summary figures."""
    from sporen.inputs.schema import EXIT_CAUSES
    from sporen.sim.runner import simulate_seeds

    scenario, plan = scenario_and_plan(case)
    run = simulate_seeds(scenario, plan, seeds, workers=1, frames=("monthly", "yearly"))
    mo, ye = run.monthly, run.yearly
    assert mo is not None and ye is not None
    mo = mo.assign(stock=mo.on_benefit + mo.without_benefit)
    per_month = mo.groupby(["replication", "month"], sort=True).sum(numeric_only=True)
    rows = per_month.reset_index()
    months = sorted(rows.month.unique())
    out = pd.DataFrame({"replication": np.arange(len(seeds))})
    out.insert(0, "case", case)
    for k in range(12, len(months) + 1, 12):
        last = rows[rows.month == months[k - 1]].set_index("replication")
        out[f"stock_m{k}"] = last.stock.reindex(out.replication).to_numpy()
    totals = rows.groupby("replication").sum(numeric_only=True).reindex(out.replication)
    for cause in EXIT_CAUSES:
        out[f"exits_{cause}"] = totals[f"outflow_{cause}"].to_numpy()
    out["transfers"] = totals.transfers_in.to_numpy()
    out["partial_work"] = totals.partial_work.to_numpy()
    out["in_view_mean"] = rows.groupby("replication").in_view.mean().reindex(out.replication).to_numpy()
    years = ye.groupby(["replication", "year"]).sum(numeric_only=True).reset_index()
    for year in sorted(years.year.unique()):
        y = years[years.year == year].set_index("replication").reindex(out.replication)
        out[f"spending_{year}"] = y.spending.to_numpy()
        out[f"vangnet_{year}"] = y.vangnet.to_numpy()
    return out


def reference(reps: int = REFERENCE_REPS, seed: int = REFERENCE_SEED) -> pd.DataFrame:
    """Both cases, `reps` replications each, on the seeds spawned from `seed`."""
    seeds = np.random.SeedSequence(seed).spawn(reps)
    return pd.concat([summarise(case, seeds) for case in CASES], ignore_index=True)


if __name__ == "__main__":
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else REFERENCE_REPS
    frame = reference(reps)
    frame.to_csv(DATA, index=False, float_format="%.6g")
    print(f"wrote {DATA} ({len(frame)} rows)")
