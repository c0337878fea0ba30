"""SlotPool: the caseworker slots of one track, with a priority waiting list.

SimPy's `Resource` has an integer capacity that cannot change during a run (MODEL.md 8), while a
track's capacity is ``floor(fte x caseload_per_fte)`` and follows the plan's staff changes and
measures. So the pool is plain bookkeeping driven by the engine's SimPy events: a dict of
holders (insertion-ordered, so iteration is deterministic) and a heap of waiting clients with
lazy deletion (an entry is valid only while its client is waiting with that very key).

Priority (``policy.priority``), smallest key first:

* ``fifo``: earliest to join the track's waiting list first, key = join time;
* ``kansrijk_first``: rung >= ``ladder.kansrijk_from_rung`` first, then fifo,
  key = join time (+ 1e6 for the other rungs);
* ``longest_waiting``: longest time on the caseload (earliest spell start) first,
  key = spell start.

The join time is the moment the client joined this track (entry or transfer; for the initial
stock its entry before the start, so the longest-known clients come first). Ties are broken by
``seq``, a counter per join, so every ordering is deterministic. Keys are plain floats (heap
entries ``(key, seq, client)`` compare fast). The key is kept while the client stays on the
track: a client who loses its slot keeps its place in the order.

A client holds its slot until it leaves the track (exit or transfer); a freed slot goes to the
best waiting client at once. Priority orders the waiting list only: a newcomer never pushes a
holder out. When capacity drops below the number of holders, the lowest-priority holders (the
largest keys: the newest under fifo) lose their slot and rejoin the waiting list. A track
without a caseworker role has no slots (``active`` False): nobody there is ever in view.
"""

from __future__ import annotations

from heapq import heapify, heappop, heappush

from sporen.sim.clients import HOLDING, NO_SLOT, WAITING, Client

FIFO, KANSRIJK_FIRST, LONGEST_WAITING = "fifo", "kansrijk_first", "longest_waiting"
NOT_KANSRIJK = 1e6
"""Added to the key of clients below the kansrijk rung (months; far beyond any join time)."""


def rank(client: Client) -> tuple[float, int]:
    return (client.pkey, client.pseq)


class SlotPool:
    """Caseworker slots of one track: ``capacity`` slots, holders and a priority waiting list."""

    __slots__ = ("name", "capacity", "active", "rule", "kansrijk_from", "holders", "waiting", "n_waiting",
                 "_seq")

    def __init__(self, name: str, capacity: int, active: bool = True, rule: str = FIFO,
                 kansrijk_from: int = 4):
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
        self._seq = 0

    # -- keys ---------------------------------------------------------------------------
    def set_key(self, client: Client, t_join: float) -> None:
        """Give the client its priority key on joining this track at `t_join`."""
        self._seq += 1
        client.pseq = self._seq
        if self.rule == FIFO:
            client.pkey = t_join
        elif self.rule == KANSRIJK_FIRST:
            client.pkey = t_join if client.rung >= self.kansrijk_from else t_join + NOT_KANSRIJK
        else:
            client.pkey = client.spell_start

    # -- membership -----------------------------------------------------------------------
    def _wait(self, client: Client) -> None:
        client.pstat = WAITING
        heappush(self.waiting, (client.pkey, client.pseq, client))
        self.n_waiting += 1

    def join(self, client: Client, t_join: float) -> bool:
        """Client joins the track; True when it gets a slot at once."""
        self.set_key(client, t_join)
        if not self.active:
            client.pstat = NO_SLOT
            return False
        if len(self.holders) < self.capacity:
            self.holders[client] = None
            client.pstat = HOLDING
            return True
        self._wait(client)
        return False

    def join_many(self, clients: list[Client], t_join: list[float]) -> list[Client]:
        """Several clients join at once (the initial stock): slots go by priority, not by order.

        Returns the clients who got a slot."""
        for client, t in zip(clients, t_join, strict=True):
            self.set_key(client, t)
        gained = []
        for client in sorted(clients, key=rank):
            if self.active and len(self.holders) < self.capacity:
                self.holders[client] = None
                client.pstat = HOLDING
                gained.append(client)
            elif self.active:
                self._wait(client)
            else:
                client.pstat = NO_SLOT
        return gained

    def leave(self, client: Client) -> Client | None:
        """Client leaves the track; returns the waiting client who gets the freed slot, if any."""
        state = client.pstat
        client.pstat = NO_SLOT
        if state == HOLDING:
            del self.holders[client]
            if self.n_waiting and len(self.holders) < self.capacity:
                nxt = self._pop_waiting()
                if nxt is not None:
                    self.holders[nxt] = None
                    nxt.pstat = HOLDING
                    return nxt
        elif state == WAITING:
            self.n_waiting -= 1
            if len(self.waiting) > 1000 and len(self.waiting) > 3 * self.n_waiting:
                self.compact()
        return None

    def _pop_waiting(self) -> Client | None:
        waiting = self.waiting
        while waiting:
            _, seq, client = heappop(waiting)
            if client.pstat == WAITING and client.pseq == seq:
                self.n_waiting -= 1
                return client
        return None

    def compact(self) -> None:
        """Drop stale entries (clients who left while waiting)."""
        self.waiting = [e for e in self.waiting if e[2].pstat == WAITING and e[2].pseq == e[1]]
        heapify(self.waiting)
        self.n_waiting = len(self.waiting)

    def set_capacity(self, capacity: int) -> tuple[list[Client], list[Client]]:
        """New capacity; returns (clients who gained a slot, clients who lost theirs)."""
        if not self.active:
            return [], []
        self.capacity = capacity = max(0, int(capacity))
        gained: list[Client] = []
        lost: list[Client] = []
        holders = self.holders
        if len(holders) > capacity:
            ranked = sorted(holders, key=rank)
            for client in ranked[capacity:][::-1]:  # lowest priority first
                del holders[client]
                self._wait(client)
                lost.append(client)
        else:
            while len(holders) < capacity and self.n_waiting:
                nxt = self._pop_waiting()
                if nxt is None:
                    break
                holders[nxt] = None
                nxt.pstat = HOLDING
                gained.append(nxt)
        return gained, lost

    def ranked_holders(self) -> list[Client]:
        """Holders in priority order (best first)."""
        return sorted(self.holders, key=rank)
