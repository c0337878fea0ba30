"""`sporen plan` end to end on tests/data/tiny.yaml: every file written, exit codes, a killed run
leaves no partial run directory."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from sporen.cli import main
from sporen.inputs.load import load_plan, load_scenario

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny.yaml"
SUMMARY_TABLES = [
    "summary", "deficits", "verification", "formation", "budget", "plan_cost", "plan_effect", "savings",
    "relaxations", "tradeoff", "blocking", "optimiser_tests", "yearly_summary", "plan_yearly_summary",
    "kpis_summary", "plan_kpis_summary", "caseload", "survival", "assumptions", "unsourced_parameters",
]
RAW_TABLES = ["monthly", "yearly", "kpis", "spells", "plan_monthly", "plan_yearly", "plan_kpis", "plan_spells"]


@pytest.fixture(scope="module")
def plan_run(tiny_plans):
    """The Dutch tiny plan of conftest.tiny_plans (conftest.TINY_PLAN_ARGS)."""
    return tiny_plans["nl"]


def test_writes_every_file(plan_run):
    out, result = plan_run
    assert result.exit_code in (0, 1), result.output
    files = {p.name for p in out.iterdir()}
    expected = {f"{t}.csv" for t in SUMMARY_TABLES + RAW_TABLES} | {
        "report.html", "results.xlsx", "plan.yaml", "manifest.json", "timing.json"}
    assert expected <= files, expected - files
    # the run directory appeared whole: no temporary folder is left beside it
    assert [p.name for p in out.parent.iterdir()] == [out.name]
    for name in SUMMARY_TABLES + RAW_TABLES:
        frame = pd.read_csv(out / f"{name}.csv") if (out / f"{name}.csv").stat().st_size > 1 else None
        if name not in ("blocking", "relaxations"):
            assert frame is not None and len(frame), name


def test_exit_code_follows_the_verdict(plan_run):
    out, result = plan_run
    verification = pd.read_csv(out / "verification.csv")
    verdict = verification["verdict"].iloc[0]
    assert verdict in ("meets", "on_the_edge", "does_not_meet")
    assert result.exit_code == (1 if verdict == "does_not_meet" else 0)
    assert bool(verification["met"].iloc[0]) == (verdict == "meets")
    assert 4 <= verification["replications"].iloc[0] <= 16
    assert "children 1000000000-" in verification["seeds"].iloc[0]


def test_manifest(plan_run):
    out, _ = plan_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "plan"
    assert manifest["scenario"]["name"] == "tiny" and len(manifest["scenario"]["sha256"]) == 64
    assert manifest["seed"] == 20180101
    assert manifest["replications"] == 6            # the report's futures: the plan's first 6 fresh ones
    detail = manifest["replications_detail"]
    assert detail["design"] == 4 and detail["report"] == 6
    assert detail["report_futures"].endswith("children 1000000000-1000000005")
    assert manifest["verdict"] in ("meets", "on_the_edge", "does_not_meet")
    assert manifest["outcome"]["verdict"] == manifest["verdict"]
    assert manifest["argv"][:3] == ["sporen", "plan", str(TINY)]
    assert "--workers" not in manifest["argv"] and "--quiet" not in manifest["argv"]
    assert {"sporen", "numpy", "pandas", "python"} <= set(manifest["versions"])
    assert "commit" in manifest["git"]
    assert manifest["plan"]["value"]["staff"] is not None
    for name, info in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == info["sha256"], name
    assert {"report.html", "results.xlsx", "summary.csv"} <= set(manifest["files"])


def test_tables_agree(plan_run):
    out, _ = plan_run
    scenario = load_scenario(TINY)
    deficits = pd.read_csv(out / "deficits.csv")
    assert len(deficits) == len(scenario.municipalities) * scenario.years
    yearly = pd.read_csv(out / "yearly.csv")
    assert sorted(yearly["replication"].unique()) == list(range(6))
    plan_yearly = pd.read_csv(out / "plan_yearly.csv")
    assert sorted(plan_yearly["replication"].unique()) == list(range(6))
    # the report's tables compare baseline and plan on the same fresh futures
    fresh = yearly
    mean = fresh.groupby(["municipality", "year"])["result_after_vangnet"].mean().round()
    got = deficits.set_index(["municipality", "year"])["result_after_vangnet_mean"]
    assert (got == mean.reindex(got.index)).all()
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["year"]) == scenario.horizon_years
    assert summary["plan_extra_cost"].sum() == pd.read_csv(out / "verification.csv")["plan_cost"].iloc[0]
    # the plan file is a plan `sporen simulate --plan` reads
    load_plan(out / "plan.yaml", scenario)


def test_workbook_is_a_planners_workbook(plan_run):
    """Opens on the verdict, plan, cost and probability (numbers as numbers); the formation is a
    council table; every number of every summary CSV is in its sheet as a number."""
    from sporen.outputs.labels import column_label
    from sporen.outputs.model_description import DISPLAY_TEXTS
    from sporen.outputs.person_tables import ENGLISH_ONLY
    from sporen.outputs.workbook import EURO_FORMAT, FIELD_TABLES, sheet_title

    out, _ = plan_run
    book = openpyxl.load_workbook(out / "results.xlsx")
    assert book.sheetnames[:2] == ["Samenvatting", "Formatie"]
    first = book.worksheets[0]
    cells = {row[0].value: row[1] for row in first.iter_rows(min_row=4, max_row=12) if row[0].value}
    verification = pd.read_csv(out / "verification.csv").iloc[0]
    assert cells["Oordeel"].value.startswith("Het plan haalt" if verification["met"] else "Geen plan")
    assert cells["Kans dat het plan het doel haalt"].value == pytest.approx(verification["probability"])
    assert cells["Kans dat het plan het doel haalt"].number_format == "0%"
    assert cells["Extra kosten van het plan over de periode"].value == verification["plan_cost"]
    assert cells["Extra kosten van het plan over de periode"].number_format == EURO_FORMAT
    assert first._charts, "the summary sheet has the deficit chart"
    formation = book["Formatie"]
    assert formation["A1"].value.startswith("Formatie team Werk") and "peildatum" in formation["A2"].value
    rows = list(formation.iter_rows(min_row=4))
    assert rows[0][0].value == "functie" and rows[-1][0].value == "totaal"
    assert rows[-1][0].font.b and rows[-1][0].border.top.style == "double"
    assert formation.print_title_rows == "$4:$4" and formation.page_setup.orientation == "landscape"
    assert formation._charts, "the formation sheet has its chart"
    csv_formation = pd.read_csv(out / "formation.csv")
    assert [r[1].value for r in rows[1:]] == pytest.approx(list(csv_formation["fte_now"]))
    for name in SUMMARY_TABLES:
        if name == "formation" or (out / f"{name}.csv").stat().st_size <= 1:
            continue
        csv = pd.read_csv(out / f"{name}.csv")
        if name in ENGLISH_ONLY or not len(csv):   # the optimiser's own English sentences; an empty table
            assert sheet_title(name, "nl") not in book.sheetnames, name
            continue
        if name == "unsourced_parameters":   # display names are not values the model computes with
            csv = csv[~csv["parameter"].str.endswith(DISPLAY_TEXTS)].reset_index(drop=True)
        numeric = [c for c in csv.columns
                   if pd.api.types.is_numeric_dtype(csv[c]) and not pd.api.types.is_bool_dtype(csv[c])]
        sheet = book[sheet_title(name, "nl")]
        if name in FIELD_TABLES:   # one row turned on its side: label | value
            fields = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
            for column in numeric:
                if column_label(name, column, "nl") in fields and not pd.isna(csv[column].iloc[0]):
                    got = fields[column_label(name, column, "nl")]
                    assert isinstance(got, (int, float)) and np.isclose(got, csv[column].iloc[0]), (name, column)
            continue
        header = [c.value for c in sheet[1]]
        values = list(sheet.iter_rows(min_row=2, values_only=True))
        assert len(values) == len(csv), name
        for column in numeric:
            label = column_label(name, column, "nl")
            if label not in header:   # a column with no value in any row is left out of the sheet
                assert csv[column].isna().all(), (name, column)
                continue
            j = header.index(label)
            for got, want in zip((row[j] for row in values), csv[column], strict=True):
                if pd.isna(want):
                    assert got is None, (name, column)
                else:
                    assert isinstance(got, (int, float)) and not isinstance(got, bool), (name, column, got)
                    assert np.isclose(got, want, rtol=1e-9, atol=0), (name, column, got, want)


def test_report_is_written(plan_run):
    out, _ = plan_run
    text = (out / "report.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text and "http://" not in text and "https://" not in text
    assert "Samenvatting" in text and "Modelbeschrijving (STRESS-DES)" in text and 'lang="nl"' in text
    assert "segments.regular.benefit_per_month" in text and 'id="appendix"' in text


@pytest.mark.slow
def test_rerun_gives_identical_files(plan_run):
    """Same inputs and seed, another worker count: every file but timing.json is byte for byte the same."""
    out, _ = plan_run
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from conftest import TINY_PLAN_ARGS

    args = [a if a != "1" or i == 0 or TINY_PLAN_ARGS[i - 1] != "-j" else "2" for i, a in enumerate(TINY_PLAN_ARGS)]
    assert args != TINY_PLAN_ARGS
    result = CliRunner().invoke(main, ["plan", str(TINY), *args, "--out", str(out)])   # replaces the run
    assert result.exit_code in (0, 1), result.output
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == sorted(after)
    assert [n for n in before if n != "timing.json" and before[n] != after[n]] == []


def test_bad_input_exits_2_and_writes_nothing(tmp_path):
    runner = CliRunner()
    out = tmp_path / "never"
    for args in (["plan", str(tmp_path / "missing.yaml"), "--out", str(out)],
                 ["plan", str(TINY), "-n", "1", "--out", str(out)],
                 ["plan", str(TINY), "--probability", "often", "--out", str(out)],
                 ["plan", str(TINY), "--confidence", "1.5", "--out", str(out)],
                 ["plan", str(TINY), "--zone", "0", "--out", str(out)],
                 ["plan", str(TINY), "--target-from", "2030", "--out", str(out)],
                 ["plan", str(TINY), "--variant", str(TINY), "--out", str(out)],
                 ["plan", str(TINY), "--format", "xml", "--out", str(out)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    assert not out.exists()


def _wait_for(predicate, process: subprocess.Popen, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.01)
    return False


def _kill_while_writing(command: list[str], folder: Path, target: Path, sig: int, tries: int = 5) -> None:
    """Start the run and send `sig` as soon as its temporary run folder appears. The writing takes
    a fraction of a second on tiny.yaml; when the run got to finish first, try again."""
    env = dict(os.environ)
    for _ in range(tries):
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen = _wait_for(lambda: any(p.name.startswith(f".{target.name}.tmp-") for p in folder.iterdir()),
                         process)
        assert seen, process.communicate()[1].decode()[-2000:]
        process.send_signal(sig)
        process.communicate(timeout=60)
        if not target.exists():
            assert process.returncode != 0
            return
        shutil.rmtree(target)          # finished before the signal landed: again
    pytest.fail(f"the run finished before signal {sig} could land {tries} times")


@pytest.mark.slow
def test_killed_run_leaves_no_partial_run_directory(tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "sporen.cli", "plan", str(TINY), "-n", "2", "--verify", "2", "--max-futures", "4",
               "--tradeoff", "", "-j", "1", "--quiet", "--out", str(out)]

    # a polite kill (SIGTERM) while the run directory is being written: nothing is left at all
    _kill_while_writing(command, tmp_path, out, signal.SIGTERM)
    assert list(tmp_path.iterdir()) == []

    # killed outright (SIGKILL): no run directory; only a hidden temporary folder, which the next run removes
    _kill_while_writing(command, tmp_path, out, signal.SIGKILL)
    assert not out.exists()
    result = CliRunner().invoke(main, ["plan", str(TINY), "-n", "2", "--verify", "2", "--max-futures", "4",
                                       "--tradeoff", "", "-j", "1", "--quiet", "--format", "parquet",
                                       "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert [p.name for p in tmp_path.iterdir()] == ["run"]
    # --format parquet: every table as Parquet, the workbook and the report as always
    assert pd.read_parquet(out / "summary.parquet").shape[0] == 2
    assert (out / "monthly.parquet").exists() and not (out / "monthly.csv").exists()
    assert (out / "results.xlsx").exists() and (out / "report.html").exists()
