"""A regression metamodel over the assumptions and its Sobol indices: the cheap second opinion.

A polynomial chaos expansion of degree 2 (Legendre polynomials, orthonormal for uniform inputs:
every square and every pairwise product) fitted by least squares to simulated futures. Its
Sobol indices follow from the coefficients (Sudret 2008): a term's squared coefficient is its
share of the variance. What the polynomial does not explain is the intrinsic noise, taken as
additive (the noise row: residual variance over total variance; interactions between the seed
and an assumption are not modelled). Each squared coefficient is taken less its estimate's variance
(from a bootstrap over Saltelli's blocks, which share their seed), summed per assumption before
clipping at 0, so an assumption the output ignores gets about 0. Intervals: 2.5-97.5% over the
bootstrap refits.
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


def _fit(matrix: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares coefficients and the residual variance."""
    coef, *_ = np.linalg.lstsq(matrix, y, rcond=None)
    residual = y - matrix @ coef
    return coef, float(residual @ residual) / max(1, len(y) - matrix.shape[1])


def _indices(shares: np.ndarray, noise: float, terms: list[tuple[int, ...]], k: int) -> np.ndarray:
    """[first..., noise] and [total..., noise] from the terms' variances, as a (2, k + 1) array."""
    total_var = max(float(shares[1:].sum()), 0.0) + noise
    out = np.zeros((2, k + 1))
    if total_var <= 0:
        return out * np.nan
    for t, involved in enumerate(terms[1:], start=1):
        for i in involved:
            out[1, i] += shares[t]
        if len(involved) == 1:
            out[0, involved[0]] += shares[t]
    out = np.clip(out, 0.0, None)       # summed first: clipping each term would bias small indices up
    out[:, k] = noise
    return out / total_var


def metamodel_indices(factors: Sequence[Factor], x: np.ndarray, y: np.ndarray, output: str = "y",
                      seed: int = 1, block: int = 1) -> pd.DataFrame:
    """Rows like `indices.sobol_indices` (the noise row last) from the metamodel fitted to (x, y).

    `x` holds the assumptions' values (no noise column), one row per simulated future; rows come in
    blocks of `block` that share their seed (Saltelli's A, AB_1.., B: k + 2 rows), so the bootstrap
    resamples whole blocks. A squared coefficient overstates the term's variance by the estimate's
    own variance (the blocks' bootstrap variance): it is taken off, so an assumption the output
    ignores gets about 0."""
    assumptions = [f for f in factors if not f.noise]
    matrix, terms = basis(_scaled(assumptions, np.asarray(x, float)))
    y = np.asarray(y, float)
    k = len(assumptions)
    blocks = np.arange(len(y)).reshape(-1, block) if len(y) % block == 0 else np.arange(len(y)).reshape(-1, 1)
    rng = np.random.default_rng(seed)
    fits = [_fit(matrix[rows], y[rows]) for rows in
            (blocks[rng.integers(0, len(blocks), len(blocks))].reshape(-1) for _ in range(BOOTSTRAP))]
    spread = np.var([coef for coef, _ in fits], axis=0)
    coef, noise = _fit(matrix, y)
    point = _indices(coef ** 2 - spread, noise, terms, k)
    draws = np.array([_indices(c ** 2 - spread, n, terms, k) for c, n in fits])
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
