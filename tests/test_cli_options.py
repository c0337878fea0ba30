"""Options declared once (issue 18): every command-line option is built from the field that declares
it, the optimiser's options are the same in `optimise`, `plan` and the page, one default seed,
problems said in the user's language naming the option as typed. And what an adversary or a full
disk did to the command line (issue 22): `--workers 1000`, `--token` in `ps`, tracebacks when the
disk or standard output is full."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sporen import cli
from sporen.common.i18n import text
from sporen.jobs import options as commands
from sporen.optimise.options import OptimiseOptions
from sporen.sim.options import DEFAULT_SEED, WORKERS_PER_CPU, local_workers

ROOT = Path(__file__).resolve().parents[1]
TINY = str(ROOT / "tests" / "data" / "tiny.yaml")
ACCOUNTS = str(ROOT / "tests" / "data" / "bmwe_accounts.csv")
SPOREN = str(Path(sys.executable).with_name("sporen"))
MODELS = {"vangnet": commands.VangnetOptions, "validate": commands.ValidateOptions,
          "convert": commands.ConvertOptions, "simulate": commands.SimulateOptions,
          "optimise": commands.OptimiseJobOptions, "plan": commands.PlanJobOptions,
          "compare": commands.CompareOptions, "serve": commands.ServeOptions,
          "calibrate": commands.CalibrateOptions, "sensitivity": commands.SensitivityJobOptions,
          "monitor": commands.MonitorOptions}
REQUIRED = {"scenario": TINY, "accounts": ACCOUNTS, "files": [TINY], "src": TINY, "dest": "x.yaml", "base": TINY,
            "variants": [TINY], "observed": ACCOUNTS, "actuals": ACCOUNTS}
PRESENTATION = {"quiet", "help"}
"""Options of the command line itself (what it prints), not of a job."""


def run(*args: str, **env: str):
    return CliRunner().invoke(cli.main, list(args), env=env or None)


# -- declared once ---------------------------------------------------------------------------------------
def test_every_command_has_its_model() -> None:
    assert set(MODELS) == set(cli.main.commands)


@pytest.mark.parametrize("command", sorted(MODELS))
def test_every_option_is_built_from_its_declaration(command: str) -> None:
    """The click option's flag, help and default are the model field's: nothing is declared in cli.py."""
    flats = MODELS[command].flat()
    options = [p for p in cli.main.commands[command].params if isinstance(p, click.Option)]
    for option in options:
        if option.name in PRESENTATION:
            continue
        assert option.name in flats, f"sporen {command} {option.opts[0]} is declared in cli.py, not in a model"
        flat = flats[option.name]
        assert flat.flag in option.opts and option.help == flat.help
        if option.default is not None and not option.is_flag and not option.multiple:
            model = MODELS[command]
            needed = {k: v for k, v in REQUIRED.items() if k in model.flat() and model.flat()[k].field.is_required()}
            given = model.read({**needed, option.name: option.default}, edge="cli").given()
            assert given[option.name] == flat.default, f"{flat.flag}: the default shown is not the model's"
    offered = {o.name for o in options}
    assert {name for name, flat in flats.items() if flat.cli} <= offered


def test_no_flag_is_written_outside_the_declarations() -> None:
    """The optimiser speaks of its fields (`target_from`), never of flags: the edge spells them."""
    flag = re.compile(r"""["']--[a-z]""")
    offending = []
    for path in [*(ROOT / "optimise").glob("*.py"), ROOT / "calibration" / "options.py", ROOT / "jobs" / "api.py"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if flag.search(line) and "flag=" not in line:
                offending.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offending == []
    declared = re.findall(r"click\.option\(\s*\"(--[a-z-]+)", (ROOT / "cli.py").read_text(encoding="utf-8"))
    assert declared == ["--quiet"]


def test_optimise_plan_and_the_page_share_the_optimisers_options() -> None:
    mine = {name for name, flat in OptimiseOptions.flat().items() if flat.cli}
    for command in ("optimise", "plan"):
        assert mine <= {o.name for o in cli.main.commands[command].params}, command
    serve = commands.ServeOptions.flat()
    assert serve["optimise_replications"].default == OptimiseOptions().replications
    # each command's own defaults: the main job's trade-off curve is one point, the page's none
    assert commands.PlanJobOptions.parse().optimiser.tradeoff == (0.8,)
    assert commands.OptimiseJobOptions.parse(scenario=TINY).optimiser.tradeoff == (0.8, 0.95)
    assert commands.ServeOptions.parse().optimiser_options() == {"replications": 40, "tradeoff": ()}


@pytest.mark.parametrize("command", ["simulate", "optimise", "plan", "compare", "serve", "calibrate"])
def test_one_default_seed(command: str) -> None:
    seed = next(o for o in cli.main.commands[command].params if o.name == "seed")
    assert MODELS[command].flat()["seed"].default == DEFAULT_SEED == 20180101
    assert f"[default: {DEFAULT_SEED}]" in run(command, "--help").output.replace("\n", " ").replace("  ", " ") \
        or seed.default == str(DEFAULT_SEED)


def test_the_canonical_command_line_is_built_from_the_options() -> None:
    options = commands.OptimiseJobOptions.read({"scenario": TINY, "probability": "mean", "tradeoff": "",
                                                "dynamic": False, "workers": "2"}, edge="cli")
    argv = options.command_line()
    assert argv[:3] == ["sporen", "optimise", TINY]
    assert "--target" in argv and "--scope" not in argv          # the flag, not the field's name
    assert argv[argv.index("--probability") + 1] == "mean" and "--static" in argv
    assert "--workers" not in argv                               # never changes what is written


# -- problems in the user's language, naming the option as typed -------------------------------------------
@pytest.mark.parametrize("args, english, dutch", [
    (["plan", "--probability", "often"], "--probability: 'often' is not a probability",
     "--probability: 'often' is geen kans"),
    (["plan", "--zone", "0"], "--zone: 0 is too small (a number more than 0)",
     "--zone: 0 is te klein (een getal groter dan 0)"),
    (["optimise", TINY, "--confidence", "1.5"], "--confidence: 1.5 is too large", "--confidence: 1.5 is te groot"),
    (["optimise", TINY, "--replications", "10", "--max-futures", "5"], "--max-futures: 5 is below --replications 10",
     "--max-futures: 5 is minder dan --replications 10"),
    (["compare", TINY, "--variant", TINY, "-n", "1"], "--replications: 1 is too small",
     "--replications: 1 is te klein"),
    (["calibrate", TINY, "--observed", ACCOUNTS, "--applications-scale", "x"], "--applications-scale: 'x' is not a "
     "number (fit or a number > 0)", "--applications-scale: 'x' is geen getal (fit of een getal groter dan 0)"),
    (["serve", "--optimise-replications", "1"], "--optimise-replications: 1 is too small",
     "--optimise-replications: 1 is te klein"),
    (["simulate", TINY, "--backend", "dask"], "--scheduler: dask needs the address of a scheduler (give --scheduler",
     "--scheduler: dask heeft het adres van een scheduler nodig (geef --scheduler"),
])
def test_bad_options_in_the_users_language(args: list[str], english: str, dutch: str) -> None:
    result = run(*args, "--lang", "en")
    assert result.exit_code == 2 and english in result.output and "Traceback" not in result.output, result.output
    result = run(*args)
    assert result.exit_code == 2 and dutch in result.output, result.output
    result = run(*args, SPOREN_LANG="en")
    assert result.exit_code == 2 and english in result.output, result.output


def test_an_option_against_the_scenario_is_named_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The optimiser's check against the scenario (a target year outside the horizon) names the
    field; the command line names its flag."""
    result = run("optimise", TINY, "--target-from", "2030", "--replications", "3", "--lang", "en")
    assert result.exit_code == 2
    assert "error: --target-from: 2030 is outside the horizon (2018-2019)" in result.output, result.output
    result = run("plan", TINY, "--target-from", "2030", "-n", "3")
    assert result.exit_code == 2 and "--target-from: 2030 ligt buiten de periode" in result.output


def test_every_option_message_is_in_both_languages() -> None:
    from sporen.common.catalogue import MESSAGES

    used = set()
    for path in [*(ROOT / "common").glob("*.py"), *(ROOT / "sim").glob("options.py"), *(ROOT / "optimise").glob(
            "*.py"), *(ROOT / "calibration").glob("*.py"), *(ROOT / "jobs").glob("*.py"), ROOT / "cli.py"]:
        used |= set(re.findall(r"\"((?:option|cli)\.[a-z_.]+)\"", path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if key not in MESSAGES and not key.endswith("."))
    assert missing == []
    for key in used - set(missing):
        if key in MESSAGES:
            dutch, english = MESSAGES[key]
            assert dutch and english, key


# -- --workers 1000 (issue 22) ------------------------------------------------------------------------------
def test_workers_are_capped_by_the_work_and_the_computer() -> None:
    cpus = os.cpu_count() or 1
    assert local_workers(1000, 2) == 2
    assert local_workers(1000, None) == WORKERS_PER_CPU * cpus
    assert local_workers(None, 1) == 1 and local_workers(3, 100) == min(3, WORKERS_PER_CPU * cpus)


def test_workers_1000_for_two_replications_start_two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sporen.jobs.simulate as job

    asked: list[int | None] = []
    real = job.run

    def counting(*args, **kwargs):
        asked.append(kwargs.get("workers"))
        return real(*args, **{**kwargs, "workers": 1})

    monkeypatch.setattr(job, "run", counting)
    result = run("simulate", TINY, "-n", "2", "--workers", "1000", "--quiet", "--out", str(tmp_path / "run"),
                 "--lang", "en")
    assert result.exit_code == 0, result.output
    assert asked == [2]
    assert "--workers 1000: this computer has" in result.output and "at most" in result.output


# -- --token stays out of `ps` (issue 22) -------------------------------------------------------------------
def test_a_token_on_the_command_line_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import sporen.web.server as server

    monkeypatch.setattr(server, "serve", lambda *a, **k: pytest.fail("the page must not start"))
    result = run("serve", "--host", "0.0.0.0", "--token", "a-long-enough-secret", "--lang", "en")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--token: a token on the command line is visible to every user of this computer (ps)" in result.output
    assert "a-long-enough-secret" not in result.output


def test_the_token_comes_from_the_environment_or_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("a-long-enough-secret\n")
    assert commands.ServeOptions.read({"host": "0.0.0.0", "token_file": str(secret)}).token == "a-long-enough-secret"
    assert commands.ServeOptions.read({"host": "0.0.0.0", "token": "from-the-environment"}).shared
    started = []
    import sporen.web.server as server

    original = server.serve
    try:
        server.serve = lambda options, **k: started.append(options.token)
        result = run("serve", "--host", "0.0.0.0", SPOREN_TOKEN="from-the-environment")
        assert result.exit_code == 0, result.output
        result = run("serve", "--host", "0.0.0.0", "--token-file", str(secret))
        assert result.exit_code == 0, result.output
    finally:
        server.serve = original
    assert started == ["from-the-environment", "a-long-enough-secret"]
    result = run("serve", "--host", "0.0.0.0", "--token-file", str(tmp_path / "none"), "--lang", "en")
    assert result.exit_code == 2 and "--token-file: cannot read the token file" in result.output


# -- a full disk, a full standard output (issue 22) -------------------------------------------------------------
def _sporen(*args: str, stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess:
    env = {**os.environ, "SPOREN_LANG": "en"}
    return subprocess.run([SPOREN, *args], stdout=stdout, stderr=subprocess.PIPE, text=True, env=env, timeout=120,
                          cwd=ROOT)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["vangnet", ACCOUNTS], ["validate", TINY], ["--help"]])
def test_a_full_standard_output_is_one_line_and_exit_1(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = _sporen(*args, stdout=full)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        "error: standard output: cannot write: no space left on the device; nothing was left half-written "
        "(free some space or write elsewhere)"], done.stderr


def _small_filesystem(folder: Path):
    """A 16 KB tmpfs at `folder` (root only, where mounting is allowed), or None."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return None
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)], capture_output=True)
    return folder if done.returncode == 0 else None


