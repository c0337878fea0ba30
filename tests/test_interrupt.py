"""Interruption and orphans (sim/runner.py, jobs/signals.py, cli.py; issue 11, classes 2 and 3).

A real `sporen simulate -j 2` is started in its own process group and interrupted at several
moments: Ctrl-C (SIGINT to the whole group, as a terminal sends it) and SIGTERM (to sporen
alone, as `kill` does) must stop every worker and exit with 130 within seconds, with one line and
no traceback, and leave no run folder. SIGKILL of sporen itself (`kill -9`, the OOM killer) must
take its workers with it: no process of the run is left 5 seconds later, also when the workers
were started by a forkserver. SPOREN_INTERRUPT_REPEATS=N repeats every case N times (default 1).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sporen.common.i18n import text as say

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]

TINY = Path(__file__).parent / "data" / "tiny.yaml"
SPOREN = str(Path(sys.executable).parent / "sporen")
REPEATS = int(os.environ.get("SPOREN_INTERRUPT_REPEATS", "1"))
GONE_WITHIN = 5.0


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            out.setdefault(ppid, []).append(int(entry))
    return out


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children, ...)."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def _catches_sigterm(pid: int) -> bool:
    """sporen has installed its own SIGTERM handler (it is past loading Python)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            caught = next(line for line in handle if line.startswith("SigCgt:"))
    except (OSError, StopIteration):
        return False
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def _wait(predicate, process: subprocess.Popen, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.02)
    return False


def _start(out: Path, *args: str, command: list[str] | None = None) -> subprocess.Popen:
    command = command or [SPOREN, "simulate", str(TINY), "-n", "20000", "-j", "2", "-q", "--out", str(out)]
    return subprocess.Popen([*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, cwd=out.parent)


def _workers_up(process: subprocess.Popen) -> bool:
    return _wait(lambda: len(descendants(process.pid)) >= 2, process)


def _stop(process: subprocess.Popen, sig: int) -> None:
    if sig == signal.SIGINT:
        os.killpg(process.pid, sig)     # a terminal's Ctrl-C reaches every process of the group
    else:
        os.kill(process.pid, sig)


def _assert_all_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + GONE_WITHIN
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    left = [p for p in pids if alive(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"processes left {GONE_WITHIN} s after the run ended: {left}"


@pytest.mark.parametrize("repeat", range(REPEATS))
@pytest.mark.parametrize("moment", ["loading", "workers just started", "simulating"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupt_stops_every_worker_and_exits_130(tmp_path, sig, moment, repeat):
    out = tmp_path / "run"
    process = _start(out)
    if moment == "loading":
        assert _wait(lambda: _catches_sigterm(process.pid), process), process.communicate()[1].decode()
    else:
        assert _workers_up(process), process.communicate()[1].decode()
        time.sleep(0.0 if moment == "workers just started" else 1.0)
    pids = descendants(process.pid)
    stopped = time.monotonic()
    _stop(process, sig)
    try:
        _, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("sporen did not stop within 20 s of the interruption")
    text = err.decode()
    assert process.returncode == 130, text
    assert time.monotonic() - stopped < 10
    said = [say("cli.interrupted", lang) for lang in ("nl", "en")]   # in the user's language
    assert "Traceback" not in text and "Error" not in text and any(line in text for line in said), text
    _assert_all_gone(pids + descendants(process.pid))
    assert list(tmp_path.iterdir()) == [], "nothing written, no hidden folder"


@pytest.mark.parametrize("repeat", range(REPEATS))
@pytest.mark.parametrize("start_method", ["fork", "forkserver"])
def test_workers_die_with_a_killed_sporen(tmp_path, start_method, repeat):
    out = tmp_path / "run"
    code = ("import multiprocessing, sys; import sporen.sim.runner as runner; "
            f"runner._mp_context = lambda: multiprocessing.get_context({start_method!r}); "
            "from sporen.cli import main; sys.argv[0] = 'sporen'; main()")
    command = [sys.executable, "-c", code, "simulate", str(TINY), "-n", "20000", "-j", "2", "-q", "--out", str(out)]
    process = _start(out, command=command)
    assert _workers_up(process), process.communicate()[1].decode()
    assert _wait(lambda: len(descendants(process.pid)) >= (3 if start_method == "forkserver" else 2), process)
    time.sleep(0.3)
    pids = descendants(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=20)
    _assert_all_gone(pids)
    assert not out.exists()


def test_a_worker_ignores_ctrl_c_and_dies_with_its_parent():
    """The worker initializer, in a process of its own: SIGINT ignored, SIGTERM back to default."""
    code = ("import os, signal, sys; from sporen.sim import runner; runner._worker_init(os.getppid(), os.getppid()); "
            "print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN, signal.getsignal(signal.SIGTERM) is "
            "signal.SIG_DFL)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "True"], done.stderr
