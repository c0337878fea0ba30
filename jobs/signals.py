"""Interruption, in one place: a SIGTERM stops a job the way Ctrl-C does.

While `stop_on_terminate()` is active, SIGTERM raises `SystemExit(143)` in the main thread, so
every `finally` and every run folder's clean-up runs as for Ctrl-C (KeyboardInterrupt). Worker
processes do not inherit this: the runner resets their handlers when it starts them.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(EXIT_TERMINATED)


@contextlib.contextmanager
def stop_on_terminate() -> Iterator[None]:
    """SIGTERM -> SystemExit(143) inside the block (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
