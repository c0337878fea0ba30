"""The re-forecast of `sporen monitor`: the plan's forecast from the start, and the same plan from the
actuals' last month on (MODEL.md 3.9), both per simulated future.

Both runs use the same seeds, so future i of the re-forecast has the same uncertain parameters
(`uncertainty:`) as future i of the plan's forecast. The yearly money of the re-forecast is the
base scenario's (`sim.money.MoneyModel`) over the realised months joined with each future
(`sim.from_actuals`): its vangnet is the same multi-year test as a run from January.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sporen.inputs.actuals import Actuals
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario, month_label
from sporen.sim import from_actuals
from sporen.sim.money import MoneyModel
from sporen.sim.runner import run

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""The bands: 5-95% (the 90% band a flag is about) and 25-75%; 50% is the median."""
MEASURES = ("spending", "buig_result", "vangnet", "result_after_vangnet")


@dataclass
class Reforecast:
    """The two runs, per future (`replication` first), and what the restart started from."""

    plan_yearly: pd.DataFrame
    plan_monthly: pd.DataFrame        # month, municipality (areas), replication: on_benefit, spending, flows
    yearly: pd.DataFrame              # the re-forecast, per future
    monthly: pd.DataFrame             # the re-forecast's simulated months, same columns as plan_monthly
    realised: pd.DataFrame            # month, municipality: what the realised months count (spending estimated?)
    restart_start: str
    restart_stock: dict[str, dict[str, int]]
    seed_records: list[dict[str, Any]]   # per future: its seed (manifest.json), the same for both runs


def area_months(monthly: pd.DataFrame) -> pd.DataFrame:
    """Per future, month and municipality: clients on benefit, spending (benefit + subsidy) and flows."""
    frame = monthly.assign(spending=monthly["benefit_cost"] + monthly["subsidy_cost"])
    columns = ["on_benefit", "spending", "inflow", "outflow", "outflow_work"]
    return frame.groupby(["replication", "month", "municipality"], sort=True)[columns].sum().reset_index()


def reforecast(scenario: Scenario, plan: Plan, actuals: Actuals, *, replications: int, seed: int,
               rules: Mapping[int, Any], **running: Any) -> Reforecast:
    """The plan's forecast and the re-forecast from `actuals`; `running` goes to `sim.runner.run`
    (workers, backend, scheduler, progress)."""
    model = MoneyModel(scenario, plan, rules)
    forecast = run(scenario, plan, replications=replications, seed=seed, frames=("monthly", "yearly", "spells"),
                   rules=rules, **running)
    assert forecast.monthly is not None and forecast.yearly is not None and forecast.spells is not None
    means = from_actuals.forecast_means(model, forecast.monthly)
    last = actuals.last_month
    mix = _segment_mix(forecast.monthly, last)
    caseload = actuals.per_municipality()
    at_last = caseload[caseload["month"] == last].set_index("municipality")["caseload"]
    stock: dict[str, dict[str, int]] = {}
    if actuals.by_segment:
        rows = actuals.table[actuals.table["month"] == last]
        for m, s, c in zip(rows["municipality"], rows["segment"], rows["caseload"], strict=True):
            stock.setdefault(str(m), {})[str(s)] = int(c)
    else:
        stock = from_actuals.segment_stock(scenario, {str(m): int(v) for m, v in at_last.items()}, mix)
    restart = from_actuals.restart_scenario(scenario, last, stock,
                                            from_actuals.duration_mix(scenario, forecast.spells, last))
    restart_plan = from_actuals.restart_plan(plan, scenario, restart)
    again = run(restart, restart_plan, replications=replications, seed=seed, frames=("monthly",), rules=rules,
                **running)
    assert again.monthly is not None
    realised = from_actuals.realised_totals(model, caseload, means)
    labels = tuple(month_label(restart.start, i) for i in range(restart.months))
    totals = from_actuals.combined_totals(model, realised, again.monthly, labels)
    arrays = model.yearly_arrays(totals)
    yearly = model.frame(arrays, list(range(replications)))
    given = caseload.set_index(["month", "municipality"])["spending"]
    spent = realised["benefit_cost"] + realised["subsidy_cost"]
    realised_frame = pd.DataFrame(
        [{"month": month, "municipality": area, "spending": int(spent[i, j]),
          "spending_given": bool(pd.notna(given.get((month, area))))}
         for i, month in enumerate(actuals.months) for j, area in enumerate(model.areas)])
    return Reforecast(forecast.yearly, area_months(forecast.monthly), yearly, area_months(again.monthly),
                      realised_frame, restart.start, stock, forecast.seed_records())


def _segment_mix(monthly: pd.DataFrame, month: str) -> dict[tuple[str, str], float]:
    """The forecast's mean clients on benefit per (municipality, segment) at the end of `month`."""
    at = monthly[monthly["month"] == month]
    summed = at.groupby(["municipality", "segment"], as_index=False)["on_benefit"].sum()
    futures = max(1, at["replication"].nunique())
    return {(str(m), str(s)): float(v) / futures
            for m, s, v in zip(summed["municipality"], summed["segment"], summed["on_benefit"], strict=True)}


