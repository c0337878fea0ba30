"""Accounting: recorded state intervals and flows -> the monthly frame, with numpy at the end.

During the run the engine only appends to flat arrays:

* a *state interval* per stretch of time a client spends in one (municipality, track, segment)
  cell with one state (in view or not, benefit or not, benefit factor): cell, start, end,
  flags, EUR per month. A state change closes the open interval and opens the next.
* a *flow* per counted event (inflow, transfer, outflow by cause, partial work, instrument
  start): cell, month, column; money flows (instrument cost, BUIG-paid instrument cost) with
  their amount;
* a *subsidy interval* per piece of a wage-cost subsidy: cell, start, end, EUR per month.

Month m is [m, m+1) in months from the start; an event at time t counts in month floor(t). The
stock at the end of month m is the state after every event with t < m + 1, so a client whose
interval runs from s to e counts in the end-of-month stock of months floor(s) .. floor(e) - 1
(an interval of the initial stock from month -1 on). Flows use the same floor of the same
times, so stock_end(m) = stock_end(m-1) + inflow + transfers_in - outflow - transfers_out holds
exactly in every cell and month. Money is prorated by time: an interval pays its EUR per month
x the part of each month it covers; each row's monthly sum is rounded half up to whole euros.

Rows are every month x municipality x track x segment, sorted by name (month labels YYYY-MM sort
in time order), as `sim.results.MONTHLY_COLUMNS`.
"""

from __future__ import annotations

from array import array

import numpy as np
import pandas as pd

from sporen.inputs.schema import EXIT_CAUSES, month_label
from sporen.sim.results import MONTHLY_COLUMNS, MONTHLY_KEYS

IN_VIEW, BENEFIT, INITIAL = 1, 2, 4
"""Interval flag bits."""

FLOW_COLUMNS: tuple[str, ...] = (
    "inflow", "transfers_in", "transfers_out", *[f"outflow_{c}" for c in EXIT_CAUSES],
    "partial_work", "instrument_starts",
)
F_INFLOW, F_IN, F_OUT = 0, 1, 2
F_OUTFLOW = 3  # + index in EXIT_CAUSES
F_PARTIAL = F_OUTFLOW + len(EXIT_CAUSES)
F_STARTS = F_PARTIAL + 1
NF = len(FLOW_COLUMNS)
M_INSTRUMENT, M_BUIG = 0, 1
"""Money flow columns: instrument_cost (participatiebudget), BUIG-paid lump into subsidy_cost."""


def round_half_up(x: np.ndarray) -> np.ndarray:
    """Whole euros, halves rounded up (away from zero for the non-negative amounts here)."""
    return np.floor(x + 0.5).astype(np.int64)


