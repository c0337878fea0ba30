"""Helpers for the engine tests: small hand-built scenarios and conservation checks."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from sporen.inputs.load import scenario_from_dict
from sporen.inputs.plan import Plan, baseline_plan
from sporen.inputs.schema import EXIT_CAUSES, Scenario
from sporen.sim.engine import run_replication
from sporen.sim.results import ReplicationResult

ALL_RUNGS = [1, 2, 3, 4, 5, 6]


def base_dict(years: int = 1, stock: int = 1, apps: float = 0.0) -> dict:
    """One municipality, one segment, one track with one caseworker slot, nothing happening."""
    return {
        "name": "hand",
        "start": "2020-01",
        "years": years,
        "duration_bands": [0],
        "municipalities": [{
            "name": "A",
            "buig_budget": {2020 + y: 1_000_000 for y in range(years)},
            "initial_stock": {"s": stock},
            "applications_per_month": {"s": apps},
        }],
        "segments": [{"name": "s", "benefit_per_month": 1000, "ladder_at_entry": {4: 1.0}}],
        "gate": {"decisions": {"granted": 1.0, "rejected": 0.0, "withdrawn": 0.0, "not_processed": 0.0,
                               "no_application": 0.0}},
        "tracks": [{"name": "T", "caseworker_role": "cw", "caseload_per_fte": 1, "ladder": ALL_RUNGS,
                    "hazards": {"work": [0.0]}}],
        "roles": [{"name": "cw", "function": "caseworker", "fte_now": 1.0, "cost_per_fte_year": 70000}],
        "returns": {"share_back": 0.0, "within_months": 1.0},
    }


def build(raw: dict) -> Scenario:
    return scenario_from_dict(copy.deepcopy(raw))


def run(raw_or_scenario, seed: int = 0, plan: Plan | None = None, events: bool = True) -> ReplicationResult:
    sc = raw_or_scenario if isinstance(raw_or_scenario, Scenario) else build(raw_or_scenario)
    return run_replication(sc, plan or baseline_plan(sc), np.random.SeedSequence(seed), record_events=events)


def log(result: ReplicationResult, client: int | None = None) -> list[tuple[str, float]]:
    """(event, time) pairs, times rounded to 9 decimals, optionally of one client."""
    ev = result.events
    if client is not None:
        ev = ev[ev.client == client]
    return [(e, round(float(t), 9)) for e, t in zip(ev.event, ev.time, strict=True)]


def check_conservation(result: ReplicationResult, months: int) -> None:
    """People conserved per cell and month; outflow = sum of causes; in view + not = stock."""
    mo = result.monthly
    keys = ["municipality", "track", "segment"]
    cells = result.initial.set_index(keys)["stock"]
    n_cells = len(cells)
    assert len(mo) == months * n_cells
    stock = (mo.on_benefit + mo.without_benefit).to_numpy().reshape(months, n_cells)
    prev = np.vstack([cells.to_numpy()[None, :], stock[:-1]])
    net = (mo.inflow + mo.transfers_in - mo.outflow - mo.transfers_out).to_numpy().reshape(months, n_cells)
    np.testing.assert_array_equal(stock, prev + net)
    causes = mo[[f"outflow_{c}" for c in EXIT_CAUSES]].sum(axis=1)
    np.testing.assert_array_equal(mo.outflow.to_numpy(), causes.to_numpy())
    np.testing.assert_array_equal((mo.in_view + mo.not_in_view).to_numpy(), stock.ravel())
    assert (mo[[c for c in mo.columns if c not in ("month", *keys)]] >= 0).all().all()
    # the monthly keys are sorted and complete
    assert mo[["month", *keys]].equals(mo[["month", *keys]].sort_values(["month", *keys]).reset_index(drop=True))
    # transfers balance over the whole system
    assert mo.transfers_in.sum() == mo.transfers_out.sum()
    if result.events is not None:
        ev = result.events
        assert (ev.event == "entry").sum() == mo.inflow.sum()
        assert ev.event.str.startswith("exit_").sum() == mo.outflow.sum()
        assert (ev.event == "transfer").sum() == mo.transfers_in.sum()
        assert (ev.event == "partial_work").sum() == mo.partial_work.sum()
        assert (ev.event == "instrument_start").sum() == mo.instrument_starts.sum()
        assert ev.time.is_monotonic_increasing
    sp = result.spells
    assert len(sp) == result.initial.stock.sum() + mo.inflow.sum()
    assert sp.exit_time.notna().sum() == mo.outflow.sum()
    final = stock[-1].sum() if months else result.initial.stock.sum()
    assert sp.exit_time.isna().sum() == final


def totals(result: ReplicationResult) -> pd.Series:
    return result.monthly.drop(columns=["month", "municipality", "track", "segment"]).sum()
