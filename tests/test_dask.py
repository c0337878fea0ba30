"""Every simulating command on a real Dask cluster gives, byte for byte, what the local pool gives.

One `distributed.LocalCluster` (two worker processes) for the module; the main job (`sporen plan`),
the optimiser, the comparison and the calibration each run once on it and once locally."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from click.testing import CliRunner

import sporen
from sporen.cli import main

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
SAME = ("timing.json", "manifest.json", "report.html")   # these name the command (its --out and backend)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    yield cluster.scheduler_address
    cluster.close()


def _same_files(a: Path, b: Path) -> None:
    names = sorted(p.name for p in a.iterdir() if p.name not in SAME)
    assert names == sorted(p.name for p in b.iterdir() if p.name not in SAME)
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert not mismatch and not errors, (mismatch, errors)


@pytest.mark.parametrize("command", [
    ["plan", str(TINY), "-n", "3", "--verify", "6", "--max-futures", "12", "--tradeoff", ""],
    ["optimise", str(TINY), "--replications", "4", "--max-futures", "16", "--tradeoff", "0.8"],
    ["compare", str(TINY), "--variant", str(ROOT / "tests" / "data" / "tiny-more-caseworkers.yaml"), "-n", "3"],
    ["sensitivity", str(TINY), "--base", "4", "--futures", "2",
     "--parameter", "tracks.werk.served_work_multiplier=1.1:2",
     "--parameter", "instruments.leerwerk.work_probability_at_end=0.2:0.6"],
])
def test_command_on_dask_is_identical_to_local(cluster: str, tmp_path: Path, command: list[str]) -> None:
    local, dask = tmp_path / "local", tmp_path / "dask"
    first = CliRunner().invoke(main, [*command, "-j", "1", "--quiet", "--out", str(local)])
    second = CliRunner().invoke(main, [*command, "--scheduler", cluster, "--quiet", "--out", str(dask)])
    assert first.exit_code in (0, 1), first.output
    assert second.exit_code == first.exit_code, second.output
    _same_files(local, dask)


def test_calibrate_on_dask_is_identical_to_local(cluster: str, tmp_path: Path) -> None:
    observed = tmp_path / "observed.csv"
    observed.write_text("date,municipality,measure,value\n"
                        "2018-01-01,all,caseload,120\n2018-06-01,all,caseload,118\n"
                        "2018-01..2018-05,all,inflow,30\n2018-01..2018-05,all,outflow,26\n")
    kwargs = {"replications": 4, "seed": 3, "iterations": 2}
    local = sporen.calibrate(TINY, observed, workers=1, **kwargs)
    dask = sporen.calibrate(TINY, observed, scheduler=cluster, **kwargs)
    assert local.parameters == dask.parameters
    assert local.table.equals(dask.table)
