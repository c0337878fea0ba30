"""The Python API (`import sporen`): the documented example runs, the docstring examples hold, and
the API gives what the command gives for the same inputs and seed."""

from __future__ import annotations

import doctest
import re
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


FIGURE = re.compile(r"[-+]?\d[\d,.]*")


def _figures(line: str) -> list[float]:
    return [float(f.replace(",", "")) for f in FIGURE.findall(line)]


@pytest.mark.parametrize("example", sorted(p.stem for p in (ROOT / "docs" / "examples").glob("*.py")))
def test_the_documented_example_prints_its_documented_output(example: str) -> None:
    """Each example in docs/examples prints what its .out file shows: the same lines, words and
    order; the figures where they do not depend on the engine's random draws (the setting's)."""
    out = subprocess.run([sys.executable, f"docs/examples/{example}.py"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    documented = (ROOT / "docs" / "examples" / f"{example}.out").read_text().splitlines()
    printed = out.stdout.splitlines()
    assert [FIGURE.sub("#", line) for line in printed] == [FIGURE.sub("#", line) for line in documented]
    assert printed[0] == documented[0], "the scenario's description is no random draw"
    low, high = _figures(printed[-1].split("CI")[1])
    assert low <= _figures(printed[-1].split("[")[0])[-1] <= high, "the mean lies inside its interval"


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


def test_api_bad_input_raises_input_error_naming_the_keyword(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad keyword is named as the caller wrote it (not as a command-line flag), in Dutch unless
    $SPOREN_LANG says otherwise."""
    with pytest.raises(sporen.InputError) as caught:
        sporen.simulate(TINY, replications=2, workers=0)
    assert [str(p) for p in caught.value.problems] == ["workers: 0 is te klein (een getal van minstens 1)"]
    monkeypatch.setenv("SPOREN_LANG", "en")
    with pytest.raises(sporen.InputError) as caught:
        sporen.simulate(TINY, replications=2, workers=0)
    assert [str(p) for p in caught.value.problems] == ["workers: 0 is too small (a number at least 1)"]
    with pytest.raises(sporen.InputError) as caught:
        sporen.compare(TINY, [TINY], replicatons=2)
    assert caught.value.problems[0].file == "replicatons" and "is not an option" in str(caught.value)
    with pytest.raises(sporen.InputError):
        sporen.load_scenario(ROOT / "tests" / "data" / "bad" / "wrong_types.yaml")


# -- the API as a user calls it: twice, in one process, after anything else was imported ----------------
def _package_modules() -> list[str]:
    import pkgutil

    return sorted(module.name for module in pkgutil.iter_modules(sporen.__path__))


def test_no_api_name_is_also_a_module_of_the_package() -> None:
    """`sporen.optimise` was the function and the optimiser's package at once: importing the package
    (which calling the function does) replaced the function, so the second call failed with
    "'module' object is not callable"."""
    clashes = sorted(set(sporen.__all__) & set(_package_modules()))
    assert clashes == [], f"these API names are also modules of sporen: {clashes}"


def test_every_api_name_survives_importing_every_module() -> None:
    import importlib

    before = {name: getattr(sporen, name) for name in sporen.__all__}
    for module in _package_modules():
        if module not in ("tests", "bench", "docs"):
            importlib.import_module(f"sporen.{module}")
    for module in ("sporen.optimise.loop", "sporen.jobs.api", "sporen.sim.runner", "sporen.calibration.fit"):
        importlib.import_module(module)
    after = {name: getattr(sporen, name) for name in sporen.__all__}
    assert after == before


OBSERVED = "date,municipality,measure,value\n2017-07-01,Noord,caseload,60\n2017-07-01,Zuid,caseload,40\n" \
           "2017-12-01,all,caseload,105\n"


def test_every_function_of_sporen_twice_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each function of `sporen` called twice, as a researcher would in a notebook: the same answer
    both times (and the optimiser's function is still a function after its first call)."""
    import inspect

    from optimise_fakes import FakeSim

    fake = FakeSim({"role:km_werk": 60_000.0, "instrument:leerwerk": 3_000.0, "measure:screening": 30_000.0})

    def optimise_plan() -> dict:
        with monkeypatch.context() as patched:   # the optimiser on a fake oracle: fast, known answer
            patched.setattr("sporen.sim.api.evaluate", fake)
            return sporen.optimise_plan(scenario, replications=4, max_futures=16, tradeoff=(), explain=False,
                                        workers=1).plan.model_dump()

    observed = tmp_path / "observed.csv"
    observed.write_text(OBSERVED)
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("maand;gemeente;bestand\n2018-01;Noord;68\n2018-01;Zuid;50\n")
    scenario = sporen.load_scenario(TINY)
    calls = {
        "load_scenario": lambda: sporen.load_scenario(TINY).name,
        "baseline_plan": lambda: sporen.baseline_plan(scenario).model_dump(),
        "load_plan": lambda: _plan_file(tmp_path, scenario),
        "simulate": lambda: sporen.simulate(scenario, replications=2, seed=3, workers=1).yearly,
        "optimise_plan": optimise_plan,
        "compare": lambda: sporen.compare(TINY, [ROOT / "tests" / "data" / "tiny-noop.yaml"], replications=2,
                                          workers=1),
        "calibrate": lambda: sporen.calibrate(scenario, observed, replications=2, iterations=0, workers=1).table,
        "reforecast_plan": lambda: sporen.reforecast_plan(TINY, actuals, replications=10, workers=1).table,
    }
    functions = sorted(name for name in sporen.__all__ if inspect.isfunction(getattr(sporen, name)))
    assert sorted(calls) == functions, "a new function of sporen needs its line here"
    for name, call in calls.items():
        first, second = call(), call()
        if isinstance(first, pd.DataFrame):
            pd.testing.assert_frame_equal(first, second)
        else:
            assert first == second, name
        assert inspect.isfunction(getattr(sporen, name)), f"sporen.{name} is no longer a function after a call"


def _plan_file(folder: Path, scenario) -> dict:
    path = folder / "plan.yaml"
    path.write_text("staff: {km_werk: {fte: 2.0}}\n")
    return sporen.load_plan(path, scenario).model_dump()


def test_the_api_keywords_are_the_commands_options() -> None:
    """The API's keywords and defaults are generated from the models the command line is built from:
    `sporen.simulate` has `sporen simulate`'s options with the same defaults (seed included)."""
    import inspect

    from sporen.jobs.options import CalibrateRun, CompareRun, MonitorRun, OptimiseRun, SimulateRun

    for function, model in ((sporen.simulate, SimulateRun), (sporen.optimise_plan, OptimiseRun),
                            (sporen.compare, CompareRun), (sporen.calibrate, CalibrateRun),
                            (sporen.reforecast_plan, MonitorRun)):
        keywords = {p.name: p.default for p in inspect.signature(function).parameters.values()
                    if p.kind is inspect.Parameter.KEYWORD_ONLY}
        for name, flat in model.flat().items():
            if not flat.internal:
                assert keywords[name] == flat.default, (function.__name__, name)
                assert name in (function.__doc__ or ""), (function.__name__, name)
    assert inspect.signature(sporen.simulate).parameters["seed"].default == sporen.DEFAULT_SEED == 20180101
    assert inspect.signature(sporen.simulate).parameters["replications"].default == 100


def test_the_chance_is_a_tagged_union() -> None:
    """At least p, or on average: typed values, and what a user types read into them."""
    options = sporen.OptimiseOptions.parse(probability="mean")
    assert options.probability == sporen.OnAverage() and options.target_probability == "mean"
    assert sporen.OptimiseOptions.parse(probability="0,85").probability == sporen.AtLeast(p=0.85)
    assert sporen.OptimiseOptions(probability=sporen.AtLeast(p=0.8)).target_probability == 0.8
    assert sporen.OptimiseOptions().manifest()["probability"] == 0.9
