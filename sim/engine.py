"""The discrete-event simulation of one replication (MODEL.md sections 3-4).

Entry point: `run_replication(scenario, plan, seed, replication, record_events)`.

Time is continuous, in months from the start of ``scenario.start`` (t = 0); the horizon is
``scenario.months``; month m is [m, m+1). Everything random derives from `seed` through named
streams (`sim.random_streams`), so identical inputs give identical results in any process, and
two plans run on the same seed are paired person by person (common random numbers).

Each client is a SimPy process in its cheapest faithful form: a chain of SimPy events with
callbacks, at most one pending clock event per client. A state change does not interrupt the
pending event; it bumps the client's version, and an event whose version is stale does nothing
when it fires. Nothing ticks monthly per client.

Speed (a national run has ~1M persons): events beyond the current month wait outside SimPy's
heap (`sim.des.Calendar`, the only module that touches SimPy), random numbers come in pre-drawn
blocks per person, state intervals and flows go to flat arrays aggregated once with numpy
(`sim.accounting`), clients use `__slots__`, the hottest paths of `sim.hazards` are inlined here,
and the cyclic garbage collector is off during a run (`no_gc`); `Engine.release` breaks the run's
only reference cycles so everything is freed by reference counting afterwards.

The engine is split where the concepts separate: who is simulated (`sim.population`), when
things happen (`sim.des`), what is recorded (`sim.recording` for spells and the event log,
`sim.accounting` for the money and caseload intervals), and here the state changes themselves.

The run, in order of the MODEL.md steps:

1. Applications (`sim.arrivals`) arrive per (municipality, segment), all drawn up front, and
   queue FIFO for intake (`sim.gate`); a decision follows the decision mix (measures' grant
   multiplier moves share between granted and rejected). Only granted ones become clients
   (``inflow``). Decisions appear in the event log (``decision_<x>``).
2. Assignment: the rung from ``segment.ladder_at_entry``; the track is the first track in
   scenario order whose ``ladder`` has the rung and whose ``segments`` is empty or has the
   segment; ``share_without_benefit`` decides whether the client has a benefit at all (without
   one it costs nothing but is on the caseload and can hold a slot).
   The initial stock: ``municipality.initial_stock`` per segment at t = 0, its duration on
   benefit drawn over ``duration_bands`` by ``segment.initial_duration`` (uniform within a band;
   the last band uniform over [edge, edge + 24]), rung and track as above; a share
   ``segment.initial_partial_work_share`` of it already works part-time (its benefit lowered; the
   draw is the person's fixed position U_DECISION, which an initial client never uses for a gate
   decision). At t = 0 the slots go to the initial stock in priority order, then the clients
   already in an instrument are placed (`sim.initial_state`): trajectory participants of the
   initial stock (in view, eligible, in priority order; no cost and no place of the horizon's
   years) and the wage-cost subsidies of contracts already running (BUIG spending, no client).
3. Caseworker slots (`sim.slots`): one pool per caseworker role, floor(fte x caseload + 1e-9)
   slots, following the plan's fte and the measures' extra fte from month to month
   (`sim.timeline`); the priority rule orders one waiting list for all the role's tracks. With
   ``policy.slot_review_months`` a holder without progress (no instrument or partial work
   started) since it gained the slot returns it at the review when others wait.
   Intensity (`sim.intensity`): at every month's start (and at t = 0) the caseload of each pool,
   clients in view per fte, sets the served multiplier of each of its tracks with an intensity
   curve, at full precision. The clocks of its clients in view run at an upper multiplier and
   their candidate events are thinned to the multiplier in force (`sim.hazards`), so a change
   restates no one unless the multiplier leaves its bound's band (rare).
4. Competing risks (`sim.hazards`): exits by cause, partial work (a one-time state change: the
   benefit becomes x (1 - ``partial_work_benefit_reduction``), then its hazard is off) and
   transitions between tracks (duration on benefit continues; the client joins the new track's
   waiting list; a rung outside the new track's ladder moves to its nearest rung, the higher
   one on a tie).
5. Instruments (`sim.instruments`): places released monthly and filled at month starts.
6. Returns: a work exit (including a wage-cost subsidy start and a trajectory's work outcome)
   comes back with probability ``returns.share_back`` after a delay ~ Uniform(0,
   ``within_months``); if the delay <= ``policy.benefit_pause_months`` the client re-enters
   directly (skips the gate, counts as inflow), else it re-applies through the gate. Same client
   id; a new spell starts at duration 0 with the same rung and benefit status, and a benefit
   lowered by partial work is whole again.
7. Staff and measure changes apply at the start of their month, before that month's instrument
   places are filled: slots first (evicting the lowest-priority holders when capacity drops),
   then every client's hazards when a shared factor (employer services, enforcement, measure
   multipliers) changes.
8. Accounting (`sim.accounting`): state intervals and flows recorded flat, aggregated to the
   monthly frame with numpy at the end; people are conserved exactly.

Event log (``record_events=True``): (client, time, event, municipality, track) for
``initial`` (the initial stock at t = 0), ``application``, ``decision_<x>``, ``entry``,
``slot_gained``, ``slot_lost``, ``band`` (duration band crossed; written when the client next
changes, so the log is sorted by time at the end), ``instrument_start``, ``instrument_end``,
``transfer`` (track = the new track), ``partial_work``, ``exit_<cause>``, ``return``,
``instrument_initial`` (in a trajectory at t = 0, `sim.initial_state`) and ``slot_reviewed`` (a
slot returned at its review; ``slot_lost`` follows).
Recording does not change any result. ``track`` is empty (None) for events off the caseload
(application, decision, return).

Choices where MODEL.md is silent are documented in the module that makes them; a few more:
the enforcement hazard from enforcement staff applies to every client on the caseload (with or
without a benefit), as the hazard formula has it; ``policy.everyone_in_view`` is a rule the
optimiser reads, not a switch of the simulation; a client who leaves its track during a
trajectory leaves the trajectory (``instrument_end`` logged, no outcome).
"""

