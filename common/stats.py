"""A mean with its 95% confidence interval (Student's t), shared by the engine's summaries and the
outputs' tables (pure arithmetic, no layer of its own).

scipy's t quantile is not used so that intervals stay byte-identical with the recorded golden files:
t(0.975, df) comes from a table for df = 1..30 (to 6 decimals) and, above 30, from the Cornish-Fisher
expansion around the normal quantile with four correction terms (error below 3e-8 for df > 30).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

CONFIDENCE = 0.95
_Z975 = 1.959963984540054
T975_TABLE = (
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
    2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
    2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
)
"""t quantile 0.975 for df = 1..30."""


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
