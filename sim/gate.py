"""The gate (poort): the intake queue and the decision on each application.

Intake is a single FIFO server whose deterministic service time is 1/capacity, where capacity
(intakes per month) = fte of ``gate.intake_role`` x ``intakes_per_fte_per_month`` and follows the
fte from month to month: an intake is one unit of work done at the current capacity's rate,
so a change of staff during an intake speeds it up or slows it down. Because the capacity path
is known before the run (`sim.timeline`), the cumulative capacity C(t) is a known piecewise-
linear function and the server is the Lindley recursion: an application arriving at a (in time
order) starts at s = max(a, end of the previous intake) and is decided at C^-1(C(s) + 1). This
is exact FIFO without a queue object. A month with zero capacity stops intake; applications
still waiting at the horizon are never decided. Without an intake role decisions are immediate.

Decision: by ``gate.decisions``. While measures run, their ``grant_multiplier`` (product) moves
share between granted and rejected: granted' = min(granted x multiplier, granted + rejected),
rejected' = rejected + granted - granted'; the other shares are unchanged. Only granted
applications become clients. The decision is drawn from the applicant's own uniforms (its
first application from a fixed position, later ones, after a return, in sequence).
"""

from __future__ import annotations

from bisect import bisect_left

from sporen.inputs.schema import DECISIONS, Decisions

INF = float("inf")


class IntakeServer:
    """FIFO intake with a piecewise-constant capacity per month (None = unlimited)."""

    __slots__ = ("limited", "cap", "cum", "months", "free_at")

    def __init__(self, capacity_per_month: list[float] | None):
        self.limited = capacity_per_month is not None
        self.cap: list[float] = capacity_per_month if capacity_per_month is not None else []  # [] unlimited
        self.free_at = 0.0
        self.cum: list[float] = []
        if capacity_per_month is not None:
            self.months = len(capacity_per_month)
            acc = 0.0
            self.cum = [0.0]
            for c in capacity_per_month:
                acc += max(0.0, c)
                self.cum.append(acc)

    @property
    def unlimited(self) -> bool:
        return not self.limited

    def _work_at(self, t: float) -> float:
        m = int(t)
        if m >= self.months:
            return self.cum[-1]
        return self.cum[m] + max(0.0, self.cap[m]) * (t - m)

    def _time_of(self, work: float) -> float:
        cum = self.cum
        if work > cum[-1]:
            return INF
        m = bisect_left(cum, work) - 1  # cum[m] < work <= cum[m + 1]
        if m < 0:
            return 0.0
        return m + (work - cum[m]) / self.cap[m]

    def decide_at(self, arrival: float) -> float:
        """Time at which an application arriving now (in time order) is decided."""
        if not self.limited:
            return arrival
        start = arrival if arrival > self.free_at else self.free_at
        if start == INF:
            return INF
        done = self._time_of(self._work_at(start) + 1.0)
        self.free_at = done
        return done


def decision_shares(decisions: Decisions, grant_multiplier: float) -> list[float]:
    """Shares in DECISIONS order after the measures' grant multiplier."""
    shares = [getattr(decisions, d) for d in DECISIONS]
    if grant_multiplier != 1.0:
        granted, rejected = shares[0], shares[1]
        new_granted = min(granted * grant_multiplier, granted + rejected)
        shares[0] = new_granted
        shares[1] = rejected + granted - new_granted
    return shares


def draw_decision(shares: list[float], u: float) -> int:
    """Index in DECISIONS of the decision for uniform u."""
    acc = 0.0
    total = sum(shares)
    x = u * total
    for i, s in enumerate(shares):
        acc += s
        if x < acc:
            return i
    return max(i for i, s in enumerate(shares) if s > 0) if total > 0 else 1
