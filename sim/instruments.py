"""Instruments: when places open, who fills them, and what a wage-cost subsidy costs.

Places. An instrument has ``instrument_places(plan, scenario, name, year)`` starts per calendar
year. They are released evenly: by the start of calendar month k (0 = January) of a year,
floor(places x (k + 1) / 12) places of that year are open; a horizon starting mid-year opens
only that year's remaining share (months before the start are gone). Unfilled places carry over
to the next month of the same year and lapse at the year's end.

Filling (at each month start, after that month's staff and measure changes): candidates are the
clients in view on the instrument's track (they hold a caseworker slot), whose rung is in
``eligible_ladder`` (empty = every rung), who are not in a trajectory now and have not started
this instrument during their current caseload spell; they are taken in the track's priority
order (`sim.slots`). Instruments are filled in scenario order.

Trajectory (kind ``trajectory``): a start costs ``cost_per_participant`` in its month
(``instrument_cost`` when paid from the participatiebudget; paid from BUIG it is booked in
``subsidy_cost``); for ``duration_months`` the work and partial-work hazards are x
``work_multiplier_while_in``; at the end the client exits to work with probability
``work_probability_at_end``, else continues on the caseload. A client who leaves its track
(exit or transfer) before the end leaves the trajectory too, without an end outcome.

Net effects (MODEL.md 3.5). An instrument's ``work_multiplier_while_in`` and
``work_probability_at_end`` as entered may be gross (what participants did, e.g. a seed's outflow
after the trajectory); ``deadweight`` d is the share of that effect participants would have
reached without it. The simulation applies the net effect (`net_instruments`): the extra work
hazard while in it and the exit chance at its end are thinned by (1 - d),

    multiplier 1 + (1 - d) x (work_multiplier_while_in - 1),  end chance (1 - d) x work_probability_at_end,

while the participants' own hazards (what they would have done anyway) run on as for anyone.
So the extra work exits per extra start scale by about (1 - d): a little more, because those who
survive a weaker hazard while in it still get the end chance (tests/test_net_instruments.py: 0.55
of the gross at d = 0.5, 0.23 at d = 0.8, as the analytic formula has it).

Wage-cost subsidy (kind ``wage_cost_subsidy``): a start is an exit to work at once
(``outflow_work``); BUIG pays the subsidy monthly for ``duration_months``: ``flat_share`` x
``minimum_wage_month`` for the first ``flat_months``, then ``minimum_wage_month`` x
min(1 - ``wage_value``, ``max_share``); it is booked, prorated by time like benefits, in the
``subsidy_cost`` of the client's (municipality, track, segment) row at the start. When the
client comes back (a return, `sim.engine`) the job has ended and the subsidy stops then.
"""

from __future__ import annotations

from sporen.inputs.plan import Plan, instrument_places
from sporen.inputs.schema import Instrument, Scenario, WageCostSubsidy, parse_year_month


def release_schedule(scenario: Scenario, plan: Plan, name: str) -> list[tuple[int, bool]]:
    """Per month m: (places newly opened at the month's start, True if a new calendar year starts)."""
    year0, month0 = parse_year_month(scenario.start)
    out = []
    first_k: dict[int, int] = {}
    for m in range(scenario.months):
        total = (month0 - 1) + m
        year, k = year0 + total // 12, total % 12
        places = instrument_places(plan, scenario, name, year)
        new_year = year not in first_k
        if new_year:
            first_k[year] = k
            before = places * k // 12  # released before the horizon: gone
            opened = places * (k + 1) // 12 - before
        else:
            opened = places * (k + 1) // 12 - places * k // 12
        out.append((opened, new_year))
    return out


def subsidy_pieces(wcs: WageCostSubsidy, duration: float) -> list[tuple[float, float, float]]:
    """[(from, to, EUR per month)] of one subsidy, in months from its start."""
    flat = min(float(wcs.flat_months), duration)
    later = wcs.minimum_wage_month * min(1.0 - wcs.wage_value, wcs.max_share)
    pieces = []
    if flat > 0:
        pieces.append((0.0, flat, wcs.flat_share * wcs.minimum_wage_month))
    if duration > flat:
        pieces.append((flat, duration, later))
    return pieces


def net_instrument(instrument: Instrument) -> Instrument:
    """The instrument with its net effect: the effect above the participants' own hazards x (1 - deadweight)."""
    if instrument.deadweight <= 0:
        return instrument
    keep = 1.0 - instrument.deadweight
    return instrument.model_copy(update={
        "work_multiplier_while_in": 1.0 + keep * (instrument.work_multiplier_while_in - 1.0),
        "work_probability_at_end": keep * instrument.work_probability_at_end,
        "deadweight": 0.0,
    })


def net_instruments(scenario: Scenario) -> Scenario:
    """The scenario as simulated: every instrument with its net effect (the same object when no
    instrument has a deadweight). Applying it twice changes nothing (the copy's deadweights are 0)."""
    if not any(i.deadweight > 0 for i in scenario.instruments):
        return scenario
    return scenario.model_copy(update={"instruments": [net_instrument(i) for i in scenario.instruments]})


EFFECT_FIELDS = ("work_multiplier_while_in", "work_probability_at_end", "deadweight")


def without_instrument_effects(scenario: Scenario) -> Scenario:
    """The scenario with every trajectory's work effect off (multiplier 1, no end chance) and no
    uncertainty drawn for those effects: the counterfactual of what the instruments' net effect
    adds (`outputs.gain_decomposition`). Places, costs and every other draw stay as they are."""
    instruments = [i.model_copy(update={"work_multiplier_while_in": 1.0, "work_probability_at_end": 0.0,
                                        "deadweight": 0.0}) if i.kind == "trajectory" else i
                   for i in scenario.instruments]
    kept = [u for u in scenario.uncertainty
            if not (u.parameter.startswith("instruments.") and u.parameter.rsplit(".", 1)[-1] in EFFECT_FIELDS)]
    return scenario.model_copy(update={"instruments": instruments, "uncertainty": kept})


def has_instrument_effects(scenario: Scenario) -> bool:
    """True when some trajectory changes work exits (a multiplier above 1 or an end chance)."""
    return any(i.kind == "trajectory" and (i.work_multiplier_while_in != 1.0 or i.work_probability_at_end > 0)
               for i in scenario.instruments)
