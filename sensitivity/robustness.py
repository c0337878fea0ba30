"""Does the plan still meet the target when the most influential assumptions turn out badly?

The pessimistic end of an assumption is the end of its range where the tornado's futures meet the
target least often (on a tie: where the mean result is lower), found by simulation rather than
assumed from the parameter's name. The check: each of the `TOP` most influential assumptions at
its pessimistic end with the others at their centre (the tornado's own runs), and all of them
there together (one more setting on the same futures). Each case's verdict weighs its few futures:
*meets* when the share is at or above the required probability, *does not meet* when its whole 95%
Wilson interval is below it, else (below, but within the interval) *on the edge*.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sporen.sensitivity.goal import Goal
from sporen.sensitivity.sampling import Factor, at
from sporen.sensitivity.tornado import Outcome, Setting

TOP = 3
TOGETHER = "together"
ROBUSTNESS_COLUMNS = ["case", "factors", "values", "share", "share_low", "share_high", "result", "futures",
                      "verdict"]


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


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95% Wilson score interval of a share (as the optimiser bounds its verdicts)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def verdict(share: float, futures: int, goal: Goal) -> tuple[str, float, float]:
    """meets | on_the_edge | does_not_meet, with the share's 95% interval. A share at or above the
    required probability meets it; one below it is *on the edge* while its interval still reaches the
    requirement (a setting has few futures: 32 cannot even show 100% to be above 90% at 95%
    confidence) and does not meet it when the whole interval is below."""
    low, high = wilson(round(share * futures), futures)
    if goal.probability == "mean":
        return ("meets" if share >= 1 else "does_not_meet"), low, high
    if share >= goal.required - 1e-12:
        return "meets", low, high
    if high < goal.required - 1e-12:
        return "does_not_meet", low, high
    return "on_the_edge", low, high


def robustness_table(ends: Sequence[Pessimistic], tornado: pd.DataFrame, together: Outcome,
                     goal: Goal) -> pd.DataFrame:
    """Rows: the centre, each assumption at its pessimistic end, all of them together."""
    rows_by = tornado.set_index("factor")
    n = together.futures
    rows = []

    def add(case: str, factors: str, values: str, share: float, result: float) -> None:
        rows.append([case, factors, values, share, *verdict(share, n, goal)[1:], result, n,
                     verdict(share, n, goal)[0]])

    if len(tornado):
        first: Any = tornado.iloc[0]
        add("centre", "", "", float(first["share_centre"]), float(first["result_centre"]))
    for p in ends:
        row: Any = rows_by.loc[p.factor]
        add("one", p.factor, f"{p.value:g}", float(row[f"share_{p.end}"]), float(row[f"result_{p.end}"]))
    if ends:
        add(TOGETHER, ";".join(p.factor for p in ends), ";".join(f"{p.value:g}" for p in ends), together.share,
            together.result)
    return pd.DataFrame(rows, columns=ROBUSTNESS_COLUMNS)


def breaking(table: pd.DataFrame) -> list[str]:
    """The assumptions that alone, at their pessimistic end, make the plan miss the target."""
    ones = table[table["case"] == "one"]
    return [str(f) for f in ones.loc[ones["verdict"] == "does_not_meet", "factors"]]