# -- summaries ----------------------------------------------------------------------------------------
def with_total(yearly: pd.DataFrame) -> pd.DataFrame:
    """The yearly frame plus, per future and year with several municipalities, a row 'all' summing them."""
    several = yearly.groupby("year")["municipality"].transform("nunique") > 1
    summed = yearly[several].groupby(["replication", "year"], sort=True)[list(MEASURES) + ["buig_budget"]].sum()
    summed = summed.reset_index()
    summed["municipality"] = "all"
    return pd.concat([yearly, summed], ignore_index=True)


def quantile_columns(values: Any, prefix: str) -> pd.DataFrame:
    """Mean and QUANTILES of a grouped series, as columns <prefix>_mean, <prefix>_p05, ..."""
    out = values.mean().rename(f"{prefix}_mean").to_frame()
    for q in QUANTILES:
        out[f"{prefix}_p{round(q * 100):02d}"] = values.quantile(q)
    return out


def monitor_table(result: Reforecast) -> pd.DataFrame:
    """Per year, municipality ('all' summed) and measure: the budget, the plan's forecast (mean and
    5-95%) and the re-forecast (mean, 5%, 25%, median, 75%, 95%), and the change of the mean."""
    rows = []
    plan, again = with_total(result.plan_yearly), with_total(result.yearly)
    keys = ["year", "municipality"]
    budget = again.groupby(keys)["buig_budget"].first()
    for measure in MEASURES:
        before = quantile_columns(plan.groupby(keys)[measure], "plan")[["plan_mean", "plan_p05", "plan_p95"]]
        after = quantile_columns(again.groupby(keys)[measure], "reforecast")
        frame = before.join(after, how="outer").join(budget.rename("buig_budget"))
        frame["change"] = frame["reforecast_mean"] - frame["plan_mean"]
        frame.insert(0, "measure", measure)
        rows.append(frame.reset_index())
    table = pd.concat(rows, ignore_index=True)
    order = {m: i for i, m in enumerate(MEASURES)}
    table["_all"] = table["municipality"] == "all"
    table["_m"] = table["measure"].map(order)
    table = table.sort_values(["year", "_m", "_all", "municipality"], kind="stable").drop(columns=["_all", "_m"])
    columns = ["year", "municipality", "measure", "buig_budget", "plan_mean", "plan_p05", "plan_p95",
               "reforecast_mean", "reforecast_p05", "reforecast_p25", "reforecast_p50", "reforecast_p75",
               "reforecast_p95", "change"]
    table = table[columns].reset_index(drop=True)
    money = columns[3:]
    table[money] = table[money].round().astype("int64")   # whole euros, as all of sporen's money
    return table


def band_check(result: Reforecast, actuals: Actuals) -> pd.DataFrame:
    """Every actual against the plan's 90% band: per month, municipality ('all' summed) and measure
    (caseload; inflow, outflow, outflow to work and spending where given): the actual, the
    forecast's mean, 5% and 95%, and whether the actual lies outside [5%, 95%]."""
    plan = result.plan_monthly
    summed = plan.groupby(["replication", "month"], sort=True).sum(numeric_only=True).reset_index()
    summed["municipality"] = "all"
    plan = pd.concat([plan, summed], ignore_index=True)
    seen = actuals.per_municipality().rename(columns={"caseload": "on_benefit"})
    total = seen.groupby("month", sort=True).sum(min_count=1, numeric_only=True).reset_index()
    total["municipality"] = "all"
    seen = pd.concat([seen, total], ignore_index=True)
    keys = ["month", "municipality"]
    rows = []
    for measure in ("on_benefit", "inflow", "outflow", "outflow_work", "spending"):
        if measure not in seen or seen[measure].isna().all():
            continue
        grouped = plan.groupby(keys)[measure]
        band = pd.DataFrame({"plan_mean": grouped.mean(), "plan_p05": grouped.quantile(0.05),
                             "plan_p95": grouped.quantile(0.95)})
        actual = seen.set_index(keys)[measure].dropna().rename("actual")
        frame = band.join(actual, how="inner").reset_index()
        frame.insert(2, "measure", "caseload" if measure == "on_benefit" else measure)
        rows.append(frame)
    table = pd.concat(rows, ignore_index=True)
    table["outside"] = (table["actual"] < table["plan_p05"]) | (table["actual"] > table["plan_p95"])
    table["_all"] = table["municipality"] == "all"
    table = table.sort_values(["measure", "month", "_all", "municipality"], kind="stable").drop(columns="_all")
    return table[["month", "municipality", "measure", "actual", "plan_mean", "plan_p05", "plan_p95",
                  "outside"]].reset_index(drop=True)
