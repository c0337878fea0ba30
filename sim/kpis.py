"""KPIs of one replication, in long format: kpi, municipality (or "all"), year (or "all"), value.

`year` is text: a calendar year ("2018"), "all" for the whole horizon, or "end" for the caseload
at the end of the horizon. Every KPI is given per municipality and for "all" municipalities
together (pooled, not averaged). The KPIs (MODEL.md section 4):

* ``inflow``, ``outflow``, ``outflow_work``   entries to and exits from the caseload (counts);
* ``outflow_to_work_share``  work exits / all exits (national benchmark 39.7%, DOMAIN.md); empty
  (NaN) when nobody left;
* ``share_in_view``  mean over the month ends of in_view / (in_view + not_in_view); months without
  clients are skipped;
* ``mean_time_on_benefit_months``  mean duration of the completed caseload spells of the clients
  who entered during the horizon (year "all"); it leaves out the still-open spells, so it is short
  for a short horizon;
* ``median_time_on_benefit_months``  Kaplan-Meier median duration of the same entrants' spells,
  open spells censored at the end of the horizon; NaN when fewer than half have left by then;
* ``ladder_share_rung_<k>``  share of the caseload at the end (year "end") by participation
  ladder rung (the rung recorded in the spell), k = 1..6;
* ``caseload_1jan``  clients on the caseload (with or without benefit) on 1 January of each
  simulated year (the initial stock for the first year when the horizon starts in January);
  ``caseload_end`` and ``on_benefit_end`` at the end of the horizon (year "end");
* ``deficit``  BUIG spending - BUIG budget (positive = deficit, negative = surplus) per year and
  for "all" years summed; ``deficit_after_vangnet`` the same after the vangnet;
  ``deficit_after_vangnet_cumulative`` summed from the first simulated year up to each year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sporen.sim.money import Horizon, MonthlyTotals, accounting_units, monthly_totals

KPI_COLUMNS = ["kpi", "municipality", "year", "value"]
ALL = "all"
END = "end"
RUNGS = range(1, 7)


def kaplan_meier_median(durations: np.ndarray, observed: np.ndarray) -> float:
    """Median of a survival curve from durations with right censoring (observed=False).

    The first duration at which the Kaplan-Meier survival S(t) falls to 0.5 or below; NaN when it
    never does. At tied durations exits count before censorings, as usual.
    """
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    if len(durations) == 0:
        return float("nan")
    order = np.lexsort((~observed, durations))
    d, e = durations[order], observed[order]
    at_risk = len(d) - np.arange(len(d))
    survival = np.cumprod(np.where(e, 1.0 - 1.0 / at_risk, 1.0))
    below = np.flatnonzero(survival <= 0.5 + 1e-12)
    return float(d[below[0]]) if len(below) else float("nan")


class KpiRows:
    """Collects KPI rows of one or more replications; `frame()` builds the long frame once."""

    def __init__(self) -> None:
        self.replication: list[int] = []
        self.kpi: list[str] = []
        self.municipality: list[str] = []
        self.year: list[str] = []
        self.value: list[float] = []
        self.current = 0

    def block(self, kpi: str, years: list[str], values: np.ndarray, municipalities: list[str],
              keep: np.ndarray | None = None) -> None:
        """Add values (len(years), len(municipalities)) of one KPI, municipality by municipality;
        with `keep` (same shape, bool) only the entries where it is True."""
        n_years, n_munis = values.shape
        if keep is not None and not keep.all():
            flat = keep.T.ravel()
            n = int(flat.sum())
            self.replication.extend([self.current] * n)
            self.kpi.extend([kpi] * n)
            for j, name in enumerate(municipalities):
                chosen = [y for i, y in enumerate(years) if keep[i, j]]
                self.municipality.extend([name] * len(chosen))
                self.year.extend(chosen)
            self.value.extend(np.asarray(values, dtype=np.float64).T.ravel()[flat].tolist())
            return
        self.replication.extend([self.current] * (n_years * n_munis))
        self.kpi.extend([kpi] * (n_years * n_munis))
        for name in municipalities:
            self.municipality.extend([name] * n_years)
            self.year.extend(years)
        self.value.extend(np.asarray(values, dtype=np.float64).T.ravel().tolist())

    def frame(self, with_replication: bool = False) -> pd.DataFrame:
        columns: dict[str, np.ndarray | list[str]] = (
            {"replication": np.array(self.replication, dtype=np.int64)} if with_replication else {})
        columns.update({"kpi": self.kpi, "municipality": self.municipality, "year": self.year,
                        "value": np.array(self.value, dtype=np.float64)})
        return pd.DataFrame(columns, columns=(["replication"] if with_replication else []) + KPI_COLUMNS)


def replication_kpis(
    totals: MonthlyTotals,
    year_of_month: np.ndarray,
    years: tuple[int, ...] | list[int],
    spells: pd.DataFrame,
    initial: pd.DataFrame | None,
    yearly: pd.DataFrame,
    horizon_months: int,
) -> pd.DataFrame:
    """All KPIs of one replication (KPI_COLUMNS), from the monthly totals, spells and yearly money.

    `year_of_month` gives each simulated month's index into `years` (see `sim.money.Horizon`);
    `yearly` is the replication's yearly frame (`sim.money`).
    """
    units = totals.units
    munis = list(units.names) if units is not None else list(totals.municipalities)
    n_y = len(years)
    expected = np.tile(np.array(munis, dtype=object), n_y)
    if not np.array_equal(yearly["municipality"].to_numpy(dtype=object), expected):
        yearly = yearly.set_index(["year", "municipality"]).reindex(
            pd.MultiIndex.from_product([list(years), munis])).fillna(0).reset_index()
    money = {name: yearly[name].to_numpy(np.int64).reshape(n_y, len(munis))
             for name in ("spending", "buig_budget", "vangnet")}
    rows = KpiRows()
    add_kpis(rows, totals, year_of_month, years, spells, initial, money, horizon_months)
    return rows.frame()


def add_kpis(
    rows: KpiRows,
    totals: MonthlyTotals,
    year_of_month: np.ndarray,
    years: tuple[int, ...] | list[int],
    spells: pd.DataFrame,
    initial: pd.DataFrame | None,
    money: dict[str, np.ndarray],
    horizon_months: int,
) -> None:
    """Append one replication's KPIs to `rows`; `money` holds spending, buig_budget and vangnet
    as (years, municipalities) arrays in the totals' municipality order, or, when the totals carry
    accounting units with a merger (`sim.money.Units`), in the units' order: the deficit KPIs are
    then given per unit that keeps accounts that year (the merged municipality from its merger)."""
    munis = list(totals.municipalities)
    names = [*munis, ALL]
    n_y = len(years)
    labels = [str(y) for y in years]
    by_year = (year_of_month[None, :] == np.arange(n_y)[:, None]).astype(np.float64)   # (years, months)

    def grouped(values: np.ndarray) -> np.ndarray:   # (..., municipalities) -> (..., municipalities + all)
        values = np.asarray(values, dtype=np.float64)
        return np.concatenate([values, values.sum(axis=-1, keepdims=True)], axis=-1)

    # flows and the work share, per year and for the whole horizon
    flows = {k: grouped(by_year @ totals[k].astype(np.float64)) for k in ("inflow", "outflow", "outflow_work")}
    for kpi, values in flows.items():
        rows.block(kpi, [*labels, ALL], np.vstack([values, values.sum(axis=0)]), names)
    work = np.vstack([flows["outflow_work"], flows["outflow_work"].sum(axis=0)])
    out = np.vstack([flows["outflow"], flows["outflow"].sum(axis=0)])
    with np.errstate(invalid="ignore", divide="ignore"):
        rows.block("outflow_to_work_share", [*labels, ALL], np.where(out > 0, work / np.where(out > 0, out, 1),
                                                                      np.nan), names)

        # share in view: the mean over month ends of the month's share (months without clients skipped)
        seen, unseen = grouped(totals["in_view"]), grouped(totals["not_in_view"])
        denom = seen + unseen
        share = np.where(denom > 0, seen / np.where(denom > 0, denom, 1), 0.0)
        valid = (denom > 0).astype(np.float64)
        sums = np.vstack([by_year @ share, share.sum(axis=0)])
        counts = np.vstack([by_year @ valid, valid.sum(axis=0)])
        rows.block("share_in_view", [*labels, ALL], np.where(counts > 0, sums / np.where(counts > 0, counts, 1),
                                                              np.nan), names)

    # time on benefit of the horizon's entrants and the ladder at the end, from the spells
    spell_muni = pd.Index(munis).get_indexer(pd.Index(spells["municipality"]))
    entry = spells["entry_time"].to_numpy(dtype=np.float64)
    exit_ = spells["exit_time"].to_numpy(dtype=np.float64)
    rung = spells["rung"].to_numpy(dtype=np.float64)
    closed = ~np.isnan(exit_)
    entrant = entry >= 0
    duration = np.where(closed, exit_, float(horizon_months)) - entry
    mean_time, median_time = np.full(len(names), np.nan), np.full(len(names), np.nan)
    ladder = np.full((len(RUNGS), len(names)), np.nan)
    for g, name in enumerate(names):
        mine = spell_muni >= 0 if name == ALL else spell_muni == g
        sel = mine & entrant
        done = duration[sel & closed]
        if len(done):
            mean_time[g] = done.mean()
        median_time[g] = kaplan_meier_median(duration[sel], closed[sel])
        at_end = rung[mine & ~closed]
        if len(at_end):
            ladder[:, g] = [(at_end == r).mean() for r in RUNGS]
    rows.block("mean_time_on_benefit_months", [ALL], mean_time[None, :], names)
    rows.block("median_time_on_benefit_months", [ALL], median_time[None, :], names)
    for i, r in enumerate(RUNGS):
        rows.block(f"ladder_share_rung_{r}", [END], ladder[i][None, :], names)

    # caseload on 1 January and at the end
    caseload = grouped(totals["caseload"])
    start_stock: np.ndarray = np.zeros(len(munis))
    if initial is not None and len(initial):
        where = pd.Index(munis).get_indexer(pd.Index(initial["municipality"].to_numpy(dtype=object)))
        stock = initial["stock"].to_numpy(dtype=np.float64)
        start_stock = np.bincount(where[where >= 0], weights=stock[where >= 0], minlength=len(munis))
    january = [i for i, label in enumerate(totals.months) if label.endswith("-01")]
    if january:
        values = np.vstack([grouped(start_stock) if i == 0 else caseload[i - 1] for i in january])
        rows.block("caseload_1jan", [totals.months[i][:4] for i in january], values, names)
    rows.block("caseload_end", [END], caseload[-1][None, :], names)
    rows.block("on_benefit_end", [END], grouped(totals["on_benefit"][-1])[None, :], names)

    # deficits from the yearly money, per accounting unit (after a merger: the merged municipality)
    units = totals.units
    if units is not None and units.merged:
        unit_names = [*units.names, ALL]
        exists = np.concatenate([units.exists, np.ones((n_y, 1), dtype=bool)], axis=1)
    else:
        unit_names, exists = names, np.ones((n_y, len(names)), dtype=bool)
    deficit = grouped(money["spending"] - money["buig_budget"])
    after = deficit - grouped(money["vangnet"])
    with_all = np.vstack([exists, exists.any(axis=0, keepdims=True)])
    rows.block("deficit", [*labels, ALL], np.vstack([deficit, deficit.sum(axis=0)]), unit_names, with_all)
    rows.block("deficit_after_vangnet", [*labels, ALL], np.vstack([after, after.sum(axis=0)]), unit_names,
               with_all)
    rows.block("deficit_after_vangnet_cumulative", labels, np.cumsum(after, axis=0), unit_names, exists)


def kpis(result, yearly: pd.DataFrame, scenario) -> pd.DataFrame:
    """KPIs of one `sim.results.ReplicationResult` whose yearly money is `yearly`."""
    horizon = Horizon.of(scenario)
    municipalities = sorted(m.name for m in scenario.municipalities)
    totals = monthly_totals(result.monthly, horizon.labels, municipalities)
    totals = MonthlyTotals(totals.months, totals.municipalities, totals.values, accounting_units(scenario))
    return replication_kpis(totals, horizon.year_of_month, horizon.years, result.spells, result.initial, yearly,
                            scenario.months)
