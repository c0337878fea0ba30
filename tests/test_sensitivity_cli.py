"""`sporen sensitivity` end to end on the tiny scenario: the files, the same tables for any worker
count, the conclusion in words, bad input -> exit 2 naming the option."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sporen.cli import main

TINY = Path(__file__).parent / "data" / "tiny.yaml"
UNCERTAIN = [{"parameter": "tracks.werk.served_work_multiplier", "low": 1.1, "high": 2.0},
             {"parameter": "roles.werkgeversdienst.work_multiplier_per_fte", "low": 0.02, "high": 0.2},
             {"parameter": "instruments.leerwerk.work_probability_at_end", "low": 0.2, "high": 0.6}]
SMALL = ["--base", "8", "--futures", "4", "--target-level", "-2000000", "--quiet"]
TABLES = ["metamodel_indices.csv", "robustness.csv", "sensitivity_indices.csv", "tornado.csv"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["uncertainty"] = UNCERTAIN
    path = tmp_path_factory.mktemp("sens") / "tiny-uncertain.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def sensitivity(*args: object):
    return CliRunner().invoke(main, ["sensitivity", *map(str, args)], catch_exceptions=True)


@pytest.fixture(scope="module")
def run_one(scenario, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "one"
    result = sensitivity(scenario, *SMALL, "-j", "1", "--out", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    return out


def test_writes_every_table_the_report_and_the_manifest(run_one):
    for name in [*TABLES, "results.xlsx", "report.html", "manifest.json"]:
        assert (run_one / name).is_file(), name
    manifest = json.loads((run_one / "manifest.json").read_text())
    assert manifest["kind"] == "sensitivity"
    assert manifest["runs"] == 8 * (4 + 2) + 4 * (2 * 3 + 2)      # Saltelli + tornado + all three together
    indices = pd.read_csv(run_one / "sensitivity_indices.csv")
    assert set(indices["factor"]) == {u["parameter"] for u in UNCERTAIN} | {"seed"}
    assert {"year_2018", "year_2019", "target_years", "probability"} <= set(indices["output"])
    robustness = pd.read_csv(run_one / "robustness.csv")
    assert list(robustness["case"]) == ["centre", "one", "one", "one", "together"]
    report = (run_one / "report.html").read_text(encoding="utf-8")
    assert "the plan meets the target even if" in report    # the target at -EUR 2M a year: met everywhere
    assert "<img" in report


def test_worker_count_does_not_change_the_tables(scenario, run_one, tmp_path):
    out = tmp_path / "two"
    result = sensitivity(scenario, *SMALL, "-j", "2", "--out", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    for name in TABLES:
        assert (out / name).read_bytes() == (run_one / name).read_bytes(), name


@pytest.mark.parametrize(("args", "named"), [
    (["--base", "6"], "--base"),
    (["--parameter", "tracks.nope.served_work_multiplier=1:2"], "tracks.nope"),
    (["--parameter", "economy.work_hazard_multiplier=2:1"], "--parameter"),
])
def test_bad_input_exits_2_naming_the_option(scenario, tmp_path, args, named):
    out = tmp_path / "bad"
    result = sensitivity(scenario, *args, "--out", out, "--quiet", "--lang", "en")
    assert result.exit_code == 2, result.output
    assert named in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_the_plan_report_says_which_assumptions_decide(scenario, tmp_path):
    """`sporen plan` on a scenario with uncertain parameters: the section, the summary's sentences
    and the workbook's sheets (in Dutch, the default)."""
    from conftest import TINY_PLAN_ARGS
    from openpyxl import load_workbook

    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["plan", str(scenario), *TINY_PLAN_ARGS, "--sensitivity-base", "8",
                                       "--sensitivity-futures", "4", "--out", str(out), "--quiet"])
    assert result.exit_code in (0, 1), result.output
    report = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="sensitivity"' in report and "Als de aannames tegenvallen" in report
    assert "het plan haalt het doel" in report
    sheets = load_workbook(out / "results.xlsx", read_only=True).sheetnames
    assert {"Conclusie gevoeligheid", "Robuustheid", "Sobol-indices", "Tornado"} <= set(sheets), sheets


def test_the_page_panel_is_served_from_the_cache(scenario, monkeypatch):
    """The what-if panel: computed once per plan and target, then from the cache (any language);
    a different plan is not in it."""
    import sporen.jobs.whatif.sensitivity as page
    from sporen.inputs.load import load_scenario
    from sporen.inputs.plan import Plan, StaffLevel
    from sporen.jobs.whatif.evaluate import Futures, default_target
    from sporen.web.app import app_ui
    from sporen.web.session import Settings

    monkeypatch.setattr(page, "PAGE_BASE", 4)
    monkeypatch.setattr(page, "PAGE_FUTURES", 2)
    model = load_scenario(scenario)
    futures = Futures(model, futures=2, seed=5, workers=1)
    plan, target = Plan(name="page"), default_target(model)
    assert page.cached(futures, plan, target, None) is None
    tables = page.compute(futures, plan, target, None)
    assert page.cached(futures, plan, target, None) is tables
    assert page.compute(futures, plan, target, None) is tables          # no second analysis
    more = Plan(name="more", staff={"km_werk": StaffLevel(fte=2.0)})
    assert page.cached(futures, more, target, None) is None
    for lang, words in (("nl", "het plan"), ("en", "the plan")):
        shown = page.shown(tables, futures, lang)
        assert shown.svg.startswith("<svg") and any(words in line for line in shown.lines), shown.lines
    layout = str(app_ui(Settings("tiny", model)))
    assert "sensitivity_state" in layout and "sensitivity_run" in layout
