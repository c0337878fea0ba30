"""The checks of a validated scenario that span several fields (docs/DESIGN.md, the model in brief, §2).

pydantic checks each field and model on its own; what needs the whole scenario is checked here
and returned as (dotted path, what is wrong, what is allowed), so the loader reports every
problem at once: names that refer to items (declared on the fields, `inputs.references`),
mergers, budgets for every horizon year, cost shares, one value per duration band, a track for
every segment and rung, limits between fields, and the scenario's size as a whole.
"""

from __future__ import annotations

from collections.abc import Callable

from sporen.inputs.references import duplicate_names, reference_problems
from sporen.inputs.schema import (
    MAX_APPLICATIONS,
    MAX_CLIENTS,
    SUM_TOLERANCE,
    Merger,
    Municipality,
    Scenario,
    application_draws,
)

Found = list[tuple[str, str, str]]


def check_references(scenario: Scenario) -> Found:
    """Every problem between the scenario's parts (references, mergers, budgets, shares, bands,
    limits) and of its size, as (dotted path, what is wrong, what is allowed)."""
    problems = duplicate_names(scenario) + merger_problems(scenario) + reference_problems(scenario)
    for check in CHECKS:
        problems += check(scenario)
    return problems + check_volume(scenario)


def budget_years(scenario: Scenario) -> Found:
    """A BUIG budget for every horizon year a municipality keeps its own accounts."""
    problems: Found = []
    for m in scenario.municipalities:
        own_years = [y for y in scenario.horizon_years if scenario.exists(m.name, y)]
        missing = [y for y in own_years if y not in m.buig_budget]
        if missing:
            problems.append((f"municipalities.{m.name}.buig_budget", f"no budget for {missing}",
                             f"a budget for every horizon year {own_years[0]}-{own_years[-1]}"
                             + (" (before its merger)" if scenario.merger_of(m.name) else "")))
    return problems


def initial_instruments(scenario: Scenario) -> Found:
    """A wage-cost subsidy names the segment that pays it; trajectory participants at the start
    are at most the initial stock (they are on the caseload)."""
    problems: Found = []
    for m in scenario.municipalities:
        for k, held in enumerate(m.initial_instruments):
            instrument = next((i for i in scenario.instruments if i.name == held.instrument), None)
            if held.segment is None and instrument is not None and instrument.kind == "wage_cost_subsidy":
                problems.append((f"municipalities.{m.name}.initial_instruments.{k}.segment",
                                 "empty for a wage-cost subsidy", "the segment whose accounts pay the subsidy"))
        problems += _trajectories_within_stock(scenario, m)
    return problems


def _trajectories_within_stock(scenario: Scenario, m: Municipality) -> Found:
    segments = {s.name for s in scenario.segments}
    kinds = {i.name: i.kind for i in scenario.instruments}
    in_trajectory: dict[str, int] = {}
    for held in m.initial_instruments:
        if kinds.get(held.instrument) == "trajectory" and (held.segment is None or held.segment in segments):
            key = held.segment or "*"
            in_trajectory[key] = in_trajectory.get(key, 0) + held.clients
    total = sum(m.initial_stock.values())
    for s, n in in_trajectory.items():
        stock = total if s == "*" else m.initial_stock.get(s, 0)
        if sum(in_trajectory.values()) > total or n > stock:
            return [(f"municipalities.{m.name}.initial_instruments", f"{n} {'' if s == '*' else s + ' '}clients "
                     f"in trajectories at the start, {stock} in the initial stock",
                     "at most the initial stock (trajectory participants are on the caseload)")]
    return []


def cost_shares(scenario: Scenario) -> Found:
    """Cost shares for all municipalities or none, summing to 1."""
    shares = [m.cost_share for m in scenario.municipalities]
    given = [s for s in shares if s is not None]
    if given and len(given) < len(shares):
        return [("municipalities", "cost_share given for some municipalities only", "all or none")]
    if given and abs(sum(given) - 1.0) > SUM_TOLERANCE:
        return [("municipalities", f"cost_share sums to {sum(given):.6g}", "shares that sum to 1")]
    return []


def per_band(scenario: Scenario) -> Found:
    """One initial-duration share and one hazard per duration band."""
    n_bands = len(scenario.duration_bands)
    problems: Found = []
    for segment in scenario.segments:
        if segment.initial_duration is not None and len(segment.initial_duration) != n_bands:
            problems.append((f"segments.{segment.name}.initial_duration",
                             f"{len(segment.initial_duration)} shares given", f"one per duration band: {n_bands}"))
    for t in scenario.tracks:
        for cause, values in t.hazards.items():
            if len(values) != n_bands:
                problems.append((f"tracks.{t.name}.hazards.{cause}", f"{len(values)} values given",
                                 f"one per duration band: {n_bands} ({scenario.duration_bands})"))
    return problems


def transitions(scenario: Scenario) -> Found:
    """A track moves clients to another track, never to itself."""
    return [(f"tracks.{t.name}.transitions.{i}.to", "a track cannot move to itself", "another track")
            for t in scenario.tracks for i, tr in enumerate(t.transitions) if tr.to == t.name]


