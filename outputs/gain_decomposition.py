"""What a variant's gain rests on, year by year: the vangnet, the instruments, the caseworkers, the rest.

The gain is the paired difference (variant minus base, replication by replication) of the
exploitatie result. It splits exactly along the accounting identity of a year,

    exploitatie = participatiebudget + BUIG budget - benefits - subsidies + vangnet
                  - personnel - instruments - measures - other lines,

with one counterfactual: the benefits the instruments' net work effect saves, measured as the
change in the gain's benefit cost when base and variant are simulated again, on the same seeds,
with every trajectory's work effect switched off (`sim.instruments.without_instrument_effects`).

* vangnet_part: the extra vangnet the variant receives;
* instruments_part: the benefits the instruments' net work effect saves, less their extra cost;
* caseworkers_part: the personnel cost saved (negative: extra staff of every role);
* rest_part: everything else: the benefits saved or spent without the instruments' effect (the
  caseworkers' effect on work is here, with the economy and the gate), the wage-cost subsidies,
  measures, other lines and income.

``gain_without_vangnet`` is the gain less the vangnet part: what the variant is worth when the
safety net does not pay for it (the vangnet is the Rijk's money, decided a year later and under
conditions). The parts sum to the gain in every replication and year (tests/test_compare.py).
"""

from __future__ import annotations

import pandas as pd

from sporen.common.stats import mean_ci

PARTS = ("vangnet_part", "instruments_part", "caseworkers_part", "rest_part")
MEASURES = ("gain", *PARTS, "gain_without_vangnet")
"""Rows of the decomposition per variant and year, in this order (codes; the catalogue's
``measure.<code>`` says them in words)."""
COLUMNS = ["variant", "year", "measure", "unit", "replications", "mean", "ci_low", "ci_high"]
_LINES = ("exploitatie_result", "participatiebudget", "buig_budget", "benefit_cost", "subsidy_cost", "vangnet",
          "personnel_cost", "instrument_cost", "measure_cost", "other_lines")
ALL = "all"


def _by_year(yearly: pd.DataFrame) -> pd.DataFrame:
    """The accounting lines per (replication, year), municipalities summed (a merger changes the
    municipalities of a year, not the sum)."""
    frame = yearly.groupby(["replication", "year"], sort=True)[list(_LINES)].sum()
    return frame.astype(float)


def parts_per_replication(base: pd.DataFrame, variant: pd.DataFrame, base_off: pd.DataFrame | None = None,
                          variant_off: pd.DataFrame | None = None) -> pd.DataFrame:
    """The gain and its parts per (replication, year): yearly frames of the base and the variant,
    and of both without the instruments' work effect (None: the scenarios have none)."""
    d = _by_year(variant) - _by_year(base)
    if base_off is not None and variant_off is not None:
        saved_without = -(_by_year(variant_off) - _by_year(base_off))["benefit_cost"]
    else:
        saved_without = -d["benefit_cost"]
    saved = -d["benefit_cost"]
    out = pd.DataFrame(index=d.index)
    out["gain"] = d["exploitatie_result"]
    out["vangnet_part"] = d["vangnet"]
    out["instruments_part"] = -d["instrument_cost"] + (saved - saved_without)
    out["caseworkers_part"] = -d["personnel_cost"]
    out["rest_part"] = (saved_without - d["subsidy_cost"] - d["measure_cost"] - d["other_lines"]
                   + d["participatiebudget"] + d["buig_budget"])
    out["gain_without_vangnet"] = out["gain"] - out["vangnet_part"]
    return out


def decomposition(variant: str, per_replication: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% interval of every measure per year and over the horizon (``year`` 'all')."""
    frame = per_replication.reset_index()
    frame["year"] = frame["year"].astype(str)
    overall = frame.groupby("replication", sort=True)[list(MEASURES)].sum().reset_index().assign(year=ALL)
    rows = []
    for year, group in pd.concat([frame, overall], ignore_index=True).groupby("year", sort=False):
        for measure in MEASURES:
            n, mean, _, low, high = mean_ci(group[measure].to_numpy())
            rows.append({"variant": variant, "year": year, "measure": measure, "unit": "EUR", "replications": n,
                         "mean": mean, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=COLUMNS)


def negative_years(table: pd.DataFrame, variant: str) -> list[str]:
    """The years whose mean gain without the vangnet part is negative."""
    rows = table[(table.variant == variant) & (table.measure == "gain_without_vangnet") & (table.year != ALL)]
    return [str(y) for y in rows[rows["mean"] < 0].year]
