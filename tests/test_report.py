"""The HTML report and its figures, on synthetic result frames shaped like the simulator's.

The end-to-end report of a real run is checked in test_plan_cli.py and test_browser.py; here the
report's parts are checked on frames we control: one file, no external links or scripts, every
section and figure present, euros formatted, Kaplan-Meier against a hand computation.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sporen.inputs.load import load_scenario
from sporen.inputs.plan import Plan, StaffLevel
from sporen.outputs import figures
from sporen.outputs.model_description import assumptions_table, model_description, unsourced_table
from sporen.outputs.report import (
    NextStep,
    PlanOutcome,
    RunFrames,
    compare_report,
    deficit_table,
    eur,
    eur_words,
    plan_report,
    result_words,
    write_report,
)

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def synthetic_frames(scenario, replications: int = 5, shift: float = 0.0, seed: int = 1) -> RunFrames:
    """Frames with the simulator's columns: monthly, yearly, kpis and spells for `replications`."""
    rng = np.random.default_rng(seed)
    months = [f"{y}-{m:02d}" for y in scenario.horizon_years for m in range(1, 13)]
    munis = [m.name for m in scenario.municipalities]
    tracks = [t.name for t in scenario.tracks]
    segments = [s.name for s in scenario.segments]
    rows = []
    for r in range(replications):
        for i, month in enumerate(months):
            for mu in munis:
                for t in tracks:
                    for s in segments:
                        level = 20 + 3 * np.sin(i / 4) + rng.normal(0, 1) - shift * i / 10
                        on = max(0, int(level))
                        rows.append((r, month, mu, t, s, on, 1, on // 2, on - on // 2, 2, 2,
                                     1000 * on, 0))
    monthly = pd.DataFrame(rows, columns=["replication", "month", "municipality", "track", "segment", "on_benefit",
                                          "without_benefit", "in_view", "not_in_view", "inflow", "outflow",
                                          "benefit_cost", "subsidy_cost"])
    yrows = []
    for r in range(replications):
        for y in scenario.horizon_years:
            for m in scenario.municipalities:
                budget = m.buig_budget[y]
                spending = int(budget * (1.08 - shift * 0.05) + rng.normal(0, 20_000))
                result = budget - spending
                vangnet = max(0, int(-result - 0.05 * budget) // 2) if -result > 0.05 * budget else 0
                yrows.append({"replication": r, "year": y, "municipality": m.name, "months": 12,
                              "buig_budget": budget, "benefit_cost": spending, "subsidy_cost": 0,
                              "spending": spending, "buig_result": result, "vangnet": vangnet,
                              "result_after_vangnet": result + vangnet, "personnel_cost": 100_000,
                              "instrument_cost": 10_000, "measure_cost": 0, "other_lines": 5_000,
                              "participatiebudget": 50_000,
                              "exploitatie_result": result + vangnet - 65_000})
    yearly = pd.DataFrame(yrows)
    krows = []
    for r in range(replications):
        for y in [*map(str, scenario.horizon_years), "all"]:
            for mu in [*munis, "all"]:
                krows.append((r, "outflow_to_work_share", mu, y, 0.4 + rng.normal(0, 0.02) + shift / 10))
                krows.append((r, "share_in_view", mu, y, 0.6 + shift / 10))
    kpis = pd.DataFrame(krows, columns=["replication", "kpi", "municipality", "year", "value"])
    srows = []
    client = 0
    for r in range(replications):
        for _ in range(200):
            entry = rng.uniform(-24, scenario.months)
            duration = rng.exponential(15)
            exit_ = entry + duration if entry + duration < scenario.months else np.nan
            srows.append((r, client, munis[client % len(munis)], segments[0], tracks[0], 3, entry, exit_,
                          "work" if not np.isnan(exit_) else None, entry < 0))
            client += 1
    spells = pd.DataFrame(srows, columns=["replication", "client", "municipality", "segment", "track_at_entry",
                                          "rung", "entry_time", "exit_time", "exit_cause", "initial"])
    return RunFrames(monthly=monthly, yearly=yearly, kpis=kpis, spells=spells)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(TINY)


def _outcome(scenario) -> PlanOutcome:
    plan = Plan(name="plan", staff={"km_werk": StaffLevel(fte=2.5)}, instruments={"leerwerk": {2019: 20}})
    formation = pd.DataFrame({
        "role": ["km_werk", "km_werkleer", "total"], "fte_now": [1.0, 1.0, 2.0], "fte_planned": [2.5, 1.0, 3.5],
        "change": [1.5, 0.0, 1.5], "yearly_cost": [175_000, 70_000, 245_000]})
    tradeoff = pd.DataFrame({"probability": [0.5, 0.7, 0.9, 0.95], "cost": [10_000, 40_000, 105_000, 0],
                             "feasible": [True, True, True, False]})
    return PlanOutcome(plan=plan, formation=formation,
                       cost_per_year=pd.DataFrame({"year": [2018, 2019], "cost": [50_000, 105_000]}),
                       total_cost=155_000, probability=0.93, required_probability=0.9, target_met=True,
                       target_text="no deficit after vangnet from 2019 on", verification_replications=40,
                       tradeoff=tradeoff, tradeoff_x="probability", tradeoff_y="cost", tradeoff_chosen=0.9,
                       tables={"savings": pd.DataFrame({"lever": ["km_werk"], "saving": [123_456]})})


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_euro_formatting_by_locale():
    assert _plain(eur(1234567)) == "€ 1.234.567" and _plain(eur(2_807_334)) == "€ 2.807.334"
    assert _plain(eur(-1234.4)) == "€ -1.234"
    assert eur(1234567, "en") == "€1,234,567" and eur(-1234.4, "en") == "-€1,234"
    assert eur(float("nan")) == ""
    assert _plain(eur_words(1_940_000)) == "€ 1,9 miljoen" and eur_words(1_940_000, "en") == "€1.9 million"
    assert _plain(eur_words(254_500)) in ("€ 254.000", "€ 255.000")
    assert _plain(result_words(-1_200_000)) == "een tekort van € 1,2 miljoen"
    assert result_words(-1_200_000, "en") == "a deficit of €1.2 million"
    assert _plain(result_words(40_000)) == "een overschot van € 40.000"
    assert result_words(100) == "quitte" and result_words(100, "en") == "break-even"


def test_plan_report_is_one_self_contained_file(scenario, tmp_path):
    base = synthetic_frames(scenario)
    planned = synthetic_frames(scenario, shift=1.0, seed=2)
    comparison = pd.DataFrame({
        "variant": ["v"] * 2, "measure": ["result_after_vangnet", "outflow_to_work_share"],
        "municipality": ["all", "all"], "year": ["total", "total"], "unit": ["EUR", "share"],
        "base_mean": [-1e5, 0.4], "variant_mean": [-5e4, 0.45], "diff_mean": [5e4, 0.05],
        "ci_low": [1e4, -0.01], "ci_high": [9e4, 0.11], "significant": [True, False]})
    text = plan_report(scenario, base, planned, _outcome(scenario), comparison=comparison,
                       run={"replications": 5, "seed": 7, "command": "sporen plan tiny.yaml"})
    path = write_report(tmp_path / "report.html", text)
    assert path.read_text(encoding="utf-8") == text
    # self-contained: no external resources, no scripts
    assert "<script" not in text.lower()
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert not re.search(r"url\((?!#)", text)
    for section in ("summary", "money", "caseload", "formation", "tradeoff", "comparison", "survival", "model"):
        assert f'id="{section}"' in text, section
    # figures: summary result, budget, caseload, trade-off, comparison, survival, model overview
    assert text.count('<img src="data:image/svg+xml;base64,') == 7
    assert "Het plan haalt het doel." in text and 'lang="nl"' in text
    assert "93%" in text and "€\u00a0155.000" in text
    assert "1,5 fte extra Klantmanager werk (van 1 naar 2,5 fte)" in text      # display name, not km_werk
    assert not re.search(r"km_werk(?!leer)", text.split('id="model"')[0])   # labelled roles appear by name
    # the model description lists every sourced assumption
    assert "segments.regular.benefit_per_month" in text
    assert "Berenschot 2018" in text
    for heading in ("1. Doel", "2. Logica", "3. Gegevens", "4. Experimenten", "5. Uitvoering",
                    "6. Toegang tot de code"):
        assert heading in text
    for term in ("BUIG", "Vangnet", "Eigen risico", "Exploitatie", "Spoor", "In beeld"):
        assert f"<dt>{term}</dt>" in text, term
    # the same report in English: same sections and figures, English words and number formats
    english = plan_report(scenario, base, planned, _outcome(scenario), comparison=comparison,
                          run={"replications": 5, "seed": 7, "command": "sporen plan tiny.yaml"}, lang="en")
    assert 'lang="en"' in english and "The plan meets the target." in english and "€155,000" in english
    assert "1.5 fte more Caseworker, work (from 1 to 2.5 fte)" in english
    assert english.count("<img ") == text.count("<img ")
    for heading in ("1. Objectives", "2. Logic", "3. Data", "4. Experimentation", "5. Implementation",
                    "6. Code access"):
        assert heading in english
    assert "Het plan" not in english and "The plan meets" not in text


def test_report_without_plan_and_not_met(scenario):
    base = synthetic_frames(scenario)
    outcome = PlanOutcome(plan=None, target_met=False, probability=0.4, required_probability=0.9,
                          blocking=["formation_max: km_werk cannot grow beyond 4 fte"])
    outcome.next_steps = [NextStep("next.widen_max_fte", {"file": "tiny.yaml", "field": "roles.km_werk.max_fte",
                                                           "role": "Klantmanager werk", "now": "4"})]
    text = plan_report(scenario, base, None, outcome)
    assert "Geen plan binnen de grenzen haalt het doel" in text
    assert "cannot grow beyond" not in text   # the optimiser's English sentences: 'Wat nu?' says it in Dutch
    assert 'id="formation"' not in text
    assert "Wat nu?" in text and "roles.km_werk.max_fte" in text and "tiny.yaml" in text
    english = plan_report(scenario, base, None, outcome, lang="en")
    assert "What to do next" in english and "roles.km_werk.max_fte" in english
    assert "formation_max: km_werk cannot grow beyond 4 fte" in english
    edge = plan_report(scenario, base, None, PlanOutcome(plan=None, verdict="on_the_edge", target_met=False))
    assert "op het randje" in edge


def test_compare_report(scenario):
    comparison = pd.DataFrame({
        "variant": ["a", "a", "b", "c"],
        "measure": ["result_after_vangnet", "spending", "result_after_vangnet", "result_after_vangnet"],
        "municipality": ["all"] * 4, "year": ["total"] * 4, "unit": ["EUR"] * 4,
        "base_mean": [0.0] * 4, "variant_mean": [1.0] * 4, "diff_mean": [1e5, -1e5, 0.0, 2e4],
        "ci_low": [5e4, -2e5, 0.0, -1e4], "ci_high": [2e5, -5e4, 0.0, 5e4], "significant": [True, True, False, False]})
    text = compare_report(scenario, comparison, base=synthetic_frames(scenario),
                          variant_changes={"a": ["tracks.werk.caseload_per_fte x 2"]}, lang="en")
    assert "€100,000 better than the base" in text and "a significant difference" in text
    assert "the same as the base's in every simulated future" in text
    assert "not significantly different" in text
    assert "tracks.werk.caseload_per_fte x 2" in text
    assert "<script" not in text
    dutch = compare_report(scenario, comparison, base=synthetic_frames(scenario))
    assert "€\u00a0100.000 beter dan dat van de basis" in dutch and "een significant verschil" in dutch


def test_deficit_table(scenario):
    base = synthetic_frames(scenario)
    table = deficit_table(base.yearly)
    assert len(table) == len(scenario.municipalities) * scenario.years
    expected = base.yearly.groupby(["municipality", "year"])["result_after_vangnet"].mean().round()
    got = table.set_index(["municipality", "year"])["result_after_vangnet_mean"]
    assert (got == expected.astype("int64")).all()
    assert table["probability_deficit"].between(0, 1).all()


def test_kaplan_meier_by_hand():
    # cohort 2018: 4 clients; exits after 2 and 3 months, one censored at 2.5 (horizon), one at 5
    spells = pd.DataFrame({"entry_time": [0.0, 0.0, 3.5, 1.0], "exit_time": [2.0, 3.0, np.nan, np.nan]})
    km = figures.kaplan_meier(spells, horizon_months=6.0, start_year=2018)
    s = km.set_index("months")["survival"]
    # t=1,2: 4 at risk (the censored-at-2.5 client is fully observed through month 2), one exit at 2
    assert s[1] == 1.0
    assert s[2] == pytest.approx(3 / 4)
    # t=3: at risk = exit@3, censored after 5 months -> 2; the 2.5-month one is gone; one exit
    assert s[3] == pytest.approx(3 / 4 * 1 / 2)


def test_assumptions_list_every_source(scenario):
    table = assumptions_table(scenario)
    assert set(table["parameter"]) == set(scenario.sources)
    row = table.set_index("parameter").loc["segments.regular.benefit_per_month"]
    assert row["value"] == "1167" and row["kind"] == "public"
    unsourced = unsourced_table(scenario)
    assert "segments.regular.benefit_per_month" not in set(unsourced["parameter"])
    assert "segments.refugees.benefit_per_month" in set(unsourced["parameter"])
    assert {"scenario file", "program default"} <= set(unsourced["origin"])
    text = model_description(scenario, {"replications": 3})
    assert text.count("<h3>") == 6
    assert "changed_from" in table.columns and (table["changed_from"] == "").all()


def test_figures_are_deterministic(scenario):
    base = synthetic_frames(scenario)
    one = figures.caseload_figure(base.monthly).svg
    two = figures.caseload_figure(base.monthly).svg
    assert one == two
    assert one.startswith("<svg")
