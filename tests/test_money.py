"""Yearly money (sim/money.py): conservation of euros, allocation, vangnet, exploitatie formula.

Unit tests use synthetic monthly frames (`synthetic_replication`) so every number is known; the
last tests run the real engine on tests/data/tiny.yaml.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario
from sporen.inputs.plan import Plan, StaffLevel
from sporen.inputs.schema import EXIT_CAUSES, month_label
from sporen.inputs.vangnet_rules import load_vangnet_rules
from sporen.sim.money import (
    MONEY_COLUMNS,
    SHARED_COST_COLUMNS,
    YEARLY_COLUMNS,
    MoneyModel,
    allocate,
    allocate_rows,
    fixed_costs,
    money_problems,
    round_half_up,
    yearly_accounts,
)
from sporen.sim.results import MONTHLY_COLUMNS, SPELL_COLUMNS, ReplicationResult
from sporen.sim.runner import check_inputs
from sporen.sim.vangnet import vangnet_table

TINY = Path(__file__).parent / "data" / "tiny.yaml"
RULES = load_vangnet_rules()


@pytest.fixture(scope="module")
def tiny():
    return load_scenario(TINY)


def synthetic_replication(scenario, seed: int = 0, replication: int = 0) -> ReplicationResult:
    """A ReplicationResult with random but internally consistent counts and costs (not the engine)."""
    rng = np.random.default_rng(seed)
    munis = sorted(m.name for m in scenario.municipalities)
    tracks = sorted(t.name for t in scenario.tracks)
    segments = sorted(s.name for s in scenario.segments)
    cost = {s.name: s.benefit_per_month for s in scenario.segments}
    rows = []
    for m in range(scenario.months):
        label = month_label(scenario.start, m)
        for u in munis:
            for t in tracks:
                for s in segments:
                    on = int(rng.integers(0, 40))
                    without = int(rng.integers(0, 3))
                    in_view = int(rng.integers(0, on + without + 1))
                    causes = rng.integers(0, 3, size=len(EXIT_CAUSES))
                    row = {
                        "month": label, "municipality": u, "track": t, "segment": s,
                        "on_benefit": on, "without_benefit": without, "in_view": in_view,
                        "not_in_view": on + without - in_view, "inflow": int(rng.integers(0, 5)),
                        "outflow": int(causes.sum()), "transfers_in": 0, "transfers_out": 0,
                        **{f"outflow_{c}": int(k) for c, k in zip(EXIT_CAUSES, causes, strict=True)},
                        "partial_work": 0, "instrument_starts": int(rng.integers(0, 2)),
                        "instrument_cost": int(rng.integers(0, 2)) * 3000,
                        "benefit_cost": on * cost[s], "subsidy_cost": int(rng.integers(0, 2)) * 900,
                    }
                    rows.append(row)
    monthly = pd.DataFrame(rows, columns=MONTHLY_COLUMNS)
    n = 300
    entry = rng.uniform(-40, scenario.months, n)
    length = rng.exponential(20, n)
    exit_time = np.where(entry + length < scenario.months, entry + length, np.nan)
    spells = pd.DataFrame({
        "client": np.arange(n), "municipality": rng.choice(munis, n), "segment": rng.choice(segments, n),
        "track_at_entry": rng.choice(tracks, n), "rung": rng.integers(1, 7, n), "entry_time": entry,
        "exit_time": exit_time, "exit_cause": np.where(np.isnan(exit_time), None, "work"), "initial": entry < 0,
    }, columns=SPELL_COLUMNS)
    initial = monthly[monthly["month"] == month_label(scenario.start, 0)][["municipality", "track", "segment"]].copy()
    initial["stock"] = 10
    return ReplicationResult(replication, initial.reset_index(drop=True), monthly, spells)


# -- pure helpers --------------------------------------------------------------------------------
def test_round_half_up():
    assert [round_half_up(Fraction(x, 2)) for x in (1, 3, 5, -1, -3)] == [1, 2, 3, -1, -2]
    assert round_half_up(Fraction(7, 3)) == 2 and round_half_up(10) == 10


def test_allocate_largest_remainder_by_hand():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(10, [Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)]) == [5, 3, 2]
    assert allocate(-10, [1, 1, 1]) == [-4, -3, -3]
    assert allocate(7, [0, 0]) == [4, 3]          # nobody on the caseload: even split
    assert allocate(0, [3, 5]) == [0, 0]


@settings(max_examples=200, deadline=None)
@given(st.integers(-10**9, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=8))
def test_allocate_sums_exactly_and_stays_within_one_euro(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    scale = sum(weights)
    if scale:
        for part, w in zip(parts, weights, strict=True):
            assert abs(part - Fraction(total * w, scale)) < 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(-10**9, 10**9), st.lists(st.integers(0, 10**5), min_size=3, max_size=3)),
                min_size=1, max_size=6))
def test_vectorised_allocation_equals_allocate(rows):
    totals = np.array([t for t, _ in rows], dtype=np.int64)
    weights = np.array([w for _, w in rows], dtype=np.int64)
    expected = [allocate(int(t), list(w)) for t, w in rows]
    assert allocate_rows(totals, weights).tolist() == expected


# -- conservation on synthetic replications ------------------------------------------------------
def test_spending_is_benefit_plus_subsidy_exactly(tiny):
    rep = synthetic_replication(tiny, seed=1)
    yearly = yearly_accounts(rep.monthly, tiny, None, RULES)
    assert list(yearly.columns) == YEARLY_COLUMNS
    assert all(yearly[c].dtype == np.int64 for c in MONEY_COLUMNS)
    monthly = rep.monthly.assign(year=rep.monthly["month"].str[:4].astype(int))
    sums = monthly.groupby(["year", "municipality"])[["benefit_cost", "subsidy_cost"]].sum()
    merged = yearly.set_index(["year", "municipality"]).join(sums.add_suffix("_m"))
    assert (merged["benefit_cost"] == merged["benefit_cost_m"]).all()
    assert (merged["subsidy_cost"] == merged["subsidy_cost_m"]).all()
    assert (merged["spending"] == merged["benefit_cost_m"] + merged["subsidy_cost_m"]).all()
    assert (yearly["buig_result"] == yearly["buig_budget"] - yearly["spending"]).all()
    assert (yearly["result_after_vangnet"] == yearly["buig_result"] + yearly["vangnet"]).all()
    expected = (yearly["result_after_vangnet"] - yearly["personnel_cost"] - yearly["instrument_cost"]
                - yearly["measure_cost"] - yearly["other_lines"] + yearly["participatiebudget"])
    assert (yearly["exploitatie_result"] == expected).all()


def test_shared_costs_add_up_to_their_totals(tiny):
    rep = synthetic_replication(tiny, seed=2)
    yearly = yearly_accounts(rep.monthly, tiny, None, RULES)
    fixed = fixed_costs(tiny, None)
    per_year = yearly.groupby("year")[SHARED_COST_COLUMNS].sum()
    assert list(per_year["personnel_cost"]) == list(fixed.personnel_cost)
    assert list(per_year["measure_cost"]) == list(fixed.measure_cost)
    assert list(per_year["other_lines"]) == [50000, 60000]
    assert list(per_year["participatiebudget"]) == [100000, 100000]
    instruments = rep.monthly.assign(year=rep.monthly["month"].str[:4].astype(int)).groupby("year")["instrument_cost"]
    assert list(per_year["instrument_cost"]) == list(instruments.sum())


def test_pro_rata_by_client_months(tiny):
    rep = synthetic_replication(tiny, seed=3)
    yearly = yearly_accounts(rep.monthly, tiny, None, RULES).set_index(["year", "municipality"])
    monthly = rep.monthly.assign(year=rep.monthly["month"].str[:4].astype(int),
                                 clients=rep.monthly["on_benefit"] + rep.monthly["without_benefit"])
    client_months = monthly.groupby(["year", "municipality"])["clients"].sum()
    for year in (2018, 2019):
        share = client_months[year] / client_months[year].sum()
        personnel = yearly.loc[year, "personnel_cost"]
        assert ((personnel - share * personnel.sum()).abs() < 1).all()


def test_cost_share_when_given(tiny):
    scenario = tiny.model_copy(deep=True)
    scenario.municipalities[0].cost_share = 0.7     # Noord
    scenario.municipalities[1].cost_share = 0.3     # Zuid
    yearly = yearly_accounts(synthetic_replication(scenario).monthly, scenario, None, RULES)
    other = yearly.set_index(["year", "municipality"])["other_lines"]
    assert other[(2018, "Noord")] == 35000 and other[(2018, "Zuid")] == 15000
    assert other[(2019, "Noord")] == 42000 and other[(2019, "Zuid")] == 18000


def test_personnel_by_hand(tiny):
    # km_werk 1.0 -> 2.0 fte from 2018-07; everyone else at fte_now. Screening (a measure) is off.
    plan = Plan(staff={"km_werk": StaffLevel(fte=2.0, arrives="2018-07")})
    fixed = fixed_costs(tiny, plan)
    now = sum(r.fte_now * r.cost_per_fte_year for r in tiny.roles)   # per year at fte_now
    assert fixed.personnel_cost == (round(now + 6 * 70000 / 12), round(now + 70000))
    assert fixed.measure_cost == (0, 0)
    on = fixed_costs(tiny, Plan(measures={"screening": True}))
    assert on.measure_cost == (20000, 20000)


def test_measures_one_off_prorated_and_extra_fte(tiny):
    scenario = tiny.model_copy(deep=True)
    measure = scenario.measures[0]
    measure.one_off_cost, measure.cost_per_year = 5000, 12000
    measure.start_offset_months, measure.duration_months = 9, 6            # 2018-10 .. 2019-03
    measure.effects.extra_fte = {"km_werk": 1.5}
    fixed = fixed_costs(scenario, Plan(measures={"screening": True}))
    assert fixed.measure_cost == (5000 + 3 * 1000, 3 * 1000)
    base = fixed_costs(scenario, None)
    extra = [a - b for a, b in zip(fixed.personnel_cost, base.personnel_cost, strict=True)]
    assert extra == [round(1.5 * 70000 / 12 * 3), round(1.5 * 70000 / 12 * 3)]


def test_vangnet_rows_equal_vangnet_table_on_the_same_accounts(tiny):
    scenario = tiny.model_copy(deep=True)
    for m in scenario.municipalities:          # budgets low enough for a vangnet
        m.buig_budget = {2018: 700000, 2019: 650000}
    rep = synthetic_replication(scenario, seed=4)
    yearly = yearly_accounts(rep.monthly, scenario, None, RULES)
    history = [(m.name, y, a.budget, a.spending) for m in scenario.municipalities for y, a in m.history.items()]
    simulated = list(yearly[["municipality", "year", "buig_budget", "spending"]].itertuples(index=False, name=None))
    accounts = pd.DataFrame(history + simulated, columns=["municipality", "year", "budget", "spending"])
    table = vangnet_table(accounts, {y: r for y, r in RULES.items() if y >= 2018})
    table = table[table["year"] >= 2018].set_index(["year", "municipality"])
    mine = yearly.set_index(["year", "municipality"])
    assert (mine["vangnet"] == table.loc[mine.index, "compensation"]).all()
    assert (mine["result_after_vangnet"] == table.loc[mine.index, "result_after_vangnet"]).all()
    assert mine["vangnet"].sum() > 0


def test_history_feeds_the_multi_year_test(tiny):
    # Same deficit share, different history: a surplus history fails the 3-year test.
    scenario = tiny.model_copy(deep=True)
    for m in scenario.municipalities:
        m.buig_budget = {2018: 600000, 2019: 600000}
    rep = synthetic_replication(scenario, seed=5)
    deficit_history = yearly_accounts(rep.monthly, scenario, None, RULES)
    for m in scenario.municipalities:
        for acc in m.history.values():
            acc.budget = acc.spending + 3000000
    surplus_history = yearly_accounts(rep.monthly, scenario, None, RULES)
    first = deficit_history["year"] == 2018
    assert (deficit_history.loc[first, "vangnet"] > 0).all()
    assert (surplus_history.loc[first, "vangnet"] == 0).all()


def test_non_dense_monthly_order_gives_the_same_money(tiny):
    rep = synthetic_replication(tiny, seed=6)
    shuffled = rep.monthly.sample(frac=1.0, random_state=1)
    model = MoneyModel(tiny, None, RULES)
    pd.testing.assert_frame_equal(model.yearly(rep.monthly), model.yearly(shuffled))


def test_money_problems_name_the_field(tiny):
    scenario = tiny.model_copy(deep=True)
    scenario.municipalities[1].history = {}
    problems = money_problems(scenario, RULES, "tiny.yaml")
    assert {p.path for p in problems} == {"municipalities.Zuid.history"}
    assert "2016-2017" in problems[0].allowed
    late = tiny.model_copy(deep=True)
    late.start = "2030-01"
    for m in late.municipalities:
        m.buig_budget = {2030: 1, 2031: 1}
    problems = money_problems(late, RULES, "tiny.yaml")
    assert problems[0].path == "finance.vangnet_rules" and "2030" in problems[0].message
    with pytest.raises(InputError):
        check_inputs(late, Plan(), RULES)


def test_partial_years_prorate_the_budget(tiny):
    scenario = tiny.model_copy(deep=True)
    scenario.start = "2018-07"
    scenario.years = 1
    for m in scenario.municipalities:
        m.buig_budget = {2018: 1200000, 2019: 1200000}
        m.history[2017] = m.history[2017].model_copy()
    rep = synthetic_replication(scenario, seed=7)
    yearly = yearly_accounts(rep.monthly, scenario, None, RULES)
    assert list(yearly["months"]) == [6, 6, 6, 6]
    assert (yearly["buig_budget"] == 600000).all()
    assert yearly.groupby("year")["other_lines"].sum().to_dict() == {2018: 25000, 2019: 30000}


# -- the real engine ---------------------------------------------------------------------------
def test_engine_replication_conserves_money(tiny):
    import numpy as np

    from sporen.sim.engine import run_replication

    rep = run_replication(tiny, Plan(), np.random.SeedSequence(11), replication=0)
    yearly = yearly_accounts(rep.monthly, tiny, None, RULES)
    monthly = rep.monthly.assign(year=rep.monthly["month"].str[:4].astype(int))
    spend = monthly.groupby(["year", "municipality"])[["benefit_cost", "subsidy_cost"]].sum().sum(axis=1)
    assert (yearly.set_index(["year", "municipality"])["spending"] == spend).all()
    assert yearly["spending"].sum() > 0
    fixed = fixed_costs(tiny, None)
    assert list(yearly.groupby("year")["personnel_cost"].sum()) == list(fixed.personnel_cost)


# -- mergers -------------------------------------------------------------------------------------
def merged_tiny(tiny):
    """tiny with Noord and Zuid merged into Midden on 1-1-2019."""
    raw = tiny.model_dump()
    raw["mergers"] = [{"name": "Midden", "date": "2019-01", "municipalities": ["Noord", "Zuid"],
                       "buig_budget": {2019: 1_300_000}}]
    for m in raw["municipalities"]:
        m["buig_budget"] = {2018: m["buig_budget"][2018]}
    from sporen.inputs.load import scenario_from_dict

    return scenario_from_dict(raw, "merged.yaml")


def test_merger_gives_one_account_from_the_merger_year(tiny):
    merged = merged_tiny(tiny)
    rep = synthetic_replication(merged, seed=8)
    yearly = yearly_accounts(rep.monthly, merged, None, RULES)
    assert [(y, m) for y, m in yearly[["year", "municipality"]].itertuples(index=False)] == [
        (2018, "Noord"), (2018, "Zuid"), (2019, "Midden")]
    spend = rep.monthly.assign(year=rep.monthly["month"].str[:4].astype(int)).groupby("year")[
        ["benefit_cost", "subsidy_cost"]].sum().sum(axis=1)
    assert yearly.groupby("year")["spending"].sum().to_dict() == spend.to_dict()
    row = yearly.set_index(["year", "municipality"]).loc[(2019, "Midden")]
    assert row.buig_budget == 1_300_000
    # shared costs still add up to their totals
    fixed = fixed_costs(merged, None)
    assert list(yearly.groupby("year")["personnel_cost"].sum()) == list(fixed.personnel_cost)


def test_merged_vangnet_tests_the_summed_predecessors(tiny):
    merged = merged_tiny(tiny)
    rep = synthetic_replication(merged, seed=9)
    model = MoneyModel(merged, None, RULES)
    yearly = model.yearly(rep.monthly).set_index(["year", "municipality"])
    # by hand: Midden 2019's three-year test sums Noord + Zuid for 2017 (history) and 2018 (simulated)
    rows = [("Noord", 2017, 980000, 1050000), ("Zuid", 2017, 800000, 820000)]
    rows += [(m, 2018, int(yearly.loc[(2018, m), "buig_budget"]), int(yearly.loc[(2018, m), "spending"]))
             for m in ("Noord", "Zuid")]
    summed = pd.DataFrame(
        [("Midden", 2017, 1780000, 1870000),
         ("Midden", 2018, sum(r[2] for r in rows[2:]), sum(r[3] for r in rows[2:])),
         ("Midden", 2019, 1_300_000, int(yearly.loc[(2019, "Midden"), "spending"]))],
        columns=["municipality", "year", "budget", "spending"])
    table = vangnet_table(summed, RULES).set_index("year")
    assert yearly.loc[(2019, "Midden"), "vangnet"] == table.loc[2019, "compensation"]


def test_one_merged_test_differs_from_separate_tests(tiny):
    """Two tests on the parts can pay where one test on the sum does not (the reason for mergers)."""
    separate = tiny.model_copy(deep=True)
    for m in separate.municipalities:
        m.buig_budget = {2018: 700000, 2019: 700000}
    merged_raw = separate.model_dump()
    merged_raw["mergers"] = [{"name": "Midden", "date": "2019-01", "municipalities": ["Noord", "Zuid"],
                              "buig_budget": {2019: 1_400_000}}]
    from sporen.inputs.load import scenario_from_dict

    merged = scenario_from_dict(merged_raw, "merged.yaml")
    rep = synthetic_replication(separate, seed=10)
    a = yearly_accounts(rep.monthly, separate, None, RULES)
    b = yearly_accounts(rep.monthly, merged, None, RULES)
    assert a.query("year == 2019")["spending"].sum() == b.query("year == 2019")["spending"].sum()
    assert a.query("year == 2018").equals(b.query("year == 2018"))
    assert set(b.query("year == 2019")["municipality"]) == {"Midden"}


@pytest.mark.parametrize(("change", "path", "fragment"), [
    (lambda g: g.update(municipalities=["Noord", "Oost"]), "mergers.Midden.municipalities.1",
     "unknown municipality 'Oost'"),
    (lambda g: g.update(date="2021-01"), "mergers.Midden.date", "outside the horizon 2018-01..2019-12"),
    (lambda g: g.update(date="2019-07"), "mergers.Midden.date", "not a January"),
    (lambda g: g.update(buig_budget={}), "mergers.Midden.buig_budget", "no budget for [2019]"),
])
def test_bad_merger_is_an_input_error_naming_the_field(tiny, change, path, fragment):
    from sporen.inputs.load import scenario_from_dict

    raw = tiny.model_dump()
    merger = {"name": "Midden", "date": "2019-01", "municipalities": ["Noord", "Zuid"],
              "buig_budget": {2019: 1_300_000}}
    change(merger)
    raw["mergers"] = [merger]
    with pytest.raises(InputError) as err:
        scenario_from_dict(raw, "merged.yaml")
    assert any(p.path == path and fragment in p.message for p in err.value.problems), err.value.problems


def test_a_municipality_merged_twice_is_an_input_error(tiny):
    from sporen.inputs.load import scenario_from_dict

    raw = tiny.model_dump()
    raw["mergers"] = [
        {"name": "Midden", "date": "2019-01", "municipalities": ["Noord", "Zuid"], "buig_budget": {2019: 1}},
        {"name": "Anders", "date": "2019-01", "municipalities": ["Zuid", "Noord"], "buig_budget": {2019: 1}},
    ]
    with pytest.raises(InputError) as err:
        scenario_from_dict(raw, "merged.yaml")
    paths = {p.path: p.message for p in err.value.problems}
    assert "merged twice (also into Midden)" in paths["mergers.Anders.municipalities.0"]


def test_bad_merger_exits_2_naming_the_field(tiny, tmp_path):
    import yaml
    from click.testing import CliRunner

    from sporen.cli import main

    raw = yaml.safe_load(TINY.read_text())
    raw["mergers"] = [{"name": "Midden", "date": "2025-01", "municipalities": ["Noord", "Oost"],
                       "buig_budget": {2019: 1}}]
    path = tmp_path / "merged.yaml"
    path.write_text(yaml.safe_dump(raw))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}: mergers.Midden.municipalities.1: unknown municipality 'Oost'" in result.output
    assert f"{path}: mergers.Midden.date: 2025-01 is outside the horizon 2018-01..2019-12" in result.output
    assert "Traceback" not in result.output
