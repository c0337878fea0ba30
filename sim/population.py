"""Who is simulated: the initial caseload, the applicants, and how a client is assigned a track.

`draw_people` makes every person of a replication up front: the initial stock per
(municipality, segment) and every application stream (`sim.arrivals`: the applications and the
returns of earlier job-leavers, who re-apply like applicants), merged in time order,
each person with a block of pre-drawn uniforms (`sim.random_streams`) so that two plans run on
the same seed see the same people (common random numbers). `Assignment` holds the scenario's
rules at entry: the participatieladder rung from the segment's mix, the benefit status, and the
track (the first track in scenario order whose ladder has the rung and whose segments admit the
client's segment). `initial_duration` places an initial client on its duration on benefit.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np
from numpy.random import SeedSequence

from sporen.inputs.schema import Scenario
from sporen.sim.arrivals import application_times, earlier_return_times
from sporen.sim.clients import Client
from sporen.sim.random_streams import (
    BLOCK,
    FIXED,
    U_BAND,
    U_BENEFIT,
    U_DECISION,
    U_DURATION,
    U_RUNG,
    flatten,
    person_block,
)

RETURNER_K = 2**31
"""Index offset of the earlier job-leavers who return (`sim.arrivals.earlier_return_times`) among
a stream's applicants: their own Generators (`random_streams.person_generator`) never coincide
with an application's; their uniforms come from their own block (origin ``returner``)."""
LAST_BAND_WIDTH = 24.0
"""Initial stock in the last duration band: duration uniform over [edge, edge + 24] months."""


@dataclass
class People:
    """The persons of one replication: the initial stock, the applications in time order, and the
    flat array of every person's pre-drawn uniforms."""

    initial: list[Client]
    app_times: list[float]
    app_muni: np.ndarray
    app_seg: np.ndarray
    app_k: np.ndarray
    uniforms: array = field(repr=False)

    @property
    def n_initial(self) -> int:
        return len(self.initial)


STRATIFIED = (U_RUNG, U_BENEFIT, U_BAND, U_DECISION)
"""Positions of an initial client's block that are stratified (see `stratified`)."""


def stratified(block: np.ndarray) -> np.ndarray:
    """The initial stock of one (municipality, segment) with the scenario's composition exactly.

    Each fixed-purpose draw that sets a share of the stock (rung, benefit or not, duration band,
    partial work at the start: `STRATIFIED`) is replaced by its rank: u' = (rank + 0.5) / n. Which
    person gets which attribute stays random (the ranks of independent uniforms, independently per
    position), but the counts are the scenario's shares of n rounded to whole clients, in every
    replication. Independent draws would give each replication a Binomial composition: spread that
    is no one's uncertainty about a stock the municipality knows (it widened the 2018 spending per
    future, and so the expected vangnet, without being real). A person's position within its
    duration band (U_DURATION) and every later draw stay independent uniforms."""
    n = len(block)
    if n == 0:
        return block
    out = block.copy()
    for column in STRATIFIED:
        ranks = np.argsort(np.argsort(block[:, column], kind="stable"), kind="stable")
        out[:, column] = (ranks + 0.5) / n
    return out


def draw_people(sc: Scenario, seed: SeedSequence) -> People:
    """The initial stock and every application of one replication (see the module docstring)."""
    blocks = []
    initial: list[Client] = []
    cid = 0
    for mi, muni in enumerate(sc.municipalities):
        for si, seg in enumerate(sc.segments):
            n = muni.initial_stock.get(seg.name, 0)
            if n <= 0:
                continue
            blocks.append(stratified(person_block(seed, "initial", muni.name, seg.name, n)))
            for k in range(n):
                initial.append(Client(cid, 0, mi, si, k, cid * BLOCK, FIXED))
                cid += 1
    times, munis, segs, ks, app_blocks = [], [], [], [], []
    for mi, muni in enumerate(sc.municipalities):
        for si, seg in enumerate(sc.segments):
            streams = ((application_times(sc, seed, mi, si), 0, "applicant"),
                       (earlier_return_times(sc, seed, mi, si), RETURNER_K, "returner"))
            for tt, k0, origin in streams:
                if len(tt) == 0:
                    continue
                times.append(tt)
                munis.append(np.full(len(tt), mi, dtype=np.int64))
                segs.append(np.full(len(tt), si, dtype=np.int64))
                ks.append(k0 + np.arange(len(tt), dtype=np.int64))
                app_blocks.append(person_block(seed, origin, muni.name, seg.name, len(tt)))
    empty = np.zeros(0, dtype=np.int64)
    if not times:
        return People(initial, [], empty, empty, empty, flatten(blocks))
    all_t = np.concatenate(times)
    order = np.lexsort((np.concatenate(ks), np.concatenate(segs), np.concatenate(munis), all_t))
    blocks.append(np.concatenate(app_blocks)[order])
    return People(initial, all_t[order].tolist(), np.concatenate(munis)[order], np.concatenate(segs)[order],
                  np.concatenate(ks)[order], flatten(blocks))


