"""Does the plan still meet the target when the most influential assumptions turn out badly?

The pessimistic end of an assumption is the end of its range where the tornado's futures meet the
target least often (on a tie: where the mean result is lower), found by simulation rather than
assumed from the parameter's name. The check: each of the `TOP` most influential assumptions at
its pessimistic end with the others at their centre (the tornado's own runs), and all of them
there together (one more setting on the same futures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from sporen.sensitivity.goal import Goal
from sporen.sensitivity.sampling import Factor, at
from sporen.sensitivity.tornado import Outcome, Setting

TOP = 3
TOGETHER = "together"
ROBUSTNESS_COLUMNS = ["case", "factors", "values", "share", "result", "futures", "meets"]


@dataclass(frozen=True)
class Pessimistic:
    """An assumption at its pessimistic end."""

    factor: str
    end: str          # low | high
    value: float


def pessimistic_ends(factors: Sequence[Factor], tornado: pd.DataFrame, chosen: Sequence[str]) -> list[Pessimistic]:
    """The pessimistic end of each chosen assumption, from its tornado row."""
    rows = tornado.set_index("factor")
    bounds = {f.name: f for f in factors}
    out = []
    for name in chosen:
        row = rows.loc[name]
        low_worse = (row["share_low"], row["result_low"]) <= (row["share_high"], row["result_high"])
        end = "low" if low_worse else "high"
        out.append(Pessimistic(name, end, bounds[name].low if low_worse else bounds[name].high))
    return out


def together_setting(factors: Sequence[Factor], ends: Sequence[Pessimistic]) -> Setting:
    """Every chosen assumption at its pessimistic end at once, the others at their centre."""
    return Setting(TOGETHER, "pessimistic", at(factors, {p.factor: p.value for p in ends}))


def robustness_table(ends: Sequence[Pessimistic], tornado: pd.DataFrame, together: Outcome,
                     goal: Goal) -> pd.DataFrame:
    """Rows: the centre, each assumption at its pessimistic end, all of them together."""
    rows_by = tornado.set_index("factor")
    rows = []
    if len(tornado):
        first = tornado.iloc[0]
        rows.append(["centre", "", "", float(first["share_centre"]), float(first["result_centre"]), together.futures,
                     bool(first["share_centre"] >= goal.required - 1e-12)])
    for p in ends:
        row = rows_by.loc[p.factor]
        share, result = float(row[f"share_{p.end}"]), float(row[f"result_{p.end}"])
        rows.append(["one", p.factor, f"{p.value:g}", share, result, together.futures,
                     share >= goal.required - 1e-12])
    if ends:
        rows.append([TOGETHER, ";".join(p.factor for p in ends), ";".join(f"{p.value:g}" for p in ends),
                     together.share, together.result, together.futures, together.share >= goal.required - 1e-12])
    return pd.DataFrame(rows, columns=ROBUSTNESS_COLUMNS)


def breaking(table: pd.DataFrame) -> list[str]:
    """The assumptions that alone, at their pessimistic end, make the plan miss the target."""
    ones = table[table["case"] == "one"]
    return [str(f) for f in ones.loc[~ones["meets"].astype(bool), "factors"]]
