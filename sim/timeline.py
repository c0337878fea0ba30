"""What the plan and the measures make of every month: fte, slots, intake capacity, factors.

Everything here is known before the run (it depends on the scenario and the plan, not on
chance), so it is computed once as per-month tables; the engine applies a month's values at the
month's start (t = m). Staff changes take effect at their arrival month (`inputs.plan.fte_path`).

* fte of a role in month m = the plan's fte path + the ``extra_fte`` of every measure running
  in month m. A measure that is on under the plan runs from ``start_offset_months`` for
  ``duration_months`` (to the horizon's end when empty).
* caseworker slots of a track = floor(fte of its caseworker role x caseload_per_fte + 1e-9);
  a track without a caseworker role has no slots. (`slots`, one count per track.)
* caseworker pools (`sim.slots`): one per caseworker role that serves a track, in the order of the
  first track each serves; its slots = floor(fte x the role's unit caseload + 1e-9)
  (`Scenario.pool_caseload`), and a client of a track with another caseload_per_fte weighs
  unit / that caseload slots (`pool_weights`); `pool_fte` is the role's fte per month (the
  caseload a caseworker carries is the pool's clients in view / that fte, `sim.intensity`).
* intake capacity per month = fte of the gate's intake role x intakes_per_fte_per_month;
  no intake role = unlimited (decisions are immediate).
* grant multiplier = product of the running measures' ``grant_multiplier``; hazard multipliers
  per cause likewise; the employer-services term is sum(work_multiplier_per_fte x fte) over the
  roles with function employer_services, the enforcement term sum(enforcement_hazard_per_fte x
  fte) over the roles with function enforcement.
"""

from __future__ import annotations

import math

from sporen.inputs.plan import Plan, fte_path, measure_on
from sporen.inputs.schema import Scenario
from sporen.sim.hazards import HAZARDS, Globals


class Timeline:
    """Per-month tables of one scenario under one plan."""

    # complexity over 15: one pass per part of the plan (roles, instruments, measures), month by month
    def __init__(self, scenario: Scenario, plan: Plan):  # noqa: C901
        months = scenario.months
        self.months = months
        self.fte: dict[str, list[float]] = {}
        for spec in scenario.roles:
            values = [0.0] * months
            for start, level in fte_path(plan, scenario, spec.name):
                for m in range(max(0, start), months):
                    values[m] = level
            self.fte[spec.name] = values
        self.active: list[list[int]] = [[] for _ in range(months)]
        for i, measure in enumerate(scenario.measures):
            if not measure_on(plan, scenario, measure.name):
                continue
            first = measure.start_offset_months
            last = months if measure.duration_months is None else min(months, first + measure.duration_months)
            for m in range(first, last):
                self.active[m].append(i)
                for name, extra in measure.effects.extra_fte.items():
                    self.fte[name][m] += extra
        measures = scenario.measures
        self.grant_multiplier = [math.prod(measures[i].effects.grant_multiplier for i in self.active[m])
                                 for m in range(months)]
        employer = [r for r in scenario.roles if r.function == "employer_services"]
        enforcement = [r for r in scenario.roles if r.function == "enforcement"]
        self.globals: list[Globals] = []
        for m in range(months):
            mult = tuple(math.prod(measures[i].effects.hazard_multipliers.get(c, 1.0) for i in self.active[m])
                         for c in HAZARDS)
            emp = sum(r.work_multiplier_per_fte * self.fte[r.name][m] for r in employer)
            enf = sum(r.enforcement_hazard_per_fte * self.fte[r.name][m] for r in enforcement)
            self.globals.append(Globals(mult, emp, enf))
        self.slots: list[list[int] | None] = []
        for track in scenario.tracks:
            if track.caseworker_role is None:
                self.slots.append(None)
            else:
                fte = self.fte[track.caseworker_role]
                self.slots.append([math.floor(fte[m] * track.caseload_per_fte + 1e-9) for m in range(months)])
        self.pool_roles: list[str] = []
        self.pool_of_track: list[int | None] = []
        for track in scenario.tracks:
            role = track.caseworker_role
            if role is None:
                self.pool_of_track.append(None)
                continue
            if role not in self.pool_roles:
                self.pool_roles.append(role)
            self.pool_of_track.append(self.pool_roles.index(role))
        self.pool_slots: list[list[int]] = []
        self.pool_weights: list[dict[int, float]] = []
        self.pool_fte: list[list[float]] = []
        for role in self.pool_roles:
            unit = scenario.pool_caseload(role) or 1.0
            own = scenario.role(role).caseload_per_fte is not None
            fte = self.fte[role]
            self.pool_fte.append(fte)
            self.pool_slots.append([math.floor(fte[m] * unit + 1e-9) for m in range(months)])
            self.pool_weights.append({k: 1.0 if own else unit / t.caseload_per_fte
                                      for k, t in enumerate(scenario.tracks) if t.caseworker_role == role})
        gate = scenario.gate
        self.intake: list[float] | None = None
        if gate.intake_role is not None:
            self.intake = [self.fte[gate.intake_role][m] * gate.intakes_per_fte_per_month for m in range(months)]

    def globals_change(self, m: int) -> bool:
        """Whether the shared hazard factors differ in month m from month m-1."""
        return m > 0 and self.globals[m].key() != self.globals[m - 1].key()

    def pool_slots_change(self, m: int) -> bool:
        """Whether any pool's capacity differs in month m from month m-1."""
        return m > 0 and any(s[m] != s[m - 1] for s in self.pool_slots)

    def slots_change(self, m: int) -> bool:
        """Whether any track's slot capacity differs in month m from month m-1."""
        return m > 0 and any(s is not None and s[m] != s[m - 1] for s in self.slots)
