"""The Python API (`import sporen`): the documented example runs, the docstring examples hold, and
the API gives what the command gives for the same inputs and seed."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import sporen
from sporen.cli import main
from sporen.jobs import api

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def test_import_sporen_is_light() -> None:
    code = "import sys, sporen; print(sorted(m for m in ('pandas', 'simpy', 'ortools') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_documented_example_runs() -> None:
    out = subprocess.run([sys.executable, "docs/examples/python_api.py"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[0].startswith("bmwe:") and "years" in lines[0]
    assert any(line.startswith("+1 fte ") and "EUR per future (paired)" in line for line in lines)
    assert lines[-1].startswith("bmwe-social minus base:") and "95% CI" in lines[-1]


def test_docstring_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    failed, tried = doctest.testmod(api, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failed == 0


def test_api_simulate_is_the_command(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["simulate", str(TINY), "-n", "3", "--seed", "5", "-j", "1", "--quiet",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    run = sporen.simulate(TINY, replications=3, seed=5, workers=1)
    written = pd.read_csv(out / "yearly.csv")
    mine = run.yearly.sort_values(["replication", "year", "municipality"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(written, mine, check_dtype=False)


def test_api_bad_input_raises_input_error() -> None:
    with pytest.raises(sporen.InputError) as caught:
        sporen.simulate(TINY, replications=2, workers=0)
    assert "--workers" in str(caught.value)
    with pytest.raises(sporen.InputError):
        sporen.load_scenario(ROOT / "tests" / "data" / "bad" / "wrong_types.yaml")
