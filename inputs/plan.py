"""The Plan: what management decides (docs/DESIGN.md, the model in brief, §1).

A plan sets the fte per staff role from an arrival month (and, for a plan that tapers, later
changes: ``later: {YYYY-MM: fte}``), the instrument places per year (each year its own level) and
which on/off measures run. The baseline is "current formation, current instruments": every role
at fte_now, every instrument at places_per_year, measures as `on_in_baseline`. Planned fte
differ from fte_now in steps of 0.5 fte (Nijkerk's 1.67 fte now + 1 extra = 2.67 is allowed), or
are a round number of 0.5-fte steps (2 for that 1.67: planners think in round fte).
`sporen optimise` writes a plan.yaml; `sporen simulate --plan` reads it, so a plan is
human-editable.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field

from sporen.inputs.schema import (
    Fte,
    Role,
    Scenario,
    StrictModel,
    Year,
    month_index,
    month_label,
    parse_year_month,
)

FTE_STEP = 0.5
_TOLERANCE = 1e-6


def _on_grid(value: float) -> bool:
    steps = value / FTE_STEP
    return abs(steps - round(steps)) <= _TOLERANCE


def fte_allowed(fte: float, fte_now: float) -> bool:
    """A planned fte is fte_now plus whole 0.5-fte steps (1.67 -> 2.17), or itself a whole number of
    0.5-fte steps (1.67 -> 2: a round formation)."""
    return _on_grid(fte - fte_now) or _on_grid(fte)


def fte_problem(fte: float, fte_now: float) -> tuple[str, str] | None:
    """(what is wrong, allowed levels near fte_now) when a planned fte is not allowed, else None:
    'e.g. 1.5 or 2' (1.0 now), 'e.g. 2.17 or 2' (1.67 now)."""
    if fte_allowed(fte, fte_now):
        return None
    message = f"{fte} is not fte_now {fte_now} plus a whole number of 0.5-fte steps"
    if _on_grid(fte_now):
        return message, f"e.g. {fte_now + FTE_STEP:g} or {fte_now + 2 * FTE_STEP:g}"
    return (f"{message}, nor a whole number of 0.5-fte steps",
            f"e.g. {fte_now + FTE_STEP:g} or {math.ceil(fte_now / FTE_STEP - _TOLERANCE) * FTE_STEP:g}")


class StaffLevel(StrictModel):
    """fte of one role from its arrival month on (before it: fte_now), then any later changes."""

    fte: Fte
    arrives: str | None = Field(
        default=None, description="YYYY-MM; empty = the start month plus the role's lead time"
    )
    later: dict[str, Fte] = Field(
        default_factory=dict, description="later changes: YYYY-MM -> fte from that month (a taper or a rise)"
    )


class Plan(StrictModel):
    """Fte per role, instrument places per year, measures on/off; omitted = baseline."""

    name: str = "plan"
    staff: dict[str, StaffLevel] = Field(default_factory=dict)
    instruments: dict[str, dict[Year, Annotated[int, Field(ge=0)]]] = Field(default_factory=dict)
    measures: dict[str, bool] = Field(default_factory=dict)


def baseline_plan(scenario: Scenario) -> Plan:
    """The plan 'current formation, current instruments, baseline measures'."""
    return Plan(name="baseline")


def check_plan(plan: Plan, scenario: Scenario) -> list[tuple[str, str, str]]:
    """Every problem of a plan against its scenario as (dotted path, what is wrong, allowed)."""
    problems: list[tuple[str, str, str]] = []
    roles = {r.name: r for r in scenario.roles}
    instruments = {i.name: i for i in scenario.instruments}
    measures = {m.name for m in scenario.measures}
    years = scenario.horizon_years
    for name, level in plan.staff.items():
        path = f"staff.{name}"
        if name not in roles:
            problems.append((path, f"unknown role '{name}'", "one of: " + ", ".join(roles)))
            continue
        role = roles[name]
        wrong = fte_problem(level.fte, role.fte_now)
        if wrong:
            problems.append((f"{path}.fte", *wrong))
        if level.fte < role.min_fte - 1e-9 or (
            role.max_fte is not None and level.fte > role.max_fte + 1e-9
        ):
            problems.append((f"{path}.fte", f"{level.fte} is outside the role's limits",
                             f"{role.min_fte:g} to {role.max_fte if role.max_fte is not None else 'any'}"))
        if level.arrives is not None:
            try:
                parse_year_month(level.arrives)
                idx = month_index(scenario.start, level.arrives)
                if not 0 <= idx < scenario.months:
                    problems.append((f"{path}.arrives", f"{level.arrives} is outside the horizon",
                                     f"{scenario.start} to {month_label(scenario.start, scenario.months - 1)}"))
            except ValueError as exc:
                problems.append((f"{path}.arrives", str(exc), "YYYY-MM"))
        problems += _later_problems(path, level, role, scenario)
    for name, per_year in plan.instruments.items():
        path = f"instruments.{name}"
        if name not in instruments:
            problems.append((path, f"unknown instrument '{name}'",
                             "one of: " + ", ".join(instruments) if instruments else "none defined"))
            continue
        cap = instruments[name].max_places_per_year
        for year, places in per_year.items():
            if year not in years:
                problems.append((f"{path}.{year}", f"year {year} is outside the horizon",
                                 f"{years[0]}-{years[-1]}"))
            if cap is not None and places > cap:
                problems.append((f"{path}.{year}", f"{places} places is above max_places_per_year",
                                 f"at most {cap}"))
    for name in plan.measures:
        if name not in measures:
            problems.append((f"measures.{name}", f"unknown measure '{name}'",
                             "one of: " + ", ".join(sorted(measures)) if measures else "none defined"))
    return problems


def _later_problems(path: str, level: StaffLevel, role: Role, scenario: Scenario) -> list[tuple[str, str, str]]:
    """Problems of a staff level's later changes: months after the arrival, in the horizon; fte in 0.5
    steps from fte_now and within the role's limits."""
    problems: list[tuple[str, str, str]] = []
    try:
        first = (month_index(scenario.start, level.arrives) if level.arrives is not None
                 else role.lead_time_months)
    except ValueError:
        return problems
    last = month_label(scenario.start, scenario.months - 1)
    for month, fte in level.later.items():
        where = f"{path}.later.{month}"
        try:
            parse_year_month(month)
            idx = month_index(scenario.start, month)
        except ValueError as exc:
            problems.append((where, str(exc), "YYYY-MM"))
            continue
        if not first < idx < scenario.months:
            problems.append((where, f"{month} is not after the arrival month and inside the horizon",
                             f"after {month_label(scenario.start, first)}, at most {last}"))
        wrong = fte_problem(fte, role.fte_now)
        if wrong:
            problems.append((where, *wrong))
        if fte < role.min_fte - 1e-9 or (role.max_fte is not None and fte > role.max_fte + 1e-9):
            problems.append((where, f"{fte} is outside the role's limits",
                             f"{role.min_fte:g} to {role.max_fte if role.max_fte is not None else 'any'}"))
    return problems


