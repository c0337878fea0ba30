"""BMWE forward from 1-1-2018 against seed 003's own figures (the independent checks' targets).

30 futures on fresh seeds (not the calibration's): 2018 BUIG spending per municipality within
0.75% (or 2.5 standard errors of the 30 futures' mean) of the seed's prognosis (Bedum 2,468,000;
De Marne 4,146,000; Winsum 3,983,000; Eemsmond
6,314,000), the 2018 vangnet of the projected spending in total within 15% of the seed's EUR 140,179
(the mean vangnet over the futures is higher, see below), the H1 2018 outflow
within 10% of 185 with 49.7% +- 3 points to work and no start-up dip, the H1 2018 inflow within 5%
of 173 (returns of earlier job-leavers from the first month), the merger into Het Hogeland
in the yearly accounts, and the budget-neutral model's verdict (seed 004) counted once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sporen.inputs.load import load_scenario
from sporen.inputs.vangnet_rules import scenario_vangnet_rules
from sporen.sim.money import vangnet_projection
from sporen.sim.runner import simulate_seeds
from sporen.sim.stats import mean_ci

ROOT = Path(__file__).resolve().parent.parent
BMWE = ROOT / "inputs" / "scenarios" / "bmwe.yaml"
BUDGET_NEUTRAL = ROOT / "inputs" / "scenarios" / "variants" / "bmwe-budget-neutral.yaml"
PROGNOSIS_2018 = {"Bedum": 2_468_000, "De Marne": 4_146_000, "Winsum": 3_983_000, "Eemsmond": 6_314_000}
VANGNET_2018 = 140_179   # seed 003: Bedum 50,767 + De Marne 89,412 (Winsum and Eemsmond 0)
FUTURES, SEED = 30, 2018


@pytest.fixture(scope="module")
def forward():
    scenario = load_scenario(BMWE)
    return simulate_seeds(scenario, None, np.random.SeedSequence(SEED).spawn(FUTURES), workers=2,
                          frames=("monthly", "yearly"))


def test_2018_spending_per_municipality_within_0_75_percent_of_the_prognosis_or_its_noise(forward):
    y = forward.yearly[forward.yearly.year == 2018]
    for municipality, prognosis in PROGNOSIS_2018.items():
        spending = y[y.municipality == municipality].spending.to_numpy()
        assert len(spending) == FUTURES
        error = spending.mean() / prognosis - 1
        # the benefit level is fitted on 200 other futures; the mean of these 30 has a standard error
        # of 0.3-0.5% (the instruments' deadweights are uncertain too): 0.75% or 2.5 standard errors
        se = spending.std(ddof=1) / np.sqrt(len(spending)) / spending.mean()
        assert abs(error) <= max(0.0075, 2.5 * se), \
            f"{municipality}: {spending.mean():,.0f} vs {prognosis:,} ({error:+.2%}, se {se:.2%})"


def test_2018_vangnet_of_the_projection_within_15_percent_of_the_seed(forward):
    """The seed's EUR 140,179 is the vangnet of one projected spending figure per municipality; the
    same rules on the mean projected spending of the futures give the model's counterpart. The
    mean vangnet over the futures is higher (the vangnet is convex in the deficit: the futures
    with a large deficit add more than those with a small one take away), by about 20% here."""
    scenario = load_scenario(BMWE)
    table = vangnet_projection(scenario, forward.yearly, scenario_vangnet_rules(scenario, BMWE.parent))
    y2018 = table[table.year == 2018].set_index("municipality")
    assert set(y2018.rule_status) == {"verified"}
    projected = int(y2018.vangnet_at_mean_spending.sum())
    assert abs(projected / VANGNET_2018 - 1) <= 0.15, f"{projected:,} vs {VANGNET_2018:,}"
    assert y2018.loc["Winsum", "vangnet_at_mean_spending"] == y2018.loc["Eemsmond", "vangnet_at_mean_spending"] == 0
    mean_over_futures = forward.yearly[forward.yearly.year == 2018].groupby("replication").vangnet.sum().mean()
    assert mean_over_futures > projected


def test_h1_2018_outflow_and_work_share_without_a_start_up_dip(forward):
    mo = forward.monthly
    h1 = mo[mo.month <= "2018-06"].groupby("replication")[["outflow", "outflow_work"]].sum()
    outflow = h1.outflow.mean()
    share = h1.outflow_work.sum() / h1.outflow.sum()
    assert abs(outflow / 185 - 1) <= 0.10, outflow
    assert abs(share - 0.497) <= 0.03, share
    # no start-up dip: the first two months' exits are not below the rest of 2018's pace
    per_month = mo[mo.month <= "2018-12"].groupby("month").outflow.sum() / FUTURES
    n, mean, _, low, _ = mean_ci(per_month.iloc[2:].to_numpy())
    assert per_month.iloc[:2].mean() >= 0.9 * mean, per_month.round(1).to_dict()


def test_h1_2018_inflow_within_5_percent_of_the_seed_with_returns_from_the_start(forward):
    """Seed 003: 173 new benefits in H1 2018. People who left for work before 1-1-2018 come back
    from January (sporen.sim.arrivals); without them the run starts short of returns and the H1
    inflow was about 162 (-6%)."""
    mo = forward.monthly
    inflow = mo[mo.month <= "2018-06"].groupby("replication").inflow.sum().mean()
    assert abs(inflow / 173 - 1) <= 0.05, inflow
    # no start-up ramp: the first quarter's inflow keeps the pace of the rest of 2018
    per_month = mo[mo.month <= "2018-12"].groupby("month").inflow.sum() / FUTURES
    assert per_month.iloc[:3].mean() >= 0.95 * per_month.iloc[3:].mean(), per_month.round(1).to_dict()


def test_merger_one_account_from_2019(forward):
    y = forward.yearly
    per_year = y.groupby("year").municipality.agg(lambda s: sorted(set(s)))
    assert per_year[2018] == sorted(PROGNOSIS_2018)
    for year in (2019, 2020, 2021):
        assert per_year[year] == ["Het Hogeland"]
    hh = y[y.year == 2019]
    assert (hh.buig_budget == 15_943_889).all()
    # the former municipalities stay as areas of the caseload
    assert set(forward.monthly[forward.monthly.month == "2021-12"].municipality) == set(PROGNOSIS_2018)


def test_budget_neutral_verdict_counts_the_operating_deficit_once():
    """Seed 004's budget-neutral model: the freed participatiebudget pays the operating deficit
    already in other_lines, so the income and the lines stay as in the base and the exploitatie
    over 2018-2021 improves; lowering the participatiebudget too (the former variant) paid the
    operating deficit twice: exactly the diverted 972 + 1,165 + 1,459 kEUR less, which turned the
    verdict negative."""
    base = load_scenario(BMWE)
    variant = load_scenario(BUDGET_NEUTRAL)
    assert variant.finance.participatiebudget == base.finance.participatiebudget
    assert variant.finance.other_lines == base.finance.other_lines
    double = variant.model_copy(deep=True)
    double.finance.participatiebudget = {2018: 1_836_000, 2019: 972_000, 2020: 861_000, 2021: 786_000}
    seeds = np.random.SeedSequence(SEED).spawn(12)
    runs = [simulate_seeds(s, None, seeds, workers=2, frames=("yearly",)).yearly.groupby("replication")
            .exploitatie_result.sum() for s in (base, variant, double)]
    diverted = (1_944_000 - 972_000) + (2_026_000 - 861_000) + (2_245_000 - 786_000)
    assert ((runs[1] - runs[2]) == diverted).all()          # the double count, to the euro
    # counted once the verdict is not significantly negative (about +0.6M on the compare command's
    # 30 default futures, docs/calibration.md); counted twice it was significantly negative
    n, mean, _, low, high = mean_ci((runs[1] - runs[0]).to_numpy())
    assert high > 0 and high - diverted < 0, (mean, low, high)
