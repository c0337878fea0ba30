"""Competing-risk clocks: piecewise-constant hazards per duration band, next event only.

Every client on the caseload has one clock for all its competing events: the exit causes, the
partial-work state change and the transitions to other tracks (MODEL.md 3.4). The hazard of a
cause c in duration band b is

    h_c = track.hazards[c][b] x segment.hazard_multipliers[c] x municipality.hazard_multipliers[c]
          x prod(active measures' [c])
          x W                                          (c = work or partial_work)
          + sum(enforcement roles: enforcement_hazard_per_fte x fte)     (c = enforcement)

    W = ladder.work_multiplier[rung] x economy.work_hazard_multiplier
        x (1 + policy.benefit_pause_work_effect if policy.benefit_pause_months > 0 else 1)
        x (served(track) x (1 + sum(employer_services roles: work_multiplier_per_fte
           x fte)) if in view else 1)
        x (instrument.work_multiplier_while_in if in a trajectory else 1)

served(track) is the track's served_work_multiplier, or, when the track has an intensity curve,
the curve's multiplier at the caseload its caseworkers carry this month (`sim.intensity`; the
engine sets it with `ProfileBuilder.set_served`, at full precision).

Intensity by thinning: the profile of a client in view on a track with an intensity curve is
built with an *upper* served multiplier (`intensity.upper_bound`: at least the multiplier in
force, changed only when the multiplier leaves a band around it), so its clock runs a dominating
process. A candidate event at time t is an event of the cause drawn with the actual rates at t:
the uniform that picks the cause also decides acceptance (`Profile.thin`/`Profile.up`,
`thinned_cause`); a rejected candidate changes nothing and starts a new clock. This is
Lewis-Shedler thinning, exact for any multiplier path below the bound, so a month's change of
the multiplier needs no restate of anyone (docs/DESIGN.md, "Engine").

partial_work is 0 once the client has started partial work (a one-time state change). A
transition to another track is one more cause with rate ``rate_per_month`` (only while in view
when ``in_view_only``). Causes a track does not list have hazard 0; rungs missing from
``ladder.work_multiplier`` count as 1.

A `Profile` holds, per duration band, the total rate and the cumulative rates of the causes.
The engine schedules only the next event of a client: total rate, exponential time, cause by
share. The time is found by inverting the cumulative hazard over the bands from the client's
current duration (`time_to_event`), so crossing a band edge needs no event and no draw: by the
memoryless property this is the same law as redrawing at the edge. When the client's state
changes (slot gained or lost, instrument start or end, staff or measure change, transfer), the
engine "redraws" by keeping the unit-exponential clock's residual (the part not yet consumed
under the old profile, `cumulative`) and inverting it under the new profile. This is again the
same law as a fresh exponential (time change of a Poisson process) and it consumes no random
number, so a client's draws stay aligned between plans (common random numbers): a plan that
raises a client's work hazard makes exactly that client's event come sooner.

`time_to_event` and `cumulative` are the reference versions; `sim.engine` inlines them in its
hot path (`Engine._schedule`, `Engine._restate`).
"""

from __future__ import annotations

from bisect import bisect_right

from sporen.inputs.schema import HazardName, Scenario
from sporen.sim.intensity import upper_bound

INF = float("inf")

HAZARDS: tuple[HazardName, ...] = (
    "work", "partial_work", "moved", "pension", "partner_income", "death", "enforcement",
    "prior_provision", "other",
)
"""Cause codes 0-8 in this order; transition i of a track has code TRANSFER + i."""
WORK, PARTIAL_WORK, ENFORCEMENT = 0, 1, 6
TRANSFER = 16


class Profile:
    """Per duration band: total rate, cumulative rates and the cause codes they belong to.

    ``thin`` is the track whose served multiplier the profile bounds (-1: no thinning), ``up``
    per band the part of the total that the served multiplier scales (work and partial work,
    the first codes), at the upper multiplier."""

    __slots__ = ("tot", "cum", "codes", "thin", "up")

    def __init__(self, tot: tuple[float, ...], cum: tuple[tuple[float, ...], ...], codes: tuple[int, ...],
                 thin: int = -1, up: tuple[float, ...] = ()):
        self.tot = tot
        self.cum = cum
        self.codes = codes
        self.thin = thin
        self.up = up


def band_of(edges: list[float], duration: float) -> int:
    """Duration band index of a duration in months (edges are the bands' lower edges)."""
    b = bisect_right(edges, duration) - 1
    return b if b >= 0 else 0


