"""Unit tests of the engine's parts: slots, hazards, intake, instruments, random streams."""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_support import base_dict, build

from sporen.inputs.plan import Plan, baseline_plan
from sporen.inputs.schema import WageCostSubsidy
from sporen.sim.clients import HOLDING, NO_SLOT, WAITING, Client
from sporen.sim.gate import IntakeServer, decision_shares, draw_decision
from sporen.sim.hazards import Profile, cumulative, pick_cause, time_to_event
from sporen.sim.instruments import release_schedule, subsidy_pieces
from sporen.sim.random_streams import child_seed, person_block, stream
from sporen.sim.slots import SlotPool


def client(cid: int, rung: int = 3, spell_start: float = 0.0) -> Client:
    c = Client(cid, 0, 0, 0, cid, 0, 5)
    c.rung = rung
    c.spell_start = spell_start
    return c


# -- SlotPool -----------------------------------------------------------------------------------
def test_pool_fifo_waiting_list_and_handover():
    pool = SlotPool("t", 2)
    a, b, c, d = (client(i) for i in range(4))
    assert pool.join(a, 0.0) and pool.join(b, 1.0)
    assert not pool.join(c, 2.0) and not pool.join(d, 3.0)
    assert (c.pstat, d.pstat) == (WAITING, WAITING)
    assert pool.leave_all(a) == [c] and c.pstat == HOLDING and a.pstat == NO_SLOT
    assert pool.leave_all(d) == []  # a waiting client leaves: nothing to hand over
    assert pool.leave_all(b) == [] and pool.n_waiting == 0
    assert list(pool.holders) == [c]


def test_a_client_waiting_in_another_pool_never_matches_its_old_entry_in_the_first():
    """A client left pool A's waiting list (its entry stays, stale) and now waits in pool B: when
    A frees a slot, the stale entry must not give it A's slot (it would later leave from B and
    find itself missing there). The run's pools share one ticket counter."""
    tickets = iter(range(1, 100))
    pool_a, pool_b = SlotPool("A", 1, tickets=tickets), SlotPool("B", 1, tickets=tickets)
    holder_a, holder_b, mover = client(0), client(1), client(2)
    assert pool_a.join(holder_a, 0.0) and pool_b.join(holder_b, 0.0)
    assert not pool_a.join(mover, 1.0)
    assert pool_a.leave_all(mover) == []       # transferred away while waiting
    assert not pool_b.join(mover, 2.0)         # waits in B now
    assert pool_a.leave_all(holder_a) == []    # A's stale entry is not the mover
    assert mover.pstat == WAITING and mover not in pool_a.holders
    assert pool_b.leave_all(holder_b) == [mover] and list(pool_b.holders) == [mover]
    assert pool_b.leave_all(mover) == [] and not pool_b.holders


def test_pool_capacity_drop_evicts_newest_and_they_keep_their_place():
    pool = SlotPool("t", 3)
    a, b, c, w = (client(i) for i in range(4))
    for i, x in enumerate((a, b, c, w)):
        pool.join(x, float(i))
    gained, lost = pool.set_capacity(1)
    assert gained == [] and lost == [c, b]  # lowest priority (newest) first
    assert pool.n_waiting == 3
    gained, lost = pool.set_capacity(2)
    assert gained == [b] and lost == []  # b joined before c and w: first in line again
    gained, _ = pool.set_capacity(10)
    assert gained == [c, w]


def test_pool_kansrijk_first_and_longest_waiting_orders():
    pool = SlotPool("t", 1, rule="kansrijk_first", kansrijk_from=4)
    holder, low, high = client(0, 5), client(1, 2), client(2, 5)
    pool.join(holder, 0.0)
    pool.join(low, 1.0)
    pool.join(high, 2.0)
    assert pool.leave_all(holder) == [high]
    pool = SlotPool("t", 1, rule="longest_waiting")
    holder, new, old = client(0, spell_start=-1), client(1, spell_start=5.0), client(2, spell_start=-30.0)
    pool.join(holder, 0.0)
    pool.join(new, 5.0)
    pool.join(old, 6.0)  # e.g. transferred in later, but longest on the caseload
    assert pool.leave_all(holder) == [old]


