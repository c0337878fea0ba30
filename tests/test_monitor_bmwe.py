"""Seed 003's own back test of `sporen monitor`: BMWE's actuals up to May 2018 (the caseloads of
1-2 .. 1-6-2018) re-forecast 2018, against the seed's prognosis of 6-8-2018 per municipality.

Recorded with `sporen monitor inputs/scenarios/bmwe.yaml --actuals
inputs/scenarios/bmwe-actuals-2018-05.csv` (100 futures, the default seed) and the vangnet computed
on the mean spending as the prognosis does (`sim.money.vangnet_projection`):

| 2018      | seed's prognosis: spending, vangnet | plan's forecast from January | re-forecast from the actuals |
|-----------|-------------------------------------|------------------------------|------------------------------|
| Bedum     | 2,468,000   50,767                  | 2,481,332 (+0.54%)  57,433    | 2,502,545 (+1.40%)  68,040    |
| De Marne  | 4,146,000   89,412                  | 4,162,264 (+0.39%)  97,544    | 4,150,963 (+0.12%)  91,893    |
| Winsum    | 3,983,000        0                  | 4,001,301 (+0.46%)       0    | 4,079,736 (+2.43%)  36,437    |
| Eemsmond  | 6,314,000        0                  | 6,347,781 (+0.54%)       0    | 6,178,145 (-2.15%)       0    |
| total     | 16,911,000                          | 16,992,678 (+0.48%)           | 16,911,389 (+0.00%)           |

The forecast from January is close to the prognosis by construction (bmwe.yaml's benefit levels
are calibrated to it). The re-forecast moves each municipality with its own caseload: Winsum ended May
at 285 where the forecast expected about 278, Eemsmond at 439 against about 453 (below the plan's
90% band then and in February, when Winsum was above it); the seed's prognosis, made with the
spending to July, did not move that far. Together the four land on the prognosis (+0.00%);
Winsum's higher re-forecast crosses the 5% threshold (a vangnet the prognosis did not expect). The
test runs 40 futures (tolerances below allow for that).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sporen.inputs.actuals import read_actuals
from sporen.inputs.load import load_scenario
from sporen.inputs.plan import baseline_plan
from sporen.inputs.vangnet_rules import scenario_vangnet_rules
from sporen.jobs.reforecast import band_check, reforecast
from sporen.sim.money import vangnet_projection
from sporen.sim.options import DEFAULT_SEED

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "inputs" / "scenarios"
PROGNOSIS = {"Bedum": (2_468_000, 50_767), "De Marne": (4_146_000, 89_412), "Winsum": (3_983_000, 0),
             "Eemsmond": (6_314_000, 0)}
"""Seed 003, 'Prognose vangnetuitkering 2018 (d.d. 6-8-2018)': BUIG spending and vangnet."""
RECORDED = {"Bedum": 2_502_545, "De Marne": 4_150_963, "Winsum": 4_079_736, "Eemsmond": 6_178_145}
"""The re-forecast's mean 2018 spending on 100 futures (the table above)."""


@pytest.fixture(scope="module")
def bmwe():
    scenario = load_scenario(SCENARIOS / "bmwe.yaml")
    actuals = read_actuals(SCENARIOS / "bmwe-actuals-2018-05.csv", scenario)
    rules = scenario_vangnet_rules(scenario, SCENARIOS)
    result = reforecast(scenario, baseline_plan(scenario), actuals, replications=40, seed=DEFAULT_SEED, rules=rules,
                        workers=1, progress=False)
    projection = vangnet_projection(scenario, result.yearly, rules)
    return scenario, actuals, result, projection[projection["year"] == 2018].set_index("municipality")


def test_the_restart_is_the_seeds_caseload_of_1_june_2018(bmwe) -> None:
    _, _, result, _ = bmwe
    assert result.restart_start == "2018-06"
    assert {m: sum(s.values()) for m, s in result.restart_stock.items()} == {
        "Bedum": 173, "De Marne": 294, "Winsum": 285, "Eemsmond": 439}


def test_2018_spending_per_municipality_against_the_prognosis(bmwe) -> None:
    _, _, _, year = bmwe
    for municipality, (spending, _) in PROGNOSIS.items():
        got = year.loc[municipality, "spending"]
        assert abs(got / spending - 1) < 0.035, (municipality, got)            # recorded: at most 2.4% off
        assert abs(got / RECORDED[municipality] - 1) < 0.01, (municipality, got)  # the 100-future figure
    total = year.loc[list(PROGNOSIS), "spending"].sum()
    assert abs(total / sum(s for s, _ in PROGNOSIS.values()) - 1) < 0.005       # recorded: +0.00%


def test_2018_vangnet_against_the_prognosis(bmwe) -> None:
    _, _, _, year = bmwe
    vangnet = year["vangnet_at_mean_spending"]
    assert abs(vangnet["De Marne"] - 89_412) < 0.1 * 89_412                     # recorded 91,893
    assert vangnet["Eemsmond"] == 0                                             # the seed's 0
    assert 50_767 < vangnet["Bedum"] < 90_000                                   # recorded 68,040: a higher deficit
    assert vangnet["Winsum"] > 0                                                # recorded 36,437; the seed's 0


def test_the_four_together_stay_inside_the_band(bmwe) -> None:
    _, actuals, result, _ = bmwe
    check = band_check(result, actuals)
    together = check[check["municipality"] == "all"]
    assert len(together) == 5 and not together["outside"].any()
