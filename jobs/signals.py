"""Interruption, in one place: a SIGTERM stops a job the way Ctrl-C does.

While `stop_on_terminate()` is active, SIGTERM raises `Terminated` (a KeyboardInterrupt) in the
main thread, so every `finally`, every run folder's clean-up and the killing of the worker
processes (`sim.runner`) run exactly as for Ctrl-C, and the command exits with 130 like Ctrl-C
(`cli.run_job`). Worker processes do not keep this handler: the runner resets their handlers
when it starts them, and they die with sporen.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

EXIT_INTERRUPTED = 130


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def stop_on_terminate() -> Iterator[None]:
    """SIGTERM -> Terminated (a KeyboardInterrupt) inside the block (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
