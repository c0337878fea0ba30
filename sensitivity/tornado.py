"""The tornado: each assumption at the low and the high end of its range, the others at their centre.

Every setting runs on the same futures (futures 0 .. R-1 of block 1 of the sensitivity stream), so the
bars differ by the assumption alone. Per setting: the mean yearly result over the target years
(the target's line, all municipalities together) and the share of futures meeting the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sporen.sensitivity.evaluate import Results
from sporen.sensitivity.goal import Goal, target_total
from sporen.sensitivity.sampling import Factor, Point, at

CENTRE = "centre"
TORNADO_COLUMNS = ["factor", "low", "high", "result_low", "result_high", "share_low", "share_high",
                   "result_centre", "share_centre", "swing"]


@dataclass(frozen=True)
class Setting:
    """One row of the tornado's runs: which factors are off their centre, and where."""

    name: str                       # a factor, CENTRE, or a combination's name
    end: str                        # low | high | centre | pessimistic
    values: tuple[float, ...]


def settings_of(factors: Sequence[Factor]) -> list[Setting]:
    """The centre, then every assumption at its low and its high end."""
    out = [Setting(CENTRE, CENTRE, at(factors))]
    for f in factors:
        if f.noise:
            continue
        out.append(Setting(f.name, "low", at(factors, {f.name: f.low})))
        out.append(Setting(f.name, "high", at(factors, {f.name: f.high})))
    return out


def points_for(settings: Sequence[Setting], futures: int) -> list[Point]:
    """R futures per setting, the same seeds for every setting (common random numbers)."""
    return [Point(s.values, r) for s in settings for r in range(futures)]


@dataclass(frozen=True)
class Outcome:
    """A setting's mean yearly result over the target years and its share of futures meeting the target."""

    result: float
    share: float
    futures: int


def outcomes(settings: Sequence[Setting], results: Results, goal: Goal, futures: int) -> list[Outcome]:
    """One outcome per setting (its R rows of `results`, in `points_for` order)."""
    years = max(1, sum(1 for y in results.years if y >= goal.from_year))
    out = []
    for i in range(len(settings)):
        part = results.take(slice(i * futures, (i + 1) * futures))
        out.append(Outcome(float(np.mean(target_total(part, goal))) / years, goal.share(part), futures))
    return out


def tornado_table(factors: Sequence[Factor], settings: Sequence[Setting], found: Sequence[Outcome]) -> pd.DataFrame:
    """One row per assumption, widest swing of the mean result first."""
    by = {(s.name, s.end): o for s, o in zip(settings, found, strict=True)}
    centre = by[(CENTRE, CENTRE)]
    rows = []
    for f in factors:
        if f.noise:
            continue
        low, high = by[(f.name, "low")], by[(f.name, "high")]
        rows.append([f.name, f.low, f.high, low.result, high.result, low.share, high.share, centre.result,
                     centre.share, abs(high.result - low.result)])
    table = pd.DataFrame(rows, columns=TORNADO_COLUMNS)
    return table.sort_values(["swing", "factor"], ascending=[False, True], kind="stable").reset_index(drop=True)