def test_one_pool_for_two_tracks_weighs_clients_and_kansrijk_first_decides_between_tracks():
    # a role with 80 slots per fte serving track 0 (80 per fte) and track 1 (40 per fte): a track-1
    # client uses two slots
    pool = SlotPool("role", 4, rule="kansrijk_first", kansrijk_from=4, weights={0: 1.0, 1: 2.0})
    a, b = client(0, rung=5), client(1, rung=3)
    b.track = 1
    assert pool.join(a, 0.0) and pool.join(b, 1.0) and pool.used == 3.0
    c, d = client(2, rung=3), client(3, rung=5)
    c.track = 1
    assert not pool.join(c, 2.0)          # needs 2 slots, 1 is free: waits
    assert pool.join(d, 3.0)              # kansrijk, so first in line, and 1 slot fits
    assert c.pstat == WAITING and pool.used == 4.0
    pool2 = SlotPool("role", 3, rule="kansrijk_first", kansrijk_from=4, weights={0: 1.0, 1: 2.0})
    x, y = client(4, rung=5), client(5, rung=3)
    y.track = 1
    pool2.join(x, 0.0)
    pool2.join(y, 1.0)                      # 3 of 3 used
    low, high = client(6, rung=3), client(7, rung=6)
    low.track = 1                           # a werkleerspoor-like client below the kansrijk rung
    pool2.join(low, 2.0)
    pool2.join(high, 3.0)                   # a werkspoor-like kansrijk client, joined later
    assert pool2.leave_all(x) == [high]         # kansrijk first, across tracks
    assert pool2.leave_all(y) == [low] and pool2.used == 3.0


def test_slot_review_returns_the_slot_of_a_holder_when_others_wait():
    pool = SlotPool("t", 1)
    holder, waiting = client(0), client(1)
    pool.join(holder, 0.0)
    pool.join(waiting, 1.0)
    assert pool.review(holder, 12.0) == [waiting]
    assert holder.pstat == WAITING and holder.pkey == 12.0   # at the back of the line
    alone = SlotPool("t", 1)
    solo = client(2)
    alone.join(solo, 0.0)
    assert alone.review(solo, 12.0) == [] and solo.pstat == HOLDING  # nobody waits: it keeps it
    kr = SlotPool("t", 1, rule="kansrijk_first", kansrijk_from=4)
    good, poor = client(3, rung=5), client(4, rung=2)
    kr.join(good, 0.0)
    kr.join(poor, 1.0)
    assert kr.review(good, 12.0) == [] and good.pstat == HOLDING  # it would be first in line again


def test_pool_join_many_gives_slots_by_priority_and_inactive_pool_has_none():
    pool = SlotPool("t", 2)
    xs = [client(i) for i in range(4)]
    gained = pool.join_many(xs, [3.0, 1.0, 2.0, 0.0])
    assert gained == [xs[3], xs[1]]
    empty = SlotPool("t", 5, active=False)
    assert not empty.join(client(9), 0.0) and empty.set_capacity(10) == ([], [])


# -- hazards --------------------------------------------------------------------------------------
def test_time_to_event_inverts_the_piecewise_cumulative_hazard():
    tot, edges = (0.1, 0.0, 0.5), [0.0, 5.0, 8.0]
    for d0 in (0.0, 2.0, 5.0, 6.5, 9.0):
        for residual in (0.05, 0.3, 0.5, 2.0):
            dt, band = time_to_event(tot, edges, d0, residual)
            assert math.isclose(cumulative(tot, edges, d0, d0 + dt), residual, rel_tol=1e-12)
            assert band == (0 if d0 + dt <= 5 else 2)
    assert time_to_event((0.1, 0.0), [0.0, 5.0], 1.0, 1.0) == (math.inf, 1)


def test_pick_cause_by_share():
    prof = Profile((1.0,), ((0.2, 0.2, 1.0),), (0, 2, 5))
    assert [pick_cause(prof, 0, u) for u in (0.0, 0.19, 0.2, 0.99, 1.0)] == [0, 0, 5, 5, 5]


