"""The initial state besides the caseload: clients already in an instrument at the start.

MODEL.md 2: a run that starts on 1 January must not start with empty instruments (too few exits
in its first months) nor count a subsidy twice (once hidden in the benefit level, once
explicitly). `Municipality.initial_instruments` names, per instrument (and segment), how many
clients are in it at the start; this module draws their remaining durations:

* a wage-cost subsidy contract already running (`initial_subsidies`): a person who left the
  benefit before the start, so not a client of the run, only a stream of subsidy the BUIG pays.
  With remaining duration r of a contract of D months, the contract started D - r months before
  the start; its pieces (`sim.instruments.subsidy_pieces`) are shifted by that much and cut at 0;
* a trajectory participant (`initial_trajectories`): the engine takes that many clients of the
  municipality's initial stock (of the segment, when given) who could be in it, and ends their
  trajectory after the drawn remaining duration.

Remaining durations are uniform over the instrument's ``initial_remaining_months`` (default
(0, duration]: starts spread evenly over the past). Each (municipality, instrument, segment)
entry draws from its own named stream (`sim.random_streams`), so plans compared on the same seed
see the same contracts (common random numbers), and an entry's draws do not depend on the
others. Pure functions of the scenario and the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.random import SeedSequence

from sporen.inputs.schema import Instrument, Scenario
from sporen.sim.instruments import subsidy_pieces
from sporen.sim.random_streams import stream


@dataclass(frozen=True)
class SubsidyPiece:
    """A piece of a running wage-cost subsidy, in months from the start: [start, end) at rate EUR/month."""

    muni: int
    track: int
    seg: int
    start: float
    end: float
    rate: float


@dataclass(frozen=True)
class InitialTrajectories:
    """Clients of a municipality's initial stock to put in a trajectory at the start."""

    muni: int
    instrument: int
    seg: int | None          # None: any segment
    remaining: tuple[float, ...]


def remaining_months(instrument: Instrument, seed: SeedSequence, municipality: str, segment: str | None,
                     n: int) -> np.ndarray:
    """n remaining durations of the clients in an instrument at the start, uniform over its
    ``initial_remaining_months`` (default (0, duration])."""
    low, high = instrument.initial_remaining_months or (0.0, float(instrument.duration_months))
    u = stream(seed, "initial-instrument", municipality, instrument.name, segment or "*").random(n)
    # 1 - u lies in (0, 1]: the default interval (0, duration] never gives a remaining 0
    return low + (high - low) * (1.0 - u)


def initial_subsidies(scenario: Scenario, seed: SeedSequence) -> list[SubsidyPiece]:
    """Every piece of the wage-cost subsidies running at the start, within the horizon's months."""
    if scenario.wage_cost_subsidy is None:
        return []
    tracks = [t.name for t in scenario.tracks]
    segments = [s.name for s in scenario.segments]
    out: list[SubsidyPiece] = []
    for mi, muni in enumerate(scenario.municipalities):
        for held in muni.initial_instruments:
            instrument = scenario.instrument(held.instrument)
            if instrument.kind != "wage_cost_subsidy" or held.clients == 0 or held.segment is None:
                continue
            duration = float(instrument.duration_months)
            pieces = subsidy_pieces(scenario.wage_cost_subsidy, duration)
            ti, si = tracks.index(instrument.track), segments.index(held.segment)
            for r in remaining_months(instrument, seed, muni.name, held.segment, held.clients):
                elapsed = duration - float(r)
                for a, b, rate in pieces:
                    start, end = max(a - elapsed, 0.0), min(b - elapsed, float(scenario.months))
                    if end > start:
                        out.append(SubsidyPiece(mi, ti, si, start, end, rate))
    return out


def initial_trajectories(scenario: Scenario, seed: SeedSequence) -> list[InitialTrajectories]:
    """The trajectories to fill at the start, with their participants' remaining durations."""
    names = [i.name for i in scenario.instruments]
    segments = [s.name for s in scenario.segments]
    out: list[InitialTrajectories] = []
    for mi, muni in enumerate(scenario.municipalities):
        for held in muni.initial_instruments:
            instrument = scenario.instrument(held.instrument)
            if instrument.kind != "trajectory" or held.clients == 0:
                continue
            remaining = remaining_months(instrument, seed, muni.name, held.segment, held.clients)
            out.append(InitialTrajectories(mi, names.index(instrument.name),
                                           None if held.segment is None else segments.index(held.segment),
                                           tuple(float(r) for r in remaining)))
    return out
