"""A regression metamodel over the assumptions and its Sobol indices: the cheap second opinion.

A polynomial chaos expansion of degree 2 (Legendre polynomials, orthonormal for uniform inputs:
every square and every pairwise product) fitted by least squares to simulated futures. Its
Sobol indices follow from the coefficients (Sudret 2008): a term's squared coefficient is its
share of the variance. What the polynomial does not explain is the intrinsic noise, taken as
additive (the noise row: residual variance over total variance; interactions between the seed
and an assumption are not modelled). Each squared coefficient is taken less its estimate's variance
(unbiased; an assumption the output ignores gets about 0). Intervals: 2.5-97.5% over bootstrap refits.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from sporen.sensitivity.indices import CONFIDENCE, INDEX_COLUMNS
from sporen.sensitivity.sampling import NOISE, Factor

BOOTSTRAP = 200


def _scaled(factors: Sequence[Factor], x: np.ndarray) -> np.ndarray:
    """Each assumption mapped to [-1, 1] (a zero-width range to 0)."""
    low = np.array([f.low for f in factors])
    width = np.array([f.high - f.low for f in factors])
    safe = np.where(width > 0, width, 1.0)
    return np.where(width > 0, 2 * (x - low) / safe - 1, 0.0)


def basis(z: np.ndarray) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """The design matrix of the expansion and, per column, the assumptions its term involves."""
    n, k = z.shape
    columns = [np.ones(n)]
    terms: list[tuple[int, ...]] = [()]
    for i in range(k):
        columns += [np.sqrt(3) * z[:, i], np.sqrt(5) * (3 * z[:, i] ** 2 - 1) / 2]
        terms += [(i,), (i,)]
    for i, j in combinations(range(k), 2):
        columns.append(3 * z[:, i] * z[:, j])
        terms.append((i, j))
    return np.column_stack(columns), terms


def _indices(matrix: np.ndarray, terms: list[tuple[int, ...]], y: np.ndarray, k: int) -> np.ndarray:
    """[first..., noise] and [total..., noise] of one fit, as a (2, k + 1) array."""
    coef, *_ = np.linalg.lstsq(matrix, y, rcond=None)
    residual = y - matrix @ coef
    dof = max(1, len(y) - matrix.shape[1])
    noise = float(residual @ residual) / dof
    # a squared estimate overstates a squared coefficient by the estimate's variance: take it off
    # (else an assumption the output ignores would get a positive index from the noise alone)
    spread = noise * np.diag(np.linalg.pinv(matrix.T @ matrix))
    shares = np.clip(coef ** 2 - spread, 0.0, None)
    explained = float(shares[1:].sum())
    total_var = explained + noise
    out = np.zeros((2, k + 1))
    if total_var <= 0:
        return out * np.nan
    for t, involved in enumerate(terms[1:], start=1):
        for i in involved:
            out[1, i] += shares[t]
        if len(involved) == 1:
            out[0, involved[0]] += shares[t]
    out[:, k] = noise
    return out / total_var


def metamodel_indices(factors: Sequence[Factor], x: np.ndarray, y: np.ndarray, output: str = "y",
                      seed: int = 1) -> pd.DataFrame:
    """Rows like `indices.sobol_indices` (the noise row last) from the metamodel fitted to (x, y).

    `x` holds the assumptions' values (no noise column), one row per simulated future."""
    assumptions = [f for f in factors if not f.noise]
    matrix, terms = basis(_scaled(assumptions, np.asarray(x, float)))
    y = np.asarray(y, float)
    k = len(assumptions)
    point = _indices(matrix, terms, y, k)
    rng = np.random.default_rng(seed)
    draws = np.array([_indices(matrix[rows], terms, y[rows], k)
                      for rows in (rng.integers(0, len(y), len(y)) for _ in range(BOOTSTRAP))])
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.nanpercentile(draws, tail, axis=0), np.nanpercentile(draws, 100 - tail, axis=0)
    names = [f.name for f in assumptions] + [NOISE]
    rows = [[output, name, point[0, i], low[0, i], high[0, i], point[1, i], low[1, i], high[1, i]]
            for i, name in enumerate(names)]
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)


def agree(direct: pd.DataFrame, meta: pd.DataFrame, column: str = "total") -> pd.Series:
    """Per factor: whether the two estimates' intervals overlap."""
    a, b = direct.set_index("factor"), meta.set_index("factor")
    common = a.index.intersection(b.index)
    return pd.Series([bool(a.loc[f, f"{column}_low"] <= b.loc[f, f"{column}_high"]
                           and b.loc[f, f"{column}_low"] <= a.loc[f, f"{column}_high"]) for f in common],
                     index=common)