from __future__ import annotations

import gc
import math
import threading
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from heapq import heappop, heappush
from itertools import count

from numpy.random import SeedSequence

from sporen.inputs.plan import Plan
from sporen.inputs.schema import DECISIONS, EXIT_CAUSES, Scenario
from sporen.sim.accounting import (
    BENEFIT,
    F_IN,
    F_INFLOW,
    F_OUT,
    F_OUTFLOW,
    F_PARTIAL,
    F_STARTS,
    IN_VIEW,
    INITIAL,
    M_BUIG,
    M_INSTRUMENT,
    NF,
    Ledger,
)
from sporen.sim.clients import HOLDING, Client
from sporen.sim.des import Calendar
from sporen.sim.gate import IntakeServer, decision_shares, draw_decision
from sporen.sim.hazards import (
    HAZARDS,
    INF,
    PARTIAL_WORK,
    TRANSFER,
    Profile,
    ProfileBuilder,
    band_of,
    pick_cause,
    thinned_cause,
)
from sporen.sim.initial_state import initial_subsidies, initial_trajectories
from sporen.sim.instruments import release_schedule, subsidy_pieces
from sporen.sim.intensity import caseload, served_multiplier
from sporen.sim.population import Assignment, InitialDurations, People, draw_people
from sporen.sim.random_streams import BLOCK, EXTRA, FIXED, U_DECISION, person_generator
from sporen.sim.recording import EventLog, NoEventLog, SpellBook, Tracker
from sporen.sim.results import ReplicationResult
from sporen.sim.slots import SlotPool, rank
from sporen.sim.timeline import Timeline
from sporen.sim.uncertainty import apply_uncertainty

ORIGINS = ("initial", "applicant")
EXIT_CODE = {HAZARDS.index(c): i for i, c in enumerate(EXIT_CAUSES)}
EXIT_EVENTS = ["exit_" + cause for cause in EXIT_CAUSES]
DECISION_EVENTS = ["decision_" + decision for decision in DECISIONS]
WORK_EXIT = EXIT_CAUSES.index("work")

_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


@contextmanager
def no_gc() -> Iterator[None]:
    """Switch the cyclic garbage collector off during a run (MODEL.md 8: it slows big runs 2x).

    The engine's objects form few reference cycles, so nothing piles up; the previous state is
    restored afterwards (nesting- and thread-safe)."""
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_was_enabled:
                gc.enable()