def staff_arrival_month(plan: Plan, scenario: Scenario, role: str) -> int:
    """Month index (from the scenario start) at which the plan's fte for `role` applies."""
    level = plan.staff[role]
    if level.arrives is not None:
        return month_index(scenario.start, level.arrives)
    return scenario.role(role).lead_time_months


def fte_path(plan: Plan, scenario: Scenario, role: str) -> list[tuple[int, float]]:
    """[(from_month, fte), ...] for a role over the horizon: fte_now, the plan's level from its
    arrival month, then its later changes (months in order)."""
    now = scenario.role(role).fte_now
    if role not in plan.staff:
        return [(0, now)]
    level = plan.staff[role]
    arrive = min(staff_arrival_month(plan, scenario, role), scenario.months)
    path = [(0, level.fte)] if arrive <= 0 else [(0, now), (arrive, level.fte)]
    for month, fte in sorted(level.later.items(), key=lambda item: month_index(scenario.start, item[0])):
        idx = month_index(scenario.start, month)
        if path[-1][0] < idx < scenario.months:
            path.append((idx, fte))
    return path


def instrument_places(plan: Plan, scenario: Scenario, name: str, year: int) -> int:
    """Places (starts) available for an instrument in a year under the plan."""
    per_year = plan.instruments.get(name, {})
    return per_year.get(year, scenario.instrument(name).places_per_year)


def measure_on(plan: Plan, scenario: Scenario, name: str) -> bool:
    """Whether an on/off measure runs under the plan."""
    return plan.measures.get(name, scenario.measure(name).on_in_baseline)
