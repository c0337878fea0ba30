"""Work a page must not wait for: one function in a child process, with a deadline and a memory bound.

An upload is read by the same loaders as the command line, and a loader handed a hostile file
(a workbook whose rows reach column XFD, a YAML list of a million items) may take seconds and
gigabytes whatever limits the readers themselves have. In the server's own process that would
freeze the page for every visitor (the event loop) and could take the server down (memory).
`run_bounded` runs it in a child process instead:

* a **deadline**: the child is killed when it has not answered within `seconds` (and stops itself
  by SIGALRM and its CPU-time limit, should the server be gone);
* a **memory bound**: the child may map at most `memory` bytes beyond the libraries it starts with
  (`RLIMIT_AS`, Linux), so a reader that asks for too much gets a MemoryError in the child, never
  in the server;
* **few at a time**: at most `MAX_AT_ONCE` children run; a further call waits for a free slot
  within its own deadline.

The answer comes back pickled (a `Scenario` or a `Plan`); an `InputError` raised in the child is
raised again here with its problems; a deadline or memory overrun raises `Overrun`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

from sporen.common.errors import InputError

MAX_AT_ONCE = 2
"""Children reading uploads at the same time (the machine has few cores; the page's simulations come first)."""
_SLOTS = threading.BoundedSemaphore(MAX_AT_ONCE)


class Overrun(Exception):
    """The child ran out of time or memory, or no slot came free in time."""

    def __init__(self, kind: Literal["time", "memory", "busy", "crash"], seconds: float, memory: int):
        super().__init__(kind)
        self.kind = kind
        self.seconds = seconds
        self.memory = memory


def _context() -> Any:
    """forkserver where there is one (a server with threads must not fork itself), else spawn (a
    `multiprocessing` context: Process and Pipe)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def address_space() -> int:
    """This process's address space in bytes (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit(seconds: float, memory: int) -> None:
    """Bounds the child sets on itself: `memory` bytes of address space beyond what it has mapped
    already (the libraries it inherited), CPU time and an alarm."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the server's to handle; it kills this child
    if sys.platform.startswith("linux"):
        import resource

        limit = address_space() + memory
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(seconds) + 2
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if hasattr(signal, "alarm"):
        signal.alarm(int(seconds) + 2)


def peak_memory() -> int:
    """This process's peak resident memory in bytes (Linux; 0 elsewhere)."""
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
    except (ImportError, OSError):
        return 0


def _child(connection: Any, function: Callable[..., Any], args: tuple, seconds: float, memory: int) -> None:
    _limit(seconds, memory)
    connection.send(("started", address_space()))
    try:
        answer: tuple[str, Any] = ("ok", function(*args))
    except InputError as exc:
        answer = ("input", exc.problems)
    except MemoryError:
        answer = ("memory", None)
    except Exception as exc:   # the server logs the kind; the browser sees a message, never a traceback
        answer = ("error", f"{type(exc).__name__}: {exc}"[:500])
    try:
        connection.send((*answer, peak_memory()))
    except MemoryError:
        connection.send(("memory", None, peak_memory()))
    finally:
        connection.close()


def run_bounded(function: Callable[..., Any], *args: Any, seconds: float, memory: int,
                measured: dict[str, float] | None = None) -> Any:
    """`function(*args)` in a child process within `seconds` and `memory` bytes of address space.

    `function` must be importable by name (a module-level function) and its answer picklable.
    Raises the child's InputError again, `Overrun` for time, memory or no free slot, and
    RuntimeError (with the exception's kind) for anything else that failed in the child.
    `measured`, when given, gets the child's address space at the start ('start_bytes'), its peak
    resident memory ('peak_bytes', when it could still say) and the wall time ('seconds')."""
    started = time.monotonic()
    if not _SLOTS.acquire(timeout=seconds):
        raise Overrun("busy", seconds, memory)
    try:
        left = max(0.1, seconds - (time.monotonic() - started))
        return _run(function, args, left, memory, {} if measured is None else measured)
    finally:
        _SLOTS.release()
        if measured is not None:
            measured["seconds"] = time.monotonic() - started


def _run(function: Callable[..., Any], args: tuple, seconds: float, memory: int, measured: dict[str, float]) -> Any:
    context = _context()
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sending, function, args, seconds, memory), daemon=True,
                              name="sporen-upload")
    deadline = time.monotonic() + seconds
    process.start()
    sending.close()
    try:
        kind: str = "started"
        value: Any = None
        while kind == "started":
            if not receiving.poll(max(0.0, deadline - time.monotonic())):
                raise Overrun("time", seconds, memory)
            kind, value, *rest = receiving.recv()
            if kind == "started":
                measured["start_bytes"] = value
            elif rest:
                measured["peak_bytes"] = rest[0]
    except (EOFError, OSError):
        # the child died without a word: killed by the kernel (memory) or by its own alarm
        code = _stop(process)
        raise Overrun("time" if code in (-signal.SIGALRM, -signal.SIGXCPU) else "crash", seconds, memory) from None
    finally:
        _stop(process)
        receiving.close()
    if kind == "ok":
        return value
    if kind == "input":
        raise InputError(value)
    if kind == "memory":
        raise Overrun("memory", seconds, memory)
    raise RuntimeError(value)


def _stop(process: Any) -> int | None:
    """Kill the child if it still runs and reap it; its exit code."""
    if process.is_alive():
        with contextlib.suppress(OSError, ValueError):
            os.kill(process.pid, signal.SIGKILL)
    process.join(5)
    return process.exitcode
