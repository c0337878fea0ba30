"""The calendar (`sim.des`) and the SimPy behaviour it relies on.

`sim.des` is the only module that touches SimPy, including private attributes (`Event._value`,
`Event._ok`, `Environment._now`, `Environment._queue`) and the URGENT priority. These tests pin
what it relies on, so a SimPy upgrade that changes it fails here, in one place.
"""

from __future__ import annotations

import simpy
from simpy.events import NORMAL, URGENT, Event, Timeout

from sporen.sim.des import Calendar


def test_simpy_private_attributes_the_calendar_uses() -> None:
    env = simpy.Environment()
    seen = []
    timeout = Timeout(env, 2.5, "payload")
    timeout.callbacks.append(lambda ev: seen.append((ev._value, ev.env._now)))
    prepared = Event(env)
    prepared._ok = True
    prepared._value = 7
    prepared.callbacks.append(lambda ev: seen.append((ev._value, env._now)))
    env.schedule(prepared, URGENT, 1)
    assert env._now == 0
    env.run(until=3)
    assert seen == [(7, 1), ("payload", 2.5)]
    before = len(env._queue)
    Timeout(env, 1, None)
    assert len(env._queue) == before + 1
    env._queue.clear()
    assert env.peek() == float("inf")


def test_urgent_events_come_before_normal_ones_at_the_same_time() -> None:
    assert URGENT < NORMAL
    env = simpy.Environment()
    order = []
    Timeout(env, 1, "normal").callbacks.append(lambda ev: order.append(ev._value))
    urgent = Event(env)
    urgent._ok, urgent._value = True, "urgent"
    urgent.callbacks.append(lambda ev: order.append(ev._value))
    env.schedule(urgent, URGENT, 1)
    env.run(until=2)
    assert order == ["urgent", "normal"]


class _Thing:
    def __init__(self) -> None:
        self.ver = 0


def test_calendar_calls_handlers_in_time_order_across_months() -> None:
    cal = Calendar(months=3)
    calls: list[tuple[float, object]] = []

    def note(now: float, value: object) -> None:
        calls.append((now, value))

    def month(now: float, m: int) -> None:
        calls.append((now, f"month {m}"))
        if m == 0:
            cal.at(now, 0.5, note, "same month")
            cal.at(now, 2.25, note, "two months later")
            cal.at(now, 7.0, note, "after the horizon: never")

    cal.every_month(month)
    cal.after(0.0, 1.5, note, "arrival")
    cal.run()
    assert calls == [(0.0, "month 0"), (0.5, "same month"), (1.0, "month 1"), (1.5, "arrival"),
                     (2.0, "month 2"), (2.25, "two months later")]


def test_a_stale_versioned_event_does_nothing() -> None:
    cal = Calendar(months=2)
    fired = []
    a, b = _Thing(), _Thing()
    cal.every_month(lambda now, m: None)
    cal.at_versioned(0.0, 0.5, lambda now, obj: fired.append(("a", now)), a)
    cal.at_versioned(0.0, 1.5, lambda now, obj: fired.append(("b", now)), b)   # waits in month 1's bucket
    a.ver += 1   # a changed: its event is stale
    b.ver += 1   # so is b's, dropped when month 1 opens
    cal.at_versioned(0.0, 1.75, lambda now, obj: fired.append(("b again", now)), b)
    cal.run()
    assert fired == [("b again", 1.75)]


def test_clear_drops_pending_events() -> None:
    cal = Calendar(months=2)
    cal.after(0.0, 0.5, lambda now, v: None, None)
    cal.clear()
    assert len(cal.env._queue) == 0


class _Stamped:
    def __init__(self) -> None:
        self.rver = 0


def test_a_stamped_event_whose_stamp_moved_on_is_dropped_and_order_is_kept() -> None:
    cal = Calendar(months=3)
    calls: list[tuple[float, object]] = []

    def note(now: float, value: object) -> None:
        calls.append((now, value))

    kept, moved = _Stamped(), _Stamped()
    cal.every_month(lambda now, m: None)
    cal.at_stamped(0.0, 2.0, note, kept, "rver")
    cal.at(0.0, 2.0, note, "plain, same time")
    cal.at_stamped(0.0, 2.5, note, moved, "rver")
    moved.rver += 1  # superseded before its month opens: never reaches SimPy
    cal.run()
    assert calls == [(2.0, (kept, 0)), (2.0, "plain, same time")]
