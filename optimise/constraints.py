"""The hard (non-target) constraints of a plan, checked directly on a dynamic point.

The MIP (optimise/model.py) states the same families as linear constraints over one level per
lever; the search also tries dynamic points (a level per year), which this module checks year by
year. Families (`optimise.model.CONSTRAINT_FAMILIES` has their business meaning):

* ``participatiebudget``: instrument and measure spending of a year <= that year's participatiebudget;
* ``formation_min`` / ``formation_max``: every year's planned fte within the role's limits;
* ``hires_per_year``: a role grows by at most ``max_hires_per_year`` a year;
* ``no_reintegration_money``: no extra participatiebudget places on a track that gets no
  re-integration money (with ``--allow-cuts``: no such places at all);
* ``everyone_in_view``: a caseworker role's fte (plus the extra fte of measures that run) covers
  the peak caseload of its tracks in the baseline, in every year it is in post;
* ``partner_share``: partner instruments get at least the minimum share of instrument spending.

`required_fte` computes the everyone-in-view need once (from the baseline's peak caseload).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sporen.inputs.schema import Scenario
from sporen.optimise.decisions import DecisionSpace, Point


def required_fte(scenario: Scenario, caseload_peak: dict[str, float],
                 notes: list[str] | None = None) -> dict[str, float]:
    """fte each caseworker role needs for every client of its tracks to be in view (baseline peak)."""
    need: dict[str, float] = {}
    for track in scenario.tracks:
        peak = caseload_peak.get(track.name)
        if peak is None or peak <= 0:
            continue
        if track.caseworker_role is None:
            if notes is not None:
                notes.append(f"everyone_in_view: track {track.name} has no caseworker role, so its "
                             f"{peak:.0f} clients cannot be in view")
            continue
        need[track.caseworker_role] = need.get(track.caseworker_role, 0.0) + peak / track.caseload_per_fte
    return need


def measure_extra_fte(space: DecisionSpace, point: Point | None, role: str) -> float:
    """Extra fte of a role from the measures that run under the point (or, point None, that may run)."""
    keys = {lever.key: i for i, lever in enumerate(space.levers)}
    extra = 0.0
    for measure in space.scenario.measures:
        add = measure.effects.extra_fte.get(role, 0.0)
        if not add:
            continue
        i = keys.get(f"measure:{measure.name}")
        if i is None:
            on = measure.on_in_baseline
        elif point is None:
            on = True
        else:
            on = bool(space.levers[i].levels[point[i][0]])
        extra += add if on else 0.0
    return extra


@dataclass
class HardLimits:
    """Checks a point against every hard constraint family of the scenario."""

    space: DecisionSpace
    caseload_peak: dict[str, float] = field(default_factory=dict)
    allow_cuts: bool = False
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        scenario = self.space.scenario
        self.need: dict[str, float] = {}
        if scenario.policy.everyone_in_view and self.caseload_peak:
            for role, need in required_fte(scenario, self.caseload_peak, self.notes).items():
                top = self.max_fte(role)
                if need > top + 1e-9:
                    self.notes.append(
                        f"everyone_in_view[{role}]: the baseline's peak caseload needs {need:.2f} fte but at most "
                        f"{top:g} fte can be planned; the constraint asks for {top:g} (blocking)")
                    need = top
                self.need[role] = need

    def max_fte(self, role: str) -> float:
        """The highest fte a role can reach in this space (its top level plus measures' extra fte)."""
        space = self.space
        try:
            lever = space.levers[space.index(f"role:{role}")]
            top = float(max(lever.levels))
        except KeyError:
            top = space.scenario.role(role).fte_now
        return top + measure_extra_fte(space, None, role)

    # complexity over 15: one branch per constraint family, read as a list
    def violations(self, point: Point, drop: frozenset[str] | set[str] = frozenset()) -> list[str]:  # noqa: C901
        """The families the point violates (empty when it is admissible); `drop` families are not checked."""
        space, scenario = self.space, self.space.scenario
        out: list[str] = []
        budget = scenario.finance.participatiebudget
        if "participatiebudget" not in drop:
            for y, spend in enumerate(space.point_spend(point)):
                cap = budget.get(space.years[y])
                if cap is not None and spend > cap:
                    out.append("participatiebudget")
                    break
        policy = scenario.policy
        spend_total = partner_total = 0
        for lever, levels in zip(space.levers, point, strict=True):
            if lever.kind == "role":
                role = scenario.role(lever.name)
                live = [y for y in range(len(levels)) if not lever.months_in_post or lever.months_in_post[y] > 0]
                values = [float(lever.levels[levels[y]]) for y in live]
                if "formation_min" not in drop and role.min_fte > 0 and any(v < role.min_fte - 1e-9 for v in values):
                    out.append("formation_min")
                if "formation_max" not in drop and role.max_fte is not None and any(
                        v > role.max_fte + 1e-9 for v in values):
                    out.append("formation_max")
                if "hires_per_year" not in drop and role.max_hires_per_year is not None:
                    previous = role.fte_now
                    for v in values:
                        if v - previous > role.max_hires_per_year + 1e-9:
                            out.append("hires_per_year")
                            break
                        previous = v
                need = self.need.get(lever.name)
                if "everyone_in_view" not in drop and need is not None:
                    extra = measure_extra_fte(space, point, lever.name)
                    if any(v + extra < need - 1e-9 for v in values):
                        out.append("everyone_in_view")
            elif lever.kind == "instrument":
                money = sum(lever.spend[k][y] for y, k in enumerate(levels))
                spend_total += money
                partner_total += money if lever.partner else 0
                banned = lever.track in policy.no_reintegration_money_for and lever.paid_from == "participatiebudget"
                if banned and "no_reintegration_money" not in drop:
                    cap = 0 if self.allow_cuts else scenario.instrument(lever.name).places_per_year
                    if any(lever.levels[k] > cap for k in levels):
                        out.append("no_reintegration_money")
        if "everyone_in_view" not in drop:
            for role_name, need in self.need.items():
                if f"role:{role_name}" not in {lv.key for lv in space.levers}:
                    if scenario.role(role_name).fte_now + measure_extra_fte(space, point, role_name) < need - 1e-9:
                        out.append("everyone_in_view")
        if "partner_share" not in drop and policy.min_partner_share > 0:
            if partner_total < policy.min_partner_share * spend_total - 1e-6:
                out.append("partner_share")
        return sorted(set(out))

    def admissible(self, point: Point, drop: frozenset[str] | set[str] = frozenset()) -> bool:
        return not self.violations(point, drop)
