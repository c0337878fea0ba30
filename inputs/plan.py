"""The Plan: what management decides (MODEL.md section 1).

A plan sets the fte per staff role from an arrival month, the instrument places per year and
which on/off measures run. The baseline is "current formation, current instruments": every role
at fte_now, every instrument at places_per_year, measures as `on_in_baseline`. Planned fte
differ from fte_now in steps of 0.5 fte (Nijkerk's 1.67 fte now + 1 extra = 2.67 is allowed).
`sporen optimise` writes a plan.yaml; `sporen simulate --plan` reads it, so a plan is
human-editable.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sporen.inputs.schema import (
    Fte,
    Scenario,
    StrictModel,
    Year,
    month_index,
    month_label,
    parse_year_month,
)

FTE_STEP = 0.5


class StaffLevel(StrictModel):
    """fte of one role from its arrival month on (before it: fte_now)."""

    fte: Fte
    arrives: str | None = Field(
        default=None, description="YYYY-MM; empty = the start month plus the role's lead time"
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
        steps = (level.fte - role.fte_now) / FTE_STEP
        if abs(steps - round(steps)) > 1e-6:
            problems.append((f"{path}.fte", f"{level.fte} is not fte_now {role.fte_now} "
                             "plus a whole number of 0.5-fte steps",
                             f"e.g. {role.fte_now + 0.5:g} or {role.fte_now + 1:g}"))
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


def staff_arrival_month(plan: Plan, scenario: Scenario, role: str) -> int:
    """Month index (from the scenario start) at which the plan's fte for `role` applies."""
    level = plan.staff[role]
    if level.arrives is not None:
        return month_index(scenario.start, level.arrives)
    return scenario.role(role).lead_time_months


def fte_path(plan: Plan, scenario: Scenario, role: str) -> list[tuple[int, float]]:
    """[(from_month, fte), ...] for a role over the horizon: fte_now, then the plan's level."""
    now = scenario.role(role).fte_now
    if role not in plan.staff:
        return [(0, now)]
    arrive = min(staff_arrival_month(plan, scenario, role), scenario.months)
    if arrive <= 0:
        return [(0, plan.staff[role].fte)]
    return [(0, now), (arrive, plan.staff[role].fte)]


def instrument_places(plan: Plan, scenario: Scenario, name: str, year: int) -> int:
    """Places (starts) available for an instrument in a year under the plan."""
    per_year = plan.instruments.get(name, {})
    return per_year.get(year, scenario.instrument(name).places_per_year)


def measure_on(plan: Plan, scenario: Scenario, name: str) -> bool:
    """Whether an on/off measure runs under the plan."""
    return plan.measures.get(name, scenario.measure(name).on_in_baseline)