def time_to_event(tot: tuple[float, ...], edges: list[float], duration: float,
                  residual: float) -> tuple[float, int]:
    """(time from now, band) at which the cumulative hazard from `duration` reaches `residual`.

    (inf, band) when it never does (zero hazard from some band on)."""
    nb = len(edges)
    b = band_of(edges, duration)
    dt = 0.0
    d = duration
    while True:
        rate = tot[b]
        if b + 1 < nb:
            span = edges[b + 1] - d
            if rate > 0.0 and rate * span >= residual:
                return dt + residual / rate, b
            residual -= rate * span
            dt += span
            b += 1
            d = edges[b]
        else:
            if rate <= 0.0:
                return INF, b
            return dt + residual / rate, b


def cumulative(tot: tuple[float, ...], edges: list[float], d0: float, d1: float) -> float:
    """Cumulative hazard between durations d0 <= d1."""
    if d1 <= d0:
        return 0.0
    nb = len(edges)
    b = band_of(edges, d0)
    total = 0.0
    d = d0
    while d < d1:
        upper = edges[b + 1] if b + 1 < nb else INF
        hi = upper if upper < d1 else d1
        total += tot[b] * (hi - d)
        d = hi
        b += 1
    return total


def pick_cause(prof: Profile, band: int, u: float) -> int:
    """The cause code of an event in `band`, chosen by share with the uniform `u`."""
    cum = prof.cum[band]
    x = u * prof.tot[band]
    codes = prof.codes
    for i, edge in enumerate(cum):
        if x < edge:
            return codes[i]
    for i in range(len(cum) - 1, -1, -1):  # u so close to 1 that rounding left x == total
        if cum[i] > (cum[i - 1] if i else 0.0):
            return codes[i]
    return codes[-1]


def thinned_cause(prof: Profile, band: int, u: float, ratio: float) -> int:
    """The cause code of a candidate event of a thinned profile, or -1 when it is rejected.

    With x = u x total: below ratio x up a served cause (x / ratio picks it, in the served causes'
    proportions), from there to up a rejection, above up another cause as `pick_cause` has it.
    So cause c comes with probability (its rate at the multiplier in force) / total."""
    x = u * prof.tot[band]
    up = prof.up[band]
    if x < up:
        if x >= ratio * up:
            return -1
        u /= ratio
    return pick_cause(prof, band, u)


class Globals:
    """Hazard factors shared by every client in a month: measures, employer services, enforcement."""

    __slots__ = ("measure_mult", "employer", "enforcement")

    def __init__(self, measure_mult: tuple[float, ...], employer: float, enforcement: float):
        self.measure_mult = measure_mult
        self.employer = employer
        self.enforcement = enforcement

    def key(self) -> tuple:
        return (self.measure_mult, self.employer, self.enforcement)


