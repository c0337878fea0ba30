"""The verdict's guarantee in one place: an exact group-sequential Bernoulli test with an indifference zone.

A plan's futures either meet the target or not (Bernoulli with unknown probability q). The test
looks at the successes S_n after n_1 < n_2 < ... < n_K futures (a fixed schedule); at look k it
says *meets* when S >= upper[k], *does not meet* when S <= lower[k], and looks again otherwise; at
the last look a count between the boundaries is *on the edge*.

The boundaries are designed by dynamic programming over the binomial (the exact distribution of
S_n among the tests still running), with error spending: under q = p the chance of *meets* by look
k is at most alpha * t_k^rho (t_k = n_k / n_K, alpha = 1 - confidence), and so is the chance of
*does not meet*. Both chances are monotone in q (a path with more successes crosses the upper
boundary earlier and the lower one later), so for every true q:

* q <= p: P(meets) <= alpha;   q >= p: P(does not meet) <= alpha   (exact, not asymptotic);
* q >= p + D_eff: P(meets) >= POWER (the last look n_K is the smallest on the schedule that gives it).

The zone actually used, D_eff, is min(D, (1 - p) / 2) (p + D must stay below 1; near 1 the zone
narrows to half the distance to 1), widened only when a cap on the futures (`--max-futures`) makes
POWER at p + D_eff unreachable: then D_eff is the smallest zone whose power the cap does give
("small samples widen the zone"). The bounds reported with a verdict are the two-sided
Clopper-Pearson interval at the stop at the stated confidence (not adjusted for the looks).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sporen.optimise.stats import DOES_NOT_MEET, MEETS, ON_THE_EDGE

POWER = 0.95
"""Chance that a plan whose true probability is p + D_eff is declared *meets*."""
SPENDING_RHO = 1.0
"""Error spent by look k: alpha * (n_k / n_K) ** rho (1: close to Pocock's, stops early when the
plan is far from p; larger values keep the last look smaller)."""
MAX_LAST_LOOK = 20_000
"""No design looks beyond this many futures (p = 0.5 with a zone of 0.01 needs about 27,000: the
zone is then widened)."""


@dataclass(frozen=True)
class SequentialDesign:
    """The looks and boundaries of one test: meets at S >= upper[k], does not meet at S <= lower[k]."""

    p: float
    zone: float                 # the zone asked for
    zone_eff: float             # the zone the test has POWER at (see the module docstring)
    alpha: float
    looks: tuple[int, ...]
    upper: tuple[int, ...]      # n + 1 means 'meets' is not reachable at that look
    lower: tuple[int, ...]      # -1 means 'does not meet' is not reachable at that look

    @property
    def last(self) -> int:
        return self.looks[-1]

    def decide(self, look: int, successes: int) -> str | None:
        """The verdict at look index `look` with `successes` of its futures meeting the target (None: go on)."""
        if successes >= self.upper[look]:
            return MEETS
        if successes <= self.lower[look]:
            return DOES_NOT_MEET
        if look == len(self.looks) - 1:
            return ON_THE_EDGE
        return None

    def run(self, met: np.ndarray) -> tuple[str, int, int]:
        """The test on a sequence of per-future outcomes (at least `last` long): verdict, futures, successes."""
        counts = np.cumsum(np.asarray(met, dtype=np.int64))
        for k, n in enumerate(self.looks):
            s = int(counts[n - 1])
            found = self.decide(k, s)
            if found is not None:
                return found, n, s
        raise AssertionError("the last look always decides")


@dataclass(frozen=True)
class OperatingCharacteristics:
    """Exact chances of each verdict and the expected futures of a design at a true probability q."""

    q: float
    meets: float
    does_not_meet: float
    on_the_edge: float
    expected_futures: float


def _step(mass: np.ndarray, pmf: np.ndarray) -> np.ndarray:
    """Distribution of successes after a group of futures: the running mass convolved with Bin(g, q)."""
    return np.convolve(mass, pmf)


def _pmf(g: int, q: float) -> np.ndarray:
    return stats.binom.pmf(np.arange(g + 1), g, q)


def _schedule(first: int, step: int, last: int) -> tuple[int, ...]:
    looks = list(range(first, last, step)) + [last]
    return tuple(dict.fromkeys(n for n in looks if n <= last))


def _boundaries(p: float, alpha: float, looks: tuple[int, ...], rho: float) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Upper and lower boundaries spending alpha * t^rho under q = p on each side (exact DP)."""
    mass = np.array([1.0])
    previous = 0
    spent_up = spent_low = 0.0
    upper: list[int] = []
    lower: list[int] = []
    for n in looks:
        mass = _step(mass, _pmf(n - previous, p))
        previous = n
        allowed = alpha * (n / looks[-1]) ** rho
        tail = np.cumsum(mass[::-1])[::-1]              # tail[s] = P(S >= s, still running)
        ok = np.nonzero(spent_up + tail <= allowed + 1e-15)[0]
        a = int(ok[0]) if len(ok) else n + 1
        a = max(a, 1)
        head = np.cumsum(mass)                           # head[s] = P(S <= s, still running)
        ok = np.nonzero(spent_low + head <= allowed + 1e-15)[0]
        b = int(ok[-1]) if len(ok) else -1
        b = min(b, a - 1)
        spent_up += float(tail[a]) if a <= n else 0.0
        spent_low += float(head[b]) if b >= 0 else 0.0
        upper.append(a)
        lower.append(b)
        mass = mass.copy()
        if a <= n:
            mass[a:] = 0.0
        if b >= 0:
            mass[: b + 1] = 0.0
    return tuple(upper), tuple(lower)


