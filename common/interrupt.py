"""Whether the user asked to stop (Ctrl-C or SIGTERM), remembered, so no interruption is ever lost.

Python raises KeyboardInterrupt where the main thread happens to be; when that is inside a
destructor or a weakref callback (the import system has some), Python prints "Exception ignored"
and carries on, and the run would finish as if nothing had been asked. The signal handlers
(`jobs.signals`) therefore also set a flag here, and the long loops -- waiting for worker
processes, simulating replications, committing a run folder -- call `check()`, which raises
KeyboardInterrupt once the flag is set.
"""

from __future__ import annotations

_requested = False


def request() -> None:
    """Remember that the user asked to stop."""
    global _requested
    _requested = True


def clear() -> None:
    """Forget an earlier request (at the start of a command)."""
    global _requested
    _requested = False


def requested() -> bool:
    return _requested


def check() -> None:
    """Raise KeyboardInterrupt when the user asked to stop (also when the first one was lost)."""
    if _requested:
        raise KeyboardInterrupt