def run_replication(scenario: Scenario, plan: Plan, seed: SeedSequence, replication: int = 0,
                    record_events: bool = False) -> ReplicationResult:
    """Simulate one replication of `scenario` under `plan` with the replication's `seed`.

    The scenario's uncertain parameters are drawn first (`sim.uncertainty`), from the same seed."""
    scenario, _ = apply_uncertainty(scenario, seed)
    with no_gc():
        engine = Engine(scenario, plan, seed, replication, record_events)
        try:
            return engine.run()
        finally:
            engine.release()


class Engine:
    """One replication: the clients' state changes, driven by the calendar's events."""

    def __init__(self, scenario: Scenario, plan: Plan, seed: SeedSequence, replication: int = 0,
                 record_events: bool = False):
        sc = scenario
        self.sc = sc
        self.seed = seed
        self.replication = replication
        self.M = M = sc.months
        self.edges = [float(e) for e in sc.duration_bands]
        self.nb = len(self.edges)
        self.muni_names = [m.name for m in sc.municipalities]
        self.seg_names = [s.name for s in sc.segments]
        self.track_names = [t.name for t in sc.tracks]
        self.nt, self.ns = len(sc.tracks), len(sc.segments)
        self.tl = tl = Timeline(sc, plan)
        self.hz = ProfileBuilder(sc)
        self.hz.set_globals(tl.globals[0])
        rule, kf = sc.policy.priority, sc.ladder.kansrijk_from_rung
        tickets = count(1)  # join numbers unique over all pools (`sim.slots`)
        self.pools = [SlotPool(role, slots[0], True, rule, kf, weights, tickets)
                      for role, slots, weights in zip(tl.pool_roles, tl.pool_slots, tl.pool_weights, strict=True)]
        self.track_pool = [self.pools[p] if p is not None else SlotPool(t.name, 0, False, rule, kf, tickets=tickets)
                           for t, p in zip(sc.tracks, tl.pool_of_track, strict=True)]
        self.intense = [[k for k, p in enumerate(tl.pool_of_track) if p == q and sc.tracks[k].intensity is not None]
                        for q in range(len(self.pools))]
        self.review = sc.policy.slot_review_months
        self.muni_key = any(m.hazard_multipliers for m in sc.municipalities)
        self.ledger = led = Ledger(M, (len(sc.municipalities), self.nt, self.ns))
        self._a_cell, self._a_start, self._a_end = led.iv_cell.append, led.iv_start.append, led.iv_end.append
        self._a_flags, self._a_rate, self._a_flow = led.iv_flags.append, led.iv_rate.append, led.flows.append
        self.gate = IntakeServer(tl.intake)
        self.shares_by_month = [decision_shares(sc.gate.decisions, g) for g in tl.grant_multiplier]
        self.entry = Assignment(sc)
        self.benefit = [[float(sc.benefit(m.name, s.name)) for s in sc.segments] for m in sc.municipalities]
        self.partial_factor = 1.0 - sc.partial_work_benefit_reduction
        self.transitions = [[tr for tr in self.hz.transitions[ti]] for ti in range(self.nt)]

        # instruments
        self.ins = sc.instruments
        self.ins_track = [self.track_names.index(i.track) for i in sc.instruments]
        self.ins_lks = [i.kind == "wage_cost_subsidy" for i in sc.instruments]
        self.ins_elig = [None if i.eligible_ladder is None else frozenset(i.eligible_ladder) for i in sc.instruments]
        self.ins_release = [release_schedule(sc, plan, i.name) for i in sc.instruments]
        self.ins_avail = [0] * len(sc.instruments)
        self.ins_on_track = [[i for i in range(len(sc.instruments)) if self.ins_track[i] == ti]
                             for ti in range(self.nt)]
        self.cand: list[list] = [[] for _ in sc.instruments]
        self.sub_pieces = [subsidy_pieces(sc.wage_cost_subsidy, i.duration_months)
                           if i.kind == "wage_cost_subsidy" and sc.wage_cost_subsidy is not None else []
                           for i in sc.instruments]
        self.share_back = sc.returns.share_back
        self.within = sc.returns.within_months
        self.pause = float(sc.policy.benefit_pause_months)

        # records and the calendar
        self.spells = SpellBook()
        self.log: Tracker = EventLog(self.edges, self.muni_names, self.track_names) if record_events else NoEventLog()
        self._record, self._record_off, self._bands = self.log.record, self.log.record_off_track, self.log.bands
        self.active: dict[Client, None] = {}
        self.cal = Calendar(M)
        self._at_versioned = self.cal.at_versioned
        self._clock_handler = self._on_clock
        self.people: People | None = None
        self.U: array[float]  # every person's pre-drawn uniforms, set by `run`

    # -- random numbers -------------------------------------------------------------------
    def _u(self, c: Client) -> float:
        i = c.cur
        if i < BLOCK:
            c.cur = i + 1
            return self.U[c.row + i]
        if not c.extra:
            if c.rng is None:
                c.rng = person_generator(self.seed, ORIGINS[c.origin], self.muni_names[c.muni],
                                         self.seg_names[c.seg], c.k)
            c.extra = c.rng.random(EXTRA).tolist()[::-1]
        return c.extra.pop()

    def _exp(self, c: Client) -> float:
        return -math.log(1.0 - self._u(c))

    # -- clients --------------------------------------------------------------------------
    def _cell(self, c: Client) -> int:
        return (c.muni * self.nt + c.track) * self.ns + c.seg

    def _flow(self, c: Client, t: float, column: int) -> None:
        self._a_flow((c.cell * self.M + int(t)) * NF + column)

    def _close(self, c: Client, t: float, in_view: bool) -> None:
        """Close the client's open state interval at t (a new one opens at t)."""
        self._a_cell(c.cell)
        self._a_start(c.iv_t)
        self._a_end(t)
        if c.benefit:
            self._a_flags((IN_VIEW | BENEFIT if in_view else BENEFIT) | (INITIAL if c.iv_initial else 0))
            self._a_rate(self.benefit[c.muni][c.seg] * c.factor)
        else:
            self._a_flags((IN_VIEW if in_view else 0) | (INITIAL if c.iv_initial else 0))
            self._a_rate(0.0)
        c.iv_t = t
        c.iv_initial = False

    def _profile(self, c: Client) -> Profile:
        key = (c.track, c.seg, c.rung, c.pstat == HOLDING, c.instr, c.partial, c.muni if self.muni_key else 0)
        prof = self.hz.cache.get(key)
        return prof if prof is not None else self.hz.get(*key)

    def _schedule(self, c: Client, t: float, b: int = -1) -> None:
        """Schedule the client's next clock event from t (its clock state is current at t).

        This is `sim.hazards.time_to_event` inlined (the hottest path of the engine); `b` is the
        duration band at t when the caller knows it."""
        tot = c.prof.tot  # type: ignore[union-attr]  # every caller has just set c.prof (no check per event)
        edges = self.edges
        nb = self.nb
        d = t - c.spell_start
        if b < 0:
            b = bisect_right(edges, d) - 1
        residual = c.residual
        dt = 0.0
        while True:
            rate = tot[b]
            if b + 1 < nb:
                span = edges[b + 1] - d
                if rate > 0.0 and rate * span >= residual:
                    dt += residual / rate
                    break
                residual -= rate * span
                dt += span
                b += 1
                d = edges[b]
            else:
                if rate <= 0.0:
                    return
                dt += residual / rate
                break
        c.ev_band = b
        self._at_versioned(t, t + dt, self._clock_handler, c)

    def _fresh_clock(self, c: Client, t: float) -> None:
        """After an event of the clock itself: a new unit-exponential clock from t."""
        c.residual = self._exp(c)
        c.t_clock = t
        c.prof = self._profile(c)
        c.ver += 1
        self._schedule(c, t)

    def _restate(self, c: Client, t: float) -> None:
        """The client's state changed at t: keep the clock's residual under the new profile.

        The residual is the unit-exponential clock less the cumulative hazard of the old profile
        from the last update to t (`sim.hazards.cumulative`, inlined)."""
        edges = self.edges
        nb = self.nb
        s = c.spell_start
        d = c.t_clock - s
        d1 = t - s
        old = c.prof.tot  # type: ignore[union-attr]  # a client on the caseload has its profile (no check per event)
        b = bisect_right(edges, d) - 1
        used = 0.0
        while True:
            upper = edges[b + 1] if b + 1 < nb else INF
            if d1 <= upper:
                used += old[b] * (d1 - d)
                break
            used += old[b] * (upper - d)
            d = upper
            b += 1
        residual = c.residual - used
        c.residual = residual if residual > 0.0 else 0.0
        c.t_clock = t
        key = (c.track, c.seg, c.rung, c.pstat == HOLDING, c.instr, c.partial, c.muni if self.muni_key else 0)
        prof = self.hz.cache.get(key)
        c.prof = prof if prof is not None else self.hz.get(*key)
        c.ver += 1
        self._schedule(c, t, b)

    def _slot_gained(self, c: Client, t: float, restate: bool = True) -> None:
        """c now holds a slot (the pool already says so)."""
        self._record(c, t, "slot_gained")
        for i in self.ins_on_track[c.track]:
            if not (c.done >> i) & 1:
                heappush(self.cand[i], (c.pkey, c.pseq, c))
        self._review_later(c, t)
        if restate:
            self._close(c, t, False)
            self._restate(c, t)

    def _slot_lost(self, c: Client, t: float) -> None:
        self._record(c, t, "slot_lost")
        c.rver += 1
        self._close(c, t, True)
        self._restate(c, t)

    def _review_later(self, c: Client, t: float) -> None:
        """(Re)start the slot-review clock of a holder (slot gained, or progress made)."""
        if self.review is not None:
            c.rver += 1
            self.cal.at_stamped(t, t + self.review, self._on_review, c, "rver")

    def _join(self, c: Client, t: float) -> None:
        """c joins its (new) track's pool at t; its clock is set by the caller afterwards."""
        if self.track_pool[c.track].join(c, t):
            self._slot_gained(c, t, restate=False)

    def _leave(self, c: Client, t: float) -> None:
        """c leaves its track's pool; a freed slot goes to the best waiting clients."""
        c.rver += 1
        for nxt in self.track_pool[c.track].leave_all(c):
            self._slot_gained(nxt, t)

    def _end_trajectory(self, c: Client, t: float) -> None:
        if c.instr >= 0:
            c.instr = -1
            c.iver += 1
            self._record(c, t, "instrument_end")

    def _enter(self, c: Client, t: float) -> None:
        """A new caseload spell (granted application or direct return)."""
        if c.rung == 0:
            self.entry.attributes(c, self.U)
        c.track = self.entry.track[c.seg][c.rung]
        if c.track < 0:
            self.entry.track_of(c)  # raises: no track takes this client
        c.cell = self._cell(c)
        c.spell_start = t
        c.factor = 1.0
        c.partial = False
        c.done = 0
        c.instr = -1
        c.band_logged = 0
        c.iv_t = t
        c.iv_initial = False
        self.spells.open(c, False)
        self._flow(c, t, F_INFLOW)
        self._record(c, t, "entry")
        self.active[c] = None
        self._join(c, t)
        self._fresh_clock(c, t)

    def _exit(self, c: Client, t: float, cause: int) -> None:
        """c leaves the caseload at t by exit cause index `cause` (EXIT_CAUSES)."""
        self._end_trajectory(c, t)
        self._close(c, t, c.pstat == HOLDING)
        self._flow(c, t, F_OUTFLOW + cause)
        self.spells.close(c, t, cause)
        self._record(c, t, EXIT_EVENTS[cause])
        del self.active[c]
        c.ver += 1
        self._leave(c, t)
        c.track = -1
        if cause == WORK_EXIT:
            u = self._u(c)
            if u < self.share_back:
                delay = self.within * self._u(c)
                self.cal.at(t, t + delay, self._on_return, (c, delay))

    def _transfer(self, c: Client, t: float, i: int) -> None:
        to = self.transitions[c.track][i][0]
        self._bands(c, t)
        self._end_trajectory(c, t)
        self._close(c, t, c.pstat == HOLDING)
        self._flow(c, t, F_OUT)
        self._leave(c, t)
        c.track = to
        c.rung = self.entry.rung_on_track[to][c.rung]
        c.cell = self._cell(c)
        self._flow(c, t, F_IN)
        self._record(c, t, "transfer")
        self._join(c, t)
        self._fresh_clock(c, t)

    def _partial(self, c: Client, t: float) -> None:
        self._record(c, t, "partial_work")
        self._close(c, t, c.pstat == HOLDING)
        c.partial = True
        c.factor = self.partial_factor
        self._flow(c, t, F_PARTIAL)
        if c.pstat == HOLDING:
            self._review_later(c, t)  # progress: the review clock starts again
        self._fresh_clock(c, t)

    def _apply(self, c: Client, t: float) -> None:
        self._record_off(c, t, "application")
        done = self.gate.decide_at(t)
        if done == t:
            self._decide(c, t)
        else:
            self.cal.at(t, done, self._on_decision, c)

    def _decide(self, c: Client, t: float) -> None:
        shares = self.shares_by_month[int(t)]
        u = self.U[c.row + U_DECISION] if c.spell < 0 else self._u(c)
        d = draw_decision(shares, u)
        self._record_off(c, t, DECISION_EVENTS[d])
        if d == 0:
            self._enter(c, t)

    # -- the calendar's events: handler(now, value) ------------------------------------------
    def _on_clock(self, t: float, c: Client) -> None:
        # a clock event only exists once c.prof is set (no check per event)
        prof: Profile = c.prof  # type: ignore[assignment]
        if prof.thin >= 0:  # a candidate of the dominating process (`sim.hazards`, thinning)
            code = thinned_cause(prof, c.ev_band, self._u(c), self.hz.ratio[prof.thin])
            if code < 0:  # rejected: nothing happens, a new clock from now
                self._fresh_clock(c, t)
                return
        else:
            code = pick_cause(prof, c.ev_band, self._u(c))
        if code >= TRANSFER:
            self._transfer(c, t, code - TRANSFER)
        elif code == PARTIAL_WORK:
            self._partial(c, t)
        else:
            self._exit(c, t, EXIT_CODE[code])

    def _on_arrival(self, t: float, j: int) -> None:
        # self.people is set for the whole run (None only after `release`); no check per event
        people = self.people
        cid = self.n_initial + j
        c = Client(cid, 1, int(people.app_muni[j]), int(people.app_seg[j]), int(people.app_k[j]),  # type: ignore[union-attr]
                   cid * BLOCK, FIXED)
        self._apply(c, t)
        if j + 1 < len(people.app_times):  # type: ignore[union-attr]
            self.cal.after(t, people.app_times[j + 1] - t, self._on_arrival, j + 1)  # type: ignore[union-attr]

    def _on_decision(self, t: float, c: Client) -> None:
        self._decide(c, t)

    def _on_return(self, t: float, value: tuple[Client, float]) -> None:
        c, delay = value
        if c.subsidies:
            for index in c.subsidies:
                self.ledger.stop_subsidy(index, t)
            c.subsidies = None
        self._record_off(c, t, "return")
        if delay <= self.pause:
            self._enter(c, t)
        else:
            self._apply(c, t)

    def _on_review(self, t: float, value: tuple[Client, int]) -> None:
        """A slot review: a holder without progress returns its slot when others wait."""
        c, rver = value
        if c.rver != rver or c.pstat != HOLDING:
            return
        pool = self.track_pool[c.track]
        gained = pool.review(c, t)
        if c.pstat == HOLDING:
            self._review_later(c, t)   # nobody waits (or the slot does not fit the next): next review
            return
        self._record(c, t, "slot_reviewed")
        self._slot_lost(c, t)
        for nxt in gained:
            self._slot_gained(nxt, t)

    def _on_instrument_end(self, t: float, value: tuple[Client, int]) -> None:
        c, iver = value
        if c.iver != iver or c.instr < 0:
            return
        i = c.instr
        self._end_trajectory(c, t)
        if self._u(c) < self.ins[i].work_probability_at_end:
            self._exit(c, t, WORK_EXIT)
        else:
            self._restate(c, t)

    def _on_month(self, t: float, m: int) -> None:
        tl = self.tl
        if m > 0:
            if tl.pool_slots_change(m):
                for pool, slots in zip(self.pools, tl.pool_slots, strict=True):
                    if slots[m] == slots[m - 1]:
                        continue
                    gained, lost = pool.set_capacity(slots[m])
                    for c in lost:
                        self._slot_lost(c, t)
                    for c in gained:
                        self._slot_gained(c, t)
            changed = self._set_intensity(m)
            if self.hz.set_globals(tl.globals[m]):
                for c in list(self.active):
                    self._restate(c, t)
            elif changed:
                for q in changed:
                    for c in list(self.pools[q].holders):
                        if c.track in changed[q]:
                            self._restate(c, t)
        self._compact()
        self._fill_instruments(m, t)

    def _set_intensity(self, m: int) -> dict[int, set[int]]:
        """Each pool's caseload (clients in view per fte) sets its tracks' served multipliers;
        returns {pool: tracks whose upper multiplier moved} (their clients in view are restated;
        a multiplier that moves within its bound only changes the thinning's acceptance)."""
        changed: dict[int, set[int]] = {}
        for q, tracks in enumerate(self.intense):
            if not tracks:
                continue
            load = caseload(len(self.pools[q].holders), self.tl.pool_fte[q][m])
            for k in tracks:
                if self.hz.set_served(k, served_multiplier(self.sc.tracks[k], load)):
                    changed.setdefault(q, set()).add(k)
        return changed

    # -- instruments --------------------------------------------------------------------------
    def _fill_instruments(self, m: int, t: float) -> None:
        for i in range(len(self.ins)):
            opened, new_year = self.ins_release[i][m]
            if new_year:
                self.ins_avail[i] = 0
            self.ins_avail[i] += opened
            want = self.ins_avail[i]
            if want <= 0:
                continue
            heap = self.cand[i]
            elig = self.ins_elig[i]
            bit = 1 << i
            chosen: list[Client] = []
            later: list = []
            seen: set[int] = set()
            while heap and len(chosen) < want:
                entry = heappop(heap)
                c = entry[2]
                if c.pstat != HOLDING or c.pseq != entry[1] or c.done & bit or id(c) in seen:
                    continue
                if elig is not None and c.rung not in elig:
                    continue
                seen.add(id(c))
                if c.instr >= 0:
                    later.append(entry)  # busy in another trajectory: stays a candidate
                    continue
                chosen.append(c)
            for entry in later:
                heappush(heap, entry)
            for c in chosen:
                self._start_instrument(c, t, i)
            self.ins_avail[i] -= len(chosen)

    def _start_instrument(self, c: Client, t: float, i: int) -> None:
        ins = self.ins[i]
        c.done |= 1 << i
        self._review_later(c, t)  # progress: the review clock starts again
        cell = c.cell
        self._flow(c, t, F_STARTS)
        if ins.cost_per_participant:
            self.ledger.money(cell, t, M_INSTRUMENT if ins.paid_from == "participatiebudget" else M_BUIG,
                              float(ins.cost_per_participant))
        self._record(c, t, "instrument_start")
        if self.ins_lks[i]:
            subs = c.subsidies if c.subsidies is not None else []
            for a, b, rate in self.sub_pieces[i]:
                subs.append(self.ledger.subsidy(cell, t + a, t + b, rate))
            c.subsidies = subs
            self._exit(c, t, WORK_EXIT)
        else:
            c.instr = i
            c.iver += 1
            self.cal.at(t, t + ins.duration_months, self._on_instrument_end, (c, c.iver))
            self._restate(c, t)

    def _compact(self) -> None:
        """Drop stale candidate entries now and then (clients who left or lost their slot)."""
        for i, heap in enumerate(self.cand):
            pool = self.track_pool[self.ins_track[i]]
            if len(heap) > 1000 and len(heap) > 4 * len(pool.holders):
                bit = 1 << i
                fresh = {}
                for entry in heap:
                    c = entry[2]
                    if c.pstat == HOLDING and c.pseq == entry[1] and not c.done & bit:
                        fresh[id(c)] = entry
                self.cand[i] = sorted(fresh.values(), key=lambda e: (e[0], e[1]))

    # -- set-up and run -------------------------------------------------------------------------
    def _setup_initial(self, initial: list[Client]) -> None:
        """The initial stock at t = 0: durations, tracks, slots in priority order, clocks."""
        U, edges = self.U, self.edges
        durations = InitialDurations(self.sc)
        per_track: list[list[Client]] = [[] for _ in range(self.nt)]
        partial = [s.initial_partial_work_share for s in self.sc.segments]
        for c in initial:
            self.entry.attributes(c, U)
            if c.benefit and U[c.row + U_DECISION] < partial[c.seg]:
                c.partial = True
                c.factor = self.partial_factor
            duration = durations.draw(c, U)
            c.spell_start = -duration
            c.band_logged = band_of(edges, duration)
            c.track = self.entry.track_of(c)
            c.cell = self._cell(c)
            c.iv_t = 0.0
            c.iv_initial = True
            self.spells.open(c, True)
            per_track[c.track].append(c)
            self.active[c] = None
        per_pool: dict[int, list[Client]] = {}
        for ti, clients in enumerate(per_track):
            self.log.initial(clients)
            pool = self.track_pool[ti]
            per_pool.setdefault(id(pool), []).extend(clients)
        for ti in range(self.nt):
            pool = self.track_pool[ti]
            members = per_pool.pop(id(pool), None)
            if members is None:
                continue
            gained = pool.join_many(members, [c.spell_start for c in members])
            for c in gained:
                self._slot_gained(c, 0.0, restate=False)
        self._set_intensity(0)
        self._initial_instruments(initial)
        for c in initial:
            c.residual = self._exp(c)
            c.t_clock = 0.0
            c.prof = self._profile(c)
            self._schedule(c, 0.0)

    def _initial_instruments(self, initial: list[Client]) -> None:
        """Clients in an instrument at the start (`sim.initial_state`): running wage-cost subsidies
        (BUIG spending of people who left before the start) and trajectory participants of the
        initial stock (no cost, no place of the horizon's years), before any clock is set."""
        led = self.ledger
        for piece in initial_subsidies(self.sc, self.seed):
            led.subsidy(led.cell(piece.muni, piece.track, piece.seg), piece.start, piece.end, piece.rate)
        for entry in initial_trajectories(self.sc, self.seed):
            i = entry.instrument
            bit, track, elig = 1 << i, self.ins_track[i], self.ins_elig[i]
            chosen = [c for c in initial if c.muni == entry.muni and c.track == track and c.pstat == HOLDING
                      and (entry.seg is None or c.seg == entry.seg) and c.instr < 0 and not c.done & bit
                      and (elig is None or c.rung in elig)]
            chosen.sort(key=rank)
            for c, remaining in zip(chosen, entry.remaining, strict=False):
                c.done |= bit
                c.instr = i
                c.iver += 1
                self._record(c, 0.0, "instrument_initial")
                self.cal.at(0.0, remaining, self._on_instrument_end, (c, c.iver))

    def run(self) -> ReplicationResult:
        self.people = people = draw_people(self.sc, self.seed)
        self.U = people.uniforms
        self.n_initial = people.n_initial
        self._setup_initial(people.initial)
        self.cal.every_month(self._on_month)
        if people.app_times:
            self.cal.after(0.0, people.app_times[0], self._on_arrival, 0)
        self.cal.run()
        end = float(self.M)
        for c in self.active:
            self._bands(c, math.nextafter(end, 0.0))
            self._close(c, end, c.pstat == HOLDING)
        return self._result()

    def release(self) -> None:
        """Drop the run's objects so reference counting frees them at once.

        Pending events refer back to the engine (their handlers are its methods): a cycle that
        only the garbage collector could break, after scanning every object of the run. Clearing
        them first keeps the collector idle."""
        self.cal.clear()
        self.active.clear()
        self.pools = []
        self.track_pool = []
        self.cand = []
        self.log = NoEventLog()
        self.people = None
        self.U = array("d")

    def _result(self) -> ReplicationResult:
        initial, monthly = self.ledger.frames(self.sc.start, self.muni_names, self.track_names, self.seg_names)
        spells = self.spells.frame(self.muni_names, self.seg_names, self.track_names)
        return ReplicationResult(replication=self.replication, initial=initial, monthly=monthly,
                                 spells=spells, events=self.log.frame())
