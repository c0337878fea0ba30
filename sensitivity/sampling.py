"""What varies in a sensitivity analysis, and Saltelli's sample over it.

A `Factor` is one assumption with a uniform range: every item of the scenario's ``uncertainty:``
(the ranges the futures already draw from) and any parameter the user names with a range. The
seed is a factor too (`NOISE`): its value in [0, 1) picks one of `NOISE_SEEDS` seeds of the
sensitivity stream, so the clients' own randomness gets its own row instead of blurring the
assumptions' rows. In Saltelli's design the rows A and AB_i share A's seed column unless i is the
noise, so every difference the estimators take is between two futures with the same clients
(common random numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.random import SeedSequence

from sporen.common.errors import InputError, Problem
from sporen.inputs.schema import Scenario, Uncertain
from sporen.sim.random_streams import child_seed

NOISE = "seed"
"""The name of the intrinsic-noise factor (the clients' own randomness)."""
NOISE_SEEDS = 1 << 19
"""Distinct seeds the noise factor chooses from: far more than any sample has points (and within one
block of the futures core's sensitivity stream)."""
DESIGN_BLOCK, TORNADO_BLOCK = 0, 1
"""Blocks of `sim.futures.sensitivity`: the Saltelli design's seeds, the tornado's futures."""
DESIGN_SCRAMBLE = "sensitivity-design"
"""Name of the stream that scrambles the Sobol' sequence (the design is a function of the root seed)."""


@dataclass(frozen=True)
class Factor:
    """One input of the analysis: a dotted scenario path with a uniform range, or the noise."""

    name: str
    low: float
    high: float
    named: bool = False          # named by the user (not in the scenario's `uncertainty:`)

    @property
    def noise(self) -> bool:
        return self.name == NOISE

    @property
    def centre(self) -> float:
        return (self.low + self.high) / 2


def factors_of(scenario: Scenario, named: Sequence[Uncertain] = ()) -> list[Factor]:
    """The scenario's uncertain parameters, then the user's (a user's range replaces the scenario's
    for the same path), then the noise. InputError when a named path or range is not valid."""
    check_named(scenario, named)
    own = {u.parameter: u for u in named}
    factors = [Factor(u.parameter, own[u.parameter].low, own[u.parameter].high, True) if u.parameter in own
               else Factor(u.parameter, u.low, u.high) for u in scenario.uncertainty]
    seen = {f.name for f in factors}
    factors += [Factor(u.parameter, u.low, u.high, True) for u in named if u.parameter not in seen]
    return [*factors, Factor(NOISE, 0.0, 1.0)]


def check_named(scenario: Scenario, named: Sequence[Uncertain], where: str = "--parameter") -> None:
    """The user's parameters name numbers of the scenario and both ends of each range are valid there."""
    from sporen.inputs.load import check_uncertainty

    problems = []
    for item in named:
        if item.parameter == NOISE:
            problems.append(Problem(where, item.parameter, "is the name of the noise row", "a scenario path"))
            continue
        trial = scenario.model_copy(update={"uncertainty": [item]})
        problems += [Problem(where, item.parameter, message, allowed)
                     for _, message, allowed in check_uncertainty(trial)]
    if problems:
        raise InputError(problems)


def problem_of(factors: Sequence[Factor]) -> dict:
    """SALib's problem definition for the factors."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[f.low, f.high] if f.high > f.low else [f.low, f.low + 1e-12] for f in factors]}


def saltelli(factors: Sequence[Factor], base: int, seed: int) -> np.ndarray:
    """Saltelli's sample (first and total order only): base x (k + 2) rows, k factors.

    Rows come in blocks of k + 2: A, AB_1 .. AB_k, B (SALib's order). `base` must be a power of 2
    (the Sobol' sequence's balance); the sequence is scrambled from the root seed."""
    from SALib.sample import sobol

    if base < 2 or base & (base - 1):
        raise InputError([Problem("--base", "", f"{base} base samples", "a power of 2, at least 2")])
    scramble = int(child_seed(SeedSequence(seed), DESIGN_SCRAMBLE).generate_state(1)[0])
    return np.asarray(sobol.sample(problem_of(factors), base, calc_second_order=False, scramble=True,
                                   seed=scramble))


@dataclass(frozen=True)
class Point:
    """One simulated future: the factors' values (noise excluded) and the seed's number."""

    values: tuple[float, ...]
    seed: int


def points_of(factors: Sequence[Factor], sample: np.ndarray) -> list[Point]:
    """Sample rows as points: the noise column chooses a seed number, the others are values."""
    noise = [i for i, f in enumerate(factors) if f.noise]
    keep = [i for i, f in enumerate(factors) if not f.noise]
    out = []
    for row in sample:
        seed = int(min(NOISE_SEEDS - 1, np.floor(row[noise[0]] * NOISE_SEEDS))) if noise else 0
        out.append(Point(tuple(float(row[i]) for i in keep), seed))
    return out


def future_seed(root: int, number: int, block: int = DESIGN_BLOCK) -> SeedSequence:
    """Future `number` of block `block` of the futures core's sensitivity stream (`sim.futures`):
    children no plan was chosen or verified on."""
    from sporen.sim.futures import sensitivity

    return sensitivity(block).seed(root, number)


def at(factors: Sequence[Factor], overrides: dict[str, float] | None = None) -> tuple[float, ...]:
    """The factors' centres (noise excluded), with some set to other values."""
    overrides = overrides or {}
    return tuple(overrides.get(f.name, f.centre) for f in factors if not f.noise)
