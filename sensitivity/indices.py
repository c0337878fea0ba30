"""First- and total-order Sobol indices with 95% bootstrap intervals (SALib).

Estimators (SALib `sobol.analyze`, calc_second_order=False): Saltelli et al. (2010) for the
first order, Jansen (1999) for the total order, on the Saltelli sample of `sampling.saltelli`
(N x (k + 2) futures). Both use differences f(A) - f(AB_i) between futures that share their seed
unless i is the noise, so the clients' own randomness cancels from every assumption's row. The
interval is the bootstrap over the N base rows, (index - half, index + half).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sporen.sensitivity.sampling import Factor, problem_of

RESAMPLES = 200
CONFIDENCE = 0.95
INDEX_COLUMNS = ["output", "factor", "first", "first_low", "first_high", "total", "total_low", "total_high"]


def sobol_indices(factors: Sequence[Factor], y: np.ndarray, output: str = "y", seed: int = 1) -> pd.DataFrame:
    """One row per factor: first- and total-order index and their intervals for output `y`.

    An output that does not vary at all (every future meets the target, say) has no variance to
    share out: its indices are NaN rather than a division by zero."""
    from SALib.analyze import sobol

    y = np.asarray(y, dtype=float)
    rows = []
    if y.size == 0 or np.ptp(y) == 0:
        for f in factors:
            rows.append([output, f.name, *([np.nan] * 6)])
        return pd.DataFrame(rows, columns=INDEX_COLUMNS)
    found = sobol.analyze(problem_of(factors), y, calc_second_order=False, num_resamples=RESAMPLES,
                          conf_level=CONFIDENCE, seed=max(1, int(seed)))
    for i, f in enumerate(factors):
        s1, c1, st, ct = (float(found[k][i]) for k in ("S1", "S1_conf", "ST", "ST_conf"))
        rows.append([output, f.name, s1, s1 - c1, s1 + c1, st, st - ct, st + ct])
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)


def ranking(table: pd.DataFrame, output: str) -> list[str]:
    """The assumptions of one output, most influential first (total index; the noise left out)."""
    from sporen.sensitivity.sampling import NOISE

    rows = table[(table["output"] == output) & (table["factor"] != NOISE)]
    ordered = rows.sort_values(["total", "first", "factor"], ascending=[False, False, True], na_position="last")
    return [str(name) for name in ordered["factor"]]
