"""What one simulated replication returns: tidy frames, one row per observation.

The engine (`sim.engine.run_replication`) fills a `ReplicationResult`; the runner adds the
replication number, computes the yearly money (`sim.money`) and KPIs (`sim.kpis`), and
stacks replications. Column lists live here so engine, runner, outputs and tests agree.
Money is in whole euros (int64) throughout.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sporen.inputs.schema import EXIT_CAUSES

MONTHLY_KEYS = ["month", "municipality", "track", "segment"]
"""One monthly row per month (YYYY-MM) x municipality x track x segment, all combinations."""

MONTHLY_COLUMNS = MONTHLY_KEYS + [
    "on_benefit",        # clients on the caseload with a benefit at the end of the month
    "without_benefit",   # clients on the caseload without a benefit at the end of the month
    "in_view",           # of those, with a caseworker slot at the end of the month
    "not_in_view",
    "inflow",            # entries to the caseload during the month
    "outflow",           # exits from the caseload during the month (sum of outflow_<cause>)
    "transfers_in",      # moves into this track from another during the month
    "transfers_out",
    *[f"outflow_{cause}" for cause in EXIT_CAUSES],
    "partial_work",      # clients who started partial work (benefit lowered) during the month
    "instrument_starts",
    "instrument_cost",   # EUR, participatiebudget-paid instruments started in the month
    "benefit_cost",      # EUR, benefits paid for the month (BUIG)
    "subsidy_cost",      # EUR, wage-cost subsidies paid for the month (BUIG)
]
"""Conservation: (on_benefit + without_benefit) at the end of month m equals the same at the end
of month m-1 + inflow + transfers_in - outflow - transfers_out, per municipality/track/segment;
month -1 is the initial stock, given in `ReplicationResult.initial`."""

SPELL_COLUMNS = [
    "client", "municipality", "segment", "track_at_entry", "rung", "entry_time",
    "exit_time", "exit_cause", "initial",
]
"""One row per caseload spell: times in months from the start (entry_time < 0 for the initial
stock, who entered before the start), exit_time NaN when still on the caseload at the end;
`initial` is True for the initial stock. Used for KPIs and cohort survival curves."""

EVENT_COLUMNS = ["client", "time", "event", "municipality", "track"]


@dataclass
class ReplicationResult:
    """One replication of one scenario under one plan."""

    replication: int
    initial: pd.DataFrame   # MONTHLY_KEYS[1:] + ["stock"]: caseload at the start
    monthly: pd.DataFrame   # MONTHLY_COLUMNS, sorted by MONTHLY_KEYS
    spells: pd.DataFrame    # SPELL_COLUMNS
    events: pd.DataFrame | None = None  # EVENT_COLUMNS, only when asked for