def nearest_rung(ladder: list[int], rung: int) -> int:
    """The rung of `ladder` nearest to `rung`, the higher one on a tie."""
    return min(ladder, key=lambda x: (abs(x - rung), -x))


class Assignment:
    """The scenario's rules at entry: rung, benefit status and track."""

    def __init__(self, sc: Scenario):
        self.segment_names = [s.name for s in sc.segments]
        self.track = [[-1] * 7 for _ in sc.segments]
        for si, seg in enumerate(sc.segments):
            for rung in range(1, 7):
                for ti, t in enumerate(sc.tracks):
                    if rung in t.ladder and (t.segments is None or seg.name in t.segments):
                        self.track[si][rung] = ti
                        break
        self.rung_on_track: list[list[int]] = []
        for t in sc.tracks:
            ladder = sorted(set(t.ladder))
            self.rung_on_track.append([0] + [r if r in ladder else nearest_rung(ladder, r) for r in range(1, 7)])
        self.ladder_cum: list[list[tuple[float, int]]] = []
        for seg in sc.segments:
            acc, cum = 0.0, []
            for rung in sorted(seg.ladder_at_entry):
                acc += seg.ladder_at_entry[rung]
                cum.append((acc, rung))
            self.ladder_cum.append(cum)
        self.without_share = [s.share_without_benefit for s in sc.segments]

    def attributes(self, c: Client, uniforms: array) -> None:
        """Rung and benefit status from the person's fixed draws (first entry only)."""
        u = uniforms[c.row + U_RUNG]
        cum = self.ladder_cum[c.seg]
        rung = cum[-1][1]
        for edge, r in cum:
            if u * cum[-1][0] < edge:
                rung = r
                break
        c.rung = rung
        c.benefit = uniforms[c.row + U_BENEFIT] >= self.without_share[c.seg]

    def track_of(self, c: Client) -> int:
        """The track a client enters by segment and rung; ValueError when no track takes it."""
        track = self.track[c.seg][c.rung]
        if track < 0:
            raise ValueError(f"no track takes segment '{self.segment_names[c.seg]}' at rung {c.rung}")
        return track


class InitialDurations:
    """Durations on benefit of the initial stock, by `segment.initial_duration` over the bands."""

    def __init__(self, sc: Scenario):
        self.edges = [float(e) for e in sc.duration_bands]
        self.cum = []  # per segment: (cumulative share, band) and the last band with a share
        for seg in sc.segments:
            shares = seg.initial_duration or [1.0]
            acc, cum = 0.0, []
            for i, share in enumerate(shares):
                acc += share
                cum.append((acc, i))
            self.cum.append((cum, max(i for i, share in enumerate(shares) if share > 0)))

    def draw(self, c: Client, uniforms: array) -> float:
        """A duration drawn uniformly within a band chosen by the segment's shares."""
        cum, band = self.cum[c.seg]
        u = uniforms[c.row + U_BAND]
        for acc, i in cum:
            if u < acc:
                band = i
                break
        edges = self.edges
        lo = edges[band]
        hi = edges[band + 1] if band + 1 < len(edges) else lo + LAST_BAND_WIDTH
        return lo + (hi - lo) * uniforms[c.row + U_DURATION]