def test_convert_and_vangnet_to_a_full_filesystem(tmp_path: Path) -> None:
    """A real full disk: one line, exit 1, nothing left in the folder (no ZipFile.__del__ traceback)."""
    full = _small_filesystem(tmp_path / "small")
    if full is None:
        pytest.skip("cannot mount a small tmpfs here (the monkeypatched test below still runs)")
    try:
        for args, target in ((["convert", TINY], full / "tiny.xlsx"),
                             (["vangnet", ACCOUNTS, "--out"], full / "vangnet.csv")):
            (full / "filler").write_bytes(b"x" * 13_000)     # four 4 KB pages: the 16 KB filesystem is full
            done = _sporen(*args, str(target))
            assert done.returncode == 1, done.stderr
            assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
            assert done.stderr.splitlines() == [f"error: {target}: cannot write: no space left on the device; "
                                                 "nothing was left half-written (free some space or write elsewhere)"]
            assert sorted(p.name for p in full.iterdir()) == ["filler"]
    finally:
        subprocess.run(["umount", str(full)], capture_output=True)


def test_a_full_disk_while_writing_is_exit_1_and_nothing_written(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import sporen.common.files as files

    real = files.os.fdopen

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    monkeypatch.setattr(files.os, "fdopen", lambda fd, *a, **k: Full(real(fd, *a, **k)))
    for args in (["convert", TINY, str(tmp_path / "tiny.xlsx")], ["convert", TINY, str(tmp_path / "tiny.yaml")],
                 ["vangnet", ACCOUNTS, "--out", str(tmp_path / "v.csv")]):
        result = run(*args, "--lang", "en")
        assert result.exit_code == 1, result.output
        assert "cannot write: no space left on the device; nothing was left half-written" in result.output
        assert list(tmp_path.iterdir()) == []
    assert text("cli.disk_full", "nl", reason="x").startswith("kan niet schrijven")
