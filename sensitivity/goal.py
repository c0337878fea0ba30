"""The target in this package's terms: which futures meet it, and what each future scores.

The same target as the optimiser's (`sporen plan`): a yearly result (the BUIG result after
vangnet, or the exploitatie result) at or above a level from a year on, for the municipalities
together or each one, every year or summed, in at least a share of the futures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sporen.sensitivity.evaluate import Results

LINES = {"buig": "result_after_vangnet", "exploitatie": "exploitatie_result"}


@dataclass(frozen=True)
class Goal:
    """What a future must reach, and how often (`probability`; 'mean': on average)."""

    from_year: int
    level: int = 0
    scope: str = "total"
    cumulative: bool = False
    probability: float | str = 0.9
    on: str = "buig"

    @property
    def required(self) -> float:
        """The share of futures that must meet it (1.0 stands in for 'on average')."""
        return 1.0 if self.probability == "mean" else float(self.probability)

    def groups(self, results: Results) -> np.ndarray:
        """[point, group]: the target line summed into its target groups."""
        line = results.line(LINES[self.on])
        years = [i for i, y in enumerate(results.years) if y >= self.from_year]
        chosen = line[:, years, :]
        if self.cumulative:
            chosen = chosen.sum(axis=1, keepdims=True)
        if self.scope != "per-municipality":
            chosen = chosen.sum(axis=2, keepdims=True)
        return chosen.reshape(line.shape[0], -1)

    def met(self, results: Results) -> np.ndarray:
        """Per point: whether every target group reaches the level."""
        return np.all(self.groups(results) >= self.level, axis=1)

    def share(self, results: Results) -> float:
        """The share of the futures that meet it ('mean': 1.0 when every group's mean does, else 0.0)."""
        if self.probability == "mean":
            return float(np.all(self.groups(results).mean(axis=0) >= self.level))
        met = self.met(results)
        return float(met.mean()) if met.size else 0.0

    def reached(self, results: Results) -> bool:
        return self.share(results) >= self.required - 1e-12


def yearly_total(results: Results) -> np.ndarray:
    """[point, year]: the BUIG result after vangnet of all municipalities together."""
    return results.line("result_after_vangnet").sum(axis=2)


def target_total(results: Results, goal: Goal) -> np.ndarray:
    """[point]: the target line summed over the target years and municipalities (one number per
    future that ranks the assumptions; the yearly rows are reported beside it)."""
    line = results.line(LINES[goal.on])
    years = [i for i, y in enumerate(results.years) if y >= goal.from_year]
    return line[:, years, :].sum(axis=(1, 2))