class ProfileBuilder:
    """Builds and caches hazard profiles per (track, segment, rung, in view, instrument, partial,
    municipality)."""

    def __init__(self, scenario: Scenario):
        self.n_bands = len(scenario.duration_bands)
        nb = self.n_bands
        self.base: list[list[list[float]]] = []  # [track][cause][band]
        self.transitions: list[list[tuple[int, float, bool]]] = []
        track_index = {t.name: i for i, t in enumerate(scenario.tracks)}
        self.served = [t.served_work_multiplier for t in scenario.tracks]
        """The served multiplier now in force per track (`set_served` changes it month by month)."""
        self.upper = list(self.served)
        """The served multiplier the profiles are built with: the bound of a thinned track."""
        self.ratio = [1.0] * len(scenario.tracks)
        """served / upper per track: the acceptance of a thinned candidate's served part."""
        self.thinned = [t.intensity is not None for t in scenario.tracks]
        for t in scenario.tracks:
            self.base.append([list(t.hazards.get(c, [0.0] * nb)) for c in HAZARDS])
            self.transitions.append([(track_index[tr.to], tr.rate_per_month, tr.in_view_only)
                                     for tr in t.transitions])
        self.seg_mult = [[s.hazard_multipliers.get(c, 1.0) for c in HAZARDS] for s in scenario.segments]
        self.muni_mult = [[m.hazard_multipliers.get(c, 1.0) for c in HAZARDS] for m in scenario.municipalities]
        self.ladder = {r: scenario.ladder.work_multiplier.get(r, 1.0) for r in range(1, 7)}
        pause = scenario.policy
        self.economy = scenario.economy.work_hazard_multiplier * (
            1.0 + pause.benefit_pause_work_effect if pause.benefit_pause_months > 0 else 1.0)
        self.instr_mult = [i.work_multiplier_while_in for i in scenario.instruments]
        self.glob = Globals(tuple([1.0] * len(HAZARDS)), 0.0, 0.0)
        self.cache: dict[tuple, Profile] = {}
        self._fixed: dict[tuple[int, int, int], list[list[float]]] = {}
        self.codes = [tuple(list(range(len(HAZARDS))) + [TRANSFER + i for i in range(len(tr))])
                      for tr in self.transitions]

    def set_globals(self, glob: Globals) -> bool:
        """Switch to a month's shared factors; True when they differ (profiles must be rebuilt)."""
        if glob.key() == self.glob.key():
            return False
        self.glob = glob
        self.cache.clear()
        self._fixed.clear()
        return True

    def set_served(self, track: int, value: float) -> bool:
        """Set a track's served multiplier (its intensity this month, full precision); True when
        the profiles' upper multiplier moved (they are rebuilt: the engine restates the track's
        clients in view). Otherwise only the acceptance ratio of its candidates changes."""
        self.served[track] = value
        upper = upper_bound(value, self.upper[track]) if self.thinned[track] else value
        self.ratio[track] = value / upper if upper > 0.0 else 1.0
        if upper == self.upper[track]:
            return False
        self.upper[track] = upper
        self.cache.clear()
        return True

    def get(self, track: int, seg: int, rung: int, in_view: bool, instr: int, partial: bool,
            muni: int = 0) -> Profile:
        key = (track, seg, rung, in_view, instr, partial, muni)
        prof = self.cache.get(key)
        if prof is None:
            prof = self.cache[key] = self._build(*key)
        return prof

    def _fixed_rows(self, track: int, seg: int, muni: int = 0) -> list[list[float]]:
        """[band][cause] base x segment x municipality x measure multipliers (+ enforcement staff),
        unscaled by W."""
        rows = self._fixed.get((track, seg, muni))
        if rows is None:
            glob = self.glob
            base, segm, mm = self.base[track], self.seg_mult[seg], glob.measure_mult
            mu = self.muni_mult[muni] if self.muni_mult else [1.0] * len(HAZARDS)
            rows = [[base[c][b] * segm[c] * mu[c] * mm[c] for c in range(len(HAZARDS))]
                    for b in range(self.n_bands)]
            for row in rows:
                row[ENFORCEMENT] += glob.enforcement
            self._fixed[(track, seg, muni)] = rows
        return rows

    def rates(self, track: int, seg: int, rung: int, in_view: bool, instr: int,
              partial: bool, muni: int = 0) -> list[list[float]]:
        """[band][cause code position] hazards; positions = HAZARDS then the track's transitions."""
        w = self.ladder[rung] * self.economy
        if in_view:
            w *= self.upper[track] * (1.0 + self.glob.employer)
        if instr >= 0:
            w *= self.instr_mult[instr]
        moves = [rate if (in_view or not in_view_only) else 0.0 for _, rate, in_view_only in self.transitions[track]]
        out = []
        for fixed in self._fixed_rows(track, seg, muni):
            row = fixed[:]
            row[WORK] *= w
            row[PARTIAL_WORK] = 0.0 if partial else row[PARTIAL_WORK] * w
            row.extend(moves)
            out.append(row)
        return out

    def _build(self, track: int, seg: int, rung: int, in_view: bool, instr: int, partial: bool,
               muni: int = 0) -> Profile:
        table = self.rates(track, seg, rung, in_view, instr, partial, muni)
        codes = self.codes[track]
        keep = [j for j in range(len(codes)) if any(row[j] > 0.0 for row in table)] or [0]
        tot = []
        cum = []
        for row in table:
            acc = 0.0
            c_row = []
            for j in keep:
                acc += row[j]
                c_row.append(acc)
            tot.append(acc)
            cum.append(tuple(c_row))
        kept = tuple(codes[j] for j in keep)
        if not (in_view and self.thinned[track]):
            return Profile(tuple(tot), tuple(cum), kept)
        n_served = sum(1 for code in kept if code in (WORK, PARTIAL_WORK))  # the first codes
        up = tuple(row[n_served - 1] if n_served else 0.0 for row in cum)
        return Profile(tuple(tot), tuple(cum), kept, track if n_served else -1, up)
