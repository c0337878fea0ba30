"""Starting from actuals (sim/from_actuals.py): the restart scenario and plan keep the calendar,
the money of a re-forecast adds the realised months to each future exactly, and the flag's band
check says 'outside' exactly when an actual leaves the forecast's 5-95%."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.random import SeedSequence

from sporen.inputs.actuals import Actuals
from sporen.inputs.load import load_scenario
from sporen.inputs.plan import Plan, StaffLevel, fte_path
from sporen.inputs.schema import month_label
from sporen.inputs.vangnet_rules import scenario_vangnet_rules
from sporen.jobs.reforecast import band_check, monitor_table, reforecast
from sporen.sim.from_actuals import Restart, restart_plan, restart_scenario, segment_stock
from sporen.sim.uncertainty import apply_uncertainty

ROOT = Path(__file__).resolve().parent.parent
TINY = load_scenario(ROOT / "tests" / "data" / "tiny.yaml")
STOCK = {"Noord": {"regular": 66, "refugees": 9}, "Zuid": {"regular": 47, "refugees": 0}}


def test_the_restart_keeps_the_calendar() -> None:
    restart = restart_scenario(TINY, "2018-05", STOCK)
    assert isinstance(restart, Restart)
    assert (restart.start, restart.months, restart.horizon_years) == ("2018-06", 19, [2018, 2019])
    noord = restart.municipality("Noord")
    assert noord.initial_stock == {"regular": round(66 / 0.95), "refugees": 9}   # 5% of regular without benefit
    regular = TINY.segment("regular")
    trend = (1 + regular.application_trend_per_year) ** (5 / 12)
    assert noord.applications_per_month["regular"] == TINY.municipality("Noord").applications_per_month["regular"] \
        * trend
    for before, after in zip(TINY.measures, restart.measures, strict=True):
        if before.duration_months is None:
            assert after.start_offset_months == max(0, before.start_offset_months - 5)
    # the uncertain parameters of a future are drawn on the restart as on any scenario
    drawn, _ = apply_uncertainty(restart.model_copy(update={"uncertainty": TINY.uncertainty}), SeedSequence(1))
    assert isinstance(drawn, Restart) and drawn.months == 19


def test_segment_stock_is_whole_and_adds_up() -> None:
    split = segment_stock(TINY, {"Noord": 75, "Zuid": 47}, {("Noord", "regular"): 60.2, ("Noord", "refugees"): 9.9})
    assert split["Noord"] == {"regular": 64, "refugees": 11} and sum(split["Zuid"].values()) == 47
    assert split["Zuid"] == {"regular": 47, "refugees": 0}   # no forecast mix: the base's initial stock


@settings(max_examples=60, deadline=None)
@given(arrives=st.integers(0, 23), restart=st.integers(0, 22), steps=st.lists(st.integers(1, 4), max_size=3),
       changes=st.lists(st.integers(1, 23), max_size=3, unique=True))
def test_the_restart_plan_has_the_same_fte_every_month(arrives: int, restart: int, steps: list[int],
                                                       changes: list[int]) -> None:
    later = {month_label(TINY.start, m): 1.0 + 0.5 * s for m, s in zip(changes, steps, strict=False) if m > arrives}
    plan = Plan(staff={"km_werk": StaffLevel(fte=2.0, arrives=month_label(TINY.start, arrives), later=later)})
    scenario = restart_scenario(TINY, month_label(TINY.start, restart), STOCK)
    moved = restart_plan(plan, TINY, scenario)

    def monthly(path: list[tuple[int, float]], months: int) -> list[float]:
        out = [0.0] * months
        for start, fte in path:
            for m in range(max(0, start), months):
                out[m] = fte
        return out

    before = monthly(fte_path(plan, TINY, "km_werk"), TINY.months)[restart + 1:]
    after = monthly(fte_path(moved, scenario, "km_werk"), scenario.months)
    assert after == before


def actuals_of(table: pd.DataFrame) -> Actuals:
    rows = table.assign(segment="", **{c: np.nan for c in ("inflow", "outflow", "outflow_work", "outflow_moved",
                                                               "outflow_pension", "outflow_partner_income",
                                                               "outflow_death", "outflow_enforcement",
                                                               "outflow_prior_provision", "outflow_other")})
    return Actuals("test", rows, False)


def test_the_money_of_a_reforecast_adds_up() -> None:
    rules = scenario_vangnet_rules(TINY, ROOT / "tests" / "data")
    seen = pd.DataFrame({"month": ["2018-01", "2018-01", "2018-02", "2018-02", "2018-03", "2018-03"],
                         "municipality": ["Noord", "Zuid"] * 3, "caseload": [70, 50, 72, 48, 75, 47],
                         "spending": [81000, np.nan, 82000, np.nan, 83000, np.nan]})
    result = reforecast(TINY, Plan(), actuals_of(seen), replications=4, seed=3, rules=rules, workers=1,
                        progress=False)
    assert result.restart_start == "2018-04"
    assert {m: sum(s.values()) for m, s in result.restart_stock.items()} == {"Noord": 75, "Zuid": 47}
    # 2018 spending of every future = the realised months (the actuals' where given) + its own simulated months
    realised = result.realised.groupby("municipality")["spending"].sum()
    assert result.realised.query("municipality == 'Noord'")["spending"].tolist() == [81000, 82000, 83000]
    simulated = result.monthly[result.monthly["month"] <= "2018-12"].groupby(["replication", "municipality"])[
        "spending"].sum()
    spent = result.yearly[result.yearly["year"] == 2018].set_index(["replication", "municipality"])["spending"]
    for (replication, municipality), value in spent.items():
        assert value == realised[municipality] + simulated[(replication, municipality)]
    # the vangnet and results are the base's money model's: result = budget - spending, after = result + vangnet
    yearly = result.yearly
    assert (yearly["buig_result"] == yearly["buig_budget"] - yearly["spending"]).all()
    assert (yearly["result_after_vangnet"] == yearly["buig_result"] + yearly["vangnet"]).all()
    table = monitor_table(result)
    assert set(table["measure"]) == {"spending", "buig_result", "vangnet", "result_after_vangnet"}
    row = table.query("year == 2018 and municipality == 'all' and measure == 'spending'").iloc[0]
    assert row["reforecast_p05"] <= row["reforecast_p50"] <= row["reforecast_p95"]
    assert row["buig_budget"] == 1_800_000
    check = band_check(result, actuals_of(seen))
    assert set(check["measure"]) == {"caseload", "spending"}
    outside = (check["actual"] < check["plan_p05"]) | (check["actual"] > check["plan_p95"])
    assert (check["outside"] == outside).all()


def test_actuals_per_segment_are_the_restarts_stock(tmp_path: Path) -> None:
    from sporen.inputs.actuals import read_actuals

    path = tmp_path / "werkelijk.csv"
    path.write_text("maand;gemeente;doelgroep;bestand\n2018-01;Noord;regular;61\n2018-01;Noord;refugees;12\n"
                    "2018-01;Zuid;regular;48\n2018-01;Zuid;refugees;2\n", encoding="utf-8")
    actuals = read_actuals(path, TINY)
    rules = scenario_vangnet_rules(TINY, ROOT / "tests" / "data")
    result = reforecast(TINY, Plan(), actuals, replications=3, seed=2, rules=rules, workers=1, progress=False)
    assert result.restart_stock == {"Noord": {"regular": 61, "refugees": 12}, "Zuid": {"regular": 48, "refugees": 2}}
