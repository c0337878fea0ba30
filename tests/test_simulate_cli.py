"""`sporen simulate`: byte-identical reruns, the manifest, no half-written folder, bad input -> exit 2."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

import sporen.outputs.tables as tables
import sporen.sim.runner as runner
from sporen.cli import main

TINY = str(Path(__file__).parent / "data" / "tiny.yaml")
TABLES = ["kpis.csv", "kpis_summary.csv", "monthly.csv", "spells.csv", "vangnet_projection.csv", "yearly.csv",
          "yearly_summary.csv"]


def simulate(*args: str):
    return CliRunner().invoke(main, ["simulate", TINY, "--quiet", *args], catch_exceptions=True)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim") / "run"
    result = simulate("--replications", "4", "--seed", "7", "--workers", "1", "--out", str(out), "--events")
    assert result.exit_code == 0, result.output
    return out, _files(out)


def test_writes_every_file(first_run):
    out, files = first_run
    assert sorted(files) == sorted([*TABLES, "events.csv", "manifest.json", "timing.json"])
    header = files["yearly.csv"].decode().splitlines()[0]
    assert header.startswith("replication,year,municipality,months,buig_budget,")
    assert "exploitatie_result" in header and "vangnet" in header
    summary = files["yearly_summary.csv"].decode()
    assert summary.splitlines()[0] == "year,municipality,quantity,n,mean,std,ci_low,ci_high"
    assert "\nall,all,exploitatie_result,4," in summary


def test_rerun_is_byte_identical(first_run):
    out, files = first_run
    result = simulate("--replications", "4", "--seed", "7", "--workers", "2", "--out", str(out), "--events")
    assert result.exit_code == 0, result.output
    again = _files(out)
    assert sorted(again) == sorted(files)
    for name in files:
        if name != "timing.json":
            assert again[name] == files[name], name
    assert _leftovers(out.parent) == []


def test_other_worker_counts_give_the_same_bytes(first_run, tmp_path):
    out, files = first_run
    result = simulate("--replications", "4", "--seed", "7", "--workers", "3", "--out", str(tmp_path / "k3"),
                      "--events")
    assert result.exit_code == 0, result.output
    again = _files(tmp_path / "k3")
    for name in [*TABLES, "events.csv"]:
        assert again[name] == files[name], name


def test_manifest_has_the_fields(first_run):
    out, files = first_run
    manifest = json.loads(files["manifest.json"])
    assert manifest["scenario"]["name"] == "tiny" and len(manifest["scenario"]["sha256"]) == 64
    assert manifest["seed"] == 7 and manifest["replications"] == 4
    assert manifest["replication_seeds"][2] == {"replication": 2, "entropy": 7, "spawn_key": [2]}
    assert manifest["variant"] is None
    assert manifest["plan"]["value"]["name"] == "baseline"
    assert set(manifest["versions"]) == {"sporen", "simpy", "ortools", "numpy", "pandas", "python"}
    assert manifest["command"].startswith("sporen simulate ") and "--seed 7" in manifest["command"]
    assert "commit" in manifest["git"]
    assert set(manifest["files"]) == {*TABLES, "events.csv"}
    assert manifest["vangnet_rules"]["sha256"]
    text = files["manifest.json"].decode()
    assert "time" not in text.replace("exit_time", "").replace("entry_time", "")   # no timestamps
    timing = json.loads(files["timing.json"])
    assert timing["simulate_seconds"] >= 0 and timing["workers"] == 1


def test_a_failure_mid_write_leaves_no_folder(tmp_path, monkeypatch):
    real = tables.write_table
    calls = []

    def flaky(frame, directory, name, fmt="csv"):
        calls.append(name)
        if len(calls) == 3:
            raise RuntimeError("disk died")
        return real(frame, directory, name, fmt)

    monkeypatch.setattr(tables, "write_table", flaky)
    out = tmp_path / "run"
    result = simulate("--replications", "2", "--workers", "1", "--out", str(out))
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)
    assert len(calls) == 3
    assert not out.exists() and _leftovers(tmp_path) == []


def test_ctrl_c_mid_write_keeps_the_previous_folder(tmp_path, monkeypatch):
    out = tmp_path / "run"
    assert simulate("--replications", "2", "--workers", "1", "--out", str(out)).exit_code == 0
    before = _files(out)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(tables, "build_manifest", interrupted)
    result = simulate("--replications", "3", "--workers", "1", "--out", str(out))
    assert result.exit_code == 130
    assert _files(out) == before and _leftovers(tmp_path) == []


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["simulate", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "sporen simulate tests/data/tiny.yaml" in result.output
    assert "yearly_summary" in result.output


def _bad_plan(tmp_path: Path, text: str) -> str:
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("args, message, dutch", [
    (["--replications", "0"], "--replications: 0 is too small", "--replications: 0 is te klein"),
    (["--replications", "-3"], "--replications: -3 is too small", "--replications: -3 is te klein"),
    (["--replications", "x"], "--replications: 'x' is not a whole number", "'x' is geen geheel getal"),
    (["--workers", "0"], "--workers: 0 is too small", "--workers: 0 is te klein"),
    (["--backend", "dask"], "dask needs the address of a scheduler", "dask heeft het adres van een scheduler nodig"),
    (["--backend", "local", "--scheduler", "tcp://127.0.0.1:1"], "only used with --backend dask",
     "alleen gebruikt met --backend dask"),
    (["--format", "xml"], "--format: 'xml' is not allowed (csv or parquet)", "(csv of parquet)"),
])
def test_bad_options_exit_2(tmp_path, args, message, dutch):
    """Said in the user's language: --lang en, else Dutch; the option named as typed."""
    out = tmp_path / "run"
    result = simulate(*args, "--lang", "en", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    result = simulate(*args, "--out", str(out))
    assert result.exit_code == 2 and dutch in result.output, result.output
    assert not out.exists()


@pytest.mark.parametrize("plan, message", [
    ("staff: {nobody: {fte: 1.0}}\n", "unknown role 'nobody'"),
    ("staff: {km_werk: {fte: 1.3}}\n", "not fte_now 1.0 plus a whole number of 0.5-fte steps"),
    ("tracks: {werk: {fte: 2}}\n", "tracks"),
    ("segments: [regular]\n", "segments"),
    ("measures: {nothing: true}\n", "unknown measure 'nothing'"),
])
def test_bad_plans_exit_2(tmp_path, plan, message):
    out = tmp_path / "run"
    result = simulate("--plan", _bad_plan(tmp_path, plan), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert message in result.output and "plan.yaml" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_missing_scenario_and_out_that_is_a_file(tmp_path):
    result = CliRunner().invoke(main, ["simulate", str(tmp_path / "nope.yaml"), "-q"])
    assert result.exit_code == 2 and "file not found" in result.output
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = simulate("--out", str(blocker))
    assert result.exit_code == 2 and "exists and is not a folder" in result.output
    result = simulate("--replications", "1", "--workers", "1", "--out", str(blocker / "run"))
    assert result.exit_code == 2 and "cannot write the run folder" in result.output


def test_unreachable_scheduler_exits_2_naming_it(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(runner, "SCHEDULER_TIMEOUT", 1.0)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = tmp_path / "run"
    result = simulate("--scheduler", f"tcp://127.0.0.1:{port}", "--replications", "2", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert f"tcp://127.0.0.1:{port}" in result.output and "cannot reach the Dask scheduler" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_variant_is_applied_and_recorded(tmp_path):
    variant = tmp_path / "upswing.yaml"
    variant.write_text(f"variant: upswing\nbase: {TINY}\nscale:\n  municipalities.*.applications_per_month: 0.5\n")
    out = tmp_path / "run"
    result = simulate("--variant", str(variant), "--replications", "2", "--workers", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["variant"]["name"] == "upswing" and manifest["variant"]["file"] == str(variant)
    assert manifest["scenario"]["name"] == "tiny+upswing"


def test_parquet_holds_the_same_rows_as_csv(first_run, tmp_path):
    import io

    import pandas as pd

    out, files = first_run
    result = simulate("--replications", "4", "--seed", "7", "--workers", "1", "--out", str(tmp_path / "pq"),
                      "--format", "parquet")
    assert result.exit_code == 0, result.output
    for name in ("yearly", "kpis"):
        from_parquet = pd.read_parquet(tmp_path / "pq" / f"{name}.parquet")
        from_csv = pd.read_csv(io.BytesIO(files[f"{name}.csv"]), keep_default_na=False, dtype={"year": str})
        assert from_parquet.shape == from_csv.shape
        assert list(from_parquet.columns) == list(from_csv.columns)
    assert json.loads((tmp_path / "pq" / "manifest.json").read_text())["files"]["yearly.parquet"]["bytes"] > 0
