"""SlotPool: the caseworker slots of one caseworker role, with a priority waiting list.

SimPy's `Resource` has an integer capacity that cannot change during a run (MODEL.md 8), while a
role's capacity is ``fte x caseload per fte`` and follows the plan's staff changes and measures.
So the pool is plain bookkeeping driven by the engine's SimPy events: a dict of holders
(insertion-ordered, so iteration is deterministic) and a heap of waiting clients with lazy
deletion (an entry is valid only while its client is waiting with that very key).

One pool per caseworker role (MODEL.md 2): a role that serves several tracks is one pool, so the
priority rule decides between its tracks too. The capacity is counted in *slots* of the role's
unit caseload: ``floor(fte x unit + 1e-9)`` slots, where the unit is the role's own
``caseload_per_fte`` when it has one (every track it serves then counts each client as one slot),
else the caseload of the first track it serves; a client of a track with another
``caseload_per_fte`` weighs ``unit / that caseload`` slots (a caseworker carries 80 werkspoor or
115 participatiespoor clients). A client gets a slot only when its weight fits in what is free.

Priority (``policy.priority``), smallest key first:

* ``fifo``: earliest to join the role's waiting list first, key = join time;
* ``kansrijk_first``: rung >= ``ladder.kansrijk_from_rung`` first, then fifo,
  key = join time (+ 1e6 for the other rungs), whatever track the client is on;
* ``longest_waiting``: longest time on the caseload (earliest spell start) first,
  key = spell start.

The join time is the moment the client joined its track (entry or transfer; for the initial
stock its entry before the start, so the longest-known clients come first). Ties are broken by
``seq``, a ticket per join, so every ordering is deterministic. The tickets are shared by all
pools of a run (`tickets`): a waiting-list entry is valid only while its client waits with that
very ticket, and a client who left one pool's list and waits in another's must never match its
old entry there (with a counter per pool it could, and the old pool then gave it a slot it
would later leave from the other pool). The key is kept while the
client stays on the track: a client who loses its slot keeps its place in the order.

A freed slot goes to the best waiting clients at once, as long as the best one fits (strict
priority: a lighter client further down never jumps the queue). Priority orders the waiting list
only: a newcomer never pushes a holder out. When capacity drops below what the holders use, the
lowest-priority holders (the largest keys: the newest under fifo) lose their slot and rejoin the
waiting list. A slot *review* (``policy.slot_review_months``, `review`) returns the slot of a
holder who made no progress, when others wait: the holder rejoins the waiting list at the back
of its priority class (key = the review time; + 1e6 under kansrijk_first below the kansrijk rung)
and the best waiting clients get the slot. A role without fte has no slots; a track without a
caseworker role has no pool at all (``active`` False): nobody there is ever in view.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from heapq import heapify, heappop, heappush
from itertools import count

from sporen.sim.clients import HOLDING, NO_SLOT, WAITING, Client

FIFO, KANSRIJK_FIRST, LONGEST_WAITING = "fifo", "kansrijk_first", "longest_waiting"
NOT_KANSRIJK = 1e6
"""Added to the key of clients below the kansrijk rung (months; far beyond any join time)."""
EPS = 1e-9


def rank(client: Client) -> tuple[float, int]:
    return (client.pkey, client.pseq)


class SlotPool:
    """Caseworker slots of one role: ``capacity`` slots, holders and a priority waiting list."""

    __slots__ = ("name", "capacity", "active", "rule", "kansrijk_from", "holders", "waiting", "n_waiting",
                 "tickets", "weights", "count", "_uniform")

    def __init__(self, name: str, capacity: int, active: bool = True, rule: str = FIFO,
                 kansrijk_from: int = 4, weights: Mapping[int, float] | None = None,
                 tickets: Iterator[int] | None = None):
        if rule not in (FIFO, KANSRIJK_FIRST, LONGEST_WAITING):
            raise ValueError(f"unknown priority rule '{rule}'")
        self.name = name
        self.capacity = max(0, int(capacity)) if active else 0
        self.active = active
        self.rule = rule
        self.kansrijk_from = kansrijk_from
        self.holders: dict[Client, None] = {}
        self.waiting: list[tuple[float, int, Client]] = []
        self.n_waiting = 0  # valid entries in `waiting`
        self.tickets = tickets if tickets is not None else count(1)
        """Join numbers, shared by the run's pools (see the module's docstring)."""
        self.weights = dict(weights or {})
        """Slots a client of a track (by index) uses; a track not named weighs 1."""
        self.count: dict[int, int] = {}
        """Holders per track."""
        self._uniform = all(w == 1.0 for w in self.weights.values())

    # -- keys ---------------------------------------------------------------------------
    def set_key(self, client: Client, t_join: float) -> None:
        """Give the client its priority key on joining this track at `t_join`."""
        client.pseq = next(self.tickets)
        if self.rule == FIFO:
            client.pkey = t_join
        elif self.rule == KANSRIJK_FIRST:
            client.pkey = t_join if client.rung >= self.kansrijk_from else t_join + NOT_KANSRIJK
        else:
            client.pkey = client.spell_start

    # -- capacity -------------------------------------------------------------------------
    @property
    def used(self) -> float:
        """Slots the holders use."""
        if self._uniform:
            return float(len(self.holders))
        return sum(n * self.weights.get(track, 1.0) for track, n in self.count.items())

    def fits(self, client: Client) -> bool:
        """Whether the client's weight fits in the free capacity."""
        if self._uniform:
            return len(self.holders) < self.capacity
        return self.used + self.weights.get(client.track, 1.0) <= self.capacity + EPS

    def _hold(self, client: Client) -> None:
        self.holders[client] = None
        client.pstat = HOLDING
        self.count[client.track] = self.count.get(client.track, 0) + 1

    def _drop(self, client: Client) -> None:
        del self.holders[client]
        self.count[client.track] -= 1

    # -- membership -----------------------------------------------------------------------
    def _wait(self, client: Client) -> None:
        client.pstat = WAITING
        heappush(self.waiting, (client.pkey, client.pseq, client))
        self.n_waiting += 1

    def join(self, client: Client, t_join: float) -> bool:
        """Client joins its track (of this role); True when it gets a slot at once."""
        self.set_key(client, t_join)
        if not self.active:
            client.pstat = NO_SLOT
            return False
        if not self.n_waiting and self.fits(client):
            self._hold(client)
            return True
        self._wait(client)
        self.fill()
        return client.pstat == HOLDING

    def join_many(self, clients: list[Client], t_join: list[float]) -> list[Client]:
        """Several clients join at once (the initial stock): slots go by priority, not by order.

        Returns the clients who got a slot."""
        for client, t in zip(clients, t_join, strict=True):
            self.set_key(client, t)
        gained = []
        blocked = False
        for client in sorted(clients, key=rank):
            if self.active and not blocked and self.fits(client):
                self._hold(client)
                gained.append(client)
            elif self.active:
                blocked = True
                self._wait(client)
            else:
                client.pstat = NO_SLOT
        return gained

    def leave(self, client: Client) -> Client | None:
        """`leave_all` for a pool whose clients all weigh one slot (at most one gains)."""
        gained = self.leave_all(client)
        return gained[0] if gained else None

    def leave_all(self, client: Client) -> list[Client]:
        """Client leaves its track; returns the waiting clients who get the freed slot."""
        state = client.pstat
        client.pstat = NO_SLOT
        if state == HOLDING:
            self._drop(client)
            return self.fill()
        if state == WAITING:
            self.n_waiting -= 1
            if len(self.waiting) > 1000 and len(self.waiting) > 3 * self.n_waiting:
                self.compact()
        return []

    def _head(self) -> Client | None:
        """The best waiting client (stale entries dropped), left on the heap."""
        waiting = self.waiting
        while waiting:
            _, seq, client = waiting[0]
            if client.pstat == WAITING and client.pseq == seq:
                return client
            heappop(waiting)
        return None

    def fill(self) -> list[Client]:
        """Give free slots to the best waiting clients while the best one fits; returns them."""
        gained: list[Client] = []
        while self.n_waiting:
            head = self._head()
            if head is None or not self.fits(head):
                break
            heappop(self.waiting)
            self.n_waiting -= 1
            self._hold(head)
            gained.append(head)
        return gained

    def compact(self) -> None:
        """Drop stale entries (clients who left while waiting)."""
        self.waiting = [e for e in self.waiting if e[2].pstat == WAITING and e[2].pseq == e[1]]
        heapify(self.waiting)
        self.n_waiting = len(self.waiting)

    def set_capacity(self, capacity: int) -> tuple[list[Client], list[Client]]:
        """New capacity; returns (clients who gained a slot, clients who lost theirs)."""
        if not self.active:
            return [], []
        self.capacity = max(0, int(capacity))
        lost: list[Client] = []
        if self.used > self.capacity + EPS:
            ranked = sorted(self.holders, key=rank)
            while ranked and self.used > self.capacity + EPS:
                client = ranked.pop()  # lowest priority first
                self._drop(client)
                self._wait(client)
                lost.append(client)
            return [], lost
        return self.fill(), lost

    def review(self, client: Client, t: float) -> list[Client]:
        """A slot review of a holder without progress: when others wait, it returns its slot and
        rejoins the waiting list at the back of its priority class; returns who got the slot
        (empty: nobody waits, or the freed slot does not fit the best waiting client, and the
        holder keeps it)."""
        if client.pstat != HOLDING or not self.n_waiting:
            return []
        head = self._head()
        if head is None:
            return []
        key = t + (NOT_KANSRIJK if self.rule == KANSRIJK_FIRST and client.rung < self.kansrijk_from else 0.0)
        if key < head.pkey:  # (a new ticket is larger than the head's, so only the key decides)
            return []  # it would be first in line again (kansrijk_first): it keeps its slot
        self._drop(client)
        if not self.fits(head):
            self._hold(client)
            return []
        client.pseq = next(self.tickets)
        client.pkey = key
        self._wait(client)
        return self.fill()

    def ranked_holders(self) -> list[Client]:
        """Holders in priority order (best first)."""
        return sorted(self.holders, key=rank)
