"""Applications: a Poisson process per (municipality, segment), generated up front.

The rate at time t (months from the start) is

    applications_per_month x (1 + application_trend_per_year)^(t / 12)
    x seasonality[calendar month of t] x economy.application_multiplier

or, for a month that ``Scenario.application_series`` gives for that municipality and segment,
that month's mean x economy.application_multiplier (the series replaces level, trend and
seasonality, not the economy lever). The rate is constant within a calendar month except for
the trend, which is continuous.

Returns of earlier job-leavers (MODEL.md 3.6): people who left for work in the
``returns.within_months`` (W) months before the start come back like the run's own work exits,
with probability ``returns.share_back`` after a delay ~ Uniform(0, W). With
``municipality.work_exits_before_start`` = E work exits a month before the start, their returns
arrive at time t as a Poisson process of rate E x share_back x (W - t) / W for 0 <= t < W: the
steady-state rate E x share_back at the start, falling linearly as the run's own returns rise.
E is split over the segments pro rata to the municipality's applications_per_month (a returner
re-applies like an applicant). They re-apply through the gate (a benefit pause does not let them
skip it: their delay is not drawn per person).

Each stream draws all its application times at once from its own named random stream
(`sim.random_streams`), by thinning a homogeneous Poisson process at the stream's maximum rate.
Application k of a stream is therefore the same person, at the same time, in every plan.
"""

from __future__ import annotations

import numpy as np

from sporen.inputs.schema import Scenario, month_label, parse_year_month
from sporen.sim.random_streams import stream


def monthly_shape(scenario: Scenario, muni: int, seg: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, g) per month m: the rate in month m at time t is a[m] x g[m]^(t/12).

    g is 1 + trend where the parametric rate applies and 1 where a series month applies."""
    months = scenario.months
    municipality = scenario.municipalities[muni]
    segment = scenario.segments[seg]
    level = municipality.applications_per_month.get(segment.name, 0.0)
    trend = 1.0 + segment.application_trend_per_year
    _, m0 = parse_year_month(scenario.start)
    season = segment.seasonality or [1.0] * 12
    econ = scenario.economy.application_multiplier
    a = np.array([level * season[(m0 - 1 + m) % 12] * econ for m in range(months)], dtype=float)
    g = np.full(months, trend, dtype=float)
    series = getattr(scenario, "application_series", None) or {}
    per_month = series.get(municipality.name, {}).get(segment.name, {})
    if per_month:
        for m in range(months):
            value = per_month.get(month_label(scenario.start, m))
            if value is not None:
                a[m] = value * econ
                g[m] = 1.0
    return a, g


def application_times(scenario: Scenario, seed: np.random.SeedSequence, muni: int, seg: int) -> np.ndarray:
    """Sorted application times of one (municipality, segment) stream over the horizon."""
    months = scenario.months
    a, g = monthly_shape(scenario, muni, seg)
    # the maximum over each month of a x g^(t/12) is at the month's start or end
    lo = a * g ** (np.arange(months) / 12.0)
    hi = a * g ** ((np.arange(months) + 1) / 12.0)
    lam_max = float(max(lo.max(initial=0.0), hi.max(initial=0.0)))
    if lam_max <= 0.0:
        return np.empty(0)
    rng = stream(seed, "arrivals", scenario.municipalities[muni].name, scenario.segments[seg].name)
    n = rng.poisson(lam_max * months)
    times = np.sort(rng.uniform(0.0, months, n))
    accept = rng.random(n)
    m = np.minimum(times.astype(np.int64), months - 1)
    lam = a[m] * g[m] ** (times / 12.0)
    return times[accept * lam_max < lam]


def earlier_return_rate(scenario: Scenario, muni: int, seg: int) -> float:
    """E x share_back for one (municipality, segment): the rate of earlier job-leavers' returns at t = 0."""
    municipality = scenario.municipalities[muni]
    apps = municipality.applications_per_month
    total = sum(apps.values())
    if municipality.work_exits_before_start <= 0 or total <= 0:
        return 0.0
    share = apps.get(scenario.segments[seg].name, 0.0) / total
    return municipality.work_exits_before_start * share * scenario.returns.share_back


def earlier_return_times(scenario: Scenario, seed: np.random.SeedSequence, muni: int, seg: int) -> np.ndarray:
    """Sorted times of the returns of earlier job-leavers of one (municipality, segment) stream.

    Rate r0 x (W - t) / W on [0, W): Poisson(r0 x W / 2) returns, each at t = W x (1 - sqrt(1 - u))
    (the inverse of the distribution function 1 - (1 - t / W)^2), kept within the horizon."""
    r0 = earlier_return_rate(scenario, muni, seg)
    if r0 <= 0.0:
        return np.empty(0)
    within = float(scenario.returns.within_months)
    rng = stream(seed, "earlier-returns", scenario.municipalities[muni].name, scenario.segments[seg].name)
    n = rng.poisson(r0 * within / 2.0)
    times = np.sort(within * (1.0 - np.sqrt(1.0 - rng.random(n))))
    return times[times < scenario.months]