def every_entry_lands(scenario: Scenario) -> Found:
    """Every segment x rung at entry lands on some track."""
    problems: Found = []
    for segment in scenario.segments:
        for rung in segment.ladder_at_entry:
            if not any(rung in t.ladder and (t.segments is None or segment.name in t.segments)
                       for t in scenario.tracks):
                problems.append((f"segments.{segment.name}.ladder_at_entry.{rung}",
                                 f"no track takes segment '{segment.name}' at rung {rung}",
                                 "a track whose ladder and segments include it"))
    return problems


def limits(scenario: Scenario) -> Found:
    """Limits between fields: a saturating curve never lowers the work hazard, fte_now within
    max_fte, a wage-cost subsidy with its parameters, max places above places."""
    problems: Found = []
    for t in scenario.tracks:
        if t.intensity is not None and t.intensity.curve is None and t.served_work_multiplier < 1.0:
            problems.append((f"tracks.{t.name}.served_work_multiplier", f"{t.served_work_multiplier:g} with a "
                             "saturating intensity curve", ">= 1 (a caseworker does not lower the work hazard)"))
    for r in scenario.roles:
        if r.max_fte is not None and r.fte_now > r.max_fte + SUM_TOLERANCE:
            problems.append((f"roles.{r.name}.fte_now", f"{r.fte_now} is above max_fte {r.max_fte}",
                             "fte_now <= max_fte"))
    for instrument in scenario.instruments:
        base = f"instruments.{instrument.name}"
        if instrument.kind == "wage_cost_subsidy" and scenario.wage_cost_subsidy is None:
            problems.append((f"{base}.kind", "a wage-cost subsidy needs wage_cost_subsidy parameters",
                             "add a wage_cost_subsidy section"))
        if instrument.max_places_per_year is not None and instrument.max_places_per_year < instrument.places_per_year:
            problems.append((f"{base}.max_places_per_year", "below places_per_year", ">= places_per_year"))
    return problems


CHECKS: tuple[Callable[[Scenario], Found], ...] = (
    budget_years, initial_instruments, cost_shares, per_band, transitions, every_entry_lands, limits)
"""The rules between fields, in the order their problems are listed."""


def check_volume(scenario: Scenario) -> Found:
    """The scenario as a whole stays within what a run can hold: clients at the start and
    applications over the horizon (each number may be fine while their sum or product is not)."""
    problems: Found = []
    clients = sum(sum(m.initial_stock.values()) for m in scenario.municipalities)
    if clients > MAX_CLIENTS:
        problems.append(("municipalities", f"{clients:,} clients at the start in all",
                         f"at most {MAX_CLIENTS:,} (initial_stock summed over municipalities and segments)"))
    draws = application_draws(scenario)
    if draws > MAX_APPLICATIONS:
        problems.append(("municipalities", f"up to {draws:,.0f} applications over the horizon",
                         f"at most {MAX_APPLICATIONS:,}: applications_per_month x seasonality x "
                         "(1 + application_trend_per_year)^years x economy.application_multiplier x months"))
    return problems


def merger_problems(scenario: Scenario) -> Found:
    """A merger naming an unknown municipality, a municipality merged twice, a merger outside the
    horizon, a merged name a municipality has, or a budget missing for a year of the merged one
    (two mergers of one name: `duplicate_names`)."""
    problems: Found = []
    names = [m.name for m in scenario.municipalities]
    merged_into: dict[str, str] = {}
    for g in scenario.mergers:
        base = f"mergers.{g.name}"
        if g.name in names:
            problems.append((f"{base}.name", f"'{g.name}' is already a municipality", "a new name"))
        for k, m in enumerate(g.municipalities):
            if m not in names:
                problems.append((f"{base}.municipalities.{k}", f"unknown municipality '{m}'",
                                 "one of: " + ", ".join(names)))
            elif m in merged_into:
                problems.append((f"{base}.municipalities.{k}", f"'{m}' is merged twice (also into "
                                 f"{merged_into[m]})", "each municipality in at most one merger"))
            else:
                merged_into[m] = g.name
        problems += _merger_years(scenario, g)
    return problems


def _merger_years(scenario: Scenario, g: Merger) -> Found:
    """A merger inside the horizon, with a budget for every year from it; a cost share only when
    its municipalities have theirs."""
    base = f"mergers.{g.name}"
    years = scenario.horizon_years
    if not years[0] <= g.year <= years[-1]:
        return [(f"{base}.date", f"{g.date} is outside the horizon {years[0]}-01..{years[-1]}-12",
                 f"a January from {years[0]}-01 to {years[-1]}-01")]
    problems: Found = []
    missing = [y for y in years if y >= g.year and y not in g.buig_budget]
    if missing:
        problems.append((f"{base}.buig_budget", f"no budget for {missing}",
                         f"a budget for every horizon year from the merger, {g.year}-{years[-1]}"))
    names = [m.name for m in scenario.municipalities]
    shares = [scenario.municipality(m).cost_share for m in g.municipalities if m in names]
    if g.cost_share is not None and any(s is None for s in shares):
        problems.append((f"{base}.cost_share", "given while the municipalities have none", "empty"))
    return problems