class Ledger:
    """Flat records of one run, turned into tidy frames by `frames`."""

    def __init__(self, months: int, shape: tuple[int, int, int]):
        self.months = months
        self.shape = shape  # municipalities, tracks, segments (scenario order)
        self.n_cells = shape[0] * shape[1] * shape[2]
        self.iv_cell = array("q")
        self.iv_start = array("d")
        self.iv_end = array("d")
        self.iv_flags = array("b")
        self.iv_rate = array("d")
        self.flows = array("q")
        self.money_idx = array("q")
        self.money_amt = array("d")
        self.sub_cell = array("q")
        self.sub_start = array("d")
        self.sub_end = array("d")
        self.sub_rate = array("d")

    def cell(self, muni: int, track: int, seg: int) -> int:
        return (muni * self.shape[1] + track) * self.shape[2] + seg

    # -- recording ------------------------------------------------------------------------
    def interval(self, cell: int, start: float, end: float, flags: int, rate: float) -> None:
        self.iv_cell.append(cell)
        self.iv_start.append(start)
        self.iv_end.append(end)
        self.iv_flags.append(flags)
        self.iv_rate.append(rate)

    def flow(self, cell: int, t: float, column: int) -> None:
        self.flows.append((cell * self.months + int(t)) * NF + column)

    def money(self, cell: int, t: float, column: int, amount: float) -> None:
        self.money_idx.append((cell * self.months + int(t)) * 2 + column)
        self.money_amt.append(amount)

    def subsidy(self, cell: int, start: float, end: float, rate: float) -> int:
        self.sub_cell.append(cell)
        self.sub_start.append(start)
        self.sub_end.append(end)
        self.sub_rate.append(rate)
        return len(self.sub_cell) - 1

    def stop_subsidy(self, index: int, t: float) -> None:
        """A subsidy stops at t (the job ended): cut its interval there."""
        if self.sub_end[index] > t:
            self.sub_end[index] = t
        if self.sub_start[index] > t:
            self.sub_start[index] = t

    # -- aggregation ----------------------------------------------------------------------
    def _prorate(self, cell: np.ndarray, start: np.ndarray, end: np.ndarray, rate: np.ndarray) -> np.ndarray:
        """(cells, months) EUR: each interval's rate x the part of each month it covers."""
        M, C = self.months, self.n_cells
        start = np.clip(start, 0.0, M)
        end = np.clip(end, 0.0, M)
        keep = (end > start) & (rate != 0.0)
        cell, start, end, rate = cell[keep], start[keep], end[keep], rate[keep]
        a = np.minimum(np.floor(start).astype(np.int64), M - 1)
        b = np.floor(end).astype(np.int64)
        first = rate * (np.minimum(end, a + 1.0) - start)
        total = np.bincount(cell * M + a, weights=first, minlength=C * M)
        last = (b > a) & (b < M)
        total += np.bincount(cell[last] * M + b[last], weights=rate[last] * (end[last] - b[last]),
                             minlength=C * M)
        full = b > a + 1
        diff = np.bincount(cell[full] * (M + 1) + a[full] + 1, weights=rate[full], minlength=C * (M + 1))
        diff -= np.bincount(cell[full] * (M + 1) + b[full], weights=rate[full], minlength=C * (M + 1))
        total = total.reshape(C, M) + np.cumsum(diff.reshape(C, M + 1), axis=1)[:, :M]
        return total

    def _stocks(self) -> dict[str, np.ndarray]:
        """(cells, months + 1) counts at the end of month -1 .. M-1 per state category."""
        M, C = self.months, self.n_cells
        cell = np.frombuffer(self.iv_cell, dtype=np.int64)
        start = np.frombuffer(self.iv_start, dtype=np.float64)
        end = np.frombuffer(self.iv_end, dtype=np.float64)
        flags = np.frombuffer(self.iv_flags, dtype=np.int8)
        a = np.where(flags & INITIAL, 0, np.floor(start).astype(np.int64) + 1)
        b = np.floor(end).astype(np.int64) + 1
        ends = end < M
        out = {}
        for name, mask in (("on_benefit", (flags & BENEFIT) != 0), ("in_view", (flags & IN_VIEW) != 0)):
            for label, sel in ((name, mask), ("not_" + name, ~mask)):
                plus = np.bincount(cell[sel] * (M + 1) + a[sel], minlength=C * (M + 1))
                sel_end = sel & ends
                minus = np.bincount(cell[sel_end] * (M + 1) + b[sel_end], minlength=C * (M + 1))
                out[label] = np.cumsum((plus - minus).reshape(C, M + 1), axis=1)
        out["without_benefit"] = out.pop("not_on_benefit")
        return out

    def frames(self, start_month: str, munis: list[str], tracks: list[str],
               segments: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(initial, monthly) frames as `sim.results` describes them."""
        M, C = self.months, self.n_cells
        stocks = self._stocks()
        flows = np.bincount(np.frombuffer(self.flows, dtype=np.int64), minlength=C * M * NF).reshape(C, M, NF)
        money = np.bincount(np.frombuffer(self.money_idx, dtype=np.int64),
                            weights=np.frombuffer(self.money_amt, dtype=np.float64),
                            minlength=C * M * 2).reshape(C, M, 2)
        benefit = self._prorate(np.frombuffer(self.iv_cell, dtype=np.int64),
                                np.frombuffer(self.iv_start, dtype=np.float64),
                                np.frombuffer(self.iv_end, dtype=np.float64),
                                np.frombuffer(self.iv_rate, dtype=np.float64))
        subsidy = self._prorate(np.frombuffer(self.sub_cell, dtype=np.int64),
                                np.frombuffer(self.sub_start, dtype=np.float64),
                                np.frombuffer(self.sub_end, dtype=np.float64),
                                np.frombuffer(self.sub_rate, dtype=np.float64))
        # cells in name order
        nm, nt, ns = self.shape
        om, ot, os_ = np.argsort(munis, kind="stable"), np.argsort(tracks, kind="stable"), \
            np.argsort(segments, kind="stable")
        order = ((om[:, None, None] * nt + ot[None, :, None]) * ns + os_[None, None, :]).ravel()
        mu_names = np.repeat(np.array(munis, dtype=object)[om], nt * ns)
        tr_names = np.tile(np.repeat(np.array(tracks, dtype=object)[ot], ns), nm)
        se_names = np.tile(np.array(segments, dtype=object)[os_], nm * nt)

        initial = pd.DataFrame({
            "municipality": mu_names, "track": tr_names, "segment": se_names,
            "stock": (stocks["on_benefit"][order, 0] + stocks["without_benefit"][order, 0]).astype(np.int64),
        })

        def by_month(values: np.ndarray) -> np.ndarray:  # (C, M) -> rows month-major, cells sorted
            return np.ascontiguousarray(values[order].T).ravel()

        cols: dict[str, np.ndarray] = {
            "month": np.repeat(np.array([month_label(start_month, m) for m in range(M)], dtype=object), C),
            "municipality": np.tile(mu_names, M),
            "track": np.tile(tr_names, M),
            "segment": np.tile(se_names, M),
        }
        for name in ("on_benefit", "without_benefit", "in_view", "not_in_view"):
            cols[name] = by_month(stocks[name][:, 1:]).astype(np.int64)
        outflow_by = flows[:, :, F_OUTFLOW:F_OUTFLOW + len(EXIT_CAUSES)]
        cols["inflow"] = by_month(flows[:, :, F_INFLOW]).astype(np.int64)
        cols["outflow"] = by_month(outflow_by.sum(axis=2)).astype(np.int64)
        cols["transfers_in"] = by_month(flows[:, :, F_IN]).astype(np.int64)
        cols["transfers_out"] = by_month(flows[:, :, F_OUT]).astype(np.int64)
        for i, cause in enumerate(EXIT_CAUSES):
            cols[f"outflow_{cause}"] = by_month(flows[:, :, F_OUTFLOW + i]).astype(np.int64)
        cols["partial_work"] = by_month(flows[:, :, F_PARTIAL]).astype(np.int64)
        cols["instrument_starts"] = by_month(flows[:, :, F_STARTS]).astype(np.int64)
        cols["instrument_cost"] = round_half_up(by_month(money[:, :, M_INSTRUMENT]))
        cols["benefit_cost"] = round_half_up(by_month(benefit))
        cols["subsidy_cost"] = round_half_up(by_month(subsidy + money[:, :, M_BUIG]))
        monthly = pd.DataFrame(cols, columns=MONTHLY_COLUMNS)
        assert list(monthly.columns[:4]) == MONTHLY_KEYS
        return initial, monthly
