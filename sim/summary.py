"""Summaries over replications: mean and 95% CI of the money per year and municipality, and of
every KPI. "all" rows sum the municipalities and/or the horizon's years (year is then text)."""

from __future__ import annotations

import pandas as pd

from sporen.sim.money import MONEY_COLUMNS, vangnet_projection
from sporen.sim.stats import summarise


def run_summaries(result, scenario=None, rules=None) -> dict[str, pd.DataFrame]:
    """{"yearly_summary": ..., "kpis_summary": ...} for the frames a run built; with the scenario
    and its vangnet rules also "vangnet_projection" (`sim.money.vangnet_projection`: the vangnet of
    the mean projected spending, as a municipality's own prognosis computes it, beside the mean
    vangnet over the futures)."""
    out: dict[str, pd.DataFrame] = {}
    if getattr(result, "yearly", None) is not None:
        out["yearly_summary"] = yearly_summary(result.yearly)
        if scenario is not None and rules is not None:
            out["vangnet_projection"] = vangnet_projection(scenario, result.yearly, rules)
    if getattr(result, "kpis", None) is not None:
        out["kpis_summary"] = kpis_summary(result.kpis)
    return out


def yearly_summary(yearly: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% CI over replications of every money column, per year and municipality, with
    "all" rows for the municipalities summed and for the horizon's years summed (year is text)."""
    frame = yearly[["replication", "year", "municipality", *MONEY_COLUMNS]].copy()
    frame["year"] = frame["year"].astype(str)
    per_year = frame.groupby(["replication", "year"], sort=True)[MONEY_COLUMNS].sum().reset_index()
    per_muni = frame.groupby(["replication", "municipality"], sort=True)[MONEY_COLUMNS].sum().reset_index()
    overall = frame.groupby(["replication"], sort=True)[MONEY_COLUMNS].sum().reset_index()
    stacked = pd.concat([
        frame,
        per_year.assign(municipality="all"),
        per_muni.assign(year="all"),
        overall.assign(year="all", municipality="all"),
    ], ignore_index=True)
    return summarise(stacked, ["year", "municipality"], MONEY_COLUMNS)


def kpis_summary(kpis: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% CI over replications of every KPI (columns kpi, municipality, year, n, mean, ...)."""
    return summarise(kpis, ["kpi", "municipality", "year"], "value").drop(columns="quantity")
