"""Starting a run from actuals (MODEL.md 3.9): the rest of the horizon from the observed state.

A municipality that watches its plan month by month has actuals up to a month L (the caseload at
its end, maybe flows and spending). The re-forecast keeps those months as they were and simulates
only what is left:

* `restart_scenario`: the scenario from month L+1 to the end of its horizon, with the caseload at
  the end of L as the initial stock of every municipality and segment. The engine needs no change:
  the restart is a scenario whose `months` ends where its base ends (`Restart`). Applications keep
  their level on the calendar (the trend is carried over the months already past); measures and
  the plan's staff changes keep their calendar months (`restart_plan`); instrument places of the
  restart year are only the rest of that year's (`sim.instruments`); the clients in an instrument
  at the restart and the initial stock's durations are taken as at the base's start (assumption:
  stationary, stated in docs/monitor.md). Money and mergers stay with the base: the restart's own
  budgets are zeros that no one reads.
* `realised_totals` + `combined_totals`: the months up to L as realised, joined with each
  simulated future into the base's monthly totals, so the yearly money (BUIG result, vangnet with
  its multi-year test, exploitatie) is computed by the base's `MoneyModel`, exactly as for a run
  from January. A realised month's spending is the actuals' when given; else the plan forecast's
  mean benefit cost of that month scaled by actual / forecast caseload, plus its mean wage-cost
  subsidy (the actuals carry no instrument cost: the forecast's mean is used).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import numpy as np
import pandas as pd

from sporen.inputs.plan import Plan, StaffLevel, fte_path
from sporen.inputs.schema import Scenario, month_index, month_label, parse_year_month
from sporen.sim.money import TOTAL_COLUMNS, MoneyModel, MonthlyTotals, allocate, monthly_totals


class Restart(Scenario):
    """A scenario restarted mid-horizon: it runs from `start` to `end`, the month its base ends."""

    end: str

    @property
    def months(self) -> int:
        return month_index(self.start, self.end) + 1


def restart_month(base: Scenario, last_actual: str) -> tuple[str, int]:
    """(first simulated month, months from the base's start to it)."""
    shift = month_index(base.start, last_actual) + 1
    return month_label(base.start, shift), shift


def segment_stock(base: Scenario, caseload: Mapping[str, int], mix: Mapping[tuple[str, str], float]
                  ) -> dict[str, dict[str, int]]:
    """Clients on benefit per municipality split over segments by `mix` ((municipality, segment) ->
    weight, e.g. the forecast's mean at the last actual month; the base's initial stock when all
    are 0), in whole clients by largest remainder."""
    out: dict[str, dict[str, int]] = {}
    for muni in base.municipalities:
        names = [s.name for s in base.segments]
        weights = [Fraction(mix.get((muni.name, s), 0.0)).limit_denominator(10**6) for s in names]
        if sum(weights) <= 0:
            weights = [Fraction(muni.initial_stock.get(s, 0)) for s in names]
        if sum(weights) <= 0:
            weights = [Fraction(1)] * len(names)
        parts = allocate(int(caseload.get(muni.name, 0)), weights)
        out[muni.name] = dict(zip(names, parts, strict=True))
    return out


def duration_mix(base: Scenario, spells: pd.DataFrame, last_actual: str) -> dict[str, list[float]]:
    """Per segment, the share of the forecast's caseload in each duration band at the end of
    `last_actual` (spells stacked over futures, as `sim.runner.run` returns them)."""
    at = float(month_index(base.start, last_actual) + 1)
    edges = np.asarray(base.duration_bands, dtype=float)
    there = spells[(spells["entry_time"] <= at) & ~(spells["exit_time"] <= at)]
    out: dict[str, list[float]] = {}
    for segment in base.segments:
        durations = at - there.loc[there["segment"] == segment.name, "entry_time"].to_numpy(float)
        if len(durations) == 0:
            continue
        counts = np.bincount(np.searchsorted(edges, durations, side="right") - 1, minlength=len(edges))
        shares = [float(c) / len(durations) for c in counts]
        shares[-1] = 1.0 - sum(shares[:-1])
        out[segment.name] = shares
    return out


def restart_scenario(base: Scenario, last_actual: str, on_benefit: Mapping[str, Mapping[str, int]],
                     durations: Mapping[str, list[float]] | None = None) -> Restart:
    """The base from the month after `last_actual` to its end, starting with `on_benefit`
    (municipality -> segment -> clients on benefit at the end of `last_actual`) whose time on the
    caseload is spread over the duration bands by `durations` (segment -> shares; default: as at
    the base's start)."""
    start, shift = restart_month(base, last_actual)
    end = month_label(base.start, base.months - 1)
    raw = base.model_dump()
    years = [y for y in base.horizon_years if y >= parse_year_month(start)[0]]
    raw.update(start=start, end=end, years=len(years), mergers=[])
    segments = {s["name"]: s for s in raw["segments"]}
    for name, shares in (durations or {}).items():
        segments[name]["initial_duration"] = list(shares)
    for muni in raw["municipalities"]:
        stock = {}
        for name, seg in segments.items():
            clients = int(on_benefit.get(muni["name"], {}).get(name, 0))
            without = float(seg.get("share_without_benefit") or 0.0)
            stock[name] = int(round(clients / (1.0 - without))) if without < 1.0 else clients
        muni["initial_stock"] = stock
        muni["buig_budget"] = {y: 1 for y in years}   # never read: the money is the base's
        muni["applications_per_month"] = {
            name: level * (1.0 + float(segments[name].get("application_trend_per_year") or 0.0)) ** (shift / 12)
            for name, level in muni["applications_per_month"].items()}
        muni["initial_instruments"] = _fitting(base, muni["initial_instruments"], stock)
    for measure in raw["measures"]:
        first, duration = int(measure["start_offset_months"]), measure.get("duration_months")
        if duration is not None and first + int(duration) <= shift:
            measure["start_offset_months"] = base.months  # over before the restart: never runs again
            continue
        if first < shift and duration is not None:
            measure["duration_months"] = int(duration) - (shift - first)
        measure["start_offset_months"] = max(0, first - shift)
        if first < shift:
            measure["one_off_cost"] = 0
    return Restart.model_validate(raw)


def _fitting(base: Scenario, held: list[dict], stock: Mapping[str, int]) -> list[dict]:
    """The instruments held at the restart, trajectories cut to the clients there are."""
    out = []
    for entry in held:
        entry = dict(entry)
        if base.instrument(entry["instrument"]).kind == "trajectory":
            room = stock.get(entry["segment"], 0) if entry.get("segment") is not None else sum(stock.values())
            entry["clients"] = min(int(entry["clients"]), room)
        out.append(entry)
    return out


def restart_plan(plan: Plan, base: Scenario, restart: Scenario) -> Plan:
    """The plan on the restart's months: each role's fte at the restart month and its later changes
    (the same calendar months); instrument places per year and measures as they were."""
    shift = month_index(base.start, restart.start)
    staff: dict[str, StaffLevel] = {}
    for name in plan.staff:
        path = fte_path(plan, base, name)
        now = base.role(name).fte_now
        at_restart = [fte for month, fte in path if month <= shift][-1]
        later = {month_label(base.start, month): fte for month, fte in path if month > shift}
        if at_restart != now or not later:
            staff[name] = StaffLevel(fte=at_restart, arrives=restart.start, later=later)
        else:
            first = min(later)
            staff[name] = StaffLevel(fte=later.pop(first), arrives=first, later=later)
    years = set(restart.horizon_years)
    instruments = {name: {y: n for y, n in per_year.items() if y in years}
                   for name, per_year in plan.instruments.items()}
    return Plan(name=plan.name, staff=staff, instruments=instruments, measures=dict(plan.measures))


def realised_totals(model: MoneyModel, actuals: pd.DataFrame, forecast: pd.DataFrame) -> dict[str, np.ndarray]:
    """The realised months' totals, (months up to the last actual, areas) per TOTAL_COLUMNS name.

    `actuals`: month, municipality, caseload and where known inflow, outflow, outflow_work, spending
    (NaN unknown). `forecast`: the plan forecast's mean per month and municipality of TOTAL_COLUMNS
    (the same names), which fills what the actuals do not say."""
    months = sorted(set(actuals["month"]))
    areas = list(model.areas)
    shape = (len(months), len(areas))
    got = actuals.set_index(["month", "municipality"])
    mean = forecast.set_index(["month", "municipality"])
    out = {name: np.zeros(shape, dtype=np.int64) for name in TOTAL_COLUMNS}
    for i, month in enumerate(months):
        for j, area in enumerate(areas):
            seen, expected = got.loc[(month, area)], mean.loc[(month, area)]
            clients = float(seen["caseload"])
            scale = clients / float(expected["on_benefit"]) if expected["on_benefit"] > 0 else 1.0
            if pd.isna(seen["spending"]):
                benefit, subsidy = float(expected["benefit_cost"]) * scale, float(expected["subsidy_cost"])
            else:
                benefit, subsidy = float(seen["spending"]), 0.0
            values = {
                "benefit_cost": benefit, "subsidy_cost": subsidy,
                "instrument_cost": float(expected["instrument_cost"]), "on_benefit": clients,
                "caseload": clients + float(expected["caseload"] - expected["on_benefit"]),
                "in_view": float(expected["in_view"]) * scale, "not_in_view": float(expected["not_in_view"]) * scale,
            }
            for flow in ("inflow", "outflow", "outflow_work"):
                values[flow] = float(expected[flow]) if pd.isna(seen.get(flow, np.nan)) else float(seen[flow])
            for name, value in values.items():
                out[name][i, j] = int(round(value))
    return out


def forecast_means(model: MoneyModel, monthly: pd.DataFrame) -> pd.DataFrame:
    """Mean over replications per month and municipality of TOTAL_COLUMNS (monthly frame stacked
    over replications, as `sim.runner.run` returns it)."""
    frames = []
    for _, one in monthly.groupby("replication", sort=True):
        totals = monthly_totals(one, model.horizon.labels, model.areas)
        frames.append(np.stack([totals[name] for name in TOTAL_COLUMNS]))
    mean = np.mean(frames, axis=0)
    rows = []
    for i, month in enumerate(model.horizon.labels):
        for j, area in enumerate(model.areas):
            rows.append({"month": month, "municipality": area,
                         **{name: float(mean[k, i, j]) for k, name in enumerate(TOTAL_COLUMNS)}})
    return pd.DataFrame(rows)


def combined_totals(model: MoneyModel, realised: Mapping[str, np.ndarray], restart_monthly: pd.DataFrame,
                    restart_labels: Sequence[str]) -> list[MonthlyTotals]:
    """Per simulated future: the realised months followed by that future's months, as the base's totals."""
    out = []
    for _, one in restart_monthly.groupby("replication", sort=True):
        simulated = monthly_totals(one, restart_labels, model.areas)
        values = {name: np.concatenate([realised[name], simulated[name]]) for name in TOTAL_COLUMNS}
        out.append(MonthlyTotals(model.horizon.labels, tuple(model.areas), values, model.units))
    return out
