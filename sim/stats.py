"""Statistics over replications: mean with a 95% confidence interval, and paired differences.

Intervals use Student's t with n - 1 degrees of freedom (n = replications with a value); the
quantile and `mean_ci` live in common/stats.py (the outputs' tables use them too). Only the 95%
level is offered.

Paired differences compare two runs on the same seeds (common random numbers, MODEL.md 4):
replication i of run A and replication i of run B share their random draws, so the difference per
replication has a much smaller variance than the difference of two independent means. A
difference is `significant` when its interval excludes 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sporen.common.stats import CONFIDENCE, T975_TABLE, mean_ci, t_quantile

__all__ = ["CONFIDENCE", "PAIRED_COLUMNS", "SUMMARY_COLUMNS", "T975_TABLE", "mean_ci", "paired_difference", "summarise",
           "t_quantile"]

SUMMARY_COLUMNS = ["n", "mean", "std", "ci_low", "ci_high"]
PAIRED_COLUMNS = ["n", "mean_a", "mean_b", "mean_diff", "std_diff", "ci_low", "ci_high", "significant"]


def _half_widths(n: np.ndarray, std: np.ndarray, confidence: float) -> np.ndarray:
    t = np.array([t_quantile(int(k) - 1, confidence) if k >= 2 else math.nan for k in n], dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return t * std / np.sqrt(n.astype(float))


def summarise(
    frame: pd.DataFrame, by: Sequence[str], values: Sequence[str] | str, confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Mean and CI over replications per group: columns *by, quantity, n, mean, std, ci_low, ci_high.

    `frame` has one row per replication and group (e.g. the stacked yearly frame); `values` are the
    columns to summarise (each becomes rows with `quantity` = its name). Missing values are left
    out of their group's n. Rows are sorted by `by`, then by the order of `values`.
    """
    values = [values] if isinstance(values, str) else list(values)
    by = list(by)
    parts = []
    grouped = frame.groupby(by, sort=True, dropna=False)
    for position, name in enumerate(values):
        stats = grouped[name].agg(["count", "mean", "std"]).reset_index()
        n = stats["count"].to_numpy(np.int64)
        half = _half_widths(n, stats["std"].to_numpy(float), confidence)
        out = stats[by].copy()
        out["quantity"] = name
        out["n"] = n
        out["mean"] = stats["mean"].to_numpy(float)
        out["std"] = stats["std"].to_numpy(float)
        out["ci_low"] = out["mean"] - half
        out["ci_high"] = out["mean"] + half
        out["_order"] = position
        parts.append(out)
    result = pd.concat(parts, ignore_index=True).sort_values([*by, "_order"], kind="stable")
    return result.drop(columns="_order").reset_index(drop=True)


def paired_difference(
    a: pd.DataFrame, b: pd.DataFrame, by: Sequence[str], values: Sequence[str] | str,
    replication: str = "replication", confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Paired differences b - a per group, matched by replication (same seeds in both runs).

    Columns: *by, quantity, n, mean_a, mean_b, mean_diff, std_diff, ci_low, ci_high (CI of the mean
    difference), significant (the CI excludes 0). Rows that exist in only one run are an error: the
    runs must cover the same replications and groups.
    """
    values = [values] if isinstance(values, str) else list(values)
    keys = [replication, *by]
    left = a[keys + values].set_index(keys)
    right = b[keys + values].set_index(keys)
    if len(left.index.symmetric_difference(right.index)):
        raise ValueError("the two runs do not cover the same replications and groups (allowed: runs on the same "
                         "seeds of the same scenario horizon)")
    right = right.reindex(left.index)
    diff = (right - left).reset_index()
    merged = left.add_suffix("__a").join(right.add_suffix("__b")).reset_index()
    parts = []
    for position, name in enumerate(values):
        frame = merged[[*keys]].copy()
        frame["a"] = merged[f"{name}__a"].astype(float)
        frame["b"] = merged[f"{name}__b"].astype(float)
        frame["d"] = diff[name].astype(float)
        grouped = frame.groupby(list(by), sort=True, dropna=False) if by else frame.assign(_all=0).groupby("_all")
        stats = grouped.agg(n=("d", "count"), mean_a=("a", "mean"), mean_b=("b", "mean"), mean_diff=("d", "mean"),
                            std_diff=("d", "std")).reset_index()
        if not by:
            stats = stats.drop(columns="_all")
        half = _half_widths(stats["n"].to_numpy(np.int64), stats["std_diff"].to_numpy(float), confidence)
        out = stats[list(by)].copy()
        out["quantity"] = name
        for column in ("n", "mean_a", "mean_b", "mean_diff", "std_diff"):
            out[column] = stats[column].to_numpy()
        out["ci_low"] = out["mean_diff"] - half
        out["ci_high"] = out["mean_diff"] + half
        out["significant"] = ((out["ci_low"] > 0) | (out["ci_high"] < 0)).to_numpy(bool)
        out["_order"] = position
        parts.append(out)
    result = pd.concat(parts, ignore_index=True).sort_values([*by, "_order"], kind="stable")
    return result.drop(columns="_order").reset_index(drop=True)
