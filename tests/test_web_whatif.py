"""The application layer behind the what-if page (`jobs.whatif`, `jobs.whatif_files`,
`jobs.whatif_optimise`): its numbers are those of `sporen simulate --plan` on the same futures,
its target is the optimiser's, its interval is the optimiser's Wilson interval, and what it writes
is what the commands read back.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sporen.cli import main
from sporen.common.errors import InputError
from sporen.inputs.load import load_plan, load_scenario
from sporen.inputs.plan import Plan, StaffLevel
from sporen.jobs.whatif import evaluate as whatif
from sporen.jobs.whatif.evaluate import Futures, WhatIfTarget, plan_from_levels, what_if
from sporen.jobs.whatif.files import plan_yaml, report_html, variant_yaml, workbook_bytes
from sporen.jobs.whatif.optimiser import run_optimiser

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
FUTURES = 6


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(TINY)


@pytest.fixture(scope="module")
def futures(scenario):
    return Futures(scenario, futures=FUTURES, seed=3, workers=1)


@pytest.fixture(scope="module")
def more_staff(scenario):
    return plan_from_levels(scenario, {"werkgeversdienst": 2.5, "km_werk": 2.0}, {"leerwerk": {2019: 25}},
                            {"screening": True})


def simulate_yearly(tmp_path: Path, plan_text: str | None, seed: int = 3, extra: tuple[str, ...] = (),
                    scenario: Path = TINY) -> pd.DataFrame:
    args = ["simulate", str(scenario), "-n", str(FUTURES), "--seed", str(seed), "-j", "1", "--quiet",
            "--out", str(tmp_path / "run"), *extra]
    if plan_text is not None:
        (tmp_path / "plan.yaml").write_text(plan_text, encoding="utf-8")
        args += ["--plan", str(tmp_path / "plan.yaml")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return pd.read_csv(tmp_path / "run" / "yearly.csv")


def test_what_if_equals_sporen_simulate_of_the_downloaded_plan(tmp_path, futures, more_staff, scenario):
    target = whatif.default_target(scenario)
    view = what_if(futures, more_staff, target)
    text = plan_yaml(futures, more_staff, target, scenario_file=str(TINY))
    yearly = simulate_yearly(tmp_path, text)
    per_year = yearly.groupby(["replication", "year"])["result_after_vangnet"].sum().groupby("year").mean()
    assert np.allclose(view.years.set_index("year")["mean"].to_numpy(), per_year.to_numpy(), atol=1e-6)
    met = whatif.target_met(yearly, target)
    assert view.chance.met == int(met.sum()) and view.chance.n == FUTURES
    # the baseline is `sporen simulate` without a plan, and the paired difference is plan minus baseline
    (tmp_path / "base").mkdir()
    base = simulate_yearly(tmp_path / "base", None)
    base_year = base.groupby(["replication", "year"])["result_after_vangnet"].sum().groupby("year").mean()
    assert np.allclose(view.years["base_mean"].to_numpy(), base_year.to_numpy(), atol=1e-6)
    assert np.allclose(view.years["diff_mean"].to_numpy(), (per_year - base_year).to_numpy(), atol=1e-6)
    assert view.totals["diff_mean"] == pytest.approx(float((per_year - base_year).sum()))
    # the plan moves the deficit: more staff and places cost money and change the result
    assert not np.allclose(view.years["mean"], view.years["base_mean"])
    assert view.cost["personnel"].sum() > 0
    # staff cost as the simulator books it (deterministic): the cost table is the simulated difference
    personnel = (yearly.groupby("year")["personnel_cost"].sum()
                 - base.groupby("year")["personnel_cost"].sum()) / FUTURES
    assert np.allclose(view.cost["personnel"].to_numpy(), personnel.to_numpy(), atol=FUTURES)


def test_the_priority_rule_is_a_variant_that_sporen_simulate_reproduces(tmp_path, futures, scenario):
    target = whatif.default_target(scenario)
    plan = Plan(name="baseline")
    view = what_if(futures, plan, target, priority="kansrijk_first")
    assert view.priority == "kansrijk_first"
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    text = variant_yaml(futures, "kansrijk_first", scenario_file="tiny.yaml")
    assert text is not None and variant_yaml(futures, scenario.policy.priority) is None
    (folder / "variant.yaml").write_text(text, encoding="utf-8")
    yearly = simulate_yearly(tmp_path, None, extra=("--variant", str(folder / "variant.yaml")),
                             scenario=folder / "tiny.yaml")
    per_year = yearly.groupby(["replication", "year"])["result_after_vangnet"].sum().groupby("year").mean()
    assert np.allclose(view.years["mean"].to_numpy(), per_year.to_numpy(), atol=1e-6)


def test_plan_yaml_is_a_plan_the_commands_accept(tmp_path, futures, more_staff, scenario):
    text = plan_yaml(futures, more_staff, whatif.default_target(scenario), scenario_file="tiny.yaml")
    assert text.startswith("# Plan tried on the sporen what-if page")
    assert f"--replications {FUTURES} --seed 3" in text
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_plan(path, scenario)
    assert whatif.plan_key(loaded, scenario) == whatif.plan_key(more_staff, scenario)
    result = CliRunner().invoke(main, ["validate", str(path), "--scenario", str(TINY)])
    assert result.exit_code == 0, result.output


def test_controls_are_checked_like_a_plan_file(scenario):
    with pytest.raises(InputError) as caught:
        plan_from_levels(scenario, {"km_werk": 1.3, "km_participatie": 9.0}, {"leerwerk": {2018: 99}}, {})
    paths = {p.path for p in caught.value.problems}
    assert {"staff.km_werk.fte", "staff.km_participatie.fte", "instruments.leerwerk.2018"} <= paths
    same = plan_from_levels(scenario, {"km_werk": 1.0}, {"leerwerk": {2018: 10, 2019: 10}}, {"screening": False})
    assert same.staff == {} and same.instruments == {} and same.measures == {}   # nothing differs from now


def test_control_limits_follow_the_roles_and_the_optimiser(scenario):
    limits = whatif.control_limits(scenario)
    assert limits["fte"]["km_werk"] == (0.0, 4.0)
    assert limits["fte"]["intake"] == (0.0, 4.5)            # no max_fte: fte_now + 4, as the optimiser
    assert limits["places"]["leerwerk"] == (0, 30)


@pytest.fixture(scope="module")
def yearly_frame(scenario):
    from sporen.sim.api import evaluate

    seeds = np.random.SeedSequence(5).spawn(8)
    return evaluate(scenario, None, seeds, workers=1, frames=("yearly",)).yearly


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(year=st.sampled_from([2018, 2019]), level=st.integers(-300_000, 200_000),
       scope=st.sampled_from(["total", "per-municipality"]), cumulative=st.booleans())
def test_target_met_is_the_optimisers_definition(yearly_frame, scenario, year, level, scope, cumulative):
    from sporen.optimise.design import result_array
    from sporen.optimise.model import Target, met_by_replication

    years, municipalities = scenario.horizon_years, [m.name for m in scenario.municipalities]
    target = WhatIfTarget(from_year=year, level=level, scope=scope, cumulative=cumulative)
    theirs = met_by_replication(result_array(yearly_frame, years, municipalities), years, municipalities,
                                Target(from_year=year, level=level, scope=scope, cumulative=cumulative))
    assert np.array_equal(whatif.target_met(yearly_frame, target), theirs)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 400), data=st.data())
def test_wilson_interval_is_scipys(n, data):
    """The page's (and the optimiser's) Wilson bounds against scipy's independent implementation."""
    from scipy.stats import binomtest

    k = data.draw(st.integers(0, n))
    low, high = whatif.wilson_interval(k, n)
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    theirs = (float(ci.low), float(ci.high))
    assert low == pytest.approx(theirs[0], abs=1e-9) and high == pytest.approx(theirs[1], abs=1e-9)
    assert low <= k / n <= high