def test_exit_times_are_exponential_with_the_total_rate():
    rng = np.random.default_rng(0)
    tot, edges = (0.2, 0.05), [0.0, 3.0]
    times = np.array([time_to_event(tot, edges, 0.0, e)[0] for e in rng.exponential(size=20000)])
    # survival at 3 months = exp(-0.6); beyond, hazard 0.05
    assert abs((times > 3).mean() - math.exp(-0.6)) < 0.01
    tail = times[times > 3] - 3
    assert abs(tail.mean() - 20.0) < 0.8


# -- gate ---------------------------------------------------------------------------------------
def test_intake_is_a_fifo_server_following_capacity():
    server = IntakeServer([2.0, 0.0, 1.0])
    assert [server.decide_at(0.0) for _ in range(4)] == [0.5, 1.0, 3.0, math.inf]
    server = IntakeServer([4.0, 4.0])
    assert server.decide_at(0.1) == pytest.approx(0.35)
    assert server.decide_at(1.0) == pytest.approx(1.25)  # idle server: starts at arrival
    assert IntakeServer(None).decide_at(0.7) == 0.7


def test_grant_multiplier_moves_share_between_granted_and_rejected():
    raw = base_dict()
    raw["gate"]["decisions"] = {"granted": 0.8, "rejected": 0.05, "withdrawn": 0.1, "not_processed": 0.05,
                                "no_application": 0.0}
    d = build(raw).gate.decisions
    assert decision_shares(d, 0.5) == pytest.approx([0.4, 0.45, 0.1, 0.05, 0.0])
    assert decision_shares(d, 2.0) == pytest.approx([0.85, 0.0, 0.1, 0.05, 0.0])
    shares = decision_shares(d, 1.0)
    assert [draw_decision(shares, u) for u in (0.0, 0.79, 0.81, 0.86, 0.99)] == [0, 0, 1, 2, 3]


# -- instruments ----------------------------------------------------------------------------------
def test_places_are_released_evenly_and_lapse_at_the_year_end():
    raw = base_dict(years=2)
    raw["municipalities"][0]["buig_budget"] = {2020: 1, 2021: 1}
    raw["instruments"] = [{"name": "i", "track": "T", "duration_months": 1, "places_per_year": 5}]
    sc = build(raw)
    sched = release_schedule(sc, baseline_plan(sc), "i")
    assert [o for o, _ in sched[:12]] == [0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1]
    assert [n for _, n in sched] == [True] + [False] * 11 + [True] + [False] * 11
    plan = Plan(instruments={"i": {2021: 12}})
    assert [o for o, _ in release_schedule(sc, plan, "i")[12:]] == [1] * 12
    raw["start"] = "2020-07"
    sc = build(raw)
    assert [o for o, _ in release_schedule(sc, baseline_plan(sc), "i")[:6]] == [0, 1, 0, 1, 0, 1]


def test_subsidy_pieces():
    wcs = WageCostSubsidy(minimum_wage_month=1800)
    assert subsidy_pieces(wcs, 12) == [(0.0, 6.0, 900.0), (6.0, 12, pytest.approx(882.0))]
    assert subsidy_pieces(wcs, 4.5) == [(0.0, 4.5, 900.0)]


# -- random streams -------------------------------------------------------------------------------
def test_named_streams_are_stable_and_distinct():
    seed = np.random.SeedSequence(12345).spawn(4)[3]
    assert stream(seed, "arrivals", "A", "s").random() == stream(seed, "arrivals", "A", "s").random()
    assert stream(seed, "arrivals", "A", "s").random() != stream(seed, "arrivals", "B", "s").random()
    assert stream(seed, "x", 1).random() != stream(seed, "x", 2).random()
    assert child_seed(seed, "a").spawn_key[: len(seed.spawn_key)] == seed.spawn_key


def test_person_k_draws_the_same_numbers_however_many_people_are_drawn():
    seed = np.random.SeedSequence(1)
    small = person_block(seed, "applicant", "A", "s", 3)
    big = person_block(seed, "applicant", "A", "s", 50)
    np.testing.assert_array_equal(small, big[:3])
