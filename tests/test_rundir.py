"""Run folders never lose a user's files (outputs/rundir.py, jobs/runs.py; issue 11, class 1).

--out may only name a new folder, an empty one or an earlier sporen run folder (recognised by its
manifest and holding nothing else); never the current folder, a folder above it or one holding an
input file. Replacing a run is crash-safe: a process killed at any step of the swap leaves either
the previous run or the new one in place, and the next run restores the previous one from its
hidden folder rather than deleting it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sporen.cli import main
from sporen.common import interrupt
from sporen.common.errors import InputError
from sporen.outputs import rundir
from sporen.outputs.rundir import RunDirectory, check_target, recover

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
NOOP = DATA / "tiny-noop.yaml"


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


def _user_folder(path: Path) -> dict[str, bytes]:
    """A planner's folder: files, a hidden file, a sub-folder. Returns its contents."""
    (path / "sub").mkdir(parents=True)
    (path / "notes.docx").write_bytes(b"my notes")
    (path / ".hidden").write_text("secret")
    (path / "sub" / "deep.csv").write_text("a,b\n1,2\n")
    return _contents(path)


def _contents(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def _run_folder(path: Path, text: str = "old") -> Path:
    """A minimal sporen run folder: manifest.json listing its one table."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "yearly.csv").write_text(text)
    files = {"yearly.csv": {"sha256": rundir._sha256(path / "yearly.csv"), "bytes": len(text)}}
    manifest = {"written_by": "sporen", "kind": "simulate", "scenario": {"name": "tiny"},
                "plan": {"file": None}, "files": files}
    (path / "manifest.json").write_text(json.dumps(manifest))
    return path


def _hidden(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


# -- what --out may name ------------------------------------------------------------------------------
COMMANDS = {
    "simulate": ["simulate", str(TINY), "-n", "1", "-j", "1", "-q"],
    "optimise": ["optimise", str(TINY), "--replications", "2", "--max-futures", "4", "--tradeoff", "", "-j", "1",
                 "-q"],
    "plan": ["plan", str(TINY), "-n", "2", "--verify", "2", "--max-futures", "4", "--tradeoff", "", "-j", "1", "-q"],
    "compare": ["compare", str(TINY), "--variant", str(NOOP), "-n", "2", "-j", "1", "-q"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_users_folder_is_refused_untouched(tmp_path, command):
    docs = tmp_path / "mydocs"
    before = _user_folder(docs)
    result = _invoke(*COMMANDS[command], "--out", str(docs))
    assert result.exit_code == 2, result.output
    assert "holds files sporen did not write" in result.output and "Traceback" not in result.output
    assert _contents(docs) == before
    assert _hidden(tmp_path) == []


@pytest.mark.parametrize("out", [".", "..", "PWD", "DATA", "DATA/.."])
def test_current_folder_parents_and_input_folder_are_refused(tmp_path, monkeypatch, out):
    work = tmp_path / "work"
    before = _user_folder(work)
    monkeypatch.chdir(work)
    target = {"PWD": str(work), "DATA": str(DATA), "DATA/..": str(DATA / "..")}.get(out, out)
    data_before = _contents(DATA)
    result = _invoke(*COMMANDS["simulate"], "--out", target)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert _contents(work) == before and _contents(DATA) == data_before


def test_input_inside_a_run_folder_is_refused(tmp_path):
    """`--plan RUN/plan.yaml --out RUN` would replace the folder holding its own input."""
    out = tmp_path / "opt"
    assert _invoke(*COMMANDS["simulate"], "--out", str(out)).exit_code == 0
    plan = out / "plan.yaml"
    plan.write_text("name: p\n")          # not listed in the manifest either
    result = _invoke(*COMMANDS["simulate"], "--plan", str(plan), "--out", str(out))
    assert result.exit_code == 2 and "holds the input file" in result.output


def test_a_run_folder_is_replaced_but_not_with_a_users_file_in_it(tmp_path):
    out = tmp_path / "run"
    assert _invoke(*COMMANDS["simulate"], "--out", str(out)).exit_code == 0
    first = _contents(out)
    assert _invoke(*COMMANDS["simulate"], "--seed", "3", "--out", str(out)).exit_code == 0
    assert _contents(out) != first                          # replaced: it was sporen's own run

    (out / "my-analysis.xlsx").write_bytes(b"planner's work")
    result = _invoke(*COMMANDS["simulate"], "--out", str(out))
    assert result.exit_code == 2 and "my-analysis.xlsx (not written by sporen)" in result.output
    assert (out / "my-analysis.xlsx").read_bytes() == b"planner's work"

    (out / "my-analysis.xlsx").unlink()
    (out / "yearly.csv").write_text("edited by hand\n")
    result = _invoke(*COMMANDS["simulate"], "--out", str(out))
    assert result.exit_code == 2 and "yearly.csv (changed since sporen wrote it)" in result.output
    assert (out / "yearly.csv").read_text() == "edited by hand\n"
    assert _hidden(tmp_path) == []


def test_an_empty_folder_and_missing_parents_are_fine(tmp_path):
    (tmp_path / "empty").mkdir()
    assert _invoke(*COMMANDS["simulate"], "--out", str(tmp_path / "empty")).exit_code == 0
    assert (tmp_path / "empty" / "manifest.json").exists()
    assert _invoke(*COMMANDS["simulate"], "--out", str(tmp_path / "a" / "b" / "run")).exit_code == 0
    assert (tmp_path / "a" / "b" / "run" / "yearly.csv").exists()


def test_default_folders_never_replace_another_kind_of_run(tmp_path, monkeypatch):
    """simulate with --plan and without write different default folders; a default folder that
    holds another kind of run (here a scenario named 'tiny-plan') is kept and the run refused."""
    monkeypatch.chdir(tmp_path)
    plan = tmp_path / "p.yaml"
    plan.write_text("name: more\nstaff: {km_werk: {fte: 1.5}}\n")
    assert _invoke("simulate", str(TINY), "-n", "1", "-j", "1", "-q").exit_code == 0
    assert _invoke("simulate", str(TINY), "--plan", str(plan), "-n", "1", "-j", "1", "-q").exit_code == 0
    runs = tmp_path / "outputs" / "runs"
    assert sorted(p.name for p in runs.iterdir()) == ["simulate-tiny", "simulate-tiny-plan"]
    with_plan = _contents(runs / "simulate-tiny-plan")
    other = yaml.safe_load(TINY.read_text())
    other["name"] = "tiny-plan"
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(other))
    result = _invoke("simulate", str(tmp_path / "other.yaml"), "-n", "1", "-j", "1", "-q")
    assert result.exit_code == 2 and "holds another kind of run" in result.output
    assert _contents(runs / "simulate-tiny-plan") == with_plan


def test_output_files_never_overwrite_inputs_or_a_users_file(tmp_path):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text((DATA / "bmwe_accounts.csv").read_text())
    result = _invoke("vangnet", str(accounts), "--out", str(accounts))
    assert result.exit_code == 2 and "is an input file" in result.output
    mine = tmp_path / "mine.csv"
    mine.write_text("my own table\n")
    assert _invoke("vangnet", str(accounts), "--out", str(mine)).exit_code == 2
    assert mine.read_text() == "my own table\n"
    table = tmp_path / "table.csv"
    assert _invoke("vangnet", str(accounts), "--out", str(table)).exit_code == 0
    assert _invoke("vangnet", str(accounts), "--out", str(table)).exit_code == 0   # its own: replaced
    scenario = tmp_path / "s.yaml"
    scenario.write_text(TINY.read_text())
    for args in (["convert", str(scenario), str(scenario)], ["convert", str(scenario), str(mine)]):
        assert _invoke(*args).exit_code == 2
    assert scenario.read_text() == TINY.read_text() and mine.read_text() == "my own table\n"


# -- crash safety -------------------------------------------------------------------------------------
def _swap_and_die(target: str, new: str, die_at: int, exchange: bool) -> None:
    """In a child process: replace `target` by `new`, dying (os._exit, as under SIGKILL) just before
    the `die_at`-th file-system step of the swap (the atomic exchange, each rename, the removal)."""
    steps = [0]
    real_rename, real_rmtree, real_exchange = os.rename, shutil.rmtree, rundir._exchange

    def step() -> None:
        steps[0] += 1
        if steps[0] == die_at:
            os._exit(9)

    def rename(a, b):
        step()
        real_rename(a, b)

    def rmtree(path, *args, **kwargs):
        step()
        real_rmtree(path, *args, **kwargs)

    def swap(a, b):
        step()
        return real_exchange(a, b) if exchange else False

    os.rename, shutil.rmtree, rundir._exchange = rename, rmtree, swap   # this child only
    rundir.replace_folder(Path(new), Path(target))
    os._exit(0)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2-exchange", "two-renames"])
@pytest.mark.parametrize("die_at", [1, 2, 3, 4, 5, 99])
def test_a_kill_at_any_step_of_the_swap_loses_nothing(tmp_path, die_at, exchange):
    target = _run_folder(tmp_path / "run", "previous run")
    new = tmp_path / f".run.tmp-{rundir._HOST}-999999"       # a finished run of a process that will die
    _run_folder(new, "new run")
    context = multiprocessing.get_context("fork")
    child = context.Process(target=_swap_and_die, args=(str(target), str(new), die_at, exchange))
    child.start()
    child.join(30)
    assert child.exitcode in (0, 9)
    recover(target)                                      # what the next run does first
    assert check_target(target) == []                    # a run folder the next run may replace
    text = (target / "yearly.csv").read_text()
    assert text in ("previous run", "new run")
    assert rundir.foreign_entries(target, rundir.read_manifest(target) or {"files": {}}) == []
    assert _hidden(tmp_path) == [], "recovery leaves no hidden folder behind"


def test_previous_run_in_an_old_hidden_folder_is_restored_not_deleted(tmp_path):
    """What an older sporen left after a kill between its two renames: only `.run.old-PID`."""
    target = tmp_path / "run"
    _run_folder(tmp_path / ".run.old-999999", "previous run")
    assert check_target(target) == []
    assert (target / "yearly.csv").read_text() == "previous run"
    assert _hidden(tmp_path) == []


def test_hidden_folders_of_a_live_process_are_left_alone(tmp_path):
    target = _run_folder(tmp_path / "run")
    busy = _run_folder(tmp_path / f".run.tmp-{rundir._HOST}-{os.getppid()}", "another run, busy")
    assert check_target(target) == [] and busy.exists()


def test_an_interruption_python_dropped_stops_the_commit(tmp_path):
    target = _run_folder(tmp_path / "run", "previous run")
    interrupt.request()
    try:
        with pytest.raises(KeyboardInterrupt), RunDirectory(target) as folder:
            _run_folder(folder, "new run")
    finally:
        interrupt.clear()
    assert (target / "yearly.csv").read_text() == "previous run" and _hidden(tmp_path) == []


def test_a_folder_made_meanwhile_is_not_replaced(tmp_path):
    target = tmp_path / "run"
    with pytest.raises(InputError), RunDirectory(target) as folder:
        (folder / "yearly.csv").write_text("new")
        _user_folder(target)                         # the planner made it while sporen was running
    assert (target / "notes.docx").read_bytes() == b"my notes" and _hidden(tmp_path) == []
