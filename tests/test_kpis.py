"""KPIs (sim/kpis.py) and statistics (sim/stats.py): hand-checked values on synthetic frames."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_money import RULES, synthetic_replication

from sporen.inputs.load import load_scenario
from sporen.sim.kpis import KPI_COLUMNS, kaplan_meier_median, kpis
from sporen.sim.money import yearly_accounts
from sporen.sim.stats import T975_TABLE, mean_ci, paired_difference, summarise, t_quantile

TINY = Path(__file__).parent / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def tiny():
    return load_scenario(TINY)


@pytest.fixture(scope="module")
def rep_and_kpis(tiny):
    rep = synthetic_replication(tiny, seed=21)
    yearly = yearly_accounts(rep.monthly, tiny, None, RULES)
    return rep, yearly, kpis(rep, yearly, tiny).set_index(["kpi", "municipality", "year"])["value"]


def test_kpi_frame_shape(rep_and_kpis):
    _, _, table = rep_and_kpis
    frame = table.reset_index()
    assert list(frame.columns) == KPI_COLUMNS
    assert not frame.duplicated(["kpi", "municipality", "year"]).any()
    assert set(frame["municipality"]) == {"Noord", "Zuid", "all"}
    assert set(frame["year"]) == {"2018", "2019", "all", "end"}


def test_outflow_to_work_share(rep_and_kpis):
    rep, _, table = rep_and_kpis
    m = rep.monthly
    noord18 = m[(m["municipality"] == "Noord") & m["month"].str.startswith("2018")]
    assert table[("outflow_to_work_share", "Noord", "2018")] == pytest.approx(
        noord18["outflow_work"].sum() / noord18["outflow"].sum())
    assert table[("outflow_to_work_share", "all", "all")] == pytest.approx(m["outflow_work"].sum() / m["outflow"].sum())
    assert table[("inflow", "all", "all")] == m["inflow"].sum()


def test_share_in_view_is_the_mean_over_month_ends(rep_and_kpis):
    rep, _, table = rep_and_kpis
    per_month = rep.monthly.groupby("month")[["in_view", "not_in_view"]].sum()
    expected = (per_month["in_view"] / per_month.sum(axis=1)).mean()
    assert table[("share_in_view", "all", "all")] == pytest.approx(expected)


def test_time_on_benefit_and_ladder(rep_and_kpis, tiny):
    rep, _, table = rep_and_kpis
    s = rep.spells
    entrants = s[s["entry_time"] >= 0]
    done = entrants.dropna(subset=["exit_time"])
    assert table[("mean_time_on_benefit_months", "all", "all")] == pytest.approx(
        (done["exit_time"] - done["entry_time"]).mean())
    at_end = s[s["exit_time"].isna()]
    for rung in range(1, 7):
        assert table[(f"ladder_share_rung_{rung}", "all", "end")] == pytest.approx((at_end["rung"] == rung).mean())
    assert sum(table[(f"ladder_share_rung_{r}", "Zuid", "end")] for r in range(1, 7)) == pytest.approx(1.0)


def test_caseload_on_1_january(rep_and_kpis):
    rep, _, table = rep_and_kpis
    assert table[("caseload_1jan", "all", "2018")] == rep.initial["stock"].sum()
    dec = rep.monthly[rep.monthly["month"] == "2018-12"]
    assert table[("caseload_1jan", "Noord", "2019")] == (
        dec.loc[dec["municipality"] == "Noord", ["on_benefit", "without_benefit"]].to_numpy().sum())
    last = rep.monthly[rep.monthly["month"] == "2019-12"]
    assert table[("caseload_end", "all", "end")] == last[["on_benefit", "without_benefit"]].to_numpy().sum()


def test_deficits_from_the_yearly_money(rep_and_kpis):
    _, yearly, table = rep_and_kpis
    y = yearly.set_index(["year", "municipality"])
    for year in (2018, 2019):
        assert table[("deficit", "Zuid", str(year))] == y.loc[(year, "Zuid"), "spending"] - y.loc[(year, "Zuid"),
                                                                                                   "buig_budget"]
    after = -(yearly.groupby("year")["result_after_vangnet"].sum())
    assert table[("deficit_after_vangnet", "all", "2019")] == after[2019]
    assert table[("deficit_after_vangnet_cumulative", "all", "2019")] == after.sum()
    assert table[("deficit_after_vangnet", "all", "all")] == after.sum()


def test_kaplan_meier_median_by_hand():
    # 5 exits at 1..5, nobody censored: S drops by 0.2 each, reaches 0.4 at t=3.
    assert kaplan_meier_median(np.array([1, 2, 3, 4, 5.0]), np.ones(5, bool)) == 3.0
    # censored at 1 and 2: S(3) = 2/3 (1 of 3 at risk exits), S(4) = 1/3 -> median 4.
    assert kaplan_meier_median(np.array([1, 2, 3, 4, 5.0]), np.array([0, 0, 1, 1, 1], bool)) == 4.0
    assert math.isnan(kaplan_meier_median(np.array([1, 2.0]), np.array([0, 0], bool)))
    # ties: two exits at t=2 of four at risk -> S = 0.5 at 2.
    assert kaplan_meier_median(np.array([2, 2, 5, 6.0]), np.ones(4, bool)) == 2.0


# -- statistics ----------------------------------------------------------------------------------
def test_t_quantiles():
    assert T975_TABLE[0] == pytest.approx(12.7062, abs=1e-4)
    assert t_quantile(10) == pytest.approx(2.228139, abs=1e-6)
    assert t_quantile(30) == pytest.approx(2.042272, abs=1e-6)
    assert t_quantile(31) == pytest.approx(2.039513, abs=1e-6)     # Cornish-Fisher beyond the table
    assert t_quantile(100) == pytest.approx(1.983972, abs=1e-6)
    assert t_quantile(10**6) == pytest.approx(1.959966, abs=1e-6)
    assert all(a > b for a, b in zip(T975_TABLE, T975_TABLE[1:], strict=False))
    with pytest.raises(ValueError):
        t_quantile(5, 0.9)


def test_mean_ci_by_hand():
    n, mean, std, low, high = mean_ci([1.0, 2.0, 3.0, 4.0, np.nan])
    assert (n, mean) == (4, 2.5)
    assert std == pytest.approx(np.std([1, 2, 3, 4], ddof=1))
    assert high - mean == pytest.approx(3.182446 * std / 2)
    assert mean_ci([7.0])[:2] == (1, 7.0) and math.isnan(mean_ci([7.0])[3])


def test_summarise_groups():
    frame = pd.DataFrame({"replication": [0, 1, 2, 0, 1, 2], "g": ["a"] * 3 + ["b"] * 3,
                          "x": [1.0, 2.0, 3.0, 10.0, 10.0, 10.0]})
    out = summarise(frame, ["g"], "x").set_index("g")
    assert out.loc["a", "mean"] == 2.0 and out.loc["a", "n"] == 3
    assert out.loc["a", "ci_high"] - 2.0 == pytest.approx(4.302653 * 1.0 / math.sqrt(3))
    assert out.loc["b", "ci_low"] == out.loc["b", "ci_high"] == 10.0


def test_paired_difference_detects_a_small_shift_that_unpaired_means_miss():
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 100, 40)
    a = pd.DataFrame({"replication": range(40), "y": noise})
    b = pd.DataFrame({"replication": range(40), "y": noise + 5 + rng.normal(0, 1, 40)})
    out = paired_difference(a, b, [], "y").iloc[0]
    assert out["significant"] and out["ci_low"] > 0 and out["mean_diff"] == pytest.approx(5, abs=1)
    unpaired_a, unpaired_b = mean_ci(a["y"]), mean_ci(b["y"])
    assert unpaired_a[4] > unpaired_b[3]           # the separate intervals overlap
    same = paired_difference(a, a, [], "y").iloc[0]
    assert same["mean_diff"] == 0 and not same["significant"]
    with pytest.raises(ValueError):
        paired_difference(a, b.iloc[:30], [], "y")