def characteristics(design: SequentialDesign, q: float) -> OperatingCharacteristics:
    """The exact chance of each verdict and the expected futures when the true probability is q."""
    mass = np.array([1.0])
    previous = 0
    meets = dnm = expected = 0.0
    for k, n in enumerate(design.looks):
        mass = _step(mass, _pmf(n - previous, q))
        previous = n
        a, b = design.upper[k], design.lower[k]
        up = float(mass[a:].sum()) if a <= n else 0.0
        low = float(mass[: b + 1].sum()) if b >= 0 else 0.0
        meets += up
        dnm += low
        expected += n * (up + low)
        mass = mass.copy()
        if a <= n:
            mass[a:] = 0.0
        if b >= 0:
            mass[: b + 1] = 0.0
    edge = float(mass.sum())
    expected += design.last * edge
    return OperatingCharacteristics(q, meets, dnm, edge, expected)


def effective_zone(p: float, zone: float) -> float:
    """The zone asked for, narrowed near 1 so that p + zone stays below 1: min(D, (1 - p) / 2)."""
    return min(zone, (1.0 - p) / 2.0)


def _power(p: float, zone: float, alpha: float, looks: tuple[int, ...], rho: float) -> float:
    upper, lower = _boundaries(p, alpha, looks, rho)
    design = SequentialDesign(p, zone, zone, alpha, looks, upper, lower)
    return characteristics(design, p + zone).meets


@functools.lru_cache(maxsize=64)
def design_test(p: float, zone: float, confidence: float, first: int, step: int | None = None,
                cap: int | None = None, rho: float = SPENDING_RHO) -> SequentialDesign:
    """The shortest design on the schedule first, first + step, ... with POWER at p + D_eff (see the
    module docstring); with `cap`, the last look is at most `cap` and the zone widens when needed."""
    if not 0 < p < 1 or not 0 < confidence < 1 or zone <= 0:
        raise ValueError("p and confidence must lie in (0, 1) and the zone be positive")
    alpha = 1.0 - confidence
    step = step or first
    limit = min(cap, MAX_LAST_LOOK) if cap is not None else MAX_LAST_LOOK
    limit = max(limit, first)
    zone_eff = effective_zone(p, zone)

    def looks_to(last: int) -> tuple[int, ...]:
        return _schedule(first, step, last)

    def enough(last: int, d: float) -> bool:
        return _power(p, d, alpha, looks_to(last), rho) >= POWER

    if not enough(limit, zone_eff):
        # the cap cannot give the zone asked for: the smallest zone it can (bisection on the zone)
        low, high = zone_eff, (1.0 - p) * 0.999
        for _ in range(30):
            mid = (low + high) / 2
            low, high = (low, mid) if enough(limit, mid) else (mid, high)
        zone_eff = high
        last = limit
    else:
        # the smallest last look on the schedule with the power (bisection over multiples of step)
        lo, hi = 0, max(0, math.ceil((limit - first) / step))
        while lo < hi:
            mid = (lo + hi) // 2
            if enough(min(first + mid * step, limit), zone_eff):
                hi = mid
            else:
                lo = mid + 1
        last = min(first + lo * step, limit)
    looks = looks_to(last)
    upper, lower = _boundaries(p, alpha, looks, rho)
    return SequentialDesign(p, zone, zone_eff, alpha, looks, upper, lower)


def clopper_pearson(successes: int, n: int, confidence: float) -> tuple[float, float]:
    """Two-sided Clopper-Pearson interval of a proportion at `confidence` (exact for a fixed n)."""
    if n <= 0:
        return 0.0, 1.0
    tail = (1.0 - confidence) / 2.0
    low = 0.0 if successes == 0 else float(stats.beta.ppf(tail, successes, n - successes + 1))
    high = 1.0 if successes == n else float(stats.beta.ppf(1.0 - tail, successes + 1, n - successes))
    return low, high


BOUNDS_LABEL = "two-sided Clopper-Pearson at the stop"
"""What the printed bounds are (the report and the files say so)."""

__all__ = ["BOUNDS_LABEL", "OperatingCharacteristics", "POWER", "SequentialDesign", "characteristics",
           "clopper_pearson", "design_test", "effective_zone"]