def test_verdict_words():
    assert whatif.verdict(0.91, 0.99, 0.9) == "meets"
    assert whatif.verdict(0.80, 0.89, 0.9) == "does_not_meet"
    assert whatif.verdict(0.85, 0.95, 0.9) == "on_the_edge"


@given(low=st.floats(0, 1), width=st.floats(0, 1), required=st.floats(0.01, 0.99))
def test_the_pages_verdict_is_the_optimisers_final_verdict(low, width, required):
    """On fixed futures (the page's) the verdict follows the optimiser's rule at its last look."""
    from sporen.optimise.stats import Estimate, verdict

    high = min(1.0, low + width)
    estimate = Estimate(value=(low + high) / 2, low=low, high=high, n=100)
    assert whatif.verdict(low, high, required) == verdict(estimate, required, zone=0.02, final=True)


def test_the_cache_simulates_a_plan_once_even_when_asked_twice_at_once(scenario, monkeypatch):
    fresh = Futures(scenario, futures=3, seed=9, workers=1)
    calls = []
    original = fresh._simulate

    def counted(model, plan):
        calls.append(plan)
        return original(model, plan)

    monkeypatch.setattr(fresh, "_simulate", counted)
    plan = Plan(name="x", staff={"km_werk": StaffLevel(fte=2.0)})
    same = Plan(name="y", staff={"km_werk": StaffLevel(fte=2.0)})    # another name, the same plan
    results = []
    threads = [threading.Thread(target=lambda p=p: results.append(fresh.outcome(p))) for p in (plan, same, plan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert all(r is results[0] for r in results)


def test_a_failing_simulation_becomes_a_message(futures, scenario, monkeypatch):
    from sporen.web import session

    def broken(*args, **kwargs):
        raise ZeroDivisionError("deep inside the engine")

    monkeypatch.setattr(session, "what_if", broken)
    request = session.Request(futures, Plan(name="p"), whatif.default_target(scenario), None)
    done = session.compute(request)
    assert done.view is None and done.failure == "ZeroDivisionError"
    bad = session.Request(futures, Plan(name="p", staff={"nobody": StaffLevel(fte=1)}), whatif.default_target(scenario))
    monkeypatch.undo()
    done = session.compute(bad)
    assert done.view is None and any("unknown role" in p.message for p in done.problems)


def test_report_and_workbook_of_the_current_plan(futures, more_staff, scenario, tmp_path):
    from sporen.outputs.workbook import read_workbook

    target = whatif.default_target(scenario)
    html = report_html(futures, more_staff, target)            # Dutch, as the page starts
    assert '<html lang="nl"' in html and "werkgeversdienst" in html and "Wat-als-plan voor tiny" in html
    english = report_html(futures, more_staff, target, lang="en")
    assert '<html lang="en"' in english and "What-if plan for tiny" in english
    dutch_book = tmp_path / "resultaten.xlsx"
    dutch_book.write_bytes(workbook_bytes(futures, more_staff, target))
    assert {"doel", "Formatie", "Kosten plan per jaar"} <= set(read_workbook(dutch_book))
    data = workbook_bytes(futures, more_staff, target, lang="en")
    path = tmp_path / "results.xlsx"
    path.write_bytes(data)
    sheets = read_workbook(path)
    assert {"target", "Deficit per municipality", "Formation", "Plan cost per year",
            "Caseload per month"} <= set(sheets)
    formation = sheets["Formation"].set_index("role")
    assert formation.loc["werkgeversdienst", "fte planned"] == 2.5
    target_sheet = sheets["target"].set_index("plan")
    view = what_if(futures, more_staff, target)
    assert target_sheet.loc["with the plan", "futures meeting target"] == view.chance.met


def test_the_optimiser_button_returns_a_plan_the_page_can_show(scenario):
    seen = []
    answer = run_optimiser(scenario, whatif.default_target(scenario), workers=1, replications=4, max_futures=16,
                           tradeoff=(), progress=lambda fraction, text: seen.append(fraction))
    assert answer.verdict in whatif.VERDICTS
    assert 4 <= answer.replications <= 16 and 0 <= answer.probability <= 1
    # done / planned: the planned work grows as tests ask for more futures, so the share may step back
    assert seen[0] == 0.0 and seen[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in seen)
    plan_from_levels(scenario, {n: lv.fte for n, lv in answer.plan.staff.items()}, answer.plan.instruments,
                     answer.plan.measures)   # within the controls' limits
    assert int(whatif.cost_table(answer.plan, scenario)["total"].sum()) == answer.cost   # the optimiser's cost
    with pytest.raises(InputError):
        run_optimiser(scenario, WhatIfTarget(from_year=2030), workers=1)


def test_plan_yaml_header_says_how_it_was_judged(futures, scenario):
    text = plan_yaml(futures, Plan(name="baseline"), WhatIfTarget(from_year=2019, level=-50_000, probability=0.8))
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("a deficit after vangnet of at most €50,000 in every year from 2019" in line for line in header)
    assert any(f"On {FUTURES} simulated futures (seed 3)" in line for line in header)
    body = yaml.safe_load(text)
    assert body == {"name": "baseline", "staff": {}, "instruments": {}, "measures": {}}


def test_a_loaded_plan_keeps_its_arrival_months_and_bad_values_are_problems(scenario):
    plan = Plan(name="p", staff={"km_werk": StaffLevel(fte=2.0, arrives="2018-09")})
    levels = whatif.plan_levels(plan, scenario)
    again = plan_from_levels(scenario, levels["fte"], levels["places"], levels["measures"], arrives=levels["arrives"])
    assert again.staff["km_werk"].arrives == "2018-09"
    assert whatif.plan_key(again, scenario) == whatif.plan_key(plan, scenario)
    with pytest.raises(InputError) as caught:
        plan_from_levels(scenario, {"km_werk": -1.0}, {"leerwerk": {2018: -3}}, {})
    assert {p.path for p in caught.value.problems} >= {"staff.km_werk.fte", "instruments.leerwerk.2018"}


def test_the_target_follows_the_municipalities_the_simulator_reports():
    """After a merger the yearly rows name the merged municipality (Het Hogeland from 2019 instead of
    four): the target is judged on the rows as they are, with no names or counts assumed."""
    rows = []
    for replication, shift in ((0, 0), (1, -200), (2, 100)):
        for name in ("Bedum", "De Marne", "Winsum", "Eemsmond"):
            rows.append({"replication": replication, "year": 2018, "municipality": name,
                         "result_after_vangnet": -50 + shift})
        for year in (2019, 2020):
            rows.append({"replication": replication, "year": year, "municipality": "Het Hogeland",
                         "result_after_vangnet": 10 + shift})
    yearly = pd.DataFrame(rows)
    every_year = WhatIfTarget(from_year=2019)
    assert whatif.target_met(yearly, every_year).tolist() == [True, False, True]
    from_start = WhatIfTarget(from_year=2018, scope="per-municipality")
    assert whatif.target_met(yearly, from_start).tolist() == [False, False, True]
    summed = WhatIfTarget(from_year=2018, cumulative=True)       # -200 + 20 = -180 in replication 0
    assert whatif.target_met(yearly, summed).tolist() == [False, False, True]
