"""The calendar of one replication: the only module that touches SimPy, internals included.

The engine asks for three things: call a handler at a time (`after`, `at`), call a handler at
the start of every month before anything else that month (`every_month`), and run until the
horizon (`run`). Handlers are called as ``handler(now, value)``.

Speed (a national run has ~1M persons): SimPy's event heap only holds the current month's
events. An event due in a later month waits in that month's bucket (a plain list) and is handed
to SimPy at the month's start; a *versioned* event (a client's competing-risk clock, superseded
whenever the client's state changes) whose version is stale by then is dropped without ever
touching the heap (so is a *stamped* one, `at_stamped`, whose object's stamp attribute has
moved on: a slot review after the client made progress or left). The order of events is
unchanged, since the month-start event comes first at its time (SimPy's URGENT priority).

SimPy's private attributes are used here for speed, and only here: ``Event._value``/``_ok`` to
trigger a prepared event without SimPy's checks, ``Environment._now`` to read the clock without a
property call, ``Environment._queue`` to drop pending events at the end (so the run's objects are
freed by reference counting). tests/test_des.py pins the behaviour this relies on, so a SimPy
upgrade that changes it fails there, loudly, in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from simpy import Environment
from simpy.events import URGENT, Event, Timeout

Handler = Callable[[float, Any], None]
# A month's bucket of events due in a later month (None once the month has been opened).
Timers = list[tuple]  # (at, handler, value) or, from `at_stamped`, (at, handler, value, obj, attr)
VersionedTimers = list[tuple[float, Handler, "Versioned", int]]


class Versioned(Protocol):
    """What a versioned event refers to: an object with a `ver` counter (a `Client`)."""

    ver: int


class Calendar:
    """A SimPy environment over `months` months, with month buckets for later events."""

    def __init__(self, months: int):
        self.env = env = Environment()
        self.months = months

        def _call(event: Event) -> None:
            """SimPy callback: unpack (handler, value) and call handler(now, value)."""
            handler, value = event._value
            handler(env._now, value)

        def _call_versioned(event: Event) -> None:
            """SimPy callback of a versioned event: call handler(now, obj) unless obj changed since."""
            handler, obj, ver = event._value
            if obj.ver == ver:
                handler(env._now, obj)

        self._call, self._call_versioned = _call, _call_versioned
        self.next_month = 0.0
        self._versioned: list[VersionedTimers | None] = [[] for _ in range(months)]
        self._timers: list[Timers | None] = [[] for _ in range(months)]

    @property
    def now(self) -> float:
        return self.env._now

    def at(self, now: float, at: float, handler: Handler, value: Any) -> None:
        """Call handler(at, value) at time `at` (>= now) if it is within the horizon."""
        if at < self.next_month:
            Timeout(self.env, at - now, (handler, value)).callbacks.append(self._call)
        elif at < self.months:
            # month int(at) >= next_month is still open (buckets become None only in _open); no
            # runtime check here, this is per event
            self._timers[int(at)].append((at, handler, value))  # type: ignore[union-attr]

    def at_stamped(self, now: float, at: float, handler: Handler, obj: Any, attr: str) -> None:
        """`at` with value (obj, stamp), stamp = obj.<attr> now: when its month opens, an event whose
        obj.<attr> has moved on is dropped (the handler checks again when it fires). Kept in the
        `at` bucket, so events at the same time keep their order."""
        stamp = getattr(obj, attr)
        if at < self.next_month:
            Timeout(self.env, at - now, (handler, (obj, stamp))).callbacks.append(self._call)
        elif at < self.months:
            self._timers[int(at)].append((at, handler, (obj, stamp), obj, attr))  # type: ignore[union-attr]

    def after(self, now: float, delay: float, handler: Handler, value: Any) -> None:
        """Call handler(now + delay, value) (the horizon is not checked: for arrivals drawn within it)."""
        Timeout(self.env, delay, (handler, value)).callbacks.append(self._call)

    def at_versioned(self, now: float, at: float, handler: Handler, obj: Versioned) -> None:
        """Call handler(at, obj) at `at` unless obj.ver has changed by then (then nothing happens)."""
        if at < self.next_month:
            Timeout(self.env, at - now, (handler, obj, obj.ver)).callbacks.append(self._call_versioned)
        elif at < self.months:
            # as in `at`: this bucket is still open
            self._versioned[int(at)].append((at, handler, obj, obj.ver))  # type: ignore[union-attr]

    def every_month(self, handler: Handler) -> None:
        """Call handler(m, m) at the start of every month m, before anything else at that time.

        The month's bucketed events are handed to SimPy first, so the handler's own scheduling
        and the bucket's keep their time order."""
        env = self.env

        def month_start(event: Event) -> None:
            m = event._value
            self._open(m)
            handler(float(m), m)

        for m in range(self.months):
            event = Event(env)
            event._ok = True
            event._value = m
            event.callbacks.append(month_start)
            env.schedule(event, URGENT, m)

    def _open(self, m: int) -> None:
        """Month m starts: its bucketed events go to SimPy (stale versioned ones are dropped)."""
        t = float(m)
        self.next_month = t + 1.0
        env = self.env
        # each month is opened exactly once, so its buckets are still lists here
        for at, handler, obj, ver in self._versioned[m]:  # type: ignore[union-attr]
            if obj.ver == ver:
                Timeout(env, at - t, (handler, obj, ver)).callbacks.append(self._call_versioned)
        for entry in self._timers[m]:  # type: ignore[union-attr]
            if len(entry) == 5:  # `at_stamped`: dropped when stale
                if getattr(entry[3], entry[4]) != entry[2][1]:
                    continue
            Timeout(env, entry[0] - t, (entry[1], entry[2])).callbacks.append(self._call)
        self._versioned[m] = self._timers[m] = None

    def run(self) -> None:
        """Process every event before the horizon."""
        self.env.run(until=self.months)

    def clear(self) -> None:
        """Drop every pending event (they refer back to the engine's handlers: a reference cycle)."""
        self.env._queue.clear()
        self._versioned, self._timers = [], []
