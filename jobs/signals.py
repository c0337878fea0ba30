"""Interruption, in one place: Ctrl-C and SIGTERM stop a job the same way, every time.

While `stop_on_terminate()` is active (`cli` keeps it on for a whole command), SIGINT raises
KeyboardInterrupt and SIGTERM raises `Terminated` (a KeyboardInterrupt) in the main thread, so
every `finally`, every run folder's clean-up and the killing of the worker processes
(`sim.runner`) run, and the command exits with 130 (`cli.run_job`). Both also set
`common.interrupt`'s flag, which the long loops check: an interruption Python drops (raised inside
a destructor or a fork callback, "Exception ignored") is not printed and is raised again at the
next check. Worker processes do not
keep these handlers: the runner resets them when it starts a worker, and workers die with sporen.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

from sporen.common import interrupt

EXIT_INTERRUPTED = 130


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    interrupt.request()
    raise KeyboardInterrupt()


def _terminate(signum: int, frame: FrameType | None) -> None:
    interrupt.request()
    raise Terminated()


@contextlib.contextmanager
def stop_on_terminate() -> Iterator[None]:
    """Ctrl-C -> KeyboardInterrupt and SIGTERM -> Terminated inside the block, both remembered
    (main thread only; elsewhere a no-op). Nested use keeps the outer handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    if previous[1] is _terminate:
        yield
        return
    interrupt.clear()
    hook = sys.unraisablehook
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _terminate)
    sys.unraisablehook = _quiet_when_remembered
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
        sys.unraisablehook = hook
        interrupt.clear()


def _quiet_when_remembered(unraisable: Any) -> None:
    """A KeyboardInterrupt Python had to drop (raised inside a destructor or callback) is not
    printed as "Exception ignored ... Traceback": it is remembered and acted on at the next check."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and interrupt.requested():
        return
    sys.__unraisablehook__(unraisable)
