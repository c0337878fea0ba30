"""Statistics over replications: mean with a 95% confidence interval, and paired differences.

Intervals use Student's t with n - 1 degrees of freedom (n = replications with a value). scipy is
not a dependency, so the two-sided 95% quantile t(0.975, df) comes from a table for df = 1..30
(computed to 6 decimals from the regularised incomplete beta function) and, above 30, from the
Cornish-Fisher expansion around the normal quantile 1.959964 with four correction terms (its
error is below 3e-8 for df > 30, far below what a replication count can resolve). Only the 95%
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

CONFIDENCE = 0.95
_Z975 = 1.959963984540054
T975_TABLE = (
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
    2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
    2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
)
"""t quantile 0.975 for df = 1..30."""

SUMMARY_COLUMNS = ["n", "mean", "std", "ci_low", "ci_high"]
PAIRED_COLUMNS = ["n", "mean_a", "mean_b", "mean_diff", "std_diff", "ci_low", "ci_high", "significant"]


def t_quantile(df: int, confidence: float = CONFIDENCE) -> float:
    """Two-sided Student t quantile: P(|T| <= t) = confidence, for df >= 1 (only 0.95)."""
    if not math.isclose(confidence, CONFIDENCE):
        raise ValueError(f"confidence {confidence} is not supported (allowed: 0.95)")
    if df < 1:
        raise ValueError(f"df {df} is below 1")
    if df <= len(T975_TABLE):
        return T975_TABLE[df - 1]
    z = _Z975
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def mean_ci(
    values: Sequence[float] | np.ndarray, confidence: float = CONFIDENCE,
) -> tuple[int, float, float, float, float]:
    """(n, mean, std, ci_low, ci_high) of the non-missing values; std and CI are NaN for n < 2."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return 0, math.nan, math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n == 1:
        return 1, mean, math.nan, math.nan, math.nan
    std = float(x.std(ddof=1))
    half = t_quantile(n - 1, confidence) * std / math.sqrt(n)
    return n, mean, std, mean - half, mean + half


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
