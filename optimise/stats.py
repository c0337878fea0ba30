"""The statistics of the guarantee: confidence bounds, the sequential looks, verdicts and decisions.

Pure functions (no simulation). docs/optimisation.md states the guarantee they give.

* **Bounds.** A share of futures meeting the target gets Wilson score bounds; a mean (the
  ``--probability mean`` mode, paired comparisons, the net result) gets normal-theory bounds.
  Each bound is one-sided at the stated confidence (default 95%) *across all looks* of a
  sequential test: with K looks, every look uses level ``(1 - confidence) / K`` (Bonferroni), so
  the chance that a lower bound ever exceeds the truth is at most ``1 - confidence``.
* **Looks.** A plan is simulated on a growing number of futures: the first look, then doubling,
  up to the cap at which the interval's half-width at p has shrunk to the indifference zone
  (`Precision.looks`). A plan far from p is decided at the first looks; one near p gets futures
  until its interval lies within the zone.
* **Verdict** (`verdict`): *meets* when the lower bound reaches p, *does not meet* when the
  upper bound is below p, *on the edge* when the interval straddles p and lies within the zone
  (or the cap is reached): its probability is within about the zone of p.
* **Decision** (`decide`): the accept/reject rule the search uses: accept when the lower bound
  reaches the threshold (the plan meets), reject when the upper bound is below threshold + zone
  (it can at best be on the edge), else look again; at the cap, accept only when `cap_accepts`
  says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from sporen.optimise.options import DEFAULT_CONFIDENCE, DEFAULT_FIRST_LOOK, DEFAULT_ZONE  # noqa: F401  (declared there)

MEETS = "meets"
DOES_NOT_MEET = "does_not_meet"
ON_THE_EDGE = "on_the_edge"
VERDICTS = (MEETS, ON_THE_EDGE, DOES_NOT_MEET)
"""The three verdicts, best first (the value of `verdict` on every result and file)."""
VERDICT_WORDS = {MEETS: "meets the target", ON_THE_EDGE: "is on the edge of the target",
                 DOES_NOT_MEET: "does not meet the target"}

MAX_FUTURES = 2000
"""No plan is simulated on more futures than this in one test (p near 0.5 would need ~3,600)."""


def z_value(level: float) -> float:
    """The standard normal quantile with upper tail `level` (one-sided)."""
    return NormalDist().inv_cdf(1.0 - level)


def wilson(successes: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score bounds of a proportion, each one-sided with normal quantile z."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def mean_bounds(values: np.ndarray, z: float, floor_sd: float = 0.0) -> tuple[float, float, float]:
    """(mean, lower, upper) of a sample's mean with normal-theory bounds (sd at least `floor_sd`)."""
    n = len(values)
    if n == 0:
        return 0.0, -math.inf, math.inf
    mean = float(np.mean(values))
    sd = float(np.std(values, ddof=1)) if n > 1 else math.inf
    sd = max(sd, floor_sd)
    half = z * sd / math.sqrt(n)
    return mean, mean - half, mean + half


@dataclass(frozen=True)
class Precision:
    """How sure each decision must be: confidence, indifference zone and the sequential looks."""

    confidence: float = DEFAULT_CONFIDENCE
    zone: float = DEFAULT_ZONE
    first: int = DEFAULT_FIRST_LOOK
    cap: int | None = None            # most futures per test; default from the zone (`cap_for`)

    def cap_for(self, p: float) -> int:
        """Futures at which the interval's half-width at p is about the zone (at the looks' z)."""
        if self.cap is not None:
            return max(self.cap, self.first)
        spread = max(p * (1 - p), 0.0225)          # at least that of p = 0.975
        n = self.first
        for _ in range(8):                         # the z depends on the number of looks: iterate
            z = z_value((1 - self.confidence) / len(_schedule(self.first, n)))
            n = max(self.first, math.ceil(z * z * spread / (self.zone * self.zone)))
        return min(n, MAX_FUTURES)

    def looks(self, p: float) -> list[int]:
        """Futures at each look: first, doubling, then the cap."""
        return _schedule(self.first, self.cap_for(p))

    def z(self, p: float) -> float:
        """The normal quantile of every one-sided bound (Bonferroni over the looks)."""
        return z_value((1 - self.confidence) / len(self.looks(p)))


def _schedule(first: int, cap: int) -> list[int]:
    """first, 2 first, 4 first, ... and the cap (a doubling within 2/3 of the cap is left out)."""
    out = [first]
    while out[-1] * 2 < cap:
        out.append(out[-1] * 2)
    if len(out) > 1 and out[-1] * 3 > cap * 2:
        out.pop()
    if out[-1] < cap:
        out.append(cap)
    return out


@dataclass(frozen=True)
class Estimate:
    """A statistic of a plan on n futures with its bounds (on the scale of the threshold)."""

    value: float
    low: float
    high: float
    n: int
    successes: int | None = None      # futures meeting the target (probability mode)

    def as_dict(self) -> dict:
        return {"estimate": self.value, "low": self.low, "high": self.high, "n": self.n,
                "successes": self.successes}


def verdict(est: Estimate, threshold: float, zone: float, final: bool) -> str | None:
    """meets / does_not_meet / on_the_edge, or None when another look is needed."""
    if est.low >= threshold - 1e-12:
        return MEETS
    if est.high < threshold - 1e-12:
        return DOES_NOT_MEET
    if final or (est.low >= threshold - zone - 1e-12 and est.high <= threshold + zone + 1e-12):
        return ON_THE_EDGE
    return None


def decide(est: Estimate, threshold: float, zone: float, final: bool, cap_accepts: float | None = None) -> bool | None:
    """The search's test: True (accept), False (reject) or None (look again).

    Accept when the lower bound reaches the threshold; reject when the upper bound is below
    threshold + zone. At the last look, accept when the estimate reaches `cap_accepts` (None: never).
    """
    if est.low >= threshold - 1e-12:
        return True
    if est.high < threshold + zone - 1e-12:
        return False
    if final:
        return cap_accepts is not None and est.value >= cap_accepts - 1e-12
    return None


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(Bin(n, p) <= k), summed in log space (n up to a few thousand)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    if p <= 0:
        return 1.0
    if p >= 1:
        return 0.0
    logs = [math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * math.log(p)
            + (n - j) * math.log1p(-p) for j in range(k + 1)]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def screen_count(n: int, p: float, miss: float = 0.01) -> int:
    """Futures (of n) a plan must meet to pass the model's screen: a plan whose true probability
    is p passes with probability at least 1 - miss (the largest k with P(Bin(n, p) < k) <= miss)."""
    if n <= 0:
        return 0
    k = 0
    while k < n and binomial_cdf(k, n, p) <= miss:
        k += 1
    return k
