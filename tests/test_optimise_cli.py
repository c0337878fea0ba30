"""`sporen optimise`: files, exit codes, plan.yaml round trip, the bundled Nijkerk scenario.

The simulator is replaced by the fake oracle (monkeypatched `sim.api.evaluate`) so these tests
check the command, not the simulation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from optimise_fakes import TINY, FakeSim

from sporen.cli import main
from sporen.inputs.load import load_plan, load_scenario

ROOT = Path(__file__).resolve().parent.parent
NIJKERK = ROOT / "inputs" / "scenarios" / "nijkerk.yaml"
FILES = {"plan.yaml", "formation.csv", "budget.csv", "tradeoff.csv", "verification.csv", "relaxations.csv",
         "savings.csv", "history.csv", "manifest.json", "timing.json", "futures-cache.bin"}
FAST = ["--replications", "10", "--max-futures", "80", "--tradeoff", "0.8"]
SLOPES = {"role:km_werk": 60_000.0, "instrument:leerwerk": 3_000.0, "measure:screening": 30_000.0}


@pytest.fixture
def fake(monkeypatch):
    fake = FakeSim(SLOPES)
    monkeypatch.setattr("sporen.sim.api.evaluate", fake)
    return fake


def _invoke(args):
    return CliRunner().invoke(main, ["optimise", *args], catch_exceptions=False)


def test_optimise_writes_every_file_and_the_plan_round_trips(fake, tmp_path):
    out = tmp_path / "run"
    result = _invoke([str(TINY), *FAST, "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == FILES
    scenario = load_scenario(TINY)
    plan = load_plan(out / "plan.yaml", scenario)
    assert plan.staff["km_werk"].fte > 1.0
    text = (out / "plan.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Plan found by `sporen optimise`") and "Verdict: meets." in text
    formation = pd.read_csv(out / "formation.csv")
    assert list(formation.columns) == ["role", "function", "fte_now", "fte_planned", "change", "yearly_cost",
                                       "arrives", "later", "fte_2018", "fte_2019"]
    assert list(formation["role"]) == [r.name for r in scenario.roles]
    werk = formation.set_index("role").loc["km_werk"]
    assert werk["yearly_cost"] == round(werk["change"] * 70_000)
    assert werk["fte_2019"] == plan.staff["km_werk"].later.get("2019-01", plan.staff["km_werk"].fte)
    budget = pd.read_csv(out / "budget.csv")
    assert list(budget.columns) == ["instrument", "year", "places", "places_now", "budget", "extra_cost", "paid_from"]
    assert (budget["budget"] == budget["places"] * budget["instrument"].map({"leerwerk": 3000, "lks": 0})).all()
    for year, places in plan.instruments.get("leerwerk", {}).items():
        assert budget.set_index(["instrument", "year"]).loc[("leerwerk", year), "places"] == places
    verification = pd.read_csv(out / "verification.csv")
    assert list(verification.columns[:6]) == ["verdict", "probability", "ci_low", "ci_high", "replications", "met"]
    answer = verification[verification["answer"]].iloc[0]
    assert answer["verdict"] == "meets" and answer["ci_low"] >= 0.9
    assert re.search(r"children 1\d{3}000000-", answer["seeds"])   # a fresh verification block
    history = pd.read_csv(out / "history.csv")
    assert {"stage", "plan", "cost", "test", "outcome", "futures"} <= set(history.columns)
    tradeoff = pd.read_csv(out / "tradeoff.csv")
    assert list(tradeoff["probability"]) == [0.8, 0.9]
    row = tradeoff.set_index("probability").loc[0.9]
    assert row["is_answer"] and row["cost"] == json.loads((out / "manifest.json").read_text())["answer"]["cost"]
    assert tradeoff["cost"].is_monotonic_increasing
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["answer"]["verdict"] == "meets" and manifest["verdict"] == "meets"
    assert manifest["seed"] == 20180101
    assert manifest["target"]["from_year"] == 2019  # default: the second horizon year
    assert set(manifest["files"]) >= {"plan.yaml", "formation.csv"}
    assert not list(tmp_path.glob(".run.tmp-*"))


def test_impossible_target_exits_1_and_names_the_blocker(fake, tmp_path):
    out = tmp_path / "run"
    result = _invoke([str(TINY), *FAST, "--target-level", "9000000", "--out", str(out), "--quiet"])
    assert result.exit_code == 1
    assert "blocking: the best reachable plan" in result.output
    assert "target out of reach" in result.output
    assert (out / "plan.yaml").exists()
    assert pd.read_csv(out / "verification.csv")["verdict"].iloc[0] == "does_not_meet"


@pytest.mark.parametrize("args,message", [
    (["--target-from", "2031"], "--target-from: 2031 is outside the horizon"),
    (["--probability", "often"], "--probability: 'often' is not a probability"),
    (["--probability", "0"], "--probability"),
    (["--probability", "1"], "--probability"),
    (["--budget-sims", "3"], "--budget-sims"),
    (["--replications", "0"], "--replications"),
    (["--confidence", "1.2"], "--confidence"),
    (["--confidence", "0"], "--confidence"),
    (["--zone", "0"], "--zone"),
    (["--zone", "1"], "--zone"),
    (["--objective", "profit"], "--objective"),
    (["--tradeoff", "0.5,often"], "--tradeoff"),
])
def test_bad_options_exit_2(fake, tmp_path, args, message):
    result = _invoke([str(TINY), "--out", str(tmp_path / "run"), "--quiet", "--lang", "en", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_bad_scenario_exits_2(fake, tmp_path):
    result = _invoke([str(tmp_path / "missing.yaml"), "--quiet"])
    assert result.exit_code == 2 and "file not found" in result.output


def test_nijkerk_formation_table_has_the_seeds_team_werk_roles(monkeypatch, tmp_path):
    if not NIJKERK.exists():
        pytest.skip("inputs/scenarios/nijkerk.yaml is not there yet (written by the scenario engineer)")
    scenario = load_scenario(NIJKERK)
    # The seed's team Werk: regular clients 1.67, refugees 0.67, doelgroepregister 1.56,
    # account manager employer services 1, administrative support - (4.9 fte in all).
    functions = sorted(r.function for r in scenario.roles)
    assert functions.count("caseworker") == 3 and "employer_services" in functions and "admin" in functions
    fake = FakeSim({f"role:{r.name}": 20_000.0 for r in scenario.roles if r.function == "caseworker"})
    monkeypatch.setattr("sporen.sim.api.evaluate", fake)
    out = tmp_path / "nijkerk"
    result = _invoke([str(NIJKERK), "--replications", "3", "--max-futures", "6", "--tradeoff", "", "--out",
                      str(out), "--quiet", "--target-level", "-100000000"])
    assert result.exit_code in (0, 1), result.output
    formation = pd.read_csv(out / "formation.csv")
    assert list(formation["role"]) == [r.name for r in scenario.roles]
    assert len(formation) == 5
    assert formation["fte_now"].sum() == pytest.approx(4.9, abs=0.01)
    load_plan(out / "plan.yaml", scenario)


def _smallest_budget(replications: int, cap: int) -> int:
    """The least --budget-sims the command accepts: the design, one selection test and one verification."""
    from sporen.optimise.decisions import decision_space
    from sporen.optimise.design import design_size
    from sporen.optimise.sequential import design_test

    space = decision_space(load_scenario(TINY), None)
    return design_size(space, replications) + cap + design_test(0.9, 0.02, 0.95, replications, cap=cap).last


def test_a_spent_budget_exits_3_with_the_best_plan_verified_so_far(fake, tmp_path):
    out = tmp_path / "run"
    budget = _smallest_budget(10, 80)
    result = _invoke([str(TINY), *FAST, "--budget-sims", str(budget), "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert "ran out before the search was done" in result.output
    assert "target out of reach" not in result.output
    answer = json.loads((out / "manifest.json").read_text())["answer"]
    assert answer["budget_spent"] and not answer["out_of_reach"]
    verification = pd.read_csv(out / "verification.csv")
    assert len(verification) >= 1 and verification["replications"].iloc[0] > 0   # verified on the budget kept
    assert answer["sims_used"] <= budget


def test_a_rerun_into_the_same_folder_reuses_the_futures_and_writes_the_same_files(fake, tmp_path):
    out = tmp_path / "run"
    args = [str(TINY), *FAST, "--out", str(out), "--quiet"]
    assert _invoke(args).exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != "timing.json"}
    cold = fake.replications
    assert _invoke(args).exit_code == 0
    again = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != "timing.json"}
    assert again == first                                   # the same decisions, counts and verdict
    timing = json.loads((out / "timing.json").read_text())
    assert timing["reused_from_cache"] > 0.8 * timing["sims_used"]
    assert fake.replications - cold < 0.2 * cold            # hardly anything simulated again


def test_the_cache_file_round_trips_and_is_keyed(tmp_path):
    import numpy as np

    from sporen.optimise import cache
    from sporen.optimise.decisions import decision_space

    store = {(("selection", 0), ((1, 2), (0, 0))): {"result_after_vangnet": np.arange(12).reshape(3, 2, 2)},
             (("verification", 3), ((0, 0), (1, 1))): {"result_after_vangnet": -np.ones((2, 2, 2), dtype=np.int64)}}
    path = cache.save(tmp_path / "f.bin", "k1", store)
    back = cache.load(path, "k1")
    assert back.keys() == store.keys()
    for key, columns in store.items():
        np.testing.assert_array_equal(back[key]["result_after_vangnet"], columns["result_after_vangnet"])
    assert cache.load(path, "k2") == {} and cache.load(tmp_path / "none.bin", "k1") == {}
    path.write_bytes(path.read_bytes()[:40])                 # damaged: ignored, not an error
    assert cache.load(path, "k1") == {}
    space = decision_space(load_scenario(TINY), None)
    assert cache.cache_key(space, 1) != cache.cache_key(space, 2)
    assert cache.cache_key(space, 1) != cache.cache_key(space, 1, rules={"2019": "other"})
